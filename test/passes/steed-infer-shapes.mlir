// RUN: steed-opt %s --split-input-file --verify-diagnostics --steed-infer-shapes | FileCheck %s

// Result types follow the (newly pinned) argument types.
// CHECK-LABEL: func.func @propagate
// CHECK-SAME:  -> tensor<2x5xf32>
// CHECK:       onnx.Add {{.*}} -> tensor<2x4xf32>
// CHECK:       onnx.MatMul {{.*}} -> tensor<2x5xf32>
func.func @propagate(%x: tensor<2x4xf32>, %y: tensor<4xf32>, %w: tensor<4x5xf32>) -> tensor<*xf32> {
  %0 = onnx.Add %x, %y : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<*xf32>
  %1 = onnx.MatMul %0, %w : (tensor<*xf32>, tensor<4x5xf32>) -> tensor<*xf32>
  return %1 : tensor<*xf32>
}

// -----

// Comparisons give i1 whatever the operand type.
// CHECK-LABEL: func.func @compare
// CHECK:       onnx.Equal {{.*}} -> tensor<3x2xi1>
func.func @compare(%x: tensor<3x1xi64>, %y: tensor<2xi64>) -> tensor<*xi1> {
  %0 = onnx.Equal %x, %y : (tensor<3x1xi64>, tensor<2xi64>) -> tensor<*xi1>
  return %0 : tensor<*xi1>
}

// -----

func.func @no_broadcast(%x: tensor<3xf32>, %y: tensor<4xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{operands do not broadcast}}
  %0 = onnx.Add %x, %y : (tensor<3xf32>, tensor<4xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @bad_contraction(%x: tensor<2x3xf32>, %y: tensor<4x5xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{contraction dimensions differ}}
  %0 = onnx.MatMul %x, %y : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// A Reshape to a shape assembled at run time: constant entries give static
// dims, and -1 is computed because the run-time entry is provably the
// input's own dynamic batch dim (shufflenet's channel shuffle, exported with
// a dynamic batch).
// CHECK-LABEL: func.func @reshape_runtime_batch
// CHECK:       onnx.Reshape {{.*}} -> tensor<?x2x58x28x28xf32>
// CHECK:       onnx.Transpose {{.*}} -> tensor<?x58x2x28x28xf32>
// CHECK:       onnx.Reshape {{.*}} -> tensor<?x116x28x28xf32>
func.func @reshape_runtime_batch(%x: tensor<?x116x28x28xf32>) -> tensor<*xf32> {
  %shape = onnx.Shape %x : (tensor<?x116x28x28xf32>) -> tensor<4xi64>
  %zero = onnx.Constant dense<0> : tensor<i64>
  %axes = onnx.Constant dense<[0]> : tensor<1xi64>
  %b = onnx.Gather %shape, %zero : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %b1 = onnx.Unsqueeze %b, %axes : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %c2 = onnx.Constant dense<[2, 58, 28, 28]> : tensor<4xi64>
  %s5 = onnx.Concat %b1, %c2 {axis = 0 : i64} : (tensor<1xi64>, tensor<4xi64>) -> tensor<5xi64>
  %r = onnx.Reshape %x, %s5 : (tensor<?x116x28x28xf32>, tensor<5xi64>) -> tensor<*xf32>
  %t = onnx.Transpose %r {perm = array<i64: 0, 2, 1, 3, 4>} : (tensor<*xf32>) -> tensor<*xf32>
  %c3 = onnx.Constant dense<[-1, 28, 28]> : tensor<3xi64>
  %s4 = onnx.Concat %b1, %c3 {axis = 0 : i64} : (tensor<1xi64>, tensor<3xi64>) -> tensor<4xi64>
  %y = onnx.Reshape %t, %s4 : (tensor<*xf32>, tensor<4xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// The run-time entry is a dim of an unrelated tensor: -1 stays dynamic
// (the rewrite must not assume the sizes cancel).
// CHECK-LABEL: func.func @reshape_runtime_other
// CHECK:       onnx.Reshape {{.*}} -> tensor<?x?x28xf32>
func.func @reshape_runtime_other(%x: tensor<?x56x28xf32>, %other: tensor<?xf32>) -> tensor<*xf32> {
  %shape = onnx.Shape %other : (tensor<?xf32>) -> tensor<1xi64>
  %n = onnx.Constant dense<[-1, 28]> : tensor<2xi64>
  %s = onnx.Concat %shape, %n {axis = 0 : i64} : (tensor<1xi64>, tensor<2xi64>) -> tensor<3xi64>
  %y = onnx.Reshape %x, %s : (tensor<?x56x28xf32>, tensor<3xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Pad with run-time pads: the padded dims are unknown, the dims that
// constant axes leave alone keep their size; without axes every dim is
// unknown.
// CHECK-LABEL: func.func @pad_runtime_pads
// CHECK:       onnx.Pad {{.*}} -> tensor<3x?x?xf32>
// CHECK:       onnx.Pad {{.*}} -> tensor<?x?x?xf32>
func.func @pad_runtime_pads(%x: tensor<3x20x8xf32>, %p: tensor<4xi64>, %q: tensor<6xi64>) -> (tensor<*xf32>, tensor<*xf32>) {
  %n = onnx.None
  %a = onnx.Constant dense<[1, -1]> : tensor<2xi64>
  %0 = onnx.Pad %x, %p, %n, %a : (tensor<3x20x8xf32>, tensor<4xi64>, none, tensor<2xi64>) -> tensor<*xf32>
  %1 = onnx.Pad %x, %q, %n, %n : (tensor<3x20x8xf32>, tensor<6xi64>, none, none) -> tensor<*xf32>
  return %0, %1 : tensor<*xf32>, tensor<*xf32>
}
