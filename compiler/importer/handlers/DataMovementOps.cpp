//===- DataMovementOps.cpp - Import of DataMovement ONNX ops ---------------===//
#include "compiler/importer/OpRegistry.h"

using namespace mlir;

namespace steed {

void registerDataMovementOps(OpRegistry &r) {}

} // namespace steed
