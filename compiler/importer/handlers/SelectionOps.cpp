//===- SelectionOps.cpp - Import of ops with data-dependent result shapes -===//
//
// NonZero, Compress, Unique and NonMaxSuppression map to their onnx ops
// generically: their forms did not change across opsets in a way the op
// cares about (Compress-11 and NonMaxSuppression-11 only relaxed the axis
// range / clarified the box order). TfIdfVectorizer takes integer pools.
//
#include "compiler/importer/OpRegistry.h"

using namespace mlir;

namespace steed {

void registerSelectionOps(OpRegistry &r) {
  r.add("NonZero", 9, 1);
  r.add("Compress", 9, 2);
  r.add("Unique", 11, 1, 4);
  r.add("NonMaxSuppression", 10, 5);
  // TfIdfVectorizer: integer pools only.
  r.add("TfIdfVectorizer", 9, 1, 1, [](NodeImporter &n) -> FailureOr<SmallVector<Value>> {
    if (n.attr("pool_strings"))
      return n.emitError() << "TfIdfVectorizer with pool_strings is not supported (string "
                              "tensors are not supported)",
             failure();
    if (!n.attr("pool_int64s"))
      return n.emitError() << "TfIdfVectorizer needs pool_int64s", failure();
    return n.importGeneric();
  });
}

} // namespace steed
