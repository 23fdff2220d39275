//===- EinsumOps.cpp - Import of ONNX Einsum (opset 12) -------------------===//
//
// Einsum is expanded at import into Transpose/Reshape/MatMul/ReduceSum:
//  1. the equation is parsed (explicit "ab,bc->ac" or implicit "ab,bc",
//     whose output is the ellipsis dims then the labels used once, sorted);
//     ellipsis dims become labels of their own, aligned from the right;
//  2. a label repeated within one operand takes the diagonal (x * identity
//     mask, summed over the second occurrence);
//  3. labels of a single operand that the output does not keep are summed;
//  4. operands are combined left to right by one batched MatMul each:
//     [batch, left-only, contracted] x [batch, contracted, right-only], where
//     batch labels are needed later (in the output or a remaining operand)
//     and contracted ones are not; size-1 dims broadcast by Expand first;
//  5. the result is transposed to the output order.
// Shapes must be static.
//
#include "compiler/importer/OpRegistry.h"
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace steed {
namespace {

/// Labels are letters, or 256 + k for the k-th ellipsis dim.
using Labels = SmallVector<int>;

struct Term {
  Value value;
  Labels labels;
  SmallVector<int64_t> shape;
};

class EinsumBuilder {
public:
  explicit EinsumBuilder(NodeImporter &n) : n(n) {}

  FailureOr<SmallVector<Value>> run();

private:
  FailureOr<Value> op(StringRef name, ArrayRef<Value> operands,
                      ArrayRef<NamedAttribute> attrs = {}) {
    return n.createOne(name, operands, attrs);
  }
  LogicalResult transpose(Term &t, const Labels &order);
  LogicalResult reshape(Term &t, ArrayRef<int64_t> shape);
  LogicalResult reduce(Term &t, const llvm::SmallSetVector<int, 8> &labels);
  LogicalResult diagonal(Term &t);
  LogicalResult broadcastTo(Term &t, int label, int64_t size);
  FailureOr<Term> contract(Term a, Term b, const llvm::SmallSetVector<int, 16> &keep);

  NodeImporter &n;
};

LogicalResult EinsumBuilder::transpose(Term &t, const Labels &order) {
  if (order == t.labels)
    return success();
  SmallVector<int64_t> perm;
  SmallVector<int64_t> shape;
  for (int l : order) {
    auto pos = llvm::find(t.labels, l) - t.labels.begin();
    perm.push_back(pos);
    shape.push_back(t.shape[pos]);
  }
  auto v = op("Transpose", {t.value},
              {n.builder.getNamedAttr("perm", n.builder.getDenseI64ArrayAttr(perm))});
  if (failed(v))
    return failure();
  t.value = *v;
  t.labels = order;
  t.shape = shape;
  return success();
}

LogicalResult EinsumBuilder::reshape(Term &t, ArrayRef<int64_t> shape) {
  auto v = op("Reshape", {t.value, n.constI64(shape)});
  if (failed(v))
    return failure();
  t.value = *v;
  return success();
}

LogicalResult EinsumBuilder::reduce(Term &t, const llvm::SmallSetVector<int, 8> &labels) {
  if (labels.empty())
    return success();
  SmallVector<int64_t> axes;
  Labels rest;
  SmallVector<int64_t> shape;
  for (auto [i, l] : llvm::enumerate(t.labels)) {
    if (labels.contains(l)) {
      axes.push_back(i);
    } else {
      rest.push_back(l);
      shape.push_back(t.shape[i]);
    }
  }
  auto v = op("ReduceSum", {t.value, n.constI64(axes)},
              {n.builder.getNamedAttr("keepdims", n.builder.getI64IntegerAttr(0))});
  if (failed(v))
    return failure();
  t = Term{*v, rest, shape};
  return success();
}

LogicalResult EinsumBuilder::diagonal(Term &t) {
  for (unsigned p = 0; p < t.labels.size(); ++p) {
    for (unsigned q = p + 1; q < t.labels.size(); ++q) {
      if (t.labels[p] != t.labels[q])
        continue;
      int64_t size = t.shape[p];
      if (t.shape[q] != size)
        return n.emitError() << "Einsum: a repeated label has sizes " << size << " and "
                             << t.shape[q],
               failure();
      // mask[.., i (at p), .., j (at q), ..] = (i == j).
      SmallVector<int64_t> maskShape(t.labels.size(), 1);
      maskShape[p] = maskShape[q] = size;
      Type elem = cast<ShapedType>(t.value.getType()).getElementType();
      SmallVector<Attribute> values;
      for (int64_t i = 0; i < size; ++i)
        for (int64_t j = 0; j < size; ++j)
          values.push_back(i == j ? n.builder.getOneAttr(elem) : n.builder.getZeroAttr(elem));
      auto maskType = RankedTensorType::get(maskShape, elem);
      Value mask = onnx::ConstantOp::create(n.builder, n.loc,
                                            DenseElementsAttr::get(maskType, values));
      auto masked = op("Mul", {t.value, mask});
      if (failed(masked))
        return failure();
      auto v = op("ReduceSum", {*masked, n.constI64({(int64_t)q})},
                  {n.builder.getNamedAttr("keepdims", n.builder.getI64IntegerAttr(0))});
      if (failed(v))
        return failure();
      t.value = *v;
      t.labels.erase(t.labels.begin() + q);
      t.shape.erase(t.shape.begin() + q);
      --q;
    }
  }
  return success();
}

LogicalResult EinsumBuilder::broadcastTo(Term &t, int label, int64_t size) {
  auto pos = llvm::find(t.labels, label) - t.labels.begin();
  if (t.shape[pos] == size)
    return success();
  SmallVector<int64_t> shape(t.shape);
  shape[pos] = size;
  auto v = op("Expand", {t.value, n.constI64(shape)});
  if (failed(v))
    return failure();
  t.value = *v;
  t.shape = shape;
  return success();
}

FailureOr<Term> EinsumBuilder::contract(Term a, Term b,
                                        const llvm::SmallSetVector<int, 16> &keep) {
  Labels batch, aOnly, bOnly, contracted;
  for (int l : a.labels) {
    if (!llvm::is_contained(b.labels, l))
      aOnly.push_back(l);
    else if (keep.contains(l))
      batch.push_back(l);
    else
      contracted.push_back(l);
  }
  for (int l : b.labels)
    if (!llvm::is_contained(a.labels, l))
      bOnly.push_back(l);
  // Shared labels of size 1 on one side broadcast to the other's size.
  auto sizeOf = [](const Term &t, int l) {
    return t.shape[llvm::find(t.labels, l) - t.labels.begin()];
  };
  for (const Labels *shared : {&batch, &contracted})
    for (int l : *shared) {
      int64_t sa = sizeOf(a, l), sb = sizeOf(b, l);
      if (sa != sb && sa != 1 && sb != 1)
        return n.emitError() << "Einsum: a label has sizes " << sa << " and " << sb,
               failure();
      if (failed(broadcastTo(a, l, std::max(sa, sb))) ||
          failed(broadcastTo(b, l, std::max(sa, sb))))
        return failure();
    }
  auto product = [](const Term &t, const Labels &ls) {
    int64_t p = 1;
    for (int l : ls)
      p *= t.shape[llvm::find(t.labels, l) - t.labels.begin()];
    return p;
  };
  Labels aOrder(batch), bOrder(batch);
  aOrder.append(aOnly);
  aOrder.append(contracted);
  bOrder.append(contracted);
  bOrder.append(bOnly);
  if (failed(transpose(a, aOrder)) || failed(transpose(b, bOrder)))
    return failure();
  int64_t nb = product(a, batch), m = product(a, aOnly), k = product(a, contracted),
          nn = product(b, bOnly);
  SmallVector<int64_t> outShape;
  Labels outLabels;
  const std::pair<const Term *, const Labels *> groups[] = {
      {&a, &batch}, {&a, &aOnly}, {&b, &bOnly}};
  for (const auto &[t, ls] : groups)
    for (int l : *ls) {
      outLabels.push_back(l);
      outShape.push_back(sizeOf(*t, l));
    }
  if (failed(reshape(a, {nb, m, k})) || failed(reshape(b, {nb, k, nn})))
    return failure();
  auto mm = op("MatMul", {a.value, b.value});
  if (failed(mm))
    return failure();
  Term out{*mm, outLabels, outShape};
  if (failed(reshape(out, outShape)))
    return failure();
  return out;
}

FailureOr<SmallVector<Value>> EinsumBuilder::run() {
  const auto *eqAttr = n.attr("equation");
  if (!eqAttr)
    return n.emitError() << "Einsum: the equation attribute is missing", failure();
  std::string eq;
  for (char c : eqAttr->s())
    if (c != ' ')
      eq += c;
  StringRef lhs = eq, rhs;
  bool explicitOut = false;
  if (size_t arrow = eq.find("->"); arrow != std::string::npos) {
    lhs = StringRef(eq).take_front(arrow);
    rhs = StringRef(eq).drop_front(arrow + 2);
    explicitOut = true;
  }
  SmallVector<StringRef> specs;
  lhs.split(specs, ',');
  if (specs.size() != n.inputs.size())
    return n.emitError() << "Einsum: the equation names " << specs.size()
                         << " operands, the node has " << n.inputs.size(),
           failure();

  // Parse the operands; ellipsis dims are aligned from the right.
  SmallVector<Term> terms;
  SmallVector<SmallVector<int>> letters; // per operand, -1 marks the ellipsis
  int64_t ellipsisRank = 0;
  auto parse = [&](StringRef spec, SmallVector<int> &out) -> LogicalResult {
    for (size_t i = 0; i < spec.size(); ++i) {
      if (spec.substr(i).starts_with("...")) {
        if (llvm::is_contained(out, -1))
          return failure();
        out.push_back(-1);
        i += 2;
      } else if (isalpha((unsigned char)spec[i])) {
        out.push_back(spec[i]);
      } else {
        return failure();
      }
    }
    return success();
  };
  for (auto [i, spec] : llvm::enumerate(specs)) {
    auto t = onnx::getRanked(n.inputs[i]);
    if (!t || !t.hasStaticShape())
      return n.emitError() << "Einsum: operand " << i << " needs a static shape", failure();
    SmallVector<int> ls;
    if (failed(parse(spec, ls)))
      return n.emitError() << "Einsum: cannot parse the equation '" << eqAttr->s() << "'",
             failure();
    int64_t named = llvm::count_if(ls, [](int l) { return l >= 0; });
    bool hasEllipsis = llvm::is_contained(ls, -1);
    if ((!hasEllipsis && named != t.getRank()) || (hasEllipsis && named > t.getRank()))
      return n.emitError() << "Einsum: operand " << i << " has rank " << t.getRank()
                           << " but the equation gives it " << named << " labels",
             failure();
    if (hasEllipsis)
      ellipsisRank = std::max(ellipsisRank, t.getRank() - named);
    letters.push_back(ls);
    terms.push_back(Term{n.inputs[i], {}, SmallVector<int64_t>(t.getShape())});
  }
  for (auto [i, ls] : llvm::enumerate(letters)) {
    int64_t e = (int64_t)terms[i].shape.size() - llvm::count_if(ls, [](int l) { return l >= 0; });
    for (int l : ls) {
      if (l != -1) {
        terms[i].labels.push_back(l);
        continue;
      }
      for (int64_t j = 0; j < e; ++j)
        terms[i].labels.push_back(256 + (int)(ellipsisRank - e + j));
    }
  }

  // Output labels.
  Labels output;
  if (explicitOut) {
    SmallVector<int> ls;
    if (failed(parse(rhs, ls)))
      return n.emitError() << "Einsum: cannot parse the equation '" << eqAttr->s() << "'",
             failure();
    for (int l : ls) {
      if (l == -1) {
        for (int64_t j = 0; j < ellipsisRank; ++j)
          output.push_back(256 + (int)j);
        continue;
      }
      if (llvm::is_contained(output, l) ||
          llvm::none_of(terms, [&](const Term &t) { return llvm::is_contained(t.labels, l); }))
        return n.emitError() << "Einsum: output label '" << (char)l
                             << "' is repeated or not an input label",
               failure();
      output.push_back(l);
    }
  } else {
    for (int64_t j = 0; j < ellipsisRank; ++j)
      output.push_back(256 + (int)j);
    std::map<int, int> counts;
    for (const auto &ls : letters)
      for (int l : ls)
        if (l >= 0)
          ++counts[l];
    for (auto [l, c] : counts)
      if (c == 1)
        output.push_back(l);
  }

  // Diagonals, then labels only one operand has and the output drops.
  for (Term &t : terms)
    if (failed(diagonal(t)))
      return failure();
  for (size_t i = 0; i < terms.size(); ++i) {
    llvm::SmallSetVector<int, 8> drop;
    for (int l : terms[i].labels) {
      bool elsewhere = false;
      for (size_t j = 0; j < terms.size(); ++j)
        elsewhere |= j != i && llvm::is_contained(terms[j].labels, l);
      if (!elsewhere && !llvm::is_contained(output, l))
        drop.insert(l);
    }
    if (failed(reduce(terms[i], drop)))
      return failure();
  }

  Term acc = terms[0];
  for (size_t i = 1; i < terms.size(); ++i) {
    llvm::SmallSetVector<int, 16> keep(output.begin(), output.end());
    for (size_t j = i + 1; j < terms.size(); ++j)
      keep.insert(terms[j].labels.begin(), terms[j].labels.end());
    auto c = contract(acc, terms[i], keep);
    if (failed(c))
      return failure();
    acc = *c;
  }
  if (failed(transpose(acc, output)))
    return failure();
  return SmallVector<Value>{acc.value};
}

} // namespace

void registerEinsumOps(OpRegistry &r) {
  r.add("Einsum", 12, -1, 1,
        [](NodeImporter &n) { return EinsumBuilder(n).run(); });
}

} // namespace steed
