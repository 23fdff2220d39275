/*===- vmath.h - activation functions applied in the kernels' epilogues ---===*
 *
 * SiLU (x * sigmoid(x), the Swish of EfficientNet) computed in registers
 * while a GEMM tile or a depthwise output row is stored, so the separate
 * loop nest over the whole tensor disappears. No libm; the scalar, AVX2 and
 * AVX-512 forms compute the same thing (up to rounding):
 *
 *   silu(x) = x / (1 + e),  e = exp(-c), c = x clamped to [-89, 89]
 *   n = round(-c * log2(e)),  u = c + n * ln 2 (in two parts, |u| <= ln2/2)
 *   e = p(u) * 2^n,  p(u) ~ exp(-u): degree 6, relative error 2e-9 on
 *   [-ln2/2, ln2/2] (least squares on Chebyshev nodes)
 *
 * c = -89 gives n = 128 and e = +inf, so x -> -inf gives -0; c = 89 gives
 * e < 2^-127, 1 + e = 1 and x -> +inf gives x; NaN stays NaN because the
 * division reads x itself. A few ulp overall (the division and p's
 * rounding); 15 vector operations with AVX-512 (vscalefps builds p * 2^n).
 *===----------------------------------------------------------------------===*/
#ifndef STEEDK_VMATH_H
#define STEEDK_VMATH_H

#include <stdint.h>
#include <string.h>

#define STEEDK_SILU_CLAMP 89.0f
#define STEEDK_LOG2E 1.44269504088896341f
#define STEEDK_LN2_HI 0.693359375f
#define STEEDK_LN2_LO -2.12194440e-4f
#define STEEDK_EXPN_P6 1.3829420786350965e-3f
#define STEEDK_EXPN_P5 -8.374771103262901e-3f
#define STEEDK_EXPN_P4 4.16683591902256e-2f
#define STEEDK_EXPN_P3 -1.666642129421234e-1f
#define STEEDK_EXPN_P2 4.9999991059303284e-1f
#define STEEDK_EXPN_P1 -1.0f
#define STEEDK_EXPN_P0 1.0f

/* 2^n for integer n in [-128, 128] (as a float): 2^(max(n, -125) - 1) * 2;
 * below 2^-125 only 1 + e matters, which is 1 either way. */
static inline float steedk_pow2i(int32_t n) {
  n = n < -125 ? -125 : n;
  uint32_t bits = (uint32_t)(n - 1 + 127) << 23;
  float f;
  memcpy(&f, &bits, sizeof f);
  return f * 2.0f;
}

static inline float steedk_silu1(float x) {
  if (x != x) /* NaN */
    return x;
  float c = x > STEEDK_SILU_CLAMP ? STEEDK_SILU_CLAMP : x;
  c = c < -STEEDK_SILU_CLAMP ? -STEEDK_SILU_CLAMP : c;
  float v = -c * STEEDK_LOG2E;
  int32_t n = (int32_t)(v + (v >= 0.0f ? 0.5f : -0.5f));
  float fn = (float)n;
  float u = c + fn * STEEDK_LN2_HI + fn * STEEDK_LN2_LO;
  float p = STEEDK_EXPN_P6;
  p = p * u + STEEDK_EXPN_P5;
  p = p * u + STEEDK_EXPN_P4;
  p = p * u + STEEDK_EXPN_P3;
  p = p * u + STEEDK_EXPN_P2;
  p = p * u + STEEDK_EXPN_P1;
  p = p * u + STEEDK_EXPN_P0;
  return x / (1.0f + p * steedk_pow2i(n));
}

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

/* Lanes l of 16 with 0 <= start + l < n (the lanes of a vector at start
 * that lie inside a row of n). */
static inline __mmask16 steedk_range_mask(int64_t start, int64_t n) {
  int64_t lo = start >= 0 ? 0 : -start, hi = n - start < 16 ? n - start : 16;
  if (hi <= lo)
    return 0;
  return (__mmask16)(((1u << hi) - 1u) & ~((1u << lo) - 1u));
}

/* p(u), the polynomial above, by Horner's rule. */
#define STEEDK_EXPN_POLY(fmadd, set1, u)                                                 \
  fmadd(fmadd(fmadd(fmadd(fmadd(fmadd(set1(STEEDK_EXPN_P6), u, set1(STEEDK_EXPN_P5)), u, \
                                      set1(STEEDK_EXPN_P4)),                             \
                                u, set1(STEEDK_EXPN_P3)),                                \
                          u, set1(STEEDK_EXPN_P2)),                                      \
                    u, set1(STEEDK_EXPN_P1)),                                            \
              u, set1(STEEDK_EXPN_P0))

__attribute__((target("avx512f"), always_inline)) static inline __m512
steedk_silu_avx512(__m512 x) {
  __m512 c = _mm512_min_ps(x, _mm512_set1_ps(STEEDK_SILU_CLAMP));
  c = _mm512_max_ps(c, _mm512_set1_ps(-STEEDK_SILU_CLAMP));
  __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(c, _mm512_set1_ps(-STEEDK_LOG2E)),
                                  _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 u = _mm512_fmadd_ps(n, _mm512_set1_ps(STEEDK_LN2_HI), c);
  u = _mm512_fmadd_ps(n, _mm512_set1_ps(STEEDK_LN2_LO), u);
  __m512 p = STEEDK_EXPN_POLY(_mm512_fmadd_ps, _mm512_set1_ps, u);
  __m512 e = _mm512_scalef_ps(p, n);
  return _mm512_div_ps(x, _mm512_add_ps(e, _mm512_set1_ps(1.0f)));
}

__attribute__((target("avx2,fma"), always_inline)) static inline __m256
steedk_silu_avx2(__m256 x) {
  __m256 c = _mm256_min_ps(x, _mm256_set1_ps(STEEDK_SILU_CLAMP));
  c = _mm256_max_ps(c, _mm256_set1_ps(-STEEDK_SILU_CLAMP));
  __m256 n = _mm256_round_ps(_mm256_mul_ps(c, _mm256_set1_ps(-STEEDK_LOG2E)),
                             _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 u = _mm256_fmadd_ps(n, _mm256_set1_ps(STEEDK_LN2_HI), c);
  u = _mm256_fmadd_ps(n, _mm256_set1_ps(STEEDK_LN2_LO), u);
  __m256 p = STEEDK_EXPN_POLY(_mm256_fmadd_ps, _mm256_set1_ps, u);
  /* 2^n as steedk_pow2i builds it. */
  __m256i ni = _mm256_max_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(-125));
  __m256 pow2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(ni, _mm256_set1_epi32(126)), 23));
  __m256 e = _mm256_mul_ps(_mm256_mul_ps(p, pow2), _mm256_set1_ps(2.0f));
  return _mm256_div_ps(x, _mm256_add_ps(e, _mm256_set1_ps(1.0f)));
}
#endif

#endif /* STEEDK_VMATH_H */
