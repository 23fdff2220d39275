//===- Pipeline.cpp - The whole compilation, stage by stage ---------------===//
#include "compiler/Pipeline.h"
#include "dialects/exec/ExecOps.h"
#include "dialects/onnx/ONNXOps.h"
#include "passes/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include <unistd.h>
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

namespace steed {

static const std::pair<const char *, Stage> kStages[] = {
    {"onnx", Stage::ONNX},       {"onnx-opt", Stage::ONNXOpt},
    {"kernels", Stage::Kernels}, {"linalg", Stage::Linalg},
    {"plan", Stage::Plan},       {"bufferized", Stage::Bufferized},
    {"planned", Stage::Planned}, {"llvm", Stage::LLVM},
    {"llvmir", Stage::LLVMIR},   {"obj", Stage::Obj},
    {"lib", Stage::Lib},
};

std::optional<Stage> parseStage(llvm::StringRef name) {
  for (auto [n, s] : kStages)
    if (name == n)
      return s;
  return std::nullopt;
}

std::string stageNames() {
  std::string out;
  for (auto [n, s] : kStages)
    out += (out.empty() ? "" : "|") + std::string(n);
  return out;
}

void registerPipelineDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<onnx::ONNXDialect, exec::ExecDialect>();
}

namespace {

/// Writes `text` producers to the output path ("-" is stdout).
LogicalResult writeOutput(MLIRContext &ctx, StringRef path,
                          llvm::function_ref<LogicalResult(llvm::raw_ostream &)> write) {
  std::string error;
  auto file = openOutputFile(path, &error);
  if (!file)
    return emitError(UnknownLoc::get(&ctx)) << error;
  if (failed(write(file->os())))
    return failure();
  file->keep();
  return success();
}

LogicalResult runPasses(ModuleOp module, StringRef pipeline) {
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  if (failed(parsePassPipeline(pipeline, pm))) {
    module.emitError() << "bad internal pipeline: " << pipeline;
    return failure();
  }
  return pm.run(module);
}

} // namespace

LogicalResult compile(MLIRContext &context, const CompileOptions &options) {
  const Target *target = lookupTarget(options.target);
  if (!target)
    return emitError(UnknownLoc::get(&context)) << "unknown target '" << options.target << "'";

  OwningOpRef<ModuleOp> module = importONNXModel(options.inputPath, context, options.import);
  if (!module)
    return failure();

  auto printStage = [&]() {
    return writeOutput(context, options.outputPath, [&](llvm::raw_ostream &os) {
      OpPrintingFlags flags;
      flags.elideLargeElementsAttrs(256);
      flags.elideLargeResourceString(1024);
      module->print(os, flags);
      os << "\n";
      return success();
    });
  };
  // Each stage: its passes, then stop here if it is the one to emit.
  struct StageSpec {
    Stage stage;
    const char *pipeline;
  };
  const StageSpec stages[] = {
      {Stage::ONNX, ""},
      // Folding can turn shape operands into constants (Shape -> Gather ->
      // Concat -> Reshape), which makes more result types static: re-infer.
      {Stage::ONNXOpt, "canonicalize,func.func(steed-infer-shapes),canonicalize,"
                       "func.func(steed-infer-shapes)"},
      {Stage::Kernels, options.fusion
                           ? "func.func(steed-form-kernels,steed-fuse-kernels),canonicalize"
                           : "func.func(steed-form-kernels),canonicalize"},
      {Stage::Linalg, options.fusion ? "steed-lower-onnx,canonicalize,steed-fuse-elementwise,canonicalize"
                                     : "steed-lower-onnx,canonicalize"},
      {Stage::Plan, "steed-outline-kernels,canonicalize,symbol-dce"},
      // Loop bodies (Loop, Scan) yield buffers equivalent to their
      // iteration arguments, so their temporaries never outlive an
      // iteration: hoisting them out of branches and loops leaves every
      // static allocation at the top of its kernel (scratch, see
      // steed-plan-memory), none allocated per iteration.
      {Stage::Bufferized,
       "eliminate-empty-tensors,one-shot-bufferize,canonicalize,cse,"
       "func.func(buffer-hoisting,buffer-loop-hoisting)"},
      {Stage::Planned, "steed-plan-memory,canonicalize"},
  };
  for (const StageSpec &spec : stages) {
    if (*spec.pipeline && failed(runPasses(*module, spec.pipeline)))
      return failure();
    if (spec.stage == Stage::Plan && options.reportKernels)
      for (auto fn : module->getOps<func::FuncOp>())
        if (fn->hasAttr(exec::kKernelAttrName)) {
          llvm::outs() << "kernel " << fn.getSymName() << ":";
          if (auto nodes = fn->getAttrOfType<ArrayAttr>("exec.nodes"))
            for (Attribute node : nodes)
              llvm::outs() << " " << cast<StringAttr>(node).getValue();
          llvm::outs() << "\n";
        }
    if (options.emit == spec.stage)
      return printStage();
  }

  if (failed(target->prepare(*module, options.targetOptions)))
    return failure();
  {
    PassManager pm(&context, ModuleOp::getOperationName());
    if (failed(applyPassManagerCLOptions(pm)) ||
        failed(target->buildLoweringPipeline(pm, options.targetOptions)) ||
        failed(pm.run(*module)))
      return failure();
  }
  if (options.emit == Stage::LLVM)
    return printStage();
  if (options.emit == Stage::LLVMIR)
    return writeOutput(context, options.outputPath, [&](llvm::raw_ostream &os) {
      return target->emitIR(*module, options.targetOptions, os);
    });
  if (options.emit == Stage::Obj)
    return target->emitObject(*module, options.targetOptions, options.outputPath);

  // Lib: object in a temporary file, then link.
  SmallString<128> objPath;
  int fd;
  if (auto ec = llvm::sys::fs::createTemporaryFile("steed", "o", fd, objPath))
    return emitError(UnknownLoc::get(&context)) << "cannot create a temporary file: "
                                                << ec.message();
  ::close(fd);
  llvm::FileRemover removeObj(objPath);
  if (failed(target->emitObject(*module, options.targetOptions, objPath)))
    return failure();
  return target->link({objPath.str().str()}, options.outputPath,
                      FileLineColLoc::get(&context, options.inputPath, 0, 0));
}

} // namespace steed
