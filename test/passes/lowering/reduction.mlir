// RUN: steed-opt %s --steed-infer-shapes --steed-lower-onnx --split-input-file -verify-diagnostics | FileCheck %s
// RUN: steed-opt %s --split-input-file --steed-infer-shapes --steed-form-kernels --canonicalize --steed-lower-onnx --steed-outline-kernels --canonicalize --eliminate-empty-tensors --one-shot-bufferize --canonicalize --steed-plan-memory -verify-diagnostics | FileCheck %s --check-prefix=BUF

// BUF-NOT: onnx.Reduce
// BUF-NOT: onnx.Arg
// BUF-NOT: tensor.empty
// BUF-NOT: tensor.expand_shape

// ReduceSum over axis 1 without keepdims: one generic reducing the second
// loop, accumulator filled with 0.
// CHECK-LABEL: func.func @sum_axis1
// CHECK:       %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:       %[[E:.*]] = tensor.empty() : tensor<3x5xf32>
// CHECK:       %[[F:.*]] = linalg.fill ins(%[[Z]] : f32) outs(%[[E]] : tensor<3x5xf32>)
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "reduction", "parallel"]
// CHECK-SAME:    ins(%arg0 : tensor<3x4x5xf32>) outs(%[[F]] : tensor<3x5xf32>)
// CHECK:         arith.addf
// CHECK-NOT:   tensor.expand_shape
func.func @sum_axis1(%x: tensor<3x4x5xf32>) -> tensor<3x5xf32> {
  %axes = onnx.Constant dense<[1]> : tensor<1xi64>
  %0 = onnx.ReduceSum %x, %axes {keepdims = 0 : i64} : (tensor<3x4x5xf32>, tensor<1xi64>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// ReduceMean with absent axes reduces everything; keepdims re-inserts the
// unit dimensions with expand_shape; the mean divides by the count.
// CHECK-LABEL: func.func @mean_all_keepdims
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["reduction", "reduction"]
// CHECK-SAME:    outs(%{{.*}} : tensor<f32>)
// CHECK:       tensor.expand_shape %{{.*}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
// CHECK:       linalg.generic
// CHECK:         arith.constant 1.200000e+01 : f32
// CHECK:         arith.divf
func.func @mean_all_keepdims(%x: tensor<3x4xf32>) -> tensor<1x1xf32> {
  %none = onnx.None
  %0 = onnx.ReduceMean %x, %none : (tensor<3x4xf32>, none) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// ReduceMax starts at -inf (the result of an empty set) and uses maximumf;
// negative axes count from the back.
// CHECK-LABEL: func.func @max_negative_axis
// CHECK:       arith.constant 0xFF800000 : f32
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "reduction"]
// CHECK:         arith.maximumf
// CHECK:       tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [2, 1]
func.func @max_negative_axis(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %axes = onnx.Constant dense<[-1]> : tensor<1xi64>
  %0 = onnx.ReduceMax %x, %axes : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

// Integer product: starts at 1, muli, no epilogue.
// CHECK-LABEL: func.func @prod_int
// CHECK:       arith.constant 1 : i32
// CHECK:       linalg.generic
// CHECK:         arith.muli
// CHECK-NOT:   linalg.generic
func.func @prod_int(%x: tensor<2x3xi32>) -> tensor<3xi32> {
  %axes = onnx.Constant dense<[0]> : tensor<1xi64>
  %0 = onnx.ReduceProd %x, %axes {keepdims = 0 : i64} : (tensor<2x3xi32>, tensor<1xi64>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

// bool ReduceMin (opset 20): unsigned min of i1, starting at true.
// CHECK-LABEL: func.func @min_bool
// CHECK:       arith.constant true
// CHECK:       linalg.generic
// CHECK:         arith.minui
func.func @min_bool(%x: tensor<4x2xi1>) -> tensor<4x1xi1> {
  %axes = onnx.Constant dense<[1]> : tensor<1xi64>
  %0 = onnx.ReduceMin %x, %axes : (tensor<4x2xi1>, tensor<1xi64>) -> tensor<4x1xi1>
  return %0 : tensor<4x1xi1>
}

// -----

// f16 ReduceL2 accumulates x*x in f32 and takes sqrt before truncating.
// CHECK-LABEL: func.func @l2_f16
// CHECK:       linalg.generic
// CHECK:         arith.extf
// CHECK:         arith.mulf
// CHECK:         arith.addf
// CHECK-SAME:      f32
// CHECK:       linalg.generic
// CHECK:         math.sqrt
// CHECK:         arith.truncf
func.func @l2_f16(%x: tensor<2x3xf16>) -> tensor<2xf16> {
  %axes = onnx.Constant dense<[1]> : tensor<1xi64>
  %0 = onnx.ReduceL2 %x, %axes {keepdims = 0 : i64} : (tensor<2x3xf16>, tensor<1xi64>) -> tensor<2xf16>
  return %0 : tensor<2xf16>
}

// -----

// ReduceLogSumExp: the maximum first (0 where it is -inf), then
// sum(exp(x - max)), then log(sum) + max; without keepdims the unit
// dimension is collapsed last.
// CHECK-LABEL: func.func @logsumexp
// CHECK:       linalg.generic
// CHECK:         arith.maximumf
// CHECK:       tensor.expand_shape
// CHECK:       linalg.generic
// CHECK:         arith.cmpf oeq
// CHECK:         arith.select
// CHECK:       linalg.generic
// CHECK:         arith.subf
// CHECK:         math.exp
// CHECK:         arith.addf
// CHECK:       linalg.generic
// CHECK:         math.log
// CHECK:       tensor.collapse_shape {{.*}} into tensor<2xf64>
func.func @logsumexp(%x: tensor<2x3xf64>) -> tensor<2xf64> {
  %axes = onnx.Constant dense<[1]> : tensor<1xi64>
  %0 = onnx.ReduceLogSumExp %x, %axes {keepdims = 0 : i64} : (tensor<2x3xf64>, tensor<1xi64>) -> tensor<2xf64>
  return %0 : tensor<2xf64>
}

// -----

// Empty axes with noop_with_empty_axes = 1: the identity, even when the
// axes are a runtime input (their static length 0 is enough).
// CHECK-LABEL: func.func @noop_empty_axes
// CHECK-NOT:   linalg.generic
// CHECK:       return %arg0
func.func @noop_empty_axes(%x: tensor<3x2xf32>, %axes: tensor<0xi64>) -> tensor<3x2xf32> {
  %0 = onnx.ReduceSum %x, %axes {noop_with_empty_axes = 1 : i64} : (tensor<3x2xf32>, tensor<0xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// Statically empty runtime axes without noop: reduce everything.
// CHECK-LABEL: func.func @empty_runtime_axes
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["reduction", "reduction"]
// CHECK:         math.absf
func.func @empty_runtime_axes(%x: tensor<3x2xf32>, %axes: tensor<0xi64>) -> tensor<1x1xf32> {
  %0 = onnx.ReduceL1 %x, %axes : (tensor<3x2xf32>, tensor<0xi64>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// ArgMax with select_last_index: (value, index) accumulators, >= keeps the
// last maximum, the index comes from linalg.index of the reduced loop.
// CHECK-LABEL: func.func @argmax_last
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "reduction"]
// CHECK-SAME:    outs(%{{.*}}, %{{.*}} : tensor<2xf32>, tensor<2xi64>)
// CHECK:         arith.cmpf oge
// CHECK:         linalg.index 1
// CHECK:         arith.select
// CHECK:         arith.select
// CHECK:       tensor.expand_shape {{.*}} into tensor<2x1xi64>
func.func @argmax_last(%x: tensor<2x3xf32>) -> tensor<2x1xi64> {
  %0 = onnx.ArgMax %x {axis = 1 : i64, select_last_index = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

// ArgMin on unsigned integers: strict unsigned compare, starts at the
// highest value.
// CHECK-LABEL: func.func @argmin_uint
// CHECK:       arith.constant -1 : i8
// CHECK:       linalg.generic
// CHECK:         arith.cmpi ugt
func.func @argmin_uint(%x: tensor<4x3xui8>) -> tensor<3xi64> {
  %0 = onnx.ArgMin %x {keepdims = 0 : i64} : (tensor<4x3xui8>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// Axes only known at run time: one static reduction per possible axis set,
// chosen by an scf.index_switch on the bit mask of the axes.
// CHECK-LABEL: func.func @runtime_axes
// CHECK:       scf.index_switch
// CHECK:       case 1 {
// CHECK:         iterator_types = ["reduction", "parallel"]
// CHECK:       default {
// CHECK:         iterator_types = ["parallel", "reduction"]
func.func @runtime_axes(%x: tensor<3x2xf32>, %axes: tensor<1xi64>) -> tensor<?x?xf32> {
  %0 = onnx.ReduceSum %x, %axes : (tensor<3x2xf32>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @axis_out_of_range(%x: tensor<3x2xf32>) -> tensor<*xf32> {
  %axes = onnx.Constant dense<[2]> : tensor<1xi64>
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = onnx.ReduceMax %x, %axes : (tensor<3x2xf32>, tensor<1xi64>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @axis_twice(%x: tensor<3x2xf32>) -> tensor<*xf32> {
  %axes = onnx.Constant dense<[1, -1]> : tensor<2xi64>
  // expected-error @+1 {{axis -1 is listed twice}}
  %0 = onnx.ReduceMax %x, %axes : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CumSum (exclusive, reverse) along a constant axis: an extra reduction
// dimension k, x[k] taken where k > i.
// CHECK-LABEL: func.func @cumsum_axis1
// CHECK:       linalg.generic
// CHECK-SAME:  iterator_types = ["parallel", "parallel", "reduction"]
// CHECK:       arith.cmpi ugt
// CHECK:       arith.addf
func.func @cumsum_axis1(%x: tensor<2x3xf32>) -> tensor<*xf32> {
  %axis = onnx.Constant dense<-1> : tensor<i64>
  %0 = onnx.CumSum %x, %axis {exclusive = 1 : i64, reverse = 1 : i64} : (tensor<2x3xf32>, tensor<i64>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CumProd along a run-time axis: the axis wraps once, then an
// scf.index_switch runs the scan along axis 0 (case 0) or 1 (default).
// CHECK-LABEL: func.func @cumprod_runtime_axis
// CHECK:       %[[A0:.*]] = tensor.extract %arg1[]
// CHECK:       %[[A1:.*]] = arith.index_cast %[[A0]] : i32 to index
// CHECK:       %[[NEG:.*]] = arith.cmpi slt, %[[A1]]
// CHECK:       %[[A:.*]] = arith.select %[[NEG]]
// CHECK:       scf.index_switch %[[A]] -> tensor<2x3xf32>
// CHECK:       case 0 {
// CHECK:         linalg.generic
// CHECK:           linalg.index 0
// CHECK:           arith.mulf
// CHECK:       default {
// CHECK:         linalg.generic
// CHECK:           linalg.index 1
// CHECK:           arith.mulf
func.func @cumprod_runtime_axis(%x: tensor<2x3xf32>, %axis: tensor<i32>) -> tensor<*xf32> {
  %0 = onnx.CumProd %x, %axis : (tensor<2x3xf32>, tensor<i32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// Must not fire for a 1-D input: its only axis needs no switch.
// CHECK-LABEL: func.func @cumsum_runtime_axis_1d
// CHECK-NOT:   scf.index_switch
// CHECK:       linalg.generic
// CHECK-SAME:  iterator_types = ["parallel", "reduction"]
func.func @cumsum_runtime_axis_1d(%x: tensor<5xi32>, %axis: tensor<i64>) -> tensor<*xi32> {
  %0 = onnx.CumSum %x, %axis : (tensor<5xi32>, tensor<i64>) -> tensor<*xi32>
  return %0 : tensor<*xi32>
}

// -----

// TopK (smallest) along axis 1: ranks from a generic reducing over a second
// copy of the axis (strict compare, ties broken by the lower index), then a
// generic picking the value and index of rank k.
// CHECK-LABEL: func.func @topk_smallest
// CHECK:       %[[R:.*]] = linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME:    ins(%arg0, %arg0 : tensor<3x4xf32>, tensor<3x4xf32>) outs(%{{.*}} : tensor<3x4xi64>)
// CHECK:         arith.cmpf ogt
// CHECK:         arith.cmpf oeq
// CHECK:         arith.cmpi ult
// CHECK:         arith.addi
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%arg0, %[[R]] : tensor<3x4xf32>, tensor<3x4xi64>) outs(%{{.*}}, %{{.*}} : tensor<3x2xf32>, tensor<3x2xi64>)
// CHECK:         arith.cmpi eq
// CHECK:         arith.select
// CHECK:         arith.select
func.func @topk_smallest(%x: tensor<3x4xf32>) -> (tensor<*xf32>, tensor<*xi64>) {
  %k = onnx.Constant dense<2> : tensor<1xi64>
  %0, %1 = onnx.TopK %x, %k {axis = 1 : i64, largest = 0 : i64} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<*xf32>, tensor<*xi64>)
  return %0, %1 : tensor<*xf32>, tensor<*xi64>
}

// -----

// Unsigned TopK (largest) compares unsigned.
// CHECK-LABEL: func.func @topk_uint
// CHECK:       linalg.generic
// CHECK:         arith.cmpi ugt
func.func @topk_uint(%x: tensor<5xui8>) -> (tensor<*xui8>, tensor<*xi64>) {
  %k = onnx.Constant dense<3> : tensor<1xi64>
  %0, %1 = onnx.TopK %x, %k : (tensor<5xui8>, tensor<1xi64>) -> (tensor<*xui8>, tensor<*xi64>)
  return %0, %1 : tensor<*xui8>, tensor<*xi64>
}

// -----

// K only known at run time: all 4 elements of each row in order, then the
// first min(max(K, 0), 4) of them (a dynamic dim).
// CHECK-LABEL: func.func @topk_runtime_k
// CHECK-SAME:  -> (tensor<3x?xf32>, tensor<3x?xi64>)
// CHECK:       %[[SEL:.*]]:2 = linalg.generic
// CHECK-SAME:    outs(%{{.*}}, %{{.*}} : tensor<3x4xf32>, tensor<3x4xi64>)
// CHECK:       %[[K0:.*]] = tensor.extract %arg1
// CHECK:       %[[K1:.*]] = arith.index_cast %[[K0]]
// CHECK:       %[[K2:.*]] = arith.maxsi %[[K1]]
// CHECK:       %[[K:.*]] = arith.minsi %[[K2]]
// CHECK:       %[[V:.*]] = tensor.extract_slice %[[SEL]]#0[0, 0] [3, %[[K]]] [1, 1] : tensor<3x4xf32> to tensor<3x?xf32>
// CHECK:       linalg.copy ins(%[[V]] : tensor<3x?xf32>)
// CHECK:       %[[I:.*]] = tensor.extract_slice %[[SEL]]#1[0, 0] [3, %[[K]]] [1, 1] : tensor<3x4xi64> to tensor<3x?xi64>
// CHECK:       linalg.copy ins(%[[I]] : tensor<3x?xi64>)
// BUF:         func.func private @k0_topk({{.*}}) -> (memref<3x?xf32>, memref<3x?xi64>) attributes {exec.kernel
// BUF:           memref.subview {{.*}} to memref<3x?xf32, strided<[4, 1]>>
func.func @topk_runtime_k(%x: tensor<3x4xf32>, %k: tensor<1xi64>) -> (tensor<*xf32>, tensor<*xi64>) {
  %0, %1 = onnx.TopK %x, %k {axis = 1 : i64} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<*xf32>, tensor<*xi64>)
  return %0, %1 : tensor<*xf32>, tensor<*xi64>
}

// -----

// Must not fire: a dynamic input is not lowered.
func.func @topk_dynamic_input(%x: tensor<?x4xf32>, %k: tensor<1xi64>) -> (tensor<*xf32>, tensor<*xi64>) {
  // expected-error @+1 {{cannot lower onnx.TopK with types 'tensor<?x4xf32>', 'tensor<1xi64>' -> 'tensor<?x?xf32>', 'tensor<?x?xi64>'}}
  %0, %1 = onnx.TopK %x, %k {axis = 1 : i64} : (tensor<?x4xf32>, tensor<1xi64>) -> (tensor<*xf32>, tensor<*xi64>)
  return %0, %1 : tensor<*xf32>, tensor<*xi64>
}

// -----

func.func @topk_k_too_big(%x: tensor<3x4xf32>) -> (tensor<*xf32>, tensor<*xi64>) {
  %k = onnx.Constant dense<5> : tensor<1xi64>
  // expected-error @+1 {{K = 5 exceeds the axis size 4}}
  %0, %1 = onnx.TopK %x, %k : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<*xf32>, tensor<*xi64>)
  return %0, %1 : tensor<*xf32>, tensor<*xi64>
}
