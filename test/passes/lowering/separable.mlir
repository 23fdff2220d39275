// RUN: steed-opt %s --steed-lower-onnx --split-input-file -verify-diagnostics | FileCheck %s

// An op whose only dynamic dimension is one it computes independently along
// (the batch of a convolution) becomes a loop over static slices, each
// lowered by the static pattern.
// CHECK-LABEL: func.func @conv_batch
// CHECK:         %[[N:.*]] = tensor.dim %arg0, %c0
// CHECK:         %[[INIT:.*]] = tensor.empty(%[[N]]) : tensor<?x4x5x5xf32>
// CHECK:         scf.for %[[I:[a-z0-9_]+]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[INIT]])
// CHECK:           tensor.extract_slice %arg0[%[[I]], 0, 0, 0] [1, 3, 5, 5] [1, 1, 1, 1] : tensor<?x3x5x5xf32> to tensor<1x3x5x5xf32>
// CHECK:           linalg.conv_2d_nchw_fchw
// CHECK:           tensor.insert_slice %{{.*}} into %[[ACC]][%[[I]], 0, 0, 0] [1, 4, 5, 5]
// CHECK-NOT:     onnx.Conv
func.func @conv_batch(%x: tensor<?x3x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<?x4x5x5xf32> {
  %none = onnx.None
  %0 = onnx.Conv %x, %w, %none {pads = array<i64: 1, 1, 1, 1>} : (tensor<?x3x5x5xf32>, tensor<4x3x3x3xf32>, none) -> tensor<?x4x5x5xf32>
  return %0 : tensor<?x4x5x5xf32>
}

// -----

// MatMul with a dynamic row count loops over rows of A; B is used whole.
// CHECK-LABEL: func.func @matmul_rows
// CHECK:         scf.for
// CHECK:           tensor.extract_slice %arg0[%{{.*}}, 0] [1, 8] [1, 1] : tensor<?x8xf32> to tensor<1x8xf32>
// CHECK:           linalg.matmul
// CHECK-SAME:        tensor<8x4xf32>
func.func @matmul_rows(%a: tensor<?x8xf32>, %b: tensor<8x4xf32>) -> tensor<?x4xf32> {
  %0 = onnx.MatMul %a, %b : (tensor<?x8xf32>, tensor<8x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Transpose loops over the input dimension that lands on the dynamic one.
// CHECK-LABEL: func.func @transpose
// CHECK:         tensor.dim %arg0, %c1
// CHECK:         scf.for
// CHECK:           tensor.extract_slice %arg0[0, %{{.*}}, 0] [16, 1, 8]
// CHECK:           tensor.insert_slice %{{.*}}[%{{.*}}, 0, 0] [1, 16, 8]
func.func @transpose(%x: tensor<16x?x8xf32>) -> tensor<?x16x8xf32> {
  %0 = onnx.Transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<16x?x8xf32>) -> tensor<?x16x8xf32>
  return %0 : tensor<?x16x8xf32>
}

// -----

// MaxPool's indices count over the whole input: each slice adds n * C*H*W.
// CHECK-LABEL: func.func @maxpool_indices
// CHECK:         scf.for %[[I:[a-z0-9_]+]] =
// CHECK:           %[[OFF:.*]] = arith.muli %[[I]], %c256
// CHECK:           arith.index_cast %[[OFF]] : index to i64
// CHECK:           arith.addi
func.func @maxpool_indices(%x: tensor<?x4x8x8xf32>) -> (tensor<?x4x4x4xf32>, tensor<?x4x4x4xi64>) {
  %0, %1 = onnx.MaxPool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>) -> (tensor<?x4x4x4xf32>, tensor<?x4x4x4xi64>)
  return %0, %1 : tensor<?x4x4x4xf32>, tensor<?x4x4x4xi64>
}

// -----

// Two dynamic dimensions (batch and sequence): the slice op still has one,
// so it is lowered again: nested loops.
// CHECK-LABEL: func.func @softmax_batch_seq
// CHECK:         scf.for
// CHECK:           tensor.extract_slice %arg0[%{{.*}}, 0, 0] [1, %{{.*}}, 8] [1, 1, 1] : tensor<?x?x8xf32> to tensor<1x?x8xf32>
// CHECK:           scf.for
// CHECK:             tensor.extract_slice %{{.*}}[0, %{{.*}}, 0] [1, 1, 8] [1, 1, 1] : tensor<1x?x8xf32> to tensor<1x1x8xf32>
// CHECK:             linalg.generic
func.func @softmax_batch_seq(%x: tensor<?x?x8xf32>) -> tensor<?x?x8xf32> {
  %0 = onnx.Softmax %x {axis = -1 : i64} : (tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  return %0 : tensor<?x?x8xf32>
}

// -----

// Softmax is not separable along its own axis: no loop, the op is reported.
func.func @softmax_axis(%x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  // expected-error @+1 {{cannot lower onnx.Softmax with types 'tensor<4x?xf32>' -> 'tensor<4x?xf32>'}}
  %0 = onnx.Softmax %x {axis = 1 : i64} : (tensor<4x?xf32>) -> tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}

// -----

// Two dynamic dimensions are not handled by one loop.
func.func @two_dynamic(%x: tensor<?x3x?x5xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<?x4x?x3xf32> {
  %none = onnx.None
  // expected-error @+1 {{cannot lower onnx.Conv}}
  %0 = onnx.Conv %x, %w, %none : (tensor<?x3x?x5xf32>, tensor<4x3x3x3xf32>, none) -> tensor<?x4x?x3xf32>
  return %0 : tensor<?x4x?x3xf32>
}

// -----

// GatherElements takes dynamic indices (data-movement.mlir) but unranked ones
// stay refused.
func.func @gather_elements_unranked(%x: tensor<4x3xf32>, %i: tensor<*xi64>) -> tensor<*xf32> {
  // expected-error @+1 {{cannot lower onnx.GatherElements with types 'tensor<4x3xf32>', 'tensor<*xi64>' -> 'tensor<*xf32>'}}
  %r = onnx.GatherElements %x, %i {axis = 0 : i64} : (tensor<4x3xf32>, tensor<*xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}
