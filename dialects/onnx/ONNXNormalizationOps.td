//===- ONNXNormalizationOps.td - Normalization onnx ops ---------------------*- tablegen -*-===//
#ifndef STEED_ONNX_NORMALIZATION_OPS
#define STEED_ONNX_NORMALIZATION_OPS

include "dialects/onnx/ONNXBase.td"

#endif // STEED_ONNX_NORMALIZATION_OPS
