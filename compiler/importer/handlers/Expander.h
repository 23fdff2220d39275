//===- Expander.h - Builder for import-time expansions ----------*- C++ -*-===//
//
// Handlers that expand one ONNX node into many basic onnx ops (recurrent
// nets, linear attention, DFT, ...) build them through an Expander: every
// call creates and infers one onnx op through the NodeImporter. After the
// first failure (already diagnosed at the node) every further call returns
// a null value without creating anything, so a handler checks `failed()`
// once at the end instead of after every op.
//
#ifndef STEED_COMPILER_IMPORTER_HANDLERS_EXPANDER_H
#define STEED_COMPILER_IMPORTER_HANDLERS_EXPANDER_H

#include "compiler/importer/OpRegistry.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

namespace steed {

class Expander {
public:
  explicit Expander(NodeImporter &n) : n(n), b(n.builder) {}

  NodeImporter &n;
  mlir::OpBuilder &b;

  bool failed() const { return bad; }
  /// Marks the expansion failed (after a diagnostic was emitted).
  mlir::Value fail() {
    bad = true;
    return {};
  }

  /// True when input `i` is given (not `none`).
  bool present(unsigned i) {
    mlir::Value v = n.input(i);
    return v && !onnx::isNone(v);
  }

  mlir::SmallVector<mlir::Value> ops(llvm::StringRef type, llvm::ArrayRef<mlir::Value> ins,
                                     llvm::ArrayRef<mlir::NamedAttribute> attrs,
                                     unsigned numResults) {
    if (bad)
      return mlir::SmallVector<mlir::Value>(numResults);
    auto r = n.createOp(type, ins, attrs, numResults);
    if (mlir::failed(r)) {
      bad = true;
      return mlir::SmallVector<mlir::Value>(numResults);
    }
    return *r;
  }
  mlir::Value op(llvm::StringRef type, llvm::ArrayRef<mlir::Value> ins,
                 llvm::ArrayRef<mlir::NamedAttribute> attrs = {}) {
    return ops(type, ins, attrs, 1)[0];
  }

  // Attributes.
  mlir::NamedAttribute intAttr(llvm::StringRef name, int64_t v) {
    return b.getNamedAttr(name, b.getI64IntegerAttr(v));
  }
  mlir::NamedAttribute floatAttr(llvm::StringRef name, float v) {
    return b.getNamedAttr(name, b.getF32FloatAttr(v));
  }
  mlir::NamedAttribute intsAttr(llvm::StringRef name, llvm::ArrayRef<int64_t> v) {
    return b.getNamedAttr(name, b.getDenseI64ArrayAttr(v));
  }

  // Constants.
  mlir::Value i64(llvm::ArrayRef<int64_t> v) { return bad ? mlir::Value() : n.constI64(v); }
  mlir::Value i64Scalar(int64_t v) { return bad ? mlir::Value() : n.constI64({v}, true); }
  /// A constant of element type `t` (a float type) with `shape` and `values`
  /// (one value: a splat).
  mlir::Value floats(mlir::Type t, llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<double> values) {
    if (bad)
      return {};
    auto type = mlir::RankedTensorType::get(shape, t);
    auto ft = mlir::cast<mlir::FloatType>(t);
    mlir::SmallVector<mlir::APFloat> vals;
    for (double v : values) {
      mlir::APFloat f(v);
      bool lost;
      f.convert(ft.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven, &lost);
      vals.push_back(f);
    }
    mlir::DenseElementsAttr attr = vals.size() == 1 ? mlir::DenseElementsAttr::get(type, vals[0])
                                                   : mlir::DenseElementsAttr::get(type, vals);
    return op("Constant", {}, {b.getNamedAttr("value", attr)});
  }
  /// A scalar constant of float element type `t`.
  mlir::Value scalar(mlir::Type t, double v) { return floats(t, {}, {v}); }

  // Types.
  static mlir::Type elemType(mlir::Value v) {
    return mlir::cast<mlir::ShapedType>(v.getType()).getElementType();
  }
  static llvm::ArrayRef<int64_t> shape(mlir::Value v) {
    return mlir::cast<mlir::RankedTensorType>(v.getType()).getShape();
  }

  // Common ops.
  mlir::Value cast(mlir::Value x, mlir::Type to) {
    if (bad || elemType(x) == to)
      return x;
    return op("Cast", {x}, {b.getNamedAttr("to", mlir::TypeAttr::get(to))});
  }
  mlir::Value transpose(mlir::Value x, llvm::ArrayRef<int64_t> perm) {
    return op("Transpose", {x}, {intsAttr("perm", perm)});
  }
  mlir::Value reshape(mlir::Value x, llvm::ArrayRef<int64_t> shape) {
    return op("Reshape", {x, i64(shape)});
  }
  mlir::Value slice(mlir::Value x, int64_t axis, int64_t start, int64_t end) {
    return op("Slice", {x, i64({start}), i64({end}), i64({axis}), bad ? mlir::Value() : n.none()});
  }
  mlir::Value concat(llvm::ArrayRef<mlir::Value> xs, int64_t axis) {
    if (xs.size() == 1)
      return xs[0];
    return op("Concat", xs, {intAttr("axis", axis)});
  }
  mlir::Value unsqueeze(mlir::Value x, llvm::ArrayRef<int64_t> axes) {
    return op("Unsqueeze", {x, i64(axes)});
  }
  mlir::Value squeeze(mlir::Value x, llvm::ArrayRef<int64_t> axes) {
    return op("Squeeze", {x, i64(axes)});
  }
  mlir::Value add(mlir::Value x, mlir::Value y) { return op("Add", {x, y}); }
  mlir::Value sub(mlir::Value x, mlir::Value y) { return op("Sub", {x, y}); }
  mlir::Value mul(mlir::Value x, mlir::Value y) { return op("Mul", {x, y}); }
  mlir::Value div(mlir::Value x, mlir::Value y) { return op("Div", {x, y}); }
  mlir::Value matmul(mlir::Value x, mlir::Value y) { return op("MatMul", {x, y}); }

private:
  bool bad = false;
};

} // namespace steed

#endif
