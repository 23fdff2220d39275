//===- FuseKernels.cpp - Merge exec.groups into bigger kernels ------------===//
//
// A producer group merges into its consumer group when every use of the
// producer's results is in that consumer (nothing is computed twice, no
// result is lost) and the pair fits one of three shapes of kernel:
//
//  * epilogue: an elementwise consumer whose results have the shape of the
//    producer's results or of the producer's domain (conv/matmul + bias +
//    activation + residual add, elementwise chains, a reduction's result
//    broadcast back over the reduced tensor as in x - mean(x));
//  * prologue: an elementwise producer whose results are the domain of a
//    reduction consumer (Pow -> ReduceMean, Exp -> ReduceSum);
//  * two reductions, or an anchor (conv, matmul, ...) and a reduction, over
//    the same domain (the two ReduceMeans of a decomposed LayerNorm;
//    matmul -> softmax).
//
// The domain of a group is the iteration space of its main op: the result of
// an anchor or elementwise op, the input of a reduction. Two anchors never
// merge, nor does anything with control flow, a region, or a tensor whose
// shape is not static (data-dependent shapes).
//
#include "dialects/exec/ExecOps.h"
#include "dialects/onnx/ONNXOps.h"
#include "passes/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseMap.h"

namespace steed {
#define GEN_PASS_DEF_FUSEKERNELS
#include "passes/Passes.h.inc"
} // namespace steed

using namespace mlir;
using namespace steed;

namespace {

/// What a group computes, for the fusion rules; ordered so that the kind of
/// a merged group is the larger of the two.
enum class Kind { Elementwise, Reduction, Anchor, Opaque };

bool isElementwise(Operation *op) {
  return isa<
      // unary
      onnx::AbsOp, onnx::NegOp, onnx::ExpOp, onnx::LogOp, onnx::SqrtOp, onnx::ReciprocalOp,
      onnx::ReluOp, onnx::SigmoidOp, onnx::TanhOp, onnx::ErfOp, onnx::SinOp, onnx::CosOp,
      onnx::TanOp, onnx::AsinOp, onnx::AcosOp, onnx::AtanOp, onnx::SinhOp, onnx::CoshOp,
      onnx::AsinhOp, onnx::AcoshOp, onnx::AtanhOp, onnx::FloorOp, onnx::CeilOp, onnx::RoundOp,
      onnx::SignOp, onnx::SoftplusOp, onnx::SoftsignOp, onnx::HardSwishOp, onnx::MishOp,
      onnx::NotOp, onnx::BitwiseNotOp, onnx::IsNaNOp, onnx::IsInfOp, onnx::LeakyReluOp,
      onnx::EluOp, onnx::CeluOp, onnx::ThresholdedReluOp, onnx::SeluOp, onnx::HardSigmoidOp,
      onnx::GeluOp, onnx::CastOp, onnx::IdentityOp,
      // binary, ternary, variadic (with broadcasting)
      onnx::AddOp, onnx::SubOp, onnx::MulOp, onnx::DivOp, onnx::PowOp, onnx::PReluOp,
      onnx::ModOp, onnx::BitwiseAndOp, onnx::BitwiseOrOp, onnx::BitwiseXorOp,
      onnx::BitShiftOp, onnx::AndOp, onnx::OrOp, onnx::XorOp, onnx::EqualOp, onnx::LessOp,
      onnx::LessOrEqualOp, onnx::GreaterOp, onnx::GreaterOrEqualOp, onnx::MaxOp, onnx::MinOp,
      onnx::SumOp, onnx::MeanOp, onnx::WhereOp, onnx::ClipOp>(op);
}

/// Reductions over (part of) their first operand: its shape is the domain.
bool isReduction(Operation *op) {
  return isa<onnx::ReduceSumOp, onnx::ReduceMeanOp, onnx::ReduceMaxOp, onnx::ReduceMinOp,
             onnx::ReduceProdOp, onnx::ReduceL1Op, onnx::ReduceL2Op, onnx::ReduceLogSumOp,
             onnx::ReduceLogSumExpOp, onnx::ReduceSumSquareOp, onnx::SoftmaxOp,
             onnx::LogSoftmaxOp, onnx::LayerNormalizationOp, onnx::RMSNormalizationOp>(op);
}

/// Ops whose result shapes depend on the data, or that compute nothing a
/// neighbour could share a loop with.
bool isOpaque(Operation *op) {
  return op->getNumRegions() != 0 ||
         isa<onnx::NonZeroOp, onnx::CompressOp, onnx::UniqueOp, onnx::NonMaxSuppressionOp,
             onnx::TopKOp, onnx::TfIdfVectorizerOp>(op);
}

bool isStatic(Type t) {
  auto ranked = dyn_cast<RankedTensorType>(t);
  return ranked && ranked.hasStaticShape();
}

/// Cloned constants ride along with the op that uses them.
bool isConstant(Operation *op) { return isa<onnx::ConstantOp, onnx::NoneOp>(op); }

struct GroupInfo {
  Kind kind = Kind::Opaque;
  SmallVector<int64_t> domain;
  int64_t numOps = 0;
};

GroupInfo classify(exec::GroupOp group) {
  GroupInfo info;
  for (Type t : group->getOperandTypes())
    if (!isStatic(t))
      return info;
  for (Type t : group->getResultTypes())
    if (!isStatic(t))
      return info;
  Operation *main = nullptr;
  bool allElementwise = true;
  for (Operation &op : group.getBody().front().without_terminator()) {
    if (isConstant(&op))
      continue;
    if (isOpaque(&op) || !llvm::all_of(op.getResultTypes(), isStatic))
      return info;
    allElementwise &= isElementwise(&op);
    ++info.numOps;
    main = &op;
  }
  if (!main || main->getNumResults() == 0)
    return info;
  if (info.numOps == 1) {
    if (isElementwise(main))
      info.kind = Kind::Elementwise;
    else if (isReduction(main))
      info.kind = Kind::Reduction;
    else
      info.kind = Kind::Anchor;
  } else if (allElementwise) {
    // e.g. a group this pass formed before: the last op has the shape.
    info.kind = Kind::Elementwise;
  } else {
    return info;
  }
  Value domainValue = info.kind == Kind::Reduction ? main->getOperand(0) : main->getResult(0);
  if (!isStatic(domainValue.getType())) {
    info.kind = Kind::Opaque;
    return info;
  }
  info.domain = llvm::to_vector(cast<RankedTensorType>(domainValue.getType()).getShape());
  return info;
}

/// The common shape of `types`, or nothing.
std::optional<ArrayRef<int64_t>> commonShape(TypeRange types) {
  std::optional<ArrayRef<int64_t>> shape;
  for (Type t : types) {
    ArrayRef<int64_t> s = cast<RankedTensorType>(t).getShape();
    if (shape && *shape != s)
      return std::nullopt;
    shape = s;
  }
  return shape;
}

struct FuseKernelsPass : steed::impl::FuseKernelsBase<FuseKernelsPass> {
  using FuseKernelsBase::FuseKernelsBase;

  llvm::DenseMap<Operation *, GroupInfo> infos;

  GroupInfo &info(exec::GroupOp g) {
    auto it = infos.find(g);
    if (it == infos.end())
      it = infos.insert({g, classify(g)}).first;
    return it->second;
  }

  /// The kind and domain of `producer` merged into `consumer`, or nothing
  /// when the rules forbid it.
  std::optional<GroupInfo> mergedInfo(exec::GroupOp producer, exec::GroupOp consumer) {
    // Every use of every producer result is in the consumer.
    for (Value r : producer->getResults())
      for (Operation *user : r.getUsers())
        if (user != consumer)
          return std::nullopt;
    // Copies: the second lookup may grow the map.
    GroupInfo p = info(producer);
    GroupInfo c = info(consumer);
    if (p.kind == Kind::Opaque || c.kind == Kind::Opaque || c.kind == Kind::Anchor)
      return std::nullopt;
    if (p.numOps + c.numOps > maxOps)
      return std::nullopt;
    GroupInfo merged;
    merged.kind = std::max(p.kind, c.kind);
    merged.numOps = p.numOps + c.numOps;
    if (c.kind == Kind::Elementwise) {
      // Epilogue: the consumer runs over the producer's results or domain.
      auto shape = commonShape(consumer->getResultTypes());
      if (!shape)
        return std::nullopt;
      bool overDomain = *shape == ArrayRef<int64_t>(p.domain);
      bool overResults = llvm::all_of(producer->getResultTypes(), [&](Type t) {
        return cast<RankedTensorType>(t).getShape() == *shape;
      });
      if (!overDomain && !overResults)
        return std::nullopt;
      merged.domain = p.domain;
      return merged;
    }
    // The consumer holds a reduction.
    if (p.kind == Kind::Elementwise) {
      // Prologue: the producer computes the reduced tensor.
      auto shape = commonShape(producer->getResultTypes());
      if (!shape || *shape != ArrayRef<int64_t>(c.domain))
        return std::nullopt;
    } else if (p.domain != c.domain) {
      return std::nullopt;
    }
    merged.domain = c.domain;
    return merged;
  }

  /// Splices `producer`'s body in front of `consumer`'s in a new group at the
  /// consumer's place.
  exec::GroupOp merge(exec::GroupOp producer, exec::GroupOp consumer) {
    SmallVector<Value> inputs;
    for (Value v : producer.getInputs())
      if (!llvm::is_contained(inputs, v))
        inputs.push_back(v);
    for (Value v : consumer.getInputs())
      if (v.getDefiningOp() != producer && !llvm::is_contained(inputs, v))
        inputs.push_back(v);
    SmallVector<Attribute> nodes;
    for (exec::GroupOp g : {producer, consumer})
      if (auto n = g.getNodesAttr())
        nodes.append(n.begin(), n.end());
    OpBuilder b(consumer);
    Location loc = b.getFusedLoc({producer.getLoc(), consumer.getLoc()});
    auto group = exec::GroupOp::create(b, loc, consumer->getResultTypes(), inputs,
                                       b.getArrayAttr(nodes));
    Block *body = new Block();
    group.getBody().push_back(body);
    IRMapping outer; // values outside -> block arguments of the new group
    for (Value in : inputs)
      outer.map(in, body->addArgument(in.getType(), in.getLoc()));
    OpBuilder inner = OpBuilder::atBlockBegin(body);
    IRMapping pm;
    Block &pBody = producer.getBody().front();
    for (auto [arg, in] : llvm::zip(pBody.getArguments(), producer.getInputs()))
      pm.map(arg, outer.lookup(in));
    for (Operation &op : pBody.without_terminator())
      inner.clone(op, pm);
    auto pYield = cast<exec::YieldOp>(pBody.getTerminator());
    IRMapping cm;
    Block &cBody = consumer.getBody().front();
    for (auto [arg, in] : llvm::zip(cBody.getArguments(), consumer.getInputs())) {
      if (auto r = dyn_cast<OpResult>(in); r && r.getOwner() == producer)
        cm.map(arg, pm.lookup(pYield.getValues()[r.getResultNumber()]));
      else
        cm.map(arg, outer.lookup(in));
    }
    for (Operation &op : cBody.without_terminator())
      inner.clone(op, cm);
    auto cYield = cast<exec::YieldOp>(cBody.getTerminator());
    SmallVector<Value> results;
    for (Value v : cYield.getValues())
      results.push_back(cm.lookup(v));
    exec::YieldOp::create(inner, cYield.getLoc(), results);
    consumer->replaceAllUsesWith(group->getResults());
    infos.erase(producer);
    infos.erase(consumer);
    consumer->erase();
    producer->erase();
    return group;
  }

  void runOnOperation() override {
    bool changed = true;
    while (changed) {
      changed = false;
      SmallVector<exec::GroupOp> groups(getOperation().getBody().getOps<exec::GroupOp>());
      llvm::SmallPtrSet<Operation *, 16> erased;
      for (exec::GroupOp consumer : groups) {
        if (erased.contains(consumer))
          continue;
        // Absorb producers until none fits.
        bool absorbed = true;
        while (absorbed) {
          absorbed = false;
          for (Value in : consumer.getInputs()) {
            auto producer = in.getDefiningOp<exec::GroupOp>();
            if (!producer)
              continue;
            auto merged = mergedInfo(producer, consumer);
            if (!merged)
              continue;
            erased.insert(producer);
            erased.insert(consumer);
            consumer = merge(producer, consumer);
            infos[consumer] = *merged;
            absorbed = changed = true;
            break;
          }
        }
      }
    }
    infos.clear();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// steed-fuse-elementwise: one loop nest per fused group where possible
//===----------------------------------------------------------------------===//

namespace steed {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "passes/Passes.h.inc"
} // namespace steed

namespace {

/// An all-parallel generic that writes a fresh tensor of the type of one of
/// its inputs, read at the same point and used nowhere else, computes in that
/// input's place: the input becomes the init, so bufferization writes the
/// result over it (conv + relu: relu runs in the conv's buffer) instead of
/// allocating another buffer.
struct ReuseInputAsInit : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op, PatternRewriter &rewriter) const override {
    if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 0 || !op.hasPureTensorSemantics())
      return failure();
    OpOperand *init = op.getDpsInitOperand(0);
    if (!init->get().getDefiningOp<tensor::EmptyOp>() ||
        op.getMatchingBlockArgument(init).getUses().begin() !=
            op.getMatchingBlockArgument(init).getUses().end() ||
        !op.getMatchingIndexingMap(init).isIdentity())
      return failure();
    for (OpOperand *in : op.getDpsInputOperands()) {
      Value v = in->get();
      if (v.getType() != init->get().getType() || !op.getMatchingIndexingMap(in).isIdentity() ||
          !v.hasOneUse() || isa<BlockArgument>(v) || !v.getDefiningOp<DestinationStyleOpInterface>())
        continue;
      // Inputs after this one, init unchanged; the body reads the init.
      SmallVector<Value> inputs;
      SmallVector<AffineMap> maps;
      for (OpOperand *other : op.getDpsInputOperands())
        if (other != in) {
          inputs.push_back(other->get());
          maps.push_back(op.getMatchingIndexingMap(other));
        }
      maps.push_back(op.getMatchingIndexingMap(init));
      auto fused = linalg::GenericOp::create(rewriter, op.getLoc(), op.getResultTypes(), inputs,
                                             ValueRange{v}, maps, op.getIteratorTypesArray());
      Block &oldBody = op.getRegion().front();
      Block *body = rewriter.createBlock(&fused.getRegion());
      IRMapping map;
      for (OpOperand *other : op.getDpsInputOperands())
        if (other != in)
          map.map(op.getMatchingBlockArgument(other),
                  body->addArgument(op.getMatchingBlockArgument(other).getType(), op.getLoc()));
      BlockArgument out = body->addArgument(op.getMatchingBlockArgument(init).getType(), op.getLoc());
      map.map(op.getMatchingBlockArgument(in), out);
      map.map(op.getMatchingBlockArgument(init), out);
      rewriter.setInsertionPointToStart(body);
      for (Operation &o : oldBody)
        rewriter.clone(o, map);
      rewriter.replaceOp(op, fused->getResults());
      return success();
    }
    return failure();
  }
};

struct FuseElementwisePass : steed::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Fuse a producer only into its single consumer, and only when the
    // consumer reads each of its elements once (a permutation, no
    // broadcast): nothing is computed twice. (The sqrt of a LayerNorm's
    // variance stays a loop over rows instead of running per element.)
    linalg::populateElementwiseOpsFusionPatterns(patterns, [](OpOperand *operand) {
      Operation *producer = operand->get().getDefiningOp();
      auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
      return producer && producer->hasOneUse() && consumer &&
             consumer.getMatchingIndexingMap(operand).isPermutation();
    });
    patterns.add<ReuseInputAsInit>(&getContext());
    FrozenRewritePatternSet frozen(std::move(patterns));
    SmallVector<exec::GroupOp> groups;
    // Kernels with loops or branches (control-flow ops lowered to scf) keep
    // their bodies' buffers as they are.
    getOperation()->walk([&](exec::GroupOp g) {
      bool controlFlow = false;
      g.walk([&](Operation *op) {
        if (isa<scf::SCFDialect>(op->getDialect()))
          controlFlow = true;
      });
      if (!controlFlow)
        groups.push_back(g);
    });
    for (exec::GroupOp g : groups)
      if (failed(applyPatternsGreedily(g.getBody(), frozen)))
        return signalPassFailure();
  }
};
} // namespace
