//===- ReductionOps.cpp - Result types of Reduction onnx ops ----===//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"

using namespace mlir;
using namespace steed::onnx;
