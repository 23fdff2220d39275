//===- ONNXOps.h - Ops of the onnx dialect ----------------------*- C++ -*-===//
#ifndef STEED_DIALECTS_ONNX_ONNXOPS_H
#define STEED_DIALECTS_ONNX_ONNXOPS_H

#include "dialects/onnx/ONNXDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/onnx/ONNXInterfaces.h.inc"

namespace steed::onnx {
// Shared result-type inference of the op families (ShapeHelpers.cpp).
mlir::LogicalResult inferUnaryShapes(mlir::Operation *op);
mlir::LogicalResult inferBroadcastShapes(mlir::Operation *op, bool boolResult);
} // namespace steed::onnx

#define GET_OP_CLASSES
#include "dialects/onnx/ONNXOps.h.inc"

#endif
