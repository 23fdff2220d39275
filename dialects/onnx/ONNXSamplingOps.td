//===- ONNXSamplingOps.td - Sampling onnx ops ---------------*- tablegen -*-===//
//
// Ops that read their input at data-dependent, fractional coordinates:
// GridSample (opset 20 form; the importer maps opset-16 mode names) and
// RoiAlign (opset 16 form; RoiAlign-10 imports with
// coordinate_transformation_mode = output_half_pixel, its behaviour).
// DeformConv is expanded by the importer into GridSample + MatMul.
// AffineGrid (opset 20) builds GridSample's grid; Col2Im (opset 18) sums
// sliding blocks back into an image. Their output sizes come from operand
// values (size, image_shape, block_shape), so they are dynamic unless
// those operands are constants.
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

def ONNX_AffineGridOp : ONNX_Op<"AffineGrid"> {
  let summary = "sampling grid of a batch of affine transforms (2-D or 3-D)";
  let description = [{
    theta is (N, 2, 3) or (N, 3, 4); size (a 1-D int64 of 4 or 5 values)
    is (N, C, H, W) or (N, C, D, H, W). The grid is (N, H, W, 2) or
    (N, D, H, W, 3): theta applied to the homogeneous normalized base
    coordinates (x, y[, z], 1) of each output position, with x along W:
    -1 + (2i + 1) / W (align_corners = 0) or -1 + 2i / (W - 1) (1).
  }];
  let arguments = (ins AnyTensor:$theta, AnyTensor:$size,
                   DefaultValuedAttr<I64Attr, "0">:$align_corners);
  let results = (outs AnyTensor:$grid);
  let assemblyFormat = "$theta `,` $size attr-dict `:` functional-type(operands, results)";
}

def ONNX_Col2ImOp : ONNX_Op<"Col2Im"> {
  let summary = "sums columns of sliding blocks back into a batch of images";
  let description = [{
    input is (N, C * prod(block_shape), L), image_shape and block_shape are
    1-D int64 of r values; the output is (N, C, image_shape...). Column l
    (the block position, row-major over the L = prod(blocks) positions) of
    row c * K + k (k the offset inside the block, row-major) adds to the
    pixel l_i * strides_i - pads_i + k_i * dilations_i, when inside.
  }];
  let arguments = (ins AnyTensor:$input, AnyTensor:$image_shape, AnyTensor:$block_shape,
                   OptionalAttr<DenseI64ArrayAttr>:$dilations,
                   OptionalAttr<DenseI64ArrayAttr>:$pads,
                   OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input `,` $image_shape `,` $block_shape attr-dict `:` functional-type(operands, results)";
}

// Signal ops whose output sizes come from operand values (DFT itself is
// expanded by the importer into a MatMul).
def ONNX_STFTOp : ONNX_Op<"STFT"> {
  let summary = "short-time Fourier transform of a batch of signals";
  let description = [{
    signal is (B, T, 1) (real) or (B, T, 2) (complex); frames of length L
    (window's length, else frame_length, else T) start every frame_step
    samples; each frame, multiplied by the window (ones if absent), is
    transformed: output (B, F, K, 2) with F = (T - L) / frame_step + 1 and
    K = L / 2 + 1 (onesided) or L bins, re/im last.
  }];
  let arguments = (ins AnyTensor:$signal, AnyTensor:$frame_step,
                   ONNX_OptTensor:$window, ONNX_OptTensor:$frame_length,
                   DefaultValuedAttr<I64Attr, "1">:$onesided);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_MelWeightMatrixOp : ONNX_Op<"MelWeightMatrix"> {
  let summary = "triangular mel filter bank weights";
  let description = [{
    (dft_length / 2 + 1, num_mel_bins) weights of output_datatype: filter i
    rises from bin f[i] to f[i+1] and falls to f[i+2], the bins f of
    num_mel_bins + 2 points evenly spaced on the mel scale (2595 log10(1 +
    hz / 700)) between lower_edge_hertz and upper_edge_hertz, mapped back to
    floor((dft_length + 1) * hz / sample_rate), as the ONNX reference.
  }];
  let arguments = (ins AnyTensor:$num_mel_bins, AnyTensor:$dft_length,
                   AnyTensor:$sample_rate, AnyTensor:$lower_edge_hertz,
                   AnyTensor:$upper_edge_hertz, OptionalAttr<TypeAttr>:$output_datatype);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

#endif // STEED_ONNX_SAMPLING_OPS
