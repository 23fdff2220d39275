//===- QuantizationOps.cpp - Import of the quantization ONNX ops ----------===//
//
//  * QuantizeLinear 10/13/19/21/23/24/25 and DequantizeLinear (same
//    versions) import as one op each: later versions only add attributes
//    (axis, saturate, block_size, output_dtype) and types. `output_dtype`
//    (a data type number, 0 = unset) becomes a type; `precision` is not
//    needed (the lowering divides in f32, or f64 for f64/int32 inputs).
//  * DynamicQuantizeLinear-11 expands into its ONNX function body (min/max
//    with 0, scale = range / 255, zero point = round(clip(-min / scale))).
//  * MatMulInteger-10 and ConvInteger-10 expand into MatMul/Conv on int32
//    operands with the zero points subtracted (the convolution then pads
//    with 0, i.e. with the zero point of the original input).
//  * QLinearMatMul-10/21 and QLinearConv-10 are the integer op, times
//    a_scale * b_scale / y_scale in f64 (as ONNX's reference computes),
//    then QuantizeLinear with scale 1 and the output zero point.
//  * BitCast-26's `to` data type number becomes a type.
//
#include "compiler/importer/OpRegistry.h"
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace steed {
namespace {

using Results = FailureOr<SmallVector<Value>>;

/// The type for data type attribute `name` (0 or absent: null type).
FailureOr<Type> dataTypeAttr(NodeImporter &n, StringRef name) {
  auto dt = n.intAttr(name);
  if (!dt || *dt == 0)
    return Type();
  Type t = convertElementType((int)*dt, n.builder.getContext());
  if (!t)
    return n.emitError() << n.node.op_type() << " " << name << " " << dataTypeName((int)*dt)
                         << " is not supported",
           failure();
  return t;
}

/// QuantizeLinear / DequantizeLinear, any opset.
Results importQDQ(NodeImporter &n) {
  std::string opName = "onnx." + n.node.op_type();
  auto attrs = n.convertAttributes(opName, {"output_dtype"});
  auto dtype = dataTypeAttr(n, "output_dtype");
  if (failed(attrs) || failed(dtype))
    return failure();
  if (*dtype)
    attrs->push_back(n.builder.getNamedAttr("output_dtype", TypeAttr::get(*dtype)));
  return n.createOp(n.node.op_type(), {n.input(0), n.input(1), n.input(2)}, *attrs, 1);
}

FailureOr<Value> cast(NodeImporter &n, Value v, Type to) {
  return n.createOne("Cast", {v}, {n.builder.getNamedAttr("to", TypeAttr::get(to))});
}

/// `v` with `count` trailing unit dims (a per-row / per-channel vector made
/// to broadcast against [..., M, K] or [N, M, spatial...]). Scalars and
/// single-element vectors broadcast as they are.
FailureOr<Value> trailingUnitDims(NodeImporter &n, Value v, int64_t count) {
  auto t = onnx::getRanked(v);
  if (!t || t.getRank() != 1 || t.getNumElements() == 1 || count <= 0)
    return v;
  SmallVector<int64_t> axes;
  for (int64_t i = 1; i <= count; ++i)
    axes.push_back(i);
  return n.createOne("Unsqueeze", {v, n.constI64(axes)});
}

/// int32(x) - int32(zp) (zp made to broadcast with `unitDims` trailing 1s).
FailureOr<Value> centered(NodeImporter &n, Value x, Value zp, int64_t unitDims) {
  Type i32 = n.builder.getI32Type();
  auto x32 = cast(n, x, i32);
  if (failed(x32) || onnx::isNone(zp))
    return x32;
  auto zp32 = cast(n, zp, i32);
  if (failed(zp32))
    return failure();
  auto shaped = trailingUnitDims(n, *zp32, unitDims);
  if (failed(shaped))
    return failure();
  return n.createOne("Sub", {*x32, *shaped});
}

int64_t rankOf(Value v) {
  auto t = onnx::getRanked(v);
  return t ? t.getRank() : -1;
}

/// MatMul of int32(a) - a_zp (per row) and int32(b) - b_zp (per column).
FailureOr<Value> integerMatMul(NodeImporter &n, Value a, Value aZp, Value b, Value bZp) {
  auto ca = centered(n, a, aZp, rankOf(a) >= 2 ? 1 : 0);
  auto cb = centered(n, b, bZp, 0);
  if (failed(ca) || failed(cb))
    return failure();
  return n.createOne("MatMul", {*ca, *cb});
}

/// Conv of int32(x) - x_zp and int32(w) - w_zp (per output channel).
FailureOr<Value> integerConv(NodeImporter &n, Value x, Value xZp, Value w, Value wZp,
                             Value bias) {
  auto cx = centered(n, x, xZp, 0);
  auto cw = centered(n, w, wZp, rankOf(w) - 1);
  auto attrs = n.convertAttributes("onnx.Conv");
  if (failed(cx) || failed(cw) || failed(attrs))
    return failure();
  return n.createOne("Conv", {*cx, *cw, bias}, *attrs);
}

/// quantize(acc * (aScale * bScale / yScale), 1, yZp) with the product in
/// f64; `bScaleUnitDims` makes a per-channel b scale broadcast.
Results requantize(NodeImporter &n, Value acc, Value aScale, int64_t aScaleUnitDims,
                   Value bScale, int64_t bScaleUnitDims, Value yScale, Value yZp) {
  auto as = trailingUnitDims(n, aScale, aScaleUnitDims);
  auto bs = trailingUnitDims(n, bScale, bScaleUnitDims);
  if (failed(as) || failed(bs))
    return failure();
  auto ab = n.createOne("Mul", {*as, *bs});
  if (failed(ab))
    return failure();
  auto multiplier = n.createOne("Div", {*ab, yScale});
  Type f64 = n.builder.getF64Type();
  auto acc64 = cast(n, acc, f64);
  auto mult64 = multiplier;
  if (succeeded(multiplier))
    mult64 = cast(n, *multiplier, f64);
  if (failed(acc64) || failed(mult64))
    return failure();
  auto scaled = n.createOne("Mul", {*acc64, *mult64});
  if (failed(scaled))
    return failure();
  auto oneType = RankedTensorType::get({}, f64);
  Value one = onnx::ConstantOp::create(n.builder, n.loc, DenseElementsAttr::get(oneType, 1.0));
  SmallVector<NamedAttribute> attrs;
  if (onnx::isNone(yZp)) // QLinear* without a zero point: the type of a
    attrs.push_back(n.builder.getNamedAttr(
        "output_dtype", TypeAttr::get(getElementTypeOrSelf(n.input(0).getType()))));
  return n.createOp("QuantizeLinear", {*scaled, one, yZp}, attrs, 1);
}

Results importDynamicQuantizeLinear(NodeImporter &n) {
  Value x = n.input(0);
  auto keep0 = n.builder.getNamedAttr("keepdims", n.builder.getI64IntegerAttr(0));
  Value zero = n.constF32(0), qmax = n.constF32(255);
  auto minX = n.createOne("ReduceMin", {x, n.none()}, {keep0});
  auto maxX = n.createOne("ReduceMax", {x, n.none()}, {keep0});
  if (failed(minX) || failed(maxX))
    return failure();
  auto lo = n.createOne("Min", {*minX, zero});
  auto hi = n.createOne("Max", {*maxX, zero});
  if (failed(lo) || failed(hi))
    return failure();
  auto range = n.createOne("Sub", {*hi, *lo});
  if (failed(range))
    return failure();
  auto scale = n.createOne("Div", {*range, qmax});
  if (failed(scale))
    return failure();
  auto minScaled = n.createOne("Div", {*lo, *scale});
  if (failed(minScaled))
    return failure();
  auto zpF = n.createOne("Sub", {zero, *minScaled});
  if (failed(zpF))
    return failure();
  auto clipped = n.createOne("Clip", {*zpF, zero, qmax});
  if (failed(clipped))
    return failure();
  auto rounded = n.createOne("Round", {*clipped});
  if (failed(rounded))
    return failure();
  auto zp = cast(n, *rounded, n.builder.getIntegerType(8, false));
  if (failed(zp))
    return failure();
  auto y = n.createOne("QuantizeLinear", {x, *scale, *zp});
  if (failed(y))
    return failure();
  return SmallVector<Value>{*y, *scale, *zp};
}

} // namespace

void registerQuantizationOps(OpRegistry &r) {
  for (int since : {10, 13, 19, 21, 23, 24, 25}) {
    r.add("QuantizeLinear", since, 3, 1, importQDQ);
    r.add("DequantizeLinear", since, 3, 1, importQDQ);
  }
  r.add("DynamicQuantizeLinear", 11, 1, 3, importDynamicQuantizeLinear);
  r.add("MatMulInteger", 10, 4, 1, [](NodeImporter &n) -> Results {
    auto y = integerMatMul(n, n.input(0), n.input(2), n.input(1), n.input(3));
    if (failed(y))
      return failure();
    return SmallVector<Value>{*y};
  });
  r.add("ConvInteger", 10, 4, 1, [](NodeImporter &n) -> Results {
    auto y = integerConv(n, n.input(0), n.input(2), n.input(1), n.input(3), n.none());
    if (failed(y))
      return failure();
    return SmallVector<Value>{*y};
  });
  // (a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point)
  auto qlinearMatMul = [](NodeImporter &n) -> Results {
    Value a = n.input(0);
    auto acc = integerMatMul(n, a, n.input(2), n.input(3), n.input(5));
    if (failed(acc))
      return failure();
    return requantize(n, *acc, n.input(1), rankOf(a) >= 2 ? 1 : 0, n.input(4), 0, n.input(6),
                      n.input(7));
  };
  r.add("QLinearMatMul", 10, 8, 1, qlinearMatMul);
  r.add("QLinearMatMul", 21, 8, 1, qlinearMatMul);
  // (x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B)
  r.add("QLinearConv", 10, 9, 1, [](NodeImporter &n) -> Results {
    Value w = n.input(3);
    auto acc = integerConv(n, n.input(0), n.input(2), w, n.input(5), n.input(8));
    if (failed(acc))
      return failure();
    // A per-channel w_scale [M] broadcasts as [M, 1 (spatial)...] over
    // the output [N, M, spatial...].
    return requantize(n, *acc, n.input(1), 0, n.input(4), rankOf(w) - 2, n.input(6),
                      n.input(7));
  });
  r.add("BitCast", 26, 1, 1, [](NodeImporter &n) -> Results {
    auto to = dataTypeAttr(n, "to");
    if (failed(to))
      return failure();
    if (!*to)
      return n.emitError() << "BitCast needs a 'to' attribute", failure();
    return n.createOp("BitCast", {n.input(0)},
                      {n.builder.getNamedAttr("to", TypeAttr::get(*to))}, 1);
  });
}

} // namespace steed
