// RUN: steed-opt %s --split-input-file --verify-diagnostics --steed-lower-onnx | FileCheck %s

// If -> scf.if on the extracted condition; the branch ops are lowered in
// place and read values captured from above.
// CHECK-LABEL: func.func @if_capture
// CHECK:       %[[C:.*]] = tensor.extract %arg0[] : tensor<i1>
// CHECK:       %[[R:.*]] = scf.if %[[C]] -> (tensor<2xf32>) {
// CHECK:         %[[A:.*]] = linalg.generic
// CHECK:           arith.addf
// CHECK:         scf.yield %[[A]] : tensor<2xf32>
// CHECK:       } else {
// CHECK:         scf.yield %arg2 : tensor<2xf32>
// CHECK:       }
// CHECK:       return %[[R]]
func.func @if_capture(%c: tensor<i1>, %a: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<2xf32> {
  %r = onnx.If %c : (tensor<i1>) -> tensor<2xf32> {
    %s = onnx.Add %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    onnx.Yield %s : tensor<2xf32>
  } else {
    onnx.Yield %b : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

// A counted Loop -> scf.for over [0, M): the carried value is copied into
// its iteration argument (one buffer across iterations) after the scan output
// is inserted at row i of a preallocated tensor; the iteration number reaches
// the body as a 0-D i64 tensor.
// CHECK-LABEL: func.func @loop_counted
// CHECK:       %[[INIT:.*]] = linalg.copy ins(%arg0 : tensor<2xf32>) outs(%{{.*}} : tensor<2xf32>)
// CHECK:       %[[ACC:.*]] = tensor.empty() : tensor<3x2xf32>
// CHECK:       %[[F:.*]]:2 = scf.for %[[IV:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[V:.*]] = %[[INIT]], %[[S:.*]] = %[[ACC]]) -> (tensor<2xf32>, tensor<3x2xf32>) {
// CHECK:         %[[I:.*]] = arith.index_cast %[[IV]] : index to i64
// CHECK:         tensor.from_elements %[[I]] : tensor<i64>
// CHECK:         arith.addf
// CHECK:         %[[NS:.*]] = tensor.insert_slice %[[N:.*]] into %[[S]][%[[IV]], 0] [1, 2] [1, 1] : tensor<2xf32> into tensor<3x2xf32>
// CHECK:         %[[NV:.*]] = linalg.copy ins(%[[N]] : tensor<2xf32>) outs(%[[V]] : tensor<2xf32>)
// CHECK:         scf.yield %[[NV]], %[[NS]]
// CHECK:       return %[[F]]#0, %[[F]]#1
func.func @loop_counted(%x: tensor<2xf32>, %w: tensor<2xf32>) -> (tensor<2xf32>, tensor<3x2xf32>) {
  %m = onnx.Constant dense<3> : tensor<i64>
  %n = onnx.None
  %r:2 = onnx.Loop %m, %n, %x : (tensor<i64>, none, tensor<2xf32>) -> (tensor<2xf32>, tensor<3x2xf32>) {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %v: tensor<2xf32>):
    %f = onnx.Cast %i {to = f32} : (tensor<i64>) -> tensor<f32>
    %s = onnx.Mul %w, %f : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
    %a = onnx.Add %v, %s : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    onnx.Yield %c, %a, %a : tensor<i1>, tensor<2xf32>, tensor<2xf32>
  }
  return %r#0, %r#1 : tensor<2xf32>, tensor<3x2xf32>
}

// -----

// A condition computed by the body -> scf.while on (carried, iteration,
// condition), stopping at M or when the body yields false.
// CHECK-LABEL: func.func @loop_while
// CHECK:       %[[W:.*]]:3 = scf.while (%[[V:.*]] = %{{.*}}, %[[I:.*]] = %{{.*}}, %[[C:.*]] = %{{.*}}) : (tensor<f32>, i64, i1) -> (tensor<f32>, i64, i1) {
// CHECK:         %[[LT:.*]] = arith.cmpi slt, %[[I]], %{{.*}} : i64
// CHECK:         %[[GO:.*]] = arith.andi %[[C]], %[[LT]] : i1
// CHECK:         scf.condition(%[[GO]]) %[[V]], %[[I]], %[[C]]
// CHECK:       } do {
// CHECK:         arith.mulf
// CHECK:         arith.cmpf olt
// CHECK:         %[[NEXT:.*]] = arith.addi %{{.*}}, %{{.*}} : i64
// CHECK:         %[[NC:.*]] = tensor.extract %{{.*}}[] : tensor<i1>
// CHECK:         scf.yield %{{.*}}, %[[NEXT]], %[[NC]] : tensor<f32>, i64, i1
// CHECK:       return %[[W]]#0
func.func @loop_while(%a: tensor<f32>, %m: tensor<i64>) -> tensor<f32> {
  %t = onnx.Constant dense<true> : tensor<i1>
  %r = onnx.Loop %m, %t, %a : (tensor<i64>, tensor<i1>, tensor<f32>) -> tensor<f32> {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %v: tensor<f32>):
    %k = onnx.Constant dense<2.0> : tensor<f32>
    %lim = onnx.Constant dense<100.0> : tensor<f32>
    %d = onnx.Mul %v, %k : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %go = onnx.Less %d, %lim : (tensor<f32>, tensor<f32>) -> tensor<i1>
    onnx.Yield %go, %d : tensor<i1>, tensor<f32>
  }
  return %r : tensor<f32>
}

// -----

// Scan over axis 1 in reverse: slice L-1-t of the input; the first output
// goes to axis 1 in reverse, the second to axis 0 forward.
// CHECK-LABEL: func.func @scan_axes
// CHECK:       scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[S:.*]] = %{{.*}}, %[[O1:.*]] = %{{.*}}, %[[O2:.*]] = %{{.*}}) -> (tensor<3xf32>, tensor<3x5xf32>, tensor<5x3xf32>) {
// CHECK:         %[[R:.*]] = arith.subi %{{.*}}, %[[T]] : index
// CHECK:         %[[X:.*]] = tensor.extract_slice %arg1[0, %[[R]]] [3, 1] [1, 1] : tensor<3x5xf32> to tensor<3xf32>
// CHECK:         %[[N:.*]] = linalg.generic {{.*}} ins(%[[S]], %[[X]] : tensor<3xf32>, tensor<3xf32>)
// CHECK:         %[[R2:.*]] = arith.subi %{{.*}}, %[[T]] : index
// CHECK:         tensor.insert_slice %[[N]] into %[[O1]][0, %[[R2]]] [3, 1] [1, 1] : tensor<3xf32> into tensor<3x5xf32>
// CHECK:         tensor.insert_slice %[[N]] into %[[O2]][%[[T]], 0] [1, 3] [1, 1] : tensor<3xf32> into tensor<5x3xf32>
func.func @scan_axes(%s: tensor<3xf32>, %xs: tensor<3x5xf32>) -> (tensor<3xf32>, tensor<3x5xf32>, tensor<5x3xf32>) {
  %r:3 = onnx.Scan %s, %xs {num_scan_inputs = 1 : i64, scan_input_axes = array<i64: 1>, scan_input_directions = array<i64: 1>, scan_output_axes = array<i64: 1, 0>, scan_output_directions = array<i64: 1, 0>} : (tensor<3xf32>, tensor<3x5xf32>) -> (tensor<3xf32>, tensor<3x5xf32>, tensor<5x3xf32>) {
  ^bb0(%a: tensor<3xf32>, %x: tensor<3xf32>):
    %n = onnx.Add %a, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    onnx.Yield %n, %n, %n : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
  }
  return %r#0, %r#1, %r#2 : tensor<3xf32>, tensor<3x5xf32>, tensor<5x3xf32>
}

// -----

// Unsigned values: signless in the loop, the body's onnx ops still see ui8
// (bitcasts at the body's edges, which fold away later).
// CHECK-LABEL: func.func @scan_uint8
// CHECK:       scf.for
// CHECK:         %[[X:.*]] = tensor.extract_slice {{.*}} : tensor<3x4xi8> to tensor<4xi8>
// CHECK:         tensor.bitcast %[[X]] : tensor<4xi8> to tensor<4xui8>
// CHECK:         arith.addi
func.func @scan_uint8(%s: tensor<4xui8>, %xs: tensor<3x4xui8>) -> tensor<4xui8> {
  %r = onnx.Scan %s, %xs {num_scan_inputs = 1 : i64} : (tensor<4xui8>, tensor<3x4xui8>) -> tensor<4xui8> {
  ^bb0(%a: tensor<4xui8>, %x: tensor<4xui8>):
    %n = onnx.Add %a, %x : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
    onnx.Yield %n : tensor<4xui8>
  }
  return %r : tensor<4xui8>
}

// -----

// Scan outputs of a trip count known only at run time: max(M, 0) rows,
// allocated before the loop.
// CHECK-LABEL: func.func @loop_runtime_trips
// CHECK:       %[[M:.*]] = tensor.extract %arg0[] : tensor<i64>
// CHECK:       %[[P:.*]] = arith.maxsi %[[M]], %{{.*}} : i64
// CHECK:       %[[R:.*]] = arith.index_cast %[[P]] : i64 to index
// CHECK:       %[[ACC:.*]] = tensor.empty(%[[R]]) : tensor<?x2xf32>
// CHECK:       %[[F:.*]]:2 = scf.for %[[IV:.*]] = {{.*}} iter_args(%[[V:.*]] = %{{.*}}, %[[S:.*]] = %[[ACC]]) -> (tensor<2xf32>, tensor<?x2xf32>) {
// CHECK:         tensor.insert_slice %[[V]] into %[[S]][%[[IV]], 0] [1, 2] [1, 1] : tensor<2xf32> into tensor<?x2xf32>
// CHECK:       return %[[F]]#1
func.func @loop_runtime_trips(%m: tensor<i64>, %x: tensor<2xf32>) -> tensor<?x2xf32> {
  %n = onnx.None
  %r:2 = onnx.Loop %m, %n, %x : (tensor<i64>, none, tensor<2xf32>) -> (tensor<2xf32>, tensor<?x2xf32>) {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %v: tensor<2xf32>):
    onnx.Yield %c, %v, %v : tensor<i1>, tensor<2xf32>, tensor<2xf32>
  }
  return %r#1 : tensor<?x2xf32>
}

// -----

// A while loop with a scan output: rows inserted at the iteration number
// (before the carried value's in-place copy, which would overwrite the row
// it reads), then sliced to the iterations run.
// CHECK-LABEL: func.func @loop_while_scan
// CHECK:       %[[ACC:.*]] = tensor.empty(%{{.*}}) : tensor<?xf32>
// CHECK:       %[[W:.*]]:4 = scf.while ({{.*}} = %{{.*}}, {{.*}} = %[[ACC]], {{.*}}) : (tensor<f32>, tensor<?xf32>, i64, i1)
// CHECK:       } do {
// CHECK:       ^bb0(%[[V:.*]]: tensor<f32>, %[[S:.*]]: tensor<?xf32>, %[[I:.*]]: i64, %{{.*}}: i1):
// CHECK:         %[[ROW:.*]] = arith.index_cast %[[I]] : i64 to index
// CHECK:         %[[NS:.*]] = tensor.insert_slice %[[V]] into %[[S]][%[[ROW]]] [1] [1]
// CHECK:         %[[NV:.*]] = linalg.copy ins(%{{.*}} : tensor<f32>) outs(%[[V]] : tensor<f32>)
// CHECK:         scf.yield %[[NV]], %[[NS]]
// CHECK:       %[[N:.*]] = arith.index_cast %[[W]]#2 : i64 to index
// CHECK:       %[[OUT:.*]] = tensor.extract_slice %[[W]]#1[0] [%[[N]]] [1] : tensor<?xf32> to tensor<?xf32>
// CHECK:       return %[[OUT]]
func.func @loop_while_scan(%m: tensor<i64>, %c0: tensor<i1>, %x: tensor<f32>, %lim: tensor<f32>) -> tensor<?xf32> {
  %r:2 = onnx.Loop %m, %c0, %x : (tensor<i64>, tensor<i1>, tensor<f32>) -> (tensor<f32>, tensor<?xf32>) {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %v: tensor<f32>):
    %a = onnx.Add %v, %v : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %k = onnx.Less %a, %lim : (tensor<f32>, tensor<f32>) -> tensor<i1>
    onnx.Yield %k, %a, %v : tensor<i1>, tensor<f32>, tensor<f32>
  }
  return %r#1 : tensor<?xf32>
}

// -----

// Without a trip count the scan outputs have no bound: refused.
func.func @loop_scan_no_trips(%c0: tensor<i1>, %x: tensor<f32>, %lim: tensor<f32>) -> tensor<?xf32> {
  %m = onnx.None
  // expected-error @+1 {{cannot lower onnx.Loop}}
  %r:2 = onnx.Loop %m, %c0, %x : (none, tensor<i1>, tensor<f32>) -> (tensor<f32>, tensor<?xf32>) {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %v: tensor<f32>):
    %a = onnx.Add %v, %v : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %k = onnx.Less %a, %lim : (tensor<f32>, tensor<f32>) -> tensor<i1>
    onnx.Yield %k, %a, %v : tensor<i1>, tensor<f32>, tensor<f32>
  }
  return %r#1 : tensor<?xf32>
}

// -----

// A carried value whose shape changes between iterations stays refused.
func.func @loop_dynamic_carried(%m: tensor<i64>, %x: tensor<?xf32>) -> tensor<?xf32> {
  %n = onnx.None
  // expected-error @+1 {{cannot lower onnx.Loop}}
  %r = onnx.Loop %m, %n, %x : (tensor<i64>, none, tensor<?xf32>) -> tensor<?xf32> {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %v: tensor<?xf32>):
    %a = onnx.Concat %v, %v {axis = 0 : i64} : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
    onnx.Yield %c, %a : tensor<i1>, tensor<?xf32>
  }
  return %r : tensor<?xf32>
}

// -----

// Branches of different shapes give a dynamic result: each yield is cast to
// it.
// CHECK-LABEL: func.func @if_dynamic
// CHECK:       %[[R:.*]] = scf.if %{{.*}} -> (tensor<?xf32>) {
// CHECK:         %[[A:.*]] = tensor.cast %arg1 : tensor<2xf32> to tensor<?xf32>
// CHECK:         scf.yield %[[A]] : tensor<?xf32>
// CHECK:       } else {
// CHECK:         %[[B:.*]] = tensor.cast %arg2 : tensor<3xf32> to tensor<?xf32>
// CHECK:         scf.yield %[[B]] : tensor<?xf32>
// CHECK:       }
// CHECK:       return %[[R]]
func.func @if_dynamic(%c: tensor<i1>, %a: tensor<2xf32>, %b: tensor<3xf32>) -> tensor<?xf32> {
  %r = onnx.If %c : (tensor<i1>) -> tensor<?xf32> {
    onnx.Yield %a : tensor<2xf32>
  } else {
    onnx.Yield %b : tensor<3xf32>
  }
  return %r : tensor<?xf32>
}

// -----

// A condition of unknown size is not lowered.
func.func @if_dynamic_cond(%c: tensor<?xi1>, %a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{cannot lower onnx.If}}
  %r = onnx.If %c : (tensor<?xi1>) -> tensor<2xf32> {
    onnx.Yield %a : tensor<2xf32>
  } else {
    onnx.Yield %a : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}
