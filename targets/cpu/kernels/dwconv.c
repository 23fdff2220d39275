/*===- dwconv.c - FP32 depthwise convolution linked into model.so ---------===*
 *
 * steed-cpu-microkernels (targets/cpu/Microkernels.cpp) rewrites f32
 * linalg.depthwise_conv_2d_nchw_chw into a call of steedk_dwconv2d below.
 * No state, no allocation (a few KB of row buffers on the caller's stack),
 * reentrant; with several threads the channel planes are split over the
 * run's thread pool (the steed_kernel_context passed as the last argument).
 *
 * Per channel plane, output rows are computed one at a time, vectorized
 * along the output width (16 floats per zmm, 4 zmm accumulators). The input
 * rows an output row needs are kept, zero padded, in a small ring of row
 * buffers, each split into `sw` phases (phase p holds padded columns
 * p, p + sw, p + 2*sw, ...), so that every tap (kx) of a strided, dilated
 * filter reads contiguous floats: input column ox*sw + kx*dw is element
 * ox + (kx*dw)/sw of phase (kx*dw)%sw. Padding is therefore handled here:
 * the kernel reads the unpadded input. Rows above/below the input are
 * skipped. The 3x3 and 5x5 filters get fully unrolled tap loops.
 *===----------------------------------------------------------------------===*/
#include <stdint.h>
#include <string.h>

#include "steed/kernel_abi.h"
#include "vmath.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define STEEDK_X86 1
#endif

/* flags of steedk_dwconv2d; the ISA bits are those of steedk_sgemm. */
enum {
  DW_ISA_MASK = 3,  /* 0 generic C, 1 AVX2+FMA, 2 AVX-512F */
  DW_INIT_BIAS = 16, /* Y = bias[c] + conv (else Y += conv) */
  DW_INIT_ZERO = 32, /* Y = conv */
  DW_ACT_MIN = 64,   /* Y = max(Y, lo) at the end (NaN stays NaN) */
  DW_ACT_MAX = 128,  /* Y = min(Y, hi) at the end */
  DW_SILU = 256,     /* Y = Y * sigmoid(Y) at the end, before the clamps */
  DW_MAX = 512,      /* max pooling: Y = the window's max (no weights;
                        padding and rows outside X read -inf; NaN stays) */
};

#define DW_BUF 4096   /* floats of phase-split input band (16 KB) */
#define DW_OUT 4096   /* floats of output band (16 KB) */
#define DW_SLACK 64   /* floats read past a band by the last vectors */
#define DW_MAX_TAPS 64

typedef struct {
  int64_t flags, planes, c, h, w, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl;
  const float *x, *wt, *bias;
  float *y;
  float lo, hi; /* -inf / +inf without DW_ACT_MIN / DW_ACT_MAX */
  float pad;    /* what padding reads: 0, or -inf with DW_MAX */
} dw_job;

/* Whether Y starts from the bias, zero or -inf (mode 1 of the loops),
 * rather than being accumulated into (mode 0). */
static inline int starts_fresh(const dw_job *j) {
  return (j->flags & (DW_INIT_BIAS | DW_INIT_ZERO | DW_MAX)) != 0;
}

/* Geometry of a band: the padded input is split into sh*sw phase planes
 * ("subs"): sub (ry, rx) row i, column t holds padded input
 * (i*sh + ry, t*sw + rx) of the band. Output (oy, ox) of the band is the
 * flat element oy*p + ox of the band's output rows of pitch p; tap (ky, kx)
 * reads flat element oy*p + ox + tap[ky*kw + kx] of the input buffer. */
#define DW_MAX_STRIDE 8

typedef struct {
  int64_t p, qy, rows, sub, nb;
  int64_t tap[DW_MAX_TAPS];
  /* per column phase rx: elements [lo, hi) of a sub row come from the
   * input row (the rest is padding) */
  int64_t lo[DW_MAX_STRIDE], hi[DW_MAX_STRIDE];
} dw_geom;

static int band_geometry(const dw_job *j, dw_geom *g) {
  if (j->kh * j->kw > DW_MAX_TAPS || j->sw > DW_MAX_STRIDE)
    return 0;
  int64_t wp = (j->ow - 1) * j->sw + (j->kw - 1) * j->dw + 1; /* padded columns read */
  g->p = (wp + j->sw - 1) / j->sw;
  g->qy = ((j->kh - 1) * j->dh) / j->sh;
  int64_t subs = j->sh * j->sw;
  /* Largest band: subs * ((nb + qy) * p + 16) + p + slack <= DW_BUF (the
   * dropped outputs of the last row read up to p + 15 floats past the last
   * sub), nb * p + slack <= DW_OUT. */
  int64_t nb = ((DW_BUF - g->p - DW_SLACK) / subs - 16) / g->p - g->qy;
  int64_t nbOut = (DW_OUT - DW_SLACK) / g->p;
  if (nbOut < nb)
    nb = nbOut;
  if (nb < 1)
    return 0;
  if (nb > j->oh)
    nb = j->oh;
  /* equal bands */
  int64_t bands = (j->oh + nb - 1) / nb;
  g->nb = (j->oh + bands - 1) / bands;
  g->rows = g->nb + g->qy;
  g->sub = g->rows * g->p + 16;
  for (int64_t ky = 0; ky < j->kh; ++ky)
    for (int64_t kx = 0; kx < j->kw; ++kx) {
      int64_t vy = ky * j->dh, vx = kx * j->dw;
      g->tap[ky * j->kw + kx] =
          ((vy % j->sh) * j->sw + vx % j->sw) * g->sub + (vy / j->sh) * g->p + vx / j->sw;
    }
  for (int64_t rx = 0; rx < j->sw; ++rx) {
    /* element t is input column t*sw + rx - pl */
    int64_t lo = j->pl - rx > 0 ? (j->pl - rx + j->sw - 1) / j->sw : 0;
    int64_t last = j->w - 1 + j->pl - rx;
    int64_t hi = last >= 0 ? last / j->sw + 1 : 0;
    if (lo > g->p)
      lo = g->p;
    if (hi > g->p)
      hi = g->p;
    if (hi < lo)
      hi = lo;
    g->lo[rx] = lo;
    g->hi[rx] = hi;
  }
  return 1;
}

#ifdef STEEDK_X86
/* dst[t] = s[2t], t < n */
__attribute__((target("avx512f"))) static void deinterleave2_avx512(float *dst,
                                                                    const float *s,
                                                                    int64_t n) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26,
                                         28, 30);
  int64_t t = 0;
  for (; t + 16 <= n; t += 16) {
    __mmask16 hiMask = (__mmask16)(t + 16 < n ? 0xFFFF : 0x7FFF); /* s[2n-1] may be past the row */
    __m512 a = _mm512_loadu_ps(s + 2 * t);
    __m512 b = _mm512_maskz_loadu_ps(hiMask, s + 2 * t + 16);
    _mm512_storeu_ps(dst + t, _mm512_permutex2var_ps(a, even, b));
  }
  for (; t < n; ++t)
    dst[t] = s[2 * t];
}

__attribute__((target("avx2,fma"))) static void deinterleave2_avx2(float *dst,
                                                                  const float *s,
                                                                  int64_t n) {
  int64_t t = 0;
  /* reads s[2t .. 2t+15]; the last element needed is s[2n-2] */
  for (; t + 8 < n; t += 8) {
    __m256 a = _mm256_loadu_ps(s + 2 * t), b = _mm256_loadu_ps(s + 2 * t + 8);
    __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    e = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)));
    _mm256_storeu_ps(dst + t, e);
  }
  for (; t < n; ++t)
    dst[t] = s[2 * t];
}
#endif

/* Short copies and fills. Rows are often a few dozen floats, where a
 * memcpy/memset call costs as much as the copy, and masked stores are slow:
 * the vector versions store whole vectors, up to 15 floats past the end of
 * dst (callers leave room there or overwrite it afterwards), and read
 * nothing past the end of src. */
#ifdef STEEDK_X86
__attribute__((target("avx512f"))) static void copy_avx512(float *dst, const float *src,
                                                           int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(dst + i, _mm512_loadu_ps(src + i));
  if (i < n)
    _mm512_storeu_ps(dst + i,
                     _mm512_maskz_loadu_ps((__mmask16)((1u << (n - i)) - 1u), src + i));
}
__attribute__((target("avx512f"))) static void zero_avx512(float *dst, int64_t n) {
  for (int64_t i = 0; i < n; i += 16)
    _mm512_storeu_ps(dst + i, _mm512_setzero_ps());
}
#endif

/* dst[0, n) = src[0, n); may write dst[n, n + 16). */
static void copy_floats(int64_t flags, float *dst, const float *src, int64_t n) {
#ifdef STEEDK_X86
  if ((flags & DW_ISA_MASK) == 2) {
    copy_avx512(dst, src, n);
    return;
  }
#endif
  (void)flags;
  memcpy(dst, src, (size_t)n * sizeof(float));
}

/* dst[0, n) = 0; may write dst[n, n + 16). */
static void zero_floats(int64_t flags, float *dst, int64_t n) {
#ifdef STEEDK_X86
  if ((flags & DW_ISA_MASK) == 2) {
    zero_avx512(dst, n);
    return;
  }
#endif
  (void)flags;
  memset(dst, 0, (size_t)n * sizeof(float));
}

/* The activation of an output row: SiLU (with DW_SILU), then the clamps
 * (lo = -inf / hi = +inf without DW_ACT_MIN / DW_ACT_MAX). */
#ifdef STEEDK_X86
__attribute__((target("avx512f"), always_inline)) static inline __m512
act_avx512(__m512 v, int silu, __m512 l, __m512 h) {
  if (silu)
    v = steedk_silu_avx512(v);
  return _mm512_min_ps(h, _mm512_max_ps(l, v));
}

__attribute__((target("avx512f"))) static void act_row_avx512(float *dst, const float *src,
                                                              int64_t n, int silu, float lo,
                                                              float hi) {
  __m512 l = _mm512_set1_ps(lo), h = _mm512_set1_ps(hi);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(dst + i, act_avx512(_mm512_loadu_ps(src + i), silu, l, h));
  if (i < n) {
    __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
    _mm512_mask_storeu_ps(dst + i, m, act_avx512(_mm512_maskz_loadu_ps(m, src + i), silu, l, h));
  }
}
#endif

static inline float act1(float v, int silu, float lo, float hi) {
  if (silu)
    v = steedk_silu1(v);
  if (v < lo) /* NaN stays NaN, as Clip's select and maximumf */
    v = lo;
  if (v > hi)
    v = hi;
  return v;
}

/* dst[0, n) = act(src[0, n)) with DW_SILU/DW_ACT_MIN/DW_ACT_MAX (no write
 * past dst + n), or copy_floats (exact = 0) / memcpy (exact = 1) without. */
static void store_row(const dw_job *j, float *dst, const float *src, int64_t n, int exact) {
  if (!(j->flags & (DW_SILU | DW_ACT_MIN | DW_ACT_MAX))) {
    if (exact)
      memcpy(dst, src, (size_t)n * sizeof(float));
    else
      copy_floats(j->flags, dst, src, n);
    return;
  }
  int silu = (j->flags & DW_SILU) != 0;
#ifdef STEEDK_X86
  if ((j->flags & DW_ISA_MASK) == 2) {
    act_row_avx512(dst, src, n, silu, j->lo, j->hi);
    return;
  }
#endif
  for (int64_t i = 0; i < n; ++i)
    dst[i] = act1(src[i], silu, j->lo, j->hi);
}

/* dst[0, n) = j->pad; may write dst[n, n + 16). */
static void pad_floats(const dw_job *j, float *dst, int64_t n) {
  if (j->pad == 0.0f) {
    zero_floats(j->flags, dst, n);
    return;
  }
  for (int64_t i = 0; i < n; ++i)
    dst[i] = j->pad;
}

/* Sub row for input row xrow (NULL: outside the input, all padding): phase
 * rx, element t = input column t*sw + rx - pl. */
static void fill_sub_row(const dw_job *j, const dw_geom *g, const float *xrow, int64_t rx,
                         float *dst) {
  int64_t p = g->p;
  if (!xrow) {
    pad_floats(j, dst, p);
    return;
  }
  int64_t lo = g->lo[rx], hi = g->hi[rx];
  /* left padding, the input's columns, the right padding: each part may
   * write past its end (copy_floats), the next one overwrites it */
  for (int64_t t = 0; t < lo; ++t)
    dst[t] = j->pad;
  const float *s = xrow + lo * j->sw + rx - j->pl;
  if (j->sw == 1) {
    copy_floats(j->flags, dst + lo, s, hi - lo);
  } else if (j->sw == 2) {
    switch (j->flags & DW_ISA_MASK) {
#ifdef STEEDK_X86
    case 2:
      deinterleave2_avx512(dst + lo, s, hi - lo);
      break;
    case 1:
      deinterleave2_avx2(dst + lo, s, hi - lo);
      break;
#endif
    default:
      for (int64_t t = lo; t < hi; ++t, s += 2)
        dst[t] = *s;
    }
  } else {
    for (int64_t t = lo; t < hi; ++t, s += j->sw)
      dst[t] = *s;
  }
  if (p > hi)
    pad_floats(j, dst + hi, p - hi);
}

/* The input of output rows [oy0, oy0 + nb) into buf. */
static void fill_band(const dw_job *j, const dw_geom *g, const float *xp, int64_t oy0,
                      int64_t nb, float *buf) {
  for (int64_t ry = 0; ry < j->sh; ++ry)
    for (int64_t rx = 0; rx < j->sw; ++rx) {
      float *sub = buf + (ry * j->sw + rx) * g->sub;
      for (int64_t i = 0; i < nb + g->qy; ++i) {
        int64_t iy = (oy0 + i) * j->sh + ry - j->pt;
        fill_sub_row(j, g, iy >= 0 && iy < j->h ? xp + iy * j->w : 0, rx, sub + i * g->p);
      }
    }
}

/* out[f] (= init, or += with mode 0 where out holds Y) + taps, for
 * f < n (rounded up to the vector steps; out and buf have slack). */
static inline __attribute__((always_inline)) void
band_generic(const float *buf, const int64_t *tap, const float *wp, int64_t taps, float init,
             int mode, float *out, int64_t n) {
  for (int64_t f = 0; f < n; f += 16) {
    float acc[16];
    for (int i = 0; i < 16; ++i)
      acc[i] = mode ? init : out[f + i];
    for (int64_t t = 0; t < taps; ++t) {
      const float *s = buf + tap[t] + f;
      float wv = wp[t];
      for (int i = 0; i < 16; ++i)
        acc[i] += wv * s[i];
    }
    for (int i = 0; i < 16; ++i)
      out[f + i] = acc[i];
  }
}

/* The four accumulators of outputs [f, f + 4 VL) of a band loop: from
 * init (mode) or from out, and stored back. */
#define DW_ACC4_START(SET1, LOADU, VL)                                         \
  if (mode) {                                                                  \
    a0 = a1 = a2 = a3 = SET1(init);                                            \
  } else {                                                                     \
    a0 = LOADU(out + f);                                                       \
    a1 = LOADU(out + f + VL);                                                  \
    a2 = LOADU(out + f + 2 * VL);                                              \
    a3 = LOADU(out + f + 3 * VL);                                              \
  }
#define DW_ACC4_STORE(STOREU, VL)                                              \
  STOREU(out + f, a0);                                                         \
  STOREU(out + f + VL, a1);                                                    \
  STOREU(out + f + 2 * VL, a2);                                                \
  STOREU(out + f + 3 * VL, a3);

/* The same per ISA: four vectors of VL floats at a time, then one. */
#define DW_BAND(NAME, ATTR, VEC, VL, SET1, LOADU, STOREU, FMA)                 \
  ATTR static inline __attribute__((always_inline)) void NAME(                 \
      const float *buf, const int64_t *tap, const float *wp, int64_t taps,     \
      float init, int mode, float *out, int64_t n) {                           \
    int64_t f = 0;                                                             \
    for (; f + 4 * VL <= n + VL - 1; f += 4 * VL) {                            \
      VEC a0, a1, a2, a3;                                                      \
      DW_ACC4_START(SET1, LOADU, VL)                                           \
      for (int64_t t = 0; t < taps; ++t) {                                     \
        const float *s = buf + tap[t] + f;                                     \
        VEC wv = SET1(wp[t]);                                                  \
        a0 = FMA(wv, LOADU(s), a0);                                            \
        a1 = FMA(wv, LOADU(s + VL), a1);                                       \
        a2 = FMA(wv, LOADU(s + 2 * VL), a2);                                   \
        a3 = FMA(wv, LOADU(s + 3 * VL), a3);                                   \
      }                                                                        \
      DW_ACC4_STORE(STOREU, VL)                                                \
    }                                                                          \
    for (; f < n; f += VL) {                                                   \
      VEC a0 = mode ? SET1(init) : LOADU(out + f);                             \
      for (int64_t t = 0; t < taps; ++t)                                       \
        a0 = FMA(SET1(wp[t]), LOADU(buf + tap[t] + f), a0);                    \
      STOREU(out + f, a0);                                                     \
    }                                                                          \
  }

#ifdef STEEDK_X86
DW_BAND(band_avx512, __attribute__((target("avx512f"))), __m512, 16, _mm512_set1_ps,
        _mm512_loadu_ps, _mm512_storeu_ps, _mm512_fmadd_ps)
DW_BAND(band_avx2, __attribute__((target("avx2,fma"))), __m256, 8, _mm256_set1_ps,
        _mm256_loadu_ps, _mm256_storeu_ps, _mm256_fmadd_ps)
#endif

/* The taps of one band; 3x3 and 5x5 unrolled (constant tap count). */
#define DW_DEFINE_BAND(NAME, BAND, ATTR)                                       \
  ATTR static void NAME(const float *buf, const int64_t *tap, const float *wp, \
                        int64_t taps, float init, int mode, float *out,        \
                        int64_t n) {                                           \
    if (taps == 9)                                                             \
      BAND(buf, tap, wp, 9, init, mode, out, n);                               \
    else if (taps == 25)                                                       \
      BAND(buf, tap, wp, 25, init, mode, out, n);                              \
    else                                                                       \
      BAND(buf, tap, wp, taps, init, mode, out, n);                            \
  }
DW_DEFINE_BAND(taps_generic, band_generic, )
#ifdef STEEDK_X86
DW_DEFINE_BAND(taps_avx512, band_avx512, __attribute__((target("avx512f"))))
DW_DEFINE_BAND(taps_avx2, band_avx2, __attribute__((target("avx2,fma"))))
#endif

/* 3x3 and 5x5 filters, strides 1 and 2, no dilation: everything but the
 * row pitch p and the sub size is a constant, so the taps' addresses are
 * KH*SW row pointers plus constant displacements and the weights stay in
 * registers. */
#define DW_SPEC(NAME, ATTR, VEC, VL, SET1, LOADU, STOREU, FMA)                 \
  ATTR static inline __attribute__((always_inline)) void NAME(                 \
      const float *buf, int64_t sub, int64_t p, const float *wp, float init,   \
      int mode, float *restrict out, int64_t n, const int KH, const int KW,    \
      const int SH, const int SW) {                                            \
    VEC wv[25];                                                                \
    const float *rb[5][2];                                                     \
    for (int t = 0; t < KH * KW; ++t)                                          \
      wv[t] = SET1(wp[t]);                                                     \
    for (int ky = 0; ky < KH; ++ky)                                            \
      for (int rx = 0; rx < SW; ++rx)                                          \
        rb[ky][rx] = buf + ((ky % SH) * SW + rx) * sub + (ky / SH) * p;        \
    int64_t f = 0;                                                             \
    for (; f + 4 * VL <= n + VL - 1; f += 4 * VL) {                            \
      VEC a0, a1, a2, a3;                                                      \
      DW_ACC4_START(SET1, LOADU, VL)                                           \
      for (int ky = 0; ky < KH; ++ky)                                          \
        for (int kx = 0; kx < KW; ++kx) {                                      \
          const float *r = rb[ky][kx % SW] + f + kx / SW;                      \
          VEC w = wv[ky * KW + kx];                                            \
          a0 = FMA(w, LOADU(r), a0);                                           \
          a1 = FMA(w, LOADU(r + VL), a1);                                      \
          a2 = FMA(w, LOADU(r + 2 * VL), a2);                                  \
          a3 = FMA(w, LOADU(r + 3 * VL), a3);                                  \
        }                                                                      \
      DW_ACC4_STORE(STOREU, VL)                                                \
    }                                                                          \
    for (; f < n; f += VL) {                                                   \
      VEC a0 = mode ? SET1(init) : LOADU(out + f);                             \
      for (int ky = 0; ky < KH; ++ky)                                          \
        for (int kx = 0; kx < KW; ++kx)                                        \
          a0 = FMA(wv[ky * KW + kx], LOADU(rb[ky][kx % SW] + f + kx / SW), a0); \
      STOREU(out + f, a0);                                                     \
    }                                                                          \
  }

#define DW_DEFINE_SPECS(NAME, SPEC, ATTR)                                      \
  ATTR static int NAME(const dw_job *j, const dw_geom *g, const float *wp,     \
                       float init, int mode, const float *buf, float *out,     \
                       int64_t n) {                                            \
    if (j->dh != 1 || j->dw != 1 || j->kh != j->kw ||                          \
        (j->kh != 3 && j->kh != 5) || j->sh != j->sw || j->sh > 2)             \
      return 0;                                                                \
    if (j->kh == 3 && j->sh == 1)                                              \
      SPEC(buf, g->sub, g->p, wp, init, mode, out, n, 3, 3, 1, 1);             \
    else if (j->kh == 3)                                                       \
      SPEC(buf, g->sub, g->p, wp, init, mode, out, n, 3, 3, 2, 2);             \
    else if (j->sh == 1)                                                       \
      SPEC(buf, g->sub, g->p, wp, init, mode, out, n, 5, 5, 1, 1);             \
    else                                                                       \
      SPEC(buf, g->sub, g->p, wp, init, mode, out, n, 5, 5, 2, 2);             \
    return 1;                                                                  \
  }

#ifdef STEEDK_X86
DW_SPEC(spec_avx512, __attribute__((target("avx512f"))), __m512, 16, _mm512_set1_ps,
        _mm512_loadu_ps, _mm512_storeu_ps, _mm512_fmadd_ps)
DW_SPEC(spec_avx2, __attribute__((target("avx2,fma"))), __m256, 8, _mm256_set1_ps,
        _mm256_loadu_ps, _mm256_storeu_ps, _mm256_fmadd_ps)
DW_DEFINE_SPECS(specs_avx512, spec_avx512, __attribute__((target("avx512f"))))
DW_DEFINE_SPECS(specs_avx2, spec_avx2, __attribute__((target("avx2,fma"))))
#endif

/* Max pooling: out[f] = max over the taps, for f < n (rounded up to the
 * vector steps). NaN stays NaN: max(x, acc) keeps a NaN acc, and a NaN x is
 * remembered in a mask. */
static inline __attribute__((always_inline)) void
maxband_generic(const float *buf, const int64_t *tap, int64_t taps, float *out, int64_t n) {
  for (int64_t f = 0; f < n; f += 16) {
    float acc[16];
    for (int i = 0; i < 16; ++i)
      acc[i] = -__builtin_inff();
    for (int64_t t = 0; t < taps; ++t) {
      const float *s = buf + tap[t] + f;
      for (int i = 0; i < 16; ++i)
        acc[i] = (s[i] > acc[i] || s[i] != s[i]) ? s[i] : acc[i];
    }
    for (int i = 0; i < 16; ++i)
      out[f + i] = acc[i];
  }
}

#ifdef STEEDK_X86
__attribute__((target("avx512f"))) static inline __attribute__((always_inline)) void
maxband_avx512(const float *buf, const int64_t *tap, int64_t taps, float *out, int64_t n) {
  const __m512 ninf = _mm512_set1_ps(-__builtin_inff());
  int64_t f = 0;
  for (; f + 32 <= n + 15; f += 32) {
    __m512 a0 = ninf, a1 = ninf;
    __mmask16 n0 = 0, n1 = 0;
    for (int64_t t = 0; t < taps; ++t) {
      const float *s = buf + tap[t] + f;
      __m512 x0 = _mm512_loadu_ps(s), x1 = _mm512_loadu_ps(s + 16);
      n0 |= _mm512_cmp_ps_mask(x0, x0, _CMP_UNORD_Q);
      n1 |= _mm512_cmp_ps_mask(x1, x1, _CMP_UNORD_Q);
      a0 = _mm512_max_ps(x0, a0);
      a1 = _mm512_max_ps(x1, a1);
    }
    _mm512_storeu_ps(out + f, _mm512_mask_mov_ps(a0, n0, _mm512_set1_ps(__builtin_nanf(""))));
    _mm512_storeu_ps(out + f + 16,
                     _mm512_mask_mov_ps(a1, n1, _mm512_set1_ps(__builtin_nanf(""))));
  }
  for (; f < n; f += 16) {
    __m512 a0 = ninf;
    __mmask16 n0 = 0;
    for (int64_t t = 0; t < taps; ++t) {
      __m512 x0 = _mm512_loadu_ps(buf + tap[t] + f);
      n0 |= _mm512_cmp_ps_mask(x0, x0, _CMP_UNORD_Q);
      a0 = _mm512_max_ps(x0, a0);
    }
    _mm512_storeu_ps(out + f, _mm512_mask_mov_ps(a0, n0, _mm512_set1_ps(__builtin_nanf(""))));
  }
}
#endif

#define DW_DEFINE_MAXBAND(NAME, BAND, ATTR)                                    \
  ATTR static void NAME(const float *buf, const int64_t *tap, int64_t taps,    \
                        float *out, int64_t n) {                               \
    if (taps == 9)                                                             \
      BAND(buf, tap, 9, out, n);                                               \
    else                                                                       \
      BAND(buf, tap, taps, out, n);                                            \
  }
DW_DEFINE_MAXBAND(maxtaps_generic, maxband_generic, )
#ifdef STEEDK_X86
DW_DEFINE_MAXBAND(maxtaps_avx512, maxband_avx512, __attribute__((target("avx512f"))))
#endif

static void compute_band(const dw_job *j, const dw_geom *g, const float *wp, float init,
                         int mode, const float *buf, float *out, int64_t n) {
  int64_t taps = j->kh * j->kw;
  if (j->flags & DW_MAX) {
#ifdef STEEDK_X86
    if ((j->flags & DW_ISA_MASK) == 2) {
      maxtaps_avx512(buf, g->tap, taps, out, n);
      return;
    }
#endif
    maxtaps_generic(buf, g->tap, taps, out, n);
    return;
  }
  switch (j->flags & DW_ISA_MASK) {
#ifdef STEEDK_X86
  case 2:
    if (specs_avx512(j, g, wp, init, mode, buf, out, n))
      break;
    taps_avx512(buf, g->tap, wp, taps, init, mode, out, n);
    break;
  case 1:
    if (specs_avx2(j, g, wp, init, mode, buf, out, n))
      break;
    taps_avx2(buf, g->tap, wp, taps, init, mode, out, n);
    break;
#endif
  default:
    taps_generic(buf, g->tap, wp, taps, init, mode, out, n);
    break;
  }
}

/* With mode 0 (accumulate), the band's output rows into out first. */
static void load_band(const dw_job *j, const dw_geom *g, const float *yp, int64_t oy0,
                      int64_t nb, float *out) {
  for (int64_t r = 0; r < nb; ++r)
    copy_floats(j->flags, out + r * g->p, yp + (oy0 + r) * j->ow, j->ow);
}

/* The band's output rows from out into Y: rows in order, each overwriting
 * what the previous one wrote past its end; exactly the band's last row
 * (the next band, in accumulate mode, reads Y first) and rows whose
 * overshoot would leave the plane (the next plane may belong to another
 * thread, or be past the end of Y). */
static void store_band(const dw_job *j, const dw_geom *g, float *yp, int64_t oy0, int64_t nb,
                       const float *out) {
  int64_t planeEnd = j->oh * j->ow;
  for (int64_t r = 0; r < nb; ++r) {
    int64_t at = (oy0 + r) * j->ow;
    store_row(j, yp + at, out + r * g->p, j->ow, !(r + 1 < nb && at + j->ow + 16 <= planeEnd));
  }
}

/* One channel plane, band by band. */
static void plane_bands(const dw_job *j, const dw_geom *g, const float *xp, const float *wp,
                        float *yp, float init, int mode, float *buf, float *out) {
  for (int64_t oy0 = 0; oy0 < j->oh; oy0 += g->nb) {
    int64_t nb = j->oh - oy0 < g->nb ? j->oh - oy0 : g->nb;
    fill_band(j, g, xp, oy0, nb, buf);
    if (!mode)
      load_band(j, g, yp, oy0, nb, out);
    compute_band(j, g, wp, init, mode, buf, out, nb * g->p);
    store_band(j, g, yp, oy0, nb, out);
  }
}

/* Direct, bounds-checked loops: shapes whose rows do not fit the buffers. */
static void plane_direct(const dw_job *j, const float *xp, const float *wp, float *yp,
                         float init, int mode) {
  for (int64_t oy = 0; oy < j->oh; ++oy)
    for (int64_t ox = 0; ox < j->ow; ++ox) {
      float acc = mode ? init : yp[oy * j->ow + ox];
      int max = (j->flags & DW_MAX) != 0;
      for (int64_t ky = 0; ky < j->kh; ++ky) {
        int64_t iy = oy * j->sh + ky * j->dh - j->pt;
        if (iy < 0 || iy >= j->h)
          continue;
        for (int64_t kx = 0; kx < j->kw; ++kx) {
          int64_t ix = ox * j->sw + kx * j->dw - j->pl;
          if (ix < 0 || ix >= j->w)
            continue;
          float v = xp[iy * j->w + ix];
          if (!max)
            acc += wp[ky * j->kw + kx] * v;
          else if (v > acc || v != v)
            acc = v;
        }
      }
      yp[oy * j->ow + ox] = act1(acc, (j->flags & DW_SILU) != 0, j->lo, j->hi);
    }
}

/* Where channel ch's output starts: its bias, zero, or -inf (max pooling). */
static float plane_init(const dw_job *j, int64_t ch) {
  if (j->flags & DW_MAX)
    return -__builtin_inff();
  return (j->flags & DW_INIT_BIAS) ? j->bias[ch] : 0.0f;
}

/* Channel ch's weights (none for max pooling). */
static const float *plane_weights(const dw_job *j, int64_t ch) {
  return j->wt ? j->wt + ch * j->kh * j->kw : 0;
}

/* ---- Direct path: 3x3 / 5x5, stride 1 or 2, no dilation, AVX-512 -------
 * Each output row is computed straight from the input rows it needs, 16
 * outputs per zmm, 4 zmm at a time, and stored once with its activation:
 * no band buffers. Columns outside the input are masked-off lanes of the
 * loads (zeros; never read, so the addresses may lie outside X), rows
 * outside it are skipped. Stride 2 loads 32 consecutive input columns and
 * keeps the even ones. The masks depend only on the vector's position and
 * the tap column, so they are computed once per call. Max pooling (DW_MAX)
 * runs the same loops with max for the FMA and -inf in the masked-off
 * lanes. */
#ifdef STEEDK_X86
#define DWD_MAX_POS 64 /* output rows up to 1024 columns */

#define DWD_FLAT_NV 4 /* flat planes: up to 64 outputs */

typedef struct {
  int npos;
  __mmask16 store[DWD_MAX_POS];
  __mmask16 load[DWD_MAX_POS][5][2]; /* [position][kx][half (stride 2)] */
  /* Flat planes (stride 1, output the input's size, at most 64 outputs: a
   * 7x7 plane): flatNV vectors over the whole plane, tap t reading the
   * input shifted by flatShift[t] under flatLoad[v][t]; 0 when not flat. */
  int flatNV;
  __mmask16 flatStore[DWD_FLAT_NV];
  __mmask16 flatLoad[DWD_FLAT_NV][25];
  int32_t flatShift[25];
} dwd_masks;

static int direct_ok(const dw_job *j) {
  return (j->flags & DW_ISA_MASK) == 2 && j->kh == j->kw &&
         (j->kh == 3 || j->kh == 5) && j->sh == j->sw && (j->sh == 1 || j->sh == 2) &&
         j->dh == 1 && j->dw == 1 && (j->ow + 15) / 16 <= DWD_MAX_POS;
}

static void dwd_init(const dw_job *j, dwd_masks *mk) {
  /* Output element o = oy * w + ox of a flat plane reads input element
   * o + (ky - pt) * w + (kx - pl) for tap (ky, kx) when that lies inside
   * the input row and column. Narrow rows (7 wide) would fill 7 of 16
   * lanes of a vector; a flat plane fills 49 of 64. */
  mk->flatNV = 0;
  if (j->sh == 1 && j->sw == 1 && j->oh == j->h && j->ow == j->w && j->ow < 16 &&
      j->oh * j->ow <= 16 * DWD_FLAT_NV) {
    int64_t n = j->oh * j->ow;
    mk->flatNV = (int)((n + 15) / 16);
    for (int v = 0; v < mk->flatNV; ++v) {
      mk->flatStore[v] = steedk_range_mask(16 * v, n);
      for (int64_t ky = 0; ky < j->kh; ++ky)
        for (int64_t kx = 0; kx < j->kw; ++kx) {
          int64_t t = ky * j->kw + kx;
          __mmask16 m = 0;
          for (int l = 0; l < 16; ++l) {
            int64_t o = 16 * v + l, iy = o / j->w + ky - j->pt, ix = o % j->w + kx - j->pl;
            if (o < n && iy >= 0 && iy < j->h && ix >= 0 && ix < j->w)
              m |= (__mmask16)(1u << l);
          }
          mk->flatLoad[v][t] = m;
          mk->flatShift[t] = (int32_t)((ky - j->pt) * j->w + (kx - j->pl));
        }
    }
  }
  mk->npos = (int)((j->ow + 15) / 16);
  for (int p = 0; p < mk->npos; ++p) {
    mk->store[p] = steedk_range_mask(16 * p, j->ow);
    for (int kx = 0; kx < j->kw; ++kx) {
      int64_t start = j->sw * 16 * p + kx - j->pl;
      mk->load[p][kx][0] = steedk_range_mask(start, j->w);
      mk->load[p][kx][1] = steedk_range_mask(start + 16, j->w);
    }
  }
}

/* One tap's input vector: a masked load (stride 2: two and a permute),
 * the lanes outside X zero, or -inf for max pooling (MAX). */
__attribute__((target("avx512f"), always_inline)) static inline __m512
dwd_load(const dwd_masks *mk, int q, int kx, const float *src, const int S, const int MAX) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26,
                                         28, 30);
  const __m512 fill = _mm512_set1_ps(MAX ? -__builtin_inff() : 0.0f);
  __m512 x = _mm512_mask_loadu_ps(fill, mk->load[q][kx][0], src);
  if (S == 2)
    x = _mm512_permutex2var_ps(x, even, _mm512_mask_loadu_ps(fill, mk->load[q][kx][1], src + 16));
  return x;
}

/* acc += w * x, or for max pooling acc = max(acc, x) with NaN lanes noted
 * in *nan. */
__attribute__((target("avx512f"), always_inline)) static inline __m512
dwd_step(__m512 acc, __m512 w, __m512 x, __mmask16 *nan, const int MAX) {
  if (!MAX)
    return _mm512_fmadd_ps(w, x, acc);
  *nan |= _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
  return _mm512_max_ps(x, acc);
}

/* The value stored: max pooling's NaN lanes, then the activation. */
__attribute__((target("avx512f"), always_inline)) static inline __m512
dwd_final(__m512 acc, __mmask16 nan, int silu, __m512 lo, __m512 hi, const int MAX) {
  if (MAX)
    return _mm512_mask_mov_ps(acc, nan, _mm512_set1_ps(__builtin_nanf("")));
  return act_avx512(acc, silu, lo, hi);
}

/* R consecutive output rows x P vector positions from p0: each input row
 * is loaded once per tap column and used by every output row it feeds
 * (R = 2 rows share K - S of their K input rows), so there are fewer loads
 * per FMA than row by row; input rows outside X (iy0 + r outside [0, h))
 * are padding and skipped. in0: the address of the first output row's
 * first input row (input row iy0, possibly outside X); out0: the first
 * output row. */
__attribute__((target("avx512f"), always_inline)) static inline void
dwd_block_rows(const dwd_masks *mk, intptr_t in0, int64_t iy0, int64_t h, float *out0,
               int64_t w, int64_t ow, int p0, const __m512 *wv, int64_t pl, __m512 init,
               int mode, int silu, __m512 lo, __m512 hi, const int R, const int P, const int K,
               const int S, const int MAX) {
  __m512 acc[4][2];
  __mmask16 nan[4][2] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}};
  const int narrow = mk->npos == 1 && ow < 16;
#pragma clang loop unroll(full)
  for (int i = 0; i < R; ++i)
#pragma clang loop unroll(full)
    for (int c = 0; c < P; ++c)
      acc[i][c] = mode ? init
                       : _mm512_maskz_loadu_ps(mk->store[p0 + c], out0 + i * ow + 16 * (p0 + c));
#pragma clang loop unroll(full)
  for (int r = 0; r < (R - 1) * S + K; ++r) {
    if (iy0 + r < 0 || iy0 + r >= h)
      continue; /* padding rows: no taps */
    intptr_t row = in0 + r * w * 4;
    /* Stride 2: tap kx's vector at position c is tap kx - 2's shifted by
     * one lane, the last lane from position c + 1 (one valignd instead of
     * two loads and a permute). */
    __m512 xs[5][2];
#pragma clang loop unroll(full)
    for (int kx = 0; kx < K; ++kx) {
#pragma clang loop unroll(full)
      for (int c = 0; c < P; ++c) {
        int q = p0 + c;
        const float *src = (const float *)(row + (S * 16 * q + kx - pl) * 4);
        __m512 x;
        if (S == 2 && kx >= 2 && c + 1 < P)
          x = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(xs[kx - 2][c + 1]),
                                                      _mm512_castps_si512(xs[kx - 2][c]), 1));
        else if (S == 2 && kx >= 2 && P == 1 && narrow)
          /* a row of one vector: its lane 15 is not stored */
          x = _mm512_castsi512_ps(_mm512_alignr_epi32(
              _mm512_setzero_si512(), _mm512_castps_si512(xs[kx - 2][c]), 1));
        else
          x = dwd_load(mk, q, kx, src, S, MAX);
        xs[kx][c] = x;
#pragma clang loop unroll(full)
        for (int i = 0; i < R; ++i) {
          int ky = r - i * S;
          if (ky >= 0 && ky < K)
            acc[i][c] = dwd_step(acc[i][c], MAX ? init : wv[ky * K + kx], x, &nan[i][c], MAX);
        }
      }
    }
  }
#pragma clang loop unroll(full)
  for (int i = 0; i < R; ++i)
#pragma clang loop unroll(full)
    for (int c = 0; c < P; ++c)
      _mm512_mask_storeu_ps(out0 + i * ow + 16 * (p0 + c), mk->store[p0 + c],
                            dwd_final(acc[i][c], nan[i][c], silu, lo, hi, MAX));
}

/* Output rows [oy, oy + R), two positions per block (a lone last one by
 * itself); input rows outside X are skipped. */
__attribute__((target("avx512f"), always_inline)) static inline void
dwd_row_group(const dw_job *j, const dwd_masks *mk, const float *xp, float *yp, int64_t oy,
              const __m512 *wv, __m512 iv, int mode, int silu, __m512 lo, __m512 hi,
              const int R, const int K, const int S, const int MAX) {
  int64_t iy0 = oy * S - j->pt;
  intptr_t in0 = (intptr_t)xp + iy0 * j->w * 4;
  float *out0 = yp + oy * j->ow;
  int p = 0;
  for (; p + 2 <= mk->npos; p += 2)
    dwd_block_rows(mk, in0, iy0, j->h, out0, j->w, j->ow, p, wv, j->pl, iv, mode, silu, lo, hi,
                   R, 2, K, S, MAX);
  if (p < mk->npos)
    dwd_block_rows(mk, in0, iy0, j->h, out0, j->w, j->ow, p, wv, j->pl, iv, mode, silu, lo, hi,
                   R, 1, K, S, MAX);
}

/* PL flat planes (dwd_masks) side by side: NV independent accumulators
 * over each, one masked load and FMA per vector and tap. Plane i reads
 * xp[i] with weights wp[i] from init[i] and writes yp[i]. */
__attribute__((target("avx512f"), always_inline)) static inline void
dwd_plane_flat(const dwd_masks *mk, const float *const *xp, const float *const *wp,
               float *const *yp, const __m512 *init, int mode, int silu, __m512 lo, __m512 hi,
               const int PL, const int NV, const int K, const int MAX) {
  const __m512 fill = _mm512_set1_ps(MAX ? -__builtin_inff() : 0.0f);
  __m512 acc[2][DWD_FLAT_NV];
  __mmask16 nan[2][DWD_FLAT_NV] = {{0, 0, 0, 0}, {0, 0, 0, 0}};
#pragma clang loop unroll(full)
  for (int i = 0; i < PL; ++i)
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; ++v)
      acc[i][v] = mode ? init[i] : _mm512_maskz_loadu_ps(mk->flatStore[v], yp[i] + 16 * v);
#pragma clang loop unroll(full)
  for (int t = 0; t < K * K; ++t) {
#pragma clang loop unroll(full)
    for (int i = 0; i < PL; ++i) {
      __m512 w = MAX ? init[i] : _mm512_set1_ps(wp[i][t]);
      const float *src = xp[i] + mk->flatShift[t];
#pragma clang loop unroll(full)
      for (int v = 0; v < NV; ++v)
        acc[i][v] = dwd_step(acc[i][v], w,
                             _mm512_mask_loadu_ps(fill, mk->flatLoad[v][t], src + 16 * v),
                             &nan[i][v], MAX);
    }
  }
#pragma clang loop unroll(full)
  for (int i = 0; i < PL; ++i)
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; ++v)
      _mm512_mask_storeu_ps(yp[i] + 16 * v, mk->flatStore[v],
                            dwd_final(acc[i][v], nan[i][v], silu, lo, hi, MAX));
}

/* Flat planes with a constant count: PL of them. */
__attribute__((target("avx512f"), always_inline)) static inline void
dwd_flat_planes(const dw_job *j, const dwd_masks *mk, const float *const *xp,
                const float *const *wp, float *const *yp, const float *init, int mode,
                const int PL, const int K, const int MAX) {
  __m512 lo = _mm512_set1_ps(j->lo), hi = _mm512_set1_ps(j->hi);
  __m512 iv[2] = {_mm512_set1_ps(init[0]), _mm512_set1_ps(init[PL - 1])};
  int silu = (j->flags & DW_SILU) != 0;
  switch (mk->flatNV) {
#define DWD_FLAT_CASE(NV)                                                                     \
  case NV:                                                                                    \
    dwd_plane_flat(mk, xp, wp, yp, iv, mode, silu, lo, hi, PL, NV, K, MAX);                  \
    return;
    DWD_FLAT_CASE(1) DWD_FLAT_CASE(2) DWD_FLAT_CASE(3) DWD_FLAT_CASE(4)
#undef DWD_FLAT_CASE
  }
}

__attribute__((target("avx512f"), always_inline)) static inline void
dwd_plane(const dw_job *j, const dwd_masks *mk, const float *xp, const float *wp, float *yp,
          float init, int mode, const int K, const int S, const int MAX) {
  if (S == 1 && mk->flatNV) {
    dwd_flat_planes(j, mk, &xp, &wp, &yp, &init, mode, 1, K, MAX);
    return;
  }
  __m512 wv[25];
  for (int t = 0; t < K * K; ++t)
    wv[t] = MAX ? _mm512_setzero_ps() : _mm512_set1_ps(wp[t]);
  __m512 lo = _mm512_set1_ps(j->lo), hi = _mm512_set1_ps(j->hi), iv = _mm512_set1_ps(init);
  int silu = (j->flags & DW_SILU) != 0;
  /* Every output row in a group of rows that share their input rows: four
   * (3x3, or one-vector rows), else two (5x5 wide rows:
   * two positions each); the last group takes the rows left. */
  int64_t oy = 0;
  if (K == 3 || mk->npos == 1) {
    for (; oy + 4 <= j->oh; oy += 4)
      dwd_row_group(j, mk, xp, yp, oy, wv, iv, mode, silu, lo, hi, 4, K, S, MAX);
    if (j->oh - oy == 3)
      dwd_row_group(j, mk, xp, yp, oy, wv, iv, mode, silu, lo, hi, 3, K, S, MAX);
    else if (j->oh - oy == 2)
      dwd_row_group(j, mk, xp, yp, oy, wv, iv, mode, silu, lo, hi, 2, K, S, MAX);
    else if (j->oh - oy == 1)
      dwd_row_group(j, mk, xp, yp, oy, wv, iv, mode, silu, lo, hi, 1, K, S, MAX);
  } else {
    for (; oy + 2 <= j->oh; oy += 2)
      dwd_row_group(j, mk, xp, yp, oy, wv, iv, mode, silu, lo, hi, 2, K, S, MAX);
    if (oy < j->oh)
      dwd_row_group(j, mk, xp, yp, oy, wv, iv, mode, silu, lo, hi, 1, K, S, MAX);
  }
}

/* The filter size and stride as constants (MAX: max pooling or not). */
__attribute__((target("avx512f"), always_inline)) static inline void
dwd_plane_shapes(const dw_job *j, const dwd_masks *mk, const float *xp, const float *wp,
                 float *yp, float init, int mode, const int MAX) {
  if (j->kh == 3 && j->sh == 1)
    dwd_plane(j, mk, xp, wp, yp, init, mode, 3, 1, MAX);
  else if (j->kh == 3)
    dwd_plane(j, mk, xp, wp, yp, init, mode, 3, 2, MAX);
  else if (j->sh == 1)
    dwd_plane(j, mk, xp, wp, yp, init, mode, 5, 1, MAX);
  else
    dwd_plane(j, mk, xp, wp, yp, init, mode, 5, 2, MAX);
}

/* ---- Max pooling 3x3, stride 2 (the CNN stems' pools) -----------------
 * Row by row: the column-wise max of the output row's (up to) three input
 * rows goes into V, one row of padded columns with -inf outside X (V[t]:
 * padded column t); then out[ox] = max(V[2 ox], V[2 ox + 1], V[2 ox + 2]),
 * the even and odd lanes of two V vectors and the even lanes of two more,
 * 2 apart. No NaN test per window (dwd_plane's max pooling spends a
 * compare per tap and use): the integer max of the bits of every |x| read
 * shows whether the plane holds a NaN (> 0x7f800000), and such a plane is
 * recomputed by dwd_plane. */
#define POOL_V (32 * DWD_MAX_POS + 48)

static int pool3s2_ok(const dw_job *j) {
  return (j->flags & DW_MAX) && j->kh == 3 && j->kw == 3 && j->sh == 2 && j->sw == 2 &&
         j->dh == 1 && j->dw == 1;
}

/* Returns 0 (having written garbage) when the plane holds a NaN. */
__attribute__((target("avx512f"))) static int
pool3s2_plane(const dw_job *j, const dwd_masks *mk, const float *xp, float *yp) {
  _Alignas(64) float v[POOL_V];
  __mmask16 vm[POOL_V / 16];
  int nv = 2 * mk->npos + 3; /* V vectors: padded columns [0, 32 npos + 48) */
  for (int i = 0; i < nv; ++i)
    vm[i] = steedk_range_mask(16 * i - j->pl, j->w);
  const __m512 ninf = _mm512_set1_ps(-__builtin_inff());
  const __m512i absm = _mm512_set1_epi32(0x7fffffff);
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26,
                                         28, 30);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  __m512i bits = _mm512_setzero_si512();
  for (int64_t oy = 0; oy < j->oh; ++oy) {
    const float *r[3];
    int nr = 0;
    for (int ky = 0; ky < 3; ++ky) {
      int64_t iy = 2 * oy + ky - j->pt;
      if (iy >= 0 && iy < j->h)
        r[nr++] = (const float *)((intptr_t)xp + (iy * j->w - j->pl) * 4);
    }
    /* Masked-off lanes are not read, so the addresses may lie outside X. */
    for (int i = 0; i < nv; ++i) {
      __m512 m = ninf;
      for (int k = 0; k < nr; ++k) {
        __m512 x = _mm512_mask_loadu_ps(ninf, vm[i], r[k] + 16 * i);
        bits = _mm512_max_epu32(bits, _mm512_and_si512(_mm512_castps_si512(x), absm));
        m = _mm512_max_ps(m, x);
      }
      _mm512_store_ps(v + 16 * i, m);
    }
    float *yrow = yp + oy * j->ow;
    for (int q = 0; q < mk->npos; ++q) {
      const float *s = v + 32 * q;
      __m512 a = _mm512_load_ps(s), b = _mm512_load_ps(s + 16);
      __m512 e = _mm512_permutex2var_ps(a, even, b), o = _mm512_permutex2var_ps(a, odd, b);
      __m512 e2 = _mm512_permutex2var_ps(_mm512_loadu_ps(s + 2), even, _mm512_loadu_ps(s + 18));
      _mm512_mask_storeu_ps(yrow + 16 * q, mk->store[q],
                            _mm512_max_ps(_mm512_max_ps(e, o), e2));
    }
  }
  return !_mm512_cmpgt_epu32_mask(bits, _mm512_set1_epi32(0x7f800000));
}

/* ---- Channel vectors: 16 channels per zmm (small planes) ---------------
 * A 7- or 14-wide output row fills 7 or 14 of a vector's 16 lanes, and a
 * stride-2 tap needs two loads and a permute per vector. Here a block of 16
 * channel planes is transposed into a zero-padded buffer of pixels, each
 * pixel one vector of its 16 channels ([row][column][16], rows and columns
 * of the padded input that the outputs read); every tap is then one full
 * vector load and FMA per output pixel, 8 pixels of an output row at a
 * time sharing the input vectors they read, and the activation runs on
 * full vectors. The output pixels are
 * transposed back into the 16 planes. For channel counts that are a
 * multiple of 16 and planes whose padded input fits DWT_IN. */
#define DWT_IN (16 * 4096) /* floats of the padded input (256 KB) */
#define DWT_OUT (16 * 1024) /* floats of the output pixels (64 KB) */
#define DWT_NP 8            /* output pixels per block */

static int dwt_ok(const dw_job *j) {
  if ((j->flags & DW_ISA_MASK) != 2 || (j->flags & DW_MAX) || !starts_fresh(j) || j->c % 16)
    return 0;
  if (j->kh != j->kw || (j->kh != 3 && j->kh != 5) || j->sh != j->sw ||
      (j->sh != 1 && j->sh != 2) || j->dh != 1 || j->dw != 1)
    return 0;
  /* Measured per layer: 5x5 filters gain at every size (-17..49 %), 3x3
   * ones only where an output row fills at most half a vector (7 wide:
   * -9..41 %; 14 and 28 wide: +5..19 %, the transposes cost more than
   * the 9 taps save). */
  if (j->kh == 3 && j->ow > 8)
    return 0;
  int64_t hp = (j->oh - 1) * j->sh + j->kh, wp = (j->ow - 1) * j->sw + j->kw;
  return hp * wp * 16 <= DWT_IN && j->oh * j->ow * 16 <= DWT_OUT && j->h * j->w <= 4096;
}

/* r[i] (row i of a 16x16 matrix) becomes column i. */
__attribute__((target("avx512f"), always_inline)) static inline void tr16_avx512(__m512 *r) {
  __m512 t[16];
#pragma clang loop unroll(full)
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
#pragma clang loop unroll(full)
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
    r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
    r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  /* r[4g + k] = rows 4g..4g+3 of columns k, k + 4, k + 8, k + 12 */
#pragma clang loop unroll(full)
  for (int k = 0; k < 4; ++k) {
    t[k] = _mm512_shuffle_f32x4(r[k], r[4 + k], 0x88);
    t[4 + k] = _mm512_shuffle_f32x4(r[k], r[4 + k], 0xDD);
    t[8 + k] = _mm512_shuffle_f32x4(r[8 + k], r[12 + k], 0x88);
    t[12 + k] = _mm512_shuffle_f32x4(r[8 + k], r[12 + k], 0xDD);
  }
#pragma clang loop unroll(full)
  for (int k = 0; k < 8; ++k) {
    r[k] = _mm512_shuffle_f32x4(t[k], t[8 + k], 0x88);
    r[8 + k] = _mm512_shuffle_f32x4(t[k], t[8 + k], 0xDD);
  }
}

/* NP consecutive output pixels of one row (at out; the first reads from
 * in): bias, K*K taps, activation. Each input pixel vector of a tap row is
 * loaded once for the NP outputs it feeds. */
__attribute__((target("avx512f"), always_inline)) static inline void
dwt_pixels(const float *in, int64_t rowStride, const __m512 *wv, __m512 init, int silu,
           __m512 lo, __m512 hi, float *out, const int NP, const int K, const int S) {
  __m512 acc[DWT_NP];
#pragma clang loop unroll(full)
  for (int i = 0; i < NP; ++i)
    acc[i] = init;
  for (int ky = 0; ky < K; ++ky) {
    const float *row = in + ky * rowStride;
#pragma clang loop unroll(full)
    for (int c = 0; c < (NP - 1) * S + K; ++c) {
      __m512 x = _mm512_load_ps(row + 16 * c);
#pragma clang loop unroll(full)
      for (int i = 0; i < NP; ++i) {
        int kx = c - i * S;
        if (kx >= 0 && kx < K)
          acc[i] = _mm512_fmadd_ps(x, wv[ky * K + kx], acc[i]);
      }
    }
  }
#pragma clang loop unroll(full)
  for (int i = 0; i < NP; ++i)
    _mm512_store_ps(out + 16 * i, act_avx512(acc[i], silu, lo, hi));
}

/* One output row of a block, DWT_NP pixels at a time. */
__attribute__((target("avx512f"), always_inline)) static inline void
dwt_row(const float *in, int64_t rowStride, int64_t ow, const __m512 *wv, __m512 init,
        int silu, __m512 lo, __m512 hi, float *out, const int K, const int S) {
  int64_t ox = 0;
  for (; ox + DWT_NP <= ow; ox += DWT_NP)
    dwt_pixels(in + 16 * S * ox, rowStride, wv, init, silu, lo, hi, out + 16 * ox, DWT_NP, K,
               S);
  switch (ow - ox) {
#define DWT_TAIL(N)                                                                           \
  case N:                                                                                     \
    dwt_pixels(in + 16 * S * ox, rowStride, wv, init, silu, lo, hi, out + 16 * ox, N, K, S);  \
    break;
    DWT_TAIL(1) DWT_TAIL(2) DWT_TAIL(3) DWT_TAIL(4) DWT_TAIL(5) DWT_TAIL(6) DWT_TAIL(7)
#undef DWT_TAIL
  default:
    break;
  }
}

__attribute__((target("avx512f"))) static void dwt_blocks(const dw_job *j, int64_t begin,
                                                          int64_t end) {
  const int K = (int)j->kh, S = (int)j->sh;
  const int64_t hp = (j->oh - 1) * S + K, wp = (j->ow - 1) * S + K;
  const int64_t planeIn = j->h * j->w, npix = j->oh * j->ow;
  _Alignas(64) float in[DWT_IN];
  _Alignas(64) float out[DWT_OUT + 16 * 16]; /* + the last transpose's tail */
  int32_t dst[4096];  /* input pixel -> its vector in `in`, or -1 (unread) */
  memset(in, 0, (size_t)(hp * wp * 16) * sizeof(float));
  for (int64_t iy = 0, f = 0; iy < j->h; ++iy)
    for (int64_t ix = 0; ix < j->w; ++ix, ++f) {
      int64_t py = iy + j->pt, px = ix + j->pl;
      dst[f] = py < hp && px < wp ? (int32_t)((py * wp + px) * 16) : -1;
    }
  __m512 lo = _mm512_set1_ps(j->lo), hi = _mm512_set1_ps(j->hi);
  int silu = (j->flags & DW_SILU) != 0;
  for (int64_t b = begin; b < end; ++b) {
    int64_t ch0 = (16 * b) % j->c;
    const float *xp = j->x + 16 * b * planeIn;
    float *yp = j->y + 16 * b * npix;
    /* planes -> pixel vectors */
    for (int64_t f = 0; f < planeIn; f += 16) {
      __mmask16 m = steedk_range_mask(f, planeIn);
      __m512 r[16];
#pragma clang loop unroll(full)
      for (int c = 0; c < 16; ++c)
        r[c] = _mm512_maskz_loadu_ps(m, xp + c * planeIn + f);
      tr16_avx512(r);
      int n = planeIn - f < 16 ? (int)(planeIn - f) : 16;
      for (int k = 0; k < n; ++k)
        if (dst[f + k] >= 0)
          _mm512_store_ps(in + dst[f + k], r[k]);
    }
    __m512 wv[25];
    for (int t = 0; t < K * K; ++t) {
      _Alignas(64) float w16[16];
      for (int c = 0; c < 16; ++c)
        w16[c] = j->wt[(ch0 + c) * K * K + t];
      wv[t] = _mm512_load_ps(w16);
    }
    __m512 init = (j->flags & DW_INIT_BIAS) ? _mm512_loadu_ps(j->bias + ch0) : _mm512_setzero_ps();
    for (int64_t oy = 0; oy < j->oh; ++oy) {
      const float *inr = in + oy * S * wp * 16;
      float *outr = out + oy * j->ow * 16;
      if (K == 3 && S == 1)
        dwt_row(inr, wp * 16, j->ow, wv, init, silu, lo, hi, outr, 3, 1);
      else if (K == 3)
        dwt_row(inr, wp * 16, j->ow, wv, init, silu, lo, hi, outr, 3, 2);
      else if (S == 1)
        dwt_row(inr, wp * 16, j->ow, wv, init, silu, lo, hi, outr, 5, 1);
      else
        dwt_row(inr, wp * 16, j->ow, wv, init, silu, lo, hi, outr, 5, 2);
    }
    /* pixel vectors -> planes */
    for (int64_t f = 0; f < npix; f += 16) {
      __mmask16 m = steedk_range_mask(f, npix);
      __m512 r[16];
#pragma clang loop unroll(full)
      for (int k = 0; k < 16; ++k)
        r[k] = _mm512_load_ps(out + 16 * (f + k));
      tr16_avx512(r);
#pragma clang loop unroll(full)
      for (int c = 0; c < 16; ++c)
        _mm512_mask_storeu_ps(yp + c * npix + f, m, r[c]);
    }
  }
}

/* Planes p and p + 1 of a flat convolution (not max pooling) together:
 * twice the independent accumulators of one. */
__attribute__((target("avx512f"))) static void
dwd_flat_pair_avx512(const dw_job *j, const dwd_masks *mk, int64_t p, int mode) {
  const float *xp[2] = {j->x + p * j->h * j->w, j->x + (p + 1) * j->h * j->w};
  const float *wp[2] = {plane_weights(j, p % j->c), plane_weights(j, (p + 1) % j->c)};
  float *yp[2] = {j->y + p * j->oh * j->ow, j->y + (p + 1) * j->oh * j->ow};
  float init[2] = {plane_init(j, p % j->c), plane_init(j, (p + 1) % j->c)};
  if (j->kh == 3)
    dwd_flat_planes(j, mk, xp, wp, yp, init, mode, 2, 3, 0);
  else
    dwd_flat_planes(j, mk, xp, wp, yp, init, mode, 2, 5, 0);
}

__attribute__((target("avx512f"))) static void
dwd_plane_avx512(const dw_job *j, const dwd_masks *mk, const float *xp, const float *wp,
                 float *yp, float init, int mode) {
  if (j->flags & DW_MAX) {
    if (!pool3s2_ok(j) || !pool3s2_plane(j, mk, xp, yp))
      dwd_plane_shapes(j, mk, xp, wp, yp, init, mode, 1);
  }
  else
    dwd_plane_shapes(j, mk, xp, wp, yp, init, mode, 0);
}
#endif

#ifdef STEEDK_X86
static void run_blocks(void *arg, int64_t begin, int64_t end) {
  dwt_blocks((const dw_job *)arg, begin, end);
}
#endif

static void run_planes(void *arg, int64_t begin, int64_t end) {
  const dw_job *j = (const dw_job *)arg;
  dw_geom g;
  int fits = band_geometry(j, &g);
  /* Two input and two output band buffers: a plane that is one band is
   * filled one plane ahead and stored one plane behind its computation, so
   * the vector loads do not wait on the stores that just wrote their data. */
  _Alignas(64) float buf[2][DW_BUF];
  _Alignas(64) float out[2][DW_OUT];
  int mode = starts_fresh(j);
#ifdef STEEDK_X86
  if (direct_ok(j)) {
    dwd_masks mk;
    dwd_init(j, &mk);
    int64_t p = begin;
    if (mk.flatNV && j->sh == 1 && !(j->flags & DW_MAX))
      for (; p + 2 <= end; p += 2)
        dwd_flat_pair_avx512(j, &mk, p, mode);
    for (; p < end; ++p) {
      int64_t ch = p % j->c;
      dwd_plane_avx512(j, &mk, j->x + p * j->h * j->w, plane_weights(j, ch),
                       j->y + p * j->oh * j->ow, plane_init(j, ch), mode);
    }
    return;
  }
#endif
  if (!fits) {
    for (int64_t p = begin; p < end; ++p) {
      int64_t ch = p % j->c;
      plane_direct(j, j->x + p * j->h * j->w, plane_weights(j, ch), j->y + p * j->oh * j->ow,
                   plane_init(j, ch), mode);
    }
    return;
  }
  /* The slack after the subs and the output rows is only read for outputs
   * that are dropped; keep it finite. */
  memset(buf, 0, sizeof buf);
  memset(out, 0, sizeof out);
  int single = g.nb >= j->oh;
  int64_t planeIn = j->h * j->w, planeOut = j->oh * j->ow;
  if (single && begin < end)
    fill_band(j, &g, j->x + begin * planeIn, 0, j->oh, buf[0]);
  for (int64_t p = begin; p < end; ++p) {
    int64_t ch = p % j->c, k = (p - begin) & 1;
    const float *wp = plane_weights(j, ch);
    float *yp = j->y + p * planeOut;
    float init = plane_init(j, ch);
    if (!single) {
      plane_bands(j, &g, j->x + p * planeIn, wp, yp, init, mode, buf[0], out[0]);
      continue;
    }
    if (p + 1 < end)
      fill_band(j, &g, j->x + (p + 1) * planeIn, 0, j->oh, buf[k ^ 1]);
    if (!mode)
      load_band(j, &g, yp, 0, j->oh, out[k]);
    compute_band(j, &g, wp, init, mode, buf[k], out[k], j->oh * g.p);
    if (p > begin)
      store_band(j, &g, yp - planeOut, 0, j->oh, out[k ^ 1]);
  }
  if (single && begin < end)
    store_band(j, &g, j->y + (end - 1) * planeOut, 0, j->oh, out[(end - 1 - begin) & 1]);
}

/* Y[n][c][oy][ox] (=, or +=) sum over ky, kx of W[c][ky][kx] *
 *   X[n][c][oy*sh + ky*dh - pt][ox*sw + kx*dw - pl]
 * with X [N][C][H][W] unpadded (reads outside it are zeros; the bottom and
 * right padding follow from OH, OW), W [C][KH][KW], Y [N][C][OH][OW], all
 * contiguous. With DW_INIT_BIAS, Y starts from bias[c] (B [C]); with
 * DW_INIT_ZERO from zero; otherwise Y's contents are accumulated into.
 * With DW_MAX it is max pooling instead: Y[n][c][oy][ox] = the max of the
 * window's X values (padding never wins: it reads -inf), W and B unused.
 * DW_SILU applies x * sigmoid(x) to the result, then DW_ACT_MIN/DW_ACT_MAX
 * clamp it to [lo, hi] (f32 bit patterns loBits, hiBits): SiLU, ReLU or
 * ReLU6 after the convolution.
 * Pointers are passed as integers (the MLIR side's index values); `kc` is
 * the run's steed_kernel_context (or 0: one thread). */
void steedk_dwconv2d(int64_t flags, int64_t n, int64_t c, intptr_t x, int64_t xOff,
                     int64_t h, int64_t w, intptr_t wt, int64_t wOff, int64_t kh,
                     int64_t kw, intptr_t bias, int64_t bOff, intptr_t y, int64_t yOff,
                     int64_t oh, int64_t ow, int64_t sh, int64_t sw, int64_t dh, int64_t dw,
                     int64_t pt, int64_t pl, int64_t loBits, int64_t hiBits, intptr_t kcp) {
  if (n <= 0 || c <= 0 || oh <= 0 || ow <= 0)
    return;
  dw_job j;
  memset(&j, 0, sizeof j);
  j.flags = flags;
  j.planes = n * c;
  j.c = c;
  j.h = h;
  j.w = w;
  j.kh = kh;
  j.kw = kw;
  j.oh = oh;
  j.ow = ow;
  j.sh = sh;
  j.sw = sw;
  j.dh = dh;
  j.dw = dw;
  j.pt = pt;
  j.pl = pl;
  j.x = (const float *)x + xOff;
  j.wt = (flags & DW_MAX) ? 0 : (const float *)wt + wOff;
  j.pad = (flags & DW_MAX) ? -__builtin_inff() : 0.0f;
  j.bias = (flags & DW_INIT_BIAS) ? (const float *)bias + bOff : 0;
  j.y = (float *)y + yOff;
  uint32_t lb = (uint32_t)loBits, hb = (uint32_t)hiBits;
  memcpy(&j.lo, &lb, sizeof j.lo);
  memcpy(&j.hi, &hb, sizeof j.hi);
  if (!(flags & DW_ACT_MIN))
    j.lo = -__builtin_inff();
  if (!(flags & DW_ACT_MAX))
    j.hi = __builtin_inff();
  const steed_kernel_context *kc = (const steed_kernel_context *)kcp;
  int threads = kc && kc->parallel_for && kc->num_threads > 1;
  /* Below ~64K multiply-adds a second thread costs more than it saves. */
  threads = threads && j.planes * oh * ow * kh * kw >= 65536;
#ifdef STEEDK_X86
  if (dwt_ok(&j)) {
    if (threads && j.planes >= 32)
      kc->parallel_for(kc->pool, j.planes / 16, run_blocks, &j);
    else
      run_blocks(&j, 0, j.planes / 16);
    return;
  }
#endif
  if (threads && j.planes > 1)
    kc->parallel_for(kc->pool, j.planes, run_planes, &j);
  else
    run_planes(&j, 0, j.planes);
}
