// RUN: steed-opt %s --steed-lower-launches | FileCheck %s

// CHECK-LABEL: func.func @plan
// CHECK:       call @k(%{{.*}}, %{{.*}}) : (memref<4xf32>, memref<4xf32>) -> ()
// CHECK-NOT:   exec.launch
func.func private @k(%a: memref<4xf32>, %b: memref<4xf32>)
func.func @plan(%x: memref<4xf32>, %y: memref<4xf32>) {
  exec.launch @k(%x, %y) : (memref<4xf32>, memref<4xf32>) -> ()
  return
}
