//===- SamplingOps.cpp - Import of GridSample, RoiAlign, DeformConv -------===//
//
// GridSample, RoiAlign, AffineGrid and Col2Im import into their onnx ops
// (ONNXSamplingOps.td):
// GridSample-16's mode names (bilinear, bicubic) become opset-20's (linear,
// cubic); RoiAlign-10 behaves as coordinate_transformation_mode =
// output_half_pixel, which the handler sets.
//
// DeformConv (2-D) is expanded as its ONNX reference computes it: the
// sampling positions (kernel tap position + learned offset, per offset
// group) are normalized for GridSample with align_corners = 1 and sampled
// bilinearly with zero padding (offset groups folded into the batch), the
// samples are multiplied by the mask, and the grouped convolution is one
// batched MatMul of the reshaped weights with the [C/group * kh*kw, oh*ow]
// sample matrix, plus the bias.
//
#include "compiler/importer/handlers/Expander.h"

using namespace mlir;

namespace steed {
namespace {

FailureOr<SmallVector<Value>> importGridSample16(NodeImporter &n) {
  auto attrs = n.convertAttributes("onnx.GridSample", {"mode"});
  if (failed(attrs))
    return failure();
  std::string mode = "bilinear";
  if (auto *a = n.attr("mode"))
    mode = a->s();
  if (mode == "bilinear")
    mode = "linear";
  else if (mode == "bicubic")
    mode = "cubic";
  attrs->push_back(n.builder.getNamedAttr("mode", n.builder.getStringAttr(mode)));
  return n.createOp("GridSample", {n.input(0), n.input(1)}, *attrs, 1);
}

FailureOr<SmallVector<Value>> importRoiAlign10(NodeImporter &n) {
  auto attrs = n.convertAttributes("onnx.RoiAlign");
  if (failed(attrs))
    return failure();
  attrs->push_back(n.builder.getNamedAttr("coordinate_transformation_mode",
                                          n.builder.getStringAttr("output_half_pixel")));
  return n.createOp("RoiAlign", {n.input(0), n.input(1), n.input(2)}, *attrs, 1);
}

FailureOr<SmallVector<Value>> importDeformConv(NodeImporter &n) {
  Expander e(n);
  Value x = n.input(0), w = n.input(1), offset = n.input(2);
  auto xt = onnx::getRanked(x), wt = onnx::getRanked(w), ot = onnx::getRanked(offset);
  if (!xt || !wt || !ot || !xt.hasStaticShape() || !wt.hasStaticShape() || !ot.hasStaticShape())
    return n.emitError() << "DeformConv: X, W and offset need static shapes", failure();
  if (xt.getRank() != 4 || wt.getRank() != 4 || ot.getRank() != 4)
    return n.emitError() << "DeformConv: only 2-D convolutions (4-D X, W, offset) are supported",
           failure();
  Type et = xt.getElementType();
  if (!isa<FloatType>(et))
    return n.emitError() << "DeformConv: X must be a float tensor", failure();
  int64_t N = xt.getDimSize(0), C = xt.getDimSize(1), H = xt.getDimSize(2),
          Wd = xt.getDimSize(3);
  int64_t OC = wt.getDimSize(0), kh = wt.getDimSize(2), kw = wt.getDimSize(3);
  int64_t group = n.intAttr("group").value_or(1);
  int64_t og = n.intAttr("offset_group").value_or(1);
  if (auto ks = n.intsAttr("kernel_shape"); ks && (ks->size() != 2 || (*ks)[0] != kh ||
                                                   (*ks)[1] != kw))
    return n.emitError() << "DeformConv: kernel_shape does not match W " << wt, failure();
  SmallVector<int64_t> strides = n.intsAttr("strides").value_or(SmallVector<int64_t>{1, 1});
  SmallVector<int64_t> dil = n.intsAttr("dilations").value_or(SmallVector<int64_t>{1, 1});
  SmallVector<int64_t> pads = n.intsAttr("pads").value_or(SmallVector<int64_t>{0, 0, 0, 0});
  if (strides.size() != 2 || dil.size() != 2 || pads.size() != 4)
    return n.emitError() << "DeformConv: strides/dilations need 2 values and pads 4", failure();
  if (group <= 0 || og <= 0 || C % group || OC % group || wt.getDimSize(1) * group != C ||
      C % og)
    return n.emitError() << "DeformConv: channels " << C << " / W " << wt
                         << " do not match group " << group << " and offset_group " << og,
           failure();
  int64_t K = kh * kw;
  int64_t oh = ot.getDimSize(2), ow = ot.getDimSize(3);
  int64_t expH = (H + pads[0] + pads[2] - ((kh - 1) * dil[0] + 1)) / strides[0] + 1;
  int64_t expW = (Wd + pads[1] + pads[3] - ((kw - 1) * dil[1] + 1)) / strides[1] + 1;
  if (ot.getDimSize(0) != N || ot.getDimSize(1) != og * K * 2 || oh != expH || ow != expW)
    return n.emitError() << "DeformConv: offset " << ot << " must be (" << N << ", "
                         << og * K * 2 << ", " << expH << ", " << expW << ")",
           failure();
  if (H < 2 || Wd < 2)
    return n.emitError() << "DeformConv: spatial sizes of 1 are not supported", failure();
  bool hasMask = e.present(4);
  if (hasMask) {
    auto mt = onnx::getRanked(n.input(4));
    if (!mt || mt.getShape() != ArrayRef<int64_t>{N, og * K, oh, ow})
      return n.emitError() << "DeformConv: mask must be (" << N << ", " << og * K << ", " << oh
                           << ", " << ow << ")",
             failure();
  }

  // Sampling positions [N, og, K, oh, ow] (h, w), normalized for GridSample.
  SmallVector<double> baseH(K * oh), baseW(K * ow);
  for (int64_t k = 0; k < K; ++k) {
    for (int64_t i = 0; i < oh; ++i)
      baseH[k * oh + i] = -pads[0] + strides[0] * i + (k / kw) * dil[0];
    for (int64_t j = 0; j < ow; ++j)
      baseW[k * ow + j] = -pads[1] + strides[1] * j + (k % kw) * dil[1];
  }
  Value off = e.reshape(offset, {N, og, K, 2, oh, ow});
  Value offH = e.reshape(e.slice(off, 3, 0, 1), {N, og, K, oh, ow});
  Value offW = e.reshape(e.slice(off, 3, 1, 2), {N, og, K, oh, ow});
  auto normalize = [&](Value v, int64_t size) {
    Value d = e.div(v, e.scalar(et, (double)(size - 1)));
    return e.sub(e.mul(d, e.scalar(et, 2.0)), e.scalar(et, 1.0));
  };
  Value h = normalize(e.add(offH, e.floats(et, {1, 1, K, oh, 1}, baseH)), H);
  Value wc = normalize(e.add(offW, e.floats(et, {1, 1, K, 1, ow}, baseW)), Wd);
  Value grid = e.concat({e.unsqueeze(wc, {5}), e.unsqueeze(h, {5})}, 5);
  grid = e.reshape(grid, {N * og, K * oh, ow, 2});
  int64_t cg = C / og;
  Value xg = e.reshape(x, {N * og, cg, H, Wd});
  Value samples = e.op("GridSample", {xg, grid},
                       {e.intAttr("align_corners", 1),
                        n.builder.getNamedAttr("mode", n.builder.getStringAttr("linear")),
                        n.builder.getNamedAttr("padding_mode", n.builder.getStringAttr("zeros"))});
  samples = e.reshape(samples, {N, og, cg, K, oh, ow});
  if (hasMask)
    samples = e.mul(samples, e.reshape(n.input(4), {N, og, 1, K, oh, ow}));
  // Grouped convolution as one batched MatMul.
  int64_t cpg = C / group, ocg = OC / group;
  Value cols = e.reshape(samples, {N, group, cpg * K, oh * ow});
  Value weights = e.reshape(w, {group, ocg, cpg * K});
  Value y = e.reshape(e.matmul(weights, cols), {N, OC, oh, ow});
  if (e.present(3))
    y = e.add(y, e.reshape(n.input(3), {1, OC, 1, 1}));
  if (e.failed())
    return failure();
  return SmallVector<Value>{y};
}

} // namespace

void registerSamplingOps(OpRegistry &r) {
  r.add("GridSample", 16, 2, 1, importGridSample16);
  r.add("GridSample", 20, 2);
  r.add("RoiAlign", 10, 3, 1, importRoiAlign10);
  r.add("RoiAlign", 16, 3);
  r.add("DeformConv", 19, 5, 1, importDeformConv);
  r.add("AffineGrid", 20, 2);
  r.add("Col2Im", 18, 3);
}

} // namespace steed
