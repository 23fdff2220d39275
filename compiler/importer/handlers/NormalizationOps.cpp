//===- NormalizationOps.cpp - Import of Normalization ONNX ops ---------------===//
#include "compiler/importer/OpRegistry.h"

using namespace mlir;

namespace steed {

void registerNormalizationOps(OpRegistry &r) {}

} // namespace steed
