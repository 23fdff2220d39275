//===- ONNXNormalizationOps.td - Softmax and normalization ops -*- tablegen -*-===//
//
// Softmax-like ops in their opset-13 form (one axis, default -1; the older
// "coerce to 2-D" semantics are rewritten by the importer) and the
// normalization ops in their current forms.
//
#ifndef STEED_ONNX_NORMALIZATION_OPS
#define STEED_ONNX_NORMALIZATION_OPS

include "dialects/onnx/ONNXBase.td"

// output = f(input) along the single dimension `axis`; same type as input.
class ONNX_SoftmaxLikeOp<string mnemonic, string summaryText>
    : ONNX_Op<mnemonic> {
  let summary = summaryText;
  let arguments = (ins AnyTensor:$input, DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def ONNX_SoftmaxOp    : ONNX_SoftmaxLikeOp<"Softmax", "exp(x - max) / sum(exp(x - max)) along axis">;
def ONNX_LogSoftmaxOp : ONNX_SoftmaxLikeOp<"LogSoftmax", "x - max - log(sum(exp(x - max))) along axis">;
def ONNX_HardmaxOp    : ONNX_SoftmaxLikeOp<"Hardmax", "1 at the first maximum along axis, 0 elsewhere">;

def ONNX_BatchNormalizationOp : ONNX_Op<"BatchNormalization"> {
  let summary = "per-channel (dim 1) normalization (opset 15 form)";
  let description = [{
    Inference (training_mode = 0): Y = (X - input_mean) / sqrt(input_var +
    epsilon) * scale + B; running_mean/running_var are input_mean/input_var.
    Training (training_mode = 1): the statistics are the batch's (population
    variance over every dimension but 1), and running_* = input_* * momentum +
    batch_* * (1 - momentum).
  }];
  let arguments = (ins AnyTensor:$X, AnyTensor:$scale, AnyTensor:$B,
                   AnyTensor:$input_mean, AnyTensor:$input_var,
                   DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon,
                   DefaultValuedAttr<F32Attr, "0.9f">:$momentum,
                   DefaultValuedAttr<I64Attr, "0">:$training_mode);
  let results = (outs AnyTensor:$Y, AnyTensor:$running_mean, AnyTensor:$running_var);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_LayerNormalizationOp : ONNX_Op<"LayerNormalization"> {
  let summary = "normalization over the dimensions [axis, rank) (opset 17)";
  let description = [{
    Y = (X - Mean) * InvStdDev * Scale + B, Mean and InvStdDev =
    1 / sqrt(Var + epsilon) computed over X's dimensions [axis, rank) in the
    type given by `stash_type` (ONNX TensorProto data type, 1 = float).
    Mean/InvStdDev have X's shape with those dimensions set to 1.
  }];
  let arguments = (ins AnyTensor:$X, AnyTensor:$Scale, ONNX_OptTensor:$B,
                   DefaultValuedAttr<I64Attr, "-1">:$axis,
                   DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon,
                   DefaultValuedAttr<I64Attr, "1">:$stash_type);
  let results = (outs AnyTensor:$Y, AnyTensor:$Mean, AnyTensor:$InvStdDev);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_RMSNormalizationOp : ONNX_Op<"RMSNormalization"> {
  let summary = "X / sqrt(mean(X^2) + epsilon) * scale over [axis, rank) (opset 23)";
  let arguments = (ins AnyTensor:$X, AnyTensor:$scale,
                   DefaultValuedAttr<I64Attr, "-1">:$axis,
                   DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon,
                   DefaultValuedAttr<I64Attr, "1">:$stash_type);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_InstanceNormalizationOp : ONNX_Op<"InstanceNormalization"> {
  let summary = "per-(N, C) normalization over the spatial dimensions";
  let arguments = (ins AnyTensor:$input, AnyTensor:$scale, AnyTensor:$B,
                   DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_GroupNormalizationOp : ONNX_Op<"GroupNormalization"> {
  let summary = "normalization over channel groups (opset 21: per-channel scale/bias)";
  let arguments = (ins AnyTensor:$X, AnyTensor:$scale, AnyTensor:$bias,
                   DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon,
                   I64Attr:$num_groups,
                   DefaultValuedAttr<I64Attr, "1">:$stash_type);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def ONNX_LpNormalizationOp : ONNX_Op<"LpNormalization"> {
  let summary = "x / (sum |x|^p)^(1/p) along axis, p = 1 or 2";
  let arguments = (ins AnyTensor:$input, DefaultValuedAttr<I64Attr, "-1">:$axis,
                   DefaultValuedAttr<I64Attr, "2">:$p);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def ONNX_MeanVarianceNormalizationOp : ONNX_Op<"MeanVarianceNormalization"> {
  let summary = "(X - mean) / (sqrt(var) + 1e-9) over `axes`";
  let arguments = (ins AnyTensor:$X,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 2, 3}">:$axes);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

#endif // STEED_ONNX_NORMALIZATION_OPS
