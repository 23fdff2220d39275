// RUN: steed-opt %s --steed-cpu-microkernels="isa=2" --cse | FileCheck %s
// RUN: steed-opt %s --steed-cpu-microkernels="isa=1" --cse | FileCheck %s --check-prefix=AVX2

#bias = affine_map<(d0, d1, d2, d3) -> (d1)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// The ONNX Conv lowering's form: zero-fill a padded scratch buffer, copy the
// input into its interior (top/left padding 2, 1), broadcast the bias into
// the output, convolve (stride 2, dilation 1). All of it becomes one call
// (flags = 2 AVX-512 | 16 start from the bias) on the unpadded input.
// CHECK-LABEL: func.func @dw_pad_bias
// CHECK-SAME:  (%[[X:.*]]: memref<1x3x7x9xf32>, %[[W:.*]]: memref<3x1x3x3xf32>, %[[B:.*]]: memref<3xf32>, %[[Y:.*]]: memref<1x3x4x5xf32>, %[[P:.*]]: memref<1x3x11x11xf32>)
// CHECK-NOT:   linalg.
// CHECK-NOT:   memref.copy
// CHECK-DAG:   %[[FLAGS:.*]] = arith.constant 18 : index
// CHECK-DAG:   %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:   %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:   %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG:   %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG:   %[[C5:.*]] = arith.constant 5 : index
// CHECK-DAG:   %[[C7:.*]] = arith.constant 7 : index
// CHECK-DAG:   %[[C9:.*]] = arith.constant 9 : index
// CHECK-DAG:   %[[XP:.*]] = memref.extract_aligned_pointer_as_index %[[X]]
// CHECK-DAG:   %[[BP:.*]] = memref.extract_aligned_pointer_as_index %[[B]]
// CHECK-DAG:   %[[YP:.*]] = memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK:       call @steedk_dwconv2d(%[[FLAGS]], %[[C1]], %[[C3]], %[[XP]], %{{.*}}, %[[C7]], %[[C9]], %{{.*}}, %{{.*}}, %[[C3]], %[[C3]], %[[BP]], %{{.*}}, %[[YP]], %{{.*}}, %[[C4]], %[[C5]], %[[C2]], %[[C2]], %[[C1]], %[[C1]], %[[C2]], %[[C1]], %{{.*}})
// CHECK-NOT:   linalg.
// CHECK:       return
// AVX2-LABEL:  func.func @dw_pad_bias
// AVX2:        %[[FLAGS:.*]] = arith.constant 17 : index
// AVX2:        call @steedk_dwconv2d(%[[FLAGS]],
func.func @dw_pad_bias(%x: memref<1x3x7x9xf32>, %w: memref<3x1x3x3xf32>, %b: memref<3xf32>,
                       %y: memref<1x3x4x5xf32>, %p: memref<1x3x11x11xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%p : memref<1x3x11x11xf32>)
  %sub = memref.subview %p[0, 0, 2, 1] [1, 3, 7, 9] [1, 1, 1, 1]
      : memref<1x3x11x11xf32> to memref<1x3x7x9xf32, strided<[363, 121, 11, 1], offset: 23>>
  linalg.copy ins(%x : memref<1x3x7x9xf32>)
      outs(%sub : memref<1x3x7x9xf32, strided<[363, 121, 11, 1], offset: 23>>)
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : memref<3xf32>) outs(%y : memref<1x3x4x5xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %wc = memref.collapse_shape %w [[0], [1, 2], [3]] : memref<3x1x3x3xf32> into memref<3x3x3xf32>
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%p, %wc : memref<1x3x11x11xf32>, memref<3x3x3xf32>) outs(%y : memref<1x3x4x5xf32>)
  return
}

// No padding, a zero-filled output (no bias), 5x5 dilated: flags 2 | 32
// (start from zero), pads 0.
// CHECK-LABEL: func.func @dw_zero_init
// CHECK-NOT:   linalg.fill
// CHECK-DAG:   %[[FLAGS:.*]] = arith.constant 34 : index
// CHECK-DAG:   %[[C0:.*]] = arith.constant 0 : index
// CHECK:       call @steedk_dwconv2d(%[[FLAGS]], %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %[[C0]], %[[C0]], %{{.*}})
// CHECK-NOT:   linalg.
func.func @dw_zero_init(%x: memref<2x4x12x12xf32>, %w: memref<4x5x5xf32>, %y: memref<2x4x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<2x4x4x4xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : memref<2x4x12x12xf32>, memref<4x5x5xf32>) outs(%y : memref<2x4x4x4xf32>)
  return
}

// The output's init is a non-zero fill and the padded buffer is read again
// after the convolution: nothing is folded. The kernel reads the padded
// buffer (pads 0) and accumulates into y (flags = 2).
// CHECK-LABEL: func.func @dw_no_fold
// CHECK:       linalg.fill
// CHECK:       linalg.copy
// CHECK:       linalg.fill
// CHECK-DAG:   %[[FLAGS:.*]] = arith.constant 2 : index
// CHECK-DAG:   %[[PP:.*]] = memref.extract_aligned_pointer_as_index %arg3
// CHECK:       call @steedk_dwconv2d(%[[FLAGS]], %{{.*}}, %{{.*}}, %[[PP]],
// CHECK:       memref.copy %arg3
func.func @dw_no_fold(%x: memref<1x2x4x4xf32>, %w: memref<2x3x3xf32>, %y: memref<1x2x4x4xf32>,
                      %p: memref<1x2x6x6xf32>, %q: memref<1x2x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%zero : f32) outs(%p : memref<1x2x6x6xf32>)
  %sub = memref.subview %p[0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1]
      : memref<1x2x6x6xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  linalg.copy ins(%x : memref<1x2x4x4xf32>)
      outs(%sub : memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>)
  linalg.fill ins(%one : f32) outs(%y : memref<1x2x4x4xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : memref<1x2x6x6xf32>, memref<2x3x3xf32>) outs(%y : memref<1x2x4x4xf32>)
  memref.copy %p, %q : memref<1x2x6x6xf32> to memref<1x2x6x6xf32>
  return
}

// The copy's source is overwritten between the copy and the convolution:
// the padded buffer must be read as it is (no pad folding).
// CHECK-LABEL: func.func @dw_src_clobbered
// CHECK:       linalg.copy
// CHECK:       linalg.fill
// CHECK:       call @steedk_dwconv2d
func.func @dw_src_clobbered(%x: memref<1x2x4x4xf32>, %w: memref<2x3x3xf32>, %y: memref<1x2x4x4xf32>,
                            %p: memref<1x2x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%zero : f32) outs(%p : memref<1x2x6x6xf32>)
  %sub = memref.subview %p[0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1]
      : memref<1x2x6x6xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  linalg.copy ins(%x : memref<1x2x4x4xf32>)
      outs(%sub : memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>)
  linalg.fill ins(%one : f32) outs(%x : memref<1x2x4x4xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : memref<1x2x6x6xf32>, memref<2x3x3xf32>) outs(%y : memref<1x2x4x4xf32>)
  return
}

// Not rewritten: f64, and a non-contiguous (strided) input.
// CHECK-LABEL: func.func @dw_not_f32
// CHECK-NOT:   call @steedk_dwconv2d
// CHECK:       linalg.depthwise_conv_2d_nchw_chw
func.func @dw_not_f32(%x: memref<1x2x6x6xf64>, %w: memref<2x3x3xf64>, %y: memref<1x2x4x4xf64>) {
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : memref<1x2x6x6xf64>, memref<2x3x3xf64>) outs(%y : memref<1x2x4x4xf64>)
  return
}

// CHECK-LABEL: func.func @dw_strided_input
// CHECK-NOT:   call @steedk_dwconv2d
// CHECK:       linalg.depthwise_conv_2d_nchw_chw
func.func @dw_strided_input(%x: memref<1x2x6x6xf32, strided<[144, 72, 12, 2]>>, %w: memref<2x3x3xf32>,
                            %y: memref<1x2x4x4xf32>) {
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : memref<1x2x6x6xf32, strided<[144, 72, 12, 2]>>, memref<2x3x3xf32>) outs(%y : memref<1x2x4x4xf32>)
  return
}

// Clip's lowering right after the convolution, in place: the kernel clamps
// its output (flags 2 | 32 zero init | 64 ACT_MIN | 128 ACT_MAX = 226,
// bounds 0.0 and 6.0 as f32 bits), the generic goes.
// CHECK-LABEL: func.func @dw_clip
// CHECK-NOT:   linalg.
// CHECK-DAG:   %[[FLAGS:.*]] = arith.constant 226 : index
// CHECK-DAG:   %[[HI:.*]] = arith.constant 1086324736 : index
// CHECK:       call @steedk_dwconv2d(%[[FLAGS]], {{.*}}, %[[HI]], %{{[^,]*}})
// CHECK-NOT:   linalg.
// CHECK:       return
func.func @dw_clip(%x: memref<1x4x8x8xf32>, %w: memref<4x3x3xf32>, %y: memref<1x4x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x4x6x6xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : memref<1x4x8x8xf32>, memref<4x3x3xf32>) outs(%y : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      outs(%y : memref<1x4x6x6xf32>) {
  ^bb0(%out: f32):
    %0 = arith.cmpf olt, %out, %zero : f32
    %1 = arith.select %0, %zero, %out : f32
    %2 = arith.cmpf ogt, %1, %six : f32
    %3 = arith.select %2, %six, %1 : f32
    linalg.yield %3 : f32
  }
  return
}

// SiLU (Sigmoid + Mul's lowering) right after the convolution: flags
// 2 | 32 zero init | 256 SILU = 290, the generic goes.
// CHECK-LABEL: func.func @dw_silu
// CHECK-NOT:   linalg.
// CHECK:       %[[FLAGS:.*]] = arith.constant 290 : index
// CHECK:       call @steedk_dwconv2d(%[[FLAGS]],
// CHECK-NOT:   linalg.
// CHECK:       return
func.func @dw_silu(%x: memref<1x4x8x8xf32>, %w: memref<4x3x3xf32>, %y: memref<1x4x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x4x6x6xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : memref<1x4x8x8xf32>, memref<4x3x3xf32>) outs(%y : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      outs(%y : memref<1x4x6x6xf32>) {
  ^bb0(%out: f32):
    %0 = arith.subf %zero, %out : f32
    %1 = math.exp %0 : f32
    %2 = arith.addf %1, %one : f32
    %3 = arith.divf %one, %2 : f32
    %4 = arith.mulf %out, %3 : f32
    linalg.yield %4 : f32
  }
  return
}

// Must not fold: a residual add (the depthwise kernel only clamps), and a
// generic that does more than ReLU (flags stay 2 | 32 zero init).
// CHECK-LABEL: func.func @dw_no_act_fold
// CHECK:       %[[F1:.*]] = arith.constant 34 : index
// CHECK:       call @steedk_dwconv2d(%[[F1]],
// CHECK:       linalg.generic
// CHECK:       arith.addf
// CHECK:       call @steedk_dwconv2d(%[[F1]],
// CHECK:       linalg.generic
// CHECK:       arith.maximumf
// CHECK:       arith.mulf
func.func @dw_no_act_fold(%x: memref<1x4x8x8xf32>, %w: memref<4x3x3xf32>, %r: memref<1x4x6x6xf32>,
                          %y: memref<1x4x6x6xf32>, %y2: memref<1x4x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x4x6x6xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : memref<1x4x8x8xf32>, memref<4x3x3xf32>) outs(%y : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%r : memref<1x4x6x6xf32>) outs(%y : memref<1x4x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %out, %in : f32
    %1 = arith.maximumf %0, %zero : f32
    linalg.yield %1 : f32
  }
  linalg.fill ins(%zero : f32) outs(%y2 : memref<1x4x6x6xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : memref<1x4x8x8xf32>, memref<4x3x3xf32>) outs(%y2 : memref<1x4x6x6xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      outs(%y2 : memref<1x4x6x6xf32>) {
  ^bb0(%out: f32):
    %0 = arith.maximumf %out, %zero : f32
    %1 = arith.mulf %0, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// Max pooling as the ONNX lowering writes it: a -inf fill of the output, a
// -inf padded copy of the input, maximumf over the window: the depthwise
// kernel in its max mode (flags 2 | 512 = 514, no weights or bias), reading
// the unpadded input (pads 1, 1), stride 2.
// CHECK-LABEL: func.func @maxpool
// CHECK-NOT:   linalg.
// CHECK-DAG:   %[[FLAGS:.*]] = arith.constant 514 : index
// CHECK-DAG:   %[[XP:.*]] = memref.extract_aligned_pointer_as_index %arg0
// CHECK:       call @steedk_dwconv2d(%[[FLAGS]], %{{.*}}, %{{.*}}, %[[XP]],
// CHECK-NOT:   linalg.
// CHECK:       return
func.func @maxpool(%x: memref<1x4x8x8xf32>, %y: memref<1x4x4x4xf32>, %xp: memref<1x4x10x10xf32>,
                   %win: memref<3x3xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  linalg.fill ins(%ninf : f32) outs(%xp : memref<1x4x10x10xf32>)
  %sub = memref.subview %xp[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : memref<1x4x10x10xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  linalg.copy ins(%x : memref<1x4x8x8xf32>) outs(%sub : memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>)
  linalg.fill ins(%ninf : f32) outs(%y : memref<1x4x4x4xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>,
                                   affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>,
                                   affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%xp, %win : memref<1x4x10x10xf32>, memref<3x3xf32>) outs(%y : memref<1x4x4x4xf32>) {
  ^bb0(%in: f32, %w: f32, %out: f32):
    %0 = arith.maximumf %out, %in : f32
    linalg.yield %0 : f32
  }
  return
}

// Must not rewrite: the output starts at 0, not -inf (a ReLU folded into
// the pool would need another flag); a window minimum.
// CHECK-LABEL: func.func @no_maxpool
// CHECK-NOT:   steedk_dwconv2d
// CHECK:       arith.maximumf
// CHECK:       arith.minimumf
// CHECK-NOT:   steedk_dwconv2d
func.func @no_maxpool(%x: memref<1x4x9x9xf32>, %y: memref<1x4x4x4xf32>, %y2: memref<1x4x4x4xf32>,
                      %win: memref<3x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x4x4x4xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>,
                                   affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>,
                                   affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %win : memref<1x4x9x9xf32>, memref<3x3xf32>) outs(%y : memref<1x4x4x4xf32>) {
  ^bb0(%in: f32, %w: f32, %out: f32):
    %0 = arith.maximumf %out, %in : f32
    linalg.yield %0 : f32
  }
  linalg.fill ins(%ninf : f32) outs(%y2 : memref<1x4x4x4xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>,
                                   affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>,
                                   affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %win : memref<1x4x9x9xf32>, memref<3x3xf32>) outs(%y2 : memref<1x4x4x4xf32>) {
  ^bb0(%in: f32, %w: f32, %out: f32):
    %0 = arith.minimumf %out, %in : f32
    linalg.yield %0 : f32
  }
  return
}
