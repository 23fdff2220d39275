// RUN: steed-opt %s --split-input-file --steed-infer-shapes --verify-diagnostics | FileCheck %s

// Result types of MatMul/Gemm/Conv/ConvTranspose, re-inferred from the
// operands (placeholders are unranked), and the errors on bad input.

// CHECK-LABEL: func.func @gemm_shapes
// CHECK:       onnx.Gemm {{.*}} -> tensor<3x5xf32>
// CHECK:       onnx.Gemm {{.*}} -> tensor<?x5xf32>
func.func @gemm_shapes(%a: tensor<4x3xf32>, %b: tensor<5x4xf32>, %c: tensor<5xf32>, %d: tensor<4x?xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %r = onnx.Gemm %a, %b, %c {transA = 1 : i64, transB = 1 : i64} : (tensor<4x3xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<*xf32>
  %n = onnx.None
  %s = onnx.Gemm %d, %b, %n {transA = 1 : i64, transB = 1 : i64} : (tensor<4x?xf32>, tensor<5x4xf32>, none) -> tensor<*xf32>
  return %r, %s : tensor<*xf32>, tensor<*xf32>
}

// -----

func.func @gemm_k_mismatch(%a: tensor<3x4xf32>, %b: tensor<5x4xf32>) -> tensor<*xf32> {
  %n = onnx.None
  // expected-error @+1 {{contraction dimensions differ: A' is 3x4, B' is 5x4 (transA=0, transB=0)}}
  %r = onnx.Gemm %a, %b, %n : (tensor<3x4xf32>, tensor<5x4xf32>, none) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @gemm_bad_c(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{C of type 'tensor<3xf32>' does not broadcast to [3, 5]}}
  %r = onnx.Gemm %a, %b, %c : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<3xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @conv_shapes
// Explicit pads, strides 2: floor((7 + 2 - 3) / 2) + 1 = 4, (5 - 3) / 2 + 1 = 2.
// CHECK:       onnx.Conv {{.*}} -> tensor<1x2x4x2xf32>
// SAME_UPPER: ceil(input / stride).
// CHECK:       onnx.Conv {{.*}} -> tensor<1x2x4x3xf32>
// VALID with dilation 2 (extent 5): 7 - 5 + 1 = 3, 5 - 5 + 1 = 1.
// CHECK:       onnx.Conv {{.*}} -> tensor<1x2x3x1xf32>
// Dynamic batch and spatial dims stay dynamic.
// CHECK:       onnx.Conv {{.*}} -> tensor<?x2x?x5xf32>
func.func @conv_shapes(%x: tensor<1x1x7x5xf32>, %w: tensor<2x1x3x3xf32>, %y: tensor<?x1x?x5xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %n = onnx.None
  %a = onnx.Conv %x, %w, %n {pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x7x5xf32>, tensor<2x1x3x3xf32>, none) -> tensor<*xf32>
  %b = onnx.Conv %x, %w, %n {auto_pad = "SAME_UPPER", strides = array<i64: 2, 2>} : (tensor<1x1x7x5xf32>, tensor<2x1x3x3xf32>, none) -> tensor<*xf32>
  %c = onnx.Conv %x, %w, %n {auto_pad = "VALID", dilations = array<i64: 2, 2>} : (tensor<1x1x7x5xf32>, tensor<2x1x3x3xf32>, none) -> tensor<*xf32>
  %d = onnx.Conv %y, %w, %n {pads = array<i64: 1, 1, 1, 1>} : (tensor<?x1x?x5xf32>, tensor<2x1x3x3xf32>, none) -> tensor<*xf32>
  return %a, %b, %c, %d : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

func.func @conv_group_mismatch(%x: tensor<1x4x5x5xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<*xf32> {
  %n = onnx.None
  // expected-error @+1 {{X has 4 channels but W expects 2 x group 3 = 6}}
  %r = onnx.Conv %x, %w, %n {group = 3 : i64} : (tensor<1x4x5x5xf32>, tensor<6x2x3x3xf32>, none) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @conv_bad_pads(%x: tensor<1x1x5x5xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<*xf32> {
  %n = onnx.None
  // expected-error @+1 {{'pads' must have 4 values, got 2}}
  %r = onnx.Conv %x, %w, %n {pads = array<i64: 1, 1>} : (tensor<1x1x5x5xf32>, tensor<1x1x3x3xf32>, none) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @conv_kernel_shape(%x: tensor<1x1x5x5xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<*xf32> {
  %n = onnx.None
  // expected-error @+1 {{kernel_shape [2, 2] does not match W's spatial shape 'tensor<1x1x3x3xf32>'}}
  %r = onnx.Conv %x, %w, %n {kernel_shape = array<i64: 2, 2>} : (tensor<1x1x5x5xf32>, tensor<1x1x3x3xf32>, none) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @conv_kernel_too_big(%x: tensor<1x1x2x5xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<*xf32> {
  %n = onnx.None
  // expected-error @+1 {{the kernel (extent 3 with dilation) is larger than the padded input (2) along spatial axis 0}}
  %r = onnx.Conv %x, %w, %n : (tensor<1x1x2x5xf32>, tensor<1x1x3x3xf32>, none) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @conv_auto_pad(%x: tensor<1x1x5x5xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<*xf32> {
  %n = onnx.None
  // expected-error @+1 {{unknown auto_pad 'SAME'}}
  %r = onnx.Conv %x, %w, %n {auto_pad = "SAME"} : (tensor<1x1x5x5xf32>, tensor<1x1x3x3xf32>, none) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @conv_bias(%x: tensor<1x1x5x5xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<3xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{B must be 1-D with 2 elements, got 'tensor<3xf32>'}}
  %r = onnx.Conv %x, %w, %b : (tensor<1x1x5x5xf32>, tensor<2x1x3x3xf32>, tensor<3xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @conv_transpose_shapes
// (3 - 1) * 3 + 3 = 9 per axis, group 2 doubles W's 2 output channels.
// CHECK:       onnx.ConvTranspose {{.*}} -> tensor<1x4x9x9xf32>
// output_shape wins over pads.
// CHECK:       onnx.ConvTranspose {{.*}} -> tensor<1x4x10x8xf32>
// SAME_UPPER: input * stride.
// CHECK:       onnx.ConvTranspose {{.*}} -> tensor<1x4x6x6xf32>
func.func @conv_transpose_shapes(%x: tensor<1x2x3x3xf32>, %w: tensor<2x2x3x3xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %n = onnx.None
  %a = onnx.ConvTranspose %x, %w, %n {group = 2 : i64, strides = array<i64: 3, 3>} : (tensor<1x2x3x3xf32>, tensor<2x2x3x3xf32>, none) -> tensor<*xf32>
  %b = onnx.ConvTranspose %x, %w, %n {group = 2 : i64, strides = array<i64: 3, 3>, output_shape = array<i64: 10, 8>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x3x3xf32>, none) -> tensor<*xf32>
  %c = onnx.ConvTranspose %x, %w, %n {group = 2 : i64, strides = array<i64: 2, 2>, auto_pad = "SAME_UPPER"} : (tensor<1x2x3x3xf32>, tensor<2x2x3x3xf32>, none) -> tensor<*xf32>
  return %a, %b, %c : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

func.func @conv_transpose_channels(%x: tensor<1x3x3x3xf32>, %w: tensor<2x2x3x3xf32>) -> tensor<*xf32> {
  %n = onnx.None
  // expected-error @+1 {{X has 3 channels but W has 2 (W is [C, M/group, k...])}}
  %r = onnx.ConvTranspose %x, %w, %n : (tensor<1x3x3x3xf32>, tensor<2x2x3x3xf32>, none) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_shapes
// CHECK:       onnx.MatMul {{.*}} -> tensor<2x5x3x6xf32>
// CHECK:       onnx.MatMul {{.*}} -> tensor<2x3xf32>
func.func @matmul_shapes(%a: tensor<2x1x3x4xf32>, %b: tensor<5x4x6xf32>, %v: tensor<4xf32>, %c: tensor<2x4x3xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %r = onnx.MatMul %a, %b : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<*xf32>
  %s = onnx.MatMul %v, %c : (tensor<4xf32>, tensor<2x4x3xf32>) -> tensor<*xf32>
  return %r, %s : tensor<*xf32>, tensor<*xf32>
}

// -----

func.func @matmul_k_mismatch(%a: tensor<3x4xf32>, %b: tensor<5x6xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{contraction dimensions differ: 'tensor<3x4xf32>' x 'tensor<5x6xf32>'}}
  %r = onnx.MatMul %a, %b : (tensor<3x4xf32>, tensor<5x6xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @matmul_batch_mismatch(%a: tensor<2x3x4xf32>, %b: tensor<3x4x5xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{batch dimensions do not broadcast}}
  %r = onnx.MatMul %a, %b : (tensor<2x3x4xf32>, tensor<3x4x5xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}
