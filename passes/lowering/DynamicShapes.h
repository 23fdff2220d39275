//===- DynamicShapes.h - Helpers for run-time-valued shapes -----*- C++ -*-===//
//
// Helpers of the lowerings whose result shapes depend on operand VALUES
// known only at run time (Reshape's shape, Expand's shape, Pad's pads,
// reduction axes, ...): reading shape-like operands as index values,
// building results of run-time sizes, and dispatching on a run-time choice
// among a few statically lowered variants (scf.index_switch).
//
#ifndef STEED_PASSES_LOWERING_DYNAMICSHAPES_H
#define STEED_PASSES_LOWERING_DYNAMICSHAPES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace steed {

/// Index arithmetic that folds constants (createOrFold), for lowerings that
/// compute sizes, offsets and coordinates at run time.
struct Idx {
  mlir::OpBuilder &b;
  mlir::Location loc;
  mlir::Value c(int64_t v);
  mlir::Value add(mlir::Value x, mlir::Value y);
  mlir::Value sub(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, mlir::Value y);
  mlir::Value min(mlir::Value x, mlir::Value y);
  mlir::Value max(mlir::Value x, mlir::Value y);
  mlir::Value cmp(mlir::arith::CmpIPredicate p, mlir::Value x, mlir::Value y);
  mlir::Value eq(mlir::Value x, mlir::Value y) { return cmp(mlir::arith::CmpIPredicate::eq, x, y); }
  mlir::Value sel(mlir::Value cond, mlir::Value x, mlir::Value y);
  mlir::Value andI(mlir::Value x, mlir::Value y);
  mlir::Value orI(mlir::Value x, mlir::Value y);
  /// 1 or 0 for an i1.
  mlir::Value boolToIndex(mlir::Value x) { return sel(x, c(1), c(0)); }
  /// x + (cond ? 1 : 0)
  mlir::Value addIf(mlir::Value x, mlir::Value cond) { return add(x, boolToIndex(cond)); }
  mlir::Value toIndex(mlir::Value v);
  mlir::Value toI64(mlir::Value v);
  mlir::Value product(llvm::ArrayRef<mlir::Value> vs);
  /// values[k] for a run-time k (a select chain).
  mlir::Value pick(llvm::ArrayRef<mlir::Value> values, mlir::Value k);
  /// The row-major coordinates of linear index `i` in `dims`.
  llvm::SmallVector<mlir::Value> delinearize(mlir::Value i, llvm::ArrayRef<mlir::Value> dims);
};

/// Element `j` of a 0-D or 1-D integer tensor `t` (any width, signless),
/// sign-extended to index (j is ignored for 0-D tensors).
mlir::Value extractIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value t, int64_t j);
/// Element `j` of a 0-D or 1-D tensor `t` as a scalar of its element type.
mlir::Value extractScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value t, int64_t j);

/// An index constant.
mlir::Value indexConst(mlir::OpBuilder &b, mlir::Location loc, int64_t v);

/// The size of dimension `d` of the ranked tensor `v`: an attribute when
/// static, else a tensor.dim.
mlir::OpFoldResult dimSize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, int64_t d);
llvm::SmallVector<mlir::OpFoldResult> dimSizes(mlir::OpBuilder &b, mlir::Location loc,
                                               mlir::Value v);

/// `i` if >= 0 else `i + size` (ONNX negative axes / indices), on index values.
mlir::Value wrapIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value i, mlir::Value size);

/// A tensor.empty of `sizes` for a result of `type` (the static dims of
/// `type` win over `sizes`), cast to `type` when its static facts differ.
mlir::Value createEmptyOfType(mlir::OpBuilder &b, mlir::Location loc,
                              llvm::ArrayRef<mlir::OpFoldResult> sizes,
                              mlir::RankedTensorType type);

/// A linalg.generic without inputs over `sizes` writing a tensor of `type`:
/// `body(b, loc, ivs)` gets the output indices (linalg.index) and returns the
/// element.
mlir::Value buildGenerate(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
    llvm::ArrayRef<mlir::OpFoldResult> sizes,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)> body);

/// Runs one of several static lowerings chosen at run time: an
/// scf.index_switch on `selector` (an index equal to one of `caseValues`;
/// the last case is the default) whose case c is `body(b, loc, c)`, each
/// result tensor.cast to `resultType`.
mlir::Value buildSwitch(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value selector,
    llvm::ArrayRef<int64_t> caseValues,
    mlir::RankedTensorType resultType,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, int64_t)> body);

/// `src` (any ranked tensor, static or dynamic) reshaped to `sizes` (same
/// element count, row-major): through 1-D with collapse/expand_shape.
mlir::Value reshapeToSizes(mlir::OpBuilder &b, mlir::Location loc, mlir::Value src,
                           llvm::ArrayRef<mlir::OpFoldResult> sizes,
                           mlir::RankedTensorType type);

/// A copy of `src` into a new tensor of the same (possibly dynamic) shape.
mlir::Value copyToNewDynamic(mlir::OpBuilder &b, mlir::Location loc, mlir::Value src);

/// Patterns of DynamicDataMovement.cpp (added by the data-movement family).
void populateDynamicDataMovementLoweringPatterns(const mlir::TypeConverter &converter,
                                                 mlir::RewritePatternSet &patterns);

} // namespace steed

#endif
