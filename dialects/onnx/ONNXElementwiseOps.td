//===- ONNXElementwiseOps.td - Elementwise onnx ops --------*- tablegen -*-===//
#ifndef STEED_ONNX_ELEMENTWISE_OPS
#define STEED_ONNX_ELEMENTWISE_OPS

include "dialects/onnx/ONNXBase.td"

//===----------------------------------------------------------------------===//
// Unary, same element type.
//===----------------------------------------------------------------------===//
def ONNX_AbsOp        : ONNX_UnaryOp<"Abs"> { let hasFolder = 1; }
def ONNX_NegOp        : ONNX_UnaryOp<"Neg"> { let hasFolder = 1; }
def ONNX_ExpOp        : ONNX_UnaryOp<"Exp"> { let hasFolder = 1; }
def ONNX_LogOp        : ONNX_UnaryOp<"Log"> { let hasFolder = 1; }
def ONNX_SqrtOp       : ONNX_UnaryOp<"Sqrt"> { let hasFolder = 1; }
def ONNX_ReciprocalOp : ONNX_UnaryOp<"Reciprocal"> { let hasFolder = 1; }
def ONNX_ReluOp       : ONNX_UnaryOp<"Relu"> { let hasFolder = 1; }
def ONNX_SigmoidOp    : ONNX_UnaryOp<"Sigmoid">;
def ONNX_TanhOp       : ONNX_UnaryOp<"Tanh">;
def ONNX_ErfOp        : ONNX_UnaryOp<"Erf">;
def ONNX_SinOp        : ONNX_UnaryOp<"Sin">;
def ONNX_CosOp        : ONNX_UnaryOp<"Cos">;
def ONNX_TanOp        : ONNX_UnaryOp<"Tan">;
def ONNX_AsinOp       : ONNX_UnaryOp<"Asin">;
def ONNX_AcosOp       : ONNX_UnaryOp<"Acos">;
def ONNX_AtanOp       : ONNX_UnaryOp<"Atan">;
def ONNX_SinhOp       : ONNX_UnaryOp<"Sinh">;
def ONNX_CoshOp       : ONNX_UnaryOp<"Cosh">;
def ONNX_AsinhOp      : ONNX_UnaryOp<"Asinh">;
def ONNX_AcoshOp      : ONNX_UnaryOp<"Acosh">;
def ONNX_AtanhOp      : ONNX_UnaryOp<"Atanh">;
def ONNX_FloorOp      : ONNX_UnaryOp<"Floor"> { let hasFolder = 1; }
def ONNX_CeilOp       : ONNX_UnaryOp<"Ceil"> { let hasFolder = 1; }
def ONNX_RoundOp      : ONNX_UnaryOp<"Round"> { let hasFolder = 1; }
def ONNX_SignOp       : ONNX_UnaryOp<"Sign"> { let hasFolder = 1; }
def ONNX_SoftplusOp   : ONNX_UnaryOp<"Softplus">;
def ONNX_SoftsignOp   : ONNX_UnaryOp<"Softsign">;
def ONNX_HardSwishOp  : ONNX_UnaryOp<"HardSwish">;
def ONNX_MishOp       : ONNX_UnaryOp<"Mish">;
def ONNX_NotOp        : ONNX_UnaryOp<"Not"> { let hasFolder = 1; }
def ONNX_BitwiseNotOp : ONNX_UnaryOp<"BitwiseNot">;
// i1 results (see inferUnaryShapes).
def ONNX_IsNaNOp      : ONNX_UnaryOp<"IsNaN">;
def ONNX_IsInfOp : ONNX_UnaryOp<"IsInf"> {
  let arguments = (ins AnyTensor:$X, DefaultValuedAttr<I64Attr, "1">:$detect_negative,
                   DefaultValuedAttr<I64Attr, "1">:$detect_positive);
}

def ONNX_LeakyReluOp : ONNX_UnaryOp<"LeakyRelu"> {
  let arguments = (ins AnyTensor:$X, DefaultValuedAttr<F32Attr, "0.01f">:$alpha);
}
def ONNX_EluOp : ONNX_UnaryOp<"Elu"> {
  let arguments = (ins AnyTensor:$X, DefaultValuedAttr<F32Attr, "1.0f">:$alpha);
}
def ONNX_CeluOp : ONNX_UnaryOp<"Celu"> {
  let arguments = (ins AnyTensor:$X, DefaultValuedAttr<F32Attr, "1.0f">:$alpha);
}
def ONNX_ThresholdedReluOp : ONNX_UnaryOp<"ThresholdedRelu"> {
  let arguments = (ins AnyTensor:$X, DefaultValuedAttr<F32Attr, "1.0f">:$alpha);
}
def ONNX_SeluOp : ONNX_UnaryOp<"Selu"> {
  let arguments = (ins AnyTensor:$X,
                   DefaultValuedAttr<F32Attr, "1.67326319217681884765625f">:$alpha,
                   DefaultValuedAttr<F32Attr, "1.05070102214813232421875f">:$gamma);
}
def ONNX_HardSigmoidOp : ONNX_UnaryOp<"HardSigmoid"> {
  let arguments = (ins AnyTensor:$X, DefaultValuedAttr<F32Attr, "0.2f">:$alpha,
                   DefaultValuedAttr<F32Attr, "0.5f">:$beta);
}
def ONNX_GeluOp : ONNX_UnaryOp<"Gelu"> {
  let summary = "Gelu (opset 20); approximate = \"none\" or \"tanh\"";
  let arguments = (ins AnyTensor:$X, DefaultValuedStrAttr<StrAttr, "none">:$approximate);
}

//===----------------------------------------------------------------------===//
// Binary with broadcasting.
//===----------------------------------------------------------------------===//
def ONNX_AddOp : ONNX_BinaryOp<"Add", [Commutative]> { let hasFolder = 1; }
def ONNX_SubOp : ONNX_BinaryOp<"Sub"> { let hasFolder = 1; }
def ONNX_MulOp : ONNX_BinaryOp<"Mul", [Commutative]> { let hasFolder = 1; }
def ONNX_DivOp : ONNX_BinaryOp<"Div"> { let hasFolder = 1; }
def ONNX_PowOp : ONNX_BinaryOp<"Pow"> { let hasFolder = 1; }
def ONNX_PReluOp : ONNX_BinaryOp<"PRelu"> {
  let arguments = (ins AnyTensor:$X, AnyTensor:$slope);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X `,` $slope attr-dict `:` functional-type(operands, results)";
}
def ONNX_ModOp : ONNX_BinaryOp<"Mod"> {
  let hasFolder = 1;
  let arguments = (ins AnyTensor:$A, AnyTensor:$B, DefaultValuedAttr<I64Attr, "0">:$fmod);
}
def ONNX_BitwiseAndOp : ONNX_BinaryOp<"BitwiseAnd", [Commutative]>;
def ONNX_BitwiseOrOp  : ONNX_BinaryOp<"BitwiseOr", [Commutative]>;
def ONNX_BitwiseXorOp : ONNX_BinaryOp<"BitwiseXor", [Commutative]>;
def ONNX_BitShiftOp : ONNX_BinaryOp<"BitShift"> {
  let arguments = (ins AnyTensor:$X, AnyTensor:$Y, StrAttr:$direction);
  let results = (outs AnyTensor:$Z);
  let assemblyFormat = "$X `,` $Y attr-dict `:` functional-type(operands, results)";
}
def ONNX_AndOp : ONNX_CompareOp<"And", [Commutative]>;
def ONNX_OrOp  : ONNX_CompareOp<"Or", [Commutative]>;
def ONNX_XorOp : ONNX_CompareOp<"Xor", [Commutative]>;
def ONNX_EqualOp          : ONNX_CompareOp<"Equal", [Commutative]>;
def ONNX_LessOp           : ONNX_CompareOp<"Less">;
def ONNX_LessOrEqualOp    : ONNX_CompareOp<"LessOrEqual">;
def ONNX_GreaterOp        : ONNX_CompareOp<"Greater">;
def ONNX_GreaterOrEqualOp : ONNX_CompareOp<"GreaterOrEqual">;

//===----------------------------------------------------------------------===//
// Variadic with broadcasting.
//===----------------------------------------------------------------------===//
def ONNX_MaxOp  : ONNX_VariadicOp<"Max">;
def ONNX_MinOp  : ONNX_VariadicOp<"Min">;
def ONNX_SumOp  : ONNX_VariadicOp<"Sum">;
def ONNX_MeanOp : ONNX_VariadicOp<"Mean">;

//===----------------------------------------------------------------------===//
// Others.
//===----------------------------------------------------------------------===//
def ONNX_WhereOp : ONNX_Op<"Where"> {
  let summary = "select(condition, X, Y) with broadcasting";
  let arguments = (ins AnyTensor:$condition, AnyTensor:$X, AnyTensor:$Y);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def ONNX_ClipOp : ONNX_Op<"Clip"> {
  let summary = "clamp to [min, max]; missing bounds are none (opset 11+ form)";
  let arguments = (ins AnyTensor:$input, ONNX_OptTensor:$min, ONNX_OptTensor:$max);
  let results = (outs AnyTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

#endif // STEED_ONNX_ELEMENTWISE_OPS
