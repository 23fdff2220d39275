//===- steedc.cpp - The Steed model compiler driver -----------------------===//
//
//   steedc model.onnx -o model.so [--target=cpu] [--emit=<stage>]
//          [--input-shape=name=1x3x224x224] [--mcpu=...] [--mattr=...]
//
#include "compiler/Pipeline.h"
#include "passes/Passes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/IR/AsmState.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("steedc options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::cat(category));
static cl::opt<std::string> outputFile("o", cl::desc("Output file (default: <model>.so, "
                                                     "or stdout for textual stages)"),
                                       cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string> targetName("target", cl::desc("Target (cpu)"), cl::init("cpu"),
                                       cl::cat(category));
static cl::opt<std::string> emit("emit", cl::desc("Stop after a stage and write it"),
                                 cl::init("lib"), cl::cat(category));
static cl::list<std::string> inputShapes(
    "input-shape", cl::desc("Pin an input's shape: name=1x3x224x224 (repeatable)"),
    cl::cat(category));
static cl::opt<std::string> mcpu("mcpu", cl::desc("Target CPU (default: the host's)"),
                                 cl::cat(category));
static cl::opt<std::string> mattr("mattr", cl::desc("Target features, e.g. +avx2,-avx512f"),
                                  cl::cat(category));
// O2 by default: on today's scalar loop nests O3 gives the same code speed
// (resnet18: 1.44 s either way) but can take 7x longer (the transformer).
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level (0-3, default 2)"),
                                  cl::init(2), cl::Prefix, cl::cat(category));
static cl::opt<bool> listOps("list-ops",
                             cl::desc("Print the supported ONNX ops and their opsets"),
                             cl::cat(category));
static cl::opt<bool> reportKernels(
    "report-kernels", cl::desc("Print each kernel and the ONNX nodes it computes"),
    cl::cat(category));
static cl::opt<bool> fusion(
    "fusion", cl::desc("Fuse onnx ops into bigger kernels (default true; "
                       "--fusion=false: one kernel per op)"),
    cl::init(true), cl::cat(category));
static cl::opt<bool> winograd(
    "winograd", cl::desc("Run \"same\" 3x3 stride-1 convolutions as Winograd F(2x2, 3x3) "
                         "where it pays (default true; CPU with AVX-512)"),
    cl::init(true), cl::cat(category));
static cl::opt<bool> listTargets("list-targets", cl::desc("Print the targets"),
                                 cl::cat(category));

/// One line per diagnostic, naming the model file and the ONNX node.
static void printDiagnostic(Diagnostic &diag) {
  const char *severity = diag.getSeverity() == DiagnosticSeverity::Error     ? "error"
                         : diag.getSeverity() == DiagnosticSeverity::Warning ? "warning"
                         : diag.getSeverity() == DiagnosticSeverity::Note    ? "note"
                                                                             : "remark";
  std::string where;
  Location loc = diag.getLocation();
  if (auto fused = dyn_cast<FusedLoc>(loc); fused && !fused.getLocations().empty())
    loc = fused.getLocations().front();
  if (auto name = dyn_cast<NameLoc>(loc)) {
    std::string file;
    if (auto f = dyn_cast<FileLineColLoc>(name.getChildLoc()))
      file = f.getFilename().str() + ": ";
    where = file + "node '" + name.getName().str() + "': ";
  } else if (auto f = dyn_cast<FileLineColLoc>(loc)) {
    where = f.getLine() ? (f.getFilename().str() + ":" + std::to_string(f.getLine()) + ": ")
                        : f.getFilename().str() + ": ";
  }
  std::string msg = diag.str();
  std::replace(msg.begin(), msg.end(), '\n', ' ');
  llvm::errs() << "steedc: " << severity << ": " << where << msg << "\n";
  for (Diagnostic &note : diag.getNotes())
    if (!StringRef(note.str()).starts_with("see current operation"))
      printDiagnostic(note);
}

static int usageError(const llvm::Twine &msg) {
  llvm::errs() << "steedc: error: " << msg << "\n";
  return 2;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAllPasses();
  steed::registerSteedPasses();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerAsmPrinterCLOptions();
  // --help lists steedc's own options and MLIR's (--mlir-print-ir-after-all
  // and friends); LLVM's hundreds of backend options still parse but only
  // show under --help-hidden.
  for (auto &entry : cl::getRegisteredOptions()) {
    cl::Option *opt = entry.second;
    StringRef name = entry.first;
    if (llvm::is_contained(opt->Categories, &category) || name.starts_with("mlir-") ||
        name.starts_with("help") || name == "version")
      continue;
    if (opt->getOptionHiddenFlag() == cl::NotHidden)
      opt->setHiddenFlag(cl::Hidden);
  }
  cl::ParseCommandLineOptions(argc, argv, "Steed: ONNX model compiler\n");

  if (listOps) {
    for (const auto &op : steed::listSupportedOps())
      llvm::outs() << (op.domain.empty() ? "ai.onnx" : op.domain) << "\t" << op.name
                   << "\tsince " << op.sinceVersion
                   << (op.functionBody ? "\tfunction body" : "") << "\n";
    return 0;
  }
  if (listTargets) {
    for (const steed::Target *t : steed::allTargets())
      llvm::outs() << t->getName() << "\t" << t->getDescription() << "\n";
    return 0;
  }
  if (inputFile.empty())
    return usageError("no input model (usage: steedc model.onnx -o model.so)");

  steed::CompileOptions options;
  options.inputPath = inputFile;
  options.target = targetName;
  auto stage = steed::parseStage(emit);
  if (!stage)
    return usageError("--emit=" + emit + " is not a stage (" + steed::stageNames() + ")");
  options.emit = *stage;
  options.reportKernels = reportKernels;
  options.fusion = fusion;
  bool binary = *stage == steed::Stage::Obj || *stage == steed::Stage::Lib;
  if (!outputFile.empty())
    options.outputPath = outputFile;
  else if (binary)
    options.outputPath = (llvm::sys::path::stem(inputFile) +
                          (*stage == steed::Stage::Obj ? ".o" : ".so")).str();
  else
    options.outputPath = "-";
  for (const std::string &spec : inputShapes) {
    auto [name, dims] = llvm::StringRef(spec).rsplit('=');
    if (dims.empty() || name.empty())
      return usageError("--input-shape=" + spec + ": expected name=1x3x224x224");
    llvm::SmallVector<int64_t> shape;
    llvm::SmallVector<llvm::StringRef> parts;
    dims.split(parts, 'x');
    for (llvm::StringRef p : parts) {
      int64_t d;
      if (p.getAsInteger(10, d) || d < 0)
        return usageError("--input-shape=" + spec + ": '" + p + "' is not a dimension");
      shape.push_back(d);
    }
    options.import.inputShapes[name] = shape;
  }
  options.targetOptions.cpu = mcpu;
  options.targetOptions.features = mattr;
  options.targetOptions.optLevel = optLevel;
  options.targetOptions.winograd = winograd;

  DialectRegistry registry;
  steed::registerPipelineDialects(registry);
  MLIRContext context(registry);
  context.getDiagEngine().registerHandler([](Diagnostic &diag) { printDiagnostic(diag); });
  if (failed(steed::compile(context, options)))
    return 1;
  return 0;
}
