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
