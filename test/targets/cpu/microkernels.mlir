// RUN: steed-opt %s --steed-cpu-microkernels="isa=2" | FileCheck %s
// RUN: steed-opt %s --steed-cpu-microkernels="isa=1" | FileCheck %s --check-prefix=AVX2

// Matmul whose B is a weight passed by the plan's only launch: B is packed
// at compile time (flags = 2 AVX-512 | 8 B prepacked) into 32-column panels,
// [ceil(5/32)][3][32] = 96 floats.
// CHECK-LABEL: func.func @plan
// CHECK:       memref.global "private" constant @w_packed : memref<96xf32> = dense_resource<w_packed> {alignment = 64 : i64}
// AVX2-LABEL:  func.func @plan
// CHECK-LABEL: func.func private @k_matmul
// CHECK-NOT:   linalg.matmul
// CHECK-DAG:   %[[FLAGS:.*]] = arith.constant 10 : index
// CHECK-DAG:   %[[P:.*]] = memref.get_global @w_packed : memref<96xf32>
// CHECK:       call @steedk_sgemm(%[[FLAGS]],
// AVX2-LABEL:  func.func private @k_matmul
// AVX2:        %[[FLAGS:.*]] = arith.constant 9 : index
// AVX2:        call @steedk_sgemm(%[[FLAGS]],
func.func @plan(%x: memref<7x3xf32>, %y: memref<7x5xf32>) {
  %w = memref.get_global @w : memref<3x5xf32>
  exec.launch @k_matmul(%x, %w, %y) : (memref<7x3xf32>, memref<3x5xf32>, memref<7x5xf32>) -> ()
  return
}
memref.global "private" constant @w : memref<3x5xf32> = dense<[[1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0], [11.0, 12.0, 13.0, 14.0, 15.0]]>
func.func private @k_matmul(%a: memref<7x3xf32>, %b: memref<3x5xf32>, %c: memref<7x5xf32>) {
  linalg.matmul ins(%a, %b : memref<7x3xf32>, memref<3x5xf32>) outs(%c : memref<7x5xf32>)
  return
}

// Transposed B (Gemm transB): run-time operands, the strides swap.
// CHECK-LABEL: func.func @matmul_transposed_b
// CHECK-DAG:   %[[FLAGS:.*]] = arith.constant 2 : index
// CHECK-DAG:   %[[BUF:.*]], %[[OFF:.*]], %[[SZ:.*]]:2, %[[ST:.*]]:2 = memref.extract_strided_metadata %arg1
// CHECK-DAG:   %[[PTR:.*]] = memref.extract_aligned_pointer_as_index %arg1
// CHECK:       call @steedk_sgemm(%[[FLAGS]], {{.*}}, %[[PTR]], %[[OFF]], %{{.*}}, %[[ST]]#1, %[[ST]]#0,
func.func @matmul_transposed_b(%a: memref<4x6xf32>, %b: memref<5x6xf32>, %c: memref<4x5xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
    ins(%a, %b : memref<4x6xf32>, memref<5x6xf32>) outs(%c : memref<4x5xf32>)
  return
}

// Batch matmul over run-time operands.
// CHECK-LABEL: func.func @batch_matmul
// CHECK:       call @steedk_sgemm
func.func @batch_matmul(%a: memref<3x4x6xf32>, %b: memref<3x6x5xf32>, %c: memref<3x4x5xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x4x6xf32>, memref<3x6x5xf32>) outs(%c : memref<3x4x5xf32>)
  return
}

// Strided, dilated convolution with a constant filter read inside the
// kernel: the filter is packed into 8-row panels, [1][2*3*3][8] = 144.
// CHECK-LABEL: func.func @conv
// CHECK-DAG:   %[[FLAGS:.*]] = arith.constant 6 : index
// CHECK-DAG:   memref.get_global @f_packed : memref<144xf32>
// CHECK:       call @steedk_sconv2d(%[[FLAGS]],
memref.global "private" constant @f : memref<4x2x3x3xf32> = dense<1.0>
func.func @conv(%x: memref<1x2x9x9xf32>, %y: memref<1x4x3x3xf32>) {
  %w = memref.get_global @f : memref<4x2x3x3xf32>
  linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : memref<1x2x9x9xf32>, memref<4x2x3x3xf32>) outs(%y : memref<1x4x3x3xf32>)
  return
}

// Must not fire: f64, dynamic shapes, a column-strided result.
// CHECK-LABEL: func.func @no_rewrite
// CHECK-NOT:   call @steedk
// CHECK:       linalg.matmul
// CHECK:       linalg.matmul
// CHECK:       linalg.matmul
// CHECK-NOT:   call @steedk
// CHECK:       return
func.func @no_rewrite(%a: memref<4x6xf64>, %b: memref<6x5xf64>, %c: memref<4x5xf64>,
                      %d: memref<?x6xf32>, %e: memref<6x5xf32>, %f: memref<?x5xf32>,
                      %g: memref<4x6xf32>, %h: memref<4x5xf32, strided<[1, 4]>>) {
  linalg.matmul ins(%a, %b : memref<4x6xf64>, memref<6x5xf64>) outs(%c : memref<4x5xf64>)
  linalg.matmul ins(%d, %e : memref<?x6xf32>, memref<6x5xf32>) outs(%f : memref<?x5xf32>)
  linalg.matmul ins(%g, %e : memref<4x6xf32>, memref<6x5xf32>) outs(%h : memref<4x5xf32, strided<[1, 4]>>)
  return
}

// After steed-lower-launches: the plan and the kernels it calls get the
// kernel context (for the thread pool) as a new last index argument, which
// ends up as the library call's last operand.
// CHECK-LABEL: func.func @steed_plan(
// CHECK-SAME:    %{{.*}}: memref<16x8xf32>, %{{.*}}: memref<8x16xf32>, %{{.*}}: memref<16x16xf32>, %[[KC:[a-z0-9]+]]: index {exec.kernel_context})
// CHECK:       call @k_mm(%{{.*}}, %{{.*}}, %{{.*}}, %[[KC]])
// CHECK-LABEL: func.func private @k_mm(
// CHECK-SAME:    %[[KKC:[a-z0-9]+]]: index {exec.kernel_context})
// CHECK:       call @steedk_sgemm({{.*}}, %[[KKC]])
func.func @steed_plan(%a: memref<16x8xf32>, %b: memref<8x16xf32>, %c: memref<16x16xf32>) attributes {exec.plan} {
  call @k_mm(%a, %b, %c) : (memref<16x8xf32>, memref<8x16xf32>, memref<16x16xf32>) -> ()
  return
}
func.func private @k_mm(%a: memref<16x8xf32>, %b: memref<8x16xf32>, %c: memref<16x16xf32>) {
  linalg.matmul ins(%a, %b : memref<16x8xf32>, memref<8x16xf32>) outs(%c : memref<16x16xf32>)
  return
}
