//===- MatmulConvOps.cpp - Import of MatMul, Gemm, Conv -------------------===//
#include "compiler/importer/OpRegistry.h"

using namespace mlir;

namespace steed {

void registerMatmulConvOps(OpRegistry &r) {
  r.add("MatMul", 1, 2);
}

} // namespace steed
