//===- ONNXReductionOps.td - Reduction onnx ops ------------*- tablegen -*-===//
//
// The Reduce* family in its current (opset 18; ReduceSum 13) form: `axes` is
// an optional 1-D int64 input. Older forms (axes as an attribute) are
// normalized by the importer. ArgMax/ArgMin keep `axis` as an attribute.
//
#ifndef STEED_ONNX_REDUCTION_OPS
#define STEED_ONNX_REDUCTION_OPS

include "dialects/onnx/ONNXBase.td"

// reduced = reduce(data, axes). An absent or empty `axes` reduces every
// dimension, unless noop_with_empty_axes = 1, where the op is the identity.
// With keepdims = 1 the reduced dimensions stay as size 1.
// Result-type inference: inferReduceShapes (ReductionOps.cpp); folding of
// constants: foldReduce (ReductionFolds.cpp).
class ONNX_ReduceOp<string mnemonic, string summaryText>
    : ONNX_Op<mnemonic> {
  let summary = summaryText;
  let hasFolder = 1;
  let arguments = (ins AnyTensor:$data, ONNX_OptTensor:$axes,
                   DefaultValuedAttr<I64Attr, "1">:$keepdims,
                   DefaultValuedAttr<I64Attr, "0">:$noop_with_empty_axes);
  let results = (outs AnyTensor:$reduced);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_ReduceSumOp       : ONNX_ReduceOp<"ReduceSum", "sum">;
def ONNX_ReduceMeanOp      : ONNX_ReduceOp<"ReduceMean", "arithmetic mean">;
def ONNX_ReduceMaxOp       : ONNX_ReduceOp<"ReduceMax", "maximum (-inf for an empty set)">;
def ONNX_ReduceMinOp       : ONNX_ReduceOp<"ReduceMin", "minimum (+inf for an empty set)">;
def ONNX_ReduceProdOp      : ONNX_ReduceOp<"ReduceProd", "product">;
def ONNX_ReduceL1Op        : ONNX_ReduceOp<"ReduceL1", "sum of absolute values">;
def ONNX_ReduceL2Op        : ONNX_ReduceOp<"ReduceL2", "sqrt of the sum of squares">;
def ONNX_ReduceLogSumOp    : ONNX_ReduceOp<"ReduceLogSum", "log of the sum">;
def ONNX_ReduceLogSumExpOp : ONNX_ReduceOp<"ReduceLogSumExp", "log of the sum of exponentials">;
def ONNX_ReduceSumSquareOp : ONNX_ReduceOp<"ReduceSumSquare", "sum of squares">;

// reduced = index (int64) of the first (select_last_index = 0) or last
// maximum/minimum of `data` along `axis`.
class ONNX_ArgOp<string mnemonic, string summaryText> : ONNX_Op<mnemonic> {
  let summary = summaryText;
  let arguments = (ins AnyTensor:$data,
                   DefaultValuedAttr<I64Attr, "0">:$axis,
                   DefaultValuedAttr<I64Attr, "1">:$keepdims,
                   DefaultValuedAttr<I64Attr, "0">:$select_last_index);
  let results = (outs AnyTensor:$reduced);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
}

def ONNX_ArgMaxOp : ONNX_ArgOp<"ArgMax", "index of the maximum along an axis">;
def ONNX_ArgMinOp : ONNX_ArgOp<"ArgMin", "index of the minimum along an axis">;

// y = running sum/product of x along `axis` (a scalar int input);
// exclusive = 1 leaves out the current element, reverse = 1 runs backwards.
class ONNX_CumOp<string mnemonic, string summaryText> : ONNX_Op<mnemonic> {
  let summary = summaryText;
  let arguments = (ins AnyTensor:$x, AnyTensor:$axis,
                   DefaultValuedAttr<I64Attr, "0">:$exclusive,
                   DefaultValuedAttr<I64Attr, "0">:$reverse);
  let results = (outs AnyTensor:$y);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_CumSumOp : ONNX_CumOp<"CumSum", "cumulative sum along an axis">;
def ONNX_CumProdOp : ONNX_CumOp<"CumProd", "cumulative product along an axis">;

// Values/Indices = the K largest (largest = 1) or smallest elements of X
// along `axis` and their int64 indices, best first (also for sorted = 0);
// equal values keep the lower index first. K is a 1-element int64 input.
def ONNX_TopKOp : ONNX_Op<"TopK"> {
  let summary = "the K largest or smallest elements along an axis";
  let arguments = (ins AnyTensor:$X, AnyTensor:$K,
                   DefaultValuedAttr<I64Attr, "-1">:$axis,
                   DefaultValuedAttr<I64Attr, "1">:$largest,
                   DefaultValuedAttr<I64Attr, "1">:$sorted);
  let results = (outs AnyTensor:$Values, AnyTensor:$Indices);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

#endif // STEED_ONNX_REDUCTION_OPS
