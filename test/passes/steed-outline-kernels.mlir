// RUN: steed-opt %s --steed-form-kernels --steed-lower-onnx --steed-outline-kernels --split-input-file | FileCheck %s

// The graph becomes the plan: inputs then outputs; intermediates are
// allocated; the last kernel writes straight into the output; weights are
// memref.globals.
// CHECK-LABEL: func.func @steed_plan(
// CHECK-SAME:    %[[X:.*]]: memref<100xf32> {onnx.name = "x", onnx.type = tensor<100xf32>},
// CHECK-SAME:    %[[Y:.*]]: memref<100xf32> {onnx.name = "y", onnx.type = tensor<100xf32>})
// CHECK-SAME:    attributes {exec.num_inputs = 1 : i64, exec.output_slots = array<i64: 1>, exec.plan}
// CHECK:         %[[W:.*]] = memref.get_global @__constant_0
// CHECK:         %[[T:.*]] = memref.alloc() : memref<100xf32>
// CHECK:         exec.launch @k0_add(%[[X]], %[[W]], %[[T]])
// CHECK:         exec.launch @k1_relu(%[[T]], %[[Y]])
// CHECK:         return
// CHECK:       memref.global "private" constant @__constant_0 : memref<100xf32> = dense<1.000000e+00> {alignment = 64 : i64}
// CHECK:       func.func private @k0_add(%{{.*}}: memref<100xf32>, %{{.*}}: memref<100xf32>, %[[OUT:.*]]: memref<100xf32>) attributes {exec.kernel, exec.nodes = ["Add"]}
// CHECK:         bufferization.to_tensor %{{.*}} restrict
// CHECK:         linalg.generic
// CHECK:         bufferization.materialize_in_destination %{{.*}} in restrict writable %[[OUT]]
func.func @main_graph(%x: tensor<100xf32> {onnx.name = "x"}) -> (tensor<100xf32> {onnx.name = "y"}) {
  %w = onnx.Constant dense<1.0> : tensor<100xf32>
  %a = onnx.Add %x, %w : (tensor<100xf32>, tensor<100xf32>) -> tensor<100xf32>
  %r = onnx.Relu %a : tensor<100xf32> -> tensor<100xf32>
  return %r : tensor<100xf32>
}

// -----

// An output that is a graph input (or returned twice) is copied.
// CHECK-LABEL: func.func @steed_plan(
// CHECK-SAME:    %[[X:.*]]: memref<4xf32> {{.*}}, %[[O1:.*]]: memref<4xf32> {{.*}}, %[[O2:.*]]: memref<4xf32> {{.*}}, %[[O3:.*]]: memref<4xf32>
// CHECK:         exec.launch @k0_neg(%[[X]], %[[O2]])
// CHECK-DAG:     memref.copy %[[X]], %[[O1]]
// CHECK-DAG:     memref.copy %[[O2]], %[[O3]]
func.func @main_graph(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %n = onnx.Neg %x : tensor<4xf32> -> tensor<4xf32>
  return %x, %n, %n : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Empty tensors cross no function boundary: a kernel does not take them
// (its body sees a tensor.empty) and the plan takes a placeholder byte.
// CHECK-LABEL: func.func @steed_plan(
// CHECK-SAME:    %[[X:.*]]: memref<2x3xf32> {{.*}}, %[[E:.*]]: memref<1xi8> {onnx.type = tensor<2x0xf32>}, %[[Y:.*]]: memref<2x3xf32>
// CHECK:         exec.launch @k0_concat(%[[X]], %[[Y]]) : (memref<2x3xf32>, memref<2x3xf32>) -> ()
// CHECK:       func.func private @k0_concat(%{{.*}}: memref<2x3xf32>, %{{.*}}: memref<2x3xf32>)
// CHECK:         tensor.empty() : tensor<2x0xf32>
func.func @main_graph(%x: tensor<2x3xf32>, %e: tensor<2x0xf32>) -> tensor<2x3xf32> {
  %c = onnx.Concat %x, %e {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x0xf32>) -> tensor<2x3xf32>
  return %c : tensor<2x3xf32>
}

// -----

// Dynamic shapes: a kernel allocates and returns a result sized at run time;
// the plan frees it after its last use and returns dynamic outputs (the
// caller owns them), while static outputs stay caller buffers.
// CHECK-LABEL: func.func @steed_plan(
// CHECK-SAME:    %[[X:.*]]: memref<?x3xf32> {onnx.name = "x", onnx.type = tensor<?x3xf32>},
// CHECK-SAME:    %[[C:.*]]: memref<3xf32> {onnx.name = "c", onnx.type = tensor<3xf32>},
// CHECK-SAME:    %[[S:.*]]: memref<3xf32> {onnx.name = "s", onnx.type = tensor<3xf32>})
// CHECK-SAME:    -> (memref<?x3xf32> {onnx.name = "y", onnx.type = tensor<?x3xf32>})
// CHECK-SAME:    exec.output_slots = array<i64: -1, 2>
// CHECK:         %[[T:.*]] = exec.launch @k0_neg(%[[X]]) : (memref<?x3xf32>) -> memref<?x3xf32>
// CHECK:         %[[Y:.*]] = exec.launch @k1_relu(%[[T]]) : (memref<?x3xf32>) -> memref<?x3xf32>
// CHECK:         memref.dealloc %[[T]] : memref<?x3xf32>
// CHECK:         exec.launch @k2_sin(%[[C]], %[[S]]) : (memref<3xf32>, memref<3xf32>) -> ()
// CHECK:         return %[[Y]] : memref<?x3xf32>
// CHECK-LABEL: func.func private @k0_neg(
// CHECK-SAME:    %[[A:.*]]: memref<?x3xf32>) -> memref<?x3xf32>
// CHECK:         %[[IN:.*]] = bufferization.to_tensor %[[A]] restrict
// CHECK:         linalg.generic
// CHECK:         %[[D:.*]] = tensor.dim
// CHECK-NEXT:    %[[BUF:.*]] = memref.alloc(%[[D]]) {alignment = 64 : i64} : memref<?x3xf32>
// CHECK:         bufferization.materialize_in_destination %{{.*}} in restrict writable %[[BUF]]
// CHECK:         return %[[BUF]] : memref<?x3xf32>
func.func @main_graph(%x: tensor<?x3xf32> {onnx.name = "x"}, %c: tensor<3xf32> {onnx.name = "c"})
    -> (tensor<?x3xf32> {onnx.name = "y"}, tensor<3xf32> {onnx.name = "s"}) {
  %0 = onnx.Neg %x : tensor<?x3xf32> -> tensor<?x3xf32>
  %1 = onnx.Relu %0 : tensor<?x3xf32> -> tensor<?x3xf32>
  %2 = onnx.Sin %c : tensor<3xf32> -> tensor<3xf32>
  return %1, %2 : tensor<?x3xf32>, tensor<3xf32>
}
