//===- DataMovementOps.cpp - Result types of DataMovement onnx ops ----===//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"

using namespace mlir;
using namespace steed::onnx;
