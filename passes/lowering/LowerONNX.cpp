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
    // The framework's own "failed to legalize" diagnostics are replaced by
    // one error naming the op and its types.
    LogicalResult converted = success();
    {
      ScopedDiagnosticHandler silence(ctx, [](Diagnostic &) { return success(); });
      converted = applyPartialConversion(getOperation(), target, std::move(patterns));
    }
    if (failed(converted)) {
      getOperation().walk([&](Operation *op) {
        if (isa<onnx::ONNXDialect>(op->getDialect()) && !isa<onnx::NoneOp>(op)) {
          op->emitError() << "cannot lower " << op->getName() << " with types "
                          << op->getOperandTypes() << " -> " << op->getResultTypes();
          return WalkResult::interrupt();
        }
        return WalkResult::advance();
      });
      return signalPassFailure();
    }
    getOperation().walk([](onnx::NoneOp op) {
      if (op->use_empty())
        op->erase();
    });
  }
};
} // namespace
