//===- ControlFlow.cpp - Lowering of If, Loop and Scan --------------------===//
//
// The bodies move into scf ops on tensors; their onnx ops are lowered by the
// other patterns afterwards (the conversion visits nested ops after their
// parent). Bodies keep the original (possibly unsigned) types: values handed
// to them are bitcast back from the signless form, and what they yield is
// bitcast to it (both fold away when the types agree).
//
//  * If   -> scf.if on the extracted i1.
//  * Loop -> scf.for over [0, M) when the condition provably stays true,
//            else scf.while on (carried..., scans..., iteration, condition).
//            Scan outputs are inserted (tensor.insert_slice) into a
//            preallocated tensor of M rows (M known at compile time or at
//            run time); a while loop's scan outputs are then sliced to the
//            iterations it ran.
//  * Scan -> scf.for over the sequence: tensor.extract_slice of each scan
//            input at its axis, tensor.insert_slice of each scan output at
//            its axis, both at L-1-t for reverse directions.
//
// Every type crossing a Loop or Scan body (arguments, yields, results) must
// be static, except the length of a Loop's scan outputs; an If's results may
// be dynamic (its yields are cast to them).
//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "passes/lowering/LoweringUtils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace steed;
namespace o = steed::onnx;

namespace {

constexpr const char *kDynamic = "dynamic shapes are not supported yet";

bool isStatic(Type t) {
  auto r = dyn_cast<RankedTensorType>(t);
  return r && r.hasStaticShape();
}

bool allStatic(TypeRange types) { return llvm::all_of(types, isStatic); }

/// `v` (original type) in the signless form the lowered ops use.
Value toConverted(OpBuilder &b, const TypeConverter *converter, Value v) {
  Type t = converter->convertType(v.getType());
  if (t == v.getType())
    return v;
  return tensor::BitcastOp::create(b, v.getLoc(), t, v);
}

/// A signless value in the `original` type a body expects.
Value toOriginal(OpBuilder &b, Location loc, Value v, Type original) {
  if (v.getType() == original)
    return v;
  return tensor::BitcastOp::create(b, loc, original, v);
}

/// The single element of a 0-D or one-element tensor.
Value extractScalar(OpBuilder &b, Location loc, Value t) {
  auto type = cast<RankedTensorType>(t.getType());
  SmallVector<Value> indices(type.getRank(), arith::ConstantIndexOp::create(b, loc, 0));
  return tensor::ExtractOp::create(b, loc, t, indices);
}

/// A 0-D tensor holding `scalar`.
Value toTensor(OpBuilder &b, Location loc, Value scalar) {
  return tensor::FromElementsOp::create(b, loc, RankedTensorType::get({}, scalar.getType()),
                                        scalar);
}

/// Moves `body` to the end of `dest`, its arguments replaced by `args`, and
/// returns its (still onnx) terminator with the insertion point before it.
o::YieldOp inlineBody(ConversionPatternRewriter &rewriter, Block *body, Block *dest,
                      ValueRange args) {
  rewriter.inlineBlockBefore(body, dest, dest->end(), args);
  auto yield = cast<o::YieldOp>(dest->getTerminator());
  rewriter.setInsertionPoint(yield);
  return yield;
}

/// Offsets/sizes/strides selecting index `index` of `axis` in `shape`.
void sliceAt(OpBuilder &b, ArrayRef<int64_t> shape, int64_t axis, OpFoldResult index,
             SmallVectorImpl<OpFoldResult> &offsets, SmallVectorImpl<OpFoldResult> &sizes,
             SmallVectorImpl<OpFoldResult> &strides) {
  for (auto [d, size] : llvm::enumerate(shape)) {
    offsets.push_back((int64_t)d == axis ? index : b.getIndexAttr(0));
    sizes.push_back(b.getIndexAttr((int64_t)d == axis ? 1 : size));
    strides.push_back(b.getIndexAttr(1));
  }
}

/// `acc` with `value` inserted at index `index` of `axis` (value has the
/// rank of acc minus one).
Value insertAt(OpBuilder &b, Location loc, Value value, Value acc, int64_t axis,
               OpFoldResult index) {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  sliceAt(b, cast<RankedTensorType>(acc.getType()).getShape(), axis, index, offsets, sizes,
          strides);
  return tensor::InsertSliceOp::create(b, loc, value, acc, offsets, sizes, strides);
}

/// The next value of a loop-carried tensor: `next` copied into the buffer of
/// the iteration argument `iterArg`, so that bufferization keeps one buffer
/// per carried value across iterations (it refuses a yield that is not
/// equivalent to the iteration argument). `next` may still read `iterArg`:
/// the copy comes after every read. A value passed through unchanged is
/// yielded as is.
Value carryInPlace(OpBuilder &b, Location loc, Value next, Value iterArg) {
  if (next == iterArg)
    return next;
  return linalg::CopyOp::create(b, loc, ValueRange{next}, ValueRange{iterArg})->getResult(0);
}

/// `length - 1 - iv` (reverse direction) or `iv`.
OpFoldResult sequenceIndex(OpBuilder &b, Location loc, Value iv, int64_t length,
                           bool reverse) {
  if (!reverse)
    return iv;
  Value last = arith::ConstantIndexOp::create(b, loc, length - 1);
  return arith::SubIOp::create(b, loc, last, iv).getResult();
}

/// The initial value of a loop-carried tensor: a copy of `init` into a new
/// tensor, which the loop then updates in place. Bufferization would copy a
/// read-only init (a kernel input, a constant) anyway; an explicit copy into
/// tensor.empty lets empty-tensor elimination place the loop's buffer in the
/// kernel output that receives the final value.
Value carriedInit(OpBuilder &b, Location loc, Value init) {
  auto type = cast<RankedTensorType>(init.getType());
  Value empty = createEmptyTensor(b, loc, type.getShape(), type.getElementType());
  return linalg::CopyOp::create(b, loc, ValueRange{init}, ValueRange{empty})->getResult(0);
}

/// The yielded next value `v` of a carried value whose body argument was
/// `arg` (both original types) and whose iteration argument is `iterArg`.
Value carriedNext(OpBuilder &b, const TypeConverter *converter, Location loc, Value v,
                  Value arg, Value iterArg) {
  if (v == arg)
    return iterArg;
  return carryInPlace(b, loc, toConverted(b, converter, v), iterArg);
}

SmallVector<Type> convertTypes(const TypeConverter *converter, TypeRange types) {
  SmallVector<Type> out;
  for (Type t : types)
    out.push_back(converter->convertType(t));
  return out;
}

//===----------------------------------------------------------------------===//
// If
//===----------------------------------------------------------------------===//

struct IfLowering : OpConversionPattern<o::IfOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::IfOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    const TypeConverter *converter = getTypeConverter();
    if (!isStatic(op.getCond().getType()))
      return rewriter.notifyMatchFailure(op, kDynamic);
    // Results may be dynamic where the branches disagree (or are dynamic
    // themselves): each yield is tensor.cast to the result type.
    SmallVector<Type> types = convertTypes(converter, op.getResultTypes());
    for (o::YieldOp yield : {op.thenYield(), op.elseYield()})
      for (auto [v, t] : llvm::zip(yield.getValues(), types)) {
        auto from = dyn_cast<RankedTensorType>(converter->convertType(v.getType()));
        auto to = dyn_cast_or_null<RankedTensorType>(t);
        if (!from || !to || !tensor::CastOp::areCastCompatible(from, to))
          return rewriter.notifyMatchFailure(op, kDynamic);
      }
    Location loc = op.getLoc();
    Value cond = extractScalar(rewriter, loc, adaptor.getCond());
    auto ifOp = scf::IfOp::create(rewriter, loc, types, cond, /*addThenBlock=*/false,
                                  /*addElseBlock=*/false);
    for (auto [from, to] : {std::make_pair(&op.getThenBranch(), &ifOp.getThenRegion()),
                            std::make_pair(&op.getElseBranch(), &ifOp.getElseRegion())}) {
      rewriter.inlineRegionBefore(*from, *to, to->end());
      auto yield = cast<o::YieldOp>(to->front().getTerminator());
      rewriter.setInsertionPoint(yield);
      SmallVector<Value> values;
      for (auto [v, t] : llvm::zip(yield.getValues(), types)) {
        Value c = toConverted(rewriter, converter, v);
        if (c.getType() != t)
          c = tensor::CastOp::create(rewriter, yield.getLoc(), t, c);
        values.push_back(c);
      }
      scf::YieldOp::create(rewriter, yield.getLoc(), values);
      rewriter.eraseOp(yield);
    }
    rewriter.replaceOp(op, ifOp.getResults());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Loop
//===----------------------------------------------------------------------===//

struct LoopLowering : OpConversionPattern<o::LoopOp> {
  using OpConversionPattern::OpConversionPattern;

  static bool isTrue(Value v) {
    auto c = o::getConstantInts(v);
    return c && c->size() == 1 && (*c)[0] != 0;
  }

  LogicalResult matchAndRewrite(o::LoopOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    const TypeConverter *converter = getTypeConverter();
    Block &body = op.getBody().front();
    o::YieldOp yield = op.bodyYield();
    unsigned n = op.getNumCarried(), k = op.getNumScanOutputs();
    // Carried values must be static; a scan output may have a dynamic
    // length (a trip count known at run time) when its per-iteration value
    // is static.
    auto scanLengthOnly = [](Type t) {
      auto r = dyn_cast<RankedTensorType>(t);
      return r && r.getRank() >= 1 && !ShapedType::isDynamicShape(r.getShape().drop_front());
    };
    if (!allStatic(TypeRange(op.getResultTypes()).take_front(n)) ||
        !llvm::all_of(TypeRange(op.getResultTypes()).drop_front(n), scanLengthOnly) ||
        !allStatic(body.getArgumentTypes()) || !allStatic(yield.getValues().getTypes()) ||
        !allStatic(op.getVInitial().getTypes()))
      return rewriter.notifyMatchFailure(op, kDynamic);
    for (unsigned i = 0; i < n; ++i)
      if (body.getArgument(2 + i).getType() != op.getResult(i).getType() ||
          yield.getValues()[1 + i].getType() != op.getResult(i).getType() ||
          op.getVInitial()[i].getType() != op.getResult(i).getType())
        return rewriter.notifyMatchFailure(op, kDynamic);
    Value m = adaptor.getM(), cond = adaptor.getCond();
    bool hasM = !o::isNone(op.getM());
    // The condition never turns false: a counted loop.
    bool counted = (o::isNone(op.getCond()) || isTrue(op.getCond())) &&
                   (yield.getValues()[0] == body.getArgument(1) || isTrue(yield.getValues()[0]));
    if (counted && !hasM)
      return rewriter.notifyMatchFailure(op, "the loop has no trip count and its condition "
                                             "never becomes false");
    if (k && !op.getStaticTripCount() && !hasM)
      return rewriter.notifyMatchFailure(op, "scan outputs need a trip count");

    Location loc = op.getLoc();
    SmallVector<Type> resultTypes = convertTypes(converter, op.getResultTypes());
    SmallVector<Value> inits;
    for (Value v : adaptor.getVInitial())
      inits.push_back(carriedInit(rewriter, loc, v));
    Type i64 = rewriter.getI64Type();
    // Scan outputs of a run-time trip count get max(M, 0) rows; a while loop
    // that stops early keeps the rows it wrote (sliced after the loop).
    Value capacity;
    for (unsigned j = 0; j < k; ++j) {
      auto t = cast<RankedTensorType>(resultTypes[n + j]);
      if (t.hasStaticShape()) {
        inits.push_back(createEmptyTensor(rewriter, loc, t.getShape(), t.getElementType()));
        continue;
      }
      if (!capacity) {
        Value mv = arith::MaxSIOp::create(rewriter, loc, extractScalar(rewriter, loc, m),
                                          arith::ConstantIntOp::create(rewriter, loc, i64, 0));
        capacity = arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(), mv);
      }
      inits.push_back(tensor::EmptyOp::create(rewriter, loc, t, ValueRange{capacity}));
    }
    if (counted) {
      Value lb = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value step = arith::ConstantIndexOp::create(rewriter, loc, 1);
      Value ub = arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(),
                                            extractScalar(rewriter, loc, m));
      auto forOp = scf::ForOp::create(rewriter, loc, lb, ub, step, inits);
      Block *loopBody = forOp.getBody();
      rewriter.setInsertionPointToStart(loopBody);
      Value iv = forOp.getInductionVar();
      SmallVector<Value> args = {
          toTensor(rewriter, loc, arith::IndexCastOp::create(rewriter, loc, i64, iv)),
          toTensor(rewriter, loc, arith::ConstantIntOp::create(rewriter, loc, 1, 1))};
      for (unsigned i = 0; i < n; ++i)
        args.push_back(toOriginal(rewriter, loc, forOp.getRegionIterArgs()[i],
                                  body.getArgument(2 + i).getType()));
      yield = inlineBody(rewriter, &body, loopBody, args);
      // Scan rows first: they may read a carried value's iteration
      // argument, which the carried copies then overwrite.
      SmallVector<Value> next(n + k);
      for (unsigned j = 0; j < k; ++j)
        next[n + j] = insertAt(rewriter, loc,
                               toConverted(rewriter, converter, yield.getValues()[1 + n + j]),
                               forOp.getRegionIterArgs()[n + j], 0, iv);
      for (unsigned i = 0; i < n; ++i)
        next[i] = carriedNext(rewriter, converter, loc, yield.getValues()[1 + i],
                              body.getArgument(2 + i), forOp.getRegionIterArgs()[i]);
      scf::YieldOp::create(rewriter, loc, next);
      rewriter.eraseOp(yield);
      rewriter.replaceOp(op, forOp.getResults());
      return success();
    }

    // scf.while on (carried..., iteration, condition). The tensors come
    // first: bufferization wants the condition's tensor operands at the
    // positions of the matching "before" arguments, and canonicalization
    // drops unused scalars (an iteration number the body does not read).
    Type i1 = rewriter.getI1Type();
    (void)i1;
    unsigned iterIdx = n + k, condIdx = n + k + 1;
    SmallVector<Value> whileInits(inits);
    whileInits.push_back(arith::ConstantIntOp::create(rewriter, loc, i64, 0));
    whileInits.push_back(o::isNone(op.getCond())
                             ? (Value)arith::ConstantIntOp::create(rewriter, loc, 1, 1)
                             : extractScalar(rewriter, loc, cond));
    SmallVector<Type> types;
    for (Value v : whileInits)
      types.push_back(v.getType());
    Value limit = hasM ? extractScalar(rewriter, loc, m) : Value();
    auto whileOp = scf::WhileOp::create(rewriter, loc, types, whileInits);
    SmallVector<Location> locs(types.size(), loc);
    Block *before = rewriter.createBlock(&whileOp.getBefore(), {}, types, locs);
    Value go = before->getArgument(condIdx);
    if (hasM)
      go = arith::AndIOp::create(
          rewriter, loc, go,
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::slt,
                                before->getArgument(iterIdx), limit));
    scf::ConditionOp::create(rewriter, loc, go, before->getArguments());
    Block *after = rewriter.createBlock(&whileOp.getAfter(), {}, types, locs);
    SmallVector<Value> args = {toTensor(rewriter, loc, after->getArgument(iterIdx)),
                               toTensor(rewriter, loc, after->getArgument(condIdx))};
    for (unsigned i = 0; i < n; ++i)
      args.push_back(
          toOriginal(rewriter, loc, after->getArgument(i), body.getArgument(2 + i).getType()));
    yield = inlineBody(rewriter, &body, after, args);
    // Scan rows first (see the counted loop).
    SmallVector<Value> next(n + k);
    for (unsigned j = 0; j < k; ++j) {
      Value row = arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(),
                                             after->getArgument(iterIdx));
      next[n + j] = insertAt(rewriter, loc,
                             toConverted(rewriter, converter, yield.getValues()[1 + n + j]),
                             after->getArgument(n + j), 0, row);
    }
    for (unsigned i = 0; i < n; ++i)
      next[i] = carriedNext(rewriter, converter, loc, yield.getValues()[1 + i],
                            body.getArgument(2 + i), after->getArgument(i));
    Value one = arith::ConstantIntOp::create(rewriter, loc, i64, 1);
    next.push_back(arith::AddIOp::create(rewriter, loc, after->getArgument(iterIdx), one));
    next.push_back(
        extractScalar(rewriter, loc, toConverted(rewriter, converter, yield.getValues()[0])));
    scf::YieldOp::create(rewriter, loc, next);
    rewriter.eraseOp(yield);
    rewriter.setInsertionPointAfter(whileOp);
    SmallVector<Value> results(whileOp.getResults().take_front(n));
    Value trips;
    for (unsigned j = 0; j < k; ++j) {
      Value acc = whileOp.getResult(n + j);
      auto t = cast<RankedTensorType>(acc.getType());
      if (!trips)
        trips = arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(),
                                           whileOp.getResult(iterIdx));
      SmallVector<OpFoldResult> offsets(t.getRank(), rewriter.getIndexAttr(0)),
          sizes{trips}, strides(t.getRank(), rewriter.getIndexAttr(1));
      for (int64_t d = 1; d < t.getRank(); ++d)
        sizes.push_back(rewriter.getIndexAttr(t.getDimSize(d)));
      Value rows = tensor::ExtractSliceOp::create(rewriter, loc, acc, offsets, sizes, strides);
      if (rows.getType() != resultTypes[n + j])
        rows = tensor::CastOp::create(rewriter, loc, resultTypes[n + j], rows);
      results.push_back(rows);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Scan
//===----------------------------------------------------------------------===//

struct ScanLowering : OpConversionPattern<o::ScanOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(o::ScanOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    const TypeConverter *converter = getTypeConverter();
    Block &body = op.getBody().front();
    o::YieldOp yield = op.bodyYield();
    unsigned n = op.getNumStates(), s = op.getNumScanInputs(), k = op.getNumScanOutputs();
    int64_t length = op.getSequenceLength();
    if (ShapedType::isDynamic(length) || !allStatic(op.getResultTypes()) ||
        !allStatic(op->getOperandTypes()) || !allStatic(body.getArgumentTypes()) ||
        !allStatic(yield.getValues().getTypes()))
      return rewriter.notifyMatchFailure(op, kDynamic);
    for (unsigned i = 0; i < n; ++i)
      if (body.getArgument(i).getType() != op.getResult(i).getType() ||
          yield.getValues()[i].getType() != op.getResult(i).getType() ||
          op.getInitialStates()[i].getType() != op.getResult(i).getType())
        return rewriter.notifyMatchFailure(op, kDynamic);

    Location loc = op.getLoc();
    SmallVector<Type> resultTypes = convertTypes(converter, op.getResultTypes());
    auto operands = adaptor.getInitialStateAndScanInputs();
    SmallVector<Value> inits;
    for (Value v : operands.take_front(n))
      inits.push_back(carriedInit(rewriter, loc, v));
    for (unsigned j = 0; j < k; ++j) {
      auto t = cast<RankedTensorType>(resultTypes[n + j]);
      inits.push_back(createEmptyTensor(rewriter, loc, t.getShape(), t.getElementType()));
    }
    Value lb = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value ub = arith::ConstantIndexOp::create(rewriter, loc, length);
    Value step = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto forOp = scf::ForOp::create(rewriter, loc, lb, ub, step, inits);
    Block *loopBody = forOp.getBody();
    rewriter.setInsertionPointToStart(loopBody);
    Value iv = forOp.getInductionVar();
    SmallVector<Value> args;
    for (unsigned i = 0; i < n; ++i)
      args.push_back(toOriginal(rewriter, loc, forOp.getRegionIterArgs()[i],
                                body.getArgument(i).getType()));
    for (unsigned j = 0; j < s; ++j) {
      Value input = operands[n + j];
      auto inputType = cast<RankedTensorType>(input.getType());
      SmallVector<OpFoldResult> offsets, sizes, strides;
      sliceAt(rewriter, inputType.getShape(), op.getScanInputAxis(j),
              sequenceIndex(rewriter, loc, iv, length, op.isScanInputReversed(j)), offsets,
              sizes, strides);
      Type argType = body.getArgument(n + j).getType();
      auto sliceType = cast<RankedTensorType>(converter->convertType(argType));
      Value slice = tensor::ExtractSliceOp::create(rewriter, loc, sliceType, input, offsets,
                                                   sizes, strides);
      args.push_back(toOriginal(rewriter, loc, slice, argType));
    }
    yield = inlineBody(rewriter, &body, loopBody, args);
    SmallVector<Value> next;
    for (unsigned i = 0; i < n; ++i)
      next.push_back(carriedNext(rewriter, converter, loc, yield.getValues()[i], body.getArgument(i),
                             forOp.getRegionIterArgs()[i]));
    for (unsigned j = 0; j < k; ++j)
      next.push_back(insertAt(rewriter, loc,
                              toConverted(rewriter, converter, yield.getValues()[n + j]),
                              forOp.getRegionIterArgs()[n + j], op.getScanOutputAxis(j),
                              sequenceIndex(rewriter, loc, iv, length,
                                            op.isScanOutputReversed(j))));
    scf::YieldOp::create(rewriter, loc, next);
    rewriter.eraseOp(yield);
    rewriter.replaceOp(op, forOp.getResults());
    return success();
  }
};

} // namespace

void steed::populateControlFlowLoweringPatterns(const TypeConverter &converter,
                                                RewritePatternSet &patterns) {
  patterns.add<IfLowering, LoopLowering, ScanLowering>(converter, patterns.getContext());
}
