//===- ONNXReductionOps.td - Reduction onnx ops ---------------------*- tablegen -*-===//
#ifndef STEED_ONNX_REDUCTION_OPS
#define STEED_ONNX_REDUCTION_OPS

include "dialects/onnx/ONNXBase.td"

#endif // STEED_ONNX_REDUCTION_OPS
