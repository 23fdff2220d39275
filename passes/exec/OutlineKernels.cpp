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
#include "llvm/ADT/DenseSet.h"

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

/// The buffer type of a tensor value: identity-layout memref (dynamic where
/// the tensor is), signless elements.
FailureOr<MemRefType> bufferType(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t)
    return failure();
  return MemRefType::get(t.getShape(), signless(t.getElementType()));
}

/// A value whose shape is known only at run time: its buffer is allocated
/// by the kernel that computes it and returned to the plan.
bool isDynamic(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && !t.hasStaticShape();
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
    SmallVector<Type> resultTypes;
    for (Value v : group.getResults()) {
      if (isDynamic(v))
        resultTypes.push_back(*bufferType(v));
      else if (!isEmpty(v)) {
        argTypes.push_back(*bufferType(v));
        results.push_back(v);
      }
    }
    auto kernel = func::FuncOp::create(b, group.getLoc(), name,
                                       b.getFunctionType(argTypes, resultTypes));
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
    SmallVector<Value> returned;
    for (auto [result, v] : llvm::zip(group.getResults(), yield.getValues())) {
      if (isDynamic(result)) {
        // Allocated here with the sizes the body computed; returned.
        auto memrefType = *bufferType(result);
        auto tensorType = cast<RankedTensorType>(v.getType());
        Value t = v;
        auto signlessTensor =
            RankedTensorType::get(tensorType.getShape(), memrefType.getElementType());
        if (t.getType() != signlessTensor)
          t = tensor::BitcastOp::create(b, loc, signlessTensor, t);
        SmallVector<Value> sizes;
        for (int64_t d = 0; d < tensorType.getRank(); ++d)
          if (tensorType.isDynamicDim(d))
            sizes.push_back(tensor::DimOp::create(b, loc, t, d));
        Value buf = memref::AllocOp::create(b, loc, memrefType, sizes,
                                            b.getI64IntegerAttr(64));
        auto store = bufferization::MaterializeInDestinationOp::create(b, loc, t, buf);
        store.setWritable(true);
        store.setRestrict(true);
        returned.push_back(buf);
        continue;
      }
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
    func::ReturnOp::create(b, loc, returned);
    return kernel;
  }

  LogicalResult outline(ModuleOp module, func::FuncOp graph) {
    MLIRContext *ctx = module.getContext();
    OpBuilder b(ctx);
    Block &body = graph.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());

    // Every value crossing the plan must be a ranked tensor.
    auto checkStatic = [&](Value v, Operation *user) -> LogicalResult {
      if (succeeded(bufferType(v)))
        return success();
      return user->emitError() << "value of type " << v.getType()
                               << " needs a known rank (pin the input shapes with "
                                  "--input-shape)";
    };
    for (BlockArgument a : body.getArguments())
      if (failed(checkStatic(a, graph)))
        return failure();
    for (Operation &op : body.without_terminator())
      for (Value r : op.getResults())
        if (!isa<NoneType>(r.getType()) && failed(checkStatic(r, &op)))
          return failure();

    // The plan's signature: inputs, then the outputs of static shape (the
    // caller's buffers); outputs of dynamic shape are returned.
    SmallVector<Type> argTypes, resultTypes;
    SmallVector<int64_t> outputSlots; // per output: arg index, or -1 - result index
    for (BlockArgument a : body.getArguments())
      argTypes.push_back(planArgType(a));
    for (Value v : ret.getOperands()) {
      if (isDynamic(v)) {
        outputSlots.push_back(-1 - (int64_t)resultTypes.size());
        resultTypes.push_back(*bufferType(v));
      } else {
        outputSlots.push_back(argTypes.size());
        argTypes.push_back(planArgType(v));
      }
    }
    b.setInsertionPoint(graph);
    auto plan = func::FuncOp::create(b, graph.getLoc(), "steed_plan",
                                     b.getFunctionType(argTypes, resultTypes));
    plan->setAttr("exec.output_slots", b.getDenseI64ArrayAttr(outputSlots));
    plan->setAttr(exec::kPlanAttrName, b.getUnitAttr());
    unsigned numInputs = body.getNumArguments();
    plan->setAttr("exec.num_inputs", b.getI64IntegerAttr(numInputs));
    for (unsigned i = 0; i < numInputs; ++i)
      if (auto name = graph.getArgAttr(i, "onnx.name"))
        plan.setArgAttr(i, "onnx.name", name);
    for (unsigned i = 0; i < ret.getNumOperands(); ++i) {
      auto setAttr = [&](StringRef attrName, Attribute value) {
        int64_t slot = outputSlots[i];
        if (slot >= 0)
          plan.setArgAttr(slot, attrName, value);
        else
          plan.setResultAttr(-1 - slot, attrName, value);
      };
      if (auto name = graph.getResultAttr(i, "onnx.name"))
        setAttr("onnx.name", name);
      // The logical type (ui8, not i8; the shape even of an empty tensor),
      // for the runtime metadata.
      setAttr("onnx.type", TypeAttr::get(ret.getOperand(i).getType()));
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
      if (isa_and_nonnull<exec::GroupOp>(v.getDefiningOp()) && !directOutput.count(v) &&
          !isDynamic(v))
        directOutput[v] = outputSlots[i];

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
      SmallVector<Value> dynamicResults;
      for (Value r : group.getResults()) {
        if (isDynamic(r)) {
          dynamicResults.push_back(r);
          continue;
        }
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
      auto launch = exec::LaunchOp::create(b, group.getLoc(),
                                           kernel.getFunctionType().getResults(),
                                           kernel.getSymName(), args);
      for (auto [r, buf] : llvm::zip(dynamicResults, launch.getResults()))
        buffers[r] = buf;
    }
    // Outputs not written in place are copied; dynamic ones are returned,
    // each in a buffer of its own that the caller then owns.
    SmallVector<Value> returned;
    DenseSet<Value> handedOut;
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      Value src = buffers.lookup(v);
      if (isDynamic(v)) {
        if (isa_and_nonnull<exec::LaunchOp>(src.getDefiningOp()) &&
            handedOut.insert(src).second) {
          returned.push_back(src);
          continue;
        }
        auto type = cast<MemRefType>(src.getType());
        SmallVector<Value> sizes;
        for (int64_t d = 0; d < type.getRank(); ++d)
          if (type.isDynamicDim(d))
            sizes.push_back(memref::DimOp::create(b, ret.getLoc(), src, d));
        Value copy = memref::AllocOp::create(b, ret.getLoc(), type, sizes,
                                             b.getI64IntegerAttr(64));
        memref::CopyOp::create(b, ret.getLoc(), src, copy);
        returned.push_back(copy);
        continue;
      }
      if (isEmpty(v))
        continue;
      Value out = entry->getArgument(outputSlots[i]);
      if (src != out)
        memref::CopyOp::create(b, ret.getLoc(), src, out);
    }
    // Dynamic intermediates are released after their last use.
    SmallVector<Value> dynamicBuffers;
    for (auto launch : entry->getOps<exec::LaunchOp>())
      for (Value buf : launch.getResults())
        if (!handedOut.contains(buf))
          dynamicBuffers.push_back(buf);
    for (Value buf : dynamicBuffers) {
      Operation *last = buf.getDefiningOp();
      for (Operation *user : buf.getUsers())
        if (last->isBeforeInBlock(user))
          last = user;
      OpBuilder db(ctx);
      db.setInsertionPointAfter(last);
      memref::DeallocOp::create(db, ret.getLoc(), buf);
    }
    func::ReturnOp::create(b, ret.getLoc(), returned);
    graph.erase();
    return success();
  }
};
} // namespace
