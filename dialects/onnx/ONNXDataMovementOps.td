//===- ONNXDataMovementOps.td - Data movement and shape onnx ops *- tablegen -*-===//
//
// Ops that move, reshape, select or convert elements without arithmetic on
// them (plus Range and ConstantOfShape, which produce tensors from shapes).
// Older opset forms are normalized by the importer
// (compiler/importer/handlers/DataMovementOps.cpp): attributes that became
// inputs (Reshape-1 shape, Slice-1 starts/ends/axes, Squeeze/Unsqueeze-1/11
// axes, Split-2/11 split) arrive here as constant operands, Cast-1's string
// `to` as a type, and CastLike as a Cast.
//
// Shape-like operands (shapes, axes, starts, ...) that are constants decide
// the result type at import time; otherwise the result keeps unknown dims
// (or is refined from elsewhere) and the lowering works from the static
// result type wherever the values are not needed at run time.
//
#ifndef STEED_ONNX_DATAMOVEMENT_OPS
#define STEED_ONNX_DATAMOVEMENT_OPS

include "dialects/onnx/ONNXBase.td"

def ONNX_ReshapeOp : ONNX_Op<"Reshape"> {
  let summary = "reshape to `shape` (0 copies the input dim unless allowzero, -1 is inferred)";
  let arguments = (ins AnyTensor:$data, AnyTensor:$shape,
                   DefaultValuedAttr<I64Attr, "0">:$allowzero);
  let results = (outs AnyTensor:$reshaped);
  let assemblyFormat = "$data `,` $shape attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def ONNX_FlattenOp : ONNX_Op<"Flatten"> {
  let summary = "2-D reshape [prod(dims[:axis]), prod(dims[axis:])]";
  let arguments = (ins AnyTensor:$input, DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def ONNX_TransposeOp : ONNX_Op<"Transpose"> {
  let summary = "permute dimensions (default: reverse them)";
  let arguments = (ins AnyTensor:$data, OptionalAttr<DenseI64ArrayAttr>:$perm);
  let hasFolder = 1;
  let results = (outs AnyTensor:$transposed);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    /// `perm`, or the reversed dimensions when absent; empty when the
    /// operand is unranked and perm is absent.
    ::llvm::SmallVector<int64_t> getPermOrDefault();
  }];
}

def ONNX_ConcatOp : ONNX_Op<"Concat"> {
  let summary = "concatenate along `axis`";
  let arguments = (ins Variadic<AnyTensor>:$inputs, I64Attr:$axis);
  let results = (outs AnyTensor:$concat_result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def ONNX_UnsqueezeOp : ONNX_Op<"Unsqueeze"> {
  let summary = "insert size-1 dims at `axes` (positions in the output)";
  let arguments = (ins AnyTensor:$data, AnyTensor:$axes);
  let results = (outs AnyTensor:$expanded);
  let assemblyFormat = "$data `,` $axes attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def ONNX_SqueezeOp : ONNX_Op<"Squeeze"> {
  let summary = "remove size-1 dims at `axes` (all size-1 dims when none)";
  let arguments = (ins AnyTensor:$data, ONNX_OptTensor:$axes);
  let results = (outs AnyTensor:$squeezed);
  let assemblyFormat = "$data `,` $axes attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def ONNX_GatherOp : ONNX_Op<"Gather"> {
  let summary = "take slices of `data` along `axis` at `indices` (negative counts from the end)";
  let arguments = (ins AnyTensor:$data, AnyTensor:$indices,
                   DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def ONNX_GatherElementsOp : ONNX_Op<"GatherElements"> {
  let summary = "out[i][j][k] = data[i][indices[i][j][k]][k] (for axis 1)";
  let arguments = (ins AnyTensor:$data, AnyTensor:$indices,
                   DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def ONNX_ShapeOp : ONNX_Op<"Shape"> {
  let summary = "the dims of `data` in [start, end) as a 1-D i64 tensor";
  let arguments = (ins AnyTensor:$data, DefaultValuedAttr<I64Attr, "0">:$start,
                   OptionalAttr<I64Attr>:$end);
  let results = (outs AnyTensor:$shape);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// [start, end) clamped to [0, rank] as the spec says.
    std::pair<int64_t, int64_t> getClampedRange(int64_t rank);
  }];
}

def ONNX_SizeOp : ONNX_Op<"Size"> {
  let summary = "the number of elements of `data` as a 0-D i64 tensor";
  let arguments = (ins AnyTensor:$data);
  let results = (outs AnyTensor:$size);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def ONNX_SliceOp : ONNX_Op<"Slice"> {
  let summary = "strided slice; starts/ends clamp, negative steps walk backwards";
  let arguments = (ins AnyTensor:$data, AnyTensor:$starts, AnyTensor:$ends,
                   ONNX_OptTensor:$axes, ONNX_OptTensor:$steps);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def ONNX_SplitOp : ONNX_Op<"Split"> {
  let summary = "split along `axis` into `split` sizes, or into equal parts";
  let description = [{
    As many results as the node has outputs. Without `split`, parts are
    equal (opset 13) or ceil(dim / num_outputs) with a smaller last part
    (opset 18 `num_outputs`).
  }];
  let arguments = (ins AnyTensor:$input, ONNX_OptTensor:$split,
                   DefaultValuedAttr<I64Attr, "0">:$axis,
                   OptionalAttr<I64Attr>:$num_outputs);
  let results = (outs Variadic<AnyTensor>:$outputs);
  let assemblyFormat = "$input `,` $split attr-dict `:` functional-type(operands, results)";
}

def ONNX_ExpandOp : ONNX_Op<"Expand"> {
  let summary = "broadcast `input` bidirectionally against `shape`";
  let arguments = (ins AnyTensor:$input, AnyTensor:$shape);
  let hasFolder = 1;
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input `,` $shape attr-dict `:` functional-type(operands, results)";
}

def ONNX_ConstantOfShapeOp : ONNX_Op<"ConstantOfShape"> {
  let summary = "a tensor of shape `input` filled with `value` (default f32 0)";
  let arguments = (ins AnyTensor:$input, OptionalAttr<ElementsAttr>:$value);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// The fill value as a one-element attribute (f32 0 when absent).
    ::mlir::DenseElementsAttr getFillValue();
  }];
}

def ONNX_IdentityOp : ONNX_Op<"Identity"> {
  let summary = "output = input";
  let arguments = (ins AnyTensor:$input);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def ONNX_CastOp : ONNX_Op<"Cast"> {
  let summary = "element type conversion to `to` (also CastLike, after import)";
  let description = [{
    float -> int truncates toward zero, int -> float respects signedness,
    -> bool is `!= 0`. `saturate` only matters for float8 targets.
  }];
  let arguments = (ins AnyTensor:$input, TypeAttr:$to,
                   DefaultValuedAttr<I64Attr, "1">:$saturate);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def ONNX_TileOp : ONNX_Op<"Tile"> {
  let summary = "repeat `input` `repeats[i]` times along dim i";
  let arguments = (ins AnyTensor:$input, AnyTensor:$repeats);
  let hasFolder = 1;
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input `,` $repeats attr-dict `:` functional-type(operands, results)";
}

def ONNX_RangeOp : ONNX_Op<"Range"> {
  let summary = "[start, start + delta, ...) up to `limit` (scalar operands)";
  let arguments = (ins AnyTensor:$start, AnyTensor:$limit, AnyTensor:$delta);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def ONNX_TriluOp : ONNX_Op<"Trilu"> {
  let summary = "keep the upper (j - i >= k) or lower (j - i <= k) triangle of the last two dims";
  let arguments = (ins AnyTensor:$input, ONNX_OptTensor:$k,
                   DefaultValuedAttr<I64Attr, "1">:$upper);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input `,` $k attr-dict `:` functional-type(operands, results)";
}

def ONNX_ScatterElementsOp : ONNX_Op<"ScatterElements"> {
  let summary = "out = data; out[i with i[axis] = indices[i]] (op)= updates[i]";
  let description = [{
    `reduction`: none | add | mul | max | min. Also the deprecated Scatter
    (opsets 9/10), which the importer maps here.
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$indices, AnyTensor:$updates,
                   DefaultValuedAttr<I64Attr, "0">:$axis,
                   DefaultValuedStrAttr<StrAttr, "none">:$reduction);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_ScatterNDOp : ONNX_Op<"ScatterND"> {
  let summary = "out = data; out[indices[p]] (op)= updates[p] (index tuples in the last dim)";
  let arguments = (ins AnyTensor:$data, AnyTensor:$indices, AnyTensor:$updates,
                   DefaultValuedStrAttr<StrAttr, "none">:$reduction);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_EyeLikeOp : ONNX_Op<"EyeLike"> {
  let summary = "2-D tensor shaped like `input` with ones on diagonal `k`";
  let arguments = (ins AnyTensor:$input, OptionalAttr<TypeAttr>:$dtype,
                   DefaultValuedAttr<I64Attr, "0">:$k);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def ONNX_GatherNDOp : ONNX_Op<"GatherND"> {
  let summary = "gather slices of `data` at index tuples (last dim of `indices`)";
  let arguments = (ins AnyTensor:$data, AnyTensor:$indices,
                   DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def ONNX_OneHotOp : ONNX_Op<"OneHot"> {
  let summary = "values[1] where the index along `axis` equals indices, else values[0]";
  let arguments = (ins AnyTensor:$indices, AnyTensor:$depth, AnyTensor:$values,
                   DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

#endif // STEED_ONNX_DATAMOVEMENT_OPS
