//===- ONNXBase.td - Base classes of onnx ops --------------*- tablegen -*-===//
//
// Conventions shared by every onnx op:
//  * operand and attribute names are ONNX's, so the importer maps a node
//    generically (ONNX `int` -> I64Attr, `float` -> F32Attr, `ints` ->
//    DenseI64ArrayAttr, `floats` -> DenseF32ArrayAttr, `string` -> StrAttr,
//    `tensor` -> ElementsAttr);
//  * a missing optional input is a `none` value (ONNX_OptTensor);
//  * every op infers its result types (InferShapesOpInterface).
//
#ifndef STEED_ONNX_BASE
#define STEED_ONNX_BASE

include "dialects/onnx/ONNXDialect.td"
include "dialects/onnx/ONNXInterfaces.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def ONNX_OptTensor : AnyTypeOf<[AnyTensor, NoneType], "tensor or none">;

class ONNX_Op<string mnemonic, list<Trait> traits = []>
    : Op<ONNX_Dialect, mnemonic,
         !listconcat(traits, [Pure, DeclareOpInterfaceMethods<ONNX_InferShapesOpInterface>])>;

// Y = f(X), same shape; element type given by `resultElementType()` (the
// operand's unless the op overrides it, e.g. Not, IsNaN).
class ONNX_UnaryOp<string mnemonic, list<Trait> traits = []>
    : ONNX_Op<mnemonic, traits> {
  let arguments = (ins AnyTensor:$X);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` type($X) `->` type($Y)";
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::inferShapes() {
      return ::steed::onnx::inferUnaryShapes(getOperation());
    }
  }];
}

// C = A op B with multidirectional (numpy) broadcasting.
class ONNX_BinaryOp<string mnemonic, list<Trait> traits = []>
    : ONNX_Op<mnemonic, traits> {
  let arguments = (ins AnyTensor:$A, AnyTensor:$B);
  let results = (outs AnyTensor:$C);
  let assemblyFormat = "$A `,` $B attr-dict `:` functional-type(operands, results)";
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::inferShapes() {
      return ::steed::onnx::inferBroadcastShapes(getOperation(), /*boolResult=*/false);
    }
  }];
}

// Comparisons and logical ops: broadcasting, bool (i1) result. All fold
// constant operands (ONNXFolds.cpp).
class ONNX_CompareOp<string mnemonic, list<Trait> traits = []>
    : ONNX_BinaryOp<mnemonic, traits> {
  let hasFolder = 1;
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::inferShapes() {
      return ::steed::onnx::inferBroadcastShapes(getOperation(), /*boolResult=*/true);
    }
  }];
}

// Variadic broadcasting ops (Max, Min, Sum, Mean); they fold constants.
class ONNX_VariadicOp<string mnemonic, list<Trait> traits = []>
    : ONNX_Op<mnemonic, traits> {
  let hasFolder = 1;
  let arguments = (ins Variadic<AnyTensor>:$data_0);
  let results = (outs AnyTensor:$result);
  let assemblyFormat = "$data_0 attr-dict `:` functional-type(operands, results)";
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::inferShapes() {
      return ::steed::onnx::inferBroadcastShapes(getOperation(), /*boolResult=*/false);
    }
  }];
}

#endif // STEED_ONNX_BASE
