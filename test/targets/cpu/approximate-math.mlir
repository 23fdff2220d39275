// RUN: steed-opt %s --pass-pipeline="builtin.module(func.func(steed-cpu-approximate-math))" | FileCheck %s
// RUN: steed-opt %s --pass-pipeline="builtin.module(func.func(steed-cpu-approximate-math{ops=tanh}))" | FileCheck %s --check-prefix=ONLY

// f32 exp becomes a polynomial (no math.exp left, no libm call later).
// CHECK-LABEL: func.func @exp_f32
// CHECK-NOT:   math.exp
// CHECK:       math.fma
// CHECK-NOT:   math.exp
// CHECK:       return
// ONLY-LABEL:  func.func @exp_f32
// ONLY:        math.exp
func.func @exp_f32(%x: f32) -> f32 {
  %y = math.exp %x : f32
  return %y : f32
}

// Inside a linalg body too (the loops LLVM must vectorize).
// CHECK-LABEL: func.func @tanh_erf_generic
// CHECK:       linalg.generic
// CHECK-NOT:   math.tanh
// CHECK-NOT:   math.erf
// CHECK:       linalg.yield
// ONLY-LABEL:  func.func @tanh_erf_generic
// ONLY-NOT:    math.tanh
// ONLY:        math.erf
func.func @tanh_erf_generic(%a: memref<64xf32>, %b: memref<64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%a : memref<64xf32>) outs(%b : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tanh %in : f32
    %e = math.erf %t : f32
    linalg.yield %e : f32
  }
  return
}

// log: subnormal arguments are scaled by 2^24 before the polynomial (which
// reads the exponent field) and 24 ln 2 is taken off the result.
// CHECK-LABEL: func.func @log_f32
// CHECK-DAG:   %[[MIN:.*]] = arith.constant 1.17549435E-38 : f32
// CHECK-DAG:   %[[SCALE:.*]] = arith.constant 0x4B800000 : f32
// CHECK-DAG:   %[[SHIFT:.*]] = arith.constant 16.6355324 : f32
// CHECK:       %[[TINY:.*]] = arith.cmpf olt, %[[X:.*]], %[[MIN]] : f32
// CHECK:       %[[MUL:.*]] = arith.mulf %[[X]], %[[SCALE]] : f32
// CHECK:       arith.select %[[TINY]], %[[MUL]], %[[X]] : f32
// CHECK-NOT:   math.log
// CHECK:       %[[FIXED:.*]] = arith.subf %[[Y:.*]], %[[SHIFT]] : f32
// CHECK:       %[[R:.*]] = arith.select %[[TINY]], %[[FIXED]], %[[Y]] : f32
// CHECK:       return %[[R]]
func.func @log_f32(%x: f32) -> f32 {
  %y = math.log %x : f32
  return %y : f32
}

// Must not fire: f64 (stays on libm) and functions not in the list.
// CHECK-LABEL: func.func @keep
// CHECK:       math.exp %{{.*}} : f64
// CHECK:       math.log %{{.*}} : f64
// CHECK:       math.sin %{{.*}} : f32
// ONLY-LABEL:  func.func @keep
func.func @keep(%x: f64, %s: f32) -> (f64, f64, f32) {
  %e = math.exp %x : f64
  %l = math.log %x : f64
  %y = math.sin %s : f32
  return %e, %l, %y : f64, f64, f32
}
