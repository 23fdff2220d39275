//===- ONNXMatmulConvOps.td - MatmulConv onnx ops ---------------------*- tablegen -*-===//
#ifndef STEED_ONNX_MATMULCONV_OPS
#define STEED_ONNX_MATMULCONV_OPS

include "dialects/onnx/ONNXBase.td"

def ONNX_MatMulOp : ONNX_Op<"MatMul"> {
  let summary = "numpy-style matmul (batch dimensions broadcast, 1-D operands promoted)";
  let arguments = (ins AnyTensor:$A, AnyTensor:$B);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$A `,` $B attr-dict `:` functional-type(operands, results)";
}

#endif // STEED_ONNX_MATMULCONV_OPS
