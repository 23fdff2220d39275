//===- ONNXOps.td - All onnx ops ---------------------------*- tablegen -*-===//
#ifndef STEED_ONNX_OPS
#define STEED_ONNX_OPS

include "dialects/onnx/ONNXTensorOps.td"
include "dialects/onnx/ONNXElementwiseOps.td"
include "dialects/onnx/ONNXMatmulConvOps.td"
include "dialects/onnx/ONNXReductionOps.td"
include "dialects/onnx/ONNXNormalizationOps.td"
include "dialects/onnx/ONNXPoolingOps.td"
include "dialects/onnx/ONNXDataMovementOps.td"
include "dialects/onnx/ONNXSamplingOps.td"
include "dialects/onnx/ONNXQuantizationOps.td"
include "dialects/onnx/ONNXControlFlowOps.td"
include "dialects/onnx/ONNXSelectionOps.td"

#endif // STEED_ONNX_OPS
