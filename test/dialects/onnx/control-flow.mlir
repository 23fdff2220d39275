// RUN: steed-opt %s --split-input-file | steed-opt --split-input-file | FileCheck %s --check-prefix=ROUND
// RUN: steed-opt %s --split-input-file --steed-infer-shapes | FileCheck %s --check-prefix=INFER
// RUN: steed-opt %s --split-input-file --canonicalize | FileCheck %s --check-prefix=CANON

// Round trip; inference joins the branches (a dim that differs becomes
// dynamic); a non-constant condition stays.
// ROUND-LABEL: func.func @if_join
// ROUND:       onnx.If %arg0 : (tensor<i1>) -> (tensor<*xf32>, tensor<*xf32>) {
// ROUND:         onnx.Yield %arg1, %arg1 : tensor<2x3xf32>, tensor<2x3xf32>
// ROUND:       } else {
// ROUND:         onnx.Yield %arg1, %arg2 : tensor<2x3xf32>, tensor<2x4xf32>
// INFER-LABEL: func.func @if_join
// INFER-SAME:  -> (tensor<2x3xf32>, tensor<2x?xf32>)
// CANON-LABEL: func.func @if_join
// CANON:       onnx.If
func.func @if_join(%c: tensor<i1>, %a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %r:2 = onnx.If %c : (tensor<i1>) -> (tensor<*xf32>, tensor<*xf32>) {
    onnx.Yield %a, %a : tensor<2x3xf32>, tensor<2x3xf32>
  } else {
    onnx.Yield %a, %b : tensor<2x3xf32>, tensor<2x4xf32>
  }
  return %r#0, %r#1 : tensor<*xf32>, tensor<*xf32>
}

// -----

// A constant condition inlines the taken branch.
// CANON-LABEL: func.func @if_constant
// CANON-NOT:   onnx.If
// CANON:       %[[R:.*]] = onnx.Mul %arg0, %arg0
// CANON:       return %[[R]]
func.func @if_constant(%a: tensor<2xf32>) -> tensor<2xf32> {
  %c = onnx.Constant dense<false> : tensor<i1>
  %r = onnx.If %c : (tensor<i1>) -> tensor<2xf32> {
    %s = onnx.Add %a, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    onnx.Yield %s : tensor<2xf32>
  } else {
    %p = onnx.Mul %a, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    onnx.Yield %p : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

// The taken branch is more precise than the result, and the result is
// returned (the function type would no longer match): no inlining.
// CANON-LABEL: func.func @if_constant_type_change
// CANON:       onnx.If
func.func @if_constant_type_change(%a: tensor<2xf32>, %b: tensor<3xf32>) -> tensor<?xf32> {
  %c = onnx.Constant dense<true> : tensor<i1>
  %r = onnx.If %c : (tensor<i1>) -> tensor<?xf32> {
    onnx.Yield %a : tensor<2xf32>
  } else {
    onnx.Yield %b : tensor<3xf32>
  }
  return %r : tensor<?xf32>
}

// -----

// Loop: a constant trip count and a condition that stays true give the scan
// output a static leading dim; the body is inferred with the carried types
// and captures %w from above.
// ROUND-LABEL: func.func @loop_counted
// ROUND:       onnx.Loop %{{.*}}, %{{.*}}, %arg0 : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
// ROUND:       ^bb0(%{{.*}}: tensor<i64>, %[[C:.*]]: tensor<i1>, %[[X:.*]]: tensor<2xf32>):
// ROUND:         onnx.Yield %[[C]], %{{.*}}, %{{.*}} : tensor<i1>, tensor<*xf32>, tensor<*xf32>
// INFER-LABEL: func.func @loop_counted
// INFER-SAME:  -> (tensor<2xf32>, tensor<5x2xf32>)
// INFER:       onnx.Add {{.*}} -> tensor<2xf32>
func.func @loop_counted(%x: tensor<2xf32>, %w: tensor<2xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %m = onnx.Constant dense<5> : tensor<i64>
  %t = onnx.Constant dense<true> : tensor<i1>
  %r:2 = onnx.Loop %m, %t, %x : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %v: tensor<2xf32>):
    %n = onnx.Add %v, %w : (tensor<2xf32>, tensor<2xf32>) -> tensor<*xf32>
    onnx.Yield %c, %n, %n : tensor<i1>, tensor<*xf32>, tensor<*xf32>
  }
  return %r#0, %r#1 : tensor<*xf32>, tensor<*xf32>
}

// -----

// A condition the body computes: the trip count is unknown (`?`). A carried
// value that grows each iteration generalizes to a dynamic dim.
// INFER-LABEL: func.func @loop_growing
// INFER-SAME:  -> (tensor<?xf32>, tensor<?x2xf32>)
// INFER:       ^bb0(%{{.*}}: tensor<i64>, %{{.*}}: tensor<i1>, %{{.*}}: tensor<?xf32>):
// INFER:       onnx.Concat {{.*}} -> tensor<?xf32>
func.func @loop_growing(%x: tensor<2xf32>, %m: tensor<i64>) -> (tensor<*xf32>, tensor<*xf32>) {
  %n = onnx.None
  %r:2 = onnx.Loop %m, %n, %x : (tensor<i64>, none, tensor<2xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %v: tensor<2xf32>):
    %g = onnx.Concat %v, %x {axis = 0 : i64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<*xf32>
    %t = onnx.Constant dense<true> : tensor<i1>
    %d = onnx.Not %t : tensor<i1> -> tensor<i1>
    onnx.Yield %d, %g, %x : tensor<i1>, tensor<*xf32>, tensor<2xf32>
  }
  return %r#0, %r#1 : tensor<*xf32>, tensor<*xf32>
}

// -----

// Scan: the slice type drops the scan axis; outputs insert the sequence
// length at their axis.
// ROUND-LABEL: func.func @scan_axes
// ROUND:       onnx.Scan %arg0, %arg1 {num_scan_inputs = 1 : i64, scan_input_axes = array<i64: 1>, scan_input_directions = array<i64: 1>, scan_output_axes = array<i64: -1>}
// INFER-LABEL: func.func @scan_axes
// INFER-SAME:  -> (tensor<3xf32>, tensor<3x5xf32>)
// INFER:       ^bb0(%{{.*}}: tensor<3xf32>, %{{.*}}: tensor<3xf32>):
func.func @scan_axes(%s: tensor<3xf32>, %xs: tensor<3x5xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %r:2 = onnx.Scan %s, %xs {num_scan_inputs = 1 : i64, scan_input_axes = array<i64: 1>, scan_input_directions = array<i64: 1>, scan_output_axes = array<i64: -1>} : (tensor<3xf32>, tensor<3x5xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  ^bb0(%a: tensor<*xf32>, %x: tensor<*xf32>):
    %n = onnx.Add %a, %x : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
    onnx.Yield %n, %n : tensor<*xf32>, tensor<*xf32>
  }
  return %r#0, %r#1 : tensor<*xf32>, tensor<*xf32>
}
