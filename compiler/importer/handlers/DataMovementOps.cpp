//===- DataMovementOps.cpp - Import of data movement and shape ONNX ops ---===//
//
// Older opset forms are normalized to the current op here:
//  * Reshape-1 `shape`, Slice-1 `starts/ends/axes`, Squeeze/Unsqueeze-1/11
//    `axes`, Split-2/11 `split` attributes become constant inputs;
//  * Concat-1's optional `axis` (default 1) becomes explicit;
//  * Cast-1's string `to` and Cast-6+'s data type int become a TypeAttr;
//    CastLike becomes a Cast to the target's element type;
//  * Tile-1 (tiles, axis) becomes a repeats vector;
//  * the deprecated Scatter (9/10) becomes ScatterElements; EyeLike's
//    `dtype` int becomes a type;
//  * DepthToSpace / SpaceToDepth become Reshape -> Transpose -> Reshape;
//  * Identity forwards its input (no op).
// Ops that compute shapes fold while importing (NodeImporter::createOp), so
// that a torch-style Shape -> Gather -> Unsqueeze -> Concat -> Reshape chain
// gives the Reshape a constant shape, hence a static result type.
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

/// The `to` type of Cast: a data type int (opset 6+) or name (opset 1).
FailureOr<Type> castTarget(NodeImporter &n) {
  const ::onnx::AttributeProto *to = n.attr("to");
  if (!to)
    return n.emitError() << "Cast needs a 'to' attribute", failure();
  int dataType = (int)to->i();
  if (to->type() == ::onnx::AttributeProto::STRING) {
    ::onnx::TensorProto::DataType parsed;
    if (!::onnx::TensorProto::DataType_Parse(to->s(), &parsed))
      return n.emitError() << "Cast 'to' names unknown data type '" << to->s() << "'", failure();
    dataType = parsed;
  }
  Type type = convertElementType(dataType, n.builder.getContext());
  if (!type)
    return n.emitError() << "Cast to data type " << dataTypeName(dataType) << " is not supported",
           failure();
  return type;
}

/// Creates onnx.Cast of `input` to `to` (saturate kept when given).
Results createCast(NodeImporter &n, Value input, Type to) {
  SmallVector<NamedAttribute> attrs{n.builder.getNamedAttr("to", TypeAttr::get(to))};
  if (auto saturate = n.intAttr("saturate"))
    attrs.push_back(n.builder.getNamedAttr("saturate", n.builder.getI64IntegerAttr(*saturate)));
  return n.createOp("Cast", {input}, attrs, 1);
}

/// Concat: `axis` is required from opset 4; Concat-1 defaults it to 1.
Results importConcat(NodeImporter &n, std::optional<int64_t> defaultAxis) {
  auto attrs = n.convertAttributes("onnx.Concat");
  if (failed(attrs))
    return failure();
  if (!n.intAttr("axis")) {
    if (!defaultAxis)
      return n.emitError() << "Concat needs an 'axis' attribute", failure();
    attrs->push_back(n.builder.getNamedAttr("axis", n.builder.getI64IntegerAttr(*defaultAxis)));
  }
  return n.createOp("Concat", n.inputs, *attrs, 1);
}

/// Split, any opset: as many results as the node has outputs; the `split`
/// attribute (opsets 1, 2, 11) becomes the second input.
Results importSplit(NodeImporter &n) {
  if (n.node.output_size() == 0)
    return n.emitError() << "Split needs at least one output", failure();
  Value split = n.input(1);
  if (auto sizes = n.intsAttr("split"))
    split = n.constI64(*sizes);
  auto attrs = n.convertAttributes("onnx.Split", {"split"});
  if (failed(attrs))
    return failure();
  return n.createOp("Split", {n.input(0), split}, *attrs, n.node.output_size());
}

/// Slice-1: starts/ends/(axes) attributes; no steps.
Results importSlice1(NodeImporter &n) {
  auto starts = n.intsAttr("starts"), ends = n.intsAttr("ends");
  if (!starts || !ends)
    return n.emitError() << "Slice-1 needs 'starts' and 'ends' attributes", failure();
  auto axes = n.intsAttr("axes");
  SmallVector<Value> operands{n.input(0), n.constI64(*starts), n.constI64(*ends),
                              axes ? n.constI64(*axes) : n.none(), n.none()};
  return n.createOp("Slice", operands, {}, 1);
}

/// Squeeze/Unsqueeze-1/11: `axes` attribute -> input 1.
Results importAxesAttr(NodeImporter &n, bool required) {
  if (required && !n.intsAttr("axes"))
    return n.emitError() << n.node.op_type() << " needs an 'axes' attribute", failure();
  return n.importWithAttrAsInput("axes", 1);
}

/// Tile-1(input, tiles, axis): repeat `tiles` times along `axis`.
Results importTile1(NodeImporter &n) {
  auto tiles = onnx::getConstantInts(n.input(1)), axis = onnx::getConstantInts(n.input(2));
  auto in = onnx::getRanked(n.input(0));
  if (!tiles || !axis || tiles->size() != 1 || axis->size() != 1 || !in)
    return n.emitError() << "Tile-1 needs constant scalar 'tiles' and 'axis' and a ranked input",
           failure();
  int64_t a = (*axis)[0] < 0 ? (*axis)[0] + in.getRank() : (*axis)[0];
  if (a < 0 || a >= in.getRank())
    return n.emitError() << "Tile-1 axis " << (*axis)[0] << " is out of range for " << in,
           failure();
  SmallVector<int64_t> repeats(in.getRank(), 1);
  repeats[a] = (*tiles)[0];
  return n.createOp("Tile", {n.input(0), n.constI64(repeats)}, {}, 1);
}

/// DepthToSpace / SpaceToDepth as Reshape -> Transpose -> Reshape (the
/// spec's own definition), for static NCHW inputs.
Results importDepthSpace(NodeImporter &n, bool toSpace) {
  auto in = onnx::getRanked(n.input(0));
  auto b = n.intAttr("blocksize");
  if (!in || in.getRank() != 4 || !in.hasStaticShape() || !b || *b <= 0)
    return n.emitError() << n.node.op_type()
                         << " needs a static 4-D input and a positive 'blocksize'",
           failure();
  int64_t N = in.getDimSize(0), C = in.getDimSize(1), H = in.getDimSize(2),
          W = in.getDimSize(3), bs = *b;
  SmallVector<int64_t> shape1, perm, shape2;
  if (toSpace) {
    if (C % (bs * bs) != 0)
      return n.emitError() << "DepthToSpace: channels " << C << " are not a multiple of "
                           << bs * bs,
             failure();
    bool crd = n.node.op_type() == "DepthToSpace" && [&] {
      auto *mode = n.attr("mode");
      return mode && mode->s() == "CRD";
    }();
    int64_t c = C / (bs * bs);
    if (crd) {
      shape1 = {N, c, bs, bs, H, W};
      perm = {0, 1, 4, 2, 5, 3};
    } else { // DCR
      shape1 = {N, bs, bs, c, H, W};
      perm = {0, 3, 4, 1, 5, 2};
    }
    shape2 = {N, c, H * bs, W * bs};
  } else {
    if (H % bs != 0 || W % bs != 0)
      return n.emitError() << "SpaceToDepth: " << H << "x" << W
                           << " is not a multiple of blocksize " << bs,
             failure();
    shape1 = {N, C, H / bs, bs, W / bs, bs};
    perm = {0, 3, 5, 1, 2, 4};
    shape2 = {N, C * bs * bs, H / bs, W / bs};
  }
  auto r1 = n.createOp("Reshape", {n.input(0), n.constI64(shape1)}, {}, 1);
  if (failed(r1))
    return failure();
  auto t = n.createOp("Transpose", {(*r1)[0]},
                      {n.builder.getNamedAttr("perm", n.builder.getDenseI64ArrayAttr(perm))}, 1);
  if (failed(t))
    return failure();
  return n.createOp("Reshape", {(*t)[0], n.constI64(shape2)}, {}, 1);
}

} // namespace

void registerDataMovementOps(OpRegistry &r) {
  r.add("Reshape", 1, 2, 1, [](NodeImporter &n) -> Results {
    if (!n.intsAttr("shape"))
      return n.emitError() << "Reshape-1 needs a 'shape' attribute", failure();
    return n.importWithAttrAsInput("shape", 1);
  });
  r.add("Reshape", 5, 2);
  r.add("Flatten", 1, 1);
  r.add("Transpose", 1, 1);

  r.add("Concat", 1, -1, 1, [](NodeImporter &n) { return importConcat(n, 1); });
  r.add("Concat", 4, -1, 1, [](NodeImporter &n) { return importConcat(n, std::nullopt); });

  r.add("Unsqueeze", 1, 2, 1, [](NodeImporter &n) { return importAxesAttr(n, true); });
  r.add("Unsqueeze", 13, 2);
  r.add("Squeeze", 1, 2, 1, [](NodeImporter &n) { return importAxesAttr(n, false); });
  r.add("Squeeze", 13, 2);

  r.add("Gather", 1, 2);
  r.add("GatherElements", 11, 2);
  r.add("Shape", 1, 1); // start/end from 15: same op
  r.add("Size", 1, 1);
  r.add("Slice", 1, 5, 1, importSlice1);
  r.add("Slice", 10, 5);
  // Split-1 (split input or attribute), 2/11 (attribute), 13 (input),
  // 18 (num_outputs): one handler normalizes all.
  r.add("Split", 1, 2, -1, importSplit);
  r.add("Expand", 8, 2);
  r.add("Tile", 1, 3, 1, importTile1);
  r.add("Tile", 6, 2);
  r.add("ConstantOfShape", 9, 1);
  r.add("Range", 11, 3);

  r.add("Trilu", 14, 2);
  // DepthToSpace-1 is DCR; `mode` (DCR/CRD) from 11.
  r.add("DepthToSpace", 1, 1, 1, [](NodeImporter &n) { return importDepthSpace(n, true); });
  r.add("SpaceToDepth", 1, 1, 1, [](NodeImporter &n) { return importDepthSpace(n, false); });

  // ScatterElements: reduction add/mul from 16, max/min from 18 (same op).
  r.add("ScatterElements", 11, 3);
  // Scatter (9, deprecated in 11) is ScatterElements without reduction.
  r.add("Scatter", 9, 3, 1, [](NodeImporter &n) -> Results {
    auto attrs = n.convertAttributes("onnx.ScatterElements");
    if (failed(attrs))
      return failure();
    return n.createOp("ScatterElements", {n.input(0), n.input(1), n.input(2)}, *attrs, 1);
  });
  r.add("ScatterND", 11, 3);
  r.add("GatherND", 11, 2); // batch_dims from 12: same op
  r.add("OneHot", 9, 3);    // 11 allows negative indices: same lowering
  // EyeLike: `dtype` (a data type int) becomes a type.
  r.add("EyeLike", 9, 1, 1, [](NodeImporter &n) -> Results {
    SmallVector<NamedAttribute> attrs;
    if (auto k = n.intAttr("k"))
      attrs.push_back(n.builder.getNamedAttr("k", n.builder.getI64IntegerAttr(*k)));
    if (auto dtype = n.intAttr("dtype")) {
      Type t = convertElementType((int)*dtype, n.builder.getContext());
      if (!t)
        return n.emitError() << "EyeLike dtype " << *dtype << " is not supported", failure();
      attrs.push_back(n.builder.getNamedAttr("dtype", TypeAttr::get(t)));
    }
    return n.createOp("EyeLike", {n.input(0)}, attrs, 1);
  });

  r.add("Identity", 1, 1, 1, [](NodeImporter &n) -> Results {
    return SmallVector<Value>{n.input(0)};
  });
  r.add("Cast", 1, 1, 1, [](NodeImporter &n) -> Results {
    auto to = castTarget(n);
    if (failed(to))
      return failure();
    return createCast(n, n.input(0), *to);
  });
  r.add("CastLike", 15, 2, 1, [](NodeImporter &n) -> Results {
    return createCast(n, n.input(0), getElementTypeOrSelf(n.input(1).getType()));
  });
}

} // namespace steed
