//===- AttentionOps.cpp - Import of ONNX Attention (opset 23/24) ----------===//
//
// Attention is expanded at import time into basic onnx ops, following the
// ONNX function body:
//   3-D Q/K/V [B, S, H*D] -> [B, H, S, D] (q_num_heads / kv_num_heads);
//   past_key/past_value concatenated on the sequence axis (present_*);
//   GQA: each K/V head repeated H_q / H_kv times (consecutively);
//   scores = (Q K^T) * scale (default 1/sqrt(D)), softcap * tanh(scores /
//   softcap), + bias (attn_mask: bool -> 0/-inf, float added; causal: -inf
//   where col > row + past length), Softmax on the last axis (rows whose
//   bias is all -inf give zeros), @ V; 3-D output back to [B, S, H*Dv].
//   The optional 4th output is the scores at the stage chosen by
//   qk_matmul_output_mode (0: QK, 1: softcap, 2: + bias, 3: softmax).
// Shapes must be static; f16/bf16 are computed in f32 (which meets any
// softmax_precision). nonpad_kv_seqlen (opset 24, [B]) masks the key
// positions >= nonpad_kv_seqlen[b] and moves the causal diagonal to
// nonpad_kv_seqlen[b] - S (as the function body does, past length ignored);
// both masks are built at run time from it.
//
#include "compiler/importer/OpRegistry.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include <cmath>
#include <limits>

using namespace mlir;

namespace steed {
namespace {

NamedAttribute permAttr(NodeImporter &n, ArrayRef<int64_t> perm) {
  return n.builder.getNamedAttr("perm", n.builder.getDenseI64ArrayAttr(perm));
}
NamedAttribute axisAttr(NodeImporter &n, int64_t axis) {
  return n.builder.getNamedAttr("axis", n.builder.getI64IntegerAttr(axis));
}

bool present(NodeImporter &n, unsigned i) {
  Value v = n.input(i);
  return v && !isa<NoneType>(v.getType());
}

#define TRY(var, expr)                                                         \
  FailureOr<Value> var##OrErr = (expr);                                        \
  if (failed(var##OrErr))                                                      \
    return failure();                                                          \
  Value var = *var##OrErr;

FailureOr<SmallVector<Value>> importAttention(NodeImporter &n) {
  Value q = n.input(0), k = n.input(1), v = n.input(2);
  auto qt = onnx::getRanked(q), kt = onnx::getRanked(k), vt = onnx::getRanked(v);
  if (!qt || !kt || !vt || !qt.hasStaticShape() || !kt.hasStaticShape() ||
      !vt.hasStaticShape())
    return n.emitError() << "Attention: Q, K and V need static shapes", failure();
  // f16/bf16 inputs are computed in f32 and the outputs cast back.
  Type elemType = qt.getElementType();
  auto isFloat = [](Type t) { return t.isF32() || t.isF16() || t.isBF16(); };
  if (!isFloat(elemType) || kt.getElementType() != elemType ||
      vt.getElementType() != elemType)
    return n.emitError() << "Attention: Q/K/V must all be f32, f16 or bf16", failure();
  auto toF32 = [&](Value x) -> FailureOr<Value> {
    auto t = onnx::getRanked(x);
    if (!t || t.getElementType().isF32() || !isFloat(t.getElementType()))
      return x;
    return n.createOne("Cast", {x}, {n.builder.getNamedAttr("to", TypeAttr::get(n.builder.getF32Type()))});
  };
  auto fromF32 = [&](Value x) -> FailureOr<Value> {
    if (elemType.isF32())
      return x;
    return n.createOne("Cast", {x}, {n.builder.getNamedAttr("to", TypeAttr::get(elemType))});
  };
  SmallVector<Value> ins;
  for (unsigned i = 0; i < 6; ++i) {
    if (!present(n, i)) {
      ins.push_back(n.input(i));
      continue;
    }
    auto c = toF32(n.input(i));
    if (failed(c))
      return failure();
    ins.push_back(*c);
  }
  q = ins[0];
  k = ins[1];
  v = ins[2];
  bool hasNonpad = present(n, 6);
  Value nonpad = hasNonpad ? n.input(6) : Value();
  if (hasNonpad) {
    auto nt = onnx::getRanked(nonpad);
    if (!nt || nt.getRank() != 1 || !nt.getElementType().isInteger(64))
      return n.emitError() << "Attention: nonpad_kv_seqlen must be a 1-D int64 tensor",
             failure();
  }
  int64_t rank = qt.getRank();
  if ((rank != 3 && rank != 4) || kt.getRank() != rank || vt.getRank() != rank)
    return n.emitError() << "Attention: Q, K, V must all be 3-D or all 4-D", failure();
  unsigned numOutputs = n.node.output_size();
  int64_t B = qt.getDimSize(0);
  int64_t qHeads, kvHeads, S, L, D, Dv;
  if (rank == 3) {
    auto qh = n.intAttr("q_num_heads"), kvh = n.intAttr("kv_num_heads");
    if (!qh || !kvh || *qh <= 0 || *kvh <= 0)
      return n.emitError() << "Attention: 3-D inputs need q_num_heads and kv_num_heads",
             failure();
    qHeads = *qh;
    kvHeads = *kvh;
    S = qt.getDimSize(1);
    L = kt.getDimSize(1);
    if (qt.getDimSize(2) % qHeads || kt.getDimSize(2) % kvHeads ||
        vt.getDimSize(2) % kvHeads)
      return n.emitError() << "Attention: hidden sizes are not divisible by the head counts",
             failure();
    D = qt.getDimSize(2) / qHeads;
    Dv = vt.getDimSize(2) / kvHeads;
    auto to4d = [&](Value x, int64_t seq, int64_t heads, int64_t hd) -> FailureOr<Value> {
      auto r = n.createOne("Reshape", {x, n.constI64({B, seq, heads, hd})});
      if (failed(r))
        return failure();
      return n.createOne("Transpose", {*r}, {permAttr(n, {0, 2, 1, 3})});
    };
    TRY(q4, to4d(q, S, qHeads, D));
    TRY(k4, to4d(k, L, kvHeads, D));
    TRY(v4, to4d(v, L, kvHeads, Dv));
    q = q4;
    k = k4;
    v = v4;
  } else {
    qHeads = qt.getDimSize(1);
    kvHeads = kt.getDimSize(1);
    S = qt.getDimSize(2);
    L = kt.getDimSize(2);
    D = qt.getDimSize(3);
    Dv = vt.getDimSize(3);
  }
  if (kvHeads <= 0 || qHeads % kvHeads)
    return n.emitError() << "Attention: q heads (" << qHeads
                         << ") must be a multiple of kv heads (" << kvHeads << ")",
           failure();

  // Past key/value.
  int64_t past = 0;
  bool hasPast = present(n, 4) || present(n, 5);
  if (hasPast) {
    if (!present(n, 4) || !present(n, 5))
      return n.emitError() << "Attention: past_key and past_value must both be given",
             failure();
    auto pt = onnx::getRanked(ins[4]);
    if (!pt || pt.getRank() != 4 || !pt.hasStaticShape())
      return n.emitError() << "Attention: past_key must be a static 4-D tensor", failure();
    past = pt.getDimSize(2);
    TRY(pk, n.createOne("Concat", {ins[4], k}, {axisAttr(n, 2)}));
    TRY(pv, n.createOne("Concat", {ins[5], v}, {axisAttr(n, 2)}));
    k = pk;
    v = pv;
  }
  Value presentK = k, presentV = v;
  int64_t total = past + L;

  // GQA: repeat each kv head.
  if (qHeads != kvHeads) {
    int64_t g = qHeads / kvHeads;
    auto repeat = [&](Value x, int64_t hd) -> FailureOr<Value> {
      auto r = n.createOne("Reshape", {x, n.constI64({B, kvHeads, 1, total, hd})});
      if (failed(r))
        return failure();
      r = n.createOne("Expand", {*r, n.constI64({B, kvHeads, g, total, hd})});
      if (failed(r))
        return failure();
      return n.createOne("Reshape", {*r, n.constI64({B, qHeads, total, hd})});
    };
    TRY(kr, repeat(k, D));
    TRY(vr, repeat(v, Dv));
    k = kr;
    v = vr;
  }

  float scale = n.floatAttr("scale").value_or(1.0f / std::sqrt((float)D));
  // Scale both sides by sqrt(scale), as the ONNX function body does.
  float sq = std::sqrt(scale);
  TRY(kT, n.createOne("Transpose", {k}, {permAttr(n, {0, 1, 3, 2})}));
  TRY(qs, n.createOne("Mul", {q, n.constF32(sq)}));
  TRY(ks, n.createOne("Mul", {kT, n.constF32(sq)}));
  TRY(qk, n.createOne("MatMul", {qs, ks}));
  Value scores = qk;
  int64_t mode = n.intAttr("qk_matmul_output_mode").value_or(0);
  if (mode < 0 || mode > 3)
    return n.emitError() << "Attention: qk_matmul_output_mode " << mode << " is not supported",
           failure();
  Value qkOut = scores;

  // Softcap comes before the bias, as in the ONNX function body.
  if (auto softcap = n.floatAttr("softcap"); softcap && *softcap > 0.0f) {
    TRY(d, n.createOne("Div", {scores, n.constF32(*softcap)}));
    TRY(t, n.createOne("Tanh", {d}));
    TRY(m, n.createOne("Mul", {t, n.constF32(*softcap)}));
    scores = m;
  }
  if (mode == 1)
    qkOut = scores;

  // Bias: attn_mask (bool -> 0/-inf) plus the causal mask.
  float negInf = -std::numeric_limits<float>::infinity();
  Value bias;
  bool hasMask = present(n, 3);
  if (hasMask) {
    Value mask = ins[3];
    auto mt = onnx::getRanked(mask);
    if (!mt)
      return n.emitError() << "Attention: attn_mask needs a known rank", failure();
    if (mt.getElementType().isInteger(1)) {
      TRY(fm, n.createOne("Where", {mask, n.constF32(0.0f), n.constF32(negInf)}));
      mask = fm;
    } else if (!mt.getElementType().isF32()) {
      return n.emitError() << "Attention: attn_mask must be bool or f32", failure();
    }
    int64_t mlen = mt.getRank() >= 1 ? mt.getDimSize(mt.getRank() - 1) : ShapedType::kDynamic;
    if (mt.getRank() >= 1 && mlen != ShapedType::kDynamic && mlen < total) {
      // A mask shorter than the total sequence is padded with -inf (as the
      // function body does).
      SmallVector<int64_t> pads(2 * mt.getRank(), 0);
      pads.back() = total - mlen;
      TRY(pm, n.createOne("Pad", {mask, n.constI64(pads), n.constF32(negInf), n.none()}));
      mask = pm;
    } else if (mlen != ShapedType::kDynamic && mlen != total) {
      return n.emitError() << "Attention: attn_mask with last dimension " << mlen
                           << " > total sequence length " << total << " is not supported",
             failure();
    }
    bias = mask;
  }
  auto addBias = [&](Value m) -> LogicalResult {
    if (!bias) {
      bias = m;
      return success();
    }
    auto r = n.createOne("Add", {bias, m});
    if (failed(r))
      return failure();
    bias = *r;
    return success();
  };
  bool causal = n.intAttr("is_causal").value_or(0);
  if (causal && !hasNonpad) {
    SmallVector<float> vals(S * total);
    for (int64_t i = 0; i < S; ++i)
      for (int64_t j = 0; j < total; ++j)
        vals[i * total + j] = (i + past < j) ? negInf : 0.0f;
    auto type = RankedTensorType::get({S, total}, n.builder.getF32Type());
    auto attr = DenseElementsAttr::get(type, ArrayRef<float>(vals));
    TRY(cm, n.createOne("Constant", {}, {n.builder.getNamedAttr("value", attr)}));
    if (failed(addBias(cm)))
      return failure();
  }
  if (hasNonpad) {
    // cols[j] = j; per batch: -inf where j >= nonpad[b] (padding), and
    // (causal) where i + nonpad[b] - S < j.
    SmallVector<int64_t> colVals(total), rowVals(S);
    for (int64_t j = 0; j < total; ++j)
      colVals[j] = j;
    for (int64_t i = 0; i < S; ++i)
      rowVals[i] = i;
    Value cols = n.constI64(colVals);
    TRY(np4, n.createOne("Reshape", {nonpad, n.constI64({B, 1, 1, 1})}));
    TRY(keep, n.createOne("Less", {cols, np4}));
    TRY(padMask, n.createOne("Where", {keep, n.constF32(0.0f), n.constF32(negInf)}));
    if (causal) {
      TRY(rows, n.createOne("Reshape", {n.constI64(rowVals), n.constI64({S, 1})}));
      TRY(offset, n.createOne("Sub", {np4, n.constI64({S})}));
      TRY(rowPlus, n.createOne("Add", {rows, offset}));
      TRY(tri, n.createOne("Less", {rowPlus, cols}));
      TRY(triMask, n.createOne("Where", {tri, n.constF32(negInf), n.constF32(0.0f)}));
      if (failed(addBias(triMask)))
        return failure();
    }
    if (failed(addBias(padMask)))
      return failure();
  }
  if (bias) {
    TRY(sb, n.createOne("Add", {scores, bias}));
    scores = sb;
  }
  if (mode == 2)
    qkOut = scores;
  TRY(probs, n.createOne("Softmax", {scores}, {axisAttr(n, -1)}));
  if (hasMask || hasNonpad) {
    // Rows whose bias is -inf everywhere get zero weights, not NaN.
    TRY(rowMax, n.createOne("ReduceMax", {bias, n.constI64({-1})},
                        {n.builder.getNamedAttr("keepdims", n.builder.getI64IntegerAttr(1))}));
    TRY(allMasked, n.createOne("Equal", {rowMax, n.constF32(negInf)}));
    TRY(safe, n.createOne("Where", {allMasked, n.constF32(0.0f), probs}));
    probs = safe;
  }
  if (mode == 3)
    qkOut = probs;
  TRY(out, n.createOne("MatMul", {probs, v}));
  if (rank == 3) {
    TRY(t, n.createOne("Transpose", {out}, {permAttr(n, {0, 2, 1, 3})}));
    TRY(r, n.createOne("Reshape", {t, n.constI64({B, S, qHeads * Dv})}));
    out = r;
  }
  SmallVector<Value> results;
  for (Value r : {out, presentK, presentV, qkOut}) {
    if (results.size() >= numOutputs)
      break;
    auto c = fromF32(r);
    if (failed(c))
      return failure();
    results.push_back(*c);
  }
  return results;
}

} // namespace

void registerAttentionOps(OpRegistry &r) {
  r.add("Attention", 23, 7, 4, importAttention);
}

} // namespace steed
