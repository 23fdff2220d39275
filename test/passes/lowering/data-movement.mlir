// Result types are left unranked here and inferred by steed-infer-shapes, so
// every case checks inference and then the lowering (CHECK) or the folds
// (FOLD). Bad operands are inference errors, reported the same by both runs.
// RUN: steed-opt %s --split-input-file --verify-diagnostics --steed-infer-shapes --steed-lower-onnx | FileCheck %s
// RUN: steed-opt %s --split-input-file --verify-diagnostics --steed-infer-shapes --canonicalize | FileCheck %s --check-prefix=FOLD

// Reshape: 0 copies the input dim, -1 is inferred; dims that group give one
// collapse_shape.
// CHECK-LABEL: func.func @reshape_collapse
// CHECK-SAME:  -> tensor<2x12xf32>
// CHECK:       tensor.collapse_shape %arg0 {{\[}}[0], [1, 2]] : tensor<2x3x4xf32> into tensor<2x12xf32>
// FOLD-LABEL:  func.func @reshape_collapse
// FOLD:        onnx.Reshape
func.func @reshape_collapse(%x: tensor<2x3x4xf32>) -> tensor<*xf32> {
  %s = onnx.Constant dense<[0, -1]> : tensor<2xi64>
  %r = onnx.Reshape %x, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Dims that do not group go through 1-D.
// CHECK-LABEL: func.func @reshape_regroup
// CHECK:       %[[F:.*]] = tensor.collapse_shape %arg0 {{\[}}[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
// CHECK:       tensor.expand_shape %[[F]] {{\[}}[0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
func.func @reshape_regroup(%x: tensor<2x3xf32>) -> tensor<*xf32> {
  %s = onnx.Constant dense<[3, 2]> : tensor<2xi64>
  %r = onnx.Reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @reshape_bad_count(%x: tensor<2x3xf32>) -> tensor<*xf32> {
  %s = onnx.Constant dense<[4, -1]> : tensor<2xi64>
  // expected-error @+1 {{cannot reshape 'tensor<2x3xf32>' to [4, -1]: 6 elements are not a multiple of 4}}
  %r = onnx.Reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @flatten_squeeze_unsqueeze
// CHECK:       tensor.collapse_shape %arg0 {{\[}}[0, 1], [2, 3]] : tensor<1x3x1x4xf32> into tensor<3x4xf32>
// CHECK:       tensor.expand_shape {{.*}} : tensor<3x4xf32> into tensor<3x1x4xf32>
// CHECK:       tensor.collapse_shape {{.*}} : tensor<3x1x4xf32> into tensor<3x4xf32>
func.func @flatten_squeeze_unsqueeze(%x: tensor<1x3x1x4xf32>) -> tensor<*xf32> {
  %n = onnx.None
  %a = onnx.Squeeze %x, %n : (tensor<1x3x1x4xf32>, none) -> tensor<*xf32>
  %ax = onnx.Constant dense<[-2]> : tensor<1xi64>
  %b = onnx.Unsqueeze %a, %ax : (tensor<*xf32>, tensor<1xi64>) -> tensor<*xf32>
  %c = onnx.Flatten %b {axis = -1 : i64} : (tensor<*xf32>) -> tensor<*xf32>
  return %c : tensor<*xf32>
}

// -----

func.func @squeeze_not_one(%x: tensor<2x3xf32>) -> tensor<*xf32> {
  %ax = onnx.Constant dense<[1]> : tensor<1xi64>
  // expected-error @+1 {{cannot squeeze dim 1 of size 3}}
  %r = onnx.Squeeze %x, %ax : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_default
// CHECK-SAME:  -> tensor<4x3x2xf32>
// CHECK:       linalg.transpose ins(%arg0 : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<4x3x2xf32>) permutation = [2, 1, 0]
func.func @transpose_default(%x: tensor<2x3x4xf32>) -> tensor<*xf32> {
  %r = onnx.Transpose %x : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @transpose_bad_perm(%x: tensor<2x3xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{perm [0, 0] is not a permutation of the 2 dims}}
  %r = onnx.Transpose %x {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @concat
// CHECK-SAME:  -> tensor<2x8xf32>
// CHECK:       %[[E:.*]] = tensor.empty() : tensor<2x8xf32>
// CHECK:       %[[X:.*]] = linalg.copy ins(%arg0 : tensor<2x3xf32>)
// CHECK:       %[[A:.*]] = tensor.insert_slice %[[X]] into %[[E]][0, 0] [2, 3] [1, 1]
// CHECK:       %[[Y:.*]] = linalg.copy ins(%arg1 : tensor<2x5xf32>)
// CHECK:       tensor.insert_slice %[[Y]] into %[[A]][0, 3] [2, 5] [1, 1]
func.func @concat(%x: tensor<2x3xf32>, %y: tensor<2x5xf32>) -> tensor<*xf32> {
  %r = onnx.Concat %x, %y {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @concat_mismatch(%x: tensor<2x3xf32>, %y: tensor<3x5xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{dim 0 differs between inputs: 2 vs 3}}
  %r = onnx.Concat %x, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Split into the `split` sizes: one extract_slice per result, copied by
// linalg (not left to a strided memref.copy).
// CHECK-LABEL: func.func @split
// CHECK:       %[[A:.*]] = tensor.extract_slice %arg0[0, 0] [2, 2] [1, 1] : tensor<6x2xf32> to tensor<2x2xf32>
// CHECK:       linalg.copy ins(%[[A]] : tensor<2x2xf32>)
// CHECK:       %[[B:.*]] = tensor.extract_slice %arg0[2, 0] [4, 2] [1, 1] : tensor<6x2xf32> to tensor<4x2xf32>
// CHECK:       linalg.copy ins(%[[B]] : tensor<4x2xf32>)
func.func @split(%x: tensor<6x2xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %s = onnx.Constant dense<[2, 4]> : tensor<2xi64>
  %r:2 = onnx.Split %x, %s : (tensor<6x2xf32>, tensor<2xi64>) -> (tensor<*xf32>, tensor<*xf32>)
  return %r#0, %r#1 : tensor<*xf32>, tensor<*xf32>
}

// -----

// Opset 18 num_outputs: ceil-sized parts, the last one smaller.
// CHECK-LABEL: func.func @split_num_outputs
// CHECK-SAME:  -> (tensor<3xf32>, tensor<3xf32>, tensor<1xf32>)
func.func @split_num_outputs(%x: tensor<7xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %n = onnx.None
  %r:3 = onnx.Split %x, %n {num_outputs = 3 : i64} : (tensor<7xf32>, none) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return %r#0, %r#1, %r#2 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

func.func @split_bad_sizes(%x: tensor<6xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %s = onnx.Constant dense<[2, 3]> : tensor<2xi64>
  // expected-error @+1 {{split sizes add up to 5, not to dim 0 (6)}}
  %r:2 = onnx.Split %x, %s : (tensor<6xf32>, tensor<2xi64>) -> (tensor<*xf32>, tensor<*xf32>)
  return %r#0, %r#1 : tensor<*xf32>, tensor<*xf32>
}

// -----

// Gather: indices read by the generic, data by tensor.extract, negative
// indices wrapped.
// CHECK-DAG:   #[[IDX:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @gather
// CHECK-SAME:  -> tensor<5x2x3xf32>
// CHECK:       linalg.generic {indexing_maps = [#[[IDX]], {{.*}}]
// CHECK:         arith.index_cast %{{.*}} : i64 to index
// CHECK:         arith.select
// CHECK:         %[[I0:.*]] = linalg.index 0 : index
// CHECK:         tensor.extract %arg0[%[[I0]], %{{.*}}] : tensor<5x4xf32>
func.func @gather(%x: tensor<5x4xf32>, %i: tensor<2x3xi64>) -> tensor<*xf32> {
  %r = onnx.Gather %x, %i {axis = 1 : i64} : (tensor<5x4xf32>, tensor<2x3xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @gather_out_of_range(%x: tensor<5x4xf32>) -> tensor<*xf32> {
  %i = onnx.Constant dense<[4]> : tensor<1xi64>
  // expected-error @+1 {{index 4 is out of range for dim 1 (4)}}
  %r = onnx.Gather %x, %i {axis = 1 : i64} : (tensor<5x4xf32>, tensor<1xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @gather_elements
// CHECK-SAME:  -> tensor<2x3xf32>
// CHECK:         %[[J:.*]] = linalg.index 1 : index
// CHECK:         tensor.extract %arg0[%{{.*}}, %[[J]]] : tensor<3x3xf32>
func.func @gather_elements(%x: tensor<3x3xf32>, %i: tensor<2x3xi32>) -> tensor<*xf32> {
  %r = onnx.GatherElements %x, %i : (tensor<3x3xf32>, tensor<2x3xi32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Dynamic indices (and data): the result takes the indices' run-time shape,
// negative indices wrap by the data's run-time dim.
// CHECK-LABEL: func.func @gather_elements_dynamic
// CHECK-SAME:  -> tensor<?x3xf32>
// CHECK:         %[[D:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x3xf32>
// CHECK:         %[[N:.*]] = tensor.dim %arg1, %{{.*}} : tensor<?x3xi64>
// CHECK:         tensor.empty(%[[N]]) : tensor<?x3xf32>
// CHECK:         linalg.generic
// CHECK:           arith.addi %{{.*}}, %[[D]] : index
// CHECK:           tensor.extract %arg0[%{{.*}}, %{{.*}}] : tensor<?x3xf32>
func.func @gather_elements_dynamic(%x: tensor<?x3xf32>, %i: tensor<?x3xi64>) -> tensor<*xf32> {
  %r = onnx.GatherElements %x, %i {axis = 0 : i64} : (tensor<?x3xf32>, tensor<?x3xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Slice with constant positive steps: an extract_slice (ends clamp).
// CHECK-LABEL: func.func @slice_static
// CHECK-SAME:  -> tensor<2x5xf32>
// CHECK:       %[[S:.*]] = tensor.extract_slice %arg0[1, 0] [2, 5] [2, 1] : tensor<4x5xf32> to tensor<2x5xf32>
// CHECK:       linalg.copy ins(%[[S]] : tensor<2x5xf32>)
func.func @slice_static(%x: tensor<4x5xf32>) -> tensor<*xf32> {
  %s = onnx.Constant dense<[1]> : tensor<1xi64>
  %e = onnx.Constant dense<[1000]> : tensor<1xi64>
  %a = onnx.Constant dense<[0]> : tensor<1xi64>
  %st = onnx.Constant dense<[2]> : tensor<1xi64>
  %r = onnx.Slice %x, %s, %e, %a, %st : (tensor<4x5xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Negative steps cannot be an extract_slice: a generic reads data[19 - i].
// CHECK-LABEL: func.func @slice_negative_step
// CHECK-SAME:  -> tensor<20x10xf32>
// CHECK-NOT:   tensor.extract_slice
// CHECK:       linalg.generic
// CHECK:         arith.muli %{{.*}}, %c-1
// CHECK:         tensor.extract %arg0
func.func @slice_negative_step(%x: tensor<20x10xf32>) -> tensor<*xf32> {
  %s = onnx.Constant dense<[-1]> : tensor<1xi64>
  %e = onnx.Constant dense<[-1000]> : tensor<1xi64>
  %a = onnx.Constant dense<[0]> : tensor<1xi64>
  %st = onnx.Constant dense<[-1]> : tensor<1xi64>
  %r = onnx.Slice %x, %s, %e, %a, %st : (tensor<20x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Expand broadcasts bidirectionally.
// CHECK-DAG:   #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func.func @expand
// CHECK-SAME:  -> tensor<2x3x6xf32>
// CHECK:       linalg.generic {indexing_maps = [#[[IN]], {{.*}}]
func.func @expand(%x: tensor<3x1xf32>) -> tensor<*xf32> {
  %s = onnx.Constant dense<[2, 1, 6]> : tensor<3xi64>
  %r = onnx.Expand %x, %s : (tensor<3x1xf32>, tensor<3xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Tile: broadcast to [r0, d0, r1, d1], collapse the pairs.
// CHECK-DAG:   #[[TIN:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-LABEL: func.func @tile
// CHECK-SAME:  -> tensor<4x9xf32>
// CHECK:       %[[W:.*]] = linalg.generic {indexing_maps = [#[[TIN]], {{.*}}]
// CHECK:       } -> tensor<2x2x3x3xf32>
// CHECK:       tensor.collapse_shape %[[W]] {{\[}}[0, 1], [2, 3]] : tensor<2x2x3x3xf32> into tensor<4x9xf32>
func.func @tile(%x: tensor<2x3xf32>) -> tensor<*xf32> {
  %rep = onnx.Constant dense<[2, 3]> : tensor<2xi64>
  %r = onnx.Tile %x, %rep : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Cast to unsigned: fptoui, then the signless result is bitcast back.
// CHECK-LABEL: func.func @cast
// CHECK-SAME:  -> tensor<3xui8>
// CHECK:       arith.fptoui %{{.*}} : f32 to i8
func.func @cast(%x: tensor<3xf32>) -> tensor<*xf32> {
  %r = onnx.Cast %x {to = ui8} : (tensor<3xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Cast to float8 (FNUZ, saturate = 0): the f32 bit pattern is rounded to
// nearest even (normal range) or by adding 2^k (subnormals); overflow and
// NaN give 0x80 (-128); the i8 code is the storage of f8E4M3FNUZ.
// CHECK-LABEL: func.func @cast_to_float8
// CHECK-SAME:  -> tensor<3xf8E4M3FNUZ>
// CHECK:       linalg.generic
// CHECK:         %[[BITS:.*]] = arith.bitcast %{{.*}} : f32 to i32
// CHECK:         arith.shrui
// CHECK:         arith.addf %{{.*}}, %{{.*}} : f32
// CHECK:         arith.cmpi ugt, %{{.*}}, %c127_i32{{.*}} : i32
// CHECK:         arith.select %{{.*}}, %c128_i32{{.*}}, %{{.*}} : i32
// CHECK:         arith.trunci %{{.*}} : i32 to i8
// CHECK:       tensor.bitcast %{{.*}} : tensor<3xi8> to tensor<3xf8E4M3FNUZ>
func.func @cast_to_float8(%x: tensor<3xf32>) -> tensor<*xf8E4M3FNUZ> {
  %r = onnx.Cast %x {to = f8E4M3FNUZ, saturate = 0 : i64} : (tensor<3xf32>) -> tensor<*xf8E4M3FNUZ>
  return %r : tensor<*xf8E4M3FNUZ>
}

// -----

// float8 -> f16: decoded to f32 (fields moved into an f32 pattern,
// subnormals scaled, inf/NaN selected), then truncated.
// CHECK-LABEL: func.func @cast_from_float8
// CHECK:       tensor.bitcast %arg0 : tensor<3xf8E5M2> to tensor<3xi8>
// CHECK:       linalg.generic
// CHECK:         arith.extui %{{.*}} : i8 to i32
// CHECK:         arith.uitofp %{{.*}} : i32 to f32
// CHECK:         arith.select %{{.*}}, %cst{{.*}} : f32
// CHECK:         arith.truncf %{{.*}} : f32 to f16
func.func @cast_from_float8(%x: tensor<3xf8E5M2>) -> tensor<*xf16> {
  %r = onnx.Cast %x {to = f16} : (tensor<3xf8E5M2>) -> tensor<*xf16>
  return %r : tensor<*xf16>
}

// -----

// Two float8 formats share the i8 storage but are not the same type: the
// cast decodes and re-encodes (no shortcut).
// CHECK-LABEL: func.func @cast_float8_formats
// CHECK:       linalg.generic
// CHECK:         arith.extui %{{.*}} : i8 to i32
// CHECK:         arith.trunci %{{.*}} : i32 to i8
func.func @cast_float8_formats(%x: tensor<3xf8E4M3FN>) -> tensor<*xf8E5M2> {
  %r = onnx.Cast %x {to = f8E5M2} : (tensor<3xf8E4M3FN>) -> tensor<*xf8E5M2>
  return %r : tensor<*xf8E5M2>
}

// -----

// float -> int4 wraps like ONNX's reference: through i32, then truncated.
// CHECK-LABEL: func.func @cast_to_int4
// CHECK-SAME:  -> tensor<3xi4>
// CHECK:         arith.fptosi %{{.*}} : f32 to i32
// CHECK:         arith.trunci %{{.*}} : i32 to i4
func.func @cast_to_int4(%x: tensor<3xf32>) -> tensor<*xi4> {
  %r = onnx.Cast %x {to = i4} : (tensor<3xf32>) -> tensor<*xi4>
  return %r : tensor<*xi4>
}

// -----

// (The conversion driver folds too.)
// CHECK-LABEL: func.func @range_fold
// CHECK:       arith.constant dense<[1.000000e+00, 3.000000e+00, 5.000000e+00]> : tensor<3xf32>
// FOLD-LABEL:  func.func @range_fold
// FOLD:        onnx.Constant dense<[1.000000e+00, 3.000000e+00, 5.000000e+00]> : tensor<3xf32>
// FOLD-NOT:    onnx.Range
func.func @range_fold() -> tensor<*xf32> {
  %a = onnx.Constant dense<1.0> : tensor<f32>
  %b = onnx.Constant dense<6.0> : tensor<f32>
  %c = onnx.Constant dense<2.0> : tensor<f32>
  %r = onnx.Range %a, %b, %c : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// The torch shape chain folds: Shape -> Gather -> Unsqueeze -> Concat ->
// Cast.
// FOLD-LABEL:  func.func @shape_chain
// FOLD-DAG:    onnx.Constant dense<[3, 8]> : tensor<2xi64>
// FOLD-DAG:    onnx.Constant dense<[3, 8]> : tensor<2xi32>
// FOLD-NOT:    onnx.Shape
// FOLD-NOT:    onnx.Gather
func.func @shape_chain(%x: tensor<2x3x4xf32>) -> (tensor<*xi64>, tensor<*xi32>) {
  %s = onnx.Shape %x {start = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<*xi64>
  %i = onnx.Constant dense<0> : tensor<i64>
  %g = onnx.Gather %s, %i : (tensor<*xi64>, tensor<i64>) -> tensor<*xi64>
  %ax = onnx.Constant dense<[0]> : tensor<1xi64>
  %u = onnx.Unsqueeze %g, %ax : (tensor<*xi64>, tensor<1xi64>) -> tensor<*xi64>
  %k = onnx.Constant dense<[8]> : tensor<1xi64>
  %c = onnx.Concat %u, %k {axis = 0 : i64} : (tensor<*xi64>, tensor<1xi64>) -> tensor<*xi64>
  %t = onnx.Cast %c {to = i32} : (tensor<*xi64>) -> tensor<*xi32>
  return %c, %t : tensor<*xi64>, tensor<*xi32>
}

// -----

// Size of a static tensor: a constant either way.
// CHECK-LABEL: func.func @size
// CHECK:       arith.constant dense<24> : tensor<i64>
// FOLD-LABEL:  func.func @size
// FOLD:        onnx.Constant dense<24> : tensor<i64>
func.func @size(%x: tensor<2x3x4xf32>) -> tensor<*xi64> {
  %s = onnx.Size %x : (tensor<2x3x4xf32>) -> tensor<*xi64>
  return %s : tensor<*xi64>
}

// -----

// ConstantOfShape folds to a splat (small results only); lowered, it is a
// linalg.fill.
// CHECK-LABEL: func.func @constant_of_shape_big
// CHECK-SAME:  -> tensor<64x128xi8>
// CHECK:       linalg.fill ins(%c2_i8 : i8)
// CHECK-LABEL: func.func @constant_of_shape
// CHECK-SAME:  -> tensor<3x8xi8>
// CHECK:       arith.constant dense<2> : tensor<3x8xi8>
// FOLD-LABEL:  func.func @constant_of_shape_big
// FOLD:        onnx.ConstantOfShape
// FOLD-LABEL:  func.func @constant_of_shape
// FOLD:        onnx.Constant dense<2> : tensor<3x8xi8>
func.func @constant_of_shape_big() -> tensor<*xi8> {
  %c = onnx.Constant dense<[64, 128]> : tensor<2xi64>
  %f = onnx.ConstantOfShape %c {value = dense<2> : tensor<1xi8>} : (tensor<2xi64>) -> tensor<*xi8>
  return %f : tensor<*xi8>
}

// -----

func.func @constant_of_shape() -> tensor<*xi8> {
  %c = onnx.Constant dense<[3, 8]> : tensor<2xi64>
  %f = onnx.ConstantOfShape %c {value = dense<2> : tensor<1xi8>} : (tensor<2xi64>) -> tensor<*xi8>
  return %f : tensor<*xi8>
}

// -----

// Folds of constant data: Slice, Gather (axis 1), Concat (axis 1), Cast
// (float -> int truncates toward zero), Reshape.
// FOLD-LABEL:  func.func @constant_data
// FOLD-DAG:    onnx.Constant dense<{{\[}}[2, 3], [5, 6]]> : tensor<2x2xi32>
// FOLD-DAG:    onnx.Constant dense<{{\[}}[3, 1], [6, 4]]> : tensor<2x2xi32>
// FOLD-DAG:    onnx.Constant dense<{{\[}}[1, 2, 3, 1, 2, 3], [4, 5, 6, 4, 5, 6]]> : tensor<2x6xi32>
// FOLD-DAG:    onnx.Constant dense<[1, -2, 0]> : tensor<3xi64>
// FOLD-DAG:    onnx.Constant dense<[1, 2, 3, 4, 5, 6]> : tensor<6xi32>
// FOLD-NOT:    onnx.Slice
// FOLD-NOT:    onnx.Gather
// FOLD-NOT:    onnx.Concat
// FOLD-NOT:    onnx.Cast
// FOLD-NOT:    onnx.Reshape
func.func @constant_data() -> (tensor<*xi32>, tensor<*xi32>, tensor<*xi32>, tensor<*xi64>, tensor<*xi32>) {
  %d = onnx.Constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %s = onnx.Constant dense<[1]> : tensor<1xi64>
  %e = onnx.Constant dense<[3]> : tensor<1xi64>
  %a = onnx.Constant dense<[1]> : tensor<1xi64>
  %n = onnx.None
  %0 = onnx.Slice %d, %s, %e, %a, %n : (tensor<2x3xi32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<*xi32>
  %i = onnx.Constant dense<[2, 0]> : tensor<2xi64>
  %1 = onnx.Gather %d, %i {axis = 1 : i64} : (tensor<2x3xi32>, tensor<2xi64>) -> tensor<*xi32>
  %2 = onnx.Concat %d, %d {axis = 1 : i64} : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<*xi32>
  %f = onnx.Constant dense<[1.7, -2.5, 0.2]> : tensor<3xf32>
  %3 = onnx.Cast %f {to = i64} : (tensor<3xf32>) -> tensor<*xi64>
  %sh = onnx.Constant dense<[-1]> : tensor<1xi64>
  %4 = onnx.Reshape %d, %sh : (tensor<2x3xi32>, tensor<1xi64>) -> tensor<*xi32>
  return %0, %1, %2, %3, %4 : tensor<*xi32>, tensor<*xi32>, tensor<*xi32>, tensor<*xi64>, tensor<*xi32>
}

// -----

// Weights (resource blobs) are never folded: the Reshape stays.
// FOLD-LABEL:  func.func @weights_not_folded
// FOLD:        onnx.Reshape
func.func @weights_not_folded() -> tensor<*xf32> {
  %w = onnx.Constant dense_resource<w> : tensor<2x2xf32>
  %sh = onnx.Constant dense<[4]> : tensor<1xi64>
  %r = onnx.Reshape %w, %sh : (tensor<2x2xf32>, tensor<1xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

// Trilu (lower, k read at run time): select(j - i <= k, x, 0).
// CHECK-LABEL: func.func @tril
// CHECK-SAME:  -> tensor<3x4xi64>
// CHECK:       %[[K:.*]] = tensor.extract %arg1[] : tensor<i64>
// CHECK:       linalg.generic
// CHECK:         %[[D:.*]] = arith.subi %{{.*}}, %{{.*}} : index
// CHECK:         %[[C:.*]] = arith.cmpi sle, %[[D]], %{{.*}} : index
// CHECK:         arith.select %[[C]], %{{.*}}, %c0_i64 : i64
func.func @tril(%x: tensor<3x4xi64>, %k: tensor<i64>) -> tensor<*xi64> {
  %r = onnx.Trilu %x, %k {upper = 0 : i64} : (tensor<3x4xi64>, tensor<i64>) -> tensor<*xi64>
  return %r : tensor<*xi64>
}

// -----

func.func @trilu_rank1(%x: tensor<4xf32>) -> tensor<*xf32> {
  %n = onnx.None
  // expected-error @+1 {{input must have rank >= 2, got 'tensor<4xf32>'}}
  %r = onnx.Trilu %x, %n : (tensor<4xf32>, none) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// ScatterElements: copy data, then an scf.for nest over the updates inserts
// each one at its data-dependent position (reduction applied in order).
// CHECK-LABEL: func.func @scatter_elements_add
// CHECK-SAME:  -> tensor<3x3xf32>
// CHECK:       %[[INIT:.*]] = linalg.copy ins(%arg0 : tensor<3x3xf32>)
// CHECK:       scf.for {{.*}} iter_args(%[[A:.*]] = %[[INIT]])
// CHECK:         scf.for {{.*}} iter_args(%[[B:.*]] = %[[A]])
// CHECK:           %[[OLD:.*]] = tensor.extract %[[B]]
// CHECK:           %[[NEW:.*]] = arith.addf %[[OLD]]
// CHECK:           tensor.insert %[[NEW]] into %[[B]]
func.func @scatter_elements_add(%d: tensor<3x3xf32>, %i: tensor<2x3xi64>, %u: tensor<2x3xf32>) -> tensor<*xf32> {
  %r = onnx.ScatterElements %d, %i, %u {reduction = "add"} : (tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x3xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @scatter_nd_bad_updates(%d: tensor<4x5xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{updates 'tensor<2x4xf32>' do not match indices 'tensor<2x1xi64>' and data 'tensor<4x5xf32>'}}
  %r = onnx.ScatterND %d, %i, %u : (tensor<4x5xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @eyelike
// CHECK-SAME:  -> tensor<3x4xi32>
// CHECK:       linalg.generic
// CHECK:         arith.cmpi eq, %{{.*}}, %c1 : index
func.func @eyelike(%x: tensor<3x4xf32>) -> tensor<*xf32> {
  %r = onnx.EyeLike %x {dtype = i32, k = 1 : i64} : (tensor<3x4xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// GatherND: each output element reads its index tuple, then the data.
// CHECK-LABEL: func.func @gather_nd
// CHECK-SAME:  -> tensor<2x1x2xf32>
// CHECK:       linalg.generic
// CHECK:         tensor.extract %arg1[%{{.*}}, %{{.*}}, %c0] : tensor<2x1x2xi64>
// CHECK:         tensor.extract %arg1[%{{.*}}, %{{.*}}, %c1] : tensor<2x1x2xi64>
// CHECK:         tensor.extract %arg0[%{{.*}}, %{{.*}}, %{{.*}}] : tensor<2x2x2xf32>
func.func @gather_nd(%d: tensor<2x2x2xf32>, %i: tensor<2x1x2xi64>) -> tensor<*xf32> {
  %r = onnx.GatherND %d, %i : (tensor<2x2x2xf32>, tensor<2x1x2xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// OneHot: depth from a constant; the indices map drops the new axis.
// CHECK-DAG:   #[[DROP:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @one_hot
// CHECK-SAME:  -> tensor<3x10xf32>
// CHECK:       linalg.generic {indexing_maps = [#[[DROP]], {{.*}}]
// CHECK:         arith.cmpi eq
// CHECK:         arith.select
func.func @one_hot(%i: tensor<3xi64>, %v: tensor<2xf32>) -> tensor<*xf32> {
  %depth = onnx.Constant dense<10> : tensor<i64>
  %r = onnx.OneHot %i, %depth, %v : (tensor<3xi64>, tensor<i64>, tensor<2xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}
