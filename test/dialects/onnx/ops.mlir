// RUN: steed-opt %s | steed-opt | FileCheck %s
// Round trip of the onnx dialect's syntax.

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xi1> {
  // CHECK: onnx.Add %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = onnx.Add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.LeakyRelu %{{.*}} {alpha = 2.000000e-01 : f32} : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = onnx.LeakyRelu %0 {alpha = 0.2 : f32} : tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: onnx.Gelu %{{.*}} {approximate = "tanh"}
  %2 = onnx.Gelu %1 {approximate = "tanh"} : tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: onnx.Max %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = onnx.Max %2, %b, %0 : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Less {{.*}} -> tensor<2x3xi1>
  %4 = onnx.Less %3, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  return %4 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @constants_and_none
func.func @constants_and_none(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: onnx.Constant dense<1.000000e+00> : tensor<f32>
  %lo = onnx.Constant dense<1.0> : tensor<f32>
  // CHECK: onnx.None
  %none = onnx.None
  // CHECK: onnx.Clip %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4xf32>, tensor<f32>, none) -> tensor<4xf32>
  %0 = onnx.Clip %x, %lo, %none : (tensor<4xf32>, tensor<f32>, none) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @matmul
func.func @matmul(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<2x3x5xf32> {
  // CHECK: onnx.MatMul
  %0 = onnx.MatMul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}
