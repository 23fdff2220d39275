//===- CPUTarget.cpp - LLVM code generation for the host CPU --------------===//
#include "targets/cpu/CPUTarget.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

namespace steed {
#define GEN_PASS_DECL
#include "targets/cpu/Passes.h.inc"
#define GEN_PASS_REGISTRATION
#include "targets/cpu/Passes.h.inc"
mlir::LogicalResult recordModelInfo(mlir::ModuleOp module);
} // namespace steed

using namespace mlir;

namespace steed {
namespace {

class CPUTarget : public Target {
public:
  llvm::StringRef getName() const override { return "cpu"; }
  llvm::StringRef getDescription() const override {
    return "the host CPU through LLVM (x86-64 by default; --mcpu/--mattr)";
  }

  LogicalResult prepare(ModuleOp module, const TargetOptions &) const override {
    return recordModelInfo(module);
  }

  LogicalResult buildLoweringPipeline(OpPassManager &pm,
                                      const TargetOptions &options) const override {
    // f32 matmul/conv go to the kernel library (steed-cpu-microkernels);
    // the rest becomes scalar loops (vectorization slots in before
    // convert-linalg-to-loops).
    std::string pipeline =
        "steed-lower-launches,steed-cpu-microkernels{isa=" +
        std::to_string(kernelISA(options)) + " winograd=" + (options.winograd ? "1" : "0") +
        "},steed-cpu-expand-strided-copies,steed-cpu-parallelize-loops,"
        "func.func(steed-cpu-approximate-math),func.func(steed-cpu-reduction-loops),"
        "func.func(convert-linalg-to-loops),"
        "lower-affine,convert-scf-to-cf,expand-strided-metadata,lower-affine,"
        "finalize-memref-to-llvm,convert-math-to-llvm,convert-math-to-libm,"
        "convert-arith-to-llvm,convert-index-to-llvm,convert-cf-to-llvm,"
        "convert-func-to-llvm,"
        "reconcile-unrealized-casts,steed-cpu-model-entry,canonicalize";
    registerCPUTargetPasses();
    return parsePassPipeline(pipeline, pm);
  }

  /// The kernel library's micro-kernel for the target CPU: 2 AVX-512F,
  /// 1 AVX2+FMA, 0 portable C (also for non-x86 targets).
  int64_t kernelISA(const TargetOptions &options) const {
    std::string error;
    std::unique_ptr<llvm::TargetMachine> tm = createTargetMachine(options, error);
    if (!tm || !tm->getTargetTriple().isX86())
      return 0;
    const llvm::MCSubtargetInfo *sti = tm->getMCSubtargetInfo();
    if (sti->checkFeatures("+avx512f"))
      return 2;
    if (sti->checkFeatures("+avx2") && sti->checkFeatures("+fma"))
      return 1;
    return 0;
  }

  std::unique_ptr<llvm::TargetMachine> createTargetMachine(const TargetOptions &options,
                                                           std::string &error) const {
    static bool initialized = [] {
      llvm::InitializeNativeTarget();
      llvm::InitializeNativeTargetAsmPrinter();
      return true;
    }();
    (void)initialized;
    llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
    const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
    if (!target)
      return nullptr;
    std::string cpu = options.cpu.empty() || options.cpu == "native"
                          ? llvm::sys::getHostCPUName().str()
                          : options.cpu;
    std::string features = options.features;
    if (features.empty() && (options.cpu.empty() || options.cpu == "native")) {
      llvm::SubtargetFeatures host;
      for (const auto &f : llvm::sys::getHostCPUFeatures())
        host.AddFeature(f.getKey(), f.getValue());
      features = host.getString();
    }
    llvm::TargetOptions to;
    auto level = options.optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
                 : options.optLevel == 0 ? llvm::CodeGenOptLevel::None
                                         : llvm::CodeGenOptLevel::Default;
    std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
        triple, cpu, features, to, llvm::Reloc::PIC_, std::nullopt, level));
    if (!tm)
      error = "cannot create a target machine for " + triple.str() + " cpu " + cpu;
    return tm;
  }

  /// MLIR LLVM dialect -> optimized llvm::Module.
  std::unique_ptr<llvm::Module> translate(ModuleOp module, const TargetOptions &options,
                                          llvm::LLVMContext &llvmContext,
                                          std::unique_ptr<llvm::TargetMachine> &tm) const {
    registerBuiltinDialectTranslation(*module.getContext());
    registerLLVMDialectTranslation(*module.getContext());
    std::string error;
    tm = createTargetMachine(options, error);
    if (!tm) {
      module.emitError() << error;
      return nullptr;
    }
    // Weights (dense_resource blobs) bypass the element-by-element constant
    // translation: their globals are translated as declarations and get
    // their bytes afterwards in one piece.
    struct RawGlobal {
      std::string name;
      ArrayRef<char> data;
      uint64_t alignment;
      LLVM::Linkage linkage;
    };
    SmallVector<RawGlobal> rawGlobals;
    module.walk([&](LLVM::GlobalOp global) {
      auto resource = dyn_cast_or_null<DenseResourceElementsAttr>(global.getValueOrNull());
      if (!resource || !resource.getRawHandle().getBlob())
        return;
      rawGlobals.push_back({global.getSymName().str(),
                            resource.getRawHandle().getBlob()->getData(),
                            global.getAlignment().value_or(64), global.getLinkage()});
      global.removeValueAttr();
      global.setLinkage(LLVM::Linkage::External);
    });
    auto llvmModule = translateModuleToLLVMIR(module, llvmContext, "steed_model");
    if (!llvmModule) {
      module.emitError("translation to LLVM IR failed");
      return nullptr;
    }
    for (const RawGlobal &raw : rawGlobals) {
      llvm::GlobalVariable *decl = llvmModule->getNamedGlobal(raw.name);
      if (!decl)
        continue;
      llvm::Constant *bytes = llvm::ConstantDataArray::getRaw(
          StringRef(raw.data.data(), raw.data.size()), raw.data.size(),
          llvm::Type::getInt8Ty(llvmContext));
      auto *def = new llvm::GlobalVariable(
          *llvmModule, bytes->getType(), /*isConstant=*/true,
          raw.linkage == LLVM::Linkage::Private ? llvm::GlobalValue::PrivateLinkage
                                                : llvm::GlobalValue::InternalLinkage,
          bytes, raw.name + ".bytes");
      def->setAlignment(llvm::Align(std::max<uint64_t>(raw.alignment, 16)));
      decl->replaceAllUsesWith(def);
      decl->eraseFromParent();
      def->setName(raw.name);
    }
    llvmModule->setTargetTriple(tm->getTargetTriple());
    llvmModule->setDataLayout(tm->createDataLayout());

    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder pb(tm.get());
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::OptimizationLevel level = options.optLevel >= 3   ? llvm::OptimizationLevel::O3
                                    : options.optLevel == 2 ? llvm::OptimizationLevel::O2
                                    : options.optLevel == 1 ? llvm::OptimizationLevel::O1
                                                            : llvm::OptimizationLevel::O0;
    if (level != llvm::OptimizationLevel::O0) {
      llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(level);
      mpm.run(*llvmModule, mam);
    }
    return llvmModule;
  }

  LogicalResult emitIR(ModuleOp module, const TargetOptions &options,
                       llvm::raw_ostream &os) const override {
    llvm::LLVMContext llvmContext;
    std::unique_ptr<llvm::TargetMachine> tm;
    auto llvmModule = translate(module, options, llvmContext, tm);
    if (!llvmModule)
      return failure();
    llvmModule->print(os, nullptr);
    return success();
  }

  LogicalResult emitObject(ModuleOp module, const TargetOptions &options,
                           llvm::StringRef path) const override {
    llvm::LLVMContext llvmContext;
    std::unique_ptr<llvm::TargetMachine> tm;
    auto llvmModule = translate(module, options, llvmContext, tm);
    if (!llvmModule)
      return failure();
    std::error_code ec;
    llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_None);
    if (ec)
      return module.emitError() << "cannot write '" << path << "': " << ec.message();
    llvm::legacy::PassManager pm;
    if (tm->addPassesToEmitFile(pm, out, nullptr, llvm::CodeGenFileType::ObjectFile))
      return module.emitError("the target cannot emit object files");
    pm.run(*llvmModule);
    return success();
  }

  LogicalResult link(llvm::ArrayRef<std::string> objects, llvm::StringRef output,
                     Location loc) const override {
    std::string lld = STEED_DEFAULT_LLD;
    if (const char *env = getenv("STEED_LLD"))
      lld = env;
    SmallVector<std::string> args{lld, "-shared", "--gc-sections", "-O1", "-o", output.str()};
    for (const std::string &o : objects)
      args.push_back(o);
    // The kernel library (GEMM/convolution micro-kernels); --gc-sections
    // keeps only what the model calls.
    std::string kernels = STEED_DEFAULT_KERNEL_LIB;
    if (const char *env = getenv("STEED_KERNEL_LIB"))
      kernels = env;
    args.push_back(kernels);
    // Kernels may call libm (erff, tanf, ...).
    for (const char *libm : {"/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6"})
      if (llvm::sys::fs::exists(libm)) {
        args.push_back(libm);
        break;
      }
    SmallVector<StringRef> argRefs(args.begin(), args.end());
    std::string error;
    int rc = llvm::sys::ExecuteAndWait(lld, argRefs, std::nullopt, {}, 0, 0, &error);
    if (rc != 0)
      return emitError(loc) << "linking '" << output << "' with " << lld << " failed"
                            << (error.empty() ? "" : ": " + error);
    return success();
  }
};

} // namespace

std::unique_ptr<Target> createCPUTarget() { return std::make_unique<CPUTarget>(); }

void registerCPUTargetPasses() {
  static bool registered = [] {
    registerSteedCPUPasses();
    return true;
  }();
  (void)registered;
}

} // namespace steed
