// RUN: steed-opt %s --canonicalize --split-input-file | FileCheck %s

// Small constants fold through arithmetic (shape computations, mostly).
// CHECK-LABEL: func.func @fold_add
// CHECK:       %[[C:.*]] = onnx.Constant dense<[4, 6]> : tensor<2xi64>
// CHECK-NOT:   onnx.Add
// CHECK:       return %[[C]]
func.func @fold_add() -> tensor<2xi64> {
  %a = onnx.Constant dense<[1, 2]> : tensor<2xi64>
  %b = onnx.Constant dense<[3, 4]> : tensor<2xi64>
  %0 = onnx.Add %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @fold_mul_f32
// CHECK:       onnx.Constant dense<6.000000e+00> : tensor<3xf32>
func.func @fold_mul_f32() -> tensor<3xf32> {
  %a = onnx.Constant dense<2.0> : tensor<3xf32>
  %b = onnx.Constant dense<3.0> : tensor<3xf32>
  %0 = onnx.Mul %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Broadcasting folds too (torch's shape arithmetic: i64 scalar - [1]).
// CHECK-LABEL: func.func @fold_broadcast
// CHECK-DAG:   onnx.Constant dense<{{\[}}[2, 3], [3, 4]]> : tensor<2x2xi64>
// CHECK-DAG:   onnx.Constant dense<4> : tensor<1xi64>
// CHECK-NOT:   onnx.Add
// CHECK-NOT:   onnx.Sub
func.func @fold_broadcast() -> (tensor<2x2xi64>, tensor<1xi64>) {
  %a = onnx.Constant dense<[1, 2]> : tensor<2xi64>
  %b = onnx.Constant dense<[[1], [2]]> : tensor<2x1xi64>
  %0 = onnx.Add %a, %b : (tensor<2xi64>, tensor<2x1xi64>) -> tensor<2x2xi64>
  %s = onnx.Constant dense<5> : tensor<i64>
  %one = onnx.Constant dense<[1]> : tensor<1xi64>
  %1 = onnx.Sub %s, %one : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  return %0, %1 : tensor<2x2xi64>, tensor<1xi64>
}

// -----

// Not folded: a non-constant operand, and unsigned arithmetic.
// CHECK-LABEL: func.func @no_fold
// CHECK:       onnx.Sub
// CHECK:       onnx.Div
func.func @no_fold(%x: tensor<2xi64>) -> (tensor<2xi64>, tensor<1xui8>) {
  %a = onnx.Constant dense<[1, 2]> : tensor<2xi64>
  %1 = onnx.Sub %x, %a : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %u = onnx.Constant dense<[200]> : tensor<1xui8>
  %v = onnx.Constant dense<[3]> : tensor<1xui8>
  %2 = onnx.Div %u, %v : (tensor<1xui8>, tensor<1xui8>) -> tensor<1xui8>
  return %1, %2 : tensor<2xi64>, tensor<1xui8>
}

// -----

// Division by an integer zero is left alone (UB at run time, not at compile time).
// CHECK-LABEL: func.func @no_fold_div_zero
// CHECK:       onnx.Div
func.func @no_fold_div_zero() -> tensor<1xi64> {
  %a = onnx.Constant dense<[1]> : tensor<1xi64>
  %b = onnx.Constant dense<[0]> : tensor<1xi64>
  %0 = onnx.Div %a, %b : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  return %0 : tensor<1xi64>
}
