//===- RecurrentOps.cpp - Import of recurrent and stateful sequence ops ---===//
//
// RNN, GRU and LSTM (opset 7+), CausalConvWithState and LinearAttention
// (opset 27) are expanded at import time into basic onnx ops. Sequence
// lengths must be static: recurrences are unrolled, one group of MatMul /
// Add / activation ops per time step.
//
//  * RNN/GRU/LSTM follow the ONNX equations (gate order z,r,h for GRU and
//    i,o,f,c for LSTM; biases Wb + Rb; peepholes Pi,Po,Pf; `clip` on the
//    pre-activations; `input_forget`; `linear_before_reset`; all three
//    directions; layout 0/1; activations with activation_alpha/beta taken
//    in order by the functions that use them). X*W^T is one MatMul over all
//    steps. A reverse direction walks t = T-1 .. 0. sequence_lens (a run-time
//    input) masks the steps t >= len[b]: the state is kept and Y is 0 there.
//  * CausalConvWithState: Concat(past_state or zeros, input) on the time
//    axis, a depthwise Conv (group = channels) with the bias, the optional
//    SiLU/Swish (computed in f32 for f16/bf16), present_state = the last
//    k-1 steps of the padded input.
//  * LinearAttention: the recurrence of the ONNX reference, in f32:
//    S *= exp(decay_t) (gated rules), v_t = beta_t (v_t - k_t S) (delta
//    rules), S += k_t^T v_t, o_t = scale q_t S (KV heads repeated for GQA).
//
#include "compiler/importer/handlers/Expander.h"
#include "llvm/ADT/StringExtras.h"
#include <cmath>

using namespace mlir;

namespace steed {
namespace {

//===----------------------------------------------------------------------===//
// RNN / GRU / LSTM
//===----------------------------------------------------------------------===//

enum class CellKind { RNN, GRU, LSTM };

struct Activation {
  std::string name; // lower case
  float alpha = 0, beta = 0;
};

Value applyActivation(Expander &e, const Activation &a, Value x) {
  Type t = Expander::elemType(x);
  const std::string &f = a.name;
  if (f == "relu")
    return e.op("Relu", {x});
  if (f == "tanh")
    return e.op("Tanh", {x});
  if (f == "sigmoid")
    return e.op("Sigmoid", {x});
  if (f == "softsign")
    return e.op("Softsign", {x});
  if (f == "softplus")
    return e.op("Softplus", {x});
  if (f == "leakyrelu")
    return e.op("LeakyRelu", {x}, {e.floatAttr("alpha", a.alpha)});
  if (f == "thresholdedrelu")
    return e.op("ThresholdedRelu", {x}, {e.floatAttr("alpha", a.alpha)});
  if (f == "elu")
    return e.op("Elu", {x}, {e.floatAttr("alpha", a.alpha)});
  if (f == "hardsigmoid")
    return e.op("HardSigmoid", {x}, {e.floatAttr("alpha", a.alpha), e.floatAttr("beta", a.beta)});
  if (f == "affine")
    return e.add(e.mul(x, e.scalar(t, a.alpha)), e.scalar(t, a.beta));
  if (f == "scaledtanh")
    return e.mul(e.op("Tanh", {e.mul(x, e.scalar(t, a.beta))}), e.scalar(t, a.alpha));
  e.n.emitError() << "activation function '" << a.name << "' is not supported";
  return e.fail();
}

/// Resolves `activations` / `activation_alpha` / `activation_beta` into
/// numDirs * perDir functions. Alphas and betas are consumed in order by the
/// functions that take them; absent ones get the ONNX operator defaults.
FailureOr<SmallVector<Activation>> resolveActivations(NodeImporter &n, ArrayRef<StringRef> defaults,
                                                      int64_t numDirs) {
  SmallVector<std::string> names;
  if (auto *a = n.attr("activations"))
    for (const auto &s : a->strings())
      names.push_back(llvm::StringRef(s).lower());
  size_t perDir = defaults.size();
  if (names.empty()) {
    for (int64_t d = 0; d < numDirs; ++d)
      for (StringRef s : defaults)
        names.push_back(s.lower());
  } else if (names.size() == perDir && numDirs == 2) {
    names.append(SmallVector<std::string>(names));
  }
  if (names.size() != perDir * numDirs)
    return n.emitError() << n.node.op_type() << ": expected " << perDir * numDirs
                         << " activations, got " << names.size(),
           failure();
  SmallVector<float> alphas, betas;
  if (auto *a = n.attr("activation_alpha"))
    alphas.assign(a->floats().begin(), a->floats().end());
  if (auto *a = n.attr("activation_beta"))
    betas.assign(a->floats().begin(), a->floats().end());
  size_t ai = 0, bi = 0;
  SmallVector<Activation> out;
  for (const std::string &name : names) {
    Activation act{name};
    float defAlpha = 0, defBeta = 0;
    bool usesAlpha = true, usesBeta = false;
    if (name == "leakyrelu")
      defAlpha = 0.01f;
    else if (name == "thresholdedrelu" || name == "elu")
      defAlpha = 1.0f;
    else if (name == "hardsigmoid")
      defAlpha = 0.2f, defBeta = 0.5f, usesBeta = true;
    else if (name == "affine" || name == "scaledtanh")
      defAlpha = 1.0f, defBeta = name == "affine" ? 0.0f : 1.0f, usesBeta = true;
    else
      usesAlpha = false;
    if (usesAlpha)
      act.alpha = ai < alphas.size() ? alphas[ai++] : defAlpha;
    if (usesBeta)
      act.beta = bi < betas.size() ? betas[bi++] : defBeta;
    out.push_back(act);
  }
  return out;
}

FailureOr<SmallVector<Value>> importRecurrent(NodeImporter &n, CellKind kind) {
  Expander e(n);
  StringRef opName = n.node.op_type();
  int64_t numGates = kind == CellKind::RNN ? 1 : kind == CellKind::GRU ? 3 : 4;
  SmallVector<StringRef> defaults;
  if (kind == CellKind::RNN)
    defaults = {"Tanh"};
  else if (kind == CellKind::GRU)
    defaults = {"Sigmoid", "Tanh"};
  else
    defaults = {"Sigmoid", "Tanh", "Tanh"};

  Value x = n.input(0), w = n.input(1), r = n.input(2);
  auto xt = onnx::getRanked(x), wt = onnx::getRanked(w), rt = onnx::getRanked(r);
  if (!xt || !wt || !rt || !xt.hasStaticShape() || !wt.hasStaticShape() || !rt.hasStaticShape() ||
      xt.getRank() != 3 || wt.getRank() != 3 || rt.getRank() != 3)
    return n.emitError() << opName << ": X, W and R must be 3-D with static shapes", failure();
  Type et = xt.getElementType();
  if (!isa<FloatType>(et))
    return n.emitError() << opName << ": X must be a float tensor", failure();
  int64_t layout = n.intAttr("layout").value_or(0);
  std::string direction = "forward";
  if (auto *a = n.attr("direction"))
    direction = a->s();
  int64_t numDirs = direction == "bidirectional" ? 2 : 1;
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
    return n.emitError() << opName << ": unknown direction '" << direction << "'", failure();
  int64_t hidden = n.intAttr("hidden_size").value_or(wt.getDimSize(1) / numGates);
  int64_t T = xt.getDimSize(layout ? 1 : 0), B = xt.getDimSize(layout ? 0 : 1);
  int64_t I = xt.getDimSize(2);
  if (wt.getDimSize(0) != numDirs || wt.getDimSize(1) != numGates * hidden ||
      wt.getDimSize(2) != I || rt.getDimSize(0) != numDirs ||
      rt.getDimSize(1) != numGates * hidden || rt.getDimSize(2) != hidden)
    return n.emitError() << opName << ": W " << wt << " / R " << rt
                         << " do not match X, hidden_size " << hidden << " and " << numDirs
                         << " direction(s)",
           failure();
  if (T <= 0)
    return n.emitError() << opName << ": an empty sequence is not supported", failure();
  auto acts = resolveActivations(n, defaults, numDirs);
  if (failed(acts))
    return failure();
  std::optional<float> clip = n.floatAttr("clip");
  bool linearBeforeReset = kind == CellKind::GRU && n.intAttr("linear_before_reset").value_or(0);
  bool inputForget = kind == CellKind::LSTM && n.intAttr("input_forget").value_or(0);

  // Batch-major layout -> [T, B, I].
  if (layout)
    x = e.transpose(x, {1, 0, 2});
  // Initial states [D, B, H] (layout 1: [B, D, H]).
  auto initialState = [&](unsigned idx) -> Value {
    if (!e.present(idx))
      return {};
    Value s = n.input(idx);
    return layout ? e.transpose(s, {1, 0, 2}) : s;
  };
  Value initH = initialState(5);
  Value initC = kind == CellKind::LSTM ? initialState(6) : Value();
  // sequence_lens: mask[t] = t < len, [B, 1].
  Value lens;
  if (e.present(4))
    lens = e.unsqueeze(e.cast(n.input(4), n.builder.getI64Type()), {1});

  auto clipped = [&](Value v) {
    if (!clip)
      return v;
    return e.op("Clip", {v, e.scalar(et, -*clip), e.scalar(et, *clip)});
  };
  auto perDirSlice = [&](Value v, int64_t d) { return e.squeeze(e.slice(v, 0, d, d + 1), {0}); };
  Value zerosBH = e.floats(et, {B, hidden}, {0.0});
  Value one = e.scalar(et, 1.0);

  SmallVector<Value> ys, hs, cs;
  int64_t G = numGates, H = hidden;
  for (int64_t d = 0; d < numDirs; ++d) {
    bool reverse = direction == "reverse" || d == 1;
    const Activation *fa = &(*acts)[d * defaults.size()];
    Value wT = e.transpose(perDirSlice(w, d), {1, 0}); // [I, G*H]
    Value rT = e.transpose(perDirSlice(r, d), {1, 0}); // [H, G*H]
    Value xw = e.matmul(x, wT);                        // [T, B, G*H]
    Value wb, rb;
    if (e.present(3)) {
      Value bias = perDirSlice(n.input(3), d); // [2*G*H]
      wb = e.slice(bias, 0, 0, G * H);
      rb = e.slice(bias, 0, G * H, 2 * G * H);
      // GRU keeps Rb apart: the h gate's Rb sits inside r * (...).
      xw = e.add(xw, kind == CellKind::GRU ? wb : e.add(wb, rb));
    }
    Value p;
    if (kind == CellKind::LSTM && e.present(7))
      p = perDirSlice(n.input(7), d); // [3H]: Pi, Po, Pf
    Value h = initH ? perDirSlice(initH, d) : zerosBH;
    Value c = kind == CellKind::LSTM ? (initC ? perDirSlice(initC, d) : zerosBH) : Value();

    SmallVector<Value> steps(T);
    for (int64_t s = 0; s < T; ++s) {
      int64_t t = reverse ? T - 1 - s : s;
      Value xt = e.op("Gather", {xw, e.i64Scalar(t)}, {e.intAttr("axis", 0)}); // [B, G*H]
      Value hNew, cNew;
      if (kind == CellKind::RNN) {
        hNew = applyActivation(e, fa[0], clipped(e.add(xt, e.matmul(h, rT))));
      } else if (kind == CellKind::GRU) {
        Value rzrT = e.slice(rT, 1, 0, 2 * H);
        Value hzr = e.matmul(h, rzrT);
        if (rb)
          hzr = e.add(hzr, e.slice(rb, 0, 0, 2 * H));
        Value zr = applyActivation(e, fa[0], clipped(e.add(e.slice(xt, 1, 0, 2 * H), hzr)));
        Value z = e.slice(zr, 1, 0, H), rg = e.slice(zr, 1, H, 2 * H);
        Value rhT = e.slice(rT, 1, 2 * H, 3 * H);
        Value rbh = rb ? e.slice(rb, 0, 2 * H, 3 * H) : Value();
        Value inner;
        if (linearBeforeReset) {
          Value hh = e.matmul(h, rhT);
          if (rbh)
            hh = e.add(hh, rbh);
          inner = e.mul(rg, hh);
        } else {
          inner = e.matmul(e.mul(rg, h), rhT);
          if (rbh)
            inner = e.add(inner, rbh);
        }
        Value ht = applyActivation(e, fa[1], clipped(e.add(e.slice(xt, 1, 2 * H, 3 * H), inner)));
        hNew = e.add(e.mul(e.sub(one, z), ht), e.mul(z, h));
      } else {
        Value gates = e.add(xt, e.matmul(h, rT)); // [B, 4H]: i, o, f, c
        Value iPre = e.slice(gates, 1, 0, H), oPre = e.slice(gates, 1, H, 2 * H);
        Value fPre = e.slice(gates, 1, 2 * H, 3 * H), cPre = e.slice(gates, 1, 3 * H, 4 * H);
        if (p) {
          iPre = e.add(iPre, e.mul(e.slice(p, 0, 0, H), c));
          fPre = e.add(fPre, e.mul(e.slice(p, 0, 2 * H, 3 * H), c));
        }
        Value ig = applyActivation(e, fa[0], clipped(iPre));
        Value fg = inputForget ? e.sub(one, ig) : applyActivation(e, fa[0], clipped(fPre));
        Value cg = applyActivation(e, fa[1], clipped(cPre));
        cNew = e.add(e.mul(fg, c), e.mul(ig, cg));
        if (p)
          oPre = e.add(oPre, e.mul(e.slice(p, 0, H, 2 * H), cNew));
        Value og = applyActivation(e, fa[0], clipped(oPre));
        hNew = e.mul(og, applyActivation(e, fa[2], cNew));
      }
      Value y = hNew;
      if (lens) {
        Value mask = e.op("Less", {e.i64Scalar(t), lens}); // [B, 1]
        h = e.op("Where", {mask, hNew, h});
        if (cNew)
          c = e.op("Where", {mask, cNew, c});
        y = e.op("Where", {mask, hNew, zerosBH});
      } else {
        h = hNew;
        c = cNew;
      }
      steps[t] = e.unsqueeze(y, {0, 1}); // [1, 1, B, H]
    }
    ys.push_back(e.concat(steps, 0)); // [T, 1, B, H]
    hs.push_back(e.unsqueeze(h, {0}));
    if (c)
      cs.push_back(e.unsqueeze(c, {0}));
  }
  Value y = e.concat(ys, 1);  // [T, D, B, H]
  Value yh = e.concat(hs, 0); // [D, B, H]
  Value yc = cs.empty() ? Value() : e.concat(cs, 0);
  if (layout) {
    y = e.transpose(y, {2, 0, 1, 3});
    yh = e.transpose(yh, {1, 0, 2});
    if (yc)
      yc = e.transpose(yc, {1, 0, 2});
  }
  if (e.failed())
    return failure();
  SmallVector<Value> results = {y, yh};
  if (kind == CellKind::LSTM)
    results.push_back(yc);
  return results;
}

//===----------------------------------------------------------------------===//
// CausalConvWithState
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<Value>> importCausalConvWithState(NodeImporter &n) {
  Expander e(n);
  Value x = n.input(0), w = n.input(1);
  auto xt = onnx::getRanked(x), wt = onnx::getRanked(w);
  if (!xt || !wt || !xt.hasStaticShape() || !wt.hasStaticShape() || xt.getRank() != 3 ||
      wt.getRank() != 3)
    return n.emitError() << "CausalConvWithState: input and weight must be 3-D with static shapes",
           failure();
  Type et = xt.getElementType();
  if (!isa<FloatType>(et))
    return n.emitError() << "CausalConvWithState: input must be a float tensor", failure();
  int64_t B = xt.getDimSize(0), C = xt.getDimSize(1), L = xt.getDimSize(2);
  int64_t K = wt.getDimSize(2);
  if (wt.getDimSize(0) != C || wt.getDimSize(1) != 1 || K < 1)
    return n.emitError() << "CausalConvWithState: weight " << wt << " must be (" << C
                         << ", 1, k) for input " << xt,
           failure();
  std::string activation = "none";
  if (auto *a = n.attr("activation"))
    activation = a->s();
  if (activation != "none" && activation != "silu" && activation != "swish")
    return n.emitError() << "CausalConvWithState: unknown activation '" << activation << "'",
           failure();

  Value padded = x;
  if (K > 1) {
    Value past = e.present(3) ? n.input(3) : e.floats(et, {B, C, K - 1}, {0.0});
    padded = e.concat({past, x}, 2);
  }
  Value y = e.op("Conv", {padded, w, n.input(2)},
                 {e.intAttr("group", C), e.intsAttr("kernel_shape", {K})});
  if (activation != "none") {
    Value yf = e.cast(y, n.builder.getF32Type());
    y = e.cast(e.mul(yf, e.op("Sigmoid", {yf})), et);
  }
  Value present = e.slice(padded, 2, L, L + K - 1);
  if (e.failed())
    return failure();
  return SmallVector<Value>{y, present};
}

//===----------------------------------------------------------------------===//
// LinearAttention
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<Value>> importLinearAttention(NodeImporter &n) {
  Expander e(n);
  auto qt = onnx::getRanked(n.input(0)), kt = onnx::getRanked(n.input(1)),
       vt = onnx::getRanked(n.input(2));
  if (!qt || !kt || !vt || !qt.hasStaticShape() || !kt.hasStaticShape() || !vt.hasStaticShape() ||
      qt.getRank() != 3 || kt.getRank() != 3 || vt.getRank() != 3)
    return n.emitError() << "LinearAttention: query, key and value must be 3-D with static shapes",
           failure();
  Type et = qt.getElementType();
  if (!isa<FloatType>(et))
    return n.emitError() << "LinearAttention: query must be a float tensor", failure();
  std::string rule = "gated_delta";
  if (auto *a = n.attr("update_rule"))
    rule = a->s();
  if (rule != "linear" && rule != "gated" && rule != "delta" && rule != "gated_delta")
    return n.emitError() << "LinearAttention: unknown update_rule '" << rule << "'", failure();
  bool gating = rule == "gated" || rule == "gated_delta";
  bool delta = rule == "delta" || rule == "gated_delta";
  auto qh = n.intAttr("q_num_heads"), kvh = n.intAttr("kv_num_heads");
  if (!qh || !kvh || *qh <= 0 || *kvh <= 0 || *qh % *kvh)
    return n.emitError() << "LinearAttention: q_num_heads must be a positive multiple of "
                            "kv_num_heads (both required)",
           failure();
  int64_t Hq = *qh, Hkv = *kvh;
  int64_t B = qt.getDimSize(0), T = qt.getDimSize(1);
  if (qt.getDimSize(2) % Hq || vt.getDimSize(2) % Hkv)
    return n.emitError() << "LinearAttention: hidden sizes are not divisible by the head counts",
           failure();
  int64_t dk = qt.getDimSize(2) / Hq, dv = vt.getDimSize(2) / Hkv;
  if (kt.getDimSize(2) != Hkv * dk || kt.getDimSize(0) != B || kt.getDimSize(1) != T ||
      vt.getDimSize(0) != B || vt.getDimSize(1) != T)
    return n.emitError() << "LinearAttention: key " << kt << " / value " << vt
                         << " do not match query " << qt,
           failure();
  if (gating != e.present(4))
    return n.emitError() << "LinearAttention: update_rule '" << rule
                         << (gating ? "' requires" : "' forbids") << " decay",
           failure();
  if (delta != e.present(5))
    return n.emitError() << "LinearAttention: update_rule '" << rule
                         << (delta ? "' requires" : "' forbids") << " beta",
           failure();
  if (e.present(6))
    return n.emitError() << "LinearAttention: erase_gate is not supported", failure();
  if (T <= 0)
    return n.emitError() << "LinearAttention: an empty sequence is not supported", failure();

  Type f32 = n.builder.getF32Type();
  // (B, T, H*D) -> (B, H, T, D) in f32.
  auto to4d = [&](Value v, int64_t heads, int64_t d) {
    return e.transpose(e.reshape(e.cast(v, f32), {B, T, heads, d}), {0, 2, 1, 3});
  };
  Value q4 = to4d(n.input(0), Hq, dk), k4 = to4d(n.input(1), Hkv, dk),
        v4 = to4d(n.input(2), Hkv, dv);
  Value decay4, beta4;
  if (gating) {
    auto dt = onnx::getRanked(n.input(4));
    if (!dt || !dt.hasStaticShape() || dt.getRank() != 3 ||
        (dt.getDimSize(2) != Hkv && dt.getDimSize(2) != Hkv * dk))
      return n.emitError() << "LinearAttention: decay must be (B, T, kv_num_heads) or (B, T, "
                              "kv_num_heads * d_k)",
             failure();
    // (B, H_kv, T, d_k or 1)
    decay4 = to4d(n.input(4), Hkv, dt.getDimSize(2) / Hkv);
  }
  if (delta) {
    auto bt = onnx::getRanked(n.input(5));
    if (!bt || !bt.hasStaticShape() || bt.getRank() != 3 ||
        (bt.getDimSize(2) != Hkv && bt.getDimSize(2) != 1))
      return n.emitError() << "LinearAttention: beta must be (B, T, kv_num_heads) or (B, T, 1)",
             failure();
    beta4 = to4d(n.input(5), bt.getDimSize(2), 1); // (B, H_kv or 1, T, 1)
  }
  Type stateType = et;
  Value state;
  if (e.present(3)) {
    auto st = onnx::getRanked(n.input(3));
    if (!st || st.getShape() != ArrayRef<int64_t>{B, Hkv, dk, dv})
      return n.emitError() << "LinearAttention: past_state must be (" << B << ", " << Hkv << ", "
                           << dk << ", " << dv << ")",
             failure();
    stateType = st.getElementType();
    state = e.cast(n.input(3), f32);
  } else {
    state = e.floats(f32, {B, Hkv, dk, dv}, {0.0});
  }
  float scale = n.floatAttr("scale").value_or(0.0f);
  if (scale == 0.0f)
    scale = 1.0f / std::sqrt((float)dk);
  Value scaleV = e.scalar(f32, scale);
  int64_t group = Hq / Hkv;

  SmallVector<Value> outs;
  for (int64_t t = 0; t < T; ++t) {
    Value qt1 = e.slice(q4, 2, t, t + 1); // (B, Hq, 1, dk)
    Value kt1 = e.slice(k4, 2, t, t + 1); // (B, Hkv, 1, dk)
    Value vt1 = e.slice(v4, 2, t, t + 1); // (B, Hkv, 1, dv)
    if (gating) {
      // (B, Hkv, 1, dk or 1) -> (B, Hkv, dk or 1, 1), broadcast over d_v.
      Value g = e.transpose(e.slice(decay4, 2, t, t + 1), {0, 1, 3, 2});
      state = e.mul(state, e.op("Exp", {g}));
    }
    if (delta) {
      Value retrieved = e.matmul(kt1, state); // (B, Hkv, 1, dv)
      vt1 = e.mul(e.slice(beta4, 2, t, t + 1), e.sub(vt1, retrieved));
    }
    state = e.add(state, e.matmul(e.transpose(kt1, {0, 1, 3, 2}), vt1));
    Value read = state;
    if (group > 1) {
      read = e.reshape(state, {B, Hkv, 1, dk, dv});
      read = e.op("Expand", {read, e.i64({B, Hkv, group, dk, dv})});
      read = e.reshape(read, {B, Hq, dk, dv});
    }
    outs.push_back(e.mul(e.matmul(qt1, read), scaleV)); // (B, Hq, 1, dv)
  }
  Value out = e.concat(outs, 2);
  out = e.reshape(e.transpose(out, {0, 2, 1, 3}), {B, T, Hq * dv});
  out = e.cast(out, et);
  Value present = e.cast(state, stateType);
  if (e.failed())
    return failure();
  return SmallVector<Value>{out, present};
}

} // namespace

void registerRecurrentOps(OpRegistry &r) {
  auto rnn = [](NodeImporter &n) { return importRecurrent(n, CellKind::RNN); };
  auto gru = [](NodeImporter &n) { return importRecurrent(n, CellKind::GRU); };
  auto lstm = [](NodeImporter &n) { return importRecurrent(n, CellKind::LSTM); };
  r.add("RNN", 7, 6, 2, rnn);
  r.add("GRU", 7, 6, 2, gru);
  r.add("LSTM", 7, 8, 3, lstm);
  r.add("CausalConvWithState", 27, 4, 2, importCausalConvWithState);
  r.add("LinearAttention", 27, 7, 2, importLinearAttention);
}

} // namespace steed
