//===- ShapeHelpers.h - Helpers for onnx result-type inference --*- C++ -*-===//
//
// Used by the op families' inferShapes() and by lowerings that need the same
// facts (broadcast shapes, constant operand values, normalized axes).
//
#ifndef STEED_DIALECTS_ONNX_SHAPEHELPERS_H
#define STEED_DIALECTS_ONNX_SHAPEHELPERS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include <optional>

namespace steed::onnx {

/// True for a `none` value (a missing optional input).
bool isNone(mlir::Value v);

/// The ranked tensor type of `v`, or null when unranked/not a tensor.
mlir::RankedTensorType getRanked(mlir::Value v);

/// Numpy broadcast of two shapes (dynamic dims stay dynamic); nullopt when
/// they do not broadcast.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// The integer values of a constant operand (any int element type), or
/// nullopt when `v` is not produced by a constant.
std::optional<llvm::SmallVector<int64_t>> getConstantInts(mlir::Value v);
/// The entries of a 1-D integer shape operand as far as they are known at
/// compile time: a constant, or a Concat (axis 0) of constants and run-time
/// pieces (e.g. a batch size taken from Shape). Unknown entries are nullopt.
/// nullopt as a whole when not even the length is known.
std::optional<llvm::SmallVector<std::optional<int64_t>>> getPartialConstantInts(mlir::Value v);
/// A 1-element shape entry that is a dim of a tensor at run time:
/// `Gather(Shape(x), k)` (possibly unsqueezed to 1-D or cast) gives (x, k).
std::optional<std::pair<mlir::Value, int64_t>> shapeEntryDim(mlir::Value piece);
/// Whether dim `i` of `a` and dim `j` of `b` are provably equal at run time,
/// by following `b` back through ops that carry a dim over unchanged
/// (Transpose, Reshape entries taken from a Shape, elementwise unary ops, the
/// batch dim of Conv/pools/normalizations, Concat's other axes).
bool provablySameDim(mlir::Value a, int64_t i, mlir::Value b, int64_t j);
/// The float values of a constant operand (any float or int element type).
std::optional<llvm::SmallVector<double>> getConstantFloats(mlir::Value v);

/// Normalizes `axis` in [-rank, rank) to [0, rank); emits an error on `op`
/// and returns nullopt when out of range.
std::optional<int64_t> normalizeAxis(mlir::Operation *op, int64_t axis,
                                     int64_t rank);

/// Sets result `idx` of `op` to a ranked tensor type.
void setResultType(mlir::Operation *op, unsigned idx,
                   llvm::ArrayRef<int64_t> shape, mlir::Type elementType);
/// Sets result `idx` of `op` to `type`.
void setResultType(mlir::Operation *op, unsigned idx, mlir::Type type);

} // namespace steed::onnx

#endif
