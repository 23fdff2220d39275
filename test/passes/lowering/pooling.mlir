// RUN: steed-opt %s --split-input-file --steed-infer-shapes --steed-lower-onnx -verify-diagnostics | FileCheck %s
// RUN: steed-opt %s --split-input-file --steed-infer-shapes --steed-form-kernels --canonicalize --steed-lower-onnx --canonicalize --steed-outline-kernels --canonicalize --eliminate-empty-tensors --one-shot-bufferize --canonicalize --cse --steed-plan-memory --canonicalize -verify-diagnostics | FileCheck %s --check-prefix=BUF

// BUF-NOT: onnx.{{[A-Z]}}
// BUF-NOT: tensor.extract
// BUF-NOT: tensor.insert_slice
// BUF-NOT: memref.copy
//
// --steed-infer-shapes first re-infers every result type, so the cases
// written with unranked results check shape inference (through the inferred
// function signature) and the negative cases check its diagnostics.

// MaxPool with pads: -inf padding (fill, then copy into the interior), a
// window generic reducing with maximumf.
// CHECK-LABEL: func.func @maxpool_pads
// CHECK:       %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK:       %[[E:.*]] = tensor.empty() : tensor<1x2x7x7xf32>
// CHECK:       %[[FILL:.*]] = linalg.fill ins(%[[NEG]] : f32) outs(%[[E]] : tensor<1x2x7x7xf32>)
// CHECK:       %[[IN:.*]] = tensor.extract_slice %[[FILL]][0, 0, 1, 1] [1, 2, 5, 5] [1, 1, 1, 1]
// CHECK:       %[[CP:.*]] = linalg.copy ins(%arg0 : tensor<1x2x5x5xf32>) outs(%[[IN]] :
// CHECK:       %[[P:.*]] = tensor.insert_slice %[[CP]] into %[[FILL]][0, 0, 1, 1] [1, 2, 5, 5] [1, 1, 1, 1]
// CHECK:       %[[W:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK:       %[[F:.*]] = linalg.fill ins(%[[NEG]] : f32) outs(%{{.*}} : tensor<1x2x3x3xf32>)
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME:    ins(%[[P]], %[[W]] : tensor<1x2x7x7xf32>, tensor<3x3xf32>) outs(%[[F]] : tensor<1x2x3x3xf32>)
// CHECK:         arith.maximumf
// CHECK-NOT:   linalg.generic
func.func @maxpool_pads(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %y, %i = onnx.MaxPool %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>)
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Used Indices: a second i64 accumulator selected with the strict compare.
// CHECK-LABEL: func.func @maxpool_indices
// CHECK:       linalg.generic
// CHECK-SAME:    outs(%{{.*}}, %{{.*}} : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
// CHECK:         arith.cmpf ogt
// CHECK:         linalg.index 4
// CHECK:         arith.index_cast
// CHECK:         arith.select
// CHECK:         arith.select
func.func @maxpool_indices(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) {
  %y, %i = onnx.MaxPool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
  return %y, %i : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>
}

// -----

// uint8 max pooling: padding and compare are unsigned (0 is the lowest).
// CHECK-LABEL: func.func @maxpool_uint8
// CHECK:       arith.constant 0 : i8
// CHECK:       linalg.generic
// CHECK:         arith.maxui
func.func @maxpool_uint8(%x: tensor<1x1x5x5xui8>) -> tensor<1x1x5x5xui8> {
  %y, %i = onnx.MaxPool %x {auto_pad = "SAME_UPPER", kernel_shape = array<i64: 2, 2>} : (tensor<1x1x5x5xui8>) -> (tensor<1x1x5x5xui8>, tensor<1x1x5x5xi64>)
  return %y : tensor<1x1x5x5xui8>
}

// -----

// Dilated 1-D window: the input map strides by 2 and dilates by 3.
// CHECK: #[[IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 * 2 + d3 * 3)>
// CHECK-LABEL: func.func @maxpool_1d_dilated
// CHECK:       linalg.generic {indexing_maps = [#[[IN]],
func.func @maxpool_1d_dilated(%x: tensor<1x1x12xf32>) -> tensor<1x1x5xf32> {
  %y, %i = onnx.MaxPool %x {kernel_shape = array<i64: 2>, strides = array<i64: 2>, dilations = array<i64: 3>} : (tensor<1x1x12xf32>) -> (tensor<1x1x5xf32>, tensor<1x1x5xi64>)
  return %y : tensor<1x1x5xf32>
}

// -----

// count_include_pad=0 with pads: the divisors differ at the borders and
// become a constant table.
// CHECK-LABEL: func.func @averagepool_exclude_pad
// CHECK:       tensor.insert_slice
// CHECK:       linalg.generic
// CHECK:         arith.addf
// CHECK:       %[[D:.*]] = arith.constant dense<{{\[\[\[\[}}4.000000e+00, 6.000000e+00, 4.000000e+00]
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%{{.*}}, %[[D]] :
// CHECK:         arith.divf
func.func @averagepool_exclude_pad(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %y = onnx.AveragePool %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

// No padding: one uniform divisor.
// CHECK-LABEL: func.func @averagepool_f16
// CHECK:       linalg.generic
// CHECK:         arith.extf
// CHECK:         arith.addf %{{.*}} : f32
// CHECK:       linalg.generic
// CHECK:         arith.constant 4.000000e+00 : f32
// CHECK:         arith.divf
// CHECK:         arith.truncf
func.func @averagepool_f16(%x: tensor<1x1x4x4xf16>) -> tensor<1x1x2x2xf16> {
  %y = onnx.AveragePool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf16>) -> tensor<1x1x2x2xf16>
  return %y : tensor<1x1x2x2xf16>
}

// -----

// CHECK-LABEL: func.func @global_average
// CHECK:       tensor.empty() : tensor<4x5xf32>
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK:       arith.constant 2.000000e+01 : f32
func.func @global_average(%x: tensor<2x3x4x5xf32>) -> tensor<2x3x1x1xf32> {
  %y = onnx.GlobalAveragePool %x : (tensor<2x3x4x5xf32>) -> tensor<2x3x1x1xf32>
  return %y : tensor<2x3x1x1xf32>
}

// -----

// CHECK-LABEL: func.func @lppool_p3
// CHECK:       linalg.generic
// CHECK:         math.absf
// CHECK:         math.powf
// CHECK:       linalg.generic
// CHECK:         arith.constant 0.3333
// CHECK:         math.powf
func.func @lppool_p3(%x: tensor<1x1x4xf32>) -> tensor<1x1x3xf32> {
  %y = onnx.LpPool %x {kernel_shape = array<i64: 2>, p = 3 : i64} : (tensor<1x1x4xf32>) -> tensor<1x1x3xf32>
  return %y : tensor<1x1x3xf32>
}

// -----

// Constant Pad with a negative pad: crop, then pad with the value.
// CHECK-LABEL: func.func @pad_constant_crop
// CHECK:       %[[S:.*]] = tensor.extract_slice %arg0[0, 1] [3, 3] [1, 1] : tensor<3x4xf32> to tensor<3x3xf32>
// CHECK:       %[[V:.*]] = arith.constant 1.500000e+00 : f32
// CHECK:       linalg.fill ins(%[[V]] : f32) outs(%{{.*}} : tensor<5x3xf32>)
// CHECK:       linalg.copy ins(%[[S]] : tensor<3x3xf32>)
// CHECK:       tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [3, 3] [1, 1] : tensor<3x3xf32> into tensor<5x3xf32>
func.func @pad_constant_crop(%x: tensor<3x4xf32>) -> tensor<5x3xf32> {
  %pads = onnx.Constant dense<[0, -1, 2, 0]> : tensor<4xi64>
  %v = onnx.Constant dense<1.5> : tensor<f32>
  %n = onnx.None
  %y = onnx.Pad %x, %pads, %v, %n {mode = "constant"} : (tensor<3x4xf32>, tensor<4xi64>, tensor<f32>, none) -> tensor<5x3xf32>
  return %y : tensor<5x3xf32>
}

// -----

// Reflect: gather through a constant index table on the padded axis only.
// CHECK-LABEL: func.func @pad_reflect_axes
// CHECK:       %[[T:.*]] = arith.constant dense<[2, 1, 0, 1, 2, 1]> : tensor<6xi64>
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%[[T]] : tensor<6xi64>)
// CHECK:         linalg.index 0
// CHECK:         arith.index_cast
// CHECK:         tensor.extract %arg0
func.func @pad_reflect_axes(%x: tensor<2x3xi32>) -> tensor<2x6xi32> {
  %pads = onnx.Constant dense<[2, 1]> : tensor<2xi64>
  %axes = onnx.Constant dense<[-1]> : tensor<1xi64>
  %n = onnx.None
  %y = onnx.Pad %x, %pads, %n, %axes {mode = "reflect"} : (tensor<2x3xi32>, tensor<2xi64>, none, tensor<1xi64>) -> tensor<2x6xi32>
  return %y : tensor<2x6xi32>
}

// -----

// CHECK-LABEL: func.func @pad_wrap
// CHECK:       arith.constant dense<[2, 0, 1, 2, 0]> : tensor<5xi64>
func.func @pad_wrap(%x: tensor<3xi32>) -> tensor<5xi32> {
  %pads = onnx.Constant dense<[1, 1]> : tensor<2xi64>
  %n = onnx.None
  %y = onnx.Pad %x, %pads, %n, %n {mode = "wrap"} : (tensor<3xi32>, tensor<2xi64>, none, none) -> tensor<5xi32>
  return %y : tensor<5xi32>
}

// -----

// Nearest, asymmetric/floor (Upsample): index tables on the resized axes.
// CHECK-LABEL: func.func @resize_nearest
// CHECK-DAG:   arith.constant dense<[0, 0, 1, 1]> : tensor<4xi64>
// CHECK-DAG:   arith.constant dense<[0, 0, 0, 1, 1, 1]> : tensor<6xi64>
// CHECK:       linalg.generic
// CHECK:         tensor.extract %arg0
func.func @resize_nearest(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x6xf32> {
  %n = onnx.None
  %s = onnx.Constant dense<[1.0, 1.0, 2.0, 3.0]> : tensor<4xf32>
  %y = onnx.Resize %x, %n, %s, %n {coordinate_transformation_mode = "asymmetric", nearest_mode = "floor"} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<1x1x4x6xf32>
  return %y : tensor<1x1x4x6xf32>
}

// -----

// Bilinear, half_pixel, sizes: two taps on each resized axis, identity
// axes are read with linalg.index.
// CHECK-LABEL: func.func @resize_linear
// CHECK-DAG:   arith.constant dense<{{\[\[}}0, 0], [0, 1], [0, 1], [1, 1]]> : tensor<4x2xi64>
// CHECK-DAG:   arith.constant dense<{{\[\[}}2.500000e-01, 7.500000e-01], [7.500000e-01, 2.500000e-01], [2.500000e-01, 7.500000e-01], [7.500000e-01, 2.500000e-01]]> : tensor<4x2xf32>
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK:         linalg.index 0
// CHECK:         tensor.extract %arg0
// CHECK:         arith.mulf
// CHECK:         arith.addf
func.func @resize_linear(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %n = onnx.None
  %sz = onnx.Constant dense<[1, 1, 4, 4]> : tensor<4xi64>
  %y = onnx.Resize %x, %n, %n, %sz {mode = "linear"} : (tensor<1x1x2x2xf32>, none, none, tensor<4xi64>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// Run-time scales (nearest): the output sizes are floor(in * scale) of the
// scales read at run time, each axis gets an index table computed by a
// linalg.generic over its output size, then one gather.
// CHECK-LABEL: func.func @resize_runtime_scales_nearest(%arg0: tensor<1x1x2x2xf32>, %arg1: tensor<4xf32>) -> tensor<?x?x?x?xf32>
// The sizes of axes 2 and 3 (input size 2): floor(scale * 2).
// CHECK:       %[[W2:.*]] = arith.mulf %{{.*}}, %{{.*}} : f64
// CHECK:       %[[FL2:.*]] = math.floor %[[W2]] : f64
// CHECK:       %[[O2I:.*]] = arith.fptosi %[[FL2]] : f64 to i64
// CHECK:       %[[O2:.*]] = arith.index_cast %[[O2I]] : i64 to index
// CHECK:       %[[W3:.*]] = arith.mulf %{{.*}}, %{{.*}} : f64
// CHECK:       %[[FL3:.*]] = math.floor %[[W3]] : f64
// CHECK:       %[[O3I:.*]] = arith.fptosi %[[FL3]] : f64 to i64
// CHECK:       %[[O3:.*]] = arith.index_cast %[[O3I]] : i64 to index
// Invalid (non-positive) scales give an empty result, not a negative size.
// CHECK:       %[[P2:.*]] = arith.maxsi %[[O2]], %{{.*}} : index
// CHECK:       %[[P3:.*]] = arith.maxsi %[[O3]], %{{.*}} : index
// CHECK:       tensor.empty(%{{.*}}) : tensor<?xi64>
// CHECK:       linalg.generic {{.*}} outs(%{{.*}} : tensor<?xi64>)
// CHECK:         linalg.index 0
// asymmetric: the source coordinate is x / scale, floor mode keeps the left tap.
// CHECK:         arith.divf
// CHECK:         math.floor
// CHECK:       tensor.empty(%{{.*}}, %{{.*}}, %[[P2]], %[[P3]]) : tensor<?x?x?x?xf32>
// CHECK:       linalg.generic {{.*}} ins({{.*}} : tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>) outs({{.*}} : tensor<?x?x?x?xf32>)
// CHECK:         tensor.extract %arg0
// BUF-LABEL:   func.func private @k{{.*}}(%arg0: memref<1x1x2x2xf32>, %arg1: memref<4xf32>) -> memref<?x?x?x?xf32>
// BUF:         memref.load %arg1
// BUF:         return %{{.*}} : memref<?x?x?x?xf32>
func.func @resize_runtime_scales_nearest(%x: tensor<1x1x2x2xf32>, %s: tensor<4xf32>) -> tensor<*xf32> {
  %n = onnx.None
  %y = onnx.Resize %x, %n, %s, %n {coordinate_transformation_mode = "asymmetric", nearest_mode = "floor"} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Run-time sizes on axes 2, 3 with not_larger: one scale min(h / 4, w / 4),
// sizes in * scale rounded half up; two-tap index/weight tables of run-time
// length, axes 0 and 1 are read with linalg.index (no table).
// CHECK-LABEL: func.func @resize_runtime_sizes_linear_axes(%arg0: tensor<1x3x4x4xf32>, %arg1: tensor<2xi64>) -> tensor<1x3x?x?xf32>
// CHECK:       tensor.extract %arg1
// CHECK:       tensor.extract %arg1
// CHECK:       %[[SCALE:.*]] = arith.minimumf %{{.*}}, %{{.*}} : f64
// CHECK:       arith.mulf %[[SCALE]]
// CHECK:       arith.addf %{{.*}}, %{{.*}} : f64
// CHECK:       math.floor
// CHECK:       linalg.generic {{.*}} outs(%{{.*}} : tensor<?x?xi64>)
// CHECK:       linalg.generic {{.*}} outs(%{{.*}} : tensor<?x?xf32>)
// CHECK:       linalg.generic {{.*}} outs(%{{.*}} : tensor<?x?xi64>)
// CHECK:       linalg.generic {{.*}} outs(%{{.*}} : tensor<?x?xf32>)
// CHECK:       tensor.empty(%{{.*}}, %{{.*}}) : tensor<1x3x?x?xf32>
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK:         linalg.index 0
// CHECK:         linalg.index 1
// CHECK:         tensor.extract %arg0
// CHECK:         arith.mulf
// CHECK:         arith.addf
// CHECK:       return %{{.*}} : tensor<1x3x?x?xf32>
func.func @resize_runtime_sizes_linear_axes(%x: tensor<1x3x4x4xf32>, %sz: tensor<2xi64>) -> tensor<*xf32> {
  %n = onnx.None
  %y = onnx.Resize %x, %n, %n, %sz {mode = "linear", axes = array<i64: 2, 3>, keep_aspect_ratio_policy = "not_larger"} : (tensor<1x3x4x4xf32>, none, none, tensor<2xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Antialias cubic with run-time scales: the tap count 2 - 2 * (floor(-2 /
// min(scale, 1)) + 1) is a run-time size of the tables, and each weight is
// normalized by the sum over the taps (an scf.for).
// CHECK-LABEL: func.func @resize_runtime_scales_cubic_antialias
// CHECK:       %[[LT:.*]] = arith.cmpf olt, %[[S:.*]], %{{.*}} : f64
// CHECK:       %[[KS:.*]] = arith.select %[[LT]], %[[S]], %{{.*}} : f64
// CHECK:       %[[Q:.*]] = arith.divf %{{.*}}, %[[KS]] : f64
// CHECK:       math.floor %[[Q]]
// CHECK:       %[[N:.*]] = arith.subi %{{.*}}, %{{.*}} : index
// An axis whose run-time scale is 1 with as many outputs as inputs reads
// one tap.
// CHECK:       %[[SAME:.*]] = arith.cmpi eq, %{{.*}}, %{{.*}} : index
// CHECK:       %[[ID:.*]] = arith.andi %{{.*}}, %[[SAME]] : i1
// CHECK:       %[[NT:.*]] = arith.select %[[ID]], %{{.*}}, %[[N]] : index
// CHECK:       tensor.empty(%{{.*}}, %[[NT]]) : tensor<?x?xi64>
// CHECK:       tensor.empty(%{{.*}}, %[[NT]]) : tensor<?x?xf32>
// CHECK:       linalg.generic {{.*}} outs(%{{.*}} : tensor<?x?xf32>)
// CHECK:         scf.for %{{.*}} = %{{.*}} to %[[N]] step
// CHECK:         arith.divf
// CHECK:         arith.truncf {{.*}} : f64 to f32
func.func @resize_runtime_scales_cubic_antialias(%x: tensor<1x1x8x8xf32>, %s: tensor<2xf32>) -> tensor<*xf32> {
  %n = onnx.None
  %y = onnx.Resize %x, %n, %s, %n {mode = "cubic", antialias = 1 : i64, axes = array<i64: 2, 3>} : (tensor<1x1x8x8xf32>, none, tensor<2xf32>, none) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// tf_crop_and_resize with a run-time roi: an outside mask per axis, then
// extrapolation_value where any is set.
// CHECK-LABEL: func.func @resize_runtime_roi
// CHECK:       tensor.extract %arg1
// CHECK:       linalg.generic {{.*}} outs(%{{.*}} : tensor<?xi1>)
// CHECK:         arith.cmpf olt
// CHECK:         arith.ori
// CHECK:       linalg.generic {{.*}} outs(%{{.*}} : tensor<?xi1>)
// CHECK:       linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<1x1x?x?xf32>, tensor<?xi1>, tensor<?xi1>)
// CHECK:         %[[OUT:.*]] = arith.ori
// CHECK:         %[[EXTRA:.*]] = arith.constant 1.000000e+01 : f32
// CHECK:         arith.select %[[OUT]], %[[EXTRA]], %{{.*}} : f32
func.func @resize_runtime_roi(%x: tensor<1x1x4x4xf32>, %roi: tensor<4xf32>, %s: tensor<2xf32>) -> tensor<*xf32> {
  %n = onnx.None
  %y = onnx.Resize %x, %roi, %s, %n {mode = "linear", axes = array<i64: 2, 3>, coordinate_transformation_mode = "tf_crop_and_resize", extrapolation_value = 10.0 : f32} : (tensor<1x1x4x4xf32>, tensor<4xf32>, tensor<2xf32>, none) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// A dynamic batch with constant scales also takes the run-time tables; the
// batch is read with tensor.dim.
// CHECK-LABEL: func.func @resize_dynamic_input(%arg0: tensor<?x1x2x2xf32>) -> tensor<?x1x4x4xf32>
// CHECK:       tensor.dim %arg0, %{{.*}} : tensor<?x1x2x2xf32>
// CHECK:       linalg.generic {{.*}} outs(%{{.*}} : tensor<?xi64>)
// CHECK:       tensor.empty(%{{.*}}) : tensor<?x1x4x4xf32>
func.func @resize_dynamic_input(%x: tensor<?x1x2x2xf32>) -> tensor<*xf32> {
  %n = onnx.None
  %s = onnx.Constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %y = onnx.Resize %x, %n, %s, %n : (tensor<?x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Constant scales keep the static lowering: constant tables, nothing
// computed at run time.
// CHECK-LABEL: func.func @resize_constant_scales_static
// CHECK-NOT:   math.floor
// CHECK:       arith.constant dense<[0, 0, 1, 1]> : tensor<4xi64>
// CHECK-NOT:   math.floor
// CHECK:       return
func.func @resize_constant_scales_static(%x: tensor<1x1x2x2xf32>) -> tensor<*xf32> {
  %n = onnx.None
  %s = onnx.Constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %y = onnx.Resize %x, %n, %s, %n {coordinate_transformation_mode = "asymmetric"} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Shape inference with run-time sizes on axis 1 only: the other axes keep
// their sizes.
// CHECK-LABEL: func.func @infer_resize_runtime_axes(%arg0: tensor<2x3x5xf32>, %arg1: tensor<1xi64>) -> tensor<2x?x5xf32>
func.func @infer_resize_runtime_axes(%x: tensor<2x3x5xf32>, %sz: tensor<1xi64>) -> tensor<*xf32> {
  %n = onnx.None
  %y = onnx.Resize %x, %n, %n, %sz {axes = array<i64: -2>} : (tensor<2x3x5xf32>, none, none, tensor<1xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Shape inference: ceil_mode drops a last window that starts in the padding.
// CHECK-LABEL: func.func @infer_maxpool_ceil_reduce(%arg0: tensor<1x1x2x2xf32>) -> (tensor<1x1x1x1xf32>, tensor<1x1x1x1xi64>)
func.func @infer_maxpool_ceil_reduce(%x: tensor<1x1x2x2xf32>) -> (tensor<*xf32>, tensor<*xi64>) {
  %y, %i = onnx.MaxPool %x {ceil_mode = 1 : i64, kernel_shape = array<i64: 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>) -> (tensor<*xf32>, tensor<*xi64>)
  return %y, %i : tensor<*xf32>, tensor<*xi64>
}

// -----

// SAME_LOWER: ceil(5 / 2) outputs, the odd pad at the beginning.
// CHECK-LABEL: func.func @infer_avgpool_same_lower(%arg0: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
// CHECK:       tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 1, 1] [1, 1, 5, 5] [1, 1, 1, 1] : tensor<1x1x5x5xf32> into tensor<1x1x6x6xf32>
func.func @infer_avgpool_same_lower(%x: tensor<1x1x5x5xf32>) -> tensor<*xf32> {
  %y = onnx.AveragePool %x {auto_pad = "SAME_LOWER", kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x5x5xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @infer_pad_axes(%arg0: tensor<2x3xf32>) -> tensor<5x3xf32>
func.func @infer_pad_axes(%x: tensor<2x3xf32>) -> tensor<*xf32> {
  %pads = onnx.Constant dense<[1, 2]> : tensor<2xi64>
  %axes = onnx.Constant dense<[0]> : tensor<1xi64>
  %n = onnx.None
  %y = onnx.Pad %x, %pads, %n, %axes {mode = "edge"} : (tensor<2x3xf32>, tensor<2xi64>, none, tensor<1xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// not_larger: one scale min(7/4, 8/4) for both axes, sizes rounded.
// CHECK-LABEL: func.func @infer_resize_not_larger(%arg0: tensor<1x1x4x4xf32>) -> tensor<1x1x7x7xf32>
func.func @infer_resize_not_larger(%x: tensor<1x1x4x4xf32>) -> tensor<*xf32> {
  %n = onnx.None
  %sz = onnx.Constant dense<[7, 8]> : tensor<2xi64>
  %y = onnx.Resize %x, %n, %n, %sz {axes = array<i64: 2, 3>, keep_aspect_ratio_policy = "not_larger"} : (tensor<1x1x4x4xf32>, none, none, tensor<2xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Scales: floor(4 * 0.6) = 2; the opset-11 empty roi is ignored.
// CHECK-LABEL: func.func @infer_resize_scales(%arg0: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
func.func @infer_resize_scales(%x: tensor<1x1x4x4xf32>) -> tensor<*xf32> {
  %roi = onnx.Constant dense<> : tensor<0xf32>
  %s = onnx.Constant dense<[1.0, 1.0, 0.6, 0.6]> : tensor<4xf32>
  %n = onnx.None
  %y = onnx.Resize %x, %roi, %s, %n {mode = "linear"} : (tensor<1x1x4x4xf32>, tensor<0xf32>, tensor<4xf32>, none) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @bad_kernel_rank(%x: tensor<1x1x4x4xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{'kernel_shape' has 1 values, expected 2}}
  %y, %i = onnx.MaxPool %x {kernel_shape = array<i64: 2>} : (tensor<1x1x4x4xf32>) -> (tensor<*xf32>, tensor<*xi64>)
  return %y : tensor<*xf32>
}

// -----

func.func @window_too_large(%x: tensor<1x1x4x4xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{window of extent 5 on spatial dim 1 does not fit the padded input size 4}}
  %y = onnx.AveragePool %x {kernel_shape = array<i64: 1, 3>, dilations = array<i64: 1, 2>} : (tensor<1x1x4x4xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @pad_bad_mode(%x: tensor<3xf32>) -> tensor<*xf32> {
  %pads = onnx.Constant dense<[1, 1]> : tensor<2xi64>
  %n = onnx.None
  // expected-error @+1 {{unknown mode 'symmetric' (expected constant, reflect, edge or wrap)}}
  %y = onnx.Pad %x, %pads, %n, %n {mode = "symmetric"} : (tensor<3xf32>, tensor<2xi64>, none, none) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @pad_crop_too_much(%x: tensor<3xf32>) -> tensor<*xf32> {
  %pads = onnx.Constant dense<[-2, -2]> : tensor<2xi64>
  %n = onnx.None
  // expected-error @+1 {{pads -2, -2 remove more than the 3 elements of axis 0}}
  %y = onnx.Pad %x, %pads, %n, %n : (tensor<3xf32>, tensor<2xi64>, none, none) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @resize_scales_and_sizes(%x: tensor<1x1x4x4xf32>) -> tensor<*xf32> {
  %n = onnx.None
  %s = onnx.Constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %sz = onnx.Constant dense<[1, 1, 8, 8]> : tensor<4xi64>
  // expected-error @+1 {{takes 'scales' or 'sizes', not both}}
  %y = onnx.Resize %x, %n, %s, %sz : (tensor<1x1x4x4xf32>, none, tensor<4xf32>, tensor<4xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Scales of a run-time length: how many axes they cover is unknown.
func.func @resize_runtime_scales_length(%x: tensor<1x1x2x2xf32>, %s: tensor<?xf32>) -> tensor<*xf32> {
  %n = onnx.None
  // expected-error @+1 {{cannot lower onnx.Resize with types 'tensor<1x1x2x2xf32>', 'none', 'tensor<?xf32>', 'none' -> 'tensor<?x?x?x?xf32>'}}
  %y = onnx.Resize %x, %n, %s, %n : (tensor<1x1x2x2xf32>, none, tensor<?xf32>, none) -> tensor<*xf32>
  return %y : tensor<*xf32>
}
