// QuantizeLinear / DequantizeLinear / BitCast: result types are inferred by
// steed-infer-shapes, then lowered. Bad scale shapes are inference errors.
// RUN: steed-opt %s --split-input-file --verify-diagnostics --steed-infer-shapes --steed-lower-onnx | FileCheck %s

// Per tensor, uint8 (no zero point): x / scale rounded half to even,
// clamped to [0, 255]; the scale's map reads its only element.
// CHECK-DAG:   #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @quantize_per_tensor
// CHECK-SAME:  -> tensor<2x3xui8>
// CHECK:       linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR]], #[[ID]]]
// CHECK:         arith.divf %{{.*}}, %{{.*}} : f32
// CHECK:         math.roundeven %{{.*}} : f32
// CHECK:         arith.maximumf %{{.*}}, %cst{{.*}} : f32
// CHECK:         arith.minimumf
// CHECK:         arith.fptosi %{{.*}} : f32 to i32
// CHECK:         arith.trunci %{{.*}} : i32 to i8
func.func @quantize_per_tensor(%x: tensor<2x3xf32>, %s: tensor<f32>) -> tensor<*xui8> {
  %n = onnx.None
  %y = onnx.QuantizeLinear %x, %s, %n : (tensor<2x3xf32>, tensor<f32>, none) -> tensor<*xui8>
  return %y : tensor<*xui8>
}

// -----

// Per axis (axis 0), int8 zero point: the parameters are read at (d0); the
// zero point is added after rounding.
// CHECK-DAG:   #[[AXIS:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @quantize_per_axis
// CHECK-SAME:  -> tensor<2x3xi8>
// CHECK:       linalg.generic {indexing_maps = [#{{.*}}, #[[AXIS]], #[[AXIS]], #{{.*}}]
// CHECK:         %[[R:.*]] = math.roundeven
// CHECK:         %[[Z:.*]] = arith.sitofp %{{.*}} : i8 to f32
// CHECK:         arith.addf %[[R]], %[[Z]] : f32
func.func @quantize_per_axis(%x: tensor<2x3xf32>, %s: tensor<2xf32>, %z: tensor<2xi8>) -> tensor<*xi8> {
  %y = onnx.QuantizeLinear %x, %s, %z {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2xf32>, tensor<2xi8>) -> tensor<*xi8>
  return %y : tensor<*xi8>
}

// -----

// Blocked (axis 1, block 2): the parameters are read at (d0, d1 floordiv 2);
// int4 results clamp to [-8, 7].
// CHECK-DAG:   #[[BLOCK:.*]] = affine_map<(d0, d1) -> (d0, d1 floordiv 2)>
// CHECK-LABEL: func.func @quantize_blocked_int4
// CHECK-SAME:  -> tensor<2x4xi4>
// CHECK:       linalg.generic {indexing_maps = [#{{.*}}, #[[BLOCK]], #[[BLOCK]], #{{.*}}]
// CHECK:         arith.maximumf %{{.*}}, %cst{{.*}} : f32
// CHECK:         arith.trunci %{{.*}} : i32 to i4
func.func @quantize_blocked_int4(%x: tensor<2x4xf32>, %s: tensor<2x2xf32>, %z: tensor<2x2xi4>) -> tensor<*xi4> {
  %y = onnx.QuantizeLinear %x, %s, %z {axis = 1 : i64, block_size = 2 : i64} : (tensor<2x4xf32>, tensor<2x2xf32>, tensor<2x2xi4>) -> tensor<*xi4>
  return %y : tensor<*xi4>
}

// -----

// float8 output (output_dtype, no zero point): no rounding to integers;
// x / scale is encoded to its i8 bit pattern.
// CHECK-LABEL: func.func @quantize_float8
// CHECK-SAME:  -> tensor<3xf8E4M3FN>
// CHECK:       linalg.generic
// CHECK-NOT:     math.roundeven
// CHECK:         arith.bitcast %{{.*}} : f32 to i32
// CHECK:         arith.trunci %{{.*}} : i32 to i8
// CHECK:       tensor.bitcast %{{.*}} : tensor<3xi8> to tensor<3xf8E4M3FN>
func.func @quantize_float8(%x: tensor<3xf32>, %s: tensor<f32>) -> tensor<*xf8E4M3FN> {
  %n = onnx.None
  %y = onnx.QuantizeLinear %x, %s, %n {output_dtype = f8E4M3FN} : (tensor<3xf32>, tensor<f32>, none) -> tensor<*xf8E4M3FN>
  return %y : tensor<*xf8E4M3FN>
}

// -----

// Dequantize uint8 with a 1-element zero point and a scalar scale:
// (x - zp) * scale, unsigned values extended as unsigned.
// CHECK-LABEL: func.func @dequantize
// CHECK-SAME:  -> tensor<4xf32>
// CHECK:       linalg.generic
// CHECK:         arith.uitofp %{{.*}} : i8 to f32
// CHECK:         arith.uitofp %{{.*}} : i8 to f32
// CHECK:         arith.subf
// CHECK:         arith.mulf
func.func @dequantize(%x: tensor<4xui8>, %s: tensor<f32>, %z: tensor<1xui8>) -> tensor<*xf32> {
  %y = onnx.DequantizeLinear %x, %s, %z : (tensor<4xui8>, tensor<f32>, tensor<1xui8>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Dequantize float8 to f16: the code is decoded to f32, the product
// truncated to f16.
// CHECK-LABEL: func.func @dequantize_float8
// CHECK-SAME:  -> tensor<4xf16>
// CHECK:       linalg.generic
// CHECK:         arith.extui %{{.*}} : i8 to i32
// CHECK:         arith.bitcast %{{.*}} : i32 to f32
// CHECK:         arith.mulf %{{.*}} : f32
// CHECK:         arith.truncf %{{.*}} : f32 to f16
func.func @dequantize_float8(%x: tensor<4xf8E5M2>, %s: tensor<f16>) -> tensor<*xf16> {
  %n = onnx.None
  %y = onnx.DequantizeLinear %x, %s, %n : (tensor<4xf8E5M2>, tensor<f16>, none) -> tensor<*xf16>
  return %y : tensor<*xf16>
}

// -----

func.func @bad_axis_scale(%x: tensor<2x3xf32>, %s: tensor<3xf32>) -> tensor<*xui8> {
  %n = onnx.None
  // expected-error @+1 {{per-axis scale must be 1-D with 2 elements (x dim 0), got 'tensor<3xf32>'}}
  %y = onnx.QuantizeLinear %x, %s, %n {axis = 0 : i64} : (tensor<2x3xf32>, tensor<3xf32>, none) -> tensor<*xui8>
  return %y : tensor<*xui8>
}

// -----

func.func @bad_block_scale(%x: tensor<2x4xf32>, %s: tensor<2x3xf32>) -> tensor<*xf32> {
  %n = onnx.None
  // expected-error @+1 {{blocked scale dim 1 must be 2 (block_size 2), got 'tensor<2x3xf32>'}}
  %y = onnx.DequantizeLinear %x, %s, %n {axis = 1 : i64, block_size = 2 : i64} : (tensor<2x4xf32>, tensor<2x3xf32>, none) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @bad_quantize_type(%x: tensor<2xf32>, %s: tensor<f32>) -> tensor<*xf16> {
  %n = onnx.None
  // expected-error @+1 {{cannot quantize to 'f16'}}
  %y = onnx.QuantizeLinear %x, %s, %n {output_dtype = f16} : (tensor<2xf32>, tensor<f32>, none) -> tensor<*xf16>
  return %y : tensor<*xf16>
}

// -----

// BitCast: f32 -> i32 reinterprets each element.
// CHECK-LABEL: func.func @bitcast_float
// CHECK-SAME:  -> tensor<2x3xi32>
// CHECK:       linalg.generic
// CHECK:         arith.bitcast %{{.*}} : f32 to i32
func.func @bitcast_float(%x: tensor<2x3xf32>) -> tensor<*xi32> {
  %y = onnx.BitCast %x {to = i32} : (tensor<2x3xf32>) -> tensor<*xi32>
  return %y : tensor<*xi32>
}

// -----

// ui8 -> i8 is the same storage: no kernel.
// CHECK-LABEL: func.func @bitcast_same_storage
// CHECK-NOT:   linalg.generic
// CHECK:       return
func.func @bitcast_same_storage(%x: tensor<4xui8>) -> tensor<*xi8> {
  %y = onnx.BitCast %x {to = i8} : (tensor<4xui8>) -> tensor<*xi8>
  return %y : tensor<*xi8>
}

// -----

// bool -> ui8: the byte (0 or 1).
// CHECK-LABEL: func.func @bitcast_bool
// CHECK:         arith.extui %{{.*}} : i1 to i8
func.func @bitcast_bool(%x: tensor<4xi1>) -> tensor<*xui8> {
  %y = onnx.BitCast %x {to = ui8} : (tensor<4xi1>) -> tensor<*xui8>
  return %y : tensor<*xui8>
}

// -----

func.func @bitcast_size_mismatch(%x: tensor<4xf32>) -> tensor<*xf64> {
  // expected-error @+1 {{cannot bitcast 'f32' to 'f64': the element sizes differ}}
  %y = onnx.BitCast %x {to = f64} : (tensor<4xf32>) -> tensor<*xf64>
  return %y : tensor<*xf64>
}

// -----

// Arithmetic on float8 values (their bit patterns) is refused, as in ONNX.
func.func @add_float8(%x: tensor<3xf8E4M3FN>) -> tensor<*xf8E4M3FN> {
  // expected-error @+1 {{onnx.Add on 'f8E4M3FN' is not supported (float8/float4 values can only be converted, quantized or moved)}}
  %y = onnx.Add %x, %x : (tensor<3xf8E4M3FN>, tensor<3xf8E4M3FN>) -> tensor<*xf8E4M3FN>
  return %y : tensor<*xf8E4M3FN>
}

// -----

// Moving float8 values is fine: the i8 bit patterns are transposed.
// CHECK-LABEL: func.func @transpose_float8
// CHECK:       linalg.transpose ins(%{{.*}} : tensor<2x3xi8>)
func.func @transpose_float8(%x: tensor<2x3xf8E5M2>) -> tensor<*xf8E5M2> {
  %y = onnx.Transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf8E5M2>) -> tensor<*xf8E5M2>
  return %y : tensor<*xf8E5M2>
}
