//===- DynamicShapes.cpp - Helpers for run-time-valued shapes -------------===//
#include "passes/lowering/DynamicShapes.h"
#include "passes/lowering/LoweringUtils.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace steed {

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value extractScalar(OpBuilder &b, Location loc, Value t, int64_t j) {
  auto type = cast<RankedTensorType>(t.getType());
  SmallVector<Value> idx;
  for (int64_t d = 0; d < type.getRank(); ++d)
    idx.push_back(indexConst(b, loc, d + 1 == type.getRank() ? j : 0));
  return tensor::ExtractOp::create(b, loc, t, idx);
}

Value extractIndex(OpBuilder &b, Location loc, Value t, int64_t j) {
  Value v = extractScalar(b, loc, t, j);
  if (v.getType().isIndex())
    return v;
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

OpFoldResult dimSize(OpBuilder &b, Location loc, Value v, int64_t d) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!type.isDynamicDim(d))
    return b.getIndexAttr(type.getDimSize(d));
  return tensor::DimOp::create(b, loc, v, d).getResult();
}

SmallVector<OpFoldResult> dimSizes(OpBuilder &b, Location loc, Value v) {
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < cast<RankedTensorType>(v.getType()).getRank(); ++d)
    sizes.push_back(dimSize(b, loc, v, d));
  return sizes;
}

Value wrapIndex(OpBuilder &b, Location loc, Value i, Value size) {
  Value zero = indexConst(b, loc, 0);
  Value neg = b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, i, zero);
  Value wrapped = b.createOrFold<arith::AddIOp>(loc, i, size);
  return b.createOrFold<arith::SelectOp>(loc, neg, wrapped, i);
}

Value createEmptyOfType(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                        RankedTensorType type) {
  SmallVector<OpFoldResult> s(sizes);
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (!type.isDynamicDim(d))
      s[d] = b.getIndexAttr(type.getDimSize(d));
  Value empty = tensor::EmptyOp::create(b, loc, s, type.getElementType());
  if (empty.getType() != type)
    empty = tensor::CastOp::create(b, loc, type, empty);
  return empty;
}

Value buildGenerate(OpBuilder &b, Location loc, RankedTensorType type,
                    ArrayRef<OpFoldResult> sizes,
                    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  Value init = createEmptyOfType(b, loc, sizes, type);
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, b.getContext())};
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{}, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange) {
        SmallVector<Value> ivs;
        for (int64_t d = 0; d < rank; ++d)
          ivs.push_back(linalg::IndexOp::create(nb, nl, d));
        linalg::YieldOp::create(nb, nl, body(nb, nl, ivs));
      });
  return generic.getResult(0);
}

Value buildSwitch(OpBuilder &b, Location loc, Value selector, ArrayRef<int64_t> caseValues,
                  RankedTensorType resultType,
                  function_ref<Value(OpBuilder &, Location, int64_t)> body) {
  int64_t numCases = caseValues.size();
  if (numCases == 1) {
    Value r = body(b, loc, 0);
    return r.getType() == resultType ? r : tensor::CastOp::create(b, loc, resultType, r);
  }
  SmallVector<int64_t> cases(caseValues.drop_back());
  auto sw = scf::IndexSwitchOp::create(b, loc, TypeRange{resultType}, selector, cases,
                                       cases.size());
  OpBuilder::InsertionGuard guard(b);
  auto fill = [&](Region &region, int64_t c) {
    b.createBlock(&region);
    Value r = body(b, loc, c);
    if (r.getType() != resultType)
      r = tensor::CastOp::create(b, loc, resultType, r);
    scf::YieldOp::create(b, loc, r);
  };
  for (int64_t c = 0; c + 1 < numCases; ++c)
    fill(sw.getCaseRegions()[c], c);
  fill(sw.getDefaultRegion(), numCases - 1);
  return sw.getResult(0);
}

/// `src` (static) reshaped to the static `dst` through 1-D.
static Value reshapeStatic(OpBuilder &b, Location loc, Value src, RankedTensorType dst) {
  auto srcType = cast<RankedTensorType>(src.getType());
  if (srcType == dst)
    return src;
  Type elem = srcType.getElementType();
  auto all = [](int64_t rank) {
    ReassociationIndices r;
    for (int64_t d = 0; d < rank; ++d)
      r.push_back(d);
    return SmallVector<ReassociationIndices>{r};
  };
  auto flatType = RankedTensorType::get({srcType.getNumElements()}, elem);
  Value flat = src;
  if (srcType.getRank() == 0)
    flat = tensor::ExpandShapeOp::create(b, loc, flatType, src, ArrayRef<ReassociationIndices>{});
  else if (srcType.getRank() > 1)
    flat = tensor::CollapseShapeOp::create(b, loc, flatType, src, all(srcType.getRank()));
  if (dst.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, dst, flat, ArrayRef<ReassociationIndices>{});
  if (dst.getRank() == 1)
    return flat;
  return tensor::ExpandShapeOp::create(b, loc, dst, flat, all(dst.getRank()));
}

Value reshapeToSizes(OpBuilder &b, Location loc, Value src, ArrayRef<OpFoldResult> sizes,
                     RankedTensorType type) {
  auto srcType = cast<RankedTensorType>(src.getType());
  Type elem = srcType.getElementType();
  SmallVector<OpFoldResult> s(sizes);
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d))
      s[d] = b.getIndexAttr(type.getDimSize(d));
    auto c = getConstantIntValue(s[d]);
    shape.push_back(c ? *c : ShapedType::kDynamic);
  }
  auto staticType = RankedTensorType::get(shape, elem);
  Value r;
  if (staticType.hasStaticShape() && srcType.hasStaticShape()) {
    // Fully known: the static helpers (collapse/expand_shape).
    r = reshapeStatic(b, loc, src, staticType);
  } else {
    // tensor.reshape with a shape operand: memref.expand_shape with several
    // dynamic dims in one group does not survive expand-strided-metadata.
    SmallVector<Value> dims;
    for (OpFoldResult f : s)
      dims.push_back(arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                                getValueOrCreateConstantIndexOp(b, loc, f)));
    // i64, not index: the memory planner sizes buffers by element width.
    Value shapeTensor = tensor::FromElementsOp::create(
        b, loc, RankedTensorType::get({(int64_t)dims.size()}, b.getI64Type()), dims);
    r = tensor::ReshapeOp::create(b, loc, staticType, src, shapeTensor);
  }
  if (r.getType() != type)
    r = tensor::CastOp::create(b, loc, type, r);
  return r;
}

Value copyToNewDynamic(OpBuilder &b, Location loc, Value src) {
  auto type = cast<RankedTensorType>(src.getType());
  Value init = createEmptyOfType(b, loc, dimSizes(b, loc, src), type);
  return linalg::CopyOp::create(b, loc, ValueRange{src}, ValueRange{init})->getResult(0);
}

//===----------------------------------------------------------------------===//
// Idx
//===----------------------------------------------------------------------===//

Value Idx::c(int64_t v) { return indexConst(b, loc, v); }
Value Idx::add(Value x, Value y) { return b.createOrFold<arith::AddIOp>(loc, x, y); }
Value Idx::sub(Value x, Value y) { return b.createOrFold<arith::SubIOp>(loc, x, y); }
Value Idx::mul(Value x, Value y) { return b.createOrFold<arith::MulIOp>(loc, x, y); }
Value Idx::min(Value x, Value y) { return b.createOrFold<arith::MinSIOp>(loc, x, y); }
Value Idx::max(Value x, Value y) { return b.createOrFold<arith::MaxSIOp>(loc, x, y); }
Value Idx::cmp(arith::CmpIPredicate p, Value x, Value y) {
  return b.createOrFold<arith::CmpIOp>(loc, p, x, y);
}
Value Idx::sel(Value cond, Value x, Value y) {
  return b.createOrFold<arith::SelectOp>(loc, cond, x, y);
}
Value Idx::andI(Value x, Value y) { return b.createOrFold<arith::AndIOp>(loc, x, y); }
Value Idx::orI(Value x, Value y) { return b.createOrFold<arith::OrIOp>(loc, x, y); }
Value Idx::toIndex(Value v) {
  return v.getType().isIndex() ? v : b.createOrFold<arith::IndexCastOp>(loc, b.getIndexType(), v);
}
Value Idx::toI64(Value v) { return b.createOrFold<arith::IndexCastOp>(loc, b.getI64Type(), v); }
Value Idx::product(ArrayRef<Value> vs) {
  Value p = c(1);
  for (Value v : vs)
    p = mul(p, v);
  return p;
}
Value Idx::pick(ArrayRef<Value> values, Value k) {
  Value r = c(0);
  for (auto [i, v] : llvm::enumerate(values))
    r = sel(eq(k, c(i)), v, r);
  return r;
}
SmallVector<Value> Idx::delinearize(Value i, ArrayRef<Value> dims) {
  SmallVector<Value> coords(dims.size());
  for (int64_t d = (int64_t)dims.size() - 1; d >= 0; --d) {
    coords[d] = d == 0 ? i : b.createOrFold<arith::RemUIOp>(loc, i, dims[d]);
    if (d > 0)
      i = b.createOrFold<arith::DivUIOp>(loc, i, dims[d]);
  }
  return coords;
}

} // namespace steed
