// RUN: steed-opt %s --steed-lower-onnx --split-input-file --verify-diagnostics | FileCheck %s
// RUN: steed-opt %s --split-input-file --verify-diagnostics --steed-form-kernels --steed-lower-onnx --steed-outline-kernels --canonicalize --eliminate-empty-tensors --one-shot-bufferize --canonicalize --cse --canonicalize --steed-plan-memory | FileCheck %s --check-prefix=PIPE

// PIPE-NOT: onnx.{{[A-Z]}}
// PIPE-NOT: tensor.
// Padding and spreading copy with linalg.copy, never a strided memref.copy
// (that would need a runtime helper).
// PIPE-NOT: memref.copy {{.*}}strided

// 2-D MatMul: one linalg.matmul into a zero-filled accumulator.
// CHECK-LABEL: func.func @matmul_2d
// CHECK:       %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<3x5xf32>)
// CHECK:       %[[R:.*]] = linalg.matmul ins(%arg0, %arg1 : tensor<3x4xf32>, tensor<4x5xf32>) outs(%[[F]] : tensor<3x5xf32>)
// CHECK:       return %[[R]]
func.func @matmul_2d(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %r = onnx.MatMul %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

// 1-D x 1-D: both operands promoted, the [1, 1] result collapsed to a scalar.
// CHECK-LABEL: func.func @matmul_1d_1d
// CHECK-DAG:   tensor.expand_shape %arg0 {{\[}}[0, 1]] output_shape [1, 4]
// CHECK-DAG:   tensor.expand_shape %arg1 {{\[}}[0, 1]] output_shape [4, 1]
// CHECK:       linalg.matmul {{.*}} -> tensor<1x1xf32>
// CHECK:       tensor.collapse_shape %{{.*}} [] : tensor<1x1xf32> into tensor<f32>
func.func @matmul_1d_1d(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<f32> {
  %r = onnx.MatMul %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  return %r : tensor<f32>
}

// -----

// Batched A times a matrix: the batch folds into M; f16 accumulates in f32
// and is truncated once.
// CHECK-LABEL: func.func @matmul_fold_batch_f16
// CHECK:       %[[A:.*]] = tensor.collapse_shape %arg0 {{\[}}[0, 1], [2]] : tensor<2x3x4xf16> into tensor<6x4xf16>
// CHECK:       %[[M:.*]] = linalg.matmul ins(%[[A]], %arg1 : tensor<6x4xf16>, tensor<4x5xf16>) outs(%{{.*}} : tensor<6x5xf32>)
// CHECK:       tensor.expand_shape %[[M]] {{\[}}[0, 1], [2]] output_shape [2, 3, 5]
// CHECK:       arith.truncf %{{.*}} : f32 to f16
func.func @matmul_fold_batch_f16(%a: tensor<2x3x4xf16>, %b: tensor<4x5xf16>) -> tensor<2x3x5xf16> {
  %r = onnx.MatMul %a, %b : (tensor<2x3x4xf16>, tensor<4x5xf16>) -> tensor<2x3x5xf16>
  return %r : tensor<2x3x5xf16>
}

// -----

// Equal batches (up to leading 1s): linalg.batch_matmul; integers too.
// CHECK-LABEL: func.func @matmul_batch_i32
// CHECK:       tensor.collapse_shape %arg1 {{\[}}[0, 1], [2], [3]] : tensor<1x2x4x5xi32> into tensor<2x4x5xi32>
// CHECK:       linalg.fill ins(%{{.*}} : i32)
// CHECK:       linalg.batch_matmul ins(%arg0, %{{.*}} : tensor<2x3x4xi32>, tensor<2x4x5xi32>) outs(%{{.*}} : tensor<2x3x5xi32>)
// CHECK:       tensor.expand_shape {{.*}} output_shape [1, 2, 3, 5]
func.func @matmul_batch_i32(%a: tensor<2x3x4xi32>, %b: tensor<1x2x4x5xi32>) -> tensor<1x2x3x5xi32> {
  %r = onnx.MatMul %a, %b : (tensor<2x3x4xi32>, tensor<1x2x4x5xi32>) -> tensor<1x2x3x5xi32>
  return %r : tensor<1x2x3x5xi32>
}

// -----

// Unsigned operands are bit-cast to signless; the contraction is the same.
// CHECK-LABEL: func.func @matmul_ui32
// CHECK:       linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x3xi32>, tensor<3x2xi32>)
func.func @matmul_ui32(%a: tensor<2x3xui32>, %b: tensor<3x2xui32>) -> tensor<2x2xui32> {
  %r = onnx.MatMul %a, %b : (tensor<2x3xui32>, tensor<3x2xui32>) -> tensor<2x2xui32>
  return %r : tensor<2x2xui32>
}

// -----

// A without batch dims, B batched: linalg.batch_matmul whose A map
// broadcasts over the batch.
// CHECK-DAG:   #[[BA:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-DAG:   #[[BB:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG:   #[[BO:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @matmul_shared_lhs
// CHECK:       %[[B:.*]] = tensor.collapse_shape %arg1 {{\[}}[0, 1], [2], [3]] : tensor<2x3x4x5xf32> into tensor<6x4x5xf32>
// CHECK:       linalg.batch_matmul indexing_maps = [#[[BA]], #[[BB]], #[[BO]]] ins(%arg0, %[[B]] : tensor<7x4xf32>, tensor<6x4x5xf32>) outs(%{{.*}} : tensor<6x7x5xf32>)
func.func @matmul_shared_lhs(%a: tensor<7x4xf32>, %b: tensor<2x3x4x5xf32>) -> tensor<2x3x7x5xf32> {
  %r = onnx.MatMul %a, %b : (tensor<7x4xf32>, tensor<2x3x4x5xf32>) -> tensor<2x3x7x5xf32>
  return %r : tensor<2x3x7x5xf32>
}

// -----

// Broadcast batches: a contraction linalg.generic reading size-1 batch
// dims at index 0.
// CHECK-DAG:   #[[MA:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG:   #[[MB:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG:   #[[MO:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul_broadcast
// CHECK:       linalg.generic {indexing_maps = [#[[MA]], #[[MB]], #[[MO]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK:         arith.mulf
// CHECK:         arith.addf
func.func @matmul_broadcast(%a: tensor<2x1x3x4xf32>, %b: tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32> {
  %r = onnx.MatMul %a, %b : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32>
  return %r : tensor<2x5x3x6xf32>
}

// -----

// A dynamic contraction dimension is not lowered (a dynamic row count is,
// see separable.mlir): the pattern does not fire.
func.func @matmul_dynamic_k(%a: tensor<3x?xf32>, %b: tensor<?x5xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{cannot lower}}
  %r = onnx.MatMul %a, %b : (tensor<3x?xf32>, tensor<?x5xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

// Gemm with alpha == 1: the matmul accumulates into beta * C broadcast.
// CHECK-DAG:   #[[BC:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @gemm_bias_column
// CHECK:       %[[C:.*]] = linalg.generic {indexing_maps = [#[[BC]], #{{.*}}]{{.*}} ins(%arg2 : tensor<3x1xf32>)
// CHECK:         arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK:       %[[R:.*]] = linalg.matmul ins(%arg0, %arg1 : tensor<3x4xf32>, tensor<4x5xf32>) outs(%[[C]] : tensor<3x5xf32>)
// CHECK:       return %[[R]]
func.func @gemm_bias_column(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3x1xf32>) -> tensor<3x5xf32> {
  %r = onnx.Gemm %a, %b, %c {beta = 0.5 : f32} : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<3x1xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

// Transposes are indexing maps of the linalg.matmul; alpha != 1 needs an
// epilogue alpha * acc + beta * C.
// CHECK-DAG:   #[[TA:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG:   #[[TB:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG:   #[[TC:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @gemm_transposed
// CHECK:       %[[M:.*]] = linalg.matmul indexing_maps = [#[[TA]], #[[TB]], #[[TC]]] ins(%arg0, %arg1 : tensor<4x3xf32>, tensor<5x4xf32>)
// CHECK:       linalg.generic {{.*}} ins(%[[M]], %arg2 : tensor<3x5xf32>, tensor<5xf32>)
// CHECK:         arith.constant 2.500000e-01 : f32
// CHECK:         arith.mulf
// CHECK:         arith.constant 2.000000e+00 : f32
// CHECK:         arith.mulf
// CHECK:         arith.addf
func.func @gemm_transposed(%a: tensor<4x3xf32>, %b: tensor<5x4xf32>, %c: tensor<5xf32>) -> tensor<3x5xf32> {
  %r = onnx.Gemm %a, %b, %c {transA = 1 : i64, transB = 1 : i64, alpha = 0.25 : f32, beta = 2.0 : f32} : (tensor<4x3xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

// Gemm without C: zero-filled accumulator, no epilogue.
// CHECK-LABEL: func.func @gemm_no_c
// CHECK:       %[[F:.*]] = linalg.fill
// CHECK:       %[[R:.*]] = linalg.matmul ins(%arg0, %arg1 : tensor<2x3xf32>, tensor<3x4xf32>) outs(%[[F]]
// CHECK-NEXT:  return %[[R]]
func.func @gemm_no_c(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %n = onnx.None
  %r = onnx.Gemm %a, %b, %n : (tensor<2x3xf32>, tensor<3x4xf32>, none) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

// 2-D Conv, group 1: padding (linalg.copy of X into a zero-filled tensor),
// bias broadcast, linalg.conv_2d_nchw_fchw.
// CHECK-DAG:   #[[BIAS:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @conv_2d
// CHECK:       %[[Z:.*]] = linalg.fill {{.*}} -> tensor<1x1x9x5xf32>
// CHECK:       %[[C:.*]] = linalg.copy ins(%arg0 : tensor<1x1x7x5xf32>)
// CHECK:       %[[P:.*]] = tensor.insert_slice %[[C]] into %[[Z]][0, 0, 1, 0] [1, 1, 7, 5] [1, 1, 1, 1]
// CHECK:       %[[B:.*]] = linalg.generic {indexing_maps = [#[[BIAS]], {{.*}} ins(%arg2 : tensor<2xf32>)
// CHECK:       linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[P]], %arg1 : tensor<1x1x9x5xf32>, tensor<2x1x3x3xf32>) outs(%[[B]] : tensor<1x2x4x2xf32>)
func.func @conv_2d(%x: tensor<1x1x7x5xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf32>) -> tensor<1x2x4x2xf32> {
  %r = onnx.Conv %x, %w, %b {pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 2, 2>, kernel_shape = array<i64: 3, 3>} : (tensor<1x1x7x5xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x4x2xf32>
  return %r : tensor<1x2x4x2xf32>
}

// -----

// SAME_LOWER puts the odd padding element at the beginning.
// CHECK-LABEL: func.func @conv_same_lower
// CHECK:       tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 1, 1] [1, 1, 4, 4] [1, 1, 1, 1] : tensor<1x1x4x4xf32> into tensor<1x1x5x5xf32>
// CHECK:       linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
func.func @conv_same_lower(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  %n = onnx.None
  %r = onnx.Conv %x, %w, %n {auto_pad = "SAME_LOWER", strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>, none) -> tensor<1x1x2x2xf32>
  return %r : tensor<1x1x2x2xf32>
}

// -----

// Grouped 2-D: channel dims split into (group, per group) for
// linalg.conv_2d_ngchw_gfchw.
// CHECK-LABEL: func.func @conv_grouped
// CHECK-DAG:   tensor.expand_shape %arg0 {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 5, 5]
// CHECK-DAG:   tensor.expand_shape %arg1 {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3]
// CHECK:       %[[C:.*]] = linalg.conv_2d_ngchw_gfchw {{.*}} -> tensor<1x2x3x3x3xf32>
// CHECK:       tensor.collapse_shape %[[C]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x3x3x3xf32> into tensor<1x6x3x3xf32>
func.func @conv_grouped(%x: tensor<1x4x5x5xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x3x3xf32> {
  %n = onnx.None
  %r = onnx.Conv %x, %w, %n {group = 2 : i64} : (tensor<1x4x5x5xf32>, tensor<6x2x3x3xf32>, none) -> tensor<1x6x3x3xf32>
  return %r : tensor<1x6x3x3xf32>
}

// -----

// Depthwise (group == C == M): linalg.depthwise_conv_2d_nchw_chw.
// CHECK-LABEL: func.func @conv_depthwise
// CHECK:       tensor.collapse_shape %arg1 {{\[}}[0], [1, 2], [3]] : tensor<3x1x3x3xf32> into tensor<3x3x3xf32>
// CHECK:       linalg.depthwise_conv_2d_nchw_chw {dilations = dense<2> : tensor<2xi64>
func.func @conv_depthwise(%x: tensor<1x3x6x6xf32>, %w: tensor<3x1x3x3xf32>) -> tensor<1x3x2x2xf32> {
  %n = onnx.None
  %r = onnx.Conv %x, %w, %n {group = 3 : i64, dilations = array<i64: 2, 2>} : (tensor<1x3x6x6xf32>, tensor<3x1x3x3xf32>, none) -> tensor<1x3x2x2xf32>
  return %r : tensor<1x3x2x2xf32>
}

// -----

// 1-D and 3-D, group 1: the matching named ops.
// CHECK-LABEL: func.func @conv_1d
// CHECK:       linalg.conv_1d_ncw_fcw
func.func @conv_1d(%x: tensor<2x3x8xf32>, %w: tensor<4x3x3xf32>) -> tensor<2x4x6xf32> {
  %n = onnx.None
  %r = onnx.Conv %x, %w, %n : (tensor<2x3x8xf32>, tensor<4x3x3xf32>, none) -> tensor<2x4x6xf32>
  return %r : tensor<2x4x6xf32>
}

// -----

// CHECK-LABEL: func.func @conv_3d_f16
// CHECK:       linalg.conv_3d_ncdhw_fcdhw {{.*}} ins(%arg0, %arg1 : tensor<1x2x4x4x4xf16>, tensor<2x2x2x2x2xf16>) outs(%{{.*}} : tensor<1x2x3x3x3xf32>)
// CHECK:       arith.truncf
func.func @conv_3d_f16(%x: tensor<1x2x4x4x4xf16>, %w: tensor<2x2x2x2x2xf16>) -> tensor<1x2x3x3x3xf16> {
  %n = onnx.None
  %r = onnx.Conv %x, %w, %n : (tensor<1x2x4x4x4xf16>, tensor<2x2x2x2x2xf16>, none) -> tensor<1x2x3x3x3xf16>
  return %r : tensor<1x2x3x3x3xf16>
}

// -----

// Grouped 1-D (no named op): a linalg.generic over
// (n, g, m, o | c, k) with input index o * stride + k * dilation.
// CHECK-DAG:   #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4, d3 * 2 + d5 * 3)>
// CHECK-DAG:   #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
// CHECK-DAG:   #[[O:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv_grouped_1d
// CHECK:       linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[O]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
func.func @conv_grouped_1d(%x: tensor<1x4x11xf32>, %w: tensor<6x2x3xf32>) -> tensor<1x6x3xf32> {
  %n = onnx.None
  %r = onnx.Conv %x, %w, %n {group = 2 : i64, strides = array<i64: 2>, dilations = array<i64: 3>} : (tensor<1x4x11xf32>, tensor<6x2x3xf32>, none) -> tensor<1x6x3xf32>
  return %r : tensor<1x6x3xf32>
}

// -----

// ConvTranspose, stride 2: one stride-1 correlation per output phase (2 x 2
// here), each with its flipped, channel-swapped sub-kernel of the taps that
// reach it, accumulating in place into its strided slice of the output.
// Phase (0, 0): outputs 1, 3, 5 (pad 1), taps 0 and 2 (read as 2 - 2j).
// CHECK-DAG:   #[[P00:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, d3 * -2 + 2, d4 * -2 + 2)>
// CHECK-DAG:   #[[P11:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, d3 * -2 + 1, d4 * -2 + 1)>
// CHECK-LABEL: func.func @conv_transpose
// CHECK:       %[[OUT:.*]] = linalg.fill {{.*}} -> tensor<1x3x6x6xf32>
// CHECK:       %[[X:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0] [1, 2, 3, 3] [1, 1, 1, 1] : tensor<1x2x3x3xf32> into tensor<1x2x4x4xf32>
// CHECK:       %[[W:.*]] = linalg.generic {indexing_maps = [#[[P00]], {{.*}} outs(%{{.*}} : tensor<1x3x2x2x2xf32>)
// CHECK:       %[[WC:.*]] = tensor.collapse_shape %[[W]] {{.*}} into tensor<3x2x2x2xf32>
// CHECK:       %[[S:.*]] = tensor.extract_slice %[[OUT]][0, 0, 1, 1] [1, 3, 3, 3] [1, 1, 2, 2]
// CHECK:       %[[C:.*]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[X]], %[[WC]] : tensor<1x2x4x4xf32>, tensor<3x2x2x2xf32>) outs(%[[S]] : tensor<1x3x3x3xf32>)
// CHECK:       tensor.insert_slice %[[C]] into %[[OUT]][0, 0, 1, 1] [1, 3, 3, 3] [1, 1, 2, 2]
// CHECK-COUNT-2: linalg.conv_2d_nchw_fchw
// Phase (1, 1): outputs 0, 2, 4, tap 1 only; reads X as is.
// CHECK:       linalg.generic {indexing_maps = [#[[P11]], {{.*}} outs(%{{.*}} : tensor<1x3x2x1x1xf32>)
// CHECK:       linalg.conv_2d_nchw_fchw {{.*}} ins(%arg0, %{{.*}} : tensor<1x2x3x3xf32>, tensor<3x2x1x1xf32>)
// CHECK-NOT:   linalg.conv_2d_nchw_fchw
func.func @conv_transpose(%x: tensor<1x2x3x3xf32>, %w: tensor<2x3x3x3xf32>) -> tensor<1x3x6x6xf32> {
  %n = onnx.None
  %r = onnx.ConvTranspose %x, %w, %n {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x3x3x3xf32>, none) -> tensor<1x3x6x6xf32>
  return %r : tensor<1x3x6x6xf32>
}

// -----

// Stride 1: a single correlation with the flipped kernel. A padding larger
// than the kernel extent drops the input rows that fall outside: only a
// slice of X is read.
// CHECK-LABEL: func.func @conv_transpose_crop
// CHECK:       %[[X:.*]] = tensor.extract_slice %arg0[0, 0, 1] [1, 1, 3] [1, 1, 1]
// CHECK-NOT:   linalg.copy
// CHECK:       linalg.conv_1d_ncw_fcw {{.*}} ins(%[[X]], %{{.*}} : tensor<1x1x3xf32>, tensor<1x1x2xf32>)
func.func @conv_transpose_crop(%x: tensor<1x1x4xf32>, %w: tensor<1x1x2xf32>) -> tensor<1x1x2xf32> {
  %n = onnx.None
  %r = onnx.ConvTranspose %x, %w, %n {pads = array<i64: 2, 1>} : (tensor<1x1x4xf32>, tensor<1x1x2xf32>, none) -> tensor<1x1x2xf32>
  return %r : tensor<1x1x2xf32>
}

// -----

// Stride 3 with a 2-tap kernel: phase 2 gets no tap and keeps the bias.
// CHECK-LABEL: func.func @conv_transpose_tapless_phase
// CHECK:       %[[OUT:.*]] = linalg.generic {{.*}} ins(%arg2 : tensor<1xf32>)
// CHECK-COUNT-2: linalg.conv_1d_ncw_fcw
// CHECK-NOT:   linalg.conv_1d_ncw_fcw
func.func @conv_transpose_tapless_phase(%x: tensor<1x1x3xf32>, %w: tensor<1x1x2xf32>, %b: tensor<1xf32>) -> tensor<1x1x8xf32> {
  %r = onnx.ConvTranspose %x, %w, %b {strides = array<i64: 3>} : (tensor<1x1x3xf32>, tensor<1x1x2xf32>, tensor<1xf32>) -> tensor<1x1x8xf32>
  return %r : tensor<1x1x8xf32>
}
