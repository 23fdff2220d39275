// RUN: steed-opt %s --steed-infer-shapes --steed-lower-onnx --split-input-file -verify-diagnostics | FileCheck %s
// RUN: steed-opt %s --split-input-file --steed-infer-shapes --steed-form-kernels --canonicalize --steed-lower-onnx --steed-outline-kernels --canonicalize --eliminate-empty-tensors --one-shot-bufferize --canonicalize --steed-plan-memory -verify-diagnostics | FileCheck %s --check-prefix=BUF

// BUF-NOT: onnx.{{[A-Z]}}
// BUF-NOT: tensor.empty
// BUF-NOT: tensor.expand_shape
// BUF-NOT: tensor.collapse_shape

// Softmax: max along the axis (from -inf), sum of exp(x - max), then one
// elementwise exp(x - max) / sum reading both statistics broadcast.
// CHECK-LABEL: func.func @softmax
// CHECK:       arith.constant 0xFF800000 : f32
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "reduction", "parallel"]
// CHECK:         arith.maximumf
// CHECK:       %[[M:.*]] = tensor.expand_shape {{.*}} into tensor<2x1x4xf32>
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%arg0, %[[M]] : tensor<2x3x4xf32>, tensor<2x1x4xf32>)
// CHECK:         arith.subf
// CHECK:         math.exp
// CHECK:         arith.addf
// CHECK:       %[[S:.*]] = tensor.expand_shape
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%arg0, %[[M]], %[[S]] : tensor<2x3x4xf32>, tensor<2x1x4xf32>, tensor<2x1x4xf32>)
// CHECK:         math.exp
// CHECK:         arith.divf
func.func @softmax(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = onnx.Softmax %x {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// LogSoftmax (default axis -1) in f32 for f16: (x - max) - log(sum).
// CHECK-LABEL: func.func @logsoftmax_f16
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "reduction"]
// CHECK:       linalg.generic
// CHECK:       linalg.generic
// CHECK:         arith.extf
// CHECK:         arith.subf
// CHECK:         math.log
// CHECK:         arith.subf
// CHECK:         arith.truncf {{.*}} : f32 to f16
func.func @logsoftmax_f16(%x: tensor<2x5xf16>) -> tensor<2x5xf16> {
  %0 = onnx.LogSoftmax %x : (tensor<2x5xf16>) -> tensor<2x5xf16>
  return %0 : tensor<2x5xf16>
}

// -----

// Hardmax: a first-index argmax, then 1 where linalg.index matches it.
// CHECK-LABEL: func.func @hardmax
// CHECK:       linalg.generic
// CHECK:         arith.cmpf ogt
// CHECK:         linalg.index 0
// CHECK:       linalg.generic
// CHECK:         linalg.index 0
// CHECK:         arith.cmpi eq
// CHECK:         arith.select
func.func @hardmax(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = onnx.Hardmax %x {axis = 0 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Inference BatchNormalization folds the statistics into a per-channel
// scale and shift (two small generics over C), viewed as (C, 1, 1), then a
// single multiply-add over the input.
// CHECK-LABEL: func.func @batchnorm
// CHECK:       %[[COEF:.*]] = linalg.generic
// CHECK-SAME:    outs(%{{.*}} : tensor<3xf32>)
// CHECK:         math.sqrt
// CHECK:         arith.divf
// CHECK:       %[[SHIFT:.*]] = linalg.generic
// CHECK-SAME:    outs(%{{.*}} : tensor<3xf32>)
// CHECK:       %[[C:.*]] = tensor.expand_shape %[[COEF]] {{\[}}[0, 1, 2]] output_shape [3, 1, 1]
// CHECK:       %[[S:.*]] = tensor.expand_shape %[[SHIFT]]
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%arg0, %[[C]], %[[S]] : tensor<2x3x4x5xf32>, tensor<3x1x1xf32>, tensor<3x1x1xf32>)
// CHECK:         arith.mulf
// CHECK:         arith.addf
// CHECK-NEXT:    linalg.yield
func.func @batchnorm(%x: tensor<2x3x4x5xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x4x5xf32> {
  %y, %rm, %rv = onnx.BatchNormalization %x, %s, %b, %m, %v {epsilon = 1.0e-3 : f32} : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y : tensor<2x3x4x5xf32>
}

// -----

// Training BatchNormalization: batch mean and variance over N and the
// spatial dimensions, running statistics blended with momentum.
// CHECK-LABEL: func.func @batchnorm_training
// CHECK:       linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction"]
// CHECK:         arith.addf
// CHECK:       linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction"]
// CHECK:         arith.subf
// CHECK:         arith.mulf
// CHECK:       arith.constant 0.89999997615814208 : f64
// CHECK:       tensor.collapse_shape {{.*}} into tensor<3xf64>
func.func @batchnorm_training(%x: tensor<2x3x4xf64>, %s: tensor<3xf64>, %b: tensor<3xf64>, %m: tensor<3xf64>, %v: tensor<3xf64>) -> (tensor<2x3x4xf64>, tensor<3xf64>, tensor<3xf64>) {
  %y, %rm, %rv = onnx.BatchNormalization %x, %s, %b, %m, %v {training_mode = 1 : i64} : (tensor<2x3x4xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) -> (tensor<2x3x4xf64>, tensor<3xf64>, tensor<3xf64>)
  return %y, %rm, %rv : tensor<2x3x4xf64>, tensor<3xf64>, tensor<3xf64>
}

// -----

// LayerNormalization over the last two dimensions, without bias: mean,
// variance (two passes) and 1/sqrt(var + eps) in the keepdims form, which
// are also the Mean/InvStdDev results.
// CHECK-LABEL: func.func @layernorm
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "reduction", "reduction"]
// CHECK:       %[[MEAN:.*]] = linalg.generic
// CHECK-SAME:    outs(%{{.*}} : tensor<2x1x1xf32>)
// CHECK:         arith.divf
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "reduction", "reduction"]
// CHECK:       linalg.generic
// CHECK:       %[[INV:.*]] = linalg.generic
// CHECK:         math.sqrt
// CHECK:       %[[Y:.*]] = linalg.generic
// CHECK-SAME:    ins(%arg0, %[[MEAN]], %[[INV]], %arg1 : tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>, tensor<3x4xf32>)
// CHECK:       return %[[Y]], %[[MEAN]], %[[INV]]
func.func @layernorm(%x: tensor<2x3x4xf32>, %scale: tensor<3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>) {
  %none = onnx.None
  %y, %mean, %inv = onnx.LayerNormalization %x, %scale, %none {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<3x4xf32>, none) -> (tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)
  return %y, %mean, %inv : tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>
}

// -----

// RMSNormalization (default axis -1): sum of squares, 1/sqrt(mean + eps),
// then x * inv * scale; no mean is subtracted.
// CHECK-LABEL: func.func @rmsnorm
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "reduction"]
// CHECK:         arith.mulf
// CHECK:         arith.addf
// CHECK:       %[[INV:.*]] = linalg.generic
// CHECK:         arith.constant 4.000000e+00 : f32
// CHECK:         math.sqrt
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%arg0, %[[INV]], %arg1 : tensor<2x4xf32>, tensor<2x1xf32>, tensor<4xf32>)
// CHECK-NOT:     arith.subf
// CHECK:         linalg.yield
func.func @rmsnorm(%x: tensor<2x4xf32>, %scale: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = onnx.RMSNormalization %x, %scale {epsilon = 1.0e-3 : f32} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// InstanceNormalization: statistics per (N, C) over the spatial dimensions.
// CHECK-LABEL: func.func @instancenorm
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK:       tensor.expand_shape %arg1 {{\[}}[0, 1, 2]] output_shape [2, 1, 1]
func.func @instancenorm(%x: tensor<1x2x3x4xf32>, %s: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<1x2x3x4xf32> {
  %0 = onnx.InstanceNormalization %x, %s, %b : (tensor<1x2x3x4xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x4xf32>
  return %0 : tensor<1x2x3x4xf32>
}

// -----

// GroupNormalization: channels split into (groups, C / groups), normalized
// over everything but N and the group, merged back.
// CHECK-LABEL: func.func @groupnorm
// CHECK:       tensor.expand_shape %arg0 {{\[}}[0], [1, 2], [3]] output_shape [3, 2, 2, 5]
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK:       tensor.expand_shape %arg1 {{\[}}[0, 1, 2]] output_shape [2, 2, 1]
// CHECK:       tensor.collapse_shape {{.*}} {{\[}}[0], [1, 2], [3]] {{.*}} into tensor<3x4x5xf32>
func.func @groupnorm(%x: tensor<3x4x5xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<3x4x5xf32> {
  %0 = onnx.GroupNormalization %x, %s, %b {num_groups = 2 : i64} : (tensor<3x4x5xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<3x4x5xf32>
  return %0 : tensor<3x4x5xf32>
}

// -----

// MeanVarianceNormalization (default axes 0, 2, 3): (x - mean) / (std + 1e-9).
// CHECK-LABEL: func.func @mvn
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["reduction", "parallel", "reduction", "reduction"]
// CHECK:       math.sqrt
func.func @mvn(%x: tensor<3x3x3x1xf32>) -> tensor<3x3x3x1xf32> {
  %0 = onnx.MeanVarianceNormalization %x : (tensor<3x3x3x1xf32>) -> tensor<3x3x3x1xf32>
  return %0 : tensor<3x3x3x1xf32>
}

// -----

// LpNormalization p = 1: the sum of |x| without a sqrt; a zero norm
// becomes 1.
// CHECK-LABEL: func.func @l1norm
// CHECK:       linalg.generic
// CHECK:         math.absf
// CHECK-NOT:   math.sqrt
// CHECK:       linalg.generic
// CHECK:         arith.cmpf oeq
// CHECK:         arith.select
// CHECK:       linalg.generic
// CHECK:         arith.divf
func.func @l1norm(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = onnx.LpNormalization %x {axis = 0 : i64, p = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @softmax_bad_axis(%x: tensor<2x3xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = onnx.Softmax %x {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @batchnorm_bad_channels(%x: tensor<2x3x4xf32>, %p: tensor<4xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{scale has 4 elements but the input has 3 channels}}
  %y, %m, %v = onnx.BatchNormalization %x, %p, %p, %p, %p : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return %y : tensor<*xf32>
}

// -----

func.func @groupnorm_bad_groups(%x: tensor<3x4x5xf32>, %s: tensor<4xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{the 4 channels do not split into 3 groups}}
  %0 = onnx.GroupNormalization %x, %s, %s {num_groups = 3 : i64} : (tensor<3x4x5xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @layernorm_bad_scale(%x: tensor<2x3x4xf32>, %s: tensor<5xf32>) -> tensor<*xf32> {
  %none = onnx.None
  // expected-error @+1 {{does not broadcast to the normalized shape}}
  %y, %m, %i = onnx.LayerNormalization %x, %s, %none : (tensor<2x3x4xf32>, tensor<5xf32>, none) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return %y : tensor<*xf32>
}
