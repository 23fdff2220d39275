// RUN: steed-opt %s --steed-cpu-parallelize-loops | FileCheck %s
// RUN: steed-opt %s --steed-cpu-parallelize-loops="min-work=1000000" | FileCheck %s --check-prefix=HIGH

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#red3 = affine_map<(d0, d1, d2) -> (d0, d1)>

// A big elementwise kernel called from the plan: the plan and the kernel get
// the kernel context as a new last argument, the 64 rows are split over the
// pool, the body rebuilds %x and %y from two index slots and clones the
// constant it uses.
// CHECK-LABEL: func.func private @steedk_parallel(index, index, (index, index, index) -> (), index)
// CHECK-LABEL: func.func @plan
// CHECK-SAME:    %[[PKC:[a-z0-9]+]]: index) attributes {exec.plan}
// CHECK:       call @k_add(%{{.*}}, %{{.*}}, %[[PKC]])
// CHECK-LABEL: func.func private @k_add
// CHECK-SAME:    %[[X:[a-z0-9]+]]: memref<64x1024xf32>, %[[Y:[a-z0-9]+]]: memref<64x1024xf32>, %[[KC:[a-z0-9]+]]: index)
// CHECK:       %[[SLOTS:.*]] = memref.alloca() : memref<2xindex>
// CHECK-NOT:   linalg.generic
// CHECK:       %[[XP:.*]] = memref.extract_aligned_pointer_as_index %[[X]]
// CHECK:       memref.store %[[XP]], %[[SLOTS]]
// CHECK:       %[[YP:.*]] = memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK:       memref.store %[[YP]], %[[SLOTS]]
// CHECK:       %[[ARGS:.*]] = memref.extract_aligned_pointer_as_index %[[SLOTS]]
// CHECK:       %[[FN:.*]] = constant @k_add_par0 : (index, index, index) -> ()
// CHECK:       %[[N:.*]] = arith.constant 64 : index
// CHECK:       call @steedk_parallel(%[[KC]], %[[N]], %[[FN]], %[[ARGS]])
// CHECK-LABEL: func.func private @k_add_par0
// CHECK-SAME:    (%[[A:.*]]: index, %[[BEGIN:.*]]: index, %[[END:.*]]: index)
// CHECK:       llvm.inttoptr
// CHECK:       builtin.unrealized_conversion_cast %{{.*}} to memref<2xindex>
// CHECK:       builtin.unrealized_conversion_cast %{{.*}} to memref<64x1024xf32>
// CHECK:       builtin.unrealized_conversion_cast %{{.*}} to memref<64x1024xf32>
// CHECK:       arith.constant 2.000000e+00 : f32
// CHECK:       scf.for %[[I:.*]] = %[[BEGIN]] to %[[END]]
// CHECK:         %[[XS:.*]] = memref.subview %{{.*}}[%[[I]], 0] [1, 1024] [1, 1]
// CHECK:         %[[YS:.*]] = memref.subview %{{.*}}[%[[I]], 0] [1, 1024] [1, 1]
// CHECK:         linalg.generic {{.*}} ins(%[[XS]] : {{.*}}) outs(%[[YS]] : {{.*}})
// CHECK:           arith.addf
// The marker of the context argument does not survive the pass.
// CHECK-NOT:   exec.kernel_context
// HIGH-LABEL:  func.func private @k_add
// HIGH:        linalg.generic
// HIGH-NOT:    steedk_parallel
func.func @plan(%x: memref<64x1024xf32>, %y: memref<64x1024xf32>) attributes {exec.plan} {
  call @k_add(%x, %y) : (memref<64x1024xf32>, memref<64x1024xf32>) -> ()
  return
}
func.func private @k_add(%x: memref<64x1024xf32>, %y: memref<64x1024xf32>) {
  %c = arith.constant 2.0 : f32
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<64x1024xf32>) outs(%y : memref<64x1024xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  }
  return
}

// A context argument marked by steed-cpu-microkernels is reused; the outer
// dimensions 1 x 4 x 32 are linearized until there are 64 tasks (128); the
// body runs the op on 1x1x512 / 1x1 subviews (later passes lower it). A strided (subview) operand
// travels with its pointer only (static layout).
// CHECK-LABEL: func.func @reduce_rows
// CHECK-SAME:    %[[KC:[a-z0-9]+]]: index)
// CHECK-NOT:   linalg.generic
// CHECK:       %[[N:.*]] = arith.constant 128 : index
// CHECK:       call @steedk_parallel(%[[KC]], %[[N]],
// CHECK-LABEL: func.func private @reduce_rows_par0
// CHECK:       scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step
// CHECK:         %[[C:.*]] = arith.remui %[[T]]
// CHECK:         %[[B:.*]] = arith.divui %[[T]]
// CHECK:         memref.subview %{{.*}}[%[[B]], %[[C]], 0] [1, 1, 512] [1, 1, 1]
// CHECK:         memref.subview %{{.*}}[%[[B]], %[[C]]] [1, 1] [1, 1]
// CHECK:         linalg.generic
// CHECK:           arith.maximumf
func.func @reduce_rows(%x: memref<1x4x32x512xf32>, %y: memref<4x32xf32, strided<[64, 1], offset: 8>>, %kc: index {exec.kernel_context}) {
  %x3 = memref.collapse_shape %x [[0, 1], [2], [3]] : memref<1x4x32x512xf32> into memref<4x32x512xf32>
  linalg.generic {indexing_maps = [#id3, #red3], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x3 : memref<4x32x512xf32>) outs(%y : memref<4x32xf32, strided<[64, 1], offset: 8>>) {
  ^bb0(%a: f32, %b: f32):
    %m = arith.maximumf %a, %b : f32
    linalg.yield %m : f32
  }
  return
}

// Not split: too small, reduction first, too small per image (a dynamic
// extent counts as 1), a non-constant scalar from above.
// CHECK-LABEL: func.func @small
// CHECK:       linalg.generic
// CHECK-NOT:   steedk_parallel
func.func @small(%x: memref<8x8xf32>, %y: memref<8x8xf32>) {
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<8x8xf32>) outs(%y : memref<8x8xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  }
  return
}
// CHECK-LABEL: func.func @reduction_first
// CHECK:       linalg.generic
// CHECK-NOT:   steedk_parallel
func.func @reduction_first(%x: memref<512x512xf32>, %y: memref<512xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                  iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<512x512xf32>) outs(%y : memref<512xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}
// CHECK-LABEL: func.func @dynamic_small
// CHECK:       linalg.generic
// CHECK-NOT:   steedk_parallel
func.func @dynamic_small(%x: memref<?x1024xf32>, %y: memref<?x1024xf32>) {
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<?x1024xf32>) outs(%y : memref<?x1024xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  }
  return
}
// A "parallel" loop that does not index the output (chunks would write the
// same elements).
// CHECK-LABEL: func.func @output_not_indexed
// CHECK:       linalg.generic
// CHECK-NOT:   steedk_parallel
func.func @output_not_indexed(%x: memref<256x256xf32>, %y: memref<256xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<256x256xf32>) outs(%y : memref<256xf32>) {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %a : f32
  }
  return
}
// CHECK-LABEL: func.func @scalar_from_above
// CHECK:       linalg.generic
// CHECK-NOT:   steedk_parallel
func.func @scalar_from_above(%x: memref<256x256xf32>, %y: memref<256x256xf32>, %s: f32) {
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<256x256xf32>) outs(%y : memref<256x256xf32>) {
  ^bb0(%a: f32, %b: f32):
    %r = arith.mulf %a, %s : f32
    linalg.yield %r : f32
  }
  return
}

// A dynamic batch: the work per image (64x32x32) is enough; the batch and
// the channels are split (n = batch * 64 at run time); the batch size and
// the dynamic sizes of the memrefs travel in the slots.
// CHECK-LABEL: func.func @dynamic_batch
// CHECK-SAME:    (%[[X:[a-z0-9]+]]: memref<?x64x32x32xf32>, %{{.*}}: memref<?x64x32x32xf32>, %[[KC:[a-z0-9]+]]: index)
// CHECK:       %[[SLOTS:.*]] = memref.alloca() : memref<5xindex>
// CHECK:       %[[B:.*]] = memref.dim %[[X]], %c0
// CHECK-NOT:   linalg.generic
// CHECK:       %[[C64:.*]] = arith.constant 64 : index
// CHECK:       memref.store %[[B]], %[[SLOTS]]
// CHECK:       %[[N:.*]] = arith.muli %[[B]], %[[C64]] : index
// CHECK:       call @steedk_parallel(%[[KC]], %[[N]],
// CHECK-LABEL: func.func private @dynamic_batch_par0
// CHECK:       builtin.unrealized_conversion_cast %{{.*}} to memref<?x64x32x32xf32>
// CHECK:       builtin.unrealized_conversion_cast %{{.*}} to memref<?x64x32x32xf32>
// CHECK:       scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step
// CHECK:         %[[C:.*]] = arith.remui %[[T]]
// CHECK:         %[[B:.*]] = arith.divui %[[T]]
// CHECK:         memref.subview %{{.*}}[%[[B]], %[[C]], 0, 0] [1, 1, 32, 32] [1, 1, 1, 1]
// CHECK:         linalg.generic
// CHECK:           math.tanh
func.func @dynamic_batch(%x: memref<?x64x32x32xf32>, %y: memref<?x64x32x32xf32>, %kc: index {exec.kernel_context}) {
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<?x64x32x32xf32>) outs(%y : memref<?x64x32x32xf32>) {
  ^bb0(%a: f32, %b: f32):
    %r = math.tanh %a : f32
    linalg.yield %r : f32
  }
  return
}
