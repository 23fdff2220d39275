// RUN: steed-opt %s --steed-cpu-microkernels="isa=2" | FileCheck %s
// RUN: steed-opt %s --steed-cpu-microkernels="isa=1" | FileCheck %s --check-prefix=AVX2
// RUN: steed-opt %s --steed-cpu-microkernels="isa=2 winograd=0" | FileCheck %s --check-prefix=NOWINO

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

// The input's zero padding (fill 0, copy into the interior) is read in
// place: the call gets the unpadded input, its 6x6 size and the top/left
// pads 1, 2; the fill and the copy go. Not with a nonzero fill.
// CHECK-LABEL: func.func @conv_pad
// CHECK-NOT:   linalg.fill
// CHECK-NOT:   linalg.copy
// CHECK:       %[[XP:.*]] = memref.extract_aligned_pointer_as_index %arg0
// CHECK:       call @steedk_sconv2d(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %[[XP]], %{{[^,]*}}, %{{[^,]*}}, %c6{{[_0-9]*}}, %c6{{[_0-9]*}},
// CHECK-SAME:    %c7{{[_0-9]*}}, %c8{{[_0-9]*}}, %c1{{[_0-9]*}}, %c1{{[_0-9]*}}, %c1{{[_0-9]*}}, %c1{{[_0-9]*}}, %c1{{[_0-9]*}}, %c2{{[_0-9]*}},
// CHECK:       linalg.fill
// CHECK:       linalg.copy
// CHECK:       call @steedk_sconv2d(
func.func @conv_pad(%x: memref<1x2x6x6xf32>, %w: memref<4x2x3x3xf32>, %xp: memref<1x2x9x10xf32>,
                    %y: memref<1x4x7x8xf32>, %xq: memref<1x2x9x10xf32>, %y2: memref<1x4x7x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%zero : f32) outs(%xp : memref<1x2x9x10xf32>)
  %sub = memref.subview %xp[0, 0, 1, 2] [1, 2, 6, 6] [1, 1, 1, 1] : memref<1x2x9x10xf32> to memref<1x2x6x6xf32, strided<[180, 90, 10, 1], offset: 12>>
  linalg.copy ins(%x : memref<1x2x6x6xf32>) outs(%sub : memref<1x2x6x6xf32, strided<[180, 90, 10, 1], offset: 12>>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%xp, %w : memref<1x2x9x10xf32>, memref<4x2x3x3xf32>) outs(%y : memref<1x4x7x8xf32>)
  linalg.fill ins(%one : f32) outs(%xq : memref<1x2x9x10xf32>)
  %sub2 = memref.subview %xq[0, 0, 1, 2] [1, 2, 6, 6] [1, 1, 1, 1] : memref<1x2x9x10xf32> to memref<1x2x6x6xf32, strided<[180, 90, 10, 1], offset: 12>>
  linalg.copy ins(%x : memref<1x2x6x6xf32>) outs(%sub2 : memref<1x2x6x6xf32, strided<[180, 90, 10, 1], offset: 12>>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%xq, %w : memref<1x2x9x10xf32>, memref<4x2x3x3xf32>) outs(%y2 : memref<1x4x7x8xf32>)
  return
}

// A "same" stride-1 convolution with >= 16 channels (the padding read in
// place) gets its filter prepacked tap-major, for the library to read the
// input tap by tap (flags 2054 = 2048 tap-major | 4 A prepacked | 2
// AVX-512); not with 8 channels (6), nor for AVX2 (5).
// CHECK-LABEL: func.func @conv_tap_major
// CHECK:       %[[TAP:.*]] = arith.constant 2054 : index
// CHECK:       call @steedk_sconv2d(%[[TAP]],
// CHECK:       %[[NOTAP:.*]] = arith.constant 6 : index
// CHECK:       call @steedk_sconv2d(%[[NOTAP]],
// AVX2-LABEL:  func.func @conv_tap_major
// AVX2:        %[[FLAGS:.*]] = arith.constant 5 : index
// AVX2:        call @steedk_sconv2d(%[[FLAGS]],
memref.global "private" constant @f16 : memref<4x16x3x3xf32> = dense<1.0>
memref.global "private" constant @f8 : memref<4x8x3x3xf32> = dense<1.0>
func.func @conv_tap_major(%x: memref<1x16x6x6xf32>, %xp: memref<1x16x8x8xf32>, %y: memref<1x4x6x6xf32>,
                          %x8: memref<1x8x6x6xf32>, %xp8: memref<1x8x8x8xf32>, %y8: memref<1x4x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = memref.get_global @f16 : memref<4x16x3x3xf32>
  linalg.fill ins(%zero : f32) outs(%xp : memref<1x16x8x8xf32>)
  %sub = memref.subview %xp[0, 0, 1, 1] [1, 16, 6, 6] [1, 1, 1, 1] : memref<1x16x8x8xf32> to memref<1x16x6x6xf32, strided<[1024, 64, 8, 1], offset: 9>>
  linalg.copy ins(%x : memref<1x16x6x6xf32>) outs(%sub : memref<1x16x6x6xf32, strided<[1024, 64, 8, 1], offset: 9>>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%xp, %w : memref<1x16x8x8xf32>, memref<4x16x3x3xf32>) outs(%y : memref<1x4x6x6xf32>)
  %w8 = memref.get_global @f8 : memref<4x8x3x3xf32>
  linalg.fill ins(%zero : f32) outs(%xp8 : memref<1x8x8x8xf32>)
  %sub8 = memref.subview %xp8[0, 0, 1, 1] [1, 8, 6, 6] [1, 1, 1, 1] : memref<1x8x8x8xf32> to memref<1x8x6x6xf32, strided<[512, 64, 8, 1], offset: 9>>
  linalg.copy ins(%x8 : memref<1x8x6x6xf32>) outs(%sub8 : memref<1x8x6x6xf32, strided<[512, 64, 8, 1], offset: 9>>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%xp8, %w8 : memref<1x8x8x8xf32>, memref<4x8x3x3xf32>) outs(%y8 : memref<1x4x6x6xf32>)
  return
}

// A "same" 3x3 stride-1 convolution with 16 channels over 24x26 (156 2x2
// tiles) runs as Winograd F(2x2, 3x3): flags 2 | 4 A prepacked | 4096, the
// filter stored as its 16 transforms, [16][ceil(4/8) * 8][16] floats. Not
// at 12x12 (36 tiles: tap-major, 2054), not with winograd=0, not for AVX2.
// CHECK-LABEL: func.func @conv_winograd
// CHECK-DAG:   memref.get_global @{{.*}} : memref<2048xf32>
// CHECK-DAG:   %[[WINO:.*]] = arith.constant 4102 : index
// CHECK:       call @steedk_sconv2d(%[[WINO]],
// CHECK:       %[[TAP:.*]] = arith.constant 2054 : index
// CHECK:       call @steedk_sconv2d(%[[TAP]],
// NOWINO-LABEL: func.func @conv_winograd
// NOWINO-NOT:  arith.constant 4102
// NOWINO:      arith.constant 2054 : index
// NOWINO:      call @steedk_sconv2d(
// NOWINO:      call @steedk_sconv2d(
// AVX2-LABEL:  func.func @conv_winograd
// AVX2-NOT:    arith.constant 4101
// AVX2:        call @steedk_sconv2d(
memref.global "private" constant @fw : memref<4x16x3x3xf32> = dense<1.0>
memref.global "private" constant @fw2 : memref<4x16x3x3xf32> = dense<2.0>
func.func @conv_winograd(%x: memref<1x16x24x26xf32>, %xp: memref<1x16x26x28xf32>, %y: memref<1x4x24x26xf32>,
                         %s: memref<1x16x12x12xf32>, %sp: memref<1x16x14x14xf32>, %sy: memref<1x4x12x12xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = memref.get_global @fw : memref<4x16x3x3xf32>
  linalg.fill ins(%zero : f32) outs(%xp : memref<1x16x26x28xf32>)
  %sub = memref.subview %xp[0, 0, 1, 1] [1, 16, 24, 26] [1, 1, 1, 1] : memref<1x16x26x28xf32> to memref<1x16x24x26xf32, strided<[11648, 728, 28, 1], offset: 29>>
  linalg.copy ins(%x : memref<1x16x24x26xf32>) outs(%sub : memref<1x16x24x26xf32, strided<[11648, 728, 28, 1], offset: 29>>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%xp, %w : memref<1x16x26x28xf32>, memref<4x16x3x3xf32>) outs(%y : memref<1x4x24x26xf32>)
  %w2 = memref.get_global @fw2 : memref<4x16x3x3xf32>
  linalg.fill ins(%zero : f32) outs(%sp : memref<1x16x14x14xf32>)
  %ssub = memref.subview %sp[0, 0, 1, 1] [1, 16, 12, 12] [1, 1, 1, 1] : memref<1x16x14x14xf32> to memref<1x16x12x12xf32, strided<[3136, 196, 14, 1], offset: 15>>
  linalg.copy ins(%s : memref<1x16x12x12xf32>) outs(%ssub : memref<1x16x12x12xf32, strided<[3136, 196, 14, 1], offset: 15>>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%sp, %w2 : memref<1x16x14x14xf32>, memref<4x16x3x3xf32>) outs(%sy : memref<1x4x12x12xf32>)
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

// Epilogue folding. resnet's conv + bias + Add + ReLU kernel: the bias
// broadcast into y goes away (flags 2 | 16 C_INIT | 32 BIAS_ROW), and so
// does the in-place generic (| 128 RESIDUAL | 256 ACT_MIN with lo = 0):
// 434. The call gets the bias and the residual (pointer, offset) and the
// bounds' f32 bit patterns.
// CHECK-LABEL: func.func @conv_bias_add_relu
// CHECK-NOT:   linalg.generic
// CHECK-DAG:   %[[FLAGS:.*]] = arith.constant 434 : index
// CHECK-DAG:   %[[BP:.*]] = memref.extract_aligned_pointer_as_index %arg2
// CHECK-DAG:   %[[RP:.*]] = memref.extract_aligned_pointer_as_index %arg3
// CHECK:       call @steedk_sconv2d(%[[FLAGS]], {{.*}}, %[[BP]], %{{.*}}, %[[RP]], %{{.*}}, %c0_{{[0-9]+}}, %c0_{{[0-9]+}}, %{{[a-z0-9_]+}})
// CHECK-NOT:   linalg.generic
// CHECK:       return
func.func @conv_bias_add_relu(%x: memref<1x8x10x10xf32>, %w: memref<16x8x3x3xf32>, %bias: memref<16xf32>,
                              %r: memref<1x16x8x8xf32>, %y: memref<1x16x8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%bias : memref<16xf32>) outs(%y : memref<1x16x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x8x10x10xf32>, memref<16x8x3x3xf32>) outs(%y : memref<1x16x8x8xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%r : memref<1x16x8x8xf32>) outs(%y : memref<1x16x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  }
  return
}

// Matmul into a zero-filled C followed by Clip's lowering (ReLU6): flags
// 2 | 16 | 256 | 512 = 786, lo = 0.0 (0), hi = 6.0 (0x40C00000).
// CHECK-LABEL: func.func @matmul_zero_clip
// CHECK-NOT:   linalg.fill
// CHECK-DAG:   %[[FLAGS:.*]] = arith.constant 786 : index
// CHECK-DAG:   %[[HI:.*]] = arith.constant 1086324736 : index
// CHECK:       call @steedk_sgemm(%[[FLAGS]], {{.*}}, %[[HI]], %{{.*}})
// CHECK-NOT:   linalg.generic
// CHECK:       return
func.func @matmul_zero_clip(%a: memref<9x20xf32>, %b: memref<20x40xf32>, %c: memref<9x40xf32>) {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<9x40xf32>)
  linalg.matmul ins(%a, %b : memref<9x20xf32>, memref<20x40xf32>) outs(%c : memref<9x40xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    outs(%c : memref<9x40xf32>) {
  ^bb0(%out: f32):
    %0 = arith.cmpf olt, %out, %zero : f32
    %1 = arith.select %0, %zero, %out : f32
    %2 = arith.cmpf ogt, %1, %six : f32
    %3 = arith.select %2, %six, %1 : f32
    linalg.yield %3 : f32
  }
  return
}

// Gemm's bias broadcast along the columns: flags 2 | 16 | 64 BIAS_COL = 82;
// along the rows of a batch matmul: 2 | 16 | 32 = 50.
// CHECK-LABEL: func.func @matmul_bias
// CHECK-NOT:   linalg.generic
// CHECK:       %[[F1:.*]] = arith.constant 82 : index
// CHECK:       call @steedk_sgemm(%[[F1]],
// CHECK:       %[[F2:.*]] = arith.constant 50 : index
// CHECK:       call @steedk_sgemm(%[[F2]],
// CHECK-NOT:   linalg.generic
// CHECK:       return
func.func @matmul_bias(%a: memref<9x20xf32>, %b: memref<20x40xf32>, %bias: memref<40xf32>, %c: memref<9x40xf32>,
                       %ba: memref<2x9x20xf32>, %bb: memref<2x20x40xf32>, %rbias: memref<9xf32>, %bc: memref<2x9x40xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%bias : memref<40xf32>) outs(%c : memref<9x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.matmul ins(%a, %b : memref<9x20xf32>, memref<20x40xf32>) outs(%c : memref<9x40xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, i, j) -> (i)>, affine_map<(n, i, j) -> (n, i, j)>],
                  iterator_types = ["parallel", "parallel", "parallel"]}
    ins(%rbias : memref<9xf32>) outs(%bc : memref<2x9x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.batch_matmul ins(%ba, %bb : memref<2x9x20xf32>, memref<2x20x40xf32>) outs(%bc : memref<2x9x40xf32>)
  return
}

// SiLU as Sigmoid + Mul lower it, x * (1 / (1 + exp(0 - x))), after a
// bias: flags 2 | 16 | 32 | 1024 SILU = 1074. With a bias broadcast along
// the columns of a matmul and a clamp after it: 2 | 16 | 64 | 1024 | 512 =
// 1618.
// CHECK-LABEL: func.func @conv_bias_silu
// CHECK-NOT:   linalg.generic
// CHECK-NOT:   math.exp
// CHECK:       %[[FLAGS:.*]] = arith.constant 1074 : index
// CHECK:       call @steedk_sconv2d(%[[FLAGS]],
// CHECK:       %[[F2:.*]] = arith.constant 1618 : index
// CHECK:       call @steedk_sgemm(%[[F2]],
// CHECK-NOT:   linalg.generic
// CHECK:       return
func.func @conv_bias_silu(%x: memref<1x8x10x10xf32>, %w: memref<16x8x3x3xf32>, %bias: memref<16xf32>,
                          %y: memref<1x16x8x8xf32>, %a: memref<9x20xf32>, %b: memref<20x40xf32>,
                          %cbias: memref<40xf32>, %c: memref<9x40xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %six = arith.constant 6.0 : f32
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%bias : memref<16xf32>) outs(%y : memref<1x16x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x8x10x10xf32>, memref<16x8x3x3xf32>) outs(%y : memref<1x16x8x8xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    outs(%y : memref<1x16x8x8xf32>) {
  ^bb0(%out: f32):
    %0 = arith.subf %zero, %out : f32
    %1 = math.exp %0 : f32
    %2 = arith.addf %1, %one : f32
    %3 = arith.divf %one, %2 : f32
    %4 = arith.mulf %out, %3 : f32
    linalg.yield %4 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%cbias : memref<40xf32>) outs(%c : memref<9x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.matmul ins(%a, %b : memref<9x20xf32>, memref<20x40xf32>) outs(%c : memref<9x40xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    outs(%c : memref<9x40xf32>) {
  ^bb0(%out: f32):
    %0 = arith.subf %zero, %out : f32
    %1 = math.exp %0 : f32
    %2 = arith.addf %one, %1 : f32
    %3 = arith.divf %one, %2 : f32
    %4 = arith.mulf %3, %out : f32
    %5 = arith.minimumf %4, %six : f32
    linalg.yield %5 : f32
  }
  return
}

// Must not fold: sigmoid(x) alone (no multiply by x), and x * sigmoid(x)
// with exp(0 - x) replaced by exp(1 - x); flags stay 2 | 16 = 18.
// CHECK-LABEL: func.func @no_fold_not_silu
// CHECK:       %[[F:.*]] = arith.constant 18 : index
// CHECK:       call @steedk_sgemm(%[[F]],
// CHECK:       linalg.generic
// CHECK:       math.exp
// CHECK:       %[[F2:.*]] = arith.constant 18 : index
// CHECK:       call @steedk_sgemm(%[[F2]],
// CHECK:       linalg.generic
// CHECK:       math.exp
// CHECK:       return
func.func @no_fold_not_silu(%a: memref<9x20xf32>, %b: memref<20x40xf32>, %c: memref<9x40xf32>,
                            %d: memref<9x40xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<9x40xf32>)
  linalg.matmul ins(%a, %b : memref<9x20xf32>, memref<20x40xf32>) outs(%c : memref<9x40xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    outs(%c : memref<9x40xf32>) {
  ^bb0(%out: f32):
    %0 = arith.subf %zero, %out : f32
    %1 = math.exp %0 : f32
    %2 = arith.addf %1, %one : f32
    %3 = arith.divf %one, %2 : f32
    linalg.yield %3 : f32
  }
  linalg.fill ins(%zero : f32) outs(%d : memref<9x40xf32>)
  linalg.matmul ins(%a, %b : memref<9x20xf32>, memref<20x40xf32>) outs(%d : memref<9x40xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    outs(%d : memref<9x40xf32>) {
  ^bb0(%out: f32):
    %0 = arith.subf %one, %out : f32
    %1 = math.exp %0 : f32
    %2 = arith.addf %1, %one : f32
    %3 = arith.divf %one, %2 : f32
    %4 = arith.mulf %out, %3 : f32
    linalg.yield %4 : f32
  }
  return
}

// An all-zero bias folds to a generic that yields 0 (no input): the same
// as a zero fill (flags 2 | 16 C_INIT | 256 ACT_MIN = 274).
// CHECK-LABEL: func.func @conv_zero_generic_relu
// CHECK-NOT:   linalg.generic
// CHECK:       %[[FLAGS:.*]] = arith.constant 274 : index
// CHECK:       call @steedk_sconv2d(%[[FLAGS]],
// CHECK-NOT:   linalg.generic
// CHECK:       return
func.func @conv_zero_generic_relu(%x: memref<1x8x10x10xf32>, %w: memref<16x8x3x3xf32>,
                                  %y: memref<1x16x8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    outs(%y : memref<1x16x8x8xf32>) {
  ^bb0(%out: f32):
    linalg.yield %zero : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x8x10x10xf32>, memref<16x8x3x3xf32>) outs(%y : memref<1x16x8x8xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    outs(%y : memref<1x16x8x8xf32>) {
  ^bb0(%out: f32):
    %m = arith.maximumf %out, %zero : f32
    linalg.yield %m : f32
  }
  return
}

// Must not fold: the init broadcasts along another dimension than the
// channels; the epilogue also multiplies; flags stay 2.
// CHECK-LABEL: func.func @no_fold_other_ops
// CHECK:       linalg.generic
// CHECK:       %[[FLAGS:.*]] = arith.constant 2 : index
// CHECK:       call @steedk_sconv2d(%[[FLAGS]],
// CHECK:       linalg.generic
// CHECK:       arith.mulf
func.func @no_fold_other_ops(%x: memref<1x8x10x10xf32>, %w: memref<16x8x3x3xf32>, %bias: memref<8xf32>,
                             %y: memref<1x16x8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %two = arith.constant 2.0 : f32
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (h)>, affine_map<(n, c, h, w) -> (n, c, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%bias : memref<8xf32>) outs(%y : memref<1x16x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x8x10x10xf32>, memref<16x8x3x3xf32>) outs(%y : memref<1x16x8x8xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    outs(%y : memref<1x16x8x8xf32>) {
  ^bb0(%out: f32):
    %m = arith.maximumf %out, %zero : f32
    %s = arith.mulf %m, %two : f32
    linalg.yield %s : f32
  }
  return
}

// Must not fold: a nonzero fill; C read (copied) between the matmul and
// the ReLU; the residual laid out differently from C; C added to itself.
// CHECK-LABEL: func.func @no_fold_read_between
// CHECK:       linalg.fill
// CHECK:       %[[F1:.*]] = arith.constant 2 : index
// CHECK:       call @steedk_sgemm(%[[F1]],
// CHECK:       linalg.copy
// CHECK:       linalg.generic
// CHECK:       arith.maximumf
// CHECK:       %[[F2:.*]] = arith.constant 2 : index
// CHECK:       call @steedk_sgemm(%[[F2]],
// CHECK:       linalg.generic
// CHECK:       arith.addf
// CHECK:       %[[F3:.*]] = arith.constant 2 : index
// CHECK:       call @steedk_sgemm(%[[F3]],
// CHECK:       linalg.generic
// CHECK:       arith.addf
func.func @no_fold_read_between(%a: memref<9x20xf32>, %b: memref<20x40xf32>, %c: memref<9x40xf32>,
                                %copy: memref<9x40xf32>, %r: memref<9x40xf32, strided<[48, 1]>>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%one : f32) outs(%c : memref<9x40xf32>)
  linalg.matmul ins(%a, %b : memref<9x20xf32>, memref<20x40xf32>) outs(%c : memref<9x40xf32>)
  linalg.copy ins(%c : memref<9x40xf32>) outs(%copy : memref<9x40xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    outs(%c : memref<9x40xf32>) {
  ^bb0(%out: f32):
    %m = arith.maximumf %out, %zero : f32
    linalg.yield %m : f32
  }
  linalg.matmul ins(%a, %b : memref<9x20xf32>, memref<20x40xf32>) outs(%c : memref<9x40xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%r : memref<9x40xf32, strided<[48, 1]>>) outs(%c : memref<9x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  }
  linalg.matmul ins(%a, %b : memref<9x20xf32>, memref<20x40xf32>) outs(%c : memref<9x40xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%c : memref<9x40xf32>) outs(%c : memref<9x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  }
  return
}

// Must not fold: 1-4 rows against a prepacked B take the library's small-M
// path, which does not take an epilogue: the fill and the ReLU stay, flags
// 2 | 8 B_PACKED.
// CHECK-LABEL: func.func @no_fold_small_m
// CHECK:       linalg.fill
// CHECK:       %[[FLAGS:.*]] = arith.constant 10 : index
// CHECK:       call @steedk_sgemm(%[[FLAGS]],
// CHECK:       linalg.generic
// CHECK:       arith.maximumf
memref.global "private" constant @w_small : memref<3x5xf32> = dense<1.0>
func.func @no_fold_small_m(%a: memref<2x3xf32>, %c: memref<2x5xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = memref.get_global @w_small : memref<3x5xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<2x5xf32>)
  linalg.matmul ins(%a, %w : memref<2x3xf32>, memref<3x5xf32>) outs(%c : memref<2x5xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    outs(%c : memref<2x5xf32>) {
  ^bb0(%out: f32):
    %m = arith.maximumf %out, %zero : f32
    linalg.yield %m : f32
  }
  return
}
