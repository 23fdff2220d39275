//===- QuantizationOps.cpp - Result types of the quantization ops ---------===//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace steed::onnx;

/// Checks the scale (and zero point) shape against x: per tensor (one
/// element), per axis (1-D, x.shape[axis]) or blocked (x's rank,
/// ceil(x.shape[axis] / block_size) along axis). Unknown sizes pass.
static LogicalResult checkQuantParams(Operation *op, Value x, Value scale, Value zeroPoint,
                                      int64_t axis, int64_t blockSize) {
  auto xType = getRanked(x), sType = getRanked(scale);
  if (blockSize < 0)
    return op->emitOpError() << "block_size must be >= 0, got " << blockSize;
  // Same shape, or one element each (a scalar and a 1-element vector).
  if (auto zType = getRanked(zeroPoint); zType && sType && zType.getShape() != sType.getShape() &&
      !(zType.hasStaticShape() && sType.hasStaticShape() && zType.getNumElements() == 1 &&
        sType.getNumElements() == 1 && zType.getRank() <= 1 && sType.getRank() <= 1))
    return op->emitOpError() << "zero point shape " << zeroPoint.getType()
                             << " differs from the scale's " << scale.getType();
  if (!xType || !sType || !sType.hasStaticShape())
    return success();
  bool perTensor = sType.getNumElements() == 1 && sType.getRank() <= 1;
  if (perTensor && blockSize == 0)
    return success();
  std::optional<int64_t> a = normalizeAxis(op, axis, xType.getRank());
  if (!a)
    return failure();
  int64_t n = xType.getDimSize(*a);
  if (blockSize == 0) {
    if (sType.getRank() != 1 || (!ShapedType::isDynamic(n) && sType.getDimSize(0) != n))
      return op->emitOpError() << "per-axis scale must be 1-D with " << n
                               << " elements (x dim " << *a << "), got " << scale.getType();
    return success();
  }
  if (sType.getRank() != xType.getRank())
    return op->emitOpError() << "blocked scale must have x's rank " << xType.getRank()
                             << ", got " << scale.getType();
  for (int64_t i = 0; i < xType.getRank(); ++i) {
    int64_t want = xType.getDimSize(i);
    if (ShapedType::isDynamic(want))
      continue;
    if (i == *a)
      want = (want + blockSize - 1) / blockSize;
    if (sType.getDimSize(i) != want)
      return op->emitOpError() << "blocked scale dim " << i << " must be " << want
                               << " (block_size " << blockSize << "), got " << scale.getType();
  }
  return success();
}

static LogicalResult setLike(Operation *op, Value x, Type elementType) {
  if (auto shaped = dyn_cast<ShapedType>(x.getType())) {
    setResultType(op, 0, shaped.clone(elementType));
    return success();
  }
  return op->emitOpError() << "x must be a tensor, got " << x.getType();
}

LogicalResult QuantizeLinearOp::inferShapes() {
  if (failed(checkQuantParams(getOperation(), getX(), getYScale(), getYZeroPoint(), getAxis(),
                              getBlockSize())))
    return failure();
  Type element = IntegerType::get(getContext(), 8, IntegerType::Unsigned);
  if (!isNone(getYZeroPoint()))
    element = getElementTypeOrSelf(getYZeroPoint().getType());
  if (auto dtype = getOutputDtype()) {
    if (!isNone(getYZeroPoint()) && element != *dtype)
      return emitOpError() << "output_dtype " << *dtype << " differs from the zero point's "
                           << element;
    element = *dtype;
  }
  if (!element.isIntOrFloat() || element.isInteger(1) ||
      (isa<FloatType>(element) && element.getIntOrFloatBitWidth() > 8))
    return emitOpError() << "cannot quantize to " << element;
  return setLike(getOperation(), getX(), element);
}

LogicalResult DequantizeLinearOp::inferShapes() {
  if (failed(checkQuantParams(getOperation(), getX(), getXScale(), getXZeroPoint(), getAxis(),
                              getBlockSize())))
    return failure();
  Type element = getElementTypeOrSelf(getXScale().getType());
  if (auto dtype = getOutputDtype())
    element = *dtype;
  if (!isa<FloatType>(element))
    return emitOpError() << "cannot dequantize to " << element;
  return setLike(getOperation(), getX(), element);
}

/// Bits of one element as stored (bool: a byte).
static unsigned storageBits(Type t) { return t.isInteger(1) ? 8 : t.getIntOrFloatBitWidth(); }

LogicalResult BitCastOp::inferShapes() {
  Type from = getElementTypeOrSelf(getInput().getType()), to = getTo();
  if (!from.isIntOrFloat() || !to.isIntOrFloat())
    return emitOpError() << "cannot bitcast " << from << " to " << to;
  if (storageBits(from) != storageBits(to))
    return emitOpError() << "cannot bitcast " << from << " to " << to
                         << ": the element sizes differ";
  return setLike(getOperation(), getInput(), to);
}
