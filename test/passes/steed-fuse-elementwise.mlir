// RUN: steed-opt %s --steed-fuse-elementwise --split-input-file | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// matmul + bias + relu: the two generics become one, which writes over the
// matmul's result (its only reader) instead of a fresh tensor.
// CHECK-LABEL: func.func @matmul_bias_relu
// CHECK:         %[[MM:.*]] = linalg.matmul
// CHECK:         %[[G:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<4xf32>) outs(%[[MM]] : tensor<2x4xf32>)
// CHECK:           arith.addf
// CHECK:           arith.maximumf
// CHECK-NOT:     linalg.generic
// CHECK:         exec.yield %[[G]]
func.func @matmul_bias_relu(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  %r = exec.group(%x, %w, %b) : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<2x4xf32> {
  ^bb0(%a: tensor<2x3xf32>, %v: tensor<3x4xf32>, %c: tensor<4xf32>):
    %zero = arith.constant 0.0 : f32
    %e0 = tensor.empty() : tensor<2x4xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e0 : tensor<2x4xf32>) -> tensor<2x4xf32>
    %mm = linalg.matmul ins(%a, %v : tensor<2x3xf32>, tensor<3x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
    %e1 = tensor.empty() : tensor<2x4xf32>
    %add = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
        ins(%mm, %c : tensor<2x4xf32>, tensor<4xf32>) outs(%e1 : tensor<2x4xf32>) {
    ^bb0(%i: f32, %j: f32, %o: f32):
      %s = arith.addf %i, %j : f32
      linalg.yield %s : f32
    } -> tensor<2x4xf32>
    %e2 = tensor.empty() : tensor<2x4xf32>
    %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%add : tensor<2x4xf32>) outs(%e2 : tensor<2x4xf32>) {
    ^bb0(%i: f32, %o: f32):
      %m = arith.maximumf %i, %zero : f32
      linalg.yield %m : f32
    } -> tensor<2x4xf32>
    exec.yield %relu : tensor<2x4xf32>
  }
  return %r : tensor<2x4xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// Must not fire: the producer has two readers (fusing would compute it
// twice, writing over it would clobber it), and a group input is never
// written over.
// CHECK-LABEL: func.func @multi_use_and_inputs
// CHECK:         %[[P:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2x4xf32>) outs(%{{.*}} : tensor<2x4xf32>)
// CHECK:           math.exp
// CHECK:         %[[Q:.*]] = linalg.generic {{.*}} ins(%[[P]] : tensor<2x4xf32>) outs(%{{.*}} : tensor<2x4xf32>)
// CHECK:           arith.mulf
// CHECK:         exec.yield %[[Q]], %[[P]]
func.func @multi_use_and_inputs(%x: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %r:2 = exec.group(%x) : (tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  ^bb0(%a: tensor<2x4xf32>):
    %e0 = tensor.empty() : tensor<2x4xf32>
    %p = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%a : tensor<2x4xf32>) outs(%e0 : tensor<2x4xf32>) {
    ^bb0(%i: f32, %o: f32):
      %m = math.exp %i : f32
      linalg.yield %m : f32
    } -> tensor<2x4xf32>
    %e1 = tensor.empty() : tensor<2x4xf32>
    %q = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%p : tensor<2x4xf32>) outs(%e1 : tensor<2x4xf32>) {
    ^bb0(%i: f32, %o: f32):
      %m = arith.mulf %i, %i : f32
      linalg.yield %m : f32
    } -> tensor<2x4xf32>
    exec.yield %q, %p : tensor<2x4xf32>, tensor<2x4xf32>
  }
  return %r#0, %r#1 : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d0)>
#vec = affine_map<(d0) -> (d0)>

// Must not fire: the consumer broadcasts the producer's result (a row's
// sqrt read by every element of the row); fusing would compute the sqrt
// per element instead of per row.
// CHECK-LABEL: func.func @no_broadcast_recompute
// CHECK:         %[[S:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2xf32>)
// CHECK:           math.sqrt
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %[[S]] : tensor<2x4xf32>, tensor<2xf32>)
// CHECK-NOT:       math.sqrt
// CHECK:           arith.divf
func.func @no_broadcast_recompute(%x: tensor<2x4xf32>, %v: tensor<2xf32>) -> tensor<2x4xf32> {
  %r = exec.group(%x, %v) : (tensor<2x4xf32>, tensor<2xf32>) -> tensor<2x4xf32> {
  ^bb0(%a: tensor<2x4xf32>, %b: tensor<2xf32>):
    %e0 = tensor.empty() : tensor<2xf32>
    %s = linalg.generic {indexing_maps = [#vec, #vec], iterator_types = ["parallel"]}
        ins(%b : tensor<2xf32>) outs(%e0 : tensor<2xf32>) {
    ^bb0(%i: f32, %o: f32):
      %m = math.sqrt %i : f32
      linalg.yield %m : f32
    } -> tensor<2xf32>
    %e1 = tensor.empty() : tensor<2x4xf32>
    %d = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
        ins(%a, %s : tensor<2x4xf32>, tensor<2xf32>) outs(%e1 : tensor<2x4xf32>) {
    ^bb0(%i: f32, %j: f32, %o: f32):
      %m = arith.divf %i, %j : f32
      linalg.yield %m : f32
    } -> tensor<2x4xf32>
    exec.yield %d : tensor<2x4xf32>
  }
  return %r : tensor<2x4xf32>
}
