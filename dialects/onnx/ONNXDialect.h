//===- ONNXDialect.h - The onnx dialect -------------------------*- C++ -*-===//
#ifndef STEED_DIALECTS_ONNX_ONNXDIALECT_H
#define STEED_DIALECTS_ONNX_ONNXDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/onnx/ONNXDialect.h.inc"

#endif
