//===- steed-opt.cpp - MlirOptMain with Steed's dialects and passes -------===//
#include "dialects/exec/ExecOps.h"
#include "dialects/onnx/ONNXOps.h"
#include "passes/Passes.h"
#include "targets/cpu/CPUTarget.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  steed::registerSteedPasses();
  steed::registerCPUTargetPasses();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<steed::onnx::ONNXDialect, steed::exec::ExecDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Steed optimizer driver\n", registry));
}
