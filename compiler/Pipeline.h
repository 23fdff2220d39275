//===- Pipeline.h - The whole compilation, stage by stage -------*- C++ -*-===//
#ifndef STEED_COMPILER_PIPELINE_H
#define STEED_COMPILER_PIPELINE_H

#include "compiler/importer/Importer.h"
#include "targets/Target.h"
#include <optional>
#include <string>

namespace mlir {
class MLIRContext;
class DialectRegistry;
} // namespace mlir

namespace steed {

/// The stages of a compilation, in order; `--emit=<stage>` stops after one
/// and prints it.
enum class Stage {
  ONNX,       // imported onnx dialect
  ONNXOpt,    // after canonicalization and constant folding
  Kernels,    // onnx ops grouped into exec.group kernels
  Linalg,     // groups lowered to linalg/tensor/arith/math
  Plan,       // kernels outlined to functions, graph turned into the plan
  Bufferized, // kernels on memrefs
  Planned,    // every buffer placed in the arena
  LLVM,       // the target's lowest MLIR form (LLVM dialect for the CPU)
  LLVMIR,     // textual LLVM IR, optimized
  Obj,        // object file
  Lib,        // the loadable model library
};

/// Parses a stage name ("onnx", "onnx-opt", "kernels", "linalg", "plan",
/// "bufferized", "planned", "llvm", "llvmir", "obj", "lib").
std::optional<Stage> parseStage(llvm::StringRef name);
/// The names accepted by parseStage, joined with '|'.
std::string stageNames();

struct CompileOptions {
  std::string inputPath;
  std::string outputPath; // "-" for stdout (textual stages)
  std::string target = "cpu";
  Stage emit = Stage::Lib;
  /// Print each kernel with the ONNX nodes it computes (to stdout).
  bool reportKernels = false;
  /// Merge kernels (steed-fuse-kernels) and fuse the elementwise loops
  /// inside them (steed-fuse-elementwise); off: one kernel per onnx op.
  bool fusion = true;
  ImportOptions import;
  TargetOptions targetOptions;
};

/// Registers every dialect the pipeline uses.
void registerPipelineDialects(mlir::DialectRegistry &registry);

/// Runs the compilation up to `options.emit` and writes the result.
/// Diagnostics go through the context's handler.
mlir::LogicalResult compile(mlir::MLIRContext &context, const CompileOptions &options);

} // namespace steed

#endif
