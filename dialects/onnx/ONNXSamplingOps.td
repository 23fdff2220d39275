//===- ONNXSamplingOps.td - Sampling onnx ops ---------------*- tablegen -*-===//
//
// Ops that read their input at data-dependent, fractional coordinates:
// GridSample (opset 20 form; the importer maps opset-16 mode names) and
// RoiAlign (opset 16 form; RoiAlign-10 imports with
// coordinate_transformation_mode = output_half_pixel, its behaviour).
// DeformConv is expanded by the importer into GridSample + MatMul.
//
#ifndef STEED_ONNX_SAMPLING_OPS
#define STEED_ONNX_SAMPLING_OPS

include "dialects/onnx/ONNXBase.td"

def ONNX_GridSampleOp : ONNX_Op<"GridSample"> {
  let summary = "samples X at normalized grid coordinates (N-d; nearest, linear, cubic)";
  let description = [{
    X is (N, C, D1, ..., Dr), grid (N, O1, ..., Or, r) with the coordinates
    of the last spatial axis first (x, y[, z]) in [-1, 1]; Y is
    (N, C, O1, ..., Or). Coordinates are denormalized per align_corners,
    clamped (border) or reflected (reflection) when outside the image, and
    interpolated with nearest (round half to even), linear or cubic (Keys,
    a = -0.75) taps; taps outside read 0 (zeros), the clamped index
    (border) or the reflected one (reflection).
  }];
  let arguments = (ins AnyTensor:$X, AnyTensor:$grid,
                   DefaultValuedAttr<I64Attr, "0">:$align_corners,
                   DefaultValuedStrAttr<StrAttr, "linear">:$mode,
                   DefaultValuedStrAttr<StrAttr, "zeros">:$padding_mode);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X `,` $grid attr-dict `:` functional-type(operands, results)";
}

def ONNX_RoiAlignOp : ONNX_Op<"RoiAlign"> {
  let summary = "average or max pooling of bilinear samples over regions of interest";
  let description = [{
    X is (N, C, H, W), rois (R, 4) as (x1, y1, x2, y2) in input coordinates
    scaled by spatial_scale, batch_indices (R); Y is (R, C, output_height,
    output_width). Each bin averages (or takes the max of the weighted
    corners of) a sampling_ratio^2 grid of bilinear samples; sampling_ratio
    0 means ceil(roi size / output size) per ROI, computed at run time.
  }];
  let arguments = (ins AnyTensor:$X, AnyTensor:$rois, AnyTensor:$batch_indices,
                   DefaultValuedStrAttr<StrAttr, "half_pixel">:$coordinate_transformation_mode,
                   DefaultValuedStrAttr<StrAttr, "avg">:$mode,
                   DefaultValuedAttr<I64Attr, "1">:$output_height,
                   DefaultValuedAttr<I64Attr, "1">:$output_width,
                   DefaultValuedAttr<I64Attr, "0">:$sampling_ratio,
                   DefaultValuedAttr<F32Attr, "1.0f">:$spatial_scale);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X `,` $rois `,` $batch_indices attr-dict `:` functional-type(operands, results)";
}

#endif // STEED_ONNX_SAMPLING_OPS
