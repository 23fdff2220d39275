//===- LoweringUtils.h - Shared helpers of the onnx lowering ----*- C++ -*-===//
//
// Helpers every pattern file of the onnx -> linalg/tensor/arith/math
// lowering uses. Conventions:
//  * patterns are OpConversionPatterns using the lowering's TypeConverter:
//    unsigned integer tensors become signless (ui8 -> i8); the original
//    (signed/unsigned) element type is read from the *onnx* op's operands;
//  * f16/bf16 compute in f32 inside scalar bodies (extendToF32/truncateFrom);
//  * a missing optional operand is a NoneType value (onnx::isNone).
//
#ifndef STEED_PASSES_LOWERING_LOWERINGUTILS_H
#define STEED_PASSES_LOWERING_LOWERINGUTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace steed {

/// ui<N> -> i<N>; everything else unchanged. Tensors convert their element
/// type. Materializes with tensor.bitcast.
class ONNXLoweringTypeConverter : public mlir::TypeConverter {
public:
  ONNXLoweringTypeConverter();
};

/// The element type the lowered code carries for a logical element type:
/// ui<N> -> i<N>, float8 types -> i8 and f4E2M1FN -> i4 (their bit
/// patterns; see NarrowFloats.cpp); everything else unchanged.
mlir::Type toSignless(mlir::Type elementType);

/// A float format LLVM cannot compute in (float8 and float4 types).
struct NarrowFloatFormat {
  enum Kind {
    FN,     ///< no infinity, NaN = all ones (E4M3FN)
    FNUZ,   ///< no infinity, no -0, NaN = sign bit only (E4M3FNUZ, E5M2FNUZ)
    IEEE,   ///< infinities and NaNs like IEEE (E5M2)
    Finite, ///< no infinity, no NaN (E2M1FN)
  };
  unsigned width;        ///< total bits
  unsigned mantissaBits;
  int bias;
  Kind kind;
  uint32_t maxCode;      ///< code of the largest finite value
};
/// The format of `type`, or none when `type` is not a narrow float.
std::optional<NarrowFloatFormat> getNarrowFloatFormat(mlir::Type type);
/// The f32 value of the code `code` (i8 or i4) of format `fmt`.
mlir::Value decodeNarrowFloat(mlir::OpBuilder &b, mlir::Location loc, mlir::Value code,
                              const NarrowFloatFormat &fmt);
/// The code (i8 or i4) of f32 `x` in format `fmt`, rounded to nearest even;
/// overflow and NaN as ONNX Cast with `saturate`.
mlir::Value encodeNarrowFloat(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                              const NarrowFloatFormat &fmt, bool saturate);

/// A tensor.empty of `shape` (static) and `elementType` (signless).
mlir::Value createEmptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                              llvm::ArrayRef<int64_t> shape, mlir::Type elementType);

/// A constant scalar of `type` (float or integer, signless) with `value`.
mlir::Value createScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                         double value);

/// Converts a scalar `value` whose logical element type is `from` (may be
/// unsigned, i1, float, float8/float4) to the logical type `to`, with ONNX
/// Cast semantics (float->int truncates toward zero, int->float respects
/// signedness, ->bool is `!= 0`, ->4-bit integers wrap, ->float8/float4
/// rounds to nearest even with `saturate`). Returns a signless value.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                          mlir::Type from, mlir::Type to, bool saturate = true);

/// The affine map that reads an operand of `operandShape` inside a loop nest
/// over `resultShape` with numpy broadcasting (size-1 dims read index 0,
/// missing leading dims are dropped).
mlir::AffineMap getBroadcastMap(mlir::MLIRContext *ctx,
                                llvm::ArrayRef<int64_t> operandShape,
                                llvm::ArrayRef<int64_t> resultShape);

/// Builds `linalg.generic` over `resultType`'s shape, all loops parallel,
/// reading `inputs` with broadcasting and calling `body` with one scalar per
/// input; `body` returns the scalar result. Returns the result tensor.
mlir::Value buildElementwise(
    mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange inputs,
    mlir::RankedTensorType resultType,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)> body);

/// Emits "dynamic shapes are not supported yet" style errors uniformly:
/// fails the match unless every operand/result tensor of `op` is static.
/// Fails (no match) for unranked operand or result types; dynamic
/// dimensions are fine.
mlir::LogicalResult requireRankedShapes(mlir::Operation *op,
                                        mlir::ConversionPatternRewriter &rewriter);

/// The run-time sizes of the broadcast of `inputs` to `resultType`
/// (constants where static).
llvm::SmallVector<mlir::OpFoldResult> broadcastSizes(mlir::OpBuilder &b, mlir::Location loc,
                                                     mlir::ValueRange inputs,
                                                     mlir::RankedTensorType resultType);

mlir::LogicalResult requireStaticShapes(mlir::Operation *op,
                                        mlir::ConversionPatternRewriter &rewriter);

//===----------------------------------------------------------------------===//
// Pattern families (one file each in passes/lowering/).
//===----------------------------------------------------------------------===//
void populateElementwiseLoweringPatterns(const mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns);
void populateMatmulConvLoweringPatterns(const mlir::TypeConverter &converter,
                                        mlir::RewritePatternSet &patterns);
void populateReductionLoweringPatterns(const mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);
void populateNormalizationLoweringPatterns(const mlir::TypeConverter &converter,
                                           mlir::RewritePatternSet &patterns);
void populatePoolingLoweringPatterns(const mlir::TypeConverter &converter,
                                     mlir::RewritePatternSet &patterns);
void populateDataMovementLoweringPatterns(const mlir::TypeConverter &converter,
                                          mlir::RewritePatternSet &patterns);
/// Ops with one dynamic dimension along which they are separable (batch of
/// a conv, rows of a matmul, ...) as a loop over static slices
/// (lowering/Separable.cpp).
void populateSeparableLoweringPatterns(const mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);
void populateTensorLoweringPatterns(const mlir::TypeConverter &converter,
                                    mlir::RewritePatternSet &patterns);
void populateSamplingLoweringPatterns(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns);
void populateQuantizationLoweringPatterns(const mlir::TypeConverter &converter,
                                          mlir::RewritePatternSet &patterns);
void populateControlFlowLoweringPatterns(const mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns);
/// Ops whose result sizes depend on operand values (NonZero, Compress,
/// Unique, NonMaxSuppression; lowering/Selection.cpp).
void populateSelectionLoweringPatterns(const mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);


//===----------------------------------------------------------------------===//
// Reductions (defined in Reduction.cpp; used by the normalization family).
//===----------------------------------------------------------------------===//

/// A tensor of `shape` filled with the scalar `value` (tensor.empty +
/// linalg.fill).
mlir::Value createFilledTensor(mlir::OpBuilder &b, mlir::Location loc,
                               llvm::ArrayRef<int64_t> shape, mlir::Value value);

/// One linalg.generic over the loop nest `shape` whose dimensions d with
/// `reduced[d]` are reduction loops. `inputs` are read with numpy
/// broadcasting against `shape` (so a keepdims-shaped statistic broadcasts
/// along the reduced dimensions). Accumulator i starts at the scalar
/// `inits[i]`; `body(b, loc, inputScalars, accumulators)` returns the new
/// accumulators. Results have `shape` without the reduced dimensions, or with
/// them set to 1 when `keepDims`.
llvm::SmallVector<mlir::Value> buildReduction(
    mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange inputs,
    llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<bool> reduced, mlir::ValueRange inits,
    bool keepDims,
    llvm::function_ref<llvm::SmallVector<mlir::Value>(
        mlir::OpBuilder &, mlir::Location, mlir::ValueRange, mlir::ValueRange)>
        body);

} // namespace steed

#endif
