//===- ONNXTensorOps.td - Constants and type-level onnx ops *- tablegen -*-===//
#ifndef STEED_ONNX_TENSOR_OPS
#define STEED_ONNX_TENSOR_OPS

include "dialects/onnx/ONNXBase.td"

def ONNX_ConstantOp : ONNX_Op<"Constant", [ConstantLike]> {
  let summary = "constant tensor (ONNX Constant and initializers)";
  let description = [{
    The importer folds every `value_*` attribute form of ONNX Constant into
    `value`. Large initializers are `dense_resource` blobs, so weights are
    never printed or copied element by element.
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs AnyTensor:$output);
  let hasFolder = 1;
  let hasCustomAssemblyFormat = 1;
  let builders = [OpBuilder<(ins "::mlir::ElementsAttr":$value), [{
    build($_builder, $_state, value.getType(), value);
  }]>];
}

def ONNX_NoneOp : Op<ONNX_Dialect, "None", [Pure, ConstantLike]> {
  let summary = "the missing optional input";
  let results = (outs NoneType:$none);
  let assemblyFormat = "attr-dict";
  let hasFolder = 1;
}

#endif // STEED_ONNX_TENSOR_OPS
