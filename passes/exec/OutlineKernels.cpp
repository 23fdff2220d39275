//===- OutlineKernels.cpp - exec.groups -> kernels, graph -> plan ---------===//
#include "dialects/exec/ExecOps.h"
#include "dialects/onnx/ONNXOps.h"
#include "passes/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseMap.h"

namespace steed {
#define GEN_PASS_DEF_OUTLINEKERNELS
#include "passes/Passes.h.inc"
} // namespace steed

using namespace mlir;
using namespace steed;

namespace {

/// The buffer element type: signless integers; float8/float4 (which LLVM
/// cannot compute in) as same-width integers holding their bit patterns.
Type signless(Type t) {
  if (auto i = dyn_cast<IntegerType>(t); i && !i.isSignless())
    return IntegerType::get(t.getContext(), i.getWidth());
  if (isa<FloatType>(t) && t.getIntOrFloatBitWidth() <= 8)
    return IntegerType::get(t.getContext(), t.getIntOrFloatBitWidth());
  return t;
}

/// The buffer type of a tensor value: static memref, signless elements.
FailureOr<MemRefType> bufferType(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t || !t.hasStaticShape())
    return failure();
  return MemRefType::get(t.getShape(), signless(t.getElementType()));
}

/// Zero-element tensors carry no data. The LLVM lowering cannot pass
/// zero-sized memrefs to functions, so kernels never take them and the plan
/// takes a placeholder byte for them (the ABI still passes a pointer).
bool isEmpty(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.hasStaticShape() && t.getNumElements() == 0;
}

/// The type of a plan argument for `v`.
MemRefType planArgType(Value v) {
  if (isEmpty(v))
    return MemRefType::get({1}, IntegerType::get(v.getContext(), 8));
  return *bufferType(v);
}

/// Attribute of a constant with signless element type.
ElementsAttr signlessConstant(ElementsAttr value) {
  auto type = cast<RankedTensorType>(value.getType());
  Type elem = signless(type.getElementType());
  if (elem == type.getElementType())
    return value;
  auto newType = type.clone(elem);
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense.bitcast(elem);
  auto res = cast<DenseResourceElementsAttr>(value);
  return DenseResourceElementsAttr::get(newType, res.getRawHandle());
}

std::string sanitize(StringRef s) {
  std::string out;
  for (char c : s)
    out.push_back(isalnum((unsigned char)c) ? tolower(c) : '_');
  return out;
}

struct OutlineKernelsPass : steed::impl::OutlineKernelsBase<OutlineKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> graphs;
    for (auto fn : module.getOps<func::FuncOp>())
      if (!fn->hasAttr(exec::kKernelAttrName) && !fn.isDeclaration())
        graphs.push_back(fn);
    for (func::FuncOp fn : graphs)
      if (failed(outline(module, fn)))
        return signalPassFailure();
  }

  /// Builds the kernel function of `group`.
  func::FuncOp buildKernel(ModuleOp module, exec::GroupOp group, unsigned index) {
    OpBuilder b(module.getContext());
    b.setInsertionPoint(group->getParentOfType<func::FuncOp>());
    std::string name = "k" + std::to_string(index);
    if (auto nodes = group.getNodesAttr())
      if (!nodes.empty() && !cast<StringAttr>(nodes[0]).getValue().empty())
        name += "_" + sanitize(cast<StringAttr>(nodes[0]).getValue()).substr(0, 40);
    SmallVector<Type> argTypes;
    SmallVector<Value> inputs, results;
    for (Value v : group.getInputs())
      if (!isEmpty(v)) {
        argTypes.push_back(*bufferType(v));
        inputs.push_back(v);
      }
    for (Value v : group.getResults())
      if (!isEmpty(v)) {
        argTypes.push_back(*bufferType(v));
        results.push_back(v);
      }
    auto kernel = func::FuncOp::create(b, group.getLoc(), name, b.getFunctionType(argTypes, {}));
    kernel.setPrivate();
    kernel->setAttr(exec::kKernelAttrName, b.getUnitAttr());
    if (auto nodes = group.getNodesAttr())
      kernel->setAttr("exec.nodes", nodes);
    Block *entry = kernel.addEntryBlock();
    b.setInsertionPointToStart(entry);
    Location loc = group.getLoc();

    // Inputs: memref -> tensor (-> logical element type).
    Block &body = group.getBody().front();
    unsigned argIndex = 0;
    for (auto [input, arg] : llvm::zip(group.getInputs(), body.getArguments())) {
      auto tensorType = cast<RankedTensorType>(arg.getType());
      auto signlessType = RankedTensorType::get(tensorType.getShape(),
                                                signless(tensorType.getElementType()));
      Value t;
      if (isEmpty(input)) {
        t = tensor::EmptyOp::create(b, loc, signlessType.getShape(),
                                    signlessType.getElementType());
      } else {
        t = bufferization::ToTensorOp::create(b, loc, signlessType,
                                              entry->getArgument(argIndex++),
                                              /*restrict=*/true, /*writable=*/false);
      }
      if (t.getType() != arg.getType())
        t = tensor::BitcastOp::create(b, loc, arg.getType(), t);
      arg.replaceAllUsesWith(t);
    }
    // Move the body, then store the yielded values into the outputs.
    auto yield = cast<exec::YieldOp>(body.getTerminator());
    entry->getOperations().splice(entry->end(), body.getOperations(), body.begin(),
                                  std::prev(body.end()));
    b.setInsertionPointToEnd(entry);
    unsigned outIndex = inputs.size();
    for (auto [result, v] : llvm::zip(group.getResults(), yield.getValues())) {
      if (isEmpty(result))
        continue;
      unsigned argNo = outIndex++;
      auto memrefType = cast<MemRefType>(argTypes[argNo]);
      Value t = v;
      auto signlessTensor =
          RankedTensorType::get(memrefType.getShape(), memrefType.getElementType());
      if (t.getType() != signlessTensor)
        t = tensor::BitcastOp::create(b, loc, signlessTensor, t);
      auto store = bufferization::MaterializeInDestinationOp::create(
          b, loc, t, entry->getArgument(argNo));
      store.setWritable(true);
      store.setRestrict(true);
    }
    func::ReturnOp::create(b, loc);
    return kernel;
  }

  LogicalResult outline(ModuleOp module, func::FuncOp graph) {
    MLIRContext *ctx = module.getContext();
    OpBuilder b(ctx);
    Block &body = graph.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());

    // Every value crossing the plan must be a static tensor.
    auto checkStatic = [&](Value v, Operation *user) -> LogicalResult {
      if (succeeded(bufferType(v)))
        return success();
      return user->emitError() << "value of type " << v.getType()
                               << " needs a static shape (dynamic shapes are not supported "
                                  "yet; pin them with --input-shape)";
    };
    for (BlockArgument a : body.getArguments())
      if (failed(checkStatic(a, graph)))
        return failure();
    for (Operation &op : body.without_terminator())
      for (Value r : op.getResults())
        if (!isa<NoneType>(r.getType()) && failed(checkStatic(r, &op)))
          return failure();

    // The plan's signature: inputs then outputs.
    SmallVector<Type> argTypes;
    for (BlockArgument a : body.getArguments())
      argTypes.push_back(planArgType(a));
    for (Value v : ret.getOperands())
      argTypes.push_back(planArgType(v));
    b.setInsertionPoint(graph);
    auto plan = func::FuncOp::create(b, graph.getLoc(), "steed_plan",
                                     b.getFunctionType(argTypes, {}));
    plan->setAttr(exec::kPlanAttrName, b.getUnitAttr());
    unsigned numInputs = body.getNumArguments();
    plan->setAttr("exec.num_inputs", b.getI64IntegerAttr(numInputs));
    for (unsigned i = 0; i < numInputs; ++i)
      if (auto name = graph.getArgAttr(i, "onnx.name"))
        plan.setArgAttr(i, "onnx.name", name);
    for (unsigned i = 0; i < ret.getNumOperands(); ++i) {
      if (auto name = graph.getResultAttr(i, "onnx.name"))
        plan.setArgAttr(numInputs + i, "onnx.name", name);
      // The logical type (ui8, not i8; the shape even of an empty tensor),
      // for the runtime metadata.
      plan.setArgAttr(numInputs + i, "onnx.type", TypeAttr::get(ret.getOperand(i).getType()));
    }
    for (unsigned i = 0; i < numInputs; ++i)
      plan.setArgAttr(i, "onnx.type", TypeAttr::get(body.getArgument(i).getType()));
    Block *entry = plan.addEntryBlock();
    b.setInsertionPointToStart(entry);

    DenseMap<Value, Value> buffers;
    for (unsigned i = 0; i < numInputs; ++i)
      buffers[body.getArgument(i)] = entry->getArgument(i);
    // A group result returned by the model is written straight into its
    // output buffer (the first time it is returned).
    DenseMap<Value, unsigned> directOutput;
    for (auto [i, v] : llvm::enumerate(ret.getOperands()))
      if (isa_and_nonnull<exec::GroupOp>(v.getDefiningOp()) && !directOutput.count(v))
        directOutput[v] = numInputs + i;

    SymbolTable symbols(module);
    unsigned kernelIndex = 0, constIndex = 0;
    for (Operation &op : llvm::make_early_inc_range(body.without_terminator())) {
      // Constants (onnx.Constant, or arith.constant once lowered) become
      // read-only globals.
      ElementsAttr constValue;
      if (op.getNumResults() == 1 && isa<RankedTensorType>(op.getResult(0).getType()) &&
          matchPattern(op.getResult(0), m_Constant(&constValue))) {
        if (op.use_empty() || isEmpty(op.getResult(0)))
          continue;
        ElementsAttr value = signlessConstant(constValue);
        auto type = *bufferType(op.getResult(0));
        OpBuilder gb(ctx);
        gb.setInsertionPoint(graph);
        auto global = memref::GlobalOp::create(
            gb, op.getLoc(), "__constant_" + std::to_string(constIndex++),
            gb.getStringAttr("private"), type, value, /*constant=*/true,
            gb.getI64IntegerAttr(64));
        symbols.insert(global);
        buffers[op.getResult(0)] =
            memref::GetGlobalOp::create(b, op.getLoc(), type, global.getSymName());
        continue;
      }
      if (isa<onnx::NoneOp>(op))
        continue;
      auto group = dyn_cast<exec::GroupOp>(op);
      if (!group)
        return op.emitError() << "'" << op.getName()
                              << "' outside a kernel cannot be outlined";
      func::FuncOp kernel = buildKernel(module, group, kernelIndex++);
      symbols.insert(kernel);
      SmallVector<Value> args;
      for (Value in : group.getInputs())
        if (!isEmpty(in))
          args.push_back(buffers.lookup(in));
      for (Value r : group.getResults()) {
        if (isEmpty(r))
          continue;
        Value buf;
        auto it = directOutput.find(r);
        if (it != directOutput.end())
          buf = entry->getArgument(it->second);
        else
          buf = memref::AllocOp::create(b, group.getLoc(), *bufferType(r));
        buffers[r] = buf;
        args.push_back(buf);
      }
      exec::LaunchOp::create(b, group.getLoc(), kernel.getSymName(), args);
    }
    // Outputs not written in place are copied.
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      if (isEmpty(v))
        continue;
      Value out = entry->getArgument(numInputs + i);
      Value src = buffers.lookup(v);
      if (src != out)
        memref::CopyOp::create(b, ret.getLoc(), src, out);
    }
    func::ReturnOp::create(b, ret.getLoc());
    graph.erase();
    return success();
  }
};
} // namespace
