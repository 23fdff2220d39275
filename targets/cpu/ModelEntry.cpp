//===- ModelEntry.cpp - The model ABI's symbols for the CPU target --------===//
#include "dialects/exec/ExecOps.h"
#include "targets/cpu/CPUTarget.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/Support/Format.h"

namespace steed {
#define GEN_PASS_DEF_CPUMODELENTRY
#include "targets/cpu/Passes.h.inc"
} // namespace steed

using namespace mlir;

namespace steed {

static std::string dtypeName(Type t) {
  if (t.isF32()) return "f32";
  if (t.isF64()) return "f64";
  if (t.isF16()) return "f16";
  if (t.isBF16()) return "bf16";
  if (isa<Float8E4M3FNType>(t)) return "f8e4m3fn";
  if (isa<Float8E4M3FNUZType>(t)) return "f8e4m3fnuz";
  if (isa<Float8E5M2Type>(t)) return "f8e5m2";
  if (isa<Float8E5M2FNUZType>(t)) return "f8e5m2fnuz";
  if (isa<Float4E2M1FNType>(t)) return "f4e2m1";
  if (t.isInteger(1)) return "bool";
  if (auto i = dyn_cast<IntegerType>(t))
    return (i.isUnsigned() ? "u" : "i") + std::to_string(i.getWidth());
  return "";
}

static std::string percentEncode(StringRef s) {
  if (s.empty())
    return "%";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '_' || c == '.' || c == ':' || c == '/' || c == '-')
      out.push_back(c);
    else
      {
        static const char hex[] = "0123456789ABCDEF";
        out += {'%', hex[c >> 4], hex[c & 15]};
      }
  }
  return out;
}

LogicalResult recordModelInfo(ModuleOp module) {
  func::FuncOp plan;
  for (auto fn : module.getOps<func::FuncOp>())
    if (fn->hasAttr(exec::kPlanAttrName))
      plan = fn;
  if (!plan)
    return module.emitError("no exec.plan function to describe");
  std::string info = "steed-model 1\n";
  unsigned numArgs = plan.getNumArguments();
  for (unsigned i = 0; i < numArgs; ++i) {
    if (plan.getArgAttr(i, "exec.arena"))
      continue;
    // The logical tensor type (signedness, shape even when empty) is the
    // outliner's `onnx.type`; outputs follow the `exec.num_inputs` inputs.
    auto type = cast<ShapedType>(plan.getArgumentTypes()[i]);
    if (auto t = plan.getArgAttrOfType<TypeAttr>(i, "onnx.type"))
      type = cast<ShapedType>(t.getValue());
    bool isOutput = i >= plan->getAttrOfType<IntegerAttr>("exec.num_inputs").getInt();
    Type logical = type.getElementType();
    std::string dtype = dtypeName(logical);
    if (dtype.empty())
      return plan.emitError() << "element type " << logical
                              << " cannot cross the model ABI";
    StringRef name;
    if (auto n = plan.getArgAttrOfType<StringAttr>(i, "onnx.name"))
      name = n.getValue();
    info += (isOutput ? "output " : "input ") + percentEncode(name) + " " + dtype + " " +
            std::to_string(type.getRank());
    for (int64_t d : type.getShape())
      info += " " + std::to_string(d);
    info += "\n";
  }
  // The names and types now live in the metadata; LLVM has no use for them.
  for (unsigned i = 0; i < numArgs; ++i)
    plan.setArgAttrs(i, ArrayRef<NamedAttribute>{});
  OpBuilder b(module.getContext());
  module->setAttr("exec.model_info", b.getStringAttr(info));
  module->setAttr("exec.plan_num_args", b.getI64IntegerAttr(numArgs));
  return success();
}

namespace {
struct CPUModelEntryPass : impl::CPUModelEntryBase<CPUModelEntryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    auto info = module->getAttrOfType<StringAttr>("exec.model_info");
    auto numArgs = module->getAttrOfType<IntegerAttr>("exec.plan_num_args");
    auto arenaSize = module->getAttrOfType<IntegerAttr>(exec::kArenaSizeAttrName);
    auto plan = module.lookupSymbol<LLVM::LLVMFuncOp>("steed_plan");
    if (!info || !numArgs || !arenaSize || !plan) {
      module.emitError("model entry: missing plan, metadata or arena size");
      return signalPassFailure();
    }
    // Only the ABI's symbols are exported; the plan and the kernels are
    // internal, so LLVM may inline and specialize them.
    for (auto fn : module.getOps<LLVM::LLVMFuncOp>())
      if (!fn.isExternal())
        fn.setLinkage(LLVM::Linkage::Internal);

    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module.getBody());
    Location loc = module.getLoc();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);

    std::string text = info.getValue().str();
    text.push_back('\0');
    auto strType = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
    LLVM::GlobalOp::create(b, loc, strType, /*isConstant=*/true, LLVM::Linkage::External,
                           "steed_model_info", b.getStringAttr(text));
    LLVM::GlobalOp::create(b, loc, b.getI64Type(), /*isConstant=*/true,
                           LLVM::Linkage::External, "steed_model_arena_size",
                           b.getI64IntegerAttr(arenaSize.getInt()));

    auto fnType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptrType});
    auto run = LLVM::LLVMFuncOp::create(b, loc, "steed_model_run", fnType);
    Block *entry = run.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    SmallVector<Value> args;
    for (int64_t i = 0; i < numArgs.getInt(); ++i) {
      Value slot = LLVM::GEPOp::create(b, loc, ptrType, ptrType, entry->getArgument(0),
                                       ArrayRef<LLVM::GEPArg>{(int32_t)i});
      args.push_back(LLVM::LoadOp::create(b, loc, ptrType, slot));
    }
    LLVM::CallOp::create(b, loc, plan, args);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
  }
};
} // namespace

} // namespace steed
