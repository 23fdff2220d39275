//===- LowerONNX.cpp - onnx -> linalg/tensor/arith/math -------------------===//
//
// Sets up the conversion target; the patterns live in one file per family.
//
#include "dialects/exec/ExecOps.h"
#include "dialects/onnx/ONNXOps.h"
#include "passes/Passes.h"
#include "passes/lowering/LoweringUtils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/TypeUtilities.h"

namespace steed {
#define GEN_PASS_DEF_LOWERONNX
#include "passes/Passes.h.inc"
} // namespace steed

using namespace mlir;
using namespace steed;

namespace {
/// The onnx ops whose lowerings only move, select or convert elements, so
/// float8/float4 values (carried as their bit patterns) pass through them
/// unchanged. Every other op (arithmetic) refuses narrow floats, as ONNX
/// does, instead of computing on bit patterns.
bool acceptsNarrowFloats(Operation *op) {
  return isa<onnx::ConstantOp, onnx::NoneOp, onnx::CastOp, onnx::QuantizeLinearOp,
             onnx::DequantizeLinearOp, onnx::BitCastOp, onnx::IdentityOp, onnx::ReshapeOp,
             onnx::FlattenOp, onnx::SqueezeOp, onnx::UnsqueezeOp, onnx::TransposeOp,
             onnx::ShapeOp, onnx::SizeOp, onnx::ConcatOp, onnx::SplitOp, onnx::SliceOp,
             onnx::GatherOp, onnx::GatherElementsOp, onnx::GatherNDOp, onnx::ExpandOp,
             onnx::TileOp, onnx::WhereOp>(op);
}

LogicalResult checkNarrowFloats(Operation *root) {
  WalkResult r = root->walk([](Operation *op) {
    if (!isa<onnx::ONNXDialect>(op->getDialect()) || acceptsNarrowFloats(op))
      return WalkResult::advance();
    for (TypeRange types : {TypeRange(op->getOperandTypes()), TypeRange(op->getResultTypes())})
      for (Type t : types)
        if (getNarrowFloatFormat(getElementTypeOrSelf(t))) {
          op->emitError() << op->getName() << " on " << getElementTypeOrSelf(t)
                          << " is not supported (float8/float4 values can only be "
                             "converted, quantized or moved)";
          return WalkResult::interrupt();
        }
    return WalkResult::advance();
  });
  return failure(r.wasInterrupted());
}

struct LowerONNXPass : steed::impl::LowerONNXBase<LowerONNXPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    if (failed(checkNarrowFloats(getOperation())))
      return signalPassFailure();
    ONNXLoweringTypeConverter converter;
    RewritePatternSet patterns(ctx);
    populateTensorLoweringPatterns(converter, patterns);
    populateElementwiseLoweringPatterns(converter, patterns);
    populateMatmulConvLoweringPatterns(converter, patterns);
    populateReductionLoweringPatterns(converter, patterns);
    populateNormalizationLoweringPatterns(converter, patterns);
    populatePoolingLoweringPatterns(converter, patterns);
    populateDataMovementLoweringPatterns(converter, patterns);
    populateSeparableLoweringPatterns(converter, patterns);
    populateSamplingLoweringPatterns(converter, patterns);
    populateQuantizationLoweringPatterns(converter, patterns);
    populateControlFlowLoweringPatterns(converter, patterns);
    populateSelectionLoweringPatterns(converter, patterns);

    ConversionTarget target(*ctx);
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect, scf::SCFDialect,
                           func::FuncDialect, exec::ExecDialect>();
    target.addIllegalDialect<onnx::ONNXDialect>();
    target.addLegalOp<onnx::NoneOp>(); // dies once its users are lowered
    // Report the first op that could not be lowered, at its node.
    // The framework reports "failed to legalize operation 'X'" for the op it
    // could not convert; keep that op's location and name and report it
    // once, in Steed's words, with its types.
    std::optional<Location> failedLoc;
    std::string failedName;
    LogicalResult converted = success();
    {
      ScopedDiagnosticHandler capture(ctx, [&](Diagnostic &diag) {
        if (diag.getSeverity() != DiagnosticSeverity::Error || failedLoc)
          return success();
        failedLoc = diag.getLocation();
        std::string text = diag.str();
        StringRef msg = text;
        size_t open = msg.find('\'');
        if (open != StringRef::npos)
          failedName = msg.substr(open + 1).take_until([](char c) { return c == '\''; }).str();
        return success();
      });
      converted = applyPartialConversion(getOperation(), target, std::move(patterns));
    }
    if (failed(converted)) {
      Operation *culprit = nullptr;
      getOperation().walk([&](Operation *op) {
        if (isa<onnx::ONNXDialect>(op->getDialect()) && !isa<onnx::NoneOp>(op) &&
            (!failedLoc || op->getLoc() == *failedLoc) &&
            (failedName.empty() || op->getName().getStringRef() == failedName)) {
          culprit = op;
          return WalkResult::interrupt();
        }
        return WalkResult::advance();
      });
      if (culprit)
        culprit->emitError() << "cannot lower " << culprit->getName() << " with types "
                             << culprit->getOperandTypes() << " -> "
                             << culprit->getResultTypes();
      else
        emitError(failedLoc.value_or(getOperation().getLoc()))
            << "cannot lower " << (failedName.empty() ? "an onnx op" : failedName);
      return signalPassFailure();
    }
    getOperation().walk([](onnx::NoneOp op) {
      if (op->use_empty())
        op->erase();
    });
  }
};
} // namespace
