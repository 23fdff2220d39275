//===- PoolingOps.cpp - Import of pooling, Pad, Resize, Upsample ----------===//
//
// The onnx ops have the newest form; older opsets are normalized here:
//  * LpPool-1/GlobalLpPool-1: float `p` -> int `p`;
//  * Pad-1/Pad-2: `paddings`/`pads` and `value` attributes -> inputs;
//  * Resize-10 (X, scales): asymmetric coordinates, floor for nearest;
//  * Upsample-1/7/9: Resize with asymmetric coordinates and floor rounding.
// Versions that only added attributes (with defaults equal to the old
// behaviour) or types import generically.
//
#include "compiler/importer/OpRegistry.h"
#include "dialects/onnx/ONNXOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"
#include <cmath>

using namespace mlir;

namespace steed {

/// A 1-D f32 constant.
static Value constF32Vector(NodeImporter &n, ArrayRef<float> values) {
  auto type = RankedTensorType::get({(int64_t)values.size()}, n.builder.getF32Type());
  return onnx::ConstantOp::create(n.builder, n.loc, DenseElementsAttr::get(type, values));
}

static NamedAttribute strAttr(NodeImporter &n, StringRef name, StringRef value) {
  return NamedAttribute(n.builder.getStringAttr(name), n.builder.getStringAttr(value));
}

/// Generic import with the float attribute `p` (opset 1) turned into the
/// integer `p` of later opsets.
static FailureOr<SmallVector<Value>> importWithIntP(NodeImporter &n) {
  std::string opName = "onnx." + n.node.op_type();
  auto attrs = n.convertAttributes(opName, {"p"});
  if (failed(attrs))
    return failure();
  float p = n.floatAttr("p").value_or(2.0f);
  if (p != std::floor(p) || p < 1)
    return n.emitError() << n.node.op_type() << " with non-integer p = " << p
                         << " is not supported",
           failure();
  attrs->push_back(NamedAttribute(n.builder.getStringAttr("p"),
                                  n.builder.getI64IntegerAttr((int64_t)p)));
  return n.createOp(n.node.op_type(), {n.input(0)}, *attrs, 1);
}

/// Pad-1/Pad-2: pads (`paddings` in opset 1) and `value` are attributes.
static FailureOr<SmallVector<Value>> importPadAttrForm(NodeImporter &n,
                                                       StringRef padsName) {
  Value data = n.input(0);
  auto pads = n.intsAttr(padsName);
  if (!pads)
    return n.emitError() << "Pad is missing the '" << padsName << "' attribute",
           failure();
  // constant_value must have the data's element type.
  Type elementType = getElementTypeOrSelf(data.getType());
  double value = n.floatAttr("value").value_or(0.0f);
  auto scalarType = RankedTensorType::get({}, elementType);
  Attribute scalar;
  if (isa<FloatType>(elementType))
    scalar = FloatAttr::get(elementType, value);
  else if (elementType.isIntOrIndex())
    scalar = IntegerAttr::get(elementType, (int64_t)value);
  else
    return n.emitError() << "Pad of " << elementType << " is not supported", failure();
  Value constant = onnx::ConstantOp::create(n.builder, n.loc,
                                            DenseElementsAttr::get(scalarType, scalar));
  SmallVector<NamedAttribute> attrs;
  if (auto *mode = n.attr("mode"))
    attrs.push_back(strAttr(n, "mode", mode->s()));
  return n.createOp("Pad", {data, n.constI64(*pads), constant, n.none()}, attrs, 1);
}

/// Resize(X, none, scales, none) with asymmetric coordinates and floor
/// rounding for nearest: the semantics of Resize-10 and Upsample (the ONNX
/// version converter maps Resize-10 the same way).
static FailureOr<SmallVector<Value>> importAsymmetricResize(NodeImporter &n, Value scales,
                                                            StringRef mode) {
  if (mode == "bilinear") // Upsample-1 spelling
    mode = "linear";
  if (mode != "nearest" && mode != "linear")
    return n.emitError() << n.node.op_type() << " mode '" << mode
                         << "' is not supported (expected nearest or linear)",
           failure();
  SmallVector<NamedAttribute> attrs{strAttr(n, "mode", mode),
                                    strAttr(n, "coordinate_transformation_mode", "asymmetric"),
                                    strAttr(n, "nearest_mode", "floor")};
  return n.createOp("Resize", {n.input(0), n.none(), scales, n.none()}, attrs, 1);
}

static std::string modeAttr(NodeImporter &n) {
  if (auto *mode = n.attr("mode"))
    return mode->s();
  return "nearest";
}

void registerPoolingOps(OpRegistry &r) {
  // MaxPool: 8 added Indices/storage_order, 10 ceil_mode/dilations, 11/12
  // only semantics clarifications and types. Always two results.
  for (int v : {1, 8, 10, 11, 12, 22})
    r.add("MaxPool", v, 1, 2);
  // AveragePool: 7 count_include_pad, 10 ceil_mode, 19 dilations.
  for (int v : {1, 7, 10, 11, 19, 22})
    r.add("AveragePool", v, 1);
  r.add("LpPool", 1, 1, 1, importWithIntP);
  for (int v : {2, 11, 18, 22})
    r.add("LpPool", v, 1);
  for (int v : {1, 22}) {
    r.add("GlobalAveragePool", v, 1);
    r.add("GlobalMaxPool", v, 1);
  }
  r.add("GlobalLpPool", 1, 1, 1, importWithIntP);
  for (int v : {2, 22})
    r.add("GlobalLpPool", v, 1);

  r.add("Pad", 1, 4, 1, [](NodeImporter &n) { return importPadAttrForm(n, "paddings"); });
  r.add("Pad", 2, 4, 1, [](NodeImporter &n) { return importPadAttrForm(n, "pads"); });
  // 11: pads/constant_value inputs, 18: axes input, 19: wrap mode; the rest
  // only add types.
  for (int v : {11, 13, 18, 19, 21, 23, 24, 25})
    r.add("Pad", v, 4);

  r.add("Resize", 10, 4, 1, [](NodeImporter &n) {
    return importAsymmetricResize(n, n.input(1), modeAttr(n));
  });
  // 11: roi/sizes and the coordinate attributes, 13: optional roi/scales,
  // 18: antialias/axes/keep_aspect_ratio_policy, 19: half_pixel_symmetric.
  for (int v : {11, 13, 18, 19})
    r.add("Resize", v, 4);

  // Upsample-1: height_scale/width_scale of a 4-D input.
  r.add("Upsample", 1, 4, 1, [](NodeImporter &n) -> FailureOr<SmallVector<Value>> {
    auto h = n.floatAttr("height_scale"), w = n.floatAttr("width_scale");
    if (!h || !w)
      return n.emitError() << "Upsample-1 needs height_scale and width_scale", failure();
    return importAsymmetricResize(n, constF32Vector(n, {1.0f, 1.0f, *h, *w}),
                                  modeAttr(n));
  });
  // Upsample-7: `scales` attribute.
  r.add("Upsample", 7, 4, 1, [](NodeImporter &n) -> FailureOr<SmallVector<Value>> {
    auto *scales = n.attr("scales");
    if (!scales)
      return n.emitError() << "Upsample-7 needs the 'scales' attribute", failure();
    SmallVector<float> values(scales->floats().begin(), scales->floats().end());
    return importAsymmetricResize(n, constF32Vector(n, values), modeAttr(n));
  });
  // Upsample-9/10: `scales` input.
  for (int v : {9, 10})
    r.add("Upsample", v, 4, 1, [](NodeImporter &n) {
      return importAsymmetricResize(n, n.input(1), modeAttr(n));
    });
}

} // namespace steed
