// RUN: steed-opt %s --canonicalize --split-input-file | FileCheck %s

// Expand, Tile and Transpose of small constants fold (masks and shape
// tensors in the ONNX function bodies).
// CHECK-LABEL: func.func @fold_expand_tile_transpose
// CHECK-DAG:   onnx.Constant dense<{{\[}}[1, 2], [1, 2], [1, 2]]> : tensor<3x2xi64>
// CHECK-DAG:   onnx.Constant dense<{{\[}}[1, 2, 1, 2], [3, 4, 3, 4]]> : tensor<2x4xi64>
// CHECK-DAG:   onnx.Constant dense<{{\[}}[1, 3], [2, 4]]> : tensor<2x2xi64>
// CHECK-DAG:   onnx.Constant dense<7> : tensor<2x3xi64>
// CHECK-NOT:   onnx.Expand
// CHECK-NOT:   onnx.Tile
// CHECK-NOT:   onnx.Transpose
// CHECK:       return
func.func @fold_expand_tile_transpose()
    -> (tensor<3x2xi64>, tensor<2x4xi64>, tensor<2x2xi64>, tensor<2x3xi64>) {
  %a = onnx.Constant dense<[1, 2]> : tensor<2xi64>
  %shape = onnx.Constant dense<[3, 1]> : tensor<2xi64>
  %e = onnx.Expand %a, %shape : (tensor<2xi64>, tensor<2xi64>) -> tensor<3x2xi64>
  %m = onnx.Constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>
  %reps = onnx.Constant dense<[1, 2]> : tensor<2xi64>
  %t = onnx.Tile %m, %reps : (tensor<2x2xi64>, tensor<2xi64>) -> tensor<2x4xi64>
  %p = onnx.Transpose %m {perm = array<i64: 1, 0>} : (tensor<2x2xi64>) -> tensor<2x2xi64>
  %s = onnx.Constant dense<7> : tensor<3x2xi64>
  %ps = onnx.Transpose %s : (tensor<3x2xi64>) -> tensor<2x3xi64>
  return %e, %t, %p, %ps : tensor<3x2xi64>, tensor<2x4xi64>, tensor<2x2xi64>, tensor<2x3xi64>
}

// -----

// On non-constants, only the identities fold: Expand to the input's own
// shape, Tile by ones, Transpose by the identity permutation.
// CHECK-LABEL: func.func @fold_identities
// CHECK-NOT:   onnx.Expand
// CHECK-NOT:   onnx.Tile
// CHECK-NOT:   onnx.Transpose
// CHECK:       return %arg0, %arg0, %arg0
func.func @fold_identities(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %shape = onnx.Constant dense<[1, 3]> : tensor<2xi64>
  %e = onnx.Expand %x, %shape : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %ones = onnx.Constant dense<1> : tensor<2xi64>
  %t = onnx.Tile %x, %ones : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %p = onnx.Transpose %x {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %e, %t, %p : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// Not folded: non-constant data that really moves, and dynamic shapes.
// CHECK-LABEL: func.func @no_fold_data_movement
// CHECK:       onnx.Expand %arg0
// CHECK:       onnx.Tile %arg0
// CHECK:       onnx.Transpose %arg0
// CHECK:       onnx.Expand %arg1
func.func @no_fold_data_movement(%x: tensor<1x3xf32>, %d: tensor<?x3xf32>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<3x1xf32>, tensor<?x3xf32>) {
  %shape = onnx.Constant dense<[2, 3]> : tensor<2xi64>
  %e = onnx.Expand %x, %shape : (tensor<1x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %reps = onnx.Constant dense<[2, 1]> : tensor<2xi64>
  %t = onnx.Tile %x, %reps : (tensor<1x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %p = onnx.Transpose %x {perm = array<i64: 1, 0>} : (tensor<1x3xf32>) -> tensor<3x1xf32>
  %one = onnx.Constant dense<[1, 3]> : tensor<2xi64>
  %ed = onnx.Expand %d, %one : (tensor<?x3xf32>, tensor<2xi64>) -> tensor<?x3xf32>
  return %e, %t, %p, %ed : tensor<2x3xf32>, tensor<2x3xf32>, tensor<3x1xf32>, tensor<?x3xf32>
}
