//===- SignalOps.cpp - Import of DFT, STFT, MelWeightMatrix ---------------===//
//
// DFT (opset 17, and 20 where `axis` became an input) is expanded at import
// time into one MatMul with a constant DFT matrix: the signal axis is moved
// next to the trailing real/imaginary axis, the two are flattened into
// n_in * c values per row (c = 1 for a real signal, 2 for a complex one),
// and multiplied by a [n_in * c, n_out * c_out] matrix whose entries are
// cos/sin(2 pi k t / N) (an f64 constant; the product is computed in f64
// and cast back), which covers
// zero padding / truncation to dft_length N, `inverse` (1/N scaling,
// conjugate exponent) and `onesided` (forward: the first N/2+1 bins;
// inverse: a real signal of length N rebuilt from the N/2+1 bins of a
// Hermitian spectrum, as numpy's irfft). dft_length must be a constant; a
// run-time axis (opset 20) becomes an If chain over the possible axes. The
// matrix is a compile-time constant, so N is limited.
//
#include "compiler/importer/handlers/Expander.h"
#include "dialects/onnx/ONNXOps.h"
#include <functional>
#include <cmath>

using namespace mlir;

namespace steed {
namespace {

/// The sizes of one DFT along a constant axis.
struct DFTPlan {
  int64_t axis, nIn, N, nOut, cOut;
};

/// The plan of a DFT of `xt` along `axis` (normalized), or an error message.
FailureOr<DFTPlan> planDFT(RankedTensorType xt, int64_t axis, bool inverse, bool onesided,
                           std::optional<int64_t> dftLength, std::string &error) {
  llvm::raw_string_ostream os(error);
  int64_t rank = xt.getRank(), c = xt.getDimSize(rank - 1);
  if (axis < 0 || axis >= rank - 1)
    return os << "DFT: axis is out of range for rank " << rank, failure();
  int64_t nIn = xt.getDimSize(axis);
  int64_t N = dftLength ? *dftLength : inverse && onesided ? 2 * (nIn - 1) : nIn;
  if (N <= 0)
    return os << "DFT: dft_length must be positive, got " << N, failure();
  if (inverse && onesided && c != 2)
    return os << "DFT: an inverse onesided DFT needs a complex input", failure();
  int64_t nOut = (onesided && !inverse) ? N / 2 + 1 : N;
  int64_t cOut = (inverse && onesided) ? 1 : 2;
  if (nIn * c * nOut * cOut > (int64_t)1 << 22)
    return os << "DFT: length " << N << " is too large for the matrix expansion", failure();
  return DFTPlan{axis, nIn, N, nOut, cOut};
}

/// The DFT of `x` (static type `xt`) by `p`: a MatMul with the constant DFT
/// matrix over the axis moved next to the real/imaginary one.
Value emitDFT(Expander &e, Value x, RankedTensorType xt, const DFTPlan &p, bool inverse,
              bool onesided) {
  int64_t rank = xt.getRank(), c = xt.getDimSize(rank - 1);
  int64_t axis = p.axis, nIn = p.nIn, N = p.N, nOut = p.nOut, cOut = p.cOut;
  int64_t rows = nIn * c, cols = nOut * cOut;
  Type et = xt.getElementType();

  // W[t*c + part_in, k*cOut + part_out].
  std::vector<double> w(rows * cols, 0.0);
  double sign = inverse ? 1.0 : -1.0, norm = inverse ? 1.0 / N : 1.0;
  for (int64_t t = 0; t < std::min(nIn, N); ++t) {
    for (int64_t k = 0; k < nOut; ++k) {
      if (inverse && onesided) {
        if (2 * t > N)
          continue; // bins past N/2 are implied by Hermitian symmetry
        // y[k] = 1/N sum_t wt (Xr[t] cos - Xi[t] sin)(2 pi t k / N), t the bin.
        double ang = 2.0 * M_PI * (double)((t * k) % N) / N;
        double wt = (t == 0 || 2 * t == N) ? 1.0 : 2.0;
        w[(t * 2 + 0) * cols + k] = wt * norm * std::cos(ang);
        w[(t * 2 + 1) * cols + k] = -wt * norm * std::sin(ang);
        continue;
      }
      // exp(sign i ang) = cos + sign i sin.
      double ang = 2.0 * M_PI * (double)((t * k) % N) / N;
      double cs = norm * std::cos(ang), sn = norm * sign * std::sin(ang);
      // (xr + i xi)(cs + i sn) = (xr cs - xi sn) + i (xr sn + xi cs)
      w[(t * c + 0) * cols + k * 2 + 0] = cs;
      w[(t * c + 0) * cols + k * 2 + 1] = sn;
      if (c == 2) {
        w[(t * c + 1) * cols + k * 2 + 0] = -sn;
        w[(t * c + 1) * cols + k * 2 + 1] = cs;
      }
    }
  }
  // Move `axis` to rank-2.
  SmallVector<int64_t> perm, inv(rank);
  for (int64_t i = 0; i < rank - 1; ++i)
    if (i != axis)
      perm.push_back(i);
  perm.push_back(axis);
  perm.push_back(rank - 1);
  for (int64_t i = 0; i < rank; ++i)
    inv[perm[i]] = i;
  SmallVector<int64_t> movedShape;
  for (int64_t q : perm)
    movedShape.push_back(xt.getDimSize(q));
  bool identityPerm = axis == rank - 2;
  Value moved = identityPerm ? x : e.transpose(x, perm);
  SmallVector<int64_t> flatShape(movedShape.begin(), movedShape.end() - 2);
  flatShape.push_back(rows);
  // Computed in f64 (as numpy's FFT is): the result then matches the exact
  // transform of the rounded input, noise in near-zero bins included.
  Type f64 = e.b.getF64Type();
  Value flat = e.cast(e.reshape(moved, flatShape), f64);
  Value mat = e.floats(f64, {rows, cols}, w);
  Value y = e.cast(e.matmul(flat, mat), et);
  SmallVector<int64_t> outShape(movedShape.begin(), movedShape.end() - 2);
  outShape.push_back(nOut);
  outShape.push_back(cOut);
  y = e.reshape(y, outShape);
  if (!identityPerm)
    y = e.transpose(y, inv);
  return y;
}

/// A DFT along a run-time axis: an If chain on the (wrapped) axis value over
/// every axis the input allows, each branch the DFT along a constant axis;
/// the result dims are dynamic where the branches' shapes differ.
FailureOr<SmallVector<Value>> importRuntimeAxisDFT(NodeImporter &n, Expander &e,
                                                   RankedTensorType xt, bool inverse,
                                                   bool onesided,
                                                   std::optional<int64_t> dftLength) {
  Value a = n.input(2);
  auto at = onnx::getRanked(a);
  if (!at || !isa<IntegerType>(at.getElementType()) || !at.hasStaticShape() ||
      at.getNumElements() != 1)
    return n.emitError() << "DFT: axis must be an integer scalar", failure();
  int64_t rank = xt.getRank();
  SmallVector<DFTPlan> plans;
  std::string error;
  for (int64_t axis = 0; axis < rank - 1; ++axis) {
    std::string why;
    FailureOr<DFTPlan> p = planDFT(xt, axis, inverse, onesided, dftLength, why);
    if (succeeded(p))
      plans.push_back(*p);
    else if (error.empty())
      error = why;
  }
  if (plans.empty())
    return n.emitError() << error << " (for every axis a run-time axis may take)", failure();
  // axis < 0 ? axis + rank : axis, as i64 with the axis' shape.
  Value a64 = e.cast(a, e.b.getI64Type());
  bool scalar = at.getRank() == 0;
  auto cst = [&](int64_t v) { return n.constI64({v}, scalar); };
  Value wrapped = e.op("Where", {e.op("Less", {a64, cst(0)}), e.add(a64, cst(rank)), a64});
  Value x = n.input(0);
  std::function<Value(size_t)> build = [&](size_t i) -> Value {
    if (i + 1 == plans.size() || e.failed())
      return emitDFT(e, x, xt, plans[i], inverse, onesided);
    Value cond = e.op("Equal", {wrapped, cst(plans[i].axis)});
    if (e.failed())
      return {};
    OperationState state(n.loc, "onnx.If");
    state.addOperands(cond);
    state.addTypes(UnrankedTensorType::get(xt.getElementType()));
    state.addRegion();
    state.addRegion();
    Operation *ifOp = n.builder.create(state);
    for (unsigned r = 0; r < 2; ++r) {
      OpBuilder::InsertionGuard guard(n.builder);
      n.builder.setInsertionPointToStart(&ifOp->getRegion(r).emplaceBlock());
      Value v = r == 0 ? emitDFT(e, x, xt, plans[i], inverse, onesided) : build(i + 1);
      if (e.failed())
        return {};
      onnx::YieldOp::create(n.builder, n.loc, ValueRange{v});
    }
    if (failed(cast<onnx::InferShapesOpInterface>(ifOp).inferShapes())) {
      e.fail();
      return {};
    }
    return ifOp->getResult(0);
  };
  Value y = build(0);
  if (e.failed() || !y)
    return failure();
  return SmallVector<Value>{y};
}

FailureOr<SmallVector<Value>> importDFT(NodeImporter &n, bool axisIsInput) {
  Expander e(n);
  Value x = n.input(0);
  auto xt = onnx::getRanked(x);
  if (!xt || !xt.hasStaticShape() || xt.getRank() < 2)
    return n.emitError() << "DFT: input must have a static shape of rank >= 2", failure();
  Type et = xt.getElementType();
  if (!isa<FloatType>(et))
    return n.emitError() << "DFT: input must be a float tensor", failure();
  int64_t rank = xt.getRank();
  int64_t c = xt.getDimSize(rank - 1);
  if (c != 1 && c != 2)
    return n.emitError() << "DFT: the last dimension must be 1 (real) or 2 (complex), got " << c,
           failure();
  bool inverse = n.intAttr("inverse").value_or(0);
  bool onesided = n.intAttr("onesided").value_or(0);
  std::optional<int64_t> dftLength;
  if (e.present(1)) {
    auto l = onnx::getConstantInts(n.input(1));
    if (!l || l->size() != 1)
      return n.emitError() << "DFT: a run-time dft_length is not supported (it must be a constant)",
             failure();
    dftLength = (*l)[0];
  }
  int64_t axis;
  if (axisIsInput) {
    axis = -2;
    if (e.present(2)) {
      auto a = onnx::getConstantInts(n.input(2));
      if (!a)
        return importRuntimeAxisDFT(n, e, xt, inverse, onesided, dftLength);
      if (a->size() != 1)
        return n.emitError() << "DFT: axis must be a scalar", failure();
      axis = (*a)[0];
    }
  } else {
    axis = n.intAttr("axis").value_or(1);
  }
  if (axis < 0)
    axis += rank;
  std::string error;
  FailureOr<DFTPlan> plan = planDFT(xt, axis, inverse, onesided, dftLength, error);
  if (failed(plan))
    return n.emitError() << error, failure();
  Value y = emitDFT(e, x, xt, *plan, inverse, onesided);
  if (e.failed())
    return failure();
  return SmallVector<Value>{y};
}

} // namespace

void registerSignalOps(OpRegistry &r) {
  // STFT and MelWeightMatrix import into their onnx ops (run-time frame
  // step / lengths / rates; ONNXSamplingOps.td).
  r.add("STFT", 17, 4);
  r.add("MelWeightMatrix", 17, 5, 1, [](NodeImporter &n) -> FailureOr<SmallVector<Value>> {
    SmallVector<NamedAttribute> attrs;
    if (auto dt = n.intAttr("output_datatype")) {
      Type t = convertElementType((int)*dt, n.builder.getContext());
      if (!t || !isa<FloatType>(t))
        return n.emitError() << "MelWeightMatrix output_datatype " << *dt
                             << " is not supported (float types only)",
               failure();
      attrs.push_back(n.builder.getNamedAttr("output_datatype", TypeAttr::get(t)));
    }
    SmallVector<Value> ins;
    for (unsigned i = 0; i < 5; ++i)
      ins.push_back(n.input(i));
    return n.createOp("MelWeightMatrix", ins, attrs, 1);
  });
  r.add("DFT", 17, 2, 1, [](NodeImporter &n) { return importDFT(n, false); });
  r.add("DFT", 20, 3, 1, [](NodeImporter &n) { return importDFT(n, true); });
}

} // namespace steed
