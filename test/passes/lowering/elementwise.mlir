// RUN: steed-opt %s --steed-lower-onnx --split-input-file --verify-diagnostics | FileCheck %s

// Broadcasting: the [3] operand is read with the inner index only.
// CHECK-DAG:   #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK:       %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK:       linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:    outs(%[[E]] : tensor<2x3xf32>)
// CHECK:         arith.addf
func.func @add_broadcast(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = onnx.Add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Unsigned integers: signless inside, unsigned ops chosen from the onnx type.
// CHECK-LABEL: func.func @div_unsigned
// CHECK:       tensor.bitcast %{{.*}} : tensor<4xui8> to tensor<4xi8>
// CHECK:       arith.divui
// CHECK:       tensor.bitcast %{{.*}} : tensor<4xi8> to tensor<4xui8>
func.func @div_unsigned(%x: tensor<4xui8>, %y: tensor<4xui8>) -> tensor<4xui8> {
  %0 = onnx.Div %x, %y : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @div_signed
// CHECK:       arith.divsi
func.func @div_signed(%x: tensor<4xi32>, %y: tensor<4xi32>) -> tensor<4xi32> {
  %0 = onnx.Div %x, %y : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// f16 computes in f32.
// CHECK-LABEL: func.func @sigmoid_f16
// CHECK:       arith.extf %{{.*}} : f16 to f32
// CHECK:       math.exp %{{.*}} : f32
// CHECK:       arith.truncf %{{.*}} : f32 to f16
func.func @sigmoid_f16(%x: tensor<8xf16>) -> tensor<8xf16> {
  %0 = onnx.Sigmoid %x : tensor<8xf16> -> tensor<8xf16>
  return %0 : tensor<8xf16>
}

// -----

// Comparisons yield i1; Where selects with broadcasting.
// CHECK-LABEL: func.func @compare_where
// CHECK:       arith.cmpf olt
// CHECK:       arith.select
func.func @compare_where(%x: tensor<2x2xf32>, %y: tensor<f32>) -> tensor<2x2xf32> {
  %c = onnx.Less %x, %y : (tensor<2x2xf32>, tensor<f32>) -> tensor<2x2xi1>
  %0 = onnx.Where %c, %x, %y : (tensor<2x2xi1>, tensor<2x2xf32>, tensor<f32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// Clip with only a lower bound (the upper one is none).
// CHECK-LABEL: func.func @clip_min_only
// CHECK:       arith.cmpf olt
// CHECK-NOT:   arith.cmpf ogt
func.func @clip_min_only(%x: tensor<4xf32>, %lo: tensor<f32>) -> tensor<4xf32> {
  %none = onnx.None
  %0 = onnx.Clip %x, %lo, %none : (tensor<4xf32>, tensor<f32>, none) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Dynamic shapes: sizes come from tensor.dim; a dimension that is dynamic
// in one operand and not 1 in another is broadcast at run time only when it
// is 1 (scf.if), otherwise the operand is read directly.
// CHECK-LABEL: func.func @dynamic_broadcast
// CHECK:         %[[D0:.*]] = tensor.dim %arg0, %c0
// CHECK:         %[[D1:.*]] = tensor.dim %arg1, %c0
// CHECK:         %[[IS1:.*]] = arith.cmpi eq, %[[D0]], %c1
// CHECK:         %[[N:.*]] = arith.select %[[IS1]], %[[D1]], %[[D0]]
// CHECK:         scf.if
// CHECK:           tensor.extract %arg0
// CHECK:         } else {
// CHECK:           scf.yield %arg0
// CHECK:         tensor.empty(%[[N]]) : tensor<?x3xf32>
// CHECK:         linalg.generic
// CHECK:           arith.addf
func.func @dynamic_broadcast(%x: tensor<?x3xf32>, %y: tensor<?x1xf32>) -> tensor<?x3xf32> {
  %0 = onnx.Add %x, %y : (tensor<?x3xf32>, tensor<?x1xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// A dynamic dimension no other operand shares needs no run-time check.
// CHECK-LABEL: func.func @dynamic_no_check
// CHECK-NOT:     scf.if
// CHECK:         linalg.generic
func.func @dynamic_no_check(%x: tensor<?x3xf32>, %b: tensor<3xf32>) -> tensor<?x3xf32> {
  %0 = onnx.Add %x, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
