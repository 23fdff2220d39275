//===- ReductionOps.cpp - Import of Reduction ONNX ops ---------------===//
#include "compiler/importer/OpRegistry.h"

using namespace mlir;

namespace steed {

void registerReductionOps(OpRegistry &r) {}

} // namespace steed
