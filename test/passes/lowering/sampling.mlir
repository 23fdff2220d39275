// AffineGrid, Col2Im, STFT and MelWeightMatrix: result types from
// steed-infer-shapes (static when the size-like operands are constants,
// dynamic when they are run-time values), then one linalg.generic over the
// output.
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

// -----

// STFT with a window and a run-time frame_step: frames = (T - L) / step + 1
// at run time, L / 2 + 1 bins; each element sums (sample * window) times
// the twiddle over the frame in f64.
// CHECK-LABEL: func.func @stft_window
// CHECK-SAME:  -> tensor<1x?x9x2xf32>
// CHECK:         %[[STEP:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK:         %[[Q:.*]] = arith.divsi %{{.*}}, %[[STEP]] : index
// CHECK:         %[[F:.*]] = arith.addi %[[Q]], %{{.*}} : index
// CHECK:         tensor.empty(%[[F]]) : tensor<1x?x9x2xf32>
// CHECK:         linalg.generic
// CHECK:           scf.for {{.*}} -> (f64, f64)
// CHECK:             %[[S:.*]] = tensor.extract %arg0[{{.*}}] : tensor<1x128x1xf32>
// CHECK:             %[[W:.*]] = tensor.extract %arg2[{{.*}}] : tensor<16xf32>
// CHECK:             arith.mulf %[[S]], %[[W]] : f32
// CHECK:             math.cos %{{.*}} : f64
// CHECK:             math.sin %{{.*}} : f64
// CHECK:           arith.truncf %{{.*}} : f64 to f32
func.func @stft_window(%x: tensor<1x128x1xf32>, %step: tensor<i64>, %w: tensor<16xf32>) -> tensor<*xf32> {
  %none = onnx.None
  %y = onnx.STFT %x, %step, %w, %none : (tensor<1x128x1xf32>, tensor<i64>, tensor<16xf32>, none) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Constant frame_step and frame_length, two-sided: a static result.
// CHECK-LABEL: func.func @stft_static
// CHECK-SAME:  -> tensor<2x7x16x2xf32>
func.func @stft_static(%x: tensor<2x64x2xf32>) -> tensor<*xf32> {
  %none = onnx.None
  %step = onnx.Constant dense<8> : tensor<i64>
  %len = onnx.Constant dense<16> : tensor<i64>
  %y = onnx.STFT %x, %step, %none, %len {onesided = 0 : i64} : (tensor<2x64x2xf32>, tensor<i64>, none, tensor<i64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @stft_onesided_complex(%x: tensor<1x64x2xf32>, %step: tensor<i64>) -> tensor<*xf32> {
  %none = onnx.None
  // expected-error @+1 {{onesided output needs a real signal}}
  %y = onnx.STFT %x, %step, %none, %none : (tensor<1x64x2xf32>, tensor<i64>, none, none) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @stft_long_frame(%x: tensor<1x8x1xf32>, %step: tensor<i64>) -> tensor<*xf32> {
  %none = onnx.None
  %len = onnx.Constant dense<16> : tensor<i64>
  %s = onnx.Constant dense<4> : tensor<i64>
  // expected-error @+1 {{the frame length 16 exceeds the signal length 8}}
  %y = onnx.STFT %x, %s, %none, %len : (tensor<1x8x1xf32>, tensor<i64>, none, tensor<i64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// MelWeightMatrix of run-time scalars: (dft_length / 2 + 1, num_mel_bins)
// at run time; the mel edges are f64 (log10, pow), floored to bins.
// CHECK-LABEL: func.func @mel_weights
// CHECK-SAME:  -> tensor<?x?xf32>
// CHECK:         math.log10 %{{.*}} : f64
// CHECK:         math.log10 %{{.*}} : f64
// CHECK:         tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xf32>
// CHECK:         linalg.generic
// CHECK:           math.powf
// CHECK:           math.floor
// CHECK:           arith.fptosi
func.func @mel_weights(%m: tensor<i32>, %d: tensor<i32>, %r: tensor<i32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<*xf32> {
  %y = onnx.MelWeightMatrix %m, %d, %r, %lo, %hi : (tensor<i32>, tensor<i32>, tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Constant sizes and an f64 output_datatype: a static f64 result.
// CHECK-LABEL: func.func @mel_static
// CHECK-SAME:  -> tensor<9x8xf64>
func.func @mel_static(%r: tensor<i32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<*xf64> {
  %m = onnx.Constant dense<8> : tensor<i32>
  %d = onnx.Constant dense<16> : tensor<i32>
  %y = onnx.MelWeightMatrix %m, %d, %r, %lo, %hi {output_datatype = f64} : (tensor<i32>, tensor<i32>, tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<*xf64>
  return %y : tensor<*xf64>
}

// -----

func.func @mel_int_output(%m: tensor<i32>, %d: tensor<i32>, %r: tensor<i32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<*xi32> {
  // expected-error @+1 {{output_datatype must be a float type, got 'i32'}}
  %y = onnx.MelWeightMatrix %m, %d, %r, %lo, %hi {output_datatype = i32} : (tensor<i32>, tensor<i32>, tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<*xi32>
  return %y : tensor<*xi32>
}
