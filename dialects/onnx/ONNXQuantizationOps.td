//===- ONNXQuantizationOps.td - Quantization ops -----------*- tablegen -*-===//
//
// QuantizeLinear / DequantizeLinear in their current (opset 21-25) form:
// per-tensor, per-axis and blocked scales, any integer, float8 or 4-bit
// quantized type, `saturate` for float8. Older forms (opset 10: per-tensor
// only; 13: axis; 19: saturate) are subsets. The importer turns ONNX's
// `output_dtype` data type number into a type.
//
// DynamicQuantizeLinear, MatMulInteger, ConvInteger, QLinearMatMul and
// QLinearConv are expanded by the importer into these and basic ops
// (integer MatMul/Conv accumulate in i32), and BitCast reinterprets bits.
//
#ifndef STEED_ONNX_QUANTIZATION_OPS
#define STEED_ONNX_QUANTIZATION_OPS

include "dialects/onnx/ONNXBase.td"

def ONNX_QuantizeLinearOp : ONNX_Op<"QuantizeLinear"> {
  let summary = "y = saturate(round_half_even(x / y_scale) + y_zero_point)";
  let description = [{
    The scale (and zero point, same shape) is a scalar or 1-element tensor
    (per tensor), 1-D with x.shape[axis] elements (per axis), or, when
    `block_size` > 0, x's shape with dim `axis` = ceil(x.shape[axis] /
    block_size) (blocked). The result's element type is `output_dtype`, else
    y_zero_point's, else ui8. Integer results saturate to their range; float8
    results are x / y_scale (+ y_zero_point) converted like Cast with
    `saturate`.
  }];
  let arguments = (ins AnyTensor:$x, AnyTensor:$y_scale, ONNX_OptTensor:$y_zero_point,
                   DefaultValuedAttr<I64Attr, "1">:$axis,
                   DefaultValuedAttr<I64Attr, "0">:$block_size,
                   DefaultValuedAttr<I64Attr, "1">:$saturate,
                   OptionalAttr<TypeAttr>:$output_dtype);
  let results = (outs AnyTensor:$y);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_DequantizeLinearOp : ONNX_Op<"DequantizeLinear"> {
  let summary = "y = (x - x_zero_point) * x_scale";
  let description = [{
    Scale and zero point as QuantizeLinear's. The result's element type is
    `output_dtype`, else x_scale's.
  }];
  let arguments = (ins AnyTensor:$x, AnyTensor:$x_scale, ONNX_OptTensor:$x_zero_point,
                   DefaultValuedAttr<I64Attr, "1">:$axis,
                   DefaultValuedAttr<I64Attr, "0">:$block_size,
                   OptionalAttr<TypeAttr>:$output_dtype);
  let results = (outs AnyTensor:$y);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_BitCastOp : ONNX_Op<"BitCast"> {
  let summary = "reinterpret the bits of each element as `to` (same width)";
  let description = [{
    The element types have the same storage size (bool counts as one byte,
    so bool <-> 8-bit types are allowed); the shape is unchanged.
  }];
  let arguments = (ins AnyTensor:$input, TypeAttr:$to);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // STEED_ONNX_QUANTIZATION_OPS
