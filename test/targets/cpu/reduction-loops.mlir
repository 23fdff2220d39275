// RUN: steed-opt %s --pass-pipeline="builtin.module(func.func(steed-cpu-reduction-loops))" | FileCheck %s

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// Row sum: the accumulator is an iter_arg of the reduction loop, loaded
// once and stored once per row; the add may be reassociated.
// CHECK-LABEL: func.func @row_sum
// CHECK-NOT:   linalg.generic
// CHECK:       scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK:         %[[INIT:.*]] = memref.load %[[S:.*]][%[[I]]] : memref<8xf32>
// CHECK:         %[[SUM:.*]] = scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32)
// CHECK:           %[[V:.*]] = memref.load %{{.*}}[%[[I]], %[[J]]] : memref<8x128xf32>
// CHECK:           %[[E:.*]] = math.exp %[[V]] : f32
// CHECK:           %[[N:.*]] = arith.addf %[[ACC]], %[[E]] fastmath<reassoc> : f32
// CHECK:           scf.yield %[[N]] : f32
// CHECK:         memref.store %[[SUM]], %[[S]][%[[I]]] : memref<8xf32>
func.func @row_sum(%x: memref<8x128xf32>, %s: memref<8xf32>) {
  linalg.generic {indexing_maps = [#id2, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<8x128xf32>) outs(%s : memref<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    %a = arith.addf %out, %e : f32
    linalg.yield %a : f32
  }
  return
}

// Two reduction loops, a broadcast input (constant index), max combiner
// keeps its own flags, a scalar (non-memref) input, no parallel loop.
// CHECK-LABEL: func.func @max_all
// CHECK:       %[[INIT:.*]] = memref.load %{{.*}}[] : memref<f32>
// CHECK:       scf.for %[[I:.*]] = {{.*}} iter_args(%[[A0:.*]] = %[[INIT]]) -> (f32)
// CHECK:         scf.for %[[J:.*]] = {{.*}} iter_args(%[[A1:.*]] = %[[A0]]) -> (f32)
// CHECK:           memref.load %{{.*}}[%[[I]], %[[J]]] : memref<4x6xf32>
// CHECK:           %[[C0:.*]] = arith.constant 0 : index
// CHECK:           memref.load %{{.*}}[%[[I]], %[[C0]]] : memref<4x1xf32>
// CHECK:           arith.maximumf %[[A1]], %{{.*}} fastmath<reassoc,nnan> : f32
// CHECK:       memref.store
func.func @max_all(%x: memref<4x6xf32>, %b: memref<4x1xf32>, %k: f32, %m: memref<f32>) {
  linalg.generic {indexing_maps = [#id2, affine_map<(d0, d1) -> (d0, 0)>,
                                   affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> ()>],
                  iterator_types = ["reduction", "reduction"]}
      ins(%x, %b, %k : memref<4x6xf32>, memref<4x1xf32>, f32) outs(%m : memref<f32>) {
  ^bb0(%in: f32, %in_b: f32, %in_k: f32, %out: f32):
    %d = arith.subf %in, %in_b : f32
    %s = arith.mulf %d, %in_k : f32
    %a = arith.maximumf %out, %s fastmath<nnan> : f32
    linalg.yield %a : f32
  }
  return
}

// GlobalAveragePool: the window map (d2 + d4, d3 + d5) over a 1x1 output
// and a strided (channel-range) view whose H and W are contiguous: the two
// reduction loops become one over H*W on collapsed views (LLVM vectorizes a
// long contiguous loop; two short nested ones it vectorizes with gathers).
// CHECK-LABEL: func.func @gap_flat
// CHECK-DAG:   %[[X:.*]] = memref.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3]] : memref<1x?x56x56xf32, strided<[200704, 3136, 56, 1], offset: ?>> into memref<1x?x3136xf32, strided<[200704, 3136, 1], offset: ?>>
// CHECK-DAG:   %[[W:.*]] = memref.collapse_shape %{{.*}} {{\[}}[0, 1]] : memref<56x56xf32> into memref<3136xf32>
// CHECK-DAG:   %[[N:.*]] = arith.constant 3136 : index
// CHECK:       scf.for
// CHECK:         scf.for %[[R:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args
// CHECK:           memref.load %[[X]][%{{.*}}, %{{.*}}, %[[R]]]
// CHECK-NOT:   scf.for
func.func @gap_flat(%x: memref<1x?x56x56xf32, strided<[200704, 3136, 56, 1], offset: ?>>,
                    %w: memref<56x56xf32>, %s: memref<1x?x1x1xf32, strided<[64, 1, 1, 1], offset: ?>>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>,
                                   affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>,
                                   affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : memref<1x?x56x56xf32, strided<[200704, 3136, 56, 1], offset: ?>>, memref<56x56xf32>)
      outs(%s : memref<1x?x1x1xf32, strided<[64, 1, 1, 1], offset: ?>>) {
  ^bb0(%in: f32, %in_w: f32, %out: f32):
    %a = arith.addf %out, %in : f32
    linalg.yield %a : f32
  }
  return
}

// Flattened, with an input indexed by an expression of a parallel loop
// only: it keeps its own map (affine.apply of the outer index).
// CHECK-LABEL: func.func @flat_parallel_expr
// CHECK:       %[[X:.*]] = memref.collapse_shape %{{.*}} {{\[}}[0], [1, 2]] : memref<4x8x6xf32> into memref<4x48xf32>
// CHECK:       scf.for %[[I:.*]] =
// CHECK:         %[[R:.*]] = scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK-DAG:       memref.load %[[X]][%[[I]], %[[K]]]
// CHECK-DAG:       %[[J:.*]] = affine.apply #{{.*}}(%[[I]], %{{.*}}, %{{.*}})
// CHECK-DAG:       memref.load %{{.*}}[%[[J]]] : memref<8xf32>
// CHECK:           arith.addf
func.func @flat_parallel_expr(%x: memref<4x8x6xf32>, %b: memref<8xf32>, %s: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>,
                                   affine_map<(d0, d1, d2) -> (d0 * 2)>,
                                   affine_map<(d0, d1, d2) -> (d0)>],
                  iterator_types = ["parallel", "reduction", "reduction"]}
      ins(%x, %b : memref<4x8x6xf32>, memref<8xf32>) outs(%s : memref<4xf32>) {
  ^bb0(%in: f32, %in_b: f32, %out: f32):
    %m = arith.mulf %in, %in_b : f32
    %a = arith.addf %out, %m : f32
    linalg.yield %a : f32
  }
  return
}

// Not flattened: the reduction dimensions are the input's last two in the
// other order (a transposed read), so the loops stay nested.
// CHECK-LABEL: func.func @no_flat_transposed
// CHECK-NOT:   memref.collapse_shape
// CHECK:       scf.for
// CHECK:         scf.for {{.*}} iter_args
// CHECK:           scf.for {{.*}} iter_args
func.func @no_flat_transposed(%x: memref<4x8x6xf32>, %s: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2, d1)>, affine_map<(d0, d1, d2) -> (d0)>],
                  iterator_types = ["parallel", "reduction", "reduction"]}
      ins(%x : memref<4x8x6xf32>) outs(%s : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %out, %in : f32
    linalg.yield %a : f32
  }
  return
}

// linalg.index becomes the loop's induction variable.
// CHECK-LABEL: func.func @argmax_like
// CHECK:       scf.for %[[I:.*]] =
// CHECK:         scf.for %[[J:.*]] = {{.*}} iter_args
// CHECK:           arith.index_cast %[[J]] : index to i64
// CHECK-NOT:       linalg.index
func.func @argmax_like(%x: memref<8x16xf32>, %s: memref<8xi64>) {
  linalg.generic {indexing_maps = [#id2, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<8x16xf32>) outs(%s : memref<8xi64>) {
  ^bb0(%in: f32, %out: i64):
    %j = linalg.index 1 : index
    %ji = arith.index_cast %j : index to i64
    %a = arith.maxsi %out, %ji : i64
    linalg.yield %a : i64
  }
  return
}

// Named ops too: a depthwise convolution (reductions kh, kw innermost).
// CHECK-LABEL: func.func @depthwise
// CHECK-NOT:   linalg.depthwise_conv_2d_nchw_chw
// Parallel loops in the output's order (n, c, oh, ow: ow innermost).
// CHECK:       scf.for %[[N:[a-z0-9]+]] =
// CHECK:       scf.for %[[C:[a-z0-9]+]] =
// CHECK:       scf.for %[[OH:[a-z0-9]+]] =
// CHECK:       scf.for %[[OW:[a-z0-9]+]] =
// CHECK:       %[[INIT:.*]] = memref.load %{{.*}}[%[[N]], %[[C]], %[[OH]], %[[OW]]] : memref<1x8x6x6xf32>
// CHECK:       scf.for {{.*}} iter_args(%[[A0:.*]] = %[[INIT]]) -> (f32)
// CHECK:         scf.for {{.*}} iter_args(%[[A1:.*]] = %[[A0]]) -> (f32)
// CHECK:           %[[P:.*]] = arith.mulf
// CHECK:           arith.addf %[[A1]], %[[P]] fastmath<reassoc> : f32
// CHECK:       memref.store
func.func @depthwise(%x: memref<1x8x8x8xf32>, %w: memref<8x3x3xf32>, %y: memref<1x8x6x6xf32>) {
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : memref<1x8x8x8xf32>, memref<8x3x3xf32>) outs(%y : memref<1x8x6x6xf32>)
  return
}

// Must not fire: a reduction loop outside a parallel one, an output indexed
// by the reduction dimension, a purely parallel generic, tensors.
// CHECK-LABEL: func.func @keep
// CHECK-COUNT-3: linalg.generic
// CHECK:       return
func.func @keep(%x: memref<8x128xf32>, %c: memref<128xf32>, %y: memref<8x128xf32>) {
  linalg.generic {indexing_maps = [#id2, affine_map<(d0, d1) -> (d1)>],
                  iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<8x128xf32>) outs(%c : memref<128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %out, %in : f32
    linalg.yield %a : f32
  }
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<8x128xf32>) outs(%y : memref<8x128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %out, %in : f32
    linalg.yield %a : f32
  }
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<8x128xf32>) outs(%y : memref<8x128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %out, %in : f32
    linalg.yield %a : f32
  }
  return
}

// CHECK-LABEL: func.func @keep_tensor
// CHECK:       linalg.generic
func.func @keep_tensor(%x: tensor<8x128xf32>, %s: tensor<8xf32>) -> tensor<8xf32> {
  %r = linalg.generic {indexing_maps = [#id2, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<8x128xf32>) outs(%s : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %out, %in : f32
    linalg.yield %a : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}
