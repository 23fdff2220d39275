// RUN: steed-opt %s --steed-form-kernels --steed-fuse-kernels --split-input-file | FileCheck %s
// RUN: steed-opt %s --steed-form-kernels --steed-fuse-kernels=max-ops=2 --split-input-file | FileCheck %s --check-prefix=MAX2

// Epilogue: conv (with bias) + Relu + residual Add become one group at the
// consumer's place; the skip connection flows in.
// CHECK-LABEL: func.func @conv_relu_residual
// CHECK:       %[[G:.*]] = exec.group(%arg0, %arg1, %arg2, %arg3) {nodes = ["conv", "relu", "add"]}
// CHECK:         %[[C:.*]] = onnx.Conv
// CHECK:         %[[R:.*]] = onnx.Relu %[[C]]
// CHECK:         %[[A:.*]] = onnx.Add %[[R]]
// CHECK:         exec.yield %[[A]]
// CHECK-NOT:   exec.group
// CHECK:       return %[[G]]
// MAX2-LABEL:  func.func @conv_relu_residual
// MAX2:        exec.group({{.*}}) {nodes = ["conv", "relu"]}
// MAX2:        exec.group({{.*}}) {nodes = ["add"]}
func.func @conv_relu_residual(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>, %skip: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %c = onnx.Conv %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32> loc("conv")
  %r = onnx.Relu %c : tensor<1x8x8x8xf32> -> tensor<1x8x8x8xf32> loc("relu")
  %a = onnx.Add %r, %skip : (tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> loc("add")
  return %a : tensor<1x8x8x8xf32>
}

// -----

// The LayerNorm torch exports at opset 13: the reductions start the group,
// x - mean broadcasts back over the reduced tensor, Pow is a prologue of the
// second reduction; one group in all. x is read twice inside it.
// CHECK-LABEL: func.func @decomposed_layer_norm
// CHECK:       exec.group(%arg0, %arg1) {nodes = ["mean", "sub", "pow", "var", "add", "sqrt", "div", "scale"]}
// CHECK-NOT:   exec.group
func.func @decomposed_layer_norm(%x: tensor<4x16xf32>, %gamma: tensor<16xf32>) -> tensor<4x16xf32> {
  %axes = onnx.Constant dense<-1> : tensor<1xi64>
  %two = onnx.Constant dense<2.0> : tensor<f32>
  %eps = onnx.Constant dense<1.0e-5> : tensor<f32>
  %mean = onnx.ReduceMean %x, %axes : (tensor<4x16xf32>, tensor<1xi64>) -> tensor<4x1xf32> loc("mean")
  %d = onnx.Sub %x, %mean : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32> loc("sub")
  %p = onnx.Pow %d, %two : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32> loc("pow")
  %v = onnx.ReduceMean %p, %axes : (tensor<4x16xf32>, tensor<1xi64>) -> tensor<4x1xf32> loc("var")
  %ve = onnx.Add %v, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32> loc("add")
  %s = onnx.Sqrt %ve : tensor<4x1xf32> -> tensor<4x1xf32> loc("sqrt")
  %n = onnx.Div %d, %s : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32> loc("div")
  %g = onnx.Mul %n, %gamma : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32> loc("scale")
  return %g : tensor<4x16xf32>
}

// -----

// Attention scores: MatMul, scale and Softmax share a domain and merge; the
// second MatMul (an anchor) does not join another anchor.
// CHECK-LABEL: func.func @attention
// CHECK:       %[[S:.*]] = exec.group(%arg0, %arg1) {nodes = ["qk", "scale", "softmax"]}
// CHECK:       exec.group(%[[S]], %arg2) {nodes = ["pv"]}
func.func @attention(%q: tensor<2x8x4xf32>, %kt: tensor<2x4x8xf32>, %v: tensor<2x8x4xf32>) -> tensor<2x8x4xf32> {
  %half = onnx.Constant dense<0.5> : tensor<f32>
  %s = onnx.MatMul %q, %kt : (tensor<2x8x4xf32>, tensor<2x4x8xf32>) -> tensor<2x8x8xf32> loc("qk")
  %t = onnx.Mul %s, %half : (tensor<2x8x8xf32>, tensor<f32>) -> tensor<2x8x8xf32> loc("scale")
  %p = onnx.Softmax %t {axis = -1 : i64} : (tensor<2x8x8xf32>) -> tensor<2x8x8xf32> loc("softmax")
  %o = onnx.MatMul %p, %v : (tensor<2x8x8xf32>, tensor<2x8x4xf32>) -> tensor<2x8x4xf32> loc("pv")
  return %o : tensor<2x8x4xf32>
}

// -----

// Must not fire: the Relu is used by two groups (merging would compute it
// twice), and by the function's return.
// CHECK-LABEL: func.func @multi_use_producer
// CHECK:       exec.group(%arg0) {nodes = ["relu"]}
// CHECK:       exec.group({{.*}}) {nodes = ["neg"]}
// CHECK:       exec.group({{.*}}) {nodes = ["exp"]}
// CHECK-LABEL: func.func @returned_producer
// CHECK:       exec.group(%arg0) {nodes = ["relu"]}
// CHECK:       exec.group({{.*}}) {nodes = ["neg"]}
func.func @multi_use_producer(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %r = onnx.Relu %x : tensor<8xf32> -> tensor<8xf32> loc("relu")
  %a = onnx.Neg %r : tensor<8xf32> -> tensor<8xf32> loc("neg")
  %b = onnx.Exp %r : tensor<8xf32> -> tensor<8xf32> loc("exp")
  return %a, %b : tensor<8xf32>, tensor<8xf32>
}
func.func @returned_producer(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %r = onnx.Relu %x : tensor<8xf32> -> tensor<8xf32> loc("relu")
  %a = onnx.Neg %r : tensor<8xf32> -> tensor<8xf32> loc("neg")
  return %r, %a : tensor<8xf32>, tensor<8xf32>
}

// -----

// A multi-use producer joins once all its uses are in one group: both
// consumers of the Relu first merge into their Add, then the Relu joins.
// CHECK-LABEL: func.func @all_uses_in_one_group
// CHECK:       exec.group(%arg0) {nodes = ["relu", "exp", "neg", "add"]}
// CHECK-NOT:   exec.group
func.func @all_uses_in_one_group(%x: tensor<8xf32>) -> tensor<8xf32> {
  %r = onnx.Relu %x : tensor<8xf32> -> tensor<8xf32> loc("relu")
  %a = onnx.Neg %r : tensor<8xf32> -> tensor<8xf32> loc("neg")
  %b = onnx.Exp %r : tensor<8xf32> -> tensor<8xf32> loc("exp")
  %s = onnx.Add %a, %b : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32> loc("add")
  return %s : tensor<8xf32>
}

// -----

// Must not fire: the consumer changes the shape (broadcasts the producer's
// result up), or is not elementwise (Transpose), or two anchors meet.
// CHECK-LABEL: func.func @shape_changing_consumer
// CHECK:       exec.group(%arg1) {nodes = ["relu"]}
// CHECK:       exec.group({{.*}}) {nodes = ["add"]}
// CHECK:       exec.group({{.*}}) {nodes = ["transpose"]}
// CHECK:       exec.group({{.*}}) {nodes = ["mm1"]}
// CHECK:       exec.group({{.*}}) {nodes = ["mm2"]}
func.func @shape_changing_consumer(%x: tensor<4x8xf32>, %y: tensor<8xf32>, %w: tensor<4x4xf32>) -> tensor<8x4xf32> {
  %r = onnx.Relu %y : tensor<8xf32> -> tensor<8xf32> loc("relu")
  %a = onnx.Add %x, %r : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32> loc("add")
  %t = onnx.Transpose %a {perm = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32> loc("transpose")
  %m = onnx.MatMul %t, %w : (tensor<8x4xf32>, tensor<4x4xf32>) -> tensor<8x4xf32> loc("mm1")
  %n = onnx.MatMul %m, %w : (tensor<8x4xf32>, tensor<4x4xf32>) -> tensor<8x4xf32> loc("mm2")
  return %n : tensor<8x4xf32>
}

// -----

// Must not fire: NonZero's result shape depends on the data; an elementwise
// op on a dynamic shape stays alone too.
// CHECK-LABEL: func.func @data_dependent
// CHECK:       exec.group(%arg0) {nodes = ["relu"]}
// CHECK:       exec.group({{.*}}) {nodes = ["nonzero"]}
// CHECK:       exec.group({{.*}}) {nodes = ["cast"]}
// CHECK:       exec.group({{.*}}) {nodes = ["neg"]}
func.func @data_dependent(%x: tensor<4xf32>) -> tensor<1x?xi64> {
  %r = onnx.Relu %x : tensor<4xf32> -> tensor<4xf32> loc("relu")
  %n = onnx.NonZero %r : (tensor<4xf32>) -> tensor<1x?xi64> loc("nonzero")
  %c = onnx.Cast %n {to = i64} : (tensor<1x?xi64>) -> tensor<1x?xi64> loc("cast")
  %m = onnx.Neg %c : tensor<1x?xi64> -> tensor<1x?xi64> loc("neg")
  return %m : tensor<1x?xi64>
}

// -----

// Must not fire: a control-flow op keeps its group; neither its operand's
// producer nor its consumer joins it.
// CHECK-LABEL: func.func @control_flow
// CHECK:       exec.group(%arg1) {nodes = ["neg"]}
// CHECK:       exec.group({{.*}}) {nodes = ["if"]}
// CHECK:       exec.group({{.*}}) {nodes = ["relu"]}
func.func @control_flow(%c: tensor<i1>, %x: tensor<100xf32>) -> tensor<100xf32> {
  %n = onnx.Neg %x : tensor<100xf32> -> tensor<100xf32> loc("neg")
  %r = onnx.If %c : (tensor<i1>) -> tensor<100xf32> {
    %a = onnx.Add %n, %n : (tensor<100xf32>, tensor<100xf32>) -> tensor<100xf32>
    onnx.Yield %a : tensor<100xf32>
  } else {
    onnx.Yield %n : tensor<100xf32>
  } loc("if")
  %y = onnx.Relu %r : tensor<100xf32> -> tensor<100xf32> loc("relu")
  return %y : tensor<100xf32>
}
