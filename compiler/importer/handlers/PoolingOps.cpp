//===- PoolingOps.cpp - Import of Pooling ONNX ops ---------------===//
#include "compiler/importer/OpRegistry.h"

using namespace mlir;

namespace steed {

void registerPoolingOps(OpRegistry &r) {}

} // namespace steed
