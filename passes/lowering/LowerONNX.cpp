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

namespace steed {
#define GEN_PASS_DEF_LOWERONNX
#include "passes/Passes.h.inc"
} // namespace steed

using namespace mlir;
using namespace steed;

namespace {
struct LowerONNXPass : steed::impl::LowerONNXBase<LowerONNXPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ONNXLoweringTypeConverter converter;
    RewritePatternSet patterns(ctx);
    populateTensorLoweringPatterns(converter, patterns);
    populateElementwiseLoweringPatterns(converter, patterns);
    populateMatmulConvLoweringPatterns(converter, patterns);
    populateReductionLoweringPatterns(converter, patterns);
    populateNormalizationLoweringPatterns(converter, patterns);
    populatePoolingLoweringPatterns(converter, patterns);
    populateDataMovementLoweringPatterns(converter, patterns);

    ConversionTarget target(*ctx);
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect, scf::SCFDialect,
                           func::FuncDialect, exec::ExecDialect>();
    target.addIllegalDialect<onnx::ONNXDialect>();
    target.addLegalOp<onnx::NoneOp>(); // dies once its users are lowered
    // Report the first op that could not be lowered, at its node.
    // The framework reports "failed to legalize operation 'X'" (and notes)
    // for the op that could not be converted; keep that op's location and
    // report it once, in Steed's words.
    std::optional<Location> failedLoc;
    std::string failedOp;
    LogicalResult converted = success();
    {
      ScopedDiagnosticHandler capture(ctx, [&](Diagnostic &diag) {
        if (diag.getSeverity() != DiagnosticSeverity::Error || failedLoc)
          return success();
        failedLoc = diag.getLocation();
        for (Diagnostic &note : diag.getNotes()) {
          std::string text = note.str();
          StringRef prefix = "see current operation: ";
          if (StringRef(text).starts_with(prefix))
            failedOp = text.substr(prefix.size());
        }
        if (failedOp.empty())
          failedOp = diag.str();
        return success();
      });
      converted = applyPartialConversion(getOperation(), target, std::move(patterns));
    }
    if (failed(converted)) {
      Location loc = failedLoc.value_or(getOperation().getLoc());
      emitError(loc) << "cannot lower " << failedOp;
      return signalPassFailure();
    }
    getOperation().walk([](onnx::NoneOp op) {
      if (op->use_empty())
        op->erase();
    });
  }
};
} // namespace
