// RUN: steed-opt %s | steed-opt | FileCheck %s

// CHECK-LABEL: func.func @group
// CHECK:       exec.group(%{{.*}}) {nodes = ["relu1"]} : (tensor<4xf32>) -> tensor<4xf32> {
// CHECK:       ^bb0(%{{.*}}: tensor<4xf32>):
// CHECK:         exec.yield %{{.*}} : tensor<4xf32>
func.func @group(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = exec.group(%x) {nodes = ["relu1"]} : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %r = onnx.Relu %a : tensor<4xf32> -> tensor<4xf32>
    exec.yield %r : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

func.func private @k0(%a: memref<4xf32>, %b: memref<4xf32>)

// CHECK-LABEL: func.func @launch
// CHECK:       exec.launch @k0(%{{.*}}, %{{.*}}) : (memref<4xf32>, memref<4xf32>) -> ()
func.func @launch(%x: memref<4xf32>, %y: memref<4xf32>) {
  exec.launch @k0(%x, %y) : (memref<4xf32>, memref<4xf32>) -> ()
  return
}
