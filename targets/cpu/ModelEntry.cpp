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
  auto numInputsAttr = plan->getAttrOfType<IntegerAttr>("exec.num_inputs");
  auto slotsAttr = plan->getAttrOfType<DenseI64ArrayAttr>("exec.output_slots");
  if (!numInputsAttr || !slotsAttr)
    return plan.emitError("plan lacks exec.num_inputs / exec.output_slots");
  int64_t numInputs = numInputsAttr.getInt();
  ArrayRef<int64_t> slots = slotsAttr.asArrayRef();
  OpBuilder b(module.getContext());

  // ABI tensor index of every plan argument (-1: the arena) and result.
  SmallVector<int64_t> argTensor(plan.getNumArguments(), -1);
  SmallVector<int64_t> resultTensor(plan.getNumResults(), -1);
  for (int64_t i = 0; i < numInputs; ++i)
    argTensor[i] = i;
  for (auto [j, slot] : llvm::enumerate(slots)) {
    if (slot >= 0)
      argTensor[slot] = numInputs + j;
    else
      resultTensor[-1 - slot] = numInputs + j;
  }

  std::string info = "steed-model 2\n";
  auto describe = [&](DictionaryAttr attrs, Type bufferType, bool isOutput) -> LogicalResult {
    // The logical tensor type (signedness, shape even when empty) is the
    // outliner's `onnx.type`.
    auto type = cast<ShapedType>(bufferType);
    if (auto t = attrs ? attrs.getAs<TypeAttr>("onnx.type") : TypeAttr())
      type = cast<ShapedType>(t.getValue());
    Type logical = type.getElementType();
    std::string dtype = dtypeName(logical);
    if (dtype.empty())
      return plan.emitError() << "element type " << logical << " cannot cross the model ABI";
    StringRef name;
    if (auto n = attrs ? attrs.getAs<StringAttr>("onnx.name") : StringAttr())
      name = n.getValue();
    info += (isOutput ? "output " : "input ") + percentEncode(name) + " " + dtype + " " +
            std::to_string(type.getRank());
    for (int64_t d : type.getShape())
      info += " " + std::to_string(ShapedType::isDynamic(d) ? -1 : d);
    info += "\n";
    return success();
  };
  for (int64_t i = 0; i < numInputs; ++i)
    if (failed(describe(plan.getArgAttrDict(i), plan.getArgumentTypes()[i], false)))
      return failure();
  for (int64_t slot : slots) {
    bool ok = slot >= 0
                  ? succeeded(describe(plan.getArgAttrDict(slot),
                                       plan.getArgumentTypes()[slot], true))
                  : succeeded(describe(plan.getResultAttrDict(-1 - slot),
                                       plan.getResultTypes()[-1 - slot], true));
    if (!ok)
      return failure();
  }
  // The names and types now live in the metadata; LLVM has no use for them.
  for (unsigned i = 0; i < plan.getNumArguments(); ++i)
    plan.setArgAttrs(i, ArrayRef<NamedAttribute>{});
  for (unsigned i = 0; i < plan.getNumResults(); ++i)
    plan.setResultAttrs(i, ArrayRef<NamedAttribute>{});
  SmallVector<Attribute> argTypes, resultTypes;
  for (Type t : plan.getArgumentTypes())
    argTypes.push_back(TypeAttr::get(t));
  for (Type t : plan.getResultTypes())
    resultTypes.push_back(TypeAttr::get(t));
  module->setAttr("exec.model_info", b.getStringAttr(info));
  module->setAttr("exec.plan_arg_types", b.getArrayAttr(argTypes));
  module->setAttr("exec.plan_result_types", b.getArrayAttr(resultTypes));
  module->setAttr("exec.plan_arg_tensors", b.getDenseI64ArrayAttr(argTensor));
  module->setAttr("exec.plan_result_tensors", b.getDenseI64ArrayAttr(resultTensor));
  return success();
}

namespace {
/// steed_model_run(steed_abi_tensor *tensors, void *arena, const
/// steed_kernel_context *kc) -> the plan, whose memref arguments and results
/// use MLIR's descriptor calling convention (docs/model-abi.md).
struct CPUModelEntryPass : impl::CPUModelEntryBase<CPUModelEntryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    auto info = module->getAttrOfType<StringAttr>("exec.model_info");
    auto argTypes = module->getAttrOfType<ArrayAttr>("exec.plan_arg_types");
    auto resultTypes = module->getAttrOfType<ArrayAttr>("exec.plan_result_types");
    auto argTensors = module->getAttrOfType<DenseI64ArrayAttr>("exec.plan_arg_tensors");
    auto resultTensors = module->getAttrOfType<DenseI64ArrayAttr>("exec.plan_result_tensors");
    auto arenaSize = module->getAttrOfType<IntegerAttr>(exec::kArenaSizeAttrName);
    auto plan = module.lookupSymbol<LLVM::LLVMFuncOp>("steed_plan");
    if (!info || !argTypes || !resultTypes || !argTensors || !resultTensors || !arenaSize ||
        !plan) {
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
    auto i64 = b.getI64Type();

    std::string text = info.getValue().str();
    text.push_back('\0');
    auto strType = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
    LLVM::GlobalOp::create(b, loc, strType, /*isConstant=*/true, LLVM::Linkage::External,
                           "steed_model_info", b.getStringAttr(text));
    LLVM::GlobalOp::create(b, loc, i64, /*isConstant=*/true, LLVM::Linkage::External,
                           "steed_model_arena_size", b.getI64IntegerAttr(arenaSize.getInt()));

    // struct steed_abi_tensor { void *data; void *allocation; int64_t *dims; }
    auto abiTensor = LLVM::LLVMStructType::getLiteral(ctx, {ptrType, ptrType, ptrType});
    auto fnType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                              {ptrType, ptrType, ptrType});
    auto run = LLVM::LLVMFuncOp::create(b, loc, "steed_model_run", fnType);
    Block *entry = run.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    Value tensors = entry->getArgument(0), arena = entry->getArgument(1);
    auto field = [&](int64_t tensor, int32_t index) {
      return LLVM::GEPOp::create(b, loc, ptrType, abiTensor, tensors,
                                 ArrayRef<LLVM::GEPArg>{(int32_t)tensor, index});
    };
    auto constI64 = [&](int64_t v) {
      return LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(v));
    };

    // Expanded descriptor arguments: allocated, aligned, offset, sizes, strides.
    SmallVector<Value> args;
    for (auto [type, tensor] : llvm::zip(argTypes, argTensors.asArrayRef())) {
      auto memref = cast<MemRefType>(cast<TypeAttr>(type).getValue());
      Value data = tensor < 0 ? arena : LLVM::LoadOp::create(b, loc, ptrType, field(tensor, 0));
      args.push_back(data);
      args.push_back(data);
      args.push_back(constI64(0));
      SmallVector<Value> sizes;
      Value dims;
      for (int64_t d = 0; d < memref.getRank(); ++d) {
        if (!memref.isDynamicDim(d)) {
          sizes.push_back(constI64(memref.getDimSize(d)));
          continue;
        }
        if (!dims)
          dims = LLVM::LoadOp::create(b, loc, ptrType, field(tensor, 2));
        Value p = LLVM::GEPOp::create(b, loc, ptrType, i64, dims,
                                      ArrayRef<LLVM::GEPArg>{(int32_t)d});
        sizes.push_back(LLVM::LoadOp::create(b, loc, i64, p));
      }
      SmallVector<Value> strides(memref.getRank());
      Value stride = constI64(1);
      for (int64_t d = memref.getRank() - 1; d >= 0; --d) {
        strides[d] = stride;
        if (d > 0)
          stride = LLVM::MulOp::create(b, loc, stride, sizes[d]);
      }
      args.append(sizes);
      args.append(strides);
    }
    // steed-cpu-microkernels gave the plan the kernel context (as an i64)
    // when its kernels use the thread pool.
    if (module->hasAttr("exec.plan_kc_arg"))
      args.push_back(LLVM::PtrToIntOp::create(b, loc, i64, entry->getArgument(2)));
    auto call = LLVM::CallOp::create(b, loc, plan, args);

    // Dynamic outputs: the plan returns their descriptors.
    unsigned numResults = resultTypes.size();
    for (auto [r, type, tensor] :
         llvm::zip(llvm::seq<unsigned>(0, numResults), resultTypes, resultTensors.asArrayRef())) {
      auto memref = cast<MemRefType>(cast<TypeAttr>(type).getValue());
      Value desc = call.getResult();
      if (numResults > 1)
        desc = LLVM::ExtractValueOp::create(b, loc, desc, ArrayRef<int64_t>{(int64_t)r});
      Value allocated = LLVM::ExtractValueOp::create(b, loc, desc, ArrayRef<int64_t>{0});
      Value aligned = LLVM::ExtractValueOp::create(b, loc, desc, ArrayRef<int64_t>{1});
      Value offset = LLVM::ExtractValueOp::create(b, loc, desc, ArrayRef<int64_t>{2});
      unsigned elemBytes = std::max<unsigned>(1, memref.getElementTypeBitWidth() / 8);
      Value byteOffset = LLVM::MulOp::create(b, loc, offset, constI64(elemBytes));
      Value data = LLVM::GEPOp::create(b, loc, ptrType, b.getI8Type(), aligned,
                                       ArrayRef<LLVM::GEPArg>{byteOffset});
      LLVM::StoreOp::create(b, loc, data, field(tensor, 0));
      LLVM::StoreOp::create(b, loc, allocated, field(tensor, 1));
      if (memref.getRank() == 0)
        continue;
      Value dims = LLVM::LoadOp::create(b, loc, ptrType, field(tensor, 2));
      for (int64_t d = 0; d < memref.getRank(); ++d) {
        Value size = LLVM::ExtractValueOp::create(b, loc, desc, ArrayRef<int64_t>{3, d});
        Value p = LLVM::GEPOp::create(b, loc, ptrType, i64, dims,
                                      ArrayRef<LLVM::GEPArg>{(int32_t)d});
        LLVM::StoreOp::create(b, loc, size, p);
      }
    }
    LLVM::ReturnOp::create(b, loc, ValueRange{});
  }
};
} // namespace

} // namespace steed
