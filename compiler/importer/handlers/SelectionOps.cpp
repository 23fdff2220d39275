//===- SelectionOps.cpp - Import of ops with data-dependent result shapes -===//
//
// NonZero, Compress, Unique and NonMaxSuppression map to their onnx ops
// generically: their forms did not change across opsets in a way the op
// cares about (Compress-11 and NonMaxSuppression-11 only relaxed the axis
// range / clarified the box order).
//
#include "compiler/importer/OpRegistry.h"

namespace steed {

void registerSelectionOps(OpRegistry &r) {
  r.add("NonZero", 9, 1);
  r.add("Compress", 9, 2);
  r.add("Unique", 11, 1, 4);
  r.add("NonMaxSuppression", 10, 5);
}

} // namespace steed
