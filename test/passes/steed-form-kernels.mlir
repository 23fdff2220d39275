// RUN: steed-opt %s --steed-form-kernels --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @one_group_per_op
// CHECK:       %[[A:.*]] = exec.group(%arg0, %arg1) {nodes = ["Add"]} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32> {
// CHECK:         onnx.Add
// CHECK:         exec.yield
// CHECK:       exec.group(%[[A]]) {nodes = ["Relu"]} : (tensor<2x3xf32>) -> tensor<2x3xf32> {
// CHECK:         onnx.Relu
func.func @one_group_per_op(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %a = onnx.Add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %r = onnx.Relu %a : tensor<2x3xf32> -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// Small constants are cloned into the group; big ones flow in as inputs.
// CHECK-LABEL: func.func @constants
// CHECK:       %[[W:.*]] = onnx.Constant dense<1.000000e+00> : tensor<100xf32>
// CHECK:       exec.group(%arg0, %[[W]])
// CHECK:         onnx.Constant dense<2.000000e+00> : tensor<1xf32>
// CHECK-NOT:     onnx.Constant
// CHECK:         exec.yield
func.func @constants(%x: tensor<100xf32>) -> tensor<100xf32> {
  %big = onnx.Constant dense<1.0> : tensor<100xf32>
  %small = onnx.Constant dense<2.0> : tensor<1xf32>
  %a = onnx.Add %x, %big : (tensor<100xf32>, tensor<100xf32>) -> tensor<100xf32>
  %b = onnx.Mul %a, %small : (tensor<100xf32>, tensor<1xf32>) -> tensor<100xf32>
  return %b : tensor<100xf32>
}

// -----

// Constants alone never form a group.
// CHECK-LABEL: func.func @no_group_for_constants
// CHECK-NOT:   exec.group
func.func @no_group_for_constants() -> tensor<2xf32> {
  %c = onnx.Constant dense<1.0> : tensor<2xf32>
  return %c : tensor<2xf32>
}

// -----

// A control-flow op is one group with its bodies; values its bodies capture
// from above become group inputs (exec.group is isolated from above), small
// constants among them are cloned in. The ops of the bodies form no groups
// of their own.
// CHECK-LABEL: func.func @control_flow_captures
// CHECK:       %[[W:.*]] = onnx.Constant dense<1.000000e+00> : tensor<100xf32>
// CHECK:       exec.group(%arg0, %arg1, %[[W]]) {nodes = ["If"]} : (tensor<i1>, tensor<100xf32>, tensor<100xf32>) -> tensor<100xf32> {
// CHECK:       ^bb0(%[[C:.*]]: tensor<i1>, %[[X:.*]]: tensor<100xf32>, %[[WI:.*]]: tensor<100xf32>):
// CHECK:         %[[K:.*]] = onnx.Constant dense<2.000000e+00> : tensor<1xf32>
// CHECK:         onnx.If %[[C]]
// CHECK:           onnx.Add %[[X]], %[[WI]]
// CHECK:         } else {
// CHECK:           onnx.Mul %[[X]], %[[K]]
// CHECK:         exec.yield
// CHECK-NOT:   exec.group
func.func @control_flow_captures(%c: tensor<i1>, %x: tensor<100xf32>) -> tensor<100xf32> {
  %big = onnx.Constant dense<1.0> : tensor<100xf32>
  %small = onnx.Constant dense<2.0> : tensor<1xf32>
  %r = onnx.If %c : (tensor<i1>) -> tensor<100xf32> {
    %a = onnx.Add %x, %big : (tensor<100xf32>, tensor<100xf32>) -> tensor<100xf32>
    onnx.Yield %a : tensor<100xf32>
  } else {
    %m = onnx.Mul %x, %small : (tensor<100xf32>, tensor<1xf32>) -> tensor<100xf32>
    onnx.Yield %m : tensor<100xf32>
  }
  return %r : tensor<100xf32>
}
