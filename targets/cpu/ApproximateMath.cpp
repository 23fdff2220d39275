//===- ApproximateMath.cpp - f32 transcendentals as inline polynomials ----===//
//
// convert-math-to-libm turns every math.exp/tanh/erf/log into a scalar call
// of libm, which LLVM's loop vectorizer cannot widen (no vector library in a
// model.so). MLIR's polynomial approximations (Cephes/Eigen style, a few ulp)
// rewrite the f32 forms into arith/math ops that all have vector forms, so
// the loops around them vectorize. f64 and the functions not listed keep
// libm.
//===----------------------------------------------------------------------===//
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSet.h"

namespace steed {
#define GEN_PASS_DECL_CPUAPPROXIMATEMATH
#define GEN_PASS_DEF_CPUAPPROXIMATEMATH
#include "targets/cpu/Passes.h.inc"
} // namespace steed

using namespace mlir;

namespace {
/// The polynomial log/log2 read the exponent field, so a subnormal input
/// comes out as if it were FLT_MIN. Scale subnormals by 2^24 first and take
/// 24 (times ln 2) off the result: x' = x < FLT_MIN ? x * 2^24 : x.
void scaleSubnormalLogArguments(Operation *root) {
  root->walk([](Operation *op) {
    if (!isa<math::LogOp, math::Log2Op>(op) || !op->getResultTypes()[0].isF32())
      return;
    OpBuilder b(op);
    Location loc = op->getLoc();
    Value x = op->getOperand(0);
    auto f32 = b.getF32Type();
    auto cst = [&](double v) {
      return arith::ConstantOp::create(b, loc, b.getFloatAttr(f32, v)).getResult();
    };
    Value tiny = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                       cst(1.17549435e-38));
    Value scaled = arith::MulFOp::create(b, loc, x, cst(16777216.0));
    op->setOperand(0, arith::SelectOp::create(b, loc, tiny, scaled, x));
    b.setInsertionPointAfter(op);
    Value y = op->getResult(0);
    double shift = isa<math::LogOp>(op) ? 24.0 * 0.69314718055994530942 : 24.0;
    Value fixed = arith::SubFOp::create(b, loc, y, cst(shift));
    auto result = arith::SelectOp::create(b, loc, tiny, fixed, y);
    y.replaceAllUsesExcept(result, SmallPtrSet<Operation *, 2>{fixed.getDefiningOp(), result});
  });
}

struct CPUApproximateMathPass
    : steed::impl::CPUApproximateMathBase<CPUApproximateMathPass> {
  using Base::Base;

  void runOnOperation() override {
    llvm::StringSet<> enabled;
    for (const std::string &name : ops)
      enabled.insert(name);
    if (ops.empty())
      for (StringRef name : {"exp", "expm1", "tanh", "erf", "log", "log1p", "log2"})
        enabled.insert(name);
    // The predicate sees op names with or without the dialect prefix
    // depending on the MLIR version: accept both.
    auto predicate = [&](StringRef name) {
      name.consume_front("math.");
      return enabled.contains(name);
    };
    if (enabled.contains("log") || enabled.contains("log2"))
      scaleSubnormalLogArguments(getOperation());
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns, predicate);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
