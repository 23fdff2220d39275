// RUN: steed-opt %s --canonicalize --split-input-file | FileCheck %s

// Small constants fold through arithmetic (shape computations, mostly).
// CHECK-LABEL: func.func @fold_add
// CHECK:       %[[C:.*]] = onnx.Constant dense<[4, 6]> : tensor<2xi64>
// CHECK-NOT:   onnx.Add
// CHECK:       return %[[C]]
func.func @fold_add() -> tensor<2xi64> {
  %a = onnx.Constant dense<[1, 2]> : tensor<2xi64>
  %b = onnx.Constant dense<[3, 4]> : tensor<2xi64>
  %0 = onnx.Add %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @fold_mul_f32
// CHECK:       onnx.Constant dense<6.000000e+00> : tensor<3xf32>
func.func @fold_mul_f32() -> tensor<3xf32> {
  %a = onnx.Constant dense<2.0> : tensor<3xf32>
  %b = onnx.Constant dense<3.0> : tensor<3xf32>
  %0 = onnx.Mul %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Broadcasting folds too (torch's shape arithmetic: i64 scalar - [1]).
// CHECK-LABEL: func.func @fold_broadcast
// CHECK-DAG:   onnx.Constant dense<{{\[}}[2, 3], [3, 4]]> : tensor<2x2xi64>
// CHECK-DAG:   onnx.Constant dense<4> : tensor<1xi64>
// CHECK-NOT:   onnx.Add
// CHECK-NOT:   onnx.Sub
func.func @fold_broadcast() -> (tensor<2x2xi64>, tensor<1xi64>) {
  %a = onnx.Constant dense<[1, 2]> : tensor<2xi64>
  %b = onnx.Constant dense<[[1], [2]]> : tensor<2x1xi64>
  %0 = onnx.Add %a, %b : (tensor<2xi64>, tensor<2x1xi64>) -> tensor<2x2xi64>
  %s = onnx.Constant dense<5> : tensor<i64>
  %one = onnx.Constant dense<[1]> : tensor<1xi64>
  %1 = onnx.Sub %s, %one : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  return %0, %1 : tensor<2x2xi64>, tensor<1xi64>
}

// -----

// Not folded: a non-constant operand, and unsigned arithmetic.
// CHECK-LABEL: func.func @no_fold
// CHECK:       onnx.Sub
// CHECK:       onnx.Div
func.func @no_fold(%x: tensor<2xi64>) -> (tensor<2xi64>, tensor<1xui8>) {
  %a = onnx.Constant dense<[1, 2]> : tensor<2xi64>
  %1 = onnx.Sub %x, %a : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %u = onnx.Constant dense<[200]> : tensor<1xui8>
  %v = onnx.Constant dense<[3]> : tensor<1xui8>
  %2 = onnx.Div %u, %v : (tensor<1xui8>, tensor<1xui8>) -> tensor<1xui8>
  return %1, %2 : tensor<2xi64>, tensor<1xui8>
}

// -----

// Division by an integer zero is left alone (UB at run time, not at compile time).
// CHECK-LABEL: func.func @no_fold_div_zero
// CHECK:       onnx.Div
func.func @no_fold_div_zero() -> tensor<1xi64> {
  %a = onnx.Constant dense<[1]> : tensor<1xi64>
  %b = onnx.Constant dense<[0]> : tensor<1xi64>
  %0 = onnx.Div %a, %b : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  return %0 : tensor<1xi64>
}

// -----

// Unary ops fold constants: integer Neg/Abs/Sign/Relu, float Sqrt/Exp/Log/
// Reciprocal and the roundings (Round is half to even), bool Not.
// CHECK-LABEL: func.func @fold_unary
// CHECK-DAG:   onnx.Constant dense<[1, -2]> : tensor<2xi64>
// CHECK-DAG:   onnx.Constant dense<[1, 2]> : tensor<2xi64>
// CHECK-DAG:   onnx.Constant dense<[1, -1, 0]> : tensor<3xi64>
// CHECK-DAG:   onnx.Constant dense<[0, 2]> : tensor<2xi64>
// CHECK-DAG:   onnx.Constant dense<[2.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK-DAG:   onnx.Constant dense<[1.000000e+00, 2.71828175]> : tensor<2xf32>
// CHECK-DAG:   onnx.Constant dense<[0.000000e+00, 0.693147182]> : tensor<2xf32>
// CHECK-DAG:   onnx.Constant dense<[2.500000e-01, -5.000000e-01]> : tensor<2xf32>
// CHECK-DAG:   onnx.Constant dense<[2.000000e+00, -3.000000e+00]> : tensor<2xf32>
// CHECK-DAG:   onnx.Constant dense<[3.000000e+00, -2.000000e+00]> : tensor<2xf32>
// CHECK-DAG:   onnx.Constant dense<[2.000000e+00, -2.000000e+00, 4.000000e+00]> : tensor<3xf32>
// CHECK-DAG:   onnx.Constant dense<[false, true]> : tensor<2xi1>
// CHECK-NOT:   onnx.Neg
// CHECK-NOT:   onnx.Sqrt
// CHECK-NOT:   onnx.Not
// CHECK:       return
func.func @fold_unary() -> (tensor<2xi64>, tensor<2xi64>, tensor<3xi64>, tensor<2xi64>,
                            tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>,
                            tensor<2xf32>, tensor<3xf32>, tensor<2xi1>) {
  %i = onnx.Constant dense<[-1, 2]> : tensor<2xi64>
  %neg = onnx.Neg %i : tensor<2xi64> -> tensor<2xi64>
  %abs = onnx.Abs %i : tensor<2xi64> -> tensor<2xi64>
  %s = onnx.Constant dense<[7, -3, 0]> : tensor<3xi64>
  %sign = onnx.Sign %s : tensor<3xi64> -> tensor<3xi64>
  %relu = onnx.Relu %i : tensor<2xi64> -> tensor<2xi64>
  %f = onnx.Constant dense<[4.0, 9.0]> : tensor<2xf32>
  %sqrt = onnx.Sqrt %f : tensor<2xf32> -> tensor<2xf32>
  %z = onnx.Constant dense<[0.0, 1.0]> : tensor<2xf32>
  %exp = onnx.Exp %z : tensor<2xf32> -> tensor<2xf32>
  %e = onnx.Constant dense<[1.0, 2.0]> : tensor<2xf32>
  %log = onnx.Log %e : tensor<2xf32> -> tensor<2xf32>
  %r = onnx.Constant dense<[4.0, -2.0]> : tensor<2xf32>
  %rcp = onnx.Reciprocal %r : tensor<2xf32> -> tensor<2xf32>
  %x = onnx.Constant dense<[2.5, -2.5]> : tensor<2xf32>
  %floor = onnx.Floor %x : tensor<2xf32> -> tensor<2xf32>
  %ceil = onnx.Ceil %x : tensor<2xf32> -> tensor<2xf32>
  %h = onnx.Constant dense<[2.5, -2.5, 3.5]> : tensor<3xf32>
  %round = onnx.Round %h : tensor<3xf32> -> tensor<3xf32>
  %b = onnx.Constant dense<[true, false]> : tensor<2xi1>
  %not = onnx.Not %b : tensor<2xi1> -> tensor<2xi1>
  return %neg, %abs, %sign, %relu, %sqrt, %exp, %log, %rcp, %floor, %ceil, %round, %not
      : tensor<2xi64>, tensor<2xi64>, tensor<3xi64>, tensor<2xi64>, tensor<2xf32>, tensor<2xf32>,
        tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<3xf32>, tensor<2xi1>
}

// -----

// Not folded: a non-constant operand, Neg of an unsigned type, Sign of NaN
// (the spec and the lowering disagree), Sqrt of an integer.
// CHECK-LABEL: func.func @no_fold_unary
// CHECK:       onnx.Sqrt %arg0
// CHECK:       onnx.Neg
// CHECK:       onnx.Sign
// CHECK:       onnx.Not %arg1
func.func @no_fold_unary(%x: tensor<2xf32>, %b: tensor<2xi1>)
    -> (tensor<2xf32>, tensor<1xui8>, tensor<1xf32>, tensor<2xi1>) {
  %sqrt = onnx.Sqrt %x : tensor<2xf32> -> tensor<2xf32>
  %u = onnx.Constant dense<[3]> : tensor<1xui8>
  %neg = onnx.Neg %u : tensor<1xui8> -> tensor<1xui8>
  %nan = onnx.Constant dense<0x7FC00000> : tensor<1xf32>
  %sign = onnx.Sign %nan : tensor<1xf32> -> tensor<1xf32>
  %not = onnx.Not %b : tensor<2xi1> -> tensor<2xi1>
  return %sqrt, %neg, %sign, %not : tensor<2xf32>, tensor<1xui8>, tensor<1xf32>, tensor<2xi1>
}

// -----

// Comparisons fold to bools, with broadcasting; unsigned values compare as
// unsigned, NaN compares false.
// CHECK-LABEL: func.func @fold_compare
// CHECK-DAG:   onnx.Constant dense<[true, false, true]> : tensor<3xi1>
// CHECK-DAG:   onnx.Constant dense<[true, false, false]> : tensor<3xi1>
// CHECK-DAG:   onnx.Constant dense<[true, true, false]> : tensor<3xi1>
// CHECK-DAG:   onnx.Constant dense<[false, false, true]> : tensor<3xi1>
// CHECK-DAG:   onnx.Constant dense<[true, false]> : tensor<2xi1>
// CHECK-DAG:   onnx.Constant dense<false> : tensor<2xi1>
// CHECK-NOT:   onnx.Equal
// CHECK-NOT:   onnx.Less
// CHECK-NOT:   onnx.Greater
// CHECK:       return
func.func @fold_compare() -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>,
                              tensor<2xi1>, tensor<2xi1>) {
  %a = onnx.Constant dense<[2, 5, 2]> : tensor<3xi64>
  %b = onnx.Constant dense<2> : tensor<i64>
  %eq = onnx.Equal %a, %b : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %c = onnx.Constant dense<[1, 5, 7]> : tensor<3xi64>
  %d = onnx.Constant dense<5> : tensor<1xi64>
  %lt = onnx.Less %c, %d : (tensor<3xi64>, tensor<1xi64>) -> tensor<3xi1>
  %le = onnx.LessOrEqual %c, %d : (tensor<3xi64>, tensor<1xi64>) -> tensor<3xi1>
  %gt = onnx.Greater %c, %d : (tensor<3xi64>, tensor<1xi64>) -> tensor<3xi1>
  %u = onnx.Constant dense<[200, 2]> : tensor<2xui8>
  %v = onnx.Constant dense<3> : tensor<1xui8>
  %ge = onnx.GreaterOrEqual %u, %v : (tensor<2xui8>, tensor<1xui8>) -> tensor<2xi1>
  %nan = onnx.Constant dense<[0x7FC00000, 1.0]> : tensor<2xf32>
  %one = onnx.Constant dense<2.0> : tensor<f32>
  %feq = onnx.Equal %nan, %one : (tensor<2xf32>, tensor<f32>) -> tensor<2xi1>
  return %eq, %lt, %le, %gt, %ge, %feq
      : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<2xi1>, tensor<2xi1>
}

// -----

// The shape chain of the expanded Attention function: Equal, Not, Mod, And,
// Where over constants end up as one constant.
// CHECK-LABEL: func.func @fold_logical_chain
// CHECK-NEXT:  %[[C:.*]] = onnx.Constant dense<3> : tensor<1xi64>
// CHECK-NEXT:  %[[L:.*]] = onnx.Constant dense<[false, true, true]> : tensor<3xi1>
// CHECK-NEXT:  return %[[C]], %[[L]]
func.func @fold_logical_chain() -> (tensor<1xi64>, tensor<3xi1>) {
  %q = onnx.Constant dense<6> : tensor<1xi64>
  %kv = onnx.Constant dense<2> : tensor<1xi64>
  %zero = onnx.Constant dense<0> : tensor<1xi64>
  %one = onnx.Constant dense<1> : tensor<1xi64>
  %same = onnx.Equal %q, %kv : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi1>
  %differ = onnx.Not %same : tensor<1xi1> -> tensor<1xi1>
  %rem = onnx.Mod %q, %kv : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %divisible = onnx.Equal %rem, %zero : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi1>
  %gqa = onnx.And %differ, %divisible : (tensor<1xi1>, tensor<1xi1>) -> tensor<1xi1>
  %groups = onnx.Div %q, %kv : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %r = onnx.Where %gqa, %groups, %one : (tensor<1xi1>, tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %a = onnx.Constant dense<[true, false, true]> : tensor<3xi1>
  %b = onnx.Constant dense<[true, true, false]> : tensor<3xi1>
  %or = onnx.Or %a, %b : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  %xor = onnx.Xor %a, %b : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  %and = onnx.And %or, %xor : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  return %r, %and : tensor<1xi64>, tensor<3xi1>
}

// -----

// Not folded: a non-constant operand of a comparison or a logical op.
// CHECK-LABEL: func.func @no_fold_compare
// CHECK:       onnx.Equal %arg0
// CHECK:       onnx.And %arg1
func.func @no_fold_compare(%x: tensor<2xi64>, %b: tensor<2xi1>) -> (tensor<2xi1>, tensor<2xi1>) {
  %c = onnx.Constant dense<[1, 2]> : tensor<2xi64>
  %eq = onnx.Equal %x, %c : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi1>
  %t = onnx.Constant dense<true> : tensor<2xi1>
  %and = onnx.And %b, %t : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  return %eq, %and : tensor<2xi1>, tensor<2xi1>
}

// -----

// Mod: fmod = 0 takes the divisor's sign (Python), fmod = 1 the dividend's
// (C fmod, the only form for floats).
// CHECK-LABEL: func.func @fold_mod
// CHECK-DAG:   onnx.Constant dense<[2, -2, 1, 0]> : tensor<4xi64>
// CHECK-DAG:   onnx.Constant dense<[-1, 1, 1, 0]> : tensor<4xi64>
// CHECK-DAG:   onnx.Constant dense<[1.500000e+00, -1.500000e+00]> : tensor<2xf32>
// CHECK:       return
func.func @fold_mod() -> (tensor<4xi64>, tensor<4xi64>, tensor<2xf32>) {
  %a = onnx.Constant dense<[-7, 7, 7, 6]> : tensor<4xi64>
  %b = onnx.Constant dense<[3, -3, 3, 3]> : tensor<4xi64>
  %m = onnx.Mod %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %f = onnx.Mod %a, %b {fmod = 1 : i64} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %x = onnx.Constant dense<[5.5, -5.5]> : tensor<2xf32>
  %y = onnx.Constant dense<2.0> : tensor<f32>
  %g = onnx.Mod %x, %y {fmod = 1 : i64} : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  return %m, %f, %g : tensor<4xi64>, tensor<4xi64>, tensor<2xf32>
}

// -----

// Not folded: Mod by an integer zero, float Mod without fmod = 1, a
// non-constant operand.
// CHECK-LABEL: func.func @no_fold_mod
// CHECK-COUNT-3: onnx.Mod
func.func @no_fold_mod(%v: tensor<1xi64>) -> (tensor<1xi64>, tensor<1xf32>, tensor<1xi64>) {
  %a = onnx.Constant dense<[7]> : tensor<1xi64>
  %z = onnx.Constant dense<[0]> : tensor<1xi64>
  %0 = onnx.Mod %a, %z : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %x = onnx.Constant dense<[5.5]> : tensor<1xf32>
  %1 = onnx.Mod %x, %x : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  %2 = onnx.Mod %v, %a : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  return %0, %1, %2 : tensor<1xi64>, tensor<1xf32>, tensor<1xi64>
}

// -----

// Where with constant operands selects elementwise (with broadcasting); a
// uniform condition selects a non-constant operand of the result's type.
// CHECK-LABEL: func.func @fold_where
// CHECK-DAG:   onnx.Constant dense<{{\[}}[1, 9], [1, 9]]> : tensor<2x2xi64>
// CHECK:       return
// CHECK-SAME:  %arg0
func.func @fold_where(%x: tensor<2xf32>) -> (tensor<2x2xi64>, tensor<2xf32>) {
  %c = onnx.Constant dense<[true, false]> : tensor<2xi1>
  %a = onnx.Constant dense<[[1], [1]]> : tensor<2x1xi64>
  %b = onnx.Constant dense<9> : tensor<i64>
  %0 = onnx.Where %c, %a, %b : (tensor<2xi1>, tensor<2x1xi64>, tensor<i64>) -> tensor<2x2xi64>
  %f = onnx.Constant dense<false> : tensor<1xi1>
  %y = onnx.Constant dense<0.0> : tensor<1xf32>
  %1 = onnx.Where %f, %y, %x : (tensor<1xi1>, tensor<1xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0, %1 : tensor<2x2xi64>, tensor<2xf32>
}

// -----

// Not folded: a non-uniform condition with a non-constant operand, a uniform
// one whose chosen operand still needs broadcasting, a non-constant condition.
// CHECK-LABEL: func.func @no_fold_where
// CHECK-COUNT-3: onnx.Where
func.func @no_fold_where(%x: tensor<2xf32>, %s: tensor<1xf32>, %c: tensor<2xi1>)
    -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %m = onnx.Constant dense<[true, false]> : tensor<2xi1>
  %y = onnx.Constant dense<0.0> : tensor<2xf32>
  %0 = onnx.Where %m, %x, %y : (tensor<2xi1>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %t = onnx.Constant dense<true> : tensor<2xi1>
  %1 = onnx.Where %t, %s, %x : (tensor<2xi1>, tensor<1xf32>, tensor<2xf32>) -> tensor<2xf32>
  %2 = onnx.Where %c, %y, %y : (tensor<2xi1>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0, %1, %2 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// Variadic Max/Min/Sum/Mean, Pow and Clip fold constants.
// CHECK-LABEL: func.func @fold_variadic_pow_clip
// CHECK-DAG:   onnx.Constant dense<[3, 5]> : tensor<2xi64>
// CHECK-DAG:   onnx.Constant dense<[1, 3]> : tensor<2xi64>
// CHECK-DAG:   onnx.Constant dense<[9, 13]> : tensor<2xi64>
// CHECK-DAG:   onnx.Constant dense<[2.000000e+00, 5.000000e+00]> : tensor<2xf32>
// CHECK-DAG:   onnx.Constant dense<[8.000000e+00, 2.500000e-01]> : tensor<2xf32>
// CHECK-DAG:   onnx.Constant dense<[9, 1]> : tensor<2xi64>
// CHECK-DAG:   onnx.Constant dense<[0, 5, 2]> : tensor<3xi64>
// CHECK:       return
func.func @fold_variadic_pow_clip() -> (tensor<2xi64>, tensor<2xi64>, tensor<2xi64>,
                                        tensor<2xf32>, tensor<2xf32>, tensor<2xi64>,
                                        tensor<3xi64>) {
  %a = onnx.Constant dense<[1, 5]> : tensor<2xi64>
  %b = onnx.Constant dense<3> : tensor<1xi64>
  %c = onnx.Constant dense<5> : tensor<i64>
  %max = onnx.Max %a, %b : (tensor<2xi64>, tensor<1xi64>) -> tensor<2xi64>
  %min = onnx.Min %a, %b : (tensor<2xi64>, tensor<1xi64>) -> tensor<2xi64>
  %sum = onnx.Sum %a, %b, %c : (tensor<2xi64>, tensor<1xi64>, tensor<i64>) -> tensor<2xi64>
  %x = onnx.Constant dense<[1.0, 4.0]> : tensor<2xf32>
  %y = onnx.Constant dense<[3.0, 6.0]> : tensor<2xf32>
  %mean = onnx.Mean %x, %y : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %base = onnx.Constant dense<[2.0, 4.0]> : tensor<2xf32>
  %exp = onnx.Constant dense<[3.0, -1.0]> : tensor<2xf32>
  %pow = onnx.Pow %base, %exp : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %ib = onnx.Constant dense<[3, 1]> : tensor<2xi64>
  %ie = onnx.Constant dense<2> : tensor<i64>
  %ipow = onnx.Pow %ib, %ie : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %v = onnx.Constant dense<[-4, 9, 2]> : tensor<3xi64>
  %lo = onnx.Constant dense<0> : tensor<i64>
  %none = onnx.None
  %hi = onnx.Constant dense<5> : tensor<i64>
  %clip = onnx.Clip %v, %lo, %hi : (tensor<3xi64>, tensor<i64>, tensor<i64>) -> tensor<3xi64>
  return %max, %min, %sum, %mean, %pow, %ipow, %clip : tensor<2xi64>, tensor<2xi64>,
      tensor<2xi64>, tensor<2xf32>, tensor<2xf32>, tensor<2xi64>, tensor<3xi64>
}

// -----

// Not folded: integer Mean, an integer Pow with a negative exponent, Clip or
// Max of a non-constant, Pow with differently typed operands.
// CHECK-LABEL: func.func @no_fold_variadic_pow_clip
// CHECK:       onnx.Mean
// CHECK:       onnx.Pow
// CHECK:       onnx.Clip %arg0
// CHECK:       onnx.Max %arg0
// CHECK:       onnx.Pow
func.func @no_fold_variadic_pow_clip(%x: tensor<2xf32>)
    -> (tensor<2xi64>, tensor<2xi64>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %a = onnx.Constant dense<[1, 5]> : tensor<2xi64>
  %mean = onnx.Mean %a, %a : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %n = onnx.Constant dense<-1> : tensor<i64>
  %pow = onnx.Pow %a, %n : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %none = onnx.None
  %c = onnx.Constant dense<1.0> : tensor<f32>
  %clip = onnx.Clip %x, %c, %none : (tensor<2xf32>, tensor<f32>, none) -> tensor<2xf32>
  %max = onnx.Max %x, %c : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  %f = onnx.Constant dense<[2.0, 3.0]> : tensor<2xf32>
  %two = onnx.Constant dense<2> : tensor<i64>
  %fpow = onnx.Pow %f, %two : (tensor<2xf32>, tensor<i64>) -> tensor<2xf32>
  return %mean, %pow, %clip, %max, %fpow
      : tensor<2xi64>, tensor<2xi64>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}
