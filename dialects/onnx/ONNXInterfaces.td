//===- ONNXInterfaces.td - Interfaces of the onnx dialect --*- tablegen -*-===//
#ifndef STEED_ONNX_INTERFACES
#define STEED_ONNX_INTERFACES

include "mlir/IR/OpBase.td"

def ONNX_InferShapesOpInterface : OpInterface<"InferShapesOpInterface"> {
  let cppNamespace = "::steed::onnx";
  let description = [{
    Computes the result types of an op from its operand types (and the
    values of constant operands, e.g. a Reshape's shape) and sets them on the
    op. Unknown dimensions stay dynamic. Fails with a diagnostic on the op
    when the operands are inconsistent (e.g. shapes that do not broadcast).
  }];
  let methods = [
    InterfaceMethod<"Infer and set the result types.", "::mlir::LogicalResult",
                    "inferShapes", (ins)>,
  ];
}

#endif // STEED_ONNX_INTERFACES
