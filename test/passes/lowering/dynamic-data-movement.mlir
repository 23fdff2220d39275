// Data-movement ops whose result shapes depend on operand values known only
// at run time (lowering/DynamicDataMovement.cpp). Result types are inferred
// by steed-infer-shapes.
// RUN: steed-opt %s --split-input-file --verify-diagnostics --steed-infer-shapes --steed-lower-onnx | FileCheck %s

// Slice with run-time starts/ends (axes and steps absent): starts/ends wrap
// once and clamp to [0, dim]; an extract_slice with run-time offsets and
// sizes, copied.
// CHECK-LABEL: func.func @slice_runtime_starts_ends
// CHECK-SAME:  -> tensor<?x?xf32>
// CHECK:       %[[S0:.*]] = tensor.extract %arg1[%{{.*}}]
// CHECK:       arith.index_cast %[[S0]]
// CHECK:       arith.cmpi slt
// CHECK:       arith.maxsi
// CHECK:       arith.minsi
// CHECK:       %[[SL:.*]] = tensor.extract_slice %arg0[%{{.*}}, %{{.*}}] [%{{.*}}, %{{.*}}] [1, 1] : tensor<20x10xf32> to tensor<?x?xf32>
// CHECK:       linalg.copy ins(%[[SL]] : tensor<?x?xf32>)
// CHECK-NOT:   onnx.Slice
func.func @slice_runtime_starts_ends(%x: tensor<20x10xf32>, %s: tensor<2xi64>, %e: tensor<2xi64>) -> tensor<*xf32> {
  %n = onnx.None
  %r = onnx.Slice %x, %s, %e, %n, %n : (tensor<20x10xf32>, tensor<2xi64>, tensor<2xi64>, none, none) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Run-time steps (maybe negative): starts/ends clamp to [0, dim] or
// [-1, dim - 1] by the sign of the step, the size is
// max(ceil((end - start) / step), 0), and a generic reads
// data[first + i * step].
// CHECK-LABEL: func.func @slice_runtime_steps
// CHECK-SAME:  -> tensor<?x10xf32>
// CHECK:       %[[ST:.*]] = arith.index_cast
// CHECK:       %[[POS:.*]] = arith.cmpi sgt, %[[ST]], %{{.*}}
// CHECK:       arith.select %[[POS]], %{{c0.*}}, %{{c-1.*}}
// CHECK:       arith.select %[[POS]], %c20, %{{c19.*}}
// CHECK:       arith.ceildivsi %{{.*}}, %[[ST]]
// CHECK:       %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x10xf32>
// CHECK:       linalg.generic {{.*}} outs(%[[E]] : tensor<?x10xf32>)
// CHECK:         arith.muli %{{.*}}, %[[ST]]
// CHECK:         tensor.extract %arg0
func.func @slice_runtime_steps(%x: tensor<20x10xf32>, %st: tensor<1xi64>) -> tensor<*xf32> {
  %s = onnx.Constant dense<[-1]> : tensor<1xi64>
  %e = onnx.Constant dense<[-9223372036854775807]> : tensor<1xi64>
  %a = onnx.Constant dense<[0]> : tensor<1xi64>
  %r = onnx.Slice %x, %s, %e, %a, %st : (tensor<20x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Run-time axes: every dim may be sliced; each takes the values of the entry
// that names it (negative axes wrap).
// CHECK-LABEL: func.func @slice_runtime_axes
// CHECK-SAME:  -> tensor<?x?xf32>
// CHECK:       %[[A:.*]] = arith.index_cast
// CHECK:       %[[NEG:.*]] = arith.cmpi slt, %[[A]], %{{c0.*}}
// CHECK:       %[[AW:.*]] = arith.select %[[NEG]]
// CHECK-DAG:   arith.cmpi eq, %[[AW]], %{{c0.*}}
// CHECK-DAG:   arith.cmpi eq, %[[AW]], %{{c1.*}}
// CHECK:       tensor.extract_slice %arg0
func.func @slice_runtime_axes(%x: tensor<20x10xf32>, %a: tensor<1xi64>) -> tensor<*xf32> {
  %s = onnx.Constant dense<[1]> : tensor<1xi64>
  %e = onnx.Constant dense<[5]> : tensor<1xi64>
  %n = onnx.None
  %r = onnx.Slice %x, %s, %e, %a, %n : (tensor<20x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// A dynamic input: sizes come from tensor.dim.
// CHECK-LABEL: func.func @slice_dynamic_input
// CHECK-SAME:  -> tensor<?x?xf32>
// CHECK:       %[[D:.*]] = tensor.dim %arg0, %{{c1.*}}
// CHECK:       arith.minsi %[[D]]
// CHECK:       tensor.extract_slice %arg0[0, %{{.*}}] [%{{.*}}, %{{.*}}] [1, 1] : tensor<?x?xf32> to tensor<?x?xf32>
func.func @slice_dynamic_input(%x: tensor<?x?xf32>) -> tensor<*xf32> {
  %s = onnx.Constant dense<[2]> : tensor<1xi64>
  %e = onnx.Constant dense<[9223372036854775807]> : tensor<1xi64>
  %a = onnx.Constant dense<[-1]> : tensor<1xi64>
  %n = onnx.None
  %r = onnx.Slice %x, %s, %e, %a, %n : (tensor<?x?xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Must not fire: constant operands on a static input keep the static
// lowering (static sizes, no run-time clamping).
// CHECK-LABEL: func.func @slice_static_not_dynamic
// CHECK-SAME:  -> tensor<2x10xf32>
// CHECK-NOT:   arith.ceildivsi
// CHECK:       tensor.extract_slice %arg0[3, 0] [2, 10] [1, 1] : tensor<20x10xf32> to tensor<2x10xf32>
func.func @slice_static_not_dynamic(%x: tensor<20x10xf32>) -> tensor<*xf32> {
  %s = onnx.Constant dense<[3]> : tensor<1xi64>
  %e = onnx.Constant dense<[5]> : tensor<1xi64>
  %a = onnx.Constant dense<[0]> : tensor<1xi64>
  %n = onnx.None
  %r = onnx.Slice %x, %s, %e, %a, %n : (tensor<20x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// ScatterElements into data of a run-time size: the copy of data and the
// index wrapping use tensor.dim.
// CHECK-LABEL: func.func @scatter_elements_dynamic_data
// CHECK-SAME:  -> tensor<?xf32>
// CHECK:       %[[D:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?xf32>
// CHECK:       %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?xf32>
// CHECK:       %[[C:.*]] = linalg.copy ins(%arg0 : tensor<?xf32>) outs(%[[E]] : tensor<?xf32>)
// CHECK:       scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[C]]) -> (tensor<?xf32>)
// CHECK:         arith.addi %{{.*}}, %[[D]]
// CHECK:         tensor.insert %{{.*}} into %[[ACC]]
func.func @scatter_elements_dynamic_data(%d: tensor<?xf32>, %i: tensor<4xi64>, %u: tensor<4xf32>) -> tensor<*xf32> {
  %r = onnx.ScatterElements %d, %i, %u : (tensor<?xf32>, tensor<4xi64>, tensor<4xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}
