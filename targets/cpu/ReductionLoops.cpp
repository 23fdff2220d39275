//===- ReductionLoops.cpp - reductions with register accumulators ---------===//
//
// convert-linalg-to-loops keeps a reduction's accumulator in the output
// buffer: every iteration loads and stores it, and LLVM cannot keep it in a
// register (it cannot prove the output does not overlap the inputs), so the
// loop stays scalar. For a linalg op (generic or named) whose reduction
// dimensions are the innermost ones, this pass builds the loops itself:
// parallel loops outside, in the output's dimension order (a depthwise
// convolution's channel loop is not innermost then),
// the initial values loaded once, the reduction loops carrying them as
// scf.for iter_args, one store after. The combining op (addf, mulf, max/min)
// gets the `reassoc` fast-math flag, which lets LLVM's loop vectorizer
// reorder the sum (several partial sums in a vector register); the result
// differs from the sequential order by rounding only. Reduction loops over
// an input's trailing contiguous dimensions (GlobalAveragePool's H x W) run
// as one flat loop over collapsed views (see flattenable).
//===----------------------------------------------------------------------===//
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/Pass.h"

namespace steed {
#define GEN_PASS_DECL_CPUREDUCTIONLOOPS
#define GEN_PASS_DEF_CPUREDUCTIONLOOPS
#include "targets/cpu/Passes.h.inc"
} // namespace steed

using namespace mlir;

namespace {

/// Number of leading parallel loops when all reduction loops are trailing
/// and there is at least one; -1 otherwise.
int64_t leadingParallel(linalg::LinalgOp op) {
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  int64_t p = 0;
  while (p < (int64_t)iters.size() && iters[p] == utils::IteratorType::parallel)
    ++p;
  if (p == (int64_t)iters.size())
    return -1;
  for (int64_t i = p; i < (int64_t)iters.size(); ++i)
    if (iters[i] != utils::IteratorType::reduction)
      return -1;
  return p;
}

bool applicable(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() == 0)
    return false;
  int64_t p = leadingParallel(op);
  if (p < 0)
    return false;
  // Outputs are indexed by the parallel loops only.
  for (OpOperand &init : op.getDpsInitsMutable()) {
    AffineMap map = op.getMatchingIndexingMap(&init);
    if (!map.isProjectedPermutation())
      return false;
    for (AffineExpr e : map.getResults())
      if (cast<AffineDimExpr>(e).getPosition() >= p)
        return false;
  }
  // A plain body: no regions, no ops with memory effects.
  for (Operation &inner : op.getBlock()->without_terminator())
    if (inner.getNumRegions() != 0 || !isMemoryEffectFree(&inner))
      return false;
  return true;
}

/// Whether the reduction loops [p, n) can run as one loop over their
/// product: static sizes (theirs), the body does not read their indices, and every
/// memref input either does not use them or ends with exactly them, in
/// order, over trailing dimensions that are contiguous in memory (a
/// GlobalAveragePool's H and W). Then LLVM's vectorizer sees one long
/// contiguous loop; with two short nested ones (7..112 iterations) it
/// unrolls the inner one and vectorizes the outer one with gathers.
/// Dimensions [0, keep) kept, [keep, rank) collapsed into one.
SmallVector<ReassociationIndices> flatGroups(int64_t rank, int64_t keep) {
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i < keep; ++i)
    groups.push_back({i});
  groups.emplace_back(llvm::to_vector(llvm::seq<int64_t>(keep, rank)));
  return groups;
}

/// `in`'s indexing map with the loops of size 1 (whose index is 0) replaced
/// by 0: a pooling window's (d2 + d4) over a 1x1 output is d4.
AffineMap unitFreeMap(linalg::LinalgOp op, OpOperand *in) {
  AffineMap map = op.getMatchingIndexingMap(in);
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  SmallVector<AffineExpr> dims;
  for (auto [d, size] : llvm::enumerate(sizes))
    dims.push_back(size == 1 ? getAffineConstantExpr(0, op.getContext())
                             : getAffineDimExpr(d, op.getContext()));
  return simplifyAffineMap(map.replaceDimsAndSymbols(dims, {}, map.getNumDims(), 0));
}

bool flattenable(linalg::LinalgOp op, int64_t p) {
  int64_t n = op.getNumLoops();
  if (n - p < 2)
    return false;
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  for (int64_t d = p; d < n; ++d)
    if (ShapedType::isDynamic(sizes[d]))
      return false;
  if (!op.getBlock()->getOps<linalg::IndexOp>().empty())
    return false;
  for (OpOperand *in : op.getDpsInputOperands()) {
    auto type = dyn_cast<MemRefType>(in->get().getType());
    if (!type)
      continue;
    AffineMap map = unitFreeMap(op, in);
    int64_t rank = map.getNumResults(), uses = 0;
    for (int64_t d = p; d < n; ++d)
      uses += map.isFunctionOfDim(d);
    if (uses == 0)
      continue;
    if (rank < n - p || rank != type.getRank() ||
        !memref::CollapseShapeOp::isGuaranteedCollapsible(type,
                                                          flatGroups(rank, rank - (n - p))))
      return false;
    for (int64_t i = 0; i < rank; ++i) {
      AffineExpr e = map.getResult(i);
      bool trailing = i >= rank - (n - p);
      auto dim = dyn_cast<AffineDimExpr>(e);
      if (trailing ? !dim || dim.getPosition() != p + (i - (rank - (n - p)))
                   : llvm::any_of(llvm::seq<int64_t>(p, n),
                                  [&](int64_t d) { return e.isFunctionOfDim(d); }))
        return false;
    }
  }
  return true;
}

SmallVector<Value> indices(OpBuilder &b, Location loc, AffineMap map, ValueRange ivs) {
  SmallVector<Value> result;
  for (AffineExpr e : map.getResults()) {
    if (auto dim = dyn_cast<AffineDimExpr>(e))
      result.push_back(ivs[dim.getPosition()]);
    else if (auto c = dyn_cast<AffineConstantExpr>(e))
      result.push_back(arith::ConstantIndexOp::create(b, loc, c.getValue()));
    else
      result.push_back(affine::AffineApplyOp::create(
          b, loc, AffineMap::get(map.getNumDims(), map.getNumSymbols(), e), ivs));
  }
  return result;
}

/// The reassoc flag on the op combining an accumulator with a new value.
void allowReassociation(Value yielded, BlockArgument acc) {
  Operation *def = yielded.getDefiningOp();
  if (!def || !llvm::is_contained(def->getOperands(), Value(acc)))
    return;
  if (!isa<arith::AddFOp, arith::MulFOp, arith::MaximumFOp, arith::MinimumFOp,
           arith::MaxNumFOp, arith::MinNumFOp>(def))
    return;
  auto fmi = cast<arith::ArithFastMathInterface>(def);
  arith::FastMathFlags flags = fmi.getFastMathFlagsAttr().getValue();
  def->setAttr(fmi.getFastMathAttrName(),
               arith::FastMathFlagsAttr::get(def->getContext(),
                                             flags | arith::FastMathFlags::reassoc));
}

void lower(linalg::LinalgOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  int64_t p = leadingParallel(op);
  SmallVector<Range> ranges = op.createLoopRanges(b, loc);
  SmallVector<Value> lbs, ubs, steps;
  for (Range &r : ranges) {
    lbs.push_back(getValueOrCreateConstantIndexOp(b, loc, r.offset));
    ubs.push_back(getValueOrCreateConstantIndexOp(b, loc, r.size));
    steps.push_back(getValueOrCreateConstantIndexOp(b, loc, r.stride));
  }
  // Parallel loops in the order of the first output's dimensions (its
  // innermost, contiguous dimension innermost), then any others.
  SmallVector<int64_t> order;
  for (AffineExpr e : op.getMatchingIndexingMap(op.getDpsInitOperand(0)).getResults())
    order.push_back(cast<AffineDimExpr>(e).getPosition());
  for (int64_t d = 0; d < p; ++d)
    if (!llvm::is_contained(order, d))
      order.insert(order.begin(), d);
  SmallVector<Value> plbs, pubs, psteps;
  for (int64_t d : order) {
    plbs.push_back(lbs[d]);
    pubs.push_back(ubs[d]);
    psteps.push_back(steps[d]);
  }
  Block *body = op.getBlock();
  // Flattened reduction loops: one loop over the product of their sizes,
  // the inputs that use them collapsed to end in one dimension (indexed
  // by the outer expressions, then the flat induction variable).
  int64_t n = op.getNumLoops();
  bool flat = flattenable(op, p);
  llvm::DenseMap<OpOperand *, std::pair<Value, AffineMap>> flatInputs;
  if (flat) {
    int64_t total = 1;
    SmallVector<int64_t> sizes = op.getStaticLoopRanges();
    for (int64_t size : ArrayRef<int64_t>(sizes).drop_front(p))
      total *= size;
    lbs.resize(p + 1);
    ubs.resize(p + 1);
    steps.resize(p + 1);
    lbs[p] = arith::ConstantIndexOp::create(b, loc, 0);
    ubs[p] = arith::ConstantIndexOp::create(b, loc, total);
    steps[p] = arith::ConstantIndexOp::create(b, loc, 1);
    for (OpOperand *in : op.getDpsInputOperands()) {
      if (!isa<MemRefType>(in->get().getType()))
        continue;
      AffineMap map = unitFreeMap(op, in);
      if (llvm::none_of(llvm::seq<int64_t>(p, n),
                        [&](int64_t d) { return map.isFunctionOfDim(d); }))
        continue;
      int64_t rank = map.getNumResults(), keep = rank - (n - p);
      Value collapsed =
          memref::CollapseShapeOp::create(b, loc, in->get(), flatGroups(rank, keep));
      SmallVector<AffineExpr> results(map.getResults().take_front(keep));
      results.push_back(b.getAffineDimExpr(p));
      flatInputs[in] = {collapsed, AffineMap::get(p + 1, 0, results, b.getContext())};
    }
  }
  auto buildBody = [&](OpBuilder &b, Location loc, ValueRange permuted) {
    SmallVector<Value> outer(p);
    for (auto [k, d] : llvm::enumerate(order))
      outer[d] = permuted[k];
    SmallVector<Value> inits;
    SmallVector<SmallVector<Value>> outIdx;
    for (OpOperand &init : op.getDpsInitsMutable()) {
      outIdx.push_back(indices(b, loc, op.getMatchingIndexingMap(&init), outer));
      inits.push_back(memref::LoadOp::create(b, loc, init.get(), outIdx.back()));
    }
    ArrayRef<Value> rl(lbs), ru(ubs), rs(steps);
    scf::LoopNest nest = scf::buildLoopNest(
        b, loc, rl.drop_front(p), ru.drop_front(p), rs.drop_front(p), inits,
        [&](OpBuilder &b, Location loc, ValueRange inner, ValueRange accs) {
          SmallVector<Value> ivs(outer.begin(), outer.end());
          ivs.append(inner.begin(), inner.end());
          // Flat: ivs[p] is the flat index, for the collapsed inputs' maps
          // (p + 1 dims); the other maps take n indices, the reduction ones
          // unused (zeros).
          SmallVector<Value> flatIvs(ivs);
          if (flat)
            ivs.resize(n, arith::ConstantIndexOp::create(b, loc, 0));
          IRMapping map;
          for (OpOperand *in : op.getDpsInputOperands()) {
            BlockArgument arg = op.getMatchingBlockArgument(in);
            if (!isa<MemRefType>(in->get().getType())) {
              map.map(arg, in->get());
              continue;
            }
            if (auto it = flatInputs.find(in); it != flatInputs.end()) {
              map.map(arg, memref::LoadOp::create(
                               b, loc, it->second.first,
                               indices(b, loc, it->second.second, flatIvs)));
              continue;
            }
            map.map(arg, memref::LoadOp::create(
                             b, loc, in->get(),
                             indices(b, loc, op.getMatchingIndexingMap(in), ivs)));
          }
          for (auto [i, init] : llvm::enumerate(op.getDpsInitsMutable()))
            map.map(op.getMatchingBlockArgument(&init), accs[i]);
          for (Operation &inner : body->without_terminator()) {
            if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
              map.map(index.getResult(), ivs[index.getDim()]);
              continue;
            }
            b.clone(inner, map);
          }
          scf::ValueVector results;
          for (auto [i, v] : llvm::enumerate(body->getTerminator()->getOperands())) {
            Value mapped = map.lookupOrDefault(v);
            allowReassociation(mapped, cast<BlockArgument>(accs[i]));
            results.push_back(mapped);
          }
          return results;
        });
    for (auto [i, init] : llvm::enumerate(op.getDpsInitsMutable()))
      memref::StoreOp::create(b, loc, nest.results[i], init.get(), outIdx[i]);
  };
  scf::buildLoopNest(b, loc, plbs, pubs, psteps, buildBody);
  op.erase();
}

struct CPUReductionLoopsPass : steed::impl::CPUReductionLoopsBase<CPUReductionLoopsPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (applicable(op))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops)
      lower(op);
  }
};
} // namespace
