//===- ReductionOps.cpp - Import of reduction ONNX ops --------------------===//
//
// Reduce*: opset 18 (ReduceSum: 13) moved `axes` from an attribute to an
// optional input and added noop_with_empty_axes (whose default 0 keeps the
// old meaning of absent axes: reduce everything). ReduceMax/ReduceMin 20
// only added bool inputs. ArgMax/ArgMin: opset 11 allowed negative axes and
// 12 added select_last_index (default 0), both supersets of the older forms.
// TopK-1's k attribute becomes the K input of TopK-10.
//
#include "compiler/importer/OpRegistry.h"

using namespace mlir;

namespace steed {

void registerReductionOps(OpRegistry &r) {
  auto axesAttrToInput = [](NodeImporter &n) {
    return n.importWithAttrAsInput("axes", 1);
  };
  for (const char *op : {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
                         "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
                         "ReduceSumSquare"}) {
    r.add(op, 1, 2, 1, axesAttrToInput);
    r.add(op, 18, 2);
  }
  r.add("ReduceSum", 1, 2, 1, axesAttrToInput);
  r.add("ReduceSum", 13, 2);

  r.add("ArgMax", 1, 1);
  r.add("ArgMin", 1, 1);

  // TopK-1: K is the `k` attribute; 10: an input; 11 added largest/sorted
  // (defaults: the old meaning).
  r.add("TopK", 1, 2, 2, [](NodeImporter &n) -> FailureOr<SmallVector<Value>> {
    auto k = n.intAttr("k");
    if (!k)
      return n.emitError() << "TopK-1 needs the k attribute", failure();
    n.inputs.resize(1);
    n.inputs.push_back(n.constI64({*k}));
    return n.importGeneric();
  });
  r.add("TopK", 10, 2, 2);

  r.add("CumSum", 11, 2);
  r.add("CumProd", 26, 2);
}

} // namespace steed
