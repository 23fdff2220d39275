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
