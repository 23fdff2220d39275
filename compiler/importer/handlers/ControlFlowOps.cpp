//===- ControlFlowOps.cpp - Import of If, Loop and Scan -------------------===//
//
// GRAPH attributes become regions (NodeImporter::importSubgraph). A body is
// imported with the argument types the op gives it; import-time folding may
// depend on those types (Shape of a loop-carried value), so when inferring
// the op generalizes them (a carried value that changes shape), the body is
// imported again with the general types.
//
// Opset forms: If and Loop have one form for tensors (since 1; sequence and
// optional types are refused by the type conversion). Scan-8 (batch axis 0,
// sequence_lens, `directions`) becomes a Scan over the batch whose body is
// the Scan-9+ form over the sequence.
//
#include "compiler/importer/OpRegistry.h"
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"

using namespace mlir;

namespace steed {
namespace {

const ::onnx::GraphProto *graphAttr(NodeImporter &n, StringRef name) {
  const ::onnx::AttributeProto *a = n.attr(name);
  if (!a || a->type() != ::onnx::AttributeProto::GRAPH) {
    n.emitError() << n.node.op_type() << " needs the graph attribute '" << name << "'";
    return nullptr;
  }
  return &a->g();
}

/// Creates "onnx.<opType>" with `numRegions` empty regions and placeholder
/// result types (inference sets them).
Operation *createRegionOp(NodeImporter &n, StringRef opType, ValueRange operands,
                          ArrayRef<NamedAttribute> attributes, unsigned numResults,
                          unsigned numRegions) {
  OperationState state(n.loc, ("onnx." + opType).str());
  state.addOperands(operands);
  state.addAttributes(attributes);
  state.addTypes(SmallVector<Type>(numResults, UnrankedTensorType::get(n.builder.getF32Type())));
  for (unsigned i = 0; i < numRegions; ++i)
    state.addRegion();
  return n.builder.create(state);
}

struct Body {
  unsigned region;
  const ::onnx::GraphProto *graph;
  SmallVector<Type> argTypes;
};

/// Imports the bodies into `op`'s regions and infers `op`; re-imports while
/// inference changed the bodies' argument types.
LogicalResult importBodies(NodeImporter &n, Operation *op, MutableArrayRef<Body> bodies) {
  for (int round = 0; round < 8; ++round) {
    for (Body &body : bodies) {
      Region &region = op->getRegion(body.region);
      region.dropAllReferences();
      region.getBlocks().clear();
      if (failed(n.importSubgraph(*body.graph, region, body.argTypes)))
        return failure();
    }
    if (failed(cast<onnx::InferShapesOpInterface>(op).inferShapes()))
      return failure();
    bool stable = true;
    for (Body &body : bodies) {
      SmallVector<Type> now(op->getRegion(body.region).front().getArgumentTypes());
      if (now != body.argTypes) {
        body.argTypes = now;
        stable = false;
      }
    }
    if (stable)
      return success();
  }
  return op->emitError("the body's argument types do not converge");
}

SmallVector<Value> resultsOf(Operation *op) { return SmallVector<Value>(op->getResults()); }

//===----------------------------------------------------------------------===//
// If
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<Value>> importIf(NodeImporter &n) {
  const ::onnx::GraphProto *thenGraph = graphAttr(n, "then_branch");
  const ::onnx::GraphProto *elseGraph = graphAttr(n, "else_branch");
  if (!thenGraph || !elseGraph)
    return failure();
  if (n.inputs.size() != 1 || onnx::isNone(n.inputs[0]))
    return n.emitError() << "If takes exactly one input (cond)", failure();
  if (thenGraph->output_size() != elseGraph->output_size())
    return n.emitError() << "If branches have " << thenGraph->output_size() << " and "
                         << elseGraph->output_size() << " outputs",
           failure();
  Operation *op = createRegionOp(n, "If", n.inputs, {}, thenGraph->output_size(), 2);
  // A constant condition: only the taken branch is imported (the other may
  // be invalid for these shapes, e.g. a Split of a function body's 2-D case
  // given a 3-D size) and its nodes replace the If.
  auto cond = onnx::getConstantInts(n.inputs[0]);
  if (cond && cond->size() == 1) {
    unsigned index = (*cond)[0] ? 0 : 1;
    Region &region = op->getRegion(index);
    if (failed(n.importSubgraph(index == 0 ? *thenGraph : *elseGraph, region, {}))) {
      op->erase();
      return failure();
    }
    Block &taken = region.front();
    auto yield = cast<onnx::YieldOp>(taken.getTerminator());
    SmallVector<Value> values(yield.getValues());
    yield.erase();
    op->getBlock()->getOperations().splice(Block::iterator(op), taken.getOperations());
    op->erase();
    return values;
  }
  SmallVector<Body> bodies = {{0, thenGraph, {}}, {1, elseGraph, {}}};
  if (failed(importBodies(n, op, bodies)))
    return failure();
  return resultsOf(op);
}

//===----------------------------------------------------------------------===//
// Loop
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<Value>> importLoop(NodeImporter &n) {
  const ::onnx::GraphProto *body = graphAttr(n, "body");
  if (!body)
    return failure();
  // M and cond are optional; trailing ones may be left out.
  while (n.inputs.size() < 2)
    n.inputs.push_back(n.none());
  unsigned carried = n.inputs.size() - 2;
  if ((unsigned)body->input_size() != 2 + carried)
    return n.emitError() << "Loop body has " << body->input_size() << " inputs, expected 2 + "
                         << carried << " loop-carried",
           failure();
  if ((unsigned)body->output_size() < 1 + carried)
    return n.emitError() << "Loop body has " << body->output_size()
                         << " outputs, expected at least 1 + " << carried,
           failure();
  unsigned numResults = body->output_size() - 1;
  Operation *op = createRegionOp(n, "Loop", n.inputs, {}, numResults, 1);
  MLIRContext *ctx = n.builder.getContext();
  SmallVector<Type> argTypes = {RankedTensorType::get({}, IntegerType::get(ctx, 64)),
                                RankedTensorType::get({}, IntegerType::get(ctx, 1))};
  for (Value v : ArrayRef<Value>(n.inputs).drop_front(2))
    argTypes.push_back(v.getType());
  SmallVector<Body> bodies = {{0, body, argTypes}};
  if (failed(importBodies(n, op, bodies)))
    return failure();
  return resultsOf(op);
}

//===----------------------------------------------------------------------===//
// Scan
//===----------------------------------------------------------------------===//

/// `t` without dim `axis` (negative counts from the end); unranked and
/// out-of-range axes leave it to the op's inference to report.
Type dropDim(Type t, int64_t axis) {
  auto ranked = dyn_cast<RankedTensorType>(t);
  if (!ranked)
    return t;
  if (axis < 0)
    axis += ranked.getRank();
  if (axis < 0 || axis >= ranked.getRank())
    return t;
  SmallVector<int64_t> shape(ranked.getShape());
  shape.erase(shape.begin() + axis);
  return RankedTensorType::get(shape, ranked.getElementType());
}

/// Scan-9+: operands are the states then the scan inputs.
FailureOr<SmallVector<Value>> importScan(NodeImporter &n) {
  const ::onnx::GraphProto *body = graphAttr(n, "body");
  if (!body)
    return failure();
  std::optional<int64_t> numScanInputs = n.intAttr("num_scan_inputs");
  if (!numScanInputs || *numScanInputs < 1 || *numScanInputs > (int64_t)n.inputs.size())
    return n.emitError() << "Scan needs num_scan_inputs in [1, " << n.inputs.size() << "]",
           failure();
  auto attrs = n.convertAttributes("onnx.Scan");
  if (failed(attrs))
    return failure();
  unsigned states = n.inputs.size() - *numScanInputs;
  if ((unsigned)body->output_size() < states)
    return n.emitError() << "Scan body has " << body->output_size()
                         << " outputs, expected at least " << states,
           failure();
  std::optional<SmallVector<int64_t>> axes = n.intsAttr("scan_input_axes");
  SmallVector<Type> argTypes;
  for (auto [i, v] : llvm::enumerate(n.inputs)) {
    if (i < states) {
      argTypes.push_back(v.getType());
      continue;
    }
    unsigned j = i - states;
    argTypes.push_back(dropDim(v.getType(), axes && j < axes->size() ? (*axes)[j] : 0));
  }
  Operation *op = createRegionOp(n, "Scan", n.inputs, *attrs, body->output_size(), 1);
  SmallVector<Body> bodies = {{0, body, argTypes}};
  if (failed(importBodies(n, op, bodies)))
    return failure();
  return resultsOf(op);
}

/// Scan-8: (sequence_lens, states [B, ...], scan inputs [B, T, ...]) with
/// `directions`. Becomes an outer Scan over the batch (every operand a scan
/// input along axis 0, every output a scan output along axis 0) around the
/// Scan-9+ form over the sequence.
FailureOr<SmallVector<Value>> importScan8(NodeImporter &n) {
  const ::onnx::GraphProto *body = graphAttr(n, "body");
  if (!body)
    return failure();
  std::optional<int64_t> numScanInputs = n.intAttr("num_scan_inputs");
  if (n.inputs.empty() || !numScanInputs || *numScanInputs < 1 ||
      *numScanInputs > (int64_t)n.inputs.size() - 1)
    return n.emitError() << "Scan needs num_scan_inputs in [1, " << n.inputs.size() - 1
                         << "]",
           failure();
  ArrayRef<Value> operands = ArrayRef<Value>(n.inputs).drop_front();
  unsigned states = operands.size() - *numScanInputs;
  if ((unsigned)body->output_size() < states)
    return n.emitError() << "Scan body has " << body->output_size()
                         << " outputs, expected at least " << states,
           failure();
  // sequence_lens: only the full length of every batch entry is supported.
  if (!onnx::isNone(n.inputs[0])) {
    auto lens = onnx::getConstantInts(n.inputs[0]);
    auto first = onnx::getRanked(operands[states]);
    bool full = lens && first && first.getRank() >= 2 && !first.isDynamicDim(1) &&
                llvm::all_of(*lens, [&](int64_t l) { return l == first.getDimSize(1); });
    if (!full)
      return n.emitError() << "Scan-8 with sequence_lens shorter than the sequence is not "
                              "supported",
             failure();
  }
  Builder &b = n.builder;
  SmallVector<NamedAttribute> innerAttrs = {
      b.getNamedAttr("num_scan_inputs", b.getI64IntegerAttr(*numScanInputs))};
  if (auto directions = n.intsAttr("directions"))
    innerAttrs.push_back(
        b.getNamedAttr("scan_input_directions", b.getDenseI64ArrayAttr(*directions)));
  unsigned numResults = body->output_size();
  Operation *outer = createRegionOp(
      n, "Scan", operands,
      {b.getNamedAttr("num_scan_inputs", b.getI64IntegerAttr(operands.size()))}, numResults, 1);
  Block *batchBody = new Block();
  outer->getRegion(0).push_back(batchBody);
  SmallVector<Type> argTypes;
  for (auto [i, v] : llvm::enumerate(operands)) {
    Type perBatch = dropDim(v.getType(), 0);
    batchBody->addArgument(perBatch, n.loc);
    argTypes.push_back(i < states ? perBatch : dropDim(perBatch, 0));
  }
  {
    OpBuilder::InsertionGuard guard(n.builder);
    n.builder.setInsertionPointToStart(batchBody);
    Operation *inner = createRegionOp(n, "Scan", batchBody->getArguments(), innerAttrs,
                                      numResults, 1);
    SmallVector<Body> bodies = {{0, body, argTypes}};
    if (failed(importBodies(n, inner, bodies)))
      return failure();
    onnx::YieldOp::create(n.builder, n.loc, inner->getResults());
  }
  if (failed(cast<onnx::InferShapesOpInterface>(outer).inferShapes()))
    return failure();
  return resultsOf(outer);
}

} // namespace

void registerControlFlowOps(OpRegistry &r) {
  r.add("If", 1, -1, 0, importIf);
  r.add("Loop", 1, -1, 0, importLoop);
  r.add("Scan", 8, -1, 0, importScan8);
  r.add("Scan", 9, -1, 0, importScan);
}

} // namespace steed
