//===- FormKernels.cpp - One exec.group per onnx op -----------------------===//
#include "dialects/exec/ExecOps.h"
#include "dialects/onnx/ONNXOps.h"
#include "passes/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

namespace steed {
#define GEN_PASS_DEF_FORMKERNELS
#include "passes/Passes.h.inc"
} // namespace steed

using namespace mlir;
using namespace steed;

namespace {

/// The ONNX node name of an op (its NameLoc), or "".
std::string nodeName(Operation *op) {
  if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
    return loc.getName().str();
  return "";
}

struct FormKernelsPass : steed::impl::FormKernelsBase<FormKernelsPass> {
  using FormKernelsBase::FormKernelsBase;

  bool isCloned(Value v) {
    Operation *def = v.getDefiningOp();
    if (isa_and_nonnull<onnx::NoneOp>(def))
      return true;
    if (auto c = dyn_cast_or_null<onnx::ConstantOp>(def))
      return c.getValue().getNumElements() <= cloneConstantLimit;
    return false;
  }

  void runOnOperation() override {
    SmallVector<Operation *> ops;
    // Ops in the body of a control-flow op (If, Loop, Scan) stay in its
    // kernel.
    for (Operation &op : getOperation().getBody().getOps())
      if (isa<onnx::ONNXDialect>(op.getDialect()) && !isa<onnx::ConstantOp, onnx::NoneOp>(op))
        ops.push_back(&op);
    for (Operation *op : ops) {
      OpBuilder b(op);
      // Operands, then the values a control-flow body captures from above.
      SmallVector<Value> used(op->getOperands());
      SetVector<Value> captured;
      getUsedValuesDefinedAbove(op->getRegions(), captured);
      used.append(captured.begin(), captured.end());
      SmallVector<Value> inputs;
      for (Value v : used)
        if (!isCloned(v) && !llvm::is_contained(inputs, v))
          inputs.push_back(v);
      std::string name = nodeName(op);
      if (name.empty())
        name = op->getName().stripDialect().str();
      auto group = exec::GroupOp::create(b, op->getLoc(), op->getResultTypes(), inputs,
                                         b.getStrArrayAttr({name}));
      Block *body = new Block();
      group.getBody().push_back(body);
      IRMapping map;
      for (Value in : inputs)
        map.map(in, body->addArgument(in.getType(), in.getLoc()));
      OpBuilder inner = OpBuilder::atBlockBegin(body);
      for (Value v : used)
        if (!map.contains(v))
          map.map(v, inner.clone(*v.getDefiningOp())->getResult(0));
      Operation *clone = inner.clone(*op, map);
      exec::YieldOp::create(inner, op->getLoc(), clone->getResults());
      op->replaceAllUsesWith(group.getResults());
      op->erase();
    }
  }
};
} // namespace
