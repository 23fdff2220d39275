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

// Not folded: a broadcast (result type differs from an operand's) and a
// non-constant operand.
// CHECK-LABEL: func.func @no_fold
// CHECK:       onnx.Add
// CHECK:       onnx.Sub
func.func @no_fold(%x: tensor<2xi64>) -> (tensor<2x2xi64>, tensor<2xi64>) {
  %a = onnx.Constant dense<[1, 2]> : tensor<2xi64>
  %b = onnx.Constant dense<[[1], [2]]> : tensor<2x1xi64>
  %0 = onnx.Add %a, %b : (tensor<2xi64>, tensor<2x1xi64>) -> tensor<2x2xi64>
  %1 = onnx.Sub %x, %a : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0, %1 : tensor<2x2xi64>, tensor<2xi64>
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
