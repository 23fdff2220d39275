/*===- vmath_test.c - the kernels' SiLU against a float64 reference -------===*
 *
 * targets/cpu/kernels/vmath.h computes silu(x) = x * sigmoid(x) in the
 * epilogues of the GEMM and depthwise kernels, in scalar, AVX2 and AVX-512
 * forms. This checks each form the host can run: at most 4 ulp from
 * x / (1 + exp(-x)) in float64 over [-100, 100] (where the result is
 * above 1e-30 in magnitude), and the limits: NaN stays NaN, +inf and huge
 * x give x, huge negative x gives a zero, -inf gives NaN (as
 * -inf * sigmoid(-inf) does).
 *===----------------------------------------------------------------------===*/
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "../../targets/cpu/kernels/vmath.h"

typedef void (*silu_fn)(const float *x, float *y); /* 16 at a time */

static void silu_scalar(const float *x, float *y) {
  for (int i = 0; i < 16; ++i)
    y[i] = steedk_silu1(x[i]);
}
__attribute__((target("avx2,fma"))) static void silu_avx2(const float *x, float *y) {
  for (int i = 0; i < 16; i += 8)
    _mm256_storeu_ps(y + i, steedk_silu_avx2(_mm256_loadu_ps(x + i)));
}
__attribute__((target("avx512f"))) static void silu_avx512(const float *x, float *y) {
  _mm512_storeu_ps(y, steedk_silu_avx512(_mm512_loadu_ps(x)));
}

static double ulp_of(double v) {
  float f = fabsf((float)v);
  return f < FLT_MIN ? ldexp(1.0, -149) : ldexp(1.0, ilogbf(f) - 23);
}

static int check(const char *name, silu_fn fn) {
  int bad = 0;
  double worst = 0, worstX = 0;
  const int n = 4000000;
  for (int i = 0; i < n; i += 16) {
    float x[16], y[16];
    for (int k = 0; k < 16; ++k)
      x[k] = -100.0f + 200.0f * (float)(i + k) / (float)n;
    fn(x, y);
    for (int k = 0; k < 16; ++k) {
      double ref = (double)x[k] / (1.0 + exp(-(double)x[k]));
      if (fabs(ref) < 1e-30)
        continue;
      double e = fabs((double)y[k] - ref) / ulp_of(ref);
      if (!(e <= worst)) {
        worst = e;
        worstX = x[k];
      }
    }
  }
  if (!(worst <= 4.0)) {
    printf("FAIL %s: %.2f ulp at x = %.9g\n", name, worst, worstX);
    bad = 1;
  }
  float sx[16] = {NAN, INFINITY, -INFINITY, 1e30f, -1e30f, FLT_MAX, -FLT_MAX, 89.0f,
                  -89.0f, 100.0f, -100.0f, 0.0f, -0.0f, 1.0f, -1.0f, 88.5f};
  float sy[16];
  fn(sx, sy);
  for (int k = 0; k < 16; ++k) {
    float x = sx[k], y = sy[k];
    int ok;
    if (isnan(x) || (isinf(x) && x < 0))
      ok = isnan(y);
    else if (x >= 88.0f)
      ok = y == x;
    else if (x <= -89.0f)
      ok = y == 0.0f;
    else
      ok = fabs((double)y - (double)x / (1.0 + exp(-(double)x))) <= 4 * ulp_of(y) + 1e-38;
    if (!ok) {
      printf("FAIL %s: silu(%g) = %g\n", name, x, y);
      bad = 1;
    }
  }
  printf("%s %s: worst %.2f ulp\n", bad ? "FAIL" : "ok", name, worst);
  return bad;
}

int main(void) {
  int bad = check("scalar", silu_scalar);
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    bad |= check("avx2", silu_avx2);
  else
    printf("skipped avx2: the host lacks AVX2/FMA\n");
  if (__builtin_cpu_supports("avx512f"))
    bad |= check("avx512", silu_avx512);
  else
    printf("skipped avx512: the host lacks AVX-512F\n");
  return bad;
}
