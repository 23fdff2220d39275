// AffineGrid and Col2Im: result types from steed-infer-shapes (static when
// the size-like operands are constants, dynamic when they are run-time
// values), then one linalg.generic over the output.
// RUN: steed-opt %s --split-input-file --verify-diagnostics --steed-infer-shapes --steed-lower-onnx | FileCheck %s

// A run-time size: the grid's spatial sizes are its values; N comes from
// theta. Base coordinates and the dot product with theta are f64.
// CHECK-LABEL: func.func @affine_grid_2d
// CHECK-SAME:  -> tensor<2x?x?x2xf32>
// CHECK-DAG:     %[[H:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK:         tensor.empty(%{{.*}}, %{{.*}}) : tensor<2x?x?x2xf32>
// CHECK:         linalg.generic
// CHECK:           tensor.extract %arg0[%{{.*}}, %{{.*}}, %{{.*}}] : tensor<2x2x3xf32>
// CHECK:           arith.mulf %{{.*}}, %{{.*}} : f64
// CHECK:           arith.truncf %{{.*}} : f64 to f32
func.func @affine_grid_2d(%theta: tensor<2x2x3xf32>, %size: tensor<4xi64>) -> tensor<*xf32> {
  %g = onnx.AffineGrid %theta, %size : (tensor<2x2x3xf32>, tensor<4xi64>) -> tensor<*xf32>
  return %g : tensor<*xf32>
}

// -----

// A constant size gives a static grid (3-D: (N, D, H, W, 3)).
// CHECK-LABEL: func.func @affine_grid_3d_const
// CHECK-SAME:  -> tensor<2x4x5x6x3xf32>
// CHECK:         linalg.generic
func.func @affine_grid_3d_const(%theta: tensor<2x3x4xf32>) -> tensor<*xf32> {
  %size = onnx.Constant dense<[2, 3, 4, 5, 6]> : tensor<5xi64>
  %g = onnx.AffineGrid %theta, %size {align_corners = 1 : i64} : (tensor<2x3x4xf32>, tensor<5xi64>) -> tensor<*xf32>
  return %g : tensor<*xf32>
}

// -----

func.func @affine_grid_bad_theta(%theta: tensor<2x3x4xf32>, %size: tensor<4xi64>) -> tensor<*xf32> {
  // expected-error @+1 {{theta 'tensor<2x3x4xf32>' does not match a 2-D size (expected (N, 2, 3))}}
  %g = onnx.AffineGrid %theta, %size : (tensor<2x3x4xf32>, tensor<4xi64>) -> tensor<*xf32>
  return %g : tensor<*xf32>
}

// -----

func.func @affine_grid_bad_size(%theta: tensor<2x2x3xf32>, %size: tensor<3xi64>) -> tensor<*xf32> {
  // expected-error @+1 {{size must have 4 (2-D) or 5 (3-D) values, got 3}}
  %g = onnx.AffineGrid %theta, %size : (tensor<2x2x3xf32>, tensor<3xi64>) -> tensor<*xf32>
  return %g : tensor<*xf32>
}

// -----

// Run-time image and block shapes: C = dim 1 / prod(block_shape) and the
// image sizes are computed at run time; each pixel sums over the block
// offsets in an scf.for, reading the input only where a block lands.
// CHECK-LABEL: func.func @col2im_dynamic
// CHECK-SAME:  -> tensor<1x?x?x?xf32>
// CHECK:         arith.divsi %{{.*}}, %{{.*}} : index
// CHECK:         linalg.generic
// CHECK:           scf.for
// CHECK:             scf.if
// CHECK:               tensor.extract %arg0[%{{.*}}, %{{.*}}, %{{.*}}] : tensor<1x5x15xf32>
// CHECK:               arith.addf
func.func @col2im_dynamic(%x: tensor<1x5x15xf32>, %image: tensor<2xi64>, %block: tensor<2xi64>) -> tensor<*xf32> {
  %y = onnx.Col2Im %x, %image, %block {pads = array<i64: 0, 1, 0, 1>} : (tensor<1x5x15xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Constant shapes: a static result.
// CHECK-LABEL: func.func @col2im_static
// CHECK-SAME:  -> tensor<1x2x3x4x5xf32>
func.func @col2im_static(%x: tensor<1x10x12xf32>) -> tensor<*xf32> {
  %image = onnx.Constant dense<[3, 4, 5]> : tensor<3xi64>
  %block = onnx.Constant dense<[1, 1, 5]> : tensor<3xi64>
  %y = onnx.Col2Im %x, %image, %block : (tensor<1x10x12xf32>, tensor<3xi64>, tensor<3xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @col2im_bad_channels(%x: tensor<1x7x12xf32>, %image: tensor<2xi64>) -> tensor<*xf32> {
  %block = onnx.Constant dense<[2, 2]> : tensor<2xi64>
  // expected-error @+1 {{input dim 1 (7) is not a multiple of prod(block_shape) (4)}}
  %y = onnx.Col2Im %x, %image, %block : (tensor<1x7x12xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @col2im_bad_strides(%x: tensor<1x4x12xf32>, %image: tensor<2xi64>, %block: tensor<2xi64>) -> tensor<*xf32> {
  // expected-error @+1 {{strides must have 2 values, got 3}}
  %y = onnx.Col2Im %x, %image, %block {strides = array<i64: 1, 1, 1>} : (tensor<1x4x12xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}
