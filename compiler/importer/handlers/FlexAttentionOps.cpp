//===- FlexAttentionOps.cpp - Import of FlexAttention (ai.onnx.preview) ---===//
//
// FlexAttention-1 is expanded at import time following its ONNX function
// body:
//   K/V heads repeated for GQA (each KV head serves a contiguous group of
//   query heads); scores = (Q * sqrt(scale)) @ (K * sqrt(scale))^T, scale
//   defaulting to 1/sqrt(head_size); scores cast to the softmax precision
//   (f32 for f16/bf16, else the input type); score_mod and mask_mod (graph
//   attributes, one input: the scores) inlined; Softmax on the last axis;
//   prob_mod inlined; Y = probs @ V (V cast to the softmax precision), cast
//   back to the input type.
// The customization subgraphs are imported node by node through the op
// registry, with the model's default-domain opset; they may only refer to
// their own input, initializers and nodes.
//
#include "compiler/importer/handlers/Expander.h"
#include "dialects/onnx/ONNXOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include <cmath>

using namespace mlir;

namespace steed {
namespace {

/// The model's opset for `domain` ("" only: the module records it).
int64_t defaultOpset(NodeImporter &n) {
  Operation *parent = n.builder.getInsertionBlock()->getParentOp();
  auto module = isa<ModuleOp>(parent) ? cast<ModuleOp>(parent) : parent->getParentOfType<ModuleOp>();
  if (module)
    if (auto a = module->getAttrOfType<IntegerAttr>("onnx.opset"))
      return a.getInt();
  return n.opset;
}

/// Inlines the single-input, single-output graph attribute `name` applied
/// to `input`.
FailureOr<Value> inlineGraph(NodeImporter &n, StringRef name, Value input) {
  const ::onnx::AttributeProto *a = n.attr(name);
  if (!a)
    return input;
  if (a->type() != ::onnx::AttributeProto::GRAPH || !a->has_g())
    return n.emitError() << "FlexAttention: attribute '" << name << "' must be a graph",
           failure();
  const ::onnx::GraphProto &g = a->g();
  if (g.output_size() != 1)
    return n.emitError() << "FlexAttention: " << name << " must have one output", failure();
  llvm::StringMap<Value> values;
  for (const auto &init : g.initializer()) {
    auto attr = convertTensor(init, n.builder.getContext(), "", n.loc);
    if (failed(attr))
      return failure();
    values[init.name()] = onnx::ConstantOp::create(n.builder, n.loc, *attr);
  }
  int bound = 0;
  for (const auto &in : g.input()) {
    if (values.count(in.name()))
      continue;
    if (bound++)
      return n.emitError() << "FlexAttention: " << name << " must have one input", failure();
    values[in.name()] = input;
  }
  int64_t opset = defaultOpset(n);
  for (const auto &node : g.node()) {
    if (!node.domain().empty() && node.domain() != "ai.onnx")
      return n.emitError() << "FlexAttention: " << name << " uses domain '" << node.domain()
                           << "', which is not supported",
             failure();
    int minSince = 0;
    const OpEntry *entry = OpRegistry::get().lookup("", node.op_type(), opset, &minSince);
    if (!entry)
      return n.emitError() << "FlexAttention: " << name << " uses operator " << node.op_type()
                           << ", which is not supported at opset " << opset,
             failure();
    SmallVector<Value> inputs;
    for (const std::string &in : node.input()) {
      if (in.empty()) {
        inputs.push_back(n.none());
        continue;
      }
      auto it = values.find(in);
      if (it == values.end())
        return n.emitError() << "FlexAttention: " << name << " input '" << in
                             << "' is not produced inside the subgraph",
               failure();
      inputs.push_back(it->second);
    }
    NodeImporter inner(n.builder, n.loc, node, opset, std::move(inputs), *entry);
    auto results = entry->handler ? entry->handler(inner) : inner.importGeneric();
    if (failed(results))
      return failure();
    if ((size_t)node.output_size() > results->size())
      return n.emitError() << "FlexAttention: " << name << ": " << node.op_type()
                           << " output #" << results->size() << " is not supported",
             failure();
    for (int i = 0; i < node.output_size(); ++i)
      if (!node.output(i).empty())
        values[node.output(i)] = (*results)[i];
  }
  auto it = values.find(g.output(0).name());
  if (it == values.end())
    return n.emitError() << "FlexAttention: " << name << " output '" << g.output(0).name()
                         << "' is never produced",
           failure();
  return it->second;
}

FailureOr<SmallVector<Value>> importFlexAttention(NodeImporter &n) {
  Expander e(n);
  Value q = n.input(0), k = n.input(1), v = n.input(2);
  auto qt = onnx::getRanked(q), kt = onnx::getRanked(k), vt = onnx::getRanked(v);
  if (!qt || !kt || !vt || !qt.hasStaticShape() || !kt.hasStaticShape() ||
      !vt.hasStaticShape() || qt.getRank() != 4 || kt.getRank() != 4 || vt.getRank() != 4)
    return n.emitError() << "FlexAttention: Q, K and V must be 4-D with static shapes", failure();
  Type et = qt.getElementType();
  if (!isa<FloatType>(et) || kt.getElementType() != et || vt.getElementType() != et)
    return n.emitError() << "FlexAttention: Q, K and V must have the same float type", failure();
  for (const auto &a : n.node.attribute())
    if (a.name() != "scale" && a.name() != "score_mod" && a.name() != "mask_mod" &&
        a.name() != "prob_mod")
      return n.emitError() << "FlexAttention: attribute '" << a.name() << "' is not supported",
             failure();
  int64_t B = qt.getDimSize(0), Hq = qt.getDimSize(1), D = qt.getDimSize(3);
  int64_t Hkv = kt.getDimSize(1), S = kt.getDimSize(2), Dv = vt.getDimSize(3);
  if (Hkv <= 0 || Hq % Hkv || vt.getDimSize(1) != Hkv || kt.getDimSize(3) != D)
    return n.emitError() << "FlexAttention: K " << kt << " / V " << vt
                         << " do not match Q " << qt,
           failure();
  if (Hq != Hkv) {
    int64_t g = Hq / Hkv;
    auto repeat = [&](Value x, int64_t hd) {
      x = e.reshape(x, {B, Hkv, 1, S, hd});
      x = e.op("Expand", {x, e.i64({B, Hkv, g, S, hd})});
      return e.reshape(x, {B, Hq, S, hd});
    };
    k = repeat(k, D);
    v = repeat(v, Dv);
  }
  float scale = n.floatAttr("scale").value_or(1.0f / std::sqrt((float)D));
  Value sq = e.cast(e.scalar(n.builder.getF32Type(), std::sqrt(scale)), et);
  Value scores = e.matmul(e.mul(q, sq), e.transpose(e.mul(k, sq), {0, 1, 3, 2}));
  Type softmaxType = et.isF16() || et.isBF16() ? Type(n.builder.getF32Type()) : et;
  scores = e.cast(scores, softmaxType);
  if (e.failed())
    return failure();
  for (StringRef mod : {"score_mod", "mask_mod"}) {
    auto s = inlineGraph(n, mod, scores);
    if (failed(s))
      return failure();
    scores = *s;
  }
  Value probs = e.op("Softmax", {scores}, {e.intAttr("axis", -1)});
  if (e.failed())
    return failure();
  auto p = inlineGraph(n, "prob_mod", probs);
  if (failed(p))
    return failure();
  Value y = e.cast(e.matmul(*p, e.cast(v, Expander::elemType(*p))), et);
  if (e.failed())
    return failure();
  return SmallVector<Value>{y};
}

} // namespace

void registerFlexAttentionOps(OpRegistry &r) {
  r.add("ai.onnx.preview", "FlexAttention", 1, OpEntry{1, 3, 1, importFlexAttention});
}

} // namespace steed
