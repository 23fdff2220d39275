// RUN: steed-opt %s --split-input-file --verify-diagnostics --steed-infer-shapes | FileCheck %s

// Result types follow the (newly pinned) argument types.
// CHECK-LABEL: func.func @propagate
// CHECK-SAME:  -> tensor<2x5xf32>
// CHECK:       onnx.Add {{.*}} -> tensor<2x4xf32>
// CHECK:       onnx.MatMul {{.*}} -> tensor<2x5xf32>
func.func @propagate(%x: tensor<2x4xf32>, %y: tensor<4xf32>, %w: tensor<4x5xf32>) -> tensor<*xf32> {
  %0 = onnx.Add %x, %y : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<*xf32>
  %1 = onnx.MatMul %0, %w : (tensor<*xf32>, tensor<4x5xf32>) -> tensor<*xf32>
  return %1 : tensor<*xf32>
}

// -----

// Comparisons give i1 whatever the operand type.
// CHECK-LABEL: func.func @compare
// CHECK:       onnx.Equal {{.*}} -> tensor<3x2xi1>
func.func @compare(%x: tensor<3x1xi64>, %y: tensor<2xi64>) -> tensor<*xi1> {
  %0 = onnx.Equal %x, %y : (tensor<3x1xi64>, tensor<2xi64>) -> tensor<*xi1>
  return %0 : tensor<*xi1>
}

// -----

func.func @no_broadcast(%x: tensor<3xf32>, %y: tensor<4xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{operands do not broadcast}}
  %0 = onnx.Add %x, %y : (tensor<3xf32>, tensor<4xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @bad_contraction(%x: tensor<2x3xf32>, %y: tensor<4x5xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{contraction dimensions differ}}
  %0 = onnx.MatMul %x, %y : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// Pad with run-time pads: the padded dims are unknown, the dims that
// constant axes leave alone keep their size; without axes every dim is
// unknown.
// CHECK-LABEL: func.func @pad_runtime_pads
// CHECK:       onnx.Pad {{.*}} -> tensor<3x?x?xf32>
// CHECK:       onnx.Pad {{.*}} -> tensor<?x?x?xf32>
func.func @pad_runtime_pads(%x: tensor<3x20x8xf32>, %p: tensor<4xi64>, %q: tensor<6xi64>) -> (tensor<*xf32>, tensor<*xf32>) {
  %n = onnx.None
  %a = onnx.Constant dense<[1, -1]> : tensor<2xi64>
  %0 = onnx.Pad %x, %p, %n, %a : (tensor<3x20x8xf32>, tensor<4xi64>, none, tensor<2xi64>) -> tensor<*xf32>
  %1 = onnx.Pad %x, %q, %n, %n : (tensor<3x20x8xf32>, tensor<6xi64>, none, none) -> tensor<*xf32>
  return %0, %1 : tensor<*xf32>, tensor<*xf32>
}
