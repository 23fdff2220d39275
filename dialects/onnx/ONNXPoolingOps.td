//===- ONNXPoolingOps.td - Pooling onnx ops ---------------------*- tablegen -*-===//
#ifndef STEED_ONNX_POOLING_OPS
#define STEED_ONNX_POOLING_OPS

include "dialects/onnx/ONNXBase.td"

#endif // STEED_ONNX_POOLING_OPS
