//===- ControlFlowOps.cpp - If, Loop, Scan: verifiers and result types ----===//
//
// Bodies are inferred op by op with the concrete argument types (nested
// control flow infers its own bodies), then the results are derived from the
// yields. Loop-carried values (Loop v_initial, Scan states) may change shape
// from one iteration to the next in ONNX: their block argument type is the
// fixpoint of joining the initial type with the type the body yields.
//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace steed::onnx;

namespace {

/// The least general tensor type both `a` and `b` are instances of: dims
/// that differ become dynamic, ranks that differ give an unranked tensor.
/// Null when the element types differ.
Type joinTypes(Type a, Type b) {
  if (a == b)
    return a;
  auto ta = dyn_cast<TensorType>(a), tb = dyn_cast<TensorType>(b);
  if (!ta || !tb || ta.getElementType() != tb.getElementType())
    return {};
  if (!ta.hasRank() || !tb.hasRank() || ta.getRank() != tb.getRank())
    return UnrankedTensorType::get(ta.getElementType());
  SmallVector<int64_t> shape;
  for (auto [x, y] : llvm::zip(ta.getShape(), tb.getShape()))
    shape.push_back(x == y ? x : ShapedType::kDynamic);
  return RankedTensorType::get(shape, ta.getElementType());
}

/// Re-infers the result types of the ops of a body, in order.
LogicalResult inferBlock(Block &block) {
  for (Operation &op : block.without_terminator())
    if (auto infer = dyn_cast<InferShapesOpInterface>(op))
      if (failed(infer.inferShapes()))
        return failure();
  return success();
}

YieldOp yieldOf(Region &region) {
  if (region.empty() || region.front().empty())
    return {};
  return dyn_cast<YieldOp>(region.front().back());
}

/// Checks that `region` ends in an onnx.Yield of `count` values.
LogicalResult verifyYield(Operation *op, Region &region, StringRef what, unsigned count) {
  YieldOp yield = yieldOf(region);
  if (!yield)
    return op->emitOpError() << what << " must end in onnx.Yield";
  if (yield.getValues().size() != count)
    return op->emitOpError() << what << " yields " << yield.getValues().size()
                             << " values, expected " << count;
  return success();
}

LogicalResult sameElementType(Operation *op, Type a, Type b, const Twine &what) {
  if (getElementTypeOrSelf(a) != getElementTypeOrSelf(b))
    return op->emitOpError() << what << ": element types " << getElementTypeOrSelf(a)
                             << " and " << getElementTypeOrSelf(b) << " differ";
  return success();
}

/// Element type check of an optional scalar operand (M, cond).
LogicalResult verifyScalarOperand(Operation *op, Value v, Type elementType,
                                  StringRef name) {
  if (isNone(v))
    return success();
  if (getElementTypeOrSelf(v.getType()) != elementType)
    return op->emitOpError() << "'" << name << "' must have element type " << elementType
                             << ", got " << v.getType();
  auto ranked = getRanked(v);
  if (ranked && ranked.hasStaticShape() && ranked.getNumElements() != 1)
    return op->emitOpError() << "'" << name << "' must hold one element, got "
                             << v.getType();
  return success();
}

/// Sets the types of the loop-carried block arguments `args` to the fixpoint
/// of joining `initial` with what the body yields at `yieldOffset`.
LogicalResult inferCarried(Operation *op, Block &body, MutableArrayRef<BlockArgument> args,
                           TypeRange initial, unsigned yieldOffset) {
  SmallVector<Type> types(initial.begin(), initial.end());
  // Each change generalizes a type (a dim becomes dynamic or the rank
  // unknown), so this terminates; the bound is a safety net.
  for (int round = 0; round < 64; ++round) {
    for (auto [arg, t] : llvm::zip(args, types))
      arg.setType(t);
    if (failed(inferBlock(body)))
      return failure();
    auto yield = cast<YieldOp>(body.getTerminator());
    bool changed = false;
    for (auto [i, t] : llvm::enumerate(types)) {
      Type yielded = yield.getValues()[yieldOffset + i].getType();
      Type joined = joinTypes(t, yielded);
      if (!joined)
        return op->emitOpError() << "loop-carried value #" << i << " starts as " << t
                                 << " but the body yields " << yielded;
      if (joined != t) {
        t = joined;
        changed = true;
      }
    }
    if (!changed)
      return success();
    // Some ops keep static dims their result already had where the operands
    // no longer tell (refinements from outside); here those dims came from
    // the narrower types of the previous round, so forget them.
    body.walk([](Operation *inner) {
      for (Value r : inner->getResults())
        if (auto t = dyn_cast<TensorType>(r.getType()))
          r.setType(UnrankedTensorType::get(t.getElementType()));
    });
  }
  return op->emitOpError("loop-carried types do not converge");
}

/// `t` with `dim` inserted at `axis` (unranked stays unranked).
Type insertDim(Type t, int64_t axis, int64_t dim) {
  auto ranked = dyn_cast<RankedTensorType>(t);
  if (!ranked)
    return t;
  SmallVector<int64_t> shape(ranked.getShape());
  shape.insert(shape.begin() + axis, dim);
  return RankedTensorType::get(shape, ranked.getElementType());
}

int64_t axisAt(std::optional<ArrayRef<int64_t>> axes, unsigned i) {
  return axes && i < axes->size() ? (*axes)[i] : 0;
}

} // namespace

//===----------------------------------------------------------------------===//
// If
//===----------------------------------------------------------------------===//

YieldOp IfOp::thenYield() { return yieldOf(getThenBranch()); }
YieldOp IfOp::elseYield() { return yieldOf(getElseBranch()); }

LogicalResult IfOp::verify() {
  if (failed(verifyScalarOperand(*this, getCond(), IntegerType::get(getContext(), 1), "cond")))
    return failure();
  unsigned n = getNumResults();
  if (failed(verifyYield(*this, getThenBranch(), "then_branch", n)) ||
      failed(verifyYield(*this, getElseBranch(), "else_branch", n)))
    return failure();
  for (unsigned i = 0; i < n; ++i)
    if (failed(sameElementType(*this, thenYield().getValues()[i].getType(),
                               getResult(i).getType(), "then_branch output #" + Twine(i))) ||
        failed(sameElementType(*this, elseYield().getValues()[i].getType(),
                               getResult(i).getType(), "else_branch output #" + Twine(i))))
      return failure();
  return success();
}

LogicalResult IfOp::inferShapes() {
  unsigned n = getNumResults();
  if (failed(verifyYield(*this, getThenBranch(), "then_branch", n)) ||
      failed(verifyYield(*this, getElseBranch(), "else_branch", n)))
    return failure();
  if (failed(inferBlock(getThenBranch().front())) ||
      failed(inferBlock(getElseBranch().front())))
    return failure();
  for (unsigned i = 0; i < n; ++i) {
    Type a = thenYield().getValues()[i].getType(), b = elseYield().getValues()[i].getType();
    Type joined = joinTypes(a, b);
    if (!joined)
      return emitOpError() << "output #" << i << " is " << a << " in then_branch but " << b
                           << " in else_branch";
    setResultType(*this, i, joined);
  }
  return success();
}

namespace {
/// If with a constant condition -> the ops of the taken branch.
struct InlineConstantIf : OpRewritePattern<IfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(IfOp op, PatternRewriter &rewriter) const override {
    auto cond = getConstantInts(op.getCond());
    if (!cond || cond->size() != 1)
      return failure();
    Region &taken = (*cond)[0] ? op.getThenBranch() : op.getElseBranch();
    YieldOp yield = yieldOf(taken);
    SmallVector<Value> values(yield.getValues());
    // A more precise branch type may replace the result only where users
    // re-infer their types (onnx ops; steed-infer-shapes follows).
    for (auto [result, v] : llvm::zip(op.getResults(), values))
      if (result.getType() != v.getType())
        for (Operation *user : result.getUsers())
          if (!isa<ONNXDialect>(user->getDialect()))
            return failure();
    rewriter.eraseOp(yield);
    rewriter.inlineBlockBefore(&taken.front(), op);
    rewriter.replaceOp(op, values);
    return success();
  }
};
} // namespace

void IfOp::getCanonicalizationPatterns(RewritePatternSet &results, MLIRContext *ctx) {
  results.add<InlineConstantIf>(ctx);
}

//===----------------------------------------------------------------------===//
// Loop
//===----------------------------------------------------------------------===//

YieldOp LoopOp::bodyYield() { return yieldOf(getBody()); }

std::optional<int64_t> LoopOp::getStaticTripCount() {
  auto m = getConstantInts(getM());
  if (!m || m->size() != 1)
    return std::nullopt;
  auto isTrue = [](Value v) {
    auto c = getConstantInts(v);
    return c && c->size() == 1 && (*c)[0] != 0;
  };
  if (!isNone(getCond()) && !isTrue(getCond()))
    return std::nullopt;
  YieldOp yield = bodyYield();
  if (!yield || yield.getValues().empty())
    return std::nullopt;
  Value next = yield.getValues()[0];
  Block &body = getBody().front();
  if (!(body.getNumArguments() > 1 && next == body.getArgument(1)) && !isTrue(next))
    return std::nullopt;
  return std::max<int64_t>((*m)[0], 0);
}

LogicalResult LoopOp::verify() {
  MLIRContext *ctx = getContext();
  Type i1 = IntegerType::get(ctx, 1), i64 = IntegerType::get(ctx, 64);
  if (failed(verifyScalarOperand(*this, getM(), i64, "M")) ||
      failed(verifyScalarOperand(*this, getCond(), i1, "cond")))
    return failure();
  unsigned n = getNumCarried();
  if (getNumResults() < n)
    return emitOpError() << "has " << getNumResults() << " results for " << n
                         << " loop-carried values";
  Block &body = getBody().front();
  if (body.getNumArguments() != 2 + n)
    return emitOpError() << "body takes " << body.getNumArguments()
                         << " arguments, expected 2 + " << n << " loop-carried";
  if (getElementTypeOrSelf(body.getArgument(0).getType()) != i64 ||
      getElementTypeOrSelf(body.getArgument(1).getType()) != i1)
    return emitOpError("body arguments 0 and 1 must be the i64 iteration number and the "
                       "i1 condition");
  if (failed(verifyYield(*this, getBody(), "body", 1 + getNumResults())))
    return failure();
  auto yielded = bodyYield().getValues();
  if (getElementTypeOrSelf(yielded[0].getType()) != i1)
    return emitOpError("body must yield an i1 condition first");
  for (unsigned i = 0; i < n; ++i) {
    Twine what = "loop-carried value #" + Twine(i);
    if (failed(sameElementType(*this, getVInitial()[i].getType(),
                               body.getArgument(2 + i).getType(), what)) ||
        failed(sameElementType(*this, getVInitial()[i].getType(),
                               yielded[1 + i].getType(), what)) ||
        failed(sameElementType(*this, getVInitial()[i].getType(), getResult(i).getType(),
                               what)))
      return failure();
  }
  for (unsigned k = n; k < getNumResults(); ++k)
    if (failed(sameElementType(*this, yielded[1 + k].getType(), getResult(k).getType(),
                               "scan output #" + Twine(k - n))))
      return failure();
  return success();
}

LogicalResult LoopOp::inferShapes() {
  MLIRContext *ctx = getContext();
  unsigned n = getNumCarried();
  Block &body = getBody().front();
  if (body.getNumArguments() != 2 + n || getNumResults() < n)
    return emitOpError() << "body takes " << body.getNumArguments() << " arguments and "
                         << getNumResults() << " results for " << n
                         << " loop-carried values";
  if (failed(verifyYield(*this, getBody(), "body", 1 + getNumResults())))
    return failure();
  body.getArgument(0).setType(RankedTensorType::get({}, IntegerType::get(ctx, 64)));
  body.getArgument(1).setType(RankedTensorType::get({}, IntegerType::get(ctx, 1)));
  if (failed(inferCarried(*this, body, body.getArguments().drop_front(2),
                          getVInitial().getTypes(), /*yieldOffset=*/1)))
    return failure();
  for (unsigned i = 0; i < n; ++i)
    setResultType(*this, i, body.getArgument(2 + i).getType());
  std::optional<int64_t> trips = getStaticTripCount();
  auto yielded = bodyYield().getValues();
  for (unsigned k = n; k < getNumResults(); ++k)
    setResultType(*this, k,
                  insertDim(yielded[1 + k].getType(), 0, trips.value_or(ShapedType::kDynamic)));
  return success();
}

//===----------------------------------------------------------------------===//
// Scan
//===----------------------------------------------------------------------===//

YieldOp ScanOp::bodyYield() { return yieldOf(getBody()); }

int64_t ScanOp::getScanInputAxis(unsigned i) {
  auto t = getRanked(getScanInputs()[i]);
  if (!t)
    return -1;
  int64_t axis = axisAt(getScanInputAxes(), i);
  return axis < 0 ? axis + t.getRank() : axis;
}

bool ScanOp::isScanInputReversed(unsigned i) {
  return axisAt(getScanInputDirections(), i) != 0;
}

int64_t ScanOp::getScanOutputAxis(unsigned i) {
  auto t = dyn_cast<RankedTensorType>(getResult(getNumStates() + i).getType());
  if (!t)
    return -1;
  int64_t axis = axisAt(getScanOutputAxes(), i);
  return axis < 0 ? axis + t.getRank() : axis;
}

bool ScanOp::isScanOutputReversed(unsigned i) {
  return axisAt(getScanOutputDirections(), i) != 0;
}

int64_t ScanOp::getSequenceLength() {
  for (unsigned i = 0; i < getNumScanInputs(); ++i) {
    auto t = getRanked(getScanInputs()[i]);
    int64_t axis = getScanInputAxis(i);
    if (t && axis >= 0 && axis < t.getRank() && !ShapedType::isDynamic(t.getDimSize(axis)))
      return t.getDimSize(axis);
  }
  return ShapedType::kDynamic;
}

LogicalResult ScanOp::verify() {
  int64_t s = getNumScanInputs();
  unsigned operands = getInitialStateAndScanInputs().size();
  if (s < 1 || s > (int64_t)operands)
    return emitOpError() << "num_scan_inputs is " << s << " but there are " << operands
                         << " operands";
  unsigned n = getNumStates(), k = getNumResults() - n;
  if (getNumResults() < n)
    return emitOpError() << "has " << getNumResults() << " results for " << n << " states";
  auto checkList = [&](std::optional<ArrayRef<int64_t>> list, StringRef name,
                       unsigned size, bool directions) -> LogicalResult {
    if (!list)
      return success();
    if (list->size() != size)
      return emitOpError() << name << " has " << list->size() << " entries, expected "
                           << size;
    if (directions)
      for (int64_t d : *list)
        if (d != 0 && d != 1)
          return emitOpError() << name << " entries must be 0 or 1, got " << d;
    return success();
  };
  if (failed(checkList(getScanInputAxes(), "scan_input_axes", s, false)) ||
      failed(checkList(getScanInputDirections(), "scan_input_directions", s, true)) ||
      failed(checkList(getScanOutputAxes(), "scan_output_axes", k, false)) ||
      failed(checkList(getScanOutputDirections(), "scan_output_directions", k, true)))
    return failure();
  Block &body = getBody().front();
  if (body.getNumArguments() != operands)
    return emitOpError() << "body takes " << body.getNumArguments() << " arguments, expected "
                         << operands;
  if (failed(verifyYield(*this, getBody(), "body", getNumResults())))
    return failure();
  auto yielded = bodyYield().getValues();
  for (unsigned i = 0; i < operands; ++i)
    if (failed(sameElementType(*this, getOperand(i).getType(), body.getArgument(i).getType(),
                               "body argument #" + Twine(i))))
      return failure();
  for (unsigned i = 0; i < getNumResults(); ++i) {
    if (failed(sameElementType(*this, yielded[i].getType(), getResult(i).getType(),
                               "output #" + Twine(i))))
      return failure();
    if (i < n && failed(sameElementType(*this, getOperand(i).getType(),
                                        getResult(i).getType(), "state #" + Twine(i))))
      return failure();
  }
  return success();
}

LogicalResult ScanOp::inferShapes() {
  int64_t s = getNumScanInputs();
  unsigned operands = getInitialStateAndScanInputs().size();
  if (s < 1 || s > (int64_t)operands)
    return emitOpError() << "num_scan_inputs is " << s << " but there are " << operands
                         << " operands";
  unsigned n = getNumStates();
  Block &body = getBody().front();
  if (body.getNumArguments() != operands || getNumResults() < n)
    return emitOpError() << "body takes " << body.getNumArguments() << " arguments and "
                         << getNumResults() << " results for " << operands << " operands";
  if (failed(verifyYield(*this, getBody(), "body", getNumResults())))
    return failure();
  // Scan inputs: one slice (the axis removed) per iteration; all must agree
  // on the sequence length.
  int64_t length = ShapedType::kDynamic;
  for (int64_t i = 0; i < s; ++i) {
    Value in = getScanInputs()[i];
    Type sliceType = in.getType();
    if (auto t = getRanked(in)) {
      if (t.getRank() == 0)
        return emitOpError() << "scan input #" << i << " is a scalar";
      auto axis = normalizeAxis(*this, axisAt(getScanInputAxes(), i), t.getRank());
      if (!axis)
        return failure();
      int64_t len = t.getDimSize(*axis);
      if (!ShapedType::isDynamic(len)) {
        if (!ShapedType::isDynamic(length) && len != length)
          return emitOpError() << "scan inputs have different sequence lengths (" << length
                               << " and " << len << ")";
        length = len;
      }
      SmallVector<int64_t> shape(t.getShape());
      shape.erase(shape.begin() + *axis);
      sliceType = RankedTensorType::get(shape, t.getElementType());
    }
    body.getArgument(n + i).setType(sliceType);
  }
  if (failed(inferCarried(*this, body, body.getArguments().take_front(n),
                          getInitialStates().getTypes(), /*yieldOffset=*/0)))
    return failure();
  for (unsigned i = 0; i < n; ++i)
    setResultType(*this, i, body.getArgument(i).getType());
  auto yielded = bodyYield().getValues();
  for (unsigned k = 0; k < getNumScanOutputs(); ++k) {
    Type t = yielded[n + k].getType();
    if (auto ranked = dyn_cast<RankedTensorType>(t)) {
      auto axis = normalizeAxis(*this, axisAt(getScanOutputAxes(), k), ranked.getRank() + 1);
      if (!axis)
        return failure();
      t = insertDim(t, *axis, length);
    }
    setResultType(*this, n + k, t);
  }
  return success();
}
