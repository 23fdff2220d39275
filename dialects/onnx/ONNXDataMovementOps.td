//===- ONNXDataMovementOps.td - DataMovement onnx ops ---------------------*- tablegen -*-===//
#ifndef STEED_ONNX_DATAMOVEMENT_OPS
#define STEED_ONNX_DATAMOVEMENT_OPS

include "dialects/onnx/ONNXBase.td"

#endif // STEED_ONNX_DATAMOVEMENT_OPS
