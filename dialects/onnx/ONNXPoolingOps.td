//===- ONNXPoolingOps.td - Pooling, padding and resize onnx ops *- tablegen -*-===//
//
// Windowed pooling (MaxPool, AveragePool, LpPool), global pooling, Pad and
// Resize. Attribute names and defaults are ONNX's (current opset form); the
// importer normalizes older opsets (Pad-2 attributes, Resize-10, Upsample).
//
// The window geometry (auto_pad, ceil_mode, pads, dilations) and the Resize
// scales are resolved once, by methods shared by inferShapes() and the
// lowering, so both always agree.
//
#ifndef STEED_ONNX_POOLING_OPS
#define STEED_ONNX_POOLING_OPS

include "dialects/onnx/ONNXBase.td"

// Window attributes shared by MaxPool, AveragePool and LpPool.
defvar PoolWindowDecl = [{
    /// Resolves the window of the spatial dims (all but the first two) for a
    /// ranked input with static spatial dims: kernel, strides, dilations,
    /// pads (begin values then end values, auto_pad applied) and the output
    /// spatial sizes (ceil_mode applied). Emits an op error when the
    /// attributes are inconsistent with the input.
    ::mlir::LogicalResult resolveWindow(
        ::llvm::SmallVectorImpl<int64_t> &kernel,
        ::llvm::SmallVectorImpl<int64_t> &strides,
        ::llvm::SmallVectorImpl<int64_t> &dilations,
        ::llvm::SmallVectorImpl<int64_t> &pads,
        ::llvm::SmallVectorImpl<int64_t> &outSpatial);
}];

def ONNX_MaxPoolOp : ONNX_Op<"MaxPool"> {
  let summary = "max pooling over a sliding window (1-D/2-D/3-D)";
  let description = [{
    `Indices` (opset 8+) holds the flat index of each maximum in the input
    (row-major, or column-major over the spatial dims for storage_order=1);
    it is always a result and computed only when used.
  }];
  let arguments = (ins AnyTensor:$X,
                   DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad,
                   DefaultValuedAttr<I64Attr, "0">:$ceil_mode,
                   OptionalAttr<DenseI64ArrayAttr>:$dilations,
                   DenseI64ArrayAttr:$kernel_shape,
                   OptionalAttr<DenseI64ArrayAttr>:$pads,
                   DefaultValuedAttr<I64Attr, "0">:$storage_order,
                   OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs AnyTensor:$Y, AnyTensor:$Indices);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = PoolWindowDecl;
}

def ONNX_AveragePoolOp : ONNX_Op<"AveragePool"> {
  let summary = "average pooling over a sliding window (1-D/2-D/3-D)";
  let arguments = (ins AnyTensor:$X,
                   DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad,
                   DefaultValuedAttr<I64Attr, "0">:$ceil_mode,
                   DefaultValuedAttr<I64Attr, "0">:$count_include_pad,
                   OptionalAttr<DenseI64ArrayAttr>:$dilations,
                   DenseI64ArrayAttr:$kernel_shape,
                   OptionalAttr<DenseI64ArrayAttr>:$pads,
                   OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = PoolWindowDecl;
}

def ONNX_LpPoolOp : ONNX_Op<"LpPool"> {
  let summary = "Lp-norm pooling over a sliding window: (sum |x|^p)^(1/p)";
  let arguments = (ins AnyTensor:$X,
                   DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad,
                   DefaultValuedAttr<I64Attr, "0">:$ceil_mode,
                   OptionalAttr<DenseI64ArrayAttr>:$dilations,
                   DenseI64ArrayAttr:$kernel_shape,
                   DefaultValuedAttr<I64Attr, "2">:$p,
                   OptionalAttr<DenseI64ArrayAttr>:$pads,
                   OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = PoolWindowDecl;
}

// Y[n, c, 1, ..., 1] = reduction over all spatial dims of X[n, c, ...].
class ONNX_GlobalPoolOp<string mnemonic> : ONNX_Op<mnemonic> {
  let arguments = (ins AnyTensor:$X);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}
def ONNX_GlobalAveragePoolOp : ONNX_GlobalPoolOp<"GlobalAveragePool">;
def ONNX_GlobalMaxPoolOp : ONNX_GlobalPoolOp<"GlobalMaxPool">;
def ONNX_GlobalLpPoolOp : ONNX_GlobalPoolOp<"GlobalLpPool"> {
  let arguments = (ins AnyTensor:$X, DefaultValuedAttr<I64Attr, "2">:$p);
}

def ONNX_PadOp : ONNX_Op<"Pad"> {
  let summary = "pads (or crops, for negative pads) a tensor";
  let description = [{
    Opset-11+ form: `pads` (and `constant_value`, `axes`) are inputs; `pads`
    holds the begin values of the padded axes, then their end values. Modes:
    constant, reflect, edge, wrap.
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$pads,
                   ONNX_OptTensor:$constant_value, ONNX_OptTensor:$axes,
                   DefaultValuedStrAttr<StrAttr, "constant">:$mode);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    /// The begin pads then the end pads of every axis of a rank-`rank` input,
    /// from the constant `pads` and `axes` operands. Fails silently (no
    /// diagnostic) when they are not constants; emits an op error when they
    /// are inconsistent.
    ::mlir::LogicalResult resolvePads(int64_t rank,
                                      ::llvm::SmallVectorImpl<int64_t> &pads,
                                      bool &notConstant);
  }];
}

def ONNX_ResizeOp : ONNX_Op<"Resize"> {
  let summary = "resizes a tensor (nearest, linear, cubic interpolation)";
  let description = [{
    Opset-19 form. `roi`, `scales` and `sizes` are optional (`none` or an
    empty tensor); exactly one of `scales` and `sizes` gives the output size.
  }];
  let arguments = (ins AnyTensor:$X, ONNX_OptTensor:$roi, ONNX_OptTensor:$scales,
                   ONNX_OptTensor:$sizes,
                   DefaultValuedAttr<I64Attr, "0">:$antialias,
                   OptionalAttr<DenseI64ArrayAttr>:$axes,
                   DefaultValuedStrAttr<StrAttr, "half_pixel">:$coordinate_transformation_mode,
                   DefaultValuedAttr<F32Attr, "-0.75f">:$cubic_coeff_a,
                   DefaultValuedAttr<I64Attr, "0">:$exclude_outside,
                   DefaultValuedAttr<F32Attr, "0.0f">:$extrapolation_value,
                   DefaultValuedStrAttr<StrAttr, "stretch">:$keep_aspect_ratio_policy,
                   DefaultValuedStrAttr<StrAttr, "nearest">:$mode,
                   DefaultValuedStrAttr<StrAttr, "round_prefer_floor">:$nearest_mode);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X `,` $roi `,` $scales `,` $sizes attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    /// For a ranked input with static shape `inShape`: the scale factor of
    /// every axis (as the coordinate transformation uses it), the output
    /// shape, and the roi (starts then ends, full rank; [0.., 1..] when
    /// absent). `notConstant` is set (and failure returned without a
    /// diagnostic) when scales/sizes/roi are not constants.
    ::mlir::LogicalResult resolveResize(::llvm::ArrayRef<int64_t> inShape,
                                        ::llvm::SmallVectorImpl<double> &scales,
                                        ::llvm::SmallVectorImpl<int64_t> &outShape,
                                        ::llvm::SmallVectorImpl<double> &roi,
                                        bool &notConstant);
  }];
}

#endif // STEED_ONNX_POOLING_OPS
