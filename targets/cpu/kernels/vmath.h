/*===- vmath.h - activation functions applied in the kernels' epilogues ---===*
 *
 * SiLU (x * sigmoid(x), the Swish of EfficientNet) computed in registers
 * while a GEMM tile or a depthwise output row is stored, so the separate
 * loop nest over the whole tensor disappears. exp is the Cephes single
 * precision algorithm (range reduction by ln 2 in two parts, a degree-6
 * polynomial, the exponent built from the integer part): a few ulp, like
 * the polynomial exp of steed-cpu-approximate-math that the loop kernels
 * use. The scalar, AVX2 and AVX-512 forms compute the same thing; no libm.
 *
 *   silu(x) = x / (1 + exp(-x)),  exp's argument clamped to [-88.38, 88.38]
 *
 * (exp(88.38) rounds to +inf, so x -> -inf gives -0; x -> +inf gives x;
 * NaN stays NaN because the last division reads x itself.)
 *===----------------------------------------------------------------------===*/
#ifndef STEEDK_VMATH_H
#define STEEDK_VMATH_H

#include <stdint.h>
#include <string.h>

#define STEEDK_EXP_HI 88.3762626647949f
#define STEEDK_LOG2E 1.44269504088896341f
#define STEEDK_LN2_HI 0.693359375f
#define STEEDK_LN2_LO -2.12194440e-4f
#define STEEDK_EXP_P0 1.9875691500e-4f
#define STEEDK_EXP_P1 1.3981999507e-3f
#define STEEDK_EXP_P2 8.3334519073e-3f
#define STEEDK_EXP_P3 4.1665795894e-2f
#define STEEDK_EXP_P4 1.6666665459e-1f
#define STEEDK_EXP_P5 5.0000001201e-1f

static inline float steedk_silu1(float x) {
  float t = -x;
  t = t > STEEDK_EXP_HI ? STEEDK_EXP_HI : t;
  t = t < -STEEDK_EXP_HI ? -STEEDK_EXP_HI : t;
  if (t != t) /* NaN */
    return x;
  float fx = t * STEEDK_LOG2E + 0.5f;
  int32_t n = (int32_t)fx;
  if ((float)n > fx) /* floor */
    --n;
  float fn = (float)n;
  float r = t - fn * STEEDK_LN2_HI - fn * STEEDK_LN2_LO;
  float y = STEEDK_EXP_P0;
  y = y * r + STEEDK_EXP_P1;
  y = y * r + STEEDK_EXP_P2;
  y = y * r + STEEDK_EXP_P3;
  y = y * r + STEEDK_EXP_P4;
  y = y * r + STEEDK_EXP_P5;
  y = y * r * r + r + 1.0f;
  uint32_t bits = (uint32_t)(n + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return x / (1.0f + y * scale);
}

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

__attribute__((target("avx512f"), always_inline)) static inline __m512
steedk_silu_avx512(__m512 x) {
  __m512 t = _mm512_sub_ps(_mm512_setzero_ps(), x);
  t = _mm512_min_ps(t, _mm512_set1_ps(STEEDK_EXP_HI));
  t = _mm512_max_ps(t, _mm512_set1_ps(-STEEDK_EXP_HI));
  __m512 fx = _mm512_fmadd_ps(t, _mm512_set1_ps(STEEDK_LOG2E), _mm512_set1_ps(0.5f));
  fx = _mm512_roundscale_ps(fx, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(fx, _mm512_set1_ps(STEEDK_LN2_HI), t);
  r = _mm512_fnmadd_ps(fx, _mm512_set1_ps(STEEDK_LN2_LO), r);
  __m512 y = _mm512_set1_ps(STEEDK_EXP_P0);
  y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(STEEDK_EXP_P1));
  y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(STEEDK_EXP_P2));
  y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(STEEDK_EXP_P3));
  y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(STEEDK_EXP_P4));
  y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(STEEDK_EXP_P5));
  y = _mm512_fmadd_ps(y, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  __m512i n = _mm512_add_epi32(_mm512_cvttps_epi32(fx), _mm512_set1_epi32(127));
  __m512 scale = _mm512_castsi512_ps(_mm512_slli_epi32(n, 23));
  return _mm512_div_ps(x, _mm512_fmadd_ps(y, scale, _mm512_set1_ps(1.0f)));
}

__attribute__((target("avx2,fma"), always_inline)) static inline __m256
steedk_silu_avx2(__m256 x) {
  __m256 t = _mm256_sub_ps(_mm256_setzero_ps(), x);
  t = _mm256_min_ps(t, _mm256_set1_ps(STEEDK_EXP_HI));
  t = _mm256_max_ps(t, _mm256_set1_ps(-STEEDK_EXP_HI));
  __m256 fx = _mm256_fmadd_ps(t, _mm256_set1_ps(STEEDK_LOG2E), _mm256_set1_ps(0.5f));
  fx = _mm256_floor_ps(fx);
  __m256 r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(STEEDK_LN2_HI), t);
  r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(STEEDK_LN2_LO), r);
  __m256 y = _mm256_set1_ps(STEEDK_EXP_P0);
  y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(STEEDK_EXP_P1));
  y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(STEEDK_EXP_P2));
  y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(STEEDK_EXP_P3));
  y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(STEEDK_EXP_P4));
  y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(STEEDK_EXP_P5));
  y = _mm256_fmadd_ps(y, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  __m256i n = _mm256_add_epi32(_mm256_cvttps_epi32(fx), _mm256_set1_epi32(127));
  __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(n, 23));
  return _mm256_div_ps(x, _mm256_fmadd_ps(y, scale, _mm256_set1_ps(1.0f)));
}
#endif

#endif /* STEEDK_VMATH_H */
