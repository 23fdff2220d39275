//===- ONNXSelectionOps.td - Ops with data-dependent shapes -*- tablegen -*-===//
//
// Ops whose result sizes depend on operand VALUES: the selected elements,
// slices or boxes are only known at run time, so the selected dimension is
// always dynamic (`?`) in the inferred type. Their lowerings
// (passes/lowering/Selection.cpp) count the result size first, then fill a
// tensor of that run-time size.
//
#ifndef STEED_ONNX_SELECTION_OPS
#define STEED_ONNX_SELECTION_OPS

include "dialects/onnx/ONNXBase.td"

def ONNX_NonZeroOp : ONNX_Op<"NonZero"> {
  let summary = "the int64 coordinates [rank, count] of the non-zero elements (row-major order)";
  let arguments = (ins AnyTensor:$X);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def ONNX_CompressOp : ONNX_Op<"Compress"> {
  let summary = "the slices along `axis` (of the flattened input without it) where `condition` holds";
  let description = [{
    `condition` is a 1-D bool tensor; it may be shorter than the axis (the
    missing entries are false) or longer (the extra entries are ignored).
  }];
  let arguments = (ins AnyTensor:$input, AnyTensor:$condition, OptionalAttr<I64Attr>:$axis);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input `,` $condition attr-dict `:` functional-type(operands, results)";
}

def ONNX_UniqueOp : ONNX_Op<"Unique"> {
  let summary = "the unique elements (or slices along `axis`), their first indices, inverse indices and counts";
  let description = [{
    `sorted` = 1 orders the unique values ascending (slices
    lexicographically, row-major); 0 keeps the order of first occurrence.
    Without `axis` the input is flattened. indices, inverse_indices and
    counts are int64.
  }];
  let arguments = (ins AnyTensor:$X, OptionalAttr<I64Attr>:$axis,
                   DefaultValuedAttr<I64Attr, "1">:$sorted);
  let results = (outs AnyTensor:$Y, AnyTensor:$indices, AnyTensor:$inverse_indices,
                 AnyTensor:$counts);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def ONNX_NonMaxSuppressionOp : ONNX_Op<"NonMaxSuppression"> {
  let summary = "greedy per-class box selection by score and IoU; [count, 3] int64 (batch, class, box)";
  let description = [{
    boxes [B, N, 4] (corners [y1, x1, y2, x2] in any order, or
    [x_center, y_center, width, height] with center_point_box = 1), scores
    [B, C, N]. Per batch and class, boxes with score > score_threshold (when
    given) are visited by decreasing score (equal scores: lower index
    first) and kept unless their IoU with a box kept before exceeds
    iou_threshold (default 0), up to max_output_boxes_per_class (default 0:
    none).
  }];
  let arguments = (ins AnyTensor:$boxes, AnyTensor:$scores,
                   ONNX_OptTensor:$max_output_boxes_per_class,
                   ONNX_OptTensor:$iou_threshold, ONNX_OptTensor:$score_threshold,
                   DefaultValuedAttr<I64Attr, "0">:$center_point_box);
  let results = (outs AnyTensor:$selected_indices);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

// Not data-dependent in shape, but a selection by value all the same: which
// pool n-grams occur in each row.
def ONNX_TfIdfVectorizerOp : ONNX_Op<"TfIdfVectorizer"> {
  let summary = "n-gram counts of integer rows against a pool (TF, IDF or TFIDF weighted)";
  let description = [{
    X is [C] or [N, C] (int32 or int64). The pool holds the n-grams of each
    length n back to back from ngram_counts[n - 1]; ngram_indexes gives
    each n-gram's output column (output size max + 1). An n-gram of length
    min_gram_length..max_gram_length occurs at (i, skip) when X[i + k *
    (skip + 1)] matches it for all k, skip <= max_skip_count (unigrams are
    counted once). TF: counts; IDF: weights (or 1) where the count is
    positive; TFIDF: counts * weights (or counts). Output f32.
  }];
  let arguments = (ins AnyTensor:$X, I64Attr:$max_gram_length, I64Attr:$min_gram_length,
                   I64Attr:$max_skip_count, StrAttr:$mode,
                   DenseI64ArrayAttr:$ngram_counts, DenseI64ArrayAttr:$ngram_indexes,
                   DenseI64ArrayAttr:$pool_int64s, OptionalAttr<DenseF32ArrayAttr>:$weights);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

#endif // STEED_ONNX_SELECTION_OPS
