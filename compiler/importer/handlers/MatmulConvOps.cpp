//===- MatmulConvOps.cpp - Import of MatMul, Gemm, Conv, ConvTranspose ----===//
//
// MatMul 1/9/13, Gemm 1..13 and Conv 1/11/22 differ only in type lists and
// documentation (Gemm < 7: `broadcast` attribute, C required; Gemm < 11: C
// required): they import generically. Unidirectional broadcasting of C is a
// superset of the older forms for valid models.
//
#include "compiler/importer/OpRegistry.h"
#include "dialects/onnx/ONNXOps.h"

using namespace mlir;

namespace steed {

/// ConvTranspose-1: where the total padding comes from output_shape or
/// SAME_*, an odd total put its extra element at the beginning for
/// SAME_UPPER and at the end otherwise; opset 11 swapped that. Import the
/// current op and, when those pads differ, pin the old split as explicit
/// pads (they give the same output size).
static FailureOr<SmallVector<Value>> importConvTranspose1(NodeImporter &n) {
  auto results = n.importGeneric();
  if (failed(results))
    return failure();
  auto op = (*results)[0].getDefiningOp<onnx::ConvTransposeOp>();
  auto x = dyn_cast<RankedTensorType>(op.getX().getType());
  StringRef autoPad = op.getAutoPad();
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (!x || !isa<RankedTensorType>(op.getW().getType()) || (!same && !op.getOutputShape()))
    return results;
  SmallVector<int64_t> pads, out;
  op.getResolvedPadsAndOutputShape(x.getShape().drop_front(2), pads, out);
  int64_t rank = pads.size() / 2;
  SmallVector<int64_t> swapped(pads.size());
  for (int64_t i = 0; i < rank; ++i) {
    if (ShapedType::isDynamic(pads[i]) || ShapedType::isDynamic(pads[rank + i])) {
      if (pads[i] != pads[rank + i])
        return n.emitError() << "ConvTranspose-" << n.opset
                             << " with output_shape/auto_pad needs static input shapes",
               failure();
      return results;
    }
    swapped[i] = pads[rank + i];
    swapped[rank + i] = pads[i];
  }
  op.setPads(swapped);
  op.setAutoPad("NOTSET");
  op.removeOutputShapeAttr();
  if (failed(op.inferShapes()))
    return failure();
  return results;
}

void registerMatmulConvOps(OpRegistry &r) {
  r.add("MatMul", 1, 2);
  r.add("Gemm", 1, 3);
  r.add("Conv", 1, 3);
  r.add("ConvTranspose", 1, 3, 1, importConvTranspose1);
  r.add("ConvTranspose", 11, 3);
}

} // namespace steed
