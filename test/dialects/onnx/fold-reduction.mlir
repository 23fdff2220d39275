// RUN: steed-opt %s --canonicalize --split-input-file | FileCheck %s

// Reduce* of small constants fold (e.g. ReduceMax over a constant attention
// mask), with constant or absent axes, keepdims or not.
// CHECK-LABEL: func.func @fold_reduce
// CHECK-DAG:   onnx.Constant dense<{{\[}}[3], [6]]> : tensor<2x1xi64>
// CHECK-DAG:   onnx.Constant dense<21> : tensor<i64>
// CHECK-DAG:   onnx.Constant dense<[4, 10, 18]> : tensor<3xi64>
// CHECK-DAG:   onnx.Constant dense<[2.000000e+00, 5.000000e+00]> : tensor<2xf32>
// CHECK-DAG:   onnx.Constant dense<5.000000e+00> : tensor<1xf32>
// CHECK-DAG:   onnx.Constant dense<[false, true]> : tensor<2xi1>
// CHECK-DAG:   onnx.Constant dense<0xFF800000> : tensor<1x2xf32>
// CHECK-DAG:   onnx.Constant dense<0.000000e+00> : tensor<1x2xf32>
// CHECK-NOT:   onnx.Reduce
// CHECK:       return
func.func @fold_reduce() -> (tensor<2x1xi64>, tensor<i64>, tensor<3xi64>, tensor<2xf32>,
                             tensor<1xf32>, tensor<2xi1>, tensor<1x2xf32>, tensor<1x2xf32>) {
  %m = onnx.Constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %ax1 = onnx.Constant dense<[1]> : tensor<1xi64>
  %ax0 = onnx.Constant dense<[0]> : tensor<1xi64>
  %none = onnx.None
  %max = onnx.ReduceMax %m, %ax1 : (tensor<2x3xi64>, tensor<1xi64>) -> tensor<2x1xi64>
  %sum = onnx.ReduceSum %m, %none {keepdims = 0 : i64} : (tensor<2x3xi64>, none) -> tensor<i64>
  %prod = onnx.ReduceProd %m, %ax0 {keepdims = 0 : i64} : (tensor<2x3xi64>, tensor<1xi64>) -> tensor<3xi64>
  %f = onnx.Constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %axm = onnx.Constant dense<[-1]> : tensor<1xi64>
  %mean = onnx.ReduceMean %f, %axm {keepdims = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2xf32>
  %v = onnx.Constant dense<[3.0, 4.0]> : tensor<2xf32>
  %l2 = onnx.ReduceL2 %v, %none : (tensor<2xf32>, none) -> tensor<1xf32>
  %b = onnx.Constant dense<[[true, false], [true, true]]> : tensor<2x2xi1>
  %all = onnx.ReduceMin %b, %ax1 {keepdims = 0 : i64} : (tensor<2x2xi1>, tensor<1xi64>) -> tensor<2xi1>
  // The ONNX reference: the max of an empty set is -inf, the sum 0.
  %empty = onnx.Constant dense<> : tensor<0x2xf32>
  %emax = onnx.ReduceMax %empty, %ax0 : (tensor<0x2xf32>, tensor<1xi64>) -> tensor<1x2xf32>
  %esum = onnx.ReduceSum %empty, %ax0 : (tensor<0x2xf32>, tensor<1xi64>) -> tensor<1x2xf32>
  return %max, %sum, %prod, %mean, %l2, %all, %emax, %esum
      : tensor<2x1xi64>, tensor<i64>, tensor<3xi64>, tensor<2xf32>, tensor<1xf32>, tensor<2xi1>,
        tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// Not folded: non-constant data or axes, integer Mean.
// CHECK-LABEL: func.func @no_fold_reduce
// CHECK:       onnx.ReduceSum %arg0
// CHECK:       onnx.ReduceMax
// CHECK:       onnx.ReduceMean
func.func @no_fold_reduce(%x: tensor<2x3xf32>, %axes: tensor<1xi64>)
    -> (tensor<2x1xf32>, tensor<?x?xi64>, tensor<2xi64>) {
  %ax1 = onnx.Constant dense<[1]> : tensor<1xi64>
  %sum = onnx.ReduceSum %x, %ax1 : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  %m = onnx.Constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %max = onnx.ReduceMax %m, %axes : (tensor<2x3xi64>, tensor<1xi64>) -> tensor<?x?xi64>
  %mean = onnx.ReduceMean %m, %ax1 {keepdims = 0 : i64} : (tensor<2x3xi64>, tensor<1xi64>) -> tensor<2xi64>
  return %sum, %max, %mean : tensor<2x1xf32>, tensor<?x?xi64>, tensor<2xi64>
}
