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

// Dynamic shapes are not lowered yet: the op is reported, not miscompiled.
func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{cannot lower onnx.Relu with types 'tensor<?xf32>' -> 'tensor<?xf32>'}}
  %0 = onnx.Relu %x : tensor<?xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// BitShift on unsigned: RIGHT is a logical shift.
// CHECK-LABEL: func.func @bitshift_right_u8
// CHECK:       arith.shrui %{{.*}} : i8
func.func @bitshift_right_u8(%x: tensor<3xui8>, %y: tensor<3xui8>) -> tensor<3xui8> {
  %0 = onnx.BitShift %x, %y {direction = "RIGHT"} : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  return %0 : tensor<3xui8>
}

// -----

// Bitwise ops; BitwiseNot xors with all ones.
// CHECK-LABEL: func.func @bitwise
// CHECK:       arith.andi %{{.*}} : i16
// CHECK:       arith.constant -1 : i16
// CHECK:       arith.xori
func.func @bitwise(%x: tensor<4xi16>, %y: tensor<4xi16>) -> tensor<4xi16> {
  %0 = onnx.BitwiseAnd %x, %y : (tensor<4xi16>, tensor<4xi16>) -> tensor<4xi16>
  %1 = onnx.BitwiseNot %0 : tensor<4xi16> -> tensor<4xi16>
  return %1 : tensor<4xi16>
}

// -----

// IsNaN / IsInf yield i1.
// CHECK-LABEL: func.func @isnan_isinf
// CHECK:       arith.cmpf uno
// CHECK:       arith.cmpf oeq
func.func @isnan_isinf(%x: tensor<4xf32>) -> (tensor<4xi1>, tensor<4xi1>) {
  %0 = onnx.IsNaN %x : tensor<4xf32> -> tensor<4xi1>
  %1 = onnx.IsInf %x {detect_negative = 0 : i64} : tensor<4xf32> -> tensor<4xi1>
  return %0, %1 : tensor<4xi1>, tensor<4xi1>
}
