//===- MatmulConvOps.cpp - Result types of matmul/conv onnx ops -----------===//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace steed::onnx;

static bool isDyn(int64_t d) { return ShapedType::isDynamic(d); }

LogicalResult MatMulOp::inferShapes() {
  auto a = getRanked(getA()), b = getRanked(getB());
  Type elementType = getElementTypeOrSelf(getA().getType());
  if (!a || !b) {
    setResultType(getOperation(), 0, UnrankedTensorType::get(elementType));
    return success();
  }
  if (a.getRank() == 0 || b.getRank() == 0)
    return emitOpError("operands must have rank >= 1");
  SmallVector<int64_t> as(a.getShape()), bs(b.getShape());
  bool promoteA = as.size() == 1, promoteB = bs.size() == 1;
  if (promoteA)
    as.insert(as.begin(), 1);
  if (promoteB)
    bs.push_back(1);
  int64_t k1 = as.back(), k2 = bs[bs.size() - 2];
  if (!ShapedType::isDynamic(k1) && !ShapedType::isDynamic(k2) && k1 != k2)
    return emitOpError() << "contraction dimensions differ: " << getA().getType()
                         << " x " << getB().getType();
  auto batch = broadcastShapes(ArrayRef<int64_t>(as).drop_back(2),
                               ArrayRef<int64_t>(bs).drop_back(2));
  if (!batch)
    return emitOpError() << "batch dimensions do not broadcast: "
                         << getA().getType() << " x " << getB().getType();
  SmallVector<int64_t> shape = *batch;
  if (!promoteA)
    shape.push_back(as[as.size() - 2]);
  if (!promoteB)
    shape.push_back(bs.back());
  setResultType(getOperation(), 0, shape, elementType);
  return success();
}

//===----------------------------------------------------------------------===//
// Gemm
//===----------------------------------------------------------------------===//

LogicalResult GemmOp::inferShapes() {
  Type elementType = getElementTypeOrSelf(getA().getType());
  auto a = getRanked(getA()), b = getRanked(getB());
  if (!a || !b) {
    setResultType(getOperation(), 0, UnrankedTensorType::get(elementType));
    return success();
  }
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOpError() << "A and B must be 2-D, got " << a << " and " << b;
  bool ta = getTransA() != 0, tb = getTransB() != 0;
  int64_t m = a.getDimSize(ta ? 1 : 0), ka = a.getDimSize(ta ? 0 : 1);
  int64_t kb = b.getDimSize(tb ? 1 : 0), n = b.getDimSize(tb ? 0 : 1);
  if (!isDyn(ka) && !isDyn(kb) && ka != kb)
    return emitOpError() << "contraction dimensions differ: A' is " << m << "x" << ka
                         << ", B' is " << kb << "x" << n << " (transA=" << getTransA()
                         << ", transB=" << getTransB() << ")";
  if (auto c = getRanked(getC())) {
    // C broadcasts unidirectionally to [M, N].
    if (c.getRank() > 2)
      return emitOpError() << "C must have rank <= 2, got " << c;
    ArrayRef<int64_t> cs = c.getShape();
    int64_t target[2] = {m, n};
    for (int64_t i = 0, off = 2 - cs.size(); i < (int64_t)cs.size(); ++i) {
      int64_t d = cs[i], t = target[off + i];
      if (d != 1 && !isDyn(d) && !isDyn(t) && d != t)
        return emitOpError() << "C of type " << c << " does not broadcast to [" << m
                             << ", " << n << "]";
    }
  }
  setResultType(getOperation(), 0, {m, n}, elementType);
  return success();
}

//===----------------------------------------------------------------------===//
// Conv / ConvTranspose
//===----------------------------------------------------------------------===//

/// Checks the attributes and operand ranks common to Conv and
/// ConvTranspose. Returns the number of spatial dims, or failure.
template <typename OpTy>
static FailureOr<int64_t> verifyConvLike(OpTy op, RankedTensorType x,
                                         RankedTensorType w) {
  if (x.getRank() < 3)
    return op.emitOpError() << "X must have rank >= 3 (N, C, spatial...), got " << x;
  if (w.getRank() != x.getRank())
    return op.emitOpError() << "W must have the rank of X (" << x.getRank()
                            << "), got " << w;
  int64_t n = x.getRank() - 2;
  auto checkList = [&](std::optional<ArrayRef<int64_t>> list, StringRef name,
                       int64_t size, int64_t min) -> LogicalResult {
    if (!list)
      return success();
    if ((int64_t)list->size() != size)
      return op.emitOpError() << "'" << name << "' must have " << size
                              << " values, got " << list->size();
    for (int64_t v : *list)
      if (v < min)
        return op.emitOpError() << "'" << name << "' values must be >= " << min
                                << ", got " << v;
    return success();
  };
  if (failed(checkList(op.getStrides(), "strides", n, 1)) ||
      failed(checkList(op.getDilations(), "dilations", n, 1)) ||
      failed(checkList(op.getPads(), "pads", 2 * n, 0)) ||
      failed(checkList(op.getKernelShape(), "kernel_shape", n, 1)))
    return failure();
  if (auto ks = op.getKernelShape())
    for (int64_t i = 0; i < n; ++i)
      if (!isDyn(w.getDimSize(i + 2)) && (*ks)[i] != w.getDimSize(i + 2))
        return op.emitOpError() << "kernel_shape [" << *ks
                                << "] does not match W's spatial shape " << w;
  StringRef autoPad = op.getAutoPad();
  if (autoPad != "NOTSET" && autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER" &&
      autoPad != "VALID")
    return op.emitOpError() << "unknown auto_pad '" << autoPad << "'";
  if (op.getGroup() < 1)
    return op.emitOpError() << "group must be >= 1, got " << op.getGroup();
  return n;
}

/// Effective kernel extent along one axis.
static int64_t effectiveKernel(int64_t k, int64_t dilation) {
  return isDyn(k) ? ShapedType::kDynamic : (k - 1) * dilation + 1;
}

SmallVector<int64_t> ConvOp::getResolvedPads(ArrayRef<int64_t> inputSpatial) {
  int64_t n = inputSpatial.size();
  StringRef autoPad = getAutoPad();
  if (autoPad == "NOTSET")
    return getPads() ? SmallVector<int64_t>(*getPads()) : SmallVector<int64_t>(2 * n, 0);
  SmallVector<int64_t> pads(2 * n, 0);
  if (autoPad == "VALID")
    return pads;
  // SAME_*: output = ceil(input / stride); the total padding is split in
  // halves, the odd element at the end (UPPER) or the beginning (LOWER).
  SmallVector<int64_t> strides = getStridesOrDefault(), dilations = getDilationsOrDefault();
  SmallVector<int64_t> kernel = getKernelSpatialShape();
  for (int64_t i = 0; i < n; ++i) {
    int64_t k = effectiveKernel(kernel[i], dilations[i]);
    if (isDyn(inputSpatial[i]) || isDyn(k)) {
      pads[i] = pads[n + i] = ShapedType::kDynamic;
      continue;
    }
    int64_t out = (inputSpatial[i] + strides[i] - 1) / strides[i];
    int64_t total = std::max<int64_t>(0, (out - 1) * strides[i] + k - inputSpatial[i]);
    int64_t small = total / 2, big = total - small;
    pads[i] = autoPad == "SAME_UPPER" ? small : big;
    pads[n + i] = autoPad == "SAME_UPPER" ? big : small;
  }
  return pads;
}

LogicalResult ConvOp::inferShapes() {
  Type elementType = getElementTypeOrSelf(getX().getType());
  auto x = getRanked(getX()), w = getRanked(getW());
  if (!x || !w) {
    setResultType(getOperation(), 0, UnrankedTensorType::get(elementType));
    return success();
  }
  FailureOr<int64_t> numSpatial = verifyConvLike(*this, x, w);
  if (failed(numSpatial))
    return failure();
  int64_t n = *numSpatial, group = getGroup();
  int64_t c = x.getDimSize(1), cw = w.getDimSize(1), m = w.getDimSize(0);
  if (!isDyn(c) && !isDyn(cw) && c != cw * group)
    return emitOpError() << "X has " << c << " channels but W expects " << cw << " x group "
                         << group << " = " << cw * group;
  if (!isDyn(m) && m % group != 0)
    return emitOpError() << "W's " << m << " output channels are not divisible by group "
                         << group;
  if (auto bias = getRanked(getB()))
    if (bias.getRank() != 1 || (!isDyn(m) && !isDyn(bias.getDimSize(0)) &&
                                bias.getDimSize(0) != m))
      return emitOpError() << "B must be 1-D with " << m << " elements, got " << bias;

  SmallVector<int64_t> kernel = getKernelSpatialShape();
  SmallVector<int64_t> strides = getStridesOrDefault(), dilations = getDilationsOrDefault();
  ArrayRef<int64_t> in = x.getShape().drop_front(2);
  SmallVector<int64_t> pads = getResolvedPads(in);
  SmallVector<int64_t> shape{x.getDimSize(0), m};
  for (int64_t i = 0; i < n; ++i) {
    int64_t k = effectiveKernel(kernel[i], dilations[i]);
    if (isDyn(in[i]) || isDyn(k)) {
      // SAME_* output size depends on the input only.
      bool same = getAutoPad().starts_with("SAME");
      shape.push_back(same && !isDyn(in[i]) ? (in[i] + strides[i] - 1) / strides[i]
                                            : ShapedType::kDynamic);
      continue;
    }
    int64_t padded = in[i] + (isDyn(pads[i]) ? 0 : pads[i] + pads[n + i]);
    if (padded < k)
      return emitOpError() << "the kernel (extent " << k << " with dilation) is larger than "
                           << "the padded input (" << padded << ") along spatial axis " << i;
    shape.push_back((padded - k) / strides[i] + 1);
  }
  setResultType(getOperation(), 0, shape, elementType);
  return success();
}

void ConvTransposeOp::getResolvedPadsAndOutputShape(ArrayRef<int64_t> inputSpatial,
                                                    SmallVectorImpl<int64_t> &pads,
                                                    SmallVectorImpl<int64_t> &outSpatial) {
  int64_t n = inputSpatial.size();
  SmallVector<int64_t> strides = getStridesOrDefault(), dilations = getDilationsOrDefault();
  SmallVector<int64_t> outPad = getOutputPaddingOrDefault();
  SmallVector<int64_t> kernel = getKernelSpatialShape();
  StringRef autoPad = getAutoPad();
  pads.assign(2 * n, 0);
  outSpatial.assign(n, ShapedType::kDynamic);
  // The output size without any padding removed.
  auto fullSize = [&](int64_t i) {
    int64_t k = effectiveKernel(kernel[i], dilations[i]);
    if (isDyn(inputSpatial[i]) || isDyn(k))
      return ShapedType::kDynamic;
    return strides[i] * (inputSpatial[i] - 1) + outPad[i] + k;
  };
  std::optional<ArrayRef<int64_t>> explicitOut = getOutputShape();
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (explicitOut || same) {
    for (int64_t i = 0; i < n; ++i) {
      int64_t out;
      if (explicitOut) // spatial dims only, or the full shape
        out = (*explicitOut)[explicitOut->size() - n + i];
      else
        out = isDyn(inputSpatial[i]) ? ShapedType::kDynamic : inputSpatial[i] * strides[i];
      outSpatial[i] = out;
      int64_t full = fullSize(i);
      if (isDyn(full) || isDyn(out)) {
        pads[i] = pads[n + i] = ShapedType::kDynamic;
        continue;
      }
      // Floor division (as the reference does): a negative total (output
      // larger than the full result) extends the end for NOTSET.
      int64_t total = full - out, small = llvm::divideFloorSigned(total, 2);
      int64_t big = total - small;
      pads[i] = autoPad == "SAME_UPPER" ? small : big;
      pads[n + i] = autoPad == "SAME_UPPER" ? big : small;
    }
    return;
  }
  if (autoPad == "NOTSET" && getPads())
    pads.assign(getPads()->begin(), getPads()->end());
  for (int64_t i = 0; i < n; ++i) {
    int64_t full = fullSize(i);
    outSpatial[i] = isDyn(full) ? full : full - pads[i] - pads[n + i];
  }
}

LogicalResult ConvTransposeOp::inferShapes() {
  Type elementType = getElementTypeOrSelf(getX().getType());
  auto x = getRanked(getX()), w = getRanked(getW());
  if (!x || !w) {
    setResultType(getOperation(), 0, UnrankedTensorType::get(elementType));
    return success();
  }
  FailureOr<int64_t> numSpatial = verifyConvLike(*this, x, w);
  if (failed(numSpatial))
    return failure();
  int64_t n = *numSpatial, group = getGroup();
  int64_t c = x.getDimSize(1), cw = w.getDimSize(0);
  if (!isDyn(c) && !isDyn(cw) && c != cw)
    return emitOpError() << "X has " << c << " channels but W has " << cw
                         << " (W is [C, M/group, k...])";
  if (!isDyn(c) && c % group != 0)
    return emitOpError() << "the " << c << " input channels are not divisible by group "
                         << group;
  int64_t m = isDyn(w.getDimSize(1)) ? ShapedType::kDynamic : w.getDimSize(1) * group;
  if (auto bias = getRanked(getB()))
    if (bias.getRank() != 1 || (!isDyn(m) && !isDyn(bias.getDimSize(0)) &&
                                bias.getDimSize(0) != m))
      return emitOpError() << "B must be 1-D with " << m << " elements, got " << bias;
  if (auto op = getOutputPadding()) {
    if ((int64_t)op->size() != n)
      return emitOpError() << "'output_padding' must have " << n << " values, got "
                           << op->size();
    for (int64_t v : *op)
      if (v < 0)
        return emitOpError() << "'output_padding' values must be >= 0, got " << v;
  }
  if (auto os = getOutputShape())
    if ((int64_t)os->size() != n && (int64_t)os->size() != n + 2)
      return emitOpError() << "'output_shape' must have " << n << " (spatial) or " << n + 2
                           << " values, got " << os->size();
  SmallVector<int64_t> pads, out;
  getResolvedPadsAndOutputShape(x.getShape().drop_front(2), pads, out);
  SmallVector<int64_t> shape{x.getDimSize(0), m};
  for (int64_t i = 0; i < n; ++i) {
    if (!isDyn(out[i]) && out[i] < 1)
      return emitOpError() << "output size " << out[i] << " along spatial axis " << i
                           << " is not positive";
    shape.push_back(out[i]);
  }
  setResultType(getOperation(), 0, shape, elementType);
  return success();
}
