// RUN: steed-opt %s --steed-plan-memory --canonicalize --split-input-file | FileCheck %s

// Three 256-byte buffers in a chain: %a dies when %c is born, so %c reuses
// its bytes; the arena holds two buffers.
// CHECK:       module attributes {exec.arena_size = 512 : i64}
// CHECK-LABEL: func.func @steed_plan(
// CHECK-SAME:    %{{.*}}: memref<512xi8> {exec.arena})
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C256:.*]] = arith.constant 256 : index
// CHECK:         %[[A:.*]] = memref.view %{{.*}}[%[[C0]]][] : memref<512xi8> to memref<64xf32>
// CHECK:         %[[B:.*]] = memref.view %{{.*}}[%[[C256]]][] : memref<512xi8> to memref<64xf32>
// CHECK:         %[[C:.*]] = memref.view %{{.*}}[%[[C0]]][] : memref<512xi8> to memref<64xf32>
module {
  func.func private @k(%a: memref<64xf32>, %b: memref<64xf32>) attributes {exec.kernel}
  func.func @steed_plan(%x: memref<64xf32>, %y: memref<64xf32>) attributes {exec.plan} {
    %a = memref.alloc() : memref<64xf32>
    exec.launch @k(%x, %a) : (memref<64xf32>, memref<64xf32>) -> ()
    %b = memref.alloc() : memref<64xf32>
    exec.launch @k(%a, %b) : (memref<64xf32>, memref<64xf32>) -> ()
    %c = memref.alloc() : memref<64xf32>
    exec.launch @k(%b, %c) : (memref<64xf32>, memref<64xf32>) -> ()
    exec.launch @k(%c, %y) : (memref<64xf32>, memref<64xf32>) -> ()
    return
  }
}

// -----

// A kernel's own allocation becomes a scratch argument, passed by each launch.
// CHECK-LABEL: func.func @steed_plan(
// CHECK:         %[[S:.*]] = memref.view {{.*}} to memref<16xf32>
// CHECK:         exec.launch @k(%{{.*}}, %{{.*}}, %[[S]]) : (memref<16xf32>, memref<16xf32>, memref<16xf32>) -> ()
// CHECK:       func.func private @k(%{{.*}}: memref<16xf32>, %{{.*}}: memref<16xf32>, %[[SCRATCH:.*]]: memref<16xf32>)
// CHECK-NOT:     memref.alloc
// CHECK:         memref.copy %{{.*}}, %[[SCRATCH]]
module {
  func.func @steed_plan(%x: memref<16xf32>, %y: memref<16xf32>) attributes {exec.plan} {
    exec.launch @k(%x, %y) : (memref<16xf32>, memref<16xf32>) -> ()
    return
  }
  func.func private @k(%in: memref<16xf32>, %out: memref<16xf32>) attributes {exec.kernel} {
    %t = memref.alloc() : memref<16xf32>
    memref.copy %in, %t : memref<16xf32> to memref<16xf32>
    memref.copy %t, %out : memref<16xf32> to memref<16xf32>
    return
  }
}

// -----

// No buffers: an empty arena, still passed.
// CHECK:       module attributes {exec.arena_size = 0 : i64}
// CHECK-LABEL: func.func @steed_plan(
// CHECK-SAME:    memref<0xi8> {exec.arena}
module {
  func.func @steed_plan(%x: memref<4xf32>, %y: memref<4xf32>) attributes {exec.plan} {
    memref.copy %x, %y : memref<4xf32> to memref<4xf32>
    return
  }
}

// -----

// A dynamic result returned through a memref.cast (the kernel computed it
// with more static dims) escapes: the copy into the returned buffer is
// elided and the computing buffer is returned, not freed.
// CHECK-LABEL: func.func private @kdyn(
// CHECK:         %[[A:.*]] = memref.alloc(%{{.*}}) : memref<3x?xf32>
// CHECK-NEXT:    memref.copy %arg0, %[[A]]
// CHECK-NEXT:    %[[C:.*]] = memref.cast %[[A]] : memref<3x?xf32> to memref<?x?xf32>
// CHECK-NEXT:    return %[[C]]
module {
  func.func @steed_plan(%x: memref<3x?xf32>) -> memref<?x?xf32> attributes {exec.plan} {
    %r = exec.launch @kdyn(%x) : (memref<3x?xf32>) -> memref<?x?xf32>
    return %r : memref<?x?xf32>
  }
  func.func private @kdyn(%x: memref<3x?xf32>) -> memref<?x?xf32> attributes {exec.kernel} {
    %c1 = arith.constant 1 : index
    %n = memref.dim %x, %c1 : memref<3x?xf32>
    %a = memref.alloc(%n) : memref<3x?xf32>
    memref.copy %x, %a : memref<3x?xf32> to memref<3x?xf32>
    %b = memref.alloc(%n) : memref<3x?xf32>
    %cast = memref.cast %b : memref<3x?xf32> to memref<?x?xf32>
    memref.copy %a, %b : memref<3x?xf32> to memref<3x?xf32>
    memref.dealloc %a : memref<3x?xf32>
    return %cast : memref<?x?xf32>
  }
}

// -----

// Data movement that aliases: a Reshape's result is its input's bytes, a
// contiguous Slice's result a range of its input, a Concat's inputs ranges
// of its output. Their launches and kernels go; the buffers become views
// of the root's arena bytes (the Concat's second input at 2*4*4 = 32
// bytes, the Slice at 16 bytes), and the root lives as long as any of them.
// CHECK-LABEL: func.func @steed_plan(
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG:     %[[C32:.*]] = arith.constant 32 : index
// CHECK:         %[[A:.*]] = memref.view %{{.*}}[%[[C0]]][] : memref<{{.*}}xi8> to memref<1x2x4xf32>
// CHECK:         exec.launch @prod(%{{.*}}, %[[A]])
// CHECK:         %[[B:.*]] = memref.view %{{.*}}[%[[C32]]][] : memref<{{.*}}xi8> to memref<1x2x4xf32>
// CHECK:         exec.launch @prod(%{{.*}}, %[[B]])
// CHECK:         %[[R:.*]] = memref.view %{{.*}}[%[[C0]]][] : memref<{{.*}}xi8> to memref<16xf32>
// CHECK:         %[[S:.*]] = memref.view %{{.*}}[%[[C16]]][] : memref<{{.*}}xi8> to memref<1x1x4xf32>
// CHECK-NOT:     exec.launch @concat
// CHECK-NOT:     exec.launch @reshape
// CHECK-NOT:     exec.launch @slice
// CHECK:         exec.launch @use(%[[R]], %[[S]], %{{.*}})
// CHECK-NOT:   func.func private @concat
// CHECK-NOT:   func.func private @reshape
// CHECK-NOT:   func.func private @slice
module {
  func.func private @prod(%x: memref<8xf32>, %y: memref<1x2x4xf32>) attributes {exec.kernel}
  func.func private @use(%a: memref<16xf32>, %b: memref<1x1x4xf32>, %y: memref<16xf32>) attributes {exec.kernel}
  func.func private @concat(%a: memref<1x2x4xf32>, %b: memref<1x2x4xf32>, %out: memref<1x4x4xf32>) attributes {exec.kernel} {
    %sa = memref.subview %out[0, 0, 0] [1, 2, 4] [1, 1, 1] : memref<1x4x4xf32> to memref<1x2x4xf32, strided<[16, 4, 1]>>
    linalg.copy ins(%a : memref<1x2x4xf32>) outs(%sa : memref<1x2x4xf32, strided<[16, 4, 1]>>)
    %sb = memref.subview %out[0, 2, 0] [1, 2, 4] [1, 1, 1] : memref<1x4x4xf32> to memref<1x2x4xf32, strided<[16, 4, 1], offset: 8>>
    linalg.copy ins(%b : memref<1x2x4xf32>) outs(%sb : memref<1x2x4xf32, strided<[16, 4, 1], offset: 8>>)
    return
  }
  func.func private @reshape(%x: memref<1x4x4xf32>, %y: memref<16xf32>) attributes {exec.kernel} {
    %c = memref.collapse_shape %x [[0, 1, 2]] : memref<1x4x4xf32> into memref<16xf32>
    memref.copy %c, %y : memref<16xf32> to memref<16xf32>
    return
  }
  func.func private @slice(%x: memref<1x4x4xf32>, %y: memref<1x1x4xf32>) attributes {exec.kernel} {
    %s = memref.subview %x[0, 1, 0] [1, 1, 4] [1, 1, 1] : memref<1x4x4xf32> to memref<1x1x4xf32, strided<[16, 4, 1], offset: 4>>
    linalg.copy ins(%s : memref<1x1x4xf32, strided<[16, 4, 1], offset: 4>>) outs(%y : memref<1x1x4xf32>)
    return
  }
  func.func @steed_plan(%x: memref<8xf32>, %y: memref<16xf32>) attributes {exec.plan} {
    %a = memref.alloc() : memref<1x2x4xf32>
    exec.launch @prod(%x, %a) : (memref<8xf32>, memref<1x2x4xf32>) -> ()
    %b = memref.alloc() : memref<1x2x4xf32>
    exec.launch @prod(%x, %b) : (memref<8xf32>, memref<1x2x4xf32>) -> ()
    %c = memref.alloc() : memref<1x4x4xf32>
    exec.launch @concat(%a, %b, %c) : (memref<1x2x4xf32>, memref<1x2x4xf32>, memref<1x4x4xf32>) -> ()
    %r = memref.alloc() : memref<16xf32>
    exec.launch @reshape(%c, %r) : (memref<1x4x4xf32>, memref<16xf32>) -> ()
    %s = memref.alloc() : memref<1x1x4xf32>
    exec.launch @slice(%c, %s) : (memref<1x4x4xf32>, memref<1x1x4xf32>) -> ()
    exec.launch @use(%r, %s, %y) : (memref<16xf32>, memref<1x1x4xf32>, memref<16xf32>) -> ()
    return
  }
}

// -----

// Must not alias: a Slice that is not one contiguous range (every row's
// first two columns); a Reshape into the plan's output (the caller's
// buffer); a Concat along an axis with a non-unit dimension before it.
// CHECK-LABEL: func.func @steed_plan(
// CHECK:         exec.launch @slice
// CHECK:         exec.launch @concat
// CHECK:         exec.launch @reshape
module {
  func.func @steed_plan(%x: memref<8xf32>, %y: memref<16xf32>) attributes {exec.plan} {
    %a = memref.alloc() : memref<2x2x2xf32>
    exec.launch @prod(%x, %a) : (memref<8xf32>, memref<2x2x2xf32>) -> ()
    %b = memref.alloc() : memref<2x2x2xf32>
    exec.launch @prod(%x, %b) : (memref<8xf32>, memref<2x2x2xf32>) -> ()
    %s = memref.alloc() : memref<2x2x1xf32>
    exec.launch @slice(%a, %s) : (memref<2x2x2xf32>, memref<2x2x1xf32>) -> ()
    exec.launch @use(%s) : (memref<2x2x1xf32>) -> ()
    %c = memref.alloc() : memref<2x4x2xf32>
    exec.launch @concat(%a, %b, %c) : (memref<2x2x2xf32>, memref<2x2x2xf32>, memref<2x4x2xf32>) -> ()
    exec.launch @reshape(%c, %y) : (memref<2x4x2xf32>, memref<16xf32>) -> ()
    return
  }
  func.func private @prod(%x: memref<8xf32>, %y: memref<2x2x2xf32>) attributes {exec.kernel}
  func.func private @slice(%x: memref<2x2x2xf32>, %y: memref<2x2x1xf32>) attributes {exec.kernel} {
    %s = memref.subview %x[0, 0, 0] [2, 2, 1] [1, 1, 1] : memref<2x2x2xf32> to memref<2x2x1xf32, strided<[4, 2, 1]>>
    linalg.copy ins(%s : memref<2x2x1xf32, strided<[4, 2, 1]>>) outs(%y : memref<2x2x1xf32>)
    return
  }
  func.func private @concat(%a: memref<2x2x2xf32>, %b: memref<2x2x2xf32>, %out: memref<2x4x2xf32>) attributes {exec.kernel} {
    %sa = memref.subview %out[0, 0, 0] [2, 2, 2] [1, 1, 1] : memref<2x4x2xf32> to memref<2x2x2xf32, strided<[8, 2, 1]>>
    linalg.copy ins(%a : memref<2x2x2xf32>) outs(%sa : memref<2x2x2xf32, strided<[8, 2, 1]>>)
    %sb = memref.subview %out[0, 2, 0] [2, 2, 2] [1, 1, 1] : memref<2x4x2xf32> to memref<2x2x2xf32, strided<[8, 2, 1], offset: 4>>
    linalg.copy ins(%b : memref<2x2x2xf32>) outs(%sb : memref<2x2x2xf32, strided<[8, 2, 1], offset: 4>>)
    return
  }
  func.func private @reshape(%x: memref<2x4x2xf32>, %y: memref<16xf32>) attributes {exec.kernel} {
    %c = memref.collapse_shape %x [[0, 1, 2]] : memref<2x4x2xf32> into memref<16xf32>
    memref.copy %c, %y : memref<16xf32> to memref<16xf32>
    return
  }
  func.func private @use(%a: memref<2x2x1xf32>) attributes {exec.kernel}
}

// -----

// An input copied into a slot of a local buffer only to be copied on into
// the output (bufferization's leftover of a Concat's first input) is copied
// straight into the output; the local buffer goes, so no scratch argument.
// Not when the copied value is computed in the kernel (it is not an
// argument): @k2 keeps its buffer; nor when the argument is written between
// the two copies: @k3 keeps its buffer.
// CHECK-LABEL: func.func @steed_plan(
// CHECK:       func.func private @k(%[[X:.*]]: memref<4xf32>, %[[Y:.*]]: memref<8xf32>)
// CHECK-NOT:     memref.alloc
// CHECK:         %[[D:.*]] = memref.subview %[[Y]][0] [4] [1]
// CHECK-NEXT:    linalg.copy ins(%[[X]] : memref<4xf32>) outs(%[[D]] :
// CHECK-NEXT:    return
// CHECK:       func.func private @k2(%{{.*}}: memref<4xf32>, %{{.*}}: memref<8xf32>, %{{.*}}: memref<8xf32>, %{{.*}}: memref<4xf32>)
// CHECK:         memref.copy
// CHECK:       func.func private @k3(%{{.*}}: memref<4xf32>, %{{.*}}: memref<8xf32>, %{{.*}}: memref<8xf32>)
// CHECK:         linalg.fill
// CHECK:         memref.copy
module {
  func.func @steed_plan(%x: memref<4xf32>, %y: memref<8xf32>, %z: memref<8xf32>) attributes {exec.plan} {
    exec.launch @k(%x, %y) : (memref<4xf32>, memref<8xf32>) -> ()
    exec.launch @k2(%x, %z) : (memref<4xf32>, memref<8xf32>) -> ()
    exec.launch @k3(%x, %z) : (memref<4xf32>, memref<8xf32>) -> ()
    return
  }
  func.func private @k(%x: memref<4xf32>, %y: memref<8xf32>) attributes {exec.kernel} {
    %t = memref.alloc() : memref<8xf32>
    %s = memref.subview %t[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
    linalg.copy ins(%x : memref<4xf32>) outs(%s : memref<4xf32, strided<[1]>>)
    %d = memref.subview %y[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
    memref.copy %s, %d : memref<4xf32, strided<[1]>> to memref<4xf32, strided<[1]>>
    return
  }
  func.func private @k2(%x: memref<4xf32>, %y: memref<8xf32>) attributes {exec.kernel} {
    %t = memref.alloc() : memref<8xf32>
    %u = memref.alloc() : memref<4xf32>
    linalg.copy ins(%x : memref<4xf32>) outs(%u : memref<4xf32>)
    %s = memref.subview %t[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
    linalg.copy ins(%u : memref<4xf32>) outs(%s : memref<4xf32, strided<[1]>>)
    %d = memref.subview %y[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
    memref.copy %s, %d : memref<4xf32, strided<[1]>> to memref<4xf32, strided<[1]>>
    return
  }
  func.func private @k3(%x: memref<4xf32>, %y: memref<8xf32>) attributes {exec.kernel} {
    %zero = arith.constant 0.0 : f32
    %t = memref.alloc() : memref<8xf32>
    %s = memref.subview %t[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
    linalg.copy ins(%x : memref<4xf32>) outs(%s : memref<4xf32, strided<[1]>>)
    linalg.fill ins(%zero : f32) outs(%x : memref<4xf32>)
    %d = memref.subview %y[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
    memref.copy %s, %d : memref<4xf32, strided<[1]>> to memref<4xf32, strided<[1]>>
    return
  }
}
