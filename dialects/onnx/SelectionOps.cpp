//===- SelectionOps.cpp - Result types of ops with data-dependent shapes --===//
//
// The number of selected elements (NonZero), slices (Compress, Unique) or
// boxes (NonMaxSuppression) is a run-time value: that dimension is always
// dynamic; the other dimensions follow the operands.
//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace steed::onnx;

static constexpr int64_t kDyn = ShapedType::kDynamic;

LogicalResult NonZeroOp::inferShapes() {
  Type i64 = IntegerType::get(getContext(), 64);
  auto x = getRanked(getX());
  if (!x) {
    setResultType(getOperation(), 0, {kDyn, kDyn}, i64);
    return success();
  }
  if (x.getRank() == 0)
    return emitOpError("needs an input of rank >= 1 (0-D inputs are not supported)");
  setResultType(getOperation(), 0, {x.getRank(), kDyn}, i64);
  return success();
}

LogicalResult CompressOp::inferShapes() {
  Type elem = getElementTypeOrSelf(getInput().getType());
  if (auto c = getRanked(getCondition()); c && c.getRank() != 1)
    return emitOpError() << "condition must be 1-D, got " << c;
  if (!getElementTypeOrSelf(getCondition().getType()).isInteger(1))
    return emitOpError() << "condition must be a bool tensor, got " << getCondition().getType();
  auto in = getRanked(getInput());
  if (!getAxis()) {
    setResultType(getOperation(), 0, {kDyn}, elem);
    return success();
  }
  if (!in) {
    setResultType(getOperation(), 0, UnrankedTensorType::get(elem));
    return success();
  }
  std::optional<int64_t> axis = normalizeAxis(getOperation(), *getAxis(), in.getRank());
  if (!axis)
    return failure();
  SmallVector<int64_t> shape(in.getShape());
  shape[*axis] = kDyn;
  setResultType(getOperation(), 0, shape, elem);
  return success();
}

LogicalResult UniqueOp::inferShapes() {
  Operation *op = getOperation();
  Type i64 = IntegerType::get(getContext(), 64);
  Type elem = getElementTypeOrSelf(getX().getType());
  auto x = getRanked(getX());
  SmallVector<int64_t> shape{kDyn};
  int64_t n = kDyn;
  if (getAxis()) {
    if (!x) {
      setResultType(op, 0, UnrankedTensorType::get(elem));
      for (unsigned i = 1; i < 4; ++i)
        setResultType(op, i, {kDyn}, i64);
      return success();
    }
    std::optional<int64_t> axis = normalizeAxis(op, *getAxis(), x.getRank());
    if (!axis)
      return failure();
    shape.assign(x.getShape().begin(), x.getShape().end());
    n = shape[*axis];
    shape[*axis] = kDyn;
  } else if (x && x.hasStaticShape()) {
    n = x.getNumElements();
  }
  setResultType(op, 0, shape, elem);
  setResultType(op, 1, {kDyn}, i64);
  setResultType(op, 2, {n}, i64);
  setResultType(op, 3, {kDyn}, i64);
  return success();
}

LogicalResult NonMaxSuppressionOp::inferShapes() {
  auto boxes = getRanked(getBoxes()), scores = getRanked(getScores());
  if (boxes && (boxes.getRank() != 3 || (!ShapedType::isDynamic(boxes.getDimSize(2)) &&
                                         boxes.getDimSize(2) != 4)))
    return emitOpError() << "boxes must be [batch, boxes, 4], got " << boxes;
  if (scores && scores.getRank() != 3)
    return emitOpError() << "scores must be [batch, classes, boxes], got " << scores;
  if (boxes && scores &&
      (failed(verifyCompatibleDims({boxes.getDimSize(0), scores.getDimSize(0)})) ||
       failed(verifyCompatibleDims({boxes.getDimSize(1), scores.getDimSize(2)}))))
    return emitOpError() << "boxes " << boxes << " and scores " << scores
                         << " disagree on the batch or box count";
  if (getCenterPointBox() != 0 && getCenterPointBox() != 1)
    return emitOpError() << "center_point_box must be 0 or 1, got " << getCenterPointBox();
  setResultType(getOperation(), 0, {kDyn, 3}, IntegerType::get(getContext(), 64));
  return success();
}

LogicalResult TfIdfVectorizerOp::inferShapes() {
  Type elem = getElementTypeOrSelf(getX().getType());
  if (!elem.isInteger(32) && !elem.isInteger(64))
    return emitOpError() << "X must be int32 or int64, got " << getX().getType();
  StringRef mode = getMode();
  if (mode != "TF" && mode != "IDF" && mode != "TFIDF")
    return emitOpError() << "unknown mode '" << mode << "' (expected TF, IDF or TFIDF)";
  int64_t minGram = getMinGramLength(), maxGram = getMaxGramLength();
  if (minGram < 1 || maxGram < minGram)
    return emitOpError() << "needs 1 <= min_gram_length (" << minGram
                         << ") <= max_gram_length (" << maxGram << ")";
  if ((int64_t)getMaxSkipCount() < 0)
    return emitOpError("max_skip_count must be non-negative");
  // The n-grams of each length: [ngram_counts[n-1], ngram_counts[n]) of the pool.
  ArrayRef<int64_t> counts = getNgramCounts(), indexes = getNgramIndexes();
  int64_t poolSize = getPoolInt64s().size(), numGrams = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    int64_t end = i + 1 < counts.size() ? counts[i + 1] : poolSize;
    if (counts[i] < 0 || end < counts[i] || end > poolSize || (end - counts[i]) % (int64_t)(i + 1))
      return emitOpError() << "ngram_counts " << counts[i] << ".." << end
                           << " do not split the pool of " << poolSize << " into "
                           << i + 1 << "-grams";
    numGrams += (end - counts[i]) / (int64_t)(i + 1);
  }
  if ((int64_t)indexes.size() != numGrams)
    return emitOpError() << "ngram_indexes has " << indexes.size() << " entries for "
                         << numGrams << " pool n-grams";
  int64_t outSize = 0;
  for (int64_t i : indexes) {
    if (i < 0)
      return emitOpError() << "negative ngram index " << i;
    outSize = std::max(outSize, i + 1);
  }
  if (auto w = getWeights(); w && (int64_t)w->size() != outSize)
    return emitOpError() << "weights has " << w->size() << " entries for " << outSize
                         << " outputs";
  Type f32 = Float32Type::get(getContext());
  auto x = getRanked(getX());
  if (!x) {
    setResultType(getOperation(), 0, UnrankedTensorType::get(f32));
    return success();
  }
  if (x.getRank() == 1)
    setResultType(getOperation(), 0, {outSize}, f32);
  else if (x.getRank() == 2)
    setResultType(getOperation(), 0, {x.getDimSize(0), outSize}, f32);
  else
    return emitOpError() << "X must be [C] or [N, C], got " << x;
  return success();
}
