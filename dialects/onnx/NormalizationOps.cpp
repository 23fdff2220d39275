//===- NormalizationOps.cpp - Result types of Normalization onnx ops ----===//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"

using namespace mlir;
using namespace steed::onnx;
