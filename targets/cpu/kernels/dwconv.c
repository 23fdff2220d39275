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

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define STEEDK_X86 1
#endif

/* flags of steedk_dwconv2d; the ISA bits are those of steedk_sgemm. */
enum {
  DW_ISA_MASK = 3,  /* 0 generic C, 1 AVX2+FMA, 2 AVX-512F */
  DW_INIT_BIAS = 16, /* Y = bias[c] + conv (else Y += conv) */
  DW_INIT_ZERO = 32, /* Y = conv */
};

#define DW_VL 16            /* output columns per vector step (row rounding) */
#define DW_RING_FLOATS 8192 /* row-buffer floats on the stack (32 KB) */

typedef struct {
  int64_t flags, planes, c, h, w, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl;
  const float *x, *wt, *bias;
  float *y;
} dw_job;

/* Geometry of the row ring: `span` rows of `sw` phases of `len` floats. */
typedef struct {
  int64_t span, len, owr;
} dw_ring;

static int ring_geometry(const dw_job *j, dw_ring *r) {
  r->span = (j->kh - 1) * j->dh + 1;
  r->owr = (j->ow + DW_VL - 1) / DW_VL * DW_VL;
  r->len = r->owr + ((j->kw - 1) * j->dw) / j->sw + 1;
  return r->span <= 64 && r->span * j->sw * r->len <= DW_RING_FLOATS;
}

/* Input row iy (0 <= iy < h) of plane xp, zero padded by pl on the left,
 * split into sw phases of len floats at dst. */
static void fill_row(const dw_job *j, const dw_ring *r, const float *xrow, float *dst) {
  for (int64_t ph = 0; ph < j->sw; ++ph, dst += r->len) {
    /* element t is padded column t*sw + ph, input column t*sw + ph - pl */
    int64_t lo = j->pl - ph > 0 ? (j->pl - ph + j->sw - 1) / j->sw : 0;
    int64_t hi = (j->w - 1 + j->pl - ph) >= 0 ? (j->w - 1 + j->pl - ph) / j->sw + 1 : 0;
    if (lo > r->len)
      lo = r->len;
    if (hi > r->len)
      hi = r->len;
    if (hi < lo)
      hi = lo;
    for (int64_t t = 0; t < lo; ++t)
      dst[t] = 0.0f;
    const float *s = xrow + lo * j->sw + ph - j->pl;
    if (j->sw == 1)
      memcpy(dst + lo, s, (size_t)(hi - lo) * sizeof(float));
    else
      for (int64_t t = lo; t < hi; ++t, s += j->sw)
        dst[t] = *s;
    for (int64_t t = hi; t < r->len; ++t)
      dst[t] = 0.0f;
  }
}

/* The rows output row oy needs, as pointers into the ring (NULL for a row
 * outside the input), filling ring slots that do not hold them yet. */
static void gather_rows(const dw_job *j, const dw_ring *r, const float *xp, float *ring,
                        int64_t *slotRow, int64_t oy, const float **rows) {
  for (int64_t ky = 0; ky < j->kh; ++ky) {
    int64_t iy = oy * j->sh + ky * j->dh - j->pt;
    if (iy < 0 || iy >= j->h) {
      rows[ky] = 0;
      continue;
    }
    int64_t s = iy % r->span;
    float *buf = ring + s * j->sw * r->len;
    if (slotRow[s] != iy) {
      fill_row(j, r, xp + iy * j->w, buf);
      slotRow[s] = iy;
    }
    rows[ky] = buf;
  }
}

/* Offset of tap kx inside a phased row: phase (kx*dw)%sw, element (kx*dw)/sw. */
static inline int64_t tap_offset(int64_t kx, int64_t dw, int64_t sw, int64_t len) {
  int64_t q = kx * dw;
  return (q % sw) * len + q / sw;
}

/* Portable C: one output row, in chunks of DW_VL columns. */
static inline __attribute__((always_inline)) void
row_generic(const float **rows, const float *wp, int64_t kh, int64_t kw, int64_t dw,
            int64_t sw, int64_t len, float init, int mode, float *yrow, int64_t ow) {
  for (int64_t ox = 0; ox < ow; ox += DW_VL) {
    int64_t n = ow - ox < DW_VL ? ow - ox : DW_VL;
    float acc[DW_VL];
    for (int i = 0; i < DW_VL; ++i)
      acc[i] = mode ? init : (i < n ? yrow[ox + i] : 0.0f);
    for (int64_t ky = 0; ky < kh; ++ky) {
      if (!rows[ky])
        continue;
      for (int64_t kx = 0; kx < kw; ++kx) {
        const float *s = rows[ky] + tap_offset(kx, dw, sw, len) + ox;
        float wv = wp[ky * kw + kx];
        for (int i = 0; i < DW_VL; ++i)
          acc[i] += wv * s[i];
      }
    }
    for (int64_t i = 0; i < n; ++i)
      yrow[ox + i] = acc[i];
  }
}

#ifdef STEEDK_X86
/* AVX-512: 4 zmm (64 columns) per step, then single zmm steps, the last
 * one masked. */
__attribute__((target("avx512f"))) static inline __attribute__((always_inline)) void
row_avx512(const float **rows, const float *wp, int64_t kh, int64_t kw, int64_t dw,
           int64_t sw, int64_t len, float init, int mode, float *yrow, int64_t ow) {
  int64_t ox = 0;
  for (; ox + 64 <= ow; ox += 64) {
    __m512 a0, a1, a2, a3;
    if (mode) {
      a0 = a1 = a2 = a3 = _mm512_set1_ps(init);
    } else {
      a0 = _mm512_loadu_ps(yrow + ox);
      a1 = _mm512_loadu_ps(yrow + ox + 16);
      a2 = _mm512_loadu_ps(yrow + ox + 32);
      a3 = _mm512_loadu_ps(yrow + ox + 48);
    }
    for (int64_t ky = 0; ky < kh; ++ky) {
      if (!rows[ky])
        continue;
      for (int64_t kx = 0; kx < kw; ++kx) {
        const float *s = rows[ky] + tap_offset(kx, dw, sw, len) + ox;
        __m512 wv = _mm512_set1_ps(wp[ky * kw + kx]);
        a0 = _mm512_fmadd_ps(wv, _mm512_loadu_ps(s), a0);
        a1 = _mm512_fmadd_ps(wv, _mm512_loadu_ps(s + 16), a1);
        a2 = _mm512_fmadd_ps(wv, _mm512_loadu_ps(s + 32), a2);
        a3 = _mm512_fmadd_ps(wv, _mm512_loadu_ps(s + 48), a3);
      }
    }
    _mm512_storeu_ps(yrow + ox, a0);
    _mm512_storeu_ps(yrow + ox + 16, a1);
    _mm512_storeu_ps(yrow + ox + 32, a2);
    _mm512_storeu_ps(yrow + ox + 48, a3);
  }
  for (; ox < ow; ox += 16) {
    int64_t n = ow - ox < 16 ? ow - ox : 16;
    __mmask16 m = (__mmask16)((1u << n) - 1u);
    __m512 a0 = mode ? _mm512_set1_ps(init) : _mm512_maskz_loadu_ps(m, yrow + ox);
    for (int64_t ky = 0; ky < kh; ++ky) {
      if (!rows[ky])
        continue;
      for (int64_t kx = 0; kx < kw; ++kx) {
        const float *s = rows[ky] + tap_offset(kx, dw, sw, len) + ox;
        a0 = _mm512_fmadd_ps(_mm512_set1_ps(wp[ky * kw + kx]), _mm512_loadu_ps(s), a0);
      }
    }
    _mm512_mask_storeu_ps(yrow + ox, m, a0);
  }
}

/* AVX2+FMA: 4 ymm (32 columns) per step, then single ymm steps, the last
 * one masked. */
__attribute__((target("avx2,fma"))) static inline __attribute__((always_inline)) void
row_avx2(const float **rows, const float *wp, int64_t kh, int64_t kw, int64_t dw,
         int64_t sw, int64_t len, float init, int mode, float *yrow, int64_t ow) {
  int64_t ox = 0;
  for (; ox + 32 <= ow; ox += 32) {
    __m256 a0, a1, a2, a3;
    if (mode) {
      a0 = a1 = a2 = a3 = _mm256_set1_ps(init);
    } else {
      a0 = _mm256_loadu_ps(yrow + ox);
      a1 = _mm256_loadu_ps(yrow + ox + 8);
      a2 = _mm256_loadu_ps(yrow + ox + 16);
      a3 = _mm256_loadu_ps(yrow + ox + 24);
    }
    for (int64_t ky = 0; ky < kh; ++ky) {
      if (!rows[ky])
        continue;
      for (int64_t kx = 0; kx < kw; ++kx) {
        const float *s = rows[ky] + tap_offset(kx, dw, sw, len) + ox;
        __m256 wv = _mm256_set1_ps(wp[ky * kw + kx]);
        a0 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(s), a0);
        a1 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(s + 8), a1);
        a2 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(s + 16), a2);
        a3 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(s + 24), a3);
      }
    }
    _mm256_storeu_ps(yrow + ox, a0);
    _mm256_storeu_ps(yrow + ox + 8, a1);
    _mm256_storeu_ps(yrow + ox + 16, a2);
    _mm256_storeu_ps(yrow + ox + 24, a3);
  }
  for (; ox < ow; ox += 8) {
    int64_t n = ow - ox < 8 ? ow - ox : 8;
    __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n),
                                   _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    __m256 a0 = mode ? _mm256_set1_ps(init) : _mm256_maskload_ps(yrow + ox, m);
    for (int64_t ky = 0; ky < kh; ++ky) {
      if (!rows[ky])
        continue;
      for (int64_t kx = 0; kx < kw; ++kx) {
        const float *s = rows[ky] + tap_offset(kx, dw, sw, len) + ox;
        a0 = _mm256_fmadd_ps(_mm256_set1_ps(wp[ky * kw + kx]), _mm256_loadu_ps(s), a0);
      }
    }
    _mm256_maskstore_ps(yrow + ox, m, a0);
  }
}
#endif

/* One channel plane: output rows through the ring. ROW is one of the row
 * functions; KH/KW/DW/SW are passed as constants where specialised. */
#define DW_PLANE_BODY(ROW, KH, KW, DW, SW)                                    \
  for (int64_t oy = 0; oy < j->oh; ++oy) {                                     \
    const float *rows[64];                                                     \
    gather_rows(j, r, xp, ring, slotRow, oy, rows);                            \
    ROW(rows, wp, KH, KW, DW, SW, r->len, init, mode, yp + oy * j->ow, j->ow); \
  }

#define DW_DEFINE_PLANE(NAME, ROW, ATTR)                                       \
  ATTR static void NAME(const dw_job *j, const dw_ring *r, const float *xp,    \
                        const float *wp, float *yp, float init, int mode,      \
                        float *ring, int64_t *slotRow) {                       \
    if (j->kh == 3 && j->kw == 3 && j->dh == 1 && j->dw == 1 && j->sw == 1) {  \
      DW_PLANE_BODY(ROW, 3, 3, 1, 1)                                           \
    } else if (j->kh == 3 && j->kw == 3 && j->dh == 1 && j->dw == 1 &&         \
               j->sw == 2) {                                                   \
      DW_PLANE_BODY(ROW, 3, 3, 1, 2)                                           \
    } else if (j->kh == 5 && j->kw == 5 && j->dh == 1 && j->dw == 1 &&         \
               j->sw == 1) {                                                   \
      DW_PLANE_BODY(ROW, 5, 5, 1, 1)                                           \
    } else if (j->kh == 5 && j->kw == 5 && j->dh == 1 && j->dw == 1 &&         \
               j->sw == 2) {                                                   \
      DW_PLANE_BODY(ROW, 5, 5, 1, 2)                                           \
    } else {                                                                   \
      DW_PLANE_BODY(ROW, j->kh, j->kw, j->dw, j->sw)                           \
    }                                                                          \
  }

DW_DEFINE_PLANE(plane_generic, row_generic, )
#ifdef STEEDK_X86
DW_DEFINE_PLANE(plane_avx512, row_avx512, __attribute__((target("avx512f"))))
DW_DEFINE_PLANE(plane_avx2, row_avx2, __attribute__((target("avx2,fma"))))
#endif

/* Direct, bounds-checked loops: shapes whose rows do not fit the ring. */
static void plane_direct(const dw_job *j, const float *xp, const float *wp, float *yp,
                         float init, int mode) {
  for (int64_t oy = 0; oy < j->oh; ++oy)
    for (int64_t ox = 0; ox < j->ow; ++ox) {
      float acc = mode ? init : yp[oy * j->ow + ox];
      for (int64_t ky = 0; ky < j->kh; ++ky) {
        int64_t iy = oy * j->sh + ky * j->dh - j->pt;
        if (iy < 0 || iy >= j->h)
          continue;
        for (int64_t kx = 0; kx < j->kw; ++kx) {
          int64_t ix = ox * j->sw + kx * j->dw - j->pl;
          if (ix >= 0 && ix < j->w)
            acc += wp[ky * j->kw + kx] * xp[iy * j->w + ix];
        }
      }
      yp[oy * j->ow + ox] = acc;
    }
}

static void run_planes(void *arg, int64_t begin, int64_t end) {
  const dw_job *j = (const dw_job *)arg;
  dw_ring r;
  int fits = ring_geometry(j, &r);
  _Alignas(64) float ring[DW_RING_FLOATS];
  int64_t slotRow[64];
  int mode = (j->flags & (DW_INIT_BIAS | DW_INIT_ZERO)) != 0;
  for (int64_t p = begin; p < end; ++p) {
    int64_t ch = p % j->c;
    const float *xp = j->x + p * j->h * j->w;
    const float *wp = j->wt + ch * j->kh * j->kw;
    float *yp = j->y + p * j->oh * j->ow;
    float init = (j->flags & DW_INIT_BIAS) ? j->bias[ch] : 0.0f;
    if (!fits) {
      plane_direct(j, xp, wp, yp, init, mode);
      continue;
    }
    for (int64_t s = 0; s < r.span; ++s)
      slotRow[s] = -1;
    switch (j->flags & DW_ISA_MASK) {
#ifdef STEEDK_X86
    case 2:
      plane_avx512(j, &r, xp, wp, yp, init, mode, ring, slotRow);
      break;
    case 1:
      plane_avx2(j, &r, xp, wp, yp, init, mode, ring, slotRow);
      break;
#endif
    default:
      plane_generic(j, &r, xp, wp, yp, init, mode, ring, slotRow);
      break;
    }
  }
}

/* Y[n][c][oy][ox] (=, or +=) sum over ky, kx of W[c][ky][kx] *
 *   X[n][c][oy*sh + ky*dh - pt][ox*sw + kx*dw - pl]
 * with X [N][C][H][W] unpadded (reads outside it are zeros; the bottom and
 * right padding follow from OH, OW), W [C][KH][KW], Y [N][C][OH][OW], all
 * contiguous. With DW_INIT_BIAS, Y starts from bias[c] (B [C]); with
 * DW_INIT_ZERO from zero; otherwise Y's contents are accumulated into.
 * Pointers are passed as integers (the MLIR side's index values); `kc` is
 * the run's steed_kernel_context (or 0: one thread). */
void steedk_dwconv2d(int64_t flags, int64_t n, int64_t c, intptr_t x, int64_t xOff,
                     int64_t h, int64_t w, intptr_t wt, int64_t wOff, int64_t kh,
                     int64_t kw, intptr_t bias, int64_t bOff, intptr_t y, int64_t yOff,
                     int64_t oh, int64_t ow, int64_t sh, int64_t sw, int64_t dh, int64_t dw,
                     int64_t pt, int64_t pl, intptr_t kcp) {
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
  j.wt = (const float *)wt + wOff;
  j.bias = (flags & DW_INIT_BIAS) ? (const float *)bias + bOff : 0;
  j.y = (float *)y + yOff;
  const steed_kernel_context *kc = (const steed_kernel_context *)kcp;
  int threads = kc && kc->parallel_for && kc->num_threads > 1;
  /* Below ~64K multiply-adds a second thread costs more than it saves. */
  if (threads && j.planes > 1 && j.planes * oh * ow * kh * kw >= 65536)
    kc->parallel_for(kc->pool, j.planes, run_planes, &j);
  else
    run_planes(&j, 0, j.planes);
}
