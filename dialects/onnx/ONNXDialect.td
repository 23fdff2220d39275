//===- ONNXDialect.td - The onnx dialect -------------------*- tablegen -*-===//
#ifndef STEED_ONNX_DIALECT
#define STEED_ONNX_DIALECT

include "mlir/IR/OpBase.td"

def ONNX_Dialect : Dialect {
  let name = "onnx";
  let summary = "ONNX operators in their current-opset form";
  let description = [{
    One op per ONNX operator, in the form of the newest opset Steed knows.
    The importer normalizes older opsets to this form (attributes that became
    inputs, changed defaults), so passes see one version of each operator.
    Missing optional inputs are `none` values (`onnx.None`).
  }];
  let cppNamespace = "::steed::onnx";
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 0;
}

#endif // STEED_ONNX_DIALECT
