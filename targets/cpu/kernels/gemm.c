/*===- gemm.c - FP32 GEMM and convolution kernels linked into model.so ----===*
 *
 * The CPU target rewrites f32 linalg.matmul / batch_matmul / 2-D NCHW
 * convolutions into calls of the two entry points below (targets/cpu/
 * Microkernels.cpp); the linker puts this library into every model.so.
 * No state, no allocation: packing buffers live on the caller's stack
 * (~400 KB per thread), so the calls are reentrant. With several threads,
 * work is cut into tasks (column blocks, then row blocks, of each GEMM) and
 * spread over the run's thread pool (the steed_kernel_context passed as
 * the last argument).
 *
 * Blocking (Goto/BLIS): C[M,N] += A[M,K] * B[K,N] is computed in KC-deep
 * slices; A is packed into MR-row panels ([KC][MR] per panel), B into
 * NR-column panels ([KC][NR] per panel), and an MR x NR register-blocked
 * micro-kernel (8 x 32 floats: 16 zmm accumulators with AVX-512) runs over
 * them. A constant operand is packed once at compile time into the same
 * panels ("prepacked", flags below; A slice by slice, so that a slice's
 * panels are one stream), so only the activation side is packed at run
 * time. A convolution is an implicit GEMM:
 * A is the filter [F][C*KH*KW], B the im2col view of the input, packed
 * panel by panel straight from the input without a full im2col buffer, or,
 * for a "same" stride-1 convolution, read in place one filter tap at a
 * time (K tap-major: STEEDK_TAP_MAJOR, shifted_panel).
 *===----------------------------------------------------------------------===*/
#include <stdint.h>
#include <string.h>

#include "steed/kernel_abi.h"
#include "vmath.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define STEEDK_X86 1
#endif

#define MR 8  /* = kMR in Microkernels.cpp */
#define NR 32 /* = kNR in Microkernels.cpp */
#ifndef KC
#define KC 256
#endif
#ifndef MC
#define MC 128
#endif
#ifndef NC
#define NC 256
#endif
#ifndef NC_WIDE
#define NC_WIDE 1024
#endif
/* Rows of A from which a unit-stride B is read in place, not packed: one
 * row panel already amortizes the strided first touch of each B panel
 * (1x1 layers with 16-24 filters 12-19 % faster than packing B; 32 rows
 * were required before). */
#define DIRECT_B_ROWS MR
/* Rows of A from which a tap-major convolution's B is read in place. */
#define SHIFTED_B_ROWS (4 * MR)
/* How far ahead (floats: 64 k steps) the micro-kernel prefetches A. */
/* Packing a B column costs about as much as this many rows of A times it
 * (run_job's split). */
#ifndef PACK_ROWS
#define PACK_ROWS 4
#endif
#ifndef A_PREFETCH
#define A_PREFETCH (64 * MR)
#endif


/* flags of steedk_sgemm / steedk_sconv2d */
enum {
  STEEDK_ISA_MASK = 3,      /* 0 generic C, 1 AVX2+FMA, 2 AVX-512F */
  STEEDK_A_PACKED = 4,      /* A is [K slices][ceil(M/MR)][kc][MR], zero
                               padded: K cut as gemm() does (kStep) */
  STEEDK_B_PACKED = 8,      /* B is [ceil(N/NR)][K][NR], zero padded */
  /* Epilogue folded into the C update (Microkernels.cpp removes the ops
   * that did it): */
  STEEDK_C_INIT = 16,       /* C is not read: the first K slice writes
                               A*B (+ bias) instead of adding to C */
  STEEDK_BIAS_ROW = 32,     /* with C_INIT: + bias[i] (conv: per channel) */
  STEEDK_BIAS_COL = 64,     /* with C_INIT: + bias[j] */
  STEEDK_RESIDUAL = 128,    /* last K slice: + R (R laid out as C) */
  STEEDK_ACT_MIN = 256,     /* last K slice, after R: max(x, lo) */
  STEEDK_ACT_MAX = 512,     /* last K slice, after R: min(x, hi) */
  STEEDK_SILU = 1024,       /* last K slice, after R, before the clamps:
                               x * sigmoid(x) (vmath.h) */
  STEEDK_TAP_MAJOR = 2048,  /* convolution: K runs over (tap, channel), not
                               (channel, tap), in A (prepacked so) and in
                               B; stride 1, no dilation, output the
                               input's size: tap t's rows of B are X
                               shifted by one offset (shifted_ok) */
  STEEDK_WINOGRAD = 4096,   /* convolution: Winograd F(2x2, 3x3) (wino_ok);
                               A holds the 16 transformed filters
                               U = G g G^T, each [F][C] prepacked in K
                               slices of WINO_KC */
  STEEDK_FIRST_SLICE = STEEDK_C_INIT | STEEDK_BIAS_ROW | STEEDK_BIAS_COL,
  STEEDK_LAST_SLICE = STEEDK_RESIDUAL | STEEDK_SILU | STEEDK_ACT_MIN | STEEDK_ACT_MAX,
};

/* The epilogue of one tile for one K slice: `flags` holds the bits above
 * that apply to it (first slice: C_INIT/BIAS_*, last: the others); `bias`
 * points at the tile's first row (BIAS_ROW) or column (BIAS_COL) value,
 * `res` at its first R element (row stride rsr). */
typedef struct {
  int64_t flags;
  const float *bias;
  const float *res;
  int64_t rsr;
  float lo, hi;
} epilogue;

/* b: kc rows of NR floats, ldb apart (NR: a packed panel; a row stride:
 * B read where it is). */
typedef void (*ukernel_fn)(int64_t kc, const float *a, const float *b, int64_t ldb,
                           float *c, int64_t rsc, const epilogue *e);

/* C[i][j] (i < mr, j < nr, row stride rsc) = epilogue(C, t[i][j]) for a
 * tile t (row stride ldt) of A*B sums; e = 0: C += t. */
static inline void store1(float *c, int64_t rsc, float v, int64_t i, int64_t j,
                          const epilogue *e) {
  int64_t f = e ? e->flags : 0;
  if (!(f & STEEDK_C_INIT))
    v += c[i * rsc + j];
  else if (f & STEEDK_BIAS_ROW)
    v += e->bias[i];
  else if (f & STEEDK_BIAS_COL)
    v += e->bias[j];
  if (f & STEEDK_RESIDUAL)
    v += e->res[i * e->rsr + j];
  if (f & STEEDK_SILU)
    v = steedk_silu1(v);
  if ((f & STEEDK_ACT_MIN) && v < e->lo) /* NaN stays NaN */
    v = e->lo;
  if ((f & STEEDK_ACT_MAX) && v > e->hi)
    v = e->hi;
  c[i * rsc + j] = v;
}

static void store_tile(float *c, int64_t rsc, const float *t, int64_t ldt, int64_t mr,
                       int64_t nr, const epilogue *e) {
  for (int64_t i = 0; i < mr; ++i)
    for (int64_t j = 0; j < nr; ++j)
      store1(c, rsc, t[i * ldt + j], i, j, e);
}

/* C[MR x NR] (row stride rsc) += a[kc][MR] * b[kc][NR], or with e, the
 * epilogue's update. */
static void ukernel_generic(int64_t kc, const float *a, const float *b, int64_t ldb,
                            float *c, int64_t rsc, const epilogue *e) {
  float acc[MR][NR];
  memset(acc, 0, sizeof acc);
  for (int64_t k = 0; k < kc; ++k, a += MR, b += ldb)
    for (int i = 0; i < MR; ++i)
      for (int j = 0; j < NR; ++j)
        acc[i][j] += a[i] * b[j];
  store_tile(c, rsc, &acc[0][0], NR, MR, NR, e);
}

#ifdef STEEDK_X86
/* The last slice's activation: SiLU, then the clamps. NaN: max/min
 * return the second operand when one is NaN, so x stays NaN as in the loop
 * kernels (maximumf/minimumf propagate NaN). */
__attribute__((target("avx512f"), always_inline)) static inline __m512
epi_act_avx512(__m512 v, int64_t f, const epilogue *e) {
  if (f & STEEDK_SILU)
    v = steedk_silu_avx512(v);
  if (f & STEEDK_ACT_MIN)
    v = _mm512_max_ps(_mm512_set1_ps(e->lo), v);
  if (f & STEEDK_ACT_MAX)
    v = _mm512_min_ps(_mm512_set1_ps(e->hi), v);
  return v;
}

/* Stores the 16 columns [col, col + 16) of tile row i (lanes under m) at
 * ci with the epilogue e: C or the bias, the residual, the activation. */
__attribute__((target("avx512f"), always_inline)) static inline void
store16_avx512(float *ci, __m512 v, int i, int64_t col, const epilogue *e, __mmask16 m) {
  int64_t f = e->flags;
  if (!(f & STEEDK_C_INIT))
    v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, ci));
  else if (f & STEEDK_BIAS_ROW)
    v = _mm512_add_ps(v, _mm512_set1_ps(e->bias[i]));
  else if (f & STEEDK_BIAS_COL)
    v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, e->bias + col));
  if (f & STEEDK_RESIDUAL)
    v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, e->res + i * e->rsr + col));
  _mm512_mask_storeu_ps(ci, m, epi_act_avx512(v, f, e));
}

#define NV (NR / 16)
_Static_assert(NV == 2, "the AVX-512 kernels hold a B row in two zmm");
/* The micro-kernel's start: the C tile (and the residual tile the epilogue
 * adds, usually out of cache: written layers ago) prefetched while the
 * accumulators fill; zero accumulators. */
__attribute__((target("avx512f"), always_inline)) static inline void
ukernel_begin_avx512(__m512 acc[MR][NV], const float *c, int64_t rsc, const epilogue *e) {
  const float *res = e && (e->flags & STEEDK_RESIDUAL) ? e->res : 0;
#pragma clang loop unroll(full)
  for (int i = 0; i < MR; ++i) {
    _mm_prefetch((const char *)(c + i * rsc), _MM_HINT_T0);
    _mm_prefetch((const char *)(c + i * rsc + 16), _MM_HINT_T0);
    if (res) {
      _mm_prefetch((const char *)(res + i * e->rsr), _MM_HINT_T0);
      _mm_prefetch((const char *)(res + i * e->rsr + 16), _MM_HINT_T0);
    }
#pragma clang loop unroll(full)
    for (int j = 0; j < NV; ++j)
      acc[i][j] = _mm512_setzero_ps();
  }
}

/* One k step: B's row (bv), A's MR values at a. */
__attribute__((target("avx512f"), always_inline)) static inline void
ukernel_step_avx512(__m512 acc[MR][NV], const float *a, const __m512 bv[NV]) {
  /* A prepacked at compile time comes from DRAM on every run (a model's
   * weights do not stay in cache); its panels follow each other in memory,
   * so one stream A_PREFETCH floats ahead covers them. */
  _mm_prefetch((const char *)(a + A_PREFETCH), _MM_HINT_T0);
#pragma clang loop unroll(full)
  for (int i = 0; i < MR; ++i) {
    __m512 x = _mm512_set1_ps(a[i]);
#pragma clang loop unroll(full)
    for (int j = 0; j < NV; ++j)
      acc[i][j] = _mm512_fmadd_ps(x, bv[j], acc[i][j]);
  }
}

/* The end: C += the tile (no epilogue) or the epilogue's store. */
__attribute__((target("avx512f"), always_inline)) static inline void
ukernel_end_avx512(__m512 acc[MR][NV], float *c, int64_t rsc, const epilogue *e) {
  if (!e) {
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; ++i)
#pragma clang loop unroll(full)
      for (int j = 0; j < NV; ++j)
        _mm512_storeu_ps(c + i * rsc + 16 * j,
                         _mm512_add_ps(_mm512_loadu_ps(c + i * rsc + 16 * j), acc[i][j]));
    return;
  }
#pragma clang loop unroll(full)
  for (int i = 0; i < MR; ++i)
#pragma clang loop unroll(full)
    for (int j = 0; j < NV; ++j)
      store16_avx512(c + i * rsc + 16 * j, acc[i][j], i, 16 * j, e, (__mmask16)0xffff);
}

/* MR x NV zmm accumulators (16) over kc rows of B, ldb apart. */
__attribute__((target("avx512f"))) static void
ukernel_avx512(int64_t kc, const float *a, const float *b, int64_t ldb, float *c,
               int64_t rsc, const epilogue *e) {
  __m512 acc[MR][NV];
  ukernel_begin_avx512(acc, c, rsc, e);
  for (int64_t k = 0; k < kc; ++k, a += MR, b += ldb) {
    __m512 bv[NV];
#pragma clang loop unroll(full)
    for (int j = 0; j < NV; ++j)
      bv[j] = _mm512_loadu_ps(b + 16 * j);
    ukernel_step_avx512(acc, a, bv);
  }
  ukernel_end_avx512(acc, c, rsc, e);
}

/* A run of B rows read in place, ldb apart, with the lanes outside the
 * input masked off (zeros): one filter tap's channels of a tap-major
 * convolution (shifted_panel). */
typedef struct {
  const float *b;
  int64_t n;
  __mmask16 m[NV];
} b_segment;

/* The micro-kernel over B given as segments (A's rows follow them in
 * order). */
__attribute__((target("avx512f"))) static void
ukernel_segments_avx512(const b_segment *seg, int nseg, const float *a, int64_t ldb, float *c,
                        int64_t rsc, const epilogue *e) {
  __m512 acc[MR][NV];
  ukernel_begin_avx512(acc, c, rsc, e);
#define SEGMENT_LOOP(LOAD0, LOAD1)                                                            \
  for (int64_t k = 0; k < seg[s].n; ++k, a += MR, b += ldb) {                                 \
    __m512 bv[NV] = {LOAD0, LOAD1};                                                           \
    ukernel_step_avx512(acc, a, bv);                                                          \
  }
  for (int s = 0; s < nseg; ++s) {
    const float *b = seg[s].b;
    __mmask16 m0 = seg[s].m[0], m1 = seg[s].m[1];
    /* Masked loads cost about 4 % of the kernel on Zen 4: a vector whose
     * lanes all lie inside the image (most: a panel crosses at most one
     * row end) loads plainly. */
    const __mmask16 all = (__mmask16)0xffff;
    if (m0 == all && m1 == all)
      SEGMENT_LOOP(_mm512_loadu_ps(b), _mm512_loadu_ps(b + 16))
    else if (m0 == all)
      SEGMENT_LOOP(_mm512_loadu_ps(b), _mm512_maskz_loadu_ps(m1, b + 16))
    else if (m1 == all)
      SEGMENT_LOOP(_mm512_maskz_loadu_ps(m0, b), _mm512_loadu_ps(b + 16))
    else
      SEGMENT_LOOP(_mm512_maskz_loadu_ps(m0, b), _mm512_maskz_loadu_ps(m1, b + 16))
  }
#undef SEGMENT_LOOP
  ukernel_end_avx512(acc, c, rsc, e);
}

/* The last, narrow NR panel of a row of tiles (all MR rows valid, nr < NR
 * columns; N = 49 for a 7x7 image is 32 + 17): NZ (0..2) 16-column zmm
 * blocks at columns [0, 16 * NZ), the last one under `mask`, then NT (< 8,
 * only with NZ < 2) single columns at
 * 16 * NZ, each computed along M (the packed A's MR values of one k are one
 * ymm, times a broadcast B value): 1 ymm FMA per column and k instead of
 * the 8 zmm FMAs of a zero-padded 16-column block. C is written in place
 * (masked), not through a tile buffer. */
__attribute__((target("avx512f"), always_inline)) static inline void
edge_avx512(const int NZ, const int NT, int64_t kc, const float *a, const float *b, float *c,
            int64_t rsc, const epilogue *e, __mmask16 mask) {
  __m512 acc[MR][2];
  __m256 tacc[8];
#pragma clang loop unroll(full)
  for (int i = 0; i < MR; ++i)
    acc[i][0] = acc[i][1] = _mm512_setzero_ps();
#pragma clang loop unroll(full)
  for (int t = 0; t < 8; ++t)
    tacc[t] = _mm256_setzero_ps();
  for (int64_t k = 0; k < kc; ++k, a += MR, b += NR) {
    if (NZ) {
      __m512 bv[2];
#pragma clang loop unroll(full)
      for (int z = 0; z < 2; ++z)
        if (z < NZ)
          bv[z] = _mm512_load_ps(b + 16 * z);
#pragma clang loop unroll(full)
      for (int i = 0; i < MR; ++i) {
        __m512 x = _mm512_set1_ps(a[i]);
#pragma clang loop unroll(full)
        for (int z = 0; z < 2; ++z)
          if (z < NZ)
            acc[i][z] = _mm512_fmadd_ps(x, bv[z], acc[i][z]);
      }
    }
    if (NT) {
      __m256 av = _mm256_loadu_ps(a);
#pragma clang loop unroll(full)
      for (int t = 0; t < 8; ++t)
        if (t < NT)
          tacc[t] = _mm256_fmadd_ps(av, _mm256_set1_ps(b[16 * NZ + t]), tacc[t]);
    }
  }
  if (NZ) {
    /* Without an epilogue: C += the tile. */
    const epilogue add = {0, 0, 0, 0, 0.0f, 0.0f};
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; ++i)
#pragma clang loop unroll(full)
      for (int z = 0; z < 2; ++z) {
        if (z >= NZ)
          break;
        __mmask16 m = z == NZ - 1 ? mask : (__mmask16)0xffff;
        store16_avx512(c + i * rsc + 16 * z, acc[i][z], i, 16 * z, e ? e : &add, m);
      }
  }
#pragma clang loop unroll(full)
  for (int t = 0; t < 8; ++t) {
    if (t >= NT)
      break;
    float col[MR];
    _mm256_storeu_ps(col, tacc[t]);
    for (int i = 0; i < MR; ++i)
      store1(c, rsc, col[i], i, 16 * NZ + t, e);
  }
}

/* Runs edge_avx512 for an MR x nr tile (nr < NR): nr = 16 + r or r with
 * r < 8 (columns along M), nr <= 16 (one masked block), 24..31 (two blocks,
 * the second masked). Returns 0 when it did not. */
__attribute__((target("avx512f"))) static int
edge_tile_avx512(int64_t kc, const float *a, const float *b, float *c, int64_t rsc,
                 int64_t nr, const epilogue *e) {
  int64_t r = nr % 16;
  if (nr > 16 && r >= 8) {
    /* 24..31 columns: the full kernel's work, stored with a mask. */
    edge_avx512(2, 0, kc, a, b, c, rsc, e, (__mmask16)((1u << r) - 1));
    return 1;
  }
  if (nr < 16 && r >= 8) {
    edge_avx512(1, 0, kc, a, b, c, rsc, e, (__mmask16)((1u << nr) - 1));
    return 1;
  }
  int nz = nr >= 16;
  switch (r) {
#define EDGE_CASE(R)                                                           \
  case R:                                                                      \
    if (nz)                                                                    \
      edge_avx512(1, R, kc, a, b, c, rsc, e, 0xffff);                          \
    else                                                                       \
      edge_avx512(0, R, kc, a, b, c, rsc, e, 0);                               \
    return 1;
    EDGE_CASE(0) EDGE_CASE(1) EDGE_CASE(2) EDGE_CASE(3)
    EDGE_CASE(4) EDGE_CASE(5) EDGE_CASE(6) EDGE_CASE(7)
#undef EDGE_CASE
  }
  return 0;
}

/* C[i][j, j + 8) of a tile (row stride rsc) += v, or with e, the
 * epilogue's update. */
__attribute__((target("avx2,fma"), always_inline)) static inline void
store8_avx2(float *c, int64_t rsc, __m256 v, int i, int j, const epilogue *e) {
  float *p = c + i * rsc + j;
  if (!e) {
    _mm256_storeu_ps(p, _mm256_add_ps(_mm256_loadu_ps(p), v));
    return;
  }
  int64_t f = e->flags;
  if (!(f & STEEDK_C_INIT))
    v = _mm256_add_ps(v, _mm256_loadu_ps(p));
  else if (f & STEEDK_BIAS_ROW)
    v = _mm256_add_ps(v, _mm256_set1_ps(e->bias[i]));
  else if (f & STEEDK_BIAS_COL)
    v = _mm256_add_ps(v, _mm256_loadu_ps(e->bias + j));
  if (f & STEEDK_RESIDUAL)
    v = _mm256_add_ps(v, _mm256_loadu_ps(e->res + i * e->rsr + j));
  if (f & STEEDK_SILU)
    v = steedk_silu_avx2(v);
  if (f & STEEDK_ACT_MIN) /* NaN stays NaN: max/min return the second operand */
    v = _mm256_max_ps(_mm256_set1_ps(e->lo), v);
  if (f & STEEDK_ACT_MAX)
    v = _mm256_min_ps(_mm256_set1_ps(e->hi), v);
  _mm256_storeu_ps(p, v);
}

/* AVX2: the 8 x 32 tile as four 4 x 16 blocks (8 ymm accumulators each). */
__attribute__((target("avx2,fma"))) static void
ukernel_avx2(int64_t kc, const float *a0, const float *b0, int64_t ldb, float *c,
             int64_t rsc, const epilogue *e) {
  for (int ib = 0; ib < MR; ib += 4)
    for (int jb = 0; jb < NR; jb += 16) {
      const float *a = a0 + ib, *b = b0 + jb;
      __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
      __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
      __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
      __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
      for (int64_t k = 0; k < kc; ++k, a += MR, b += ldb) {
        __m256 y0 = _mm256_loadu_ps(b), y1 = _mm256_loadu_ps(b + 8);
        __m256 x;
#define ROW(i)                                                                 \
  x = _mm256_broadcast_ss(a + i);                                              \
  c##i##0 = _mm256_fmadd_ps(x, y0, c##i##0);                                   \
  c##i##1 = _mm256_fmadd_ps(x, y1, c##i##1);
        ROW(0) ROW(1) ROW(2) ROW(3)
#undef ROW
      }
#define STORE(i)                                                               \
  store8_avx2(c, rsc, c##i##0, ib + i, jb, e);                                 \
  store8_avx2(c, rsc, c##i##1, ib + i, jb + 8, e);
      STORE(0) STORE(1) STORE(2) STORE(3)
#undef STORE
    }
}
#endif

static ukernel_fn pick_ukernel(int64_t flags) {
#ifdef STEEDK_X86
  switch (flags & STEEDK_ISA_MASK) {
  case 2:
    return ukernel_avx512;
  case 1:
    return ukernel_avx2;
  default:
    break;
  }
#else
  (void)flags;
#endif
  return ukernel_generic;
}

/* Packs rows [i0, i0+mc) x cols [k0, k0+kc) of A (strides rsa, csa) into
 * MR-row panels dst[p][kc][MR], zero-padding the last panel. */
static void pack_a(const float *A, int64_t rsa, int64_t csa, int64_t i0, int64_t mc,
                   int64_t k0, int64_t kc, float *dst) {
  for (int64_t ip = 0; ip < mc; ip += MR, dst += kc * MR) {
    int64_t rows = mc - ip < MR ? mc - ip : MR;
    const float *src = A + (i0 + ip) * rsa + k0 * csa;
    if (rows == MR && csa == 1) {
      for (int64_t k = 0; k < kc; ++k)
        for (int i = 0; i < MR; ++i)
          dst[k * MR + i] = src[i * rsa + k];
      continue;
    }
    for (int64_t k = 0; k < kc; ++k)
      for (int i = 0; i < MR; ++i)
        dst[k * MR + i] = i < rows ? src[i * rsa + k * csa] : 0.0f;
  }
}

/* Packs rows [k0, k0+kc) x cols [j0, j0+nc) of B (strides rsb, csb) into
 * NR-column panels dst[p][kc][NR], zero-padding the last panel. */
#ifdef STEEDK_X86
/* dst[k][0, NR) = src[k * rsb + (0, NR)] for k < kc: a panel's rows, two
 * zmm each (a memcpy call per 128 bytes costs as much as the copy). */
__attribute__((target("avx512f"))) static void copy_panel_avx512(float *dst,
                                                                 const float *src,
                                                                 int64_t rsb, int64_t kc) {
  for (int64_t k = 0; k < kc; ++k, dst += NR, src += rsb) {
    _mm512_store_ps(dst, _mm512_loadu_ps(src));
    _mm512_store_ps(dst + 16, _mm512_loadu_ps(src + 16));
  }
}
#endif

static void pack_b(int64_t flags, const float *B, int64_t rsb, int64_t csb, int64_t k0,
                   int64_t kc, int64_t j0, int64_t nc, float *dst) {
  for (int64_t jp = 0; jp < nc; jp += NR, dst += kc * NR) {
    int64_t cols = nc - jp < NR ? nc - jp : NR;
    const float *src = B + k0 * rsb + (j0 + jp) * csb;
    if (cols == NR && csb == 1) {
#ifdef STEEDK_X86
      if ((flags & STEEDK_ISA_MASK) == 2) {
        copy_panel_avx512(dst, src, rsb, kc);
        continue;
      }
#endif
      for (int64_t k = 0; k < kc; ++k)
        memcpy(dst + k * NR, src + k * rsb, NR * sizeof(float));
      continue;
    }
    for (int64_t k = 0; k < kc; ++k)
      for (int j = 0; j < NR; ++j)
        dst[k * NR + j] = j < cols ? src[k * rsb + j * csb] : 0.0f;
  }
}

/* The im2col view of one image X [C][H][W] (contiguous, unpadded) for a
 * KH x KW filter: B[(c, kh, kw)][(oh, ow)] = X[c][oh*sh + kh*dh - pt]
 * [ow*sw + kw*dw - pl], zero outside X (the bottom and right padding follow
 * from the output size). */
typedef struct {
  const float *x;
  int64_t h, w, kh, kw, ow, sh, sw, dh, dw, pt, pl;
  int64_t c; /* channels (this group's): with tapMajor, row k is (k / c, k % c) */
  int tapMajor;
  /* B is read in place, tap by tap (shifted_panel), for panels of NR
   * columns: tap-major, stride 1, no dilation, the output the input's
   * size, at least SHIFTED_MIN_C channels, AVX-512. */
  int shifted;
} im2col_view;

/* The (channel, tap) of im2col row k, and the step to row k + 1. */
static inline void im2col_row_index(const im2col_view *v, int64_t k, int64_t *c, int64_t *t) {
  int64_t khw = v->kh * v->kw;
  if (v->tapMajor) {
    *t = k / v->c;
    *c = k - *t * v->c;
  } else {
    *c = k / khw;
    *t = k - *c * khw;
  }
}

static inline void im2col_next_row(const im2col_view *v, int64_t *c, int64_t *t) {
  if (v->tapMajor) {
    if (++*c == v->c) {
      *c = 0;
      ++*t;
    }
  } else if (++*t == v->kh * v->kw) {
    *t = 0;
    ++*c;
  }
}

/* Fewest channels for which a convolution's B is read in place tap by tap
 * (a segment per tap and K slice; below, packing is cheaper). */
#define SHIFTED_MIN_C 16
/* Segments of one K slice: at most KC / SHIFTED_MIN_C + 1 (+ 1 spare). */
#define MAX_SEGMENTS (KC / SHIFTED_MIN_C + 2)

/* Filters up to this many taps have their pieces planned once per panel;
 * larger ones plan each row. */
#define IM2COL_MAX_TAPS 64

/* The columns [n0, n0 + cols) of an im2col panel for one filter tap as
 * pieces of at most 16 columns in one output row: piece q fills panel
 * columns [dst, dst + len) from plane offset src + t * sw for its t-th
 * column, where lanes [lo, hi) lie inside X and the others are zeros. The
 * same for every channel (only the plane origin changes). */
typedef struct {
  int32_t dst, len, lo, hi;
  uint16_t store, load; /* lanes [0, len), lanes [lo, hi) */
  uint32_t load2;       /* stride 2: source elements [2 lo, 2 hi - 1) of 32 */
  int64_t src;
} im2col_piece;

typedef struct {
  int n;
  im2col_piece p[NR];
} im2col_plan;

static void plan_tap(const im2col_view *v, int64_t ky, int64_t kx, int64_t n0, int64_t cols,
                     im2col_plan *q) {
  int64_t oh = n0 / v->ow, ow = n0 % v->ow;
  q->n = 0;
  for (int64_t j = 0; j < cols;) {
    int64_t run = v->ow - ow < cols - j ? v->ow - ow : cols - j;
    if (run > 16)
      run = 16;
    im2col_piece *p = &q->p[q->n++];
    int64_t iy = oh * v->sh + ky * v->dh - v->pt;
    int64_t ix = ow * v->sw + kx * v->dw - v->pl; /* lane 0's column */
    int64_t lo = ix >= 0 ? 0 : (-ix + v->sw - 1) / v->sw;
    int64_t hi = ix < v->w ? (v->w - ix + v->sw - 1) / v->sw : 0;
    if (hi > run)
      hi = run;
    if (iy < 0 || iy >= v->h || lo >= hi)
      lo = hi = 0;
    p->dst = (int32_t)j;
    p->len = (int32_t)run;
    p->lo = (int32_t)lo;
    p->hi = (int32_t)hi;
    p->store = (uint16_t)((1u << run) - 1u);
    p->load = (uint16_t)(((1u << hi) - 1u) & ~((1u << lo) - 1u));
    p->load2 = hi > lo ? (uint32_t)((((uint64_t)1 << (2 * hi - 1)) - 1) & ~(((uint64_t)1 << (2 * lo)) - 1))
                       : 0;
    p->src = iy * v->w + ix;
    j += run;
    ow += run;
    if (ow == v->ow) {
      ow = 0;
      ++oh;
    }
  }
}

/* Tap t's plan for the panel at column n0: planned ahead, or now. */
static inline const im2col_plan *tap_plan(const im2col_view *v, const im2col_plan *plans,
                                          int64_t t, int64_t n0, int64_t cols,
                                          im2col_plan *scratch) {
  if (plans)
    return &plans[t];
  plan_tap(v, t / v->kw, t % v->kw, n0, cols, scratch);
  return scratch;
}

/* The plans of taps t0 .. t0 + tn - 1 (mod the filter's taps) of the panel
 * at column n0, padded to one piece count with empty pieces (no lanes
 * loaded or stored), which is returned. */
static int plan_panel(const im2col_view *v, int64_t t0, int64_t tn, int64_t n0, int64_t cols,
                      im2col_plan *plans) {
  int64_t khw = v->kh * v->kw;
  int np = 0;
  for (int64_t i = 0; i < tn; ++i) {
    int64_t t = (t0 + i) % khw;
    plan_tap(v, t / v->kw, t % v->kw, n0, cols, &plans[t]);
    np = plans[t].n > np ? plans[t].n : np;
  }
  for (int64_t i = 0; i < tn; ++i) {
    im2col_plan *q = &plans[(t0 + i) % khw];
    for (; q->n < np; ++q->n)
      memset(&q->p[q->n], 0, sizeof q->p[0]);
  }
  return np;
}

#ifdef STEEDK_X86
/* One piece of a K row: a masked load (SW = 1), two and a permute keeping
 * the even columns (SW = 2) or a gather (SW = 0: any stride), and a masked
 * store. */
__attribute__((target("avx512f"), always_inline)) static inline void
im2col_piece_avx512(const im2col_piece *p, const float *base, float *restrict dst,
                    __m512i step, const int SW) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26,
                                         28, 30);
  /* Masked-off lanes are not read, so the address may lie outside X. */
  const float *s = (const float *)((intptr_t)base + (intptr_t)p->src * 4);
  __m512 x;
  if (SW == 1)
    x = _mm512_maskz_loadu_ps(p->load, s);
  else if (SW == 2)
    x = _mm512_permutex2var_ps(_mm512_maskz_loadu_ps((__mmask16)p->load2, s), even,
                               _mm512_maskz_loadu_ps((__mmask16)(p->load2 >> 16), s + 16));
  else
    x = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), p->load, step, s, 4);
  _mm512_mask_storeu_ps(dst + p->dst, p->store, x);
}

/* The pieces of one K row. NP > 0: exactly NP (the plans padded to it),
 * unrolled, so that the piece count is no branch to mispredict from one K
 * row to the next (2 or 3 pieces, tap after tap). */
__attribute__((target("avx512f"), always_inline)) static inline void
im2col_row_avx512(const im2col_plan *q, const float *base, float *restrict dst,
                  __m512i step, const int SW, const int NP) {
  if (NP) {
#pragma clang loop unroll(full)
    for (int i = 0; i < NP; ++i)
      im2col_piece_avx512(&q->p[i], base, dst, step, SW);
    return;
  }
  for (int i = 0; i < q->n; ++i)
    im2col_piece_avx512(&q->p[i], base, dst, step, SW);
}

__attribute__((target("avx512f"), always_inline)) static inline void
im2col_rows_sw(const im2col_view *v, const im2col_plan *plans, int64_t k0, int64_t kc,
               int64_t n0, int64_t cols, float *dst, const int SW, const int NP) {
  im2col_plan scratch;
  int64_t plane = v->h * v->w, c, t;
  im2col_row_index(v, k0, &c, &t);
  const float *x = v->x;
  __m512i step = _mm512_mullo_epi32(
      _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
      _mm512_set1_epi32((int)v->sw));
  int full = cols == NR;
  for (int64_t k = 0; k < kc; ++k, dst += NR) {
    if (!full) {
      _mm512_storeu_ps(dst, _mm512_setzero_ps());
      _mm512_storeu_ps(dst + 16, _mm512_setzero_ps());
    }
    im2col_row_avx512(tap_plan(v, plans, t, n0, cols, &scratch), x + c * plane, dst, step, SW,
                      NP);
    im2col_next_row(v, &c, &t);
  }
}

/* np: the pieces of every plan (padded), or 0 (they vary). */
__attribute__((target("avx512f"))) static void
im2col_rows_avx512(const im2col_view *v, const im2col_plan *plans, int np, int64_t k0,
                   int64_t kc, int64_t n0, int64_t cols, float *dst) {
#define IM2COL_NP(SW)                                                                         \
  switch (np) {                                                                               \
  case 2:                                                                                     \
    im2col_rows_sw(v, plans, k0, kc, n0, cols, dst, SW, 2);                                    \
    return;                                                                                   \
  case 3:                                                                                     \
    im2col_rows_sw(v, plans, k0, kc, n0, cols, dst, SW, 3);                                    \
    return;                                                                                   \
  case 4:                                                                                     \
    im2col_rows_sw(v, plans, k0, kc, n0, cols, dst, SW, 4);                                    \
    return;                                                                                   \
  default:                                                                                    \
    im2col_rows_sw(v, plans, k0, kc, n0, cols, dst, SW, 0);                                    \
    return;                                                                                   \
  }
  if (v->sw == 1)
    IM2COL_NP(1)
  else if (v->sw == 2)
    IM2COL_NP(2)
  else
    im2col_rows_sw(v, plans, k0, kc, n0, cols, dst, 0, 0);
#undef IM2COL_NP
}
#endif

static void im2col_rows_generic(const im2col_view *v, const im2col_plan *plans, int64_t k0,
                                int64_t kc, int64_t n0, int64_t cols, float *dst) {
  im2col_plan scratch;
  int64_t plane = v->h * v->w, c, t;
  im2col_row_index(v, k0, &c, &t);
  for (int64_t k = 0; k < kc; ++k, dst += NR) {
    const float *base = v->x + c * plane;
    const im2col_plan *q = tap_plan(v, plans, t, n0, cols, &scratch);
    for (int i = 0; i < q->n; ++i) {
      const im2col_piece *p = &q->p[i];
      float *d = dst + p->dst;
      for (int l = 0; l < p->len; ++l)
        d[l] = l >= p->lo && l < p->hi ? base[p->src + (int64_t)l * v->sw] : 0.0f;
    }
    for (int64_t j = cols; j < NR; ++j)
      dst[j] = 0.0f;
    im2col_next_row(v, &c, &t);
  }
}

/* Packs rows [k0, k0+kc) x cols [j0, j0+nc) of the im2col view into
 * NR-column panels dst[p][kc][NR], zero-padding the last panel. */
static void pack_b_im2col(int64_t flags, const im2col_view *v, int64_t k0, int64_t kc,
                          int64_t j0, int64_t nc, float *dst) {
  int64_t khw = v->kh * v->kw;
  im2col_plan planned[IM2COL_MAX_TAPS];
  im2col_plan *plans = khw <= IM2COL_MAX_TAPS ? planned : 0;
  for (int64_t jp = 0; jp < nc; jp += NR, dst += kc * NR) {
    int64_t cols = nc - jp < NR ? nc - jp : NR;
    /* The taps this slice of K reaches: t0 and the tn after it (all of
     * them past one channel; tap-major: the slice's own). */
    int64_t t0, tn;
    if (v->tapMajor) {
      t0 = k0 / v->c;
      tn = (k0 + kc - 1) / v->c - t0 + 1;
    } else {
      t0 = kc >= khw ? 0 : k0 % khw;
      tn = kc >= khw ? khw : kc;
    }
    int np = plans ? plan_panel(v, t0, tn, j0 + jp, cols, plans) : 0;
#ifdef STEEDK_X86
    if ((flags & STEEDK_ISA_MASK) == 2) {
      im2col_rows_avx512(v, plans, np, k0, kc, j0 + jp, cols, dst);
      continue;
    }
#endif
    (void)flags;
    im2col_rows_generic(v, plans, k0, kc, j0 + jp, cols, dst);
  }
}

/* ---- Row-phase im2col: few input channels, wide output rows -------------
 * A stem convolution (3 input channels, K = 27 or 147) packs its B panels
 * from a handful of input rows, and planning the pieces of every tap of
 * every panel costs as much as copying them. Here the output is taken one
 * output row at a time: for that row, each (channel, ky) input row is
 * split once into its sw column phases, zero padded ("phase rows": phase r
 * element i is padded column i * sw + r), and then im2col row (c, ky, kx)
 * of output columns [ox, ox + n) is the contiguous run of phase
 * (kx * dw) % sw from element ox + (kx * dw) / sw: panels are plain copies. */
#define PHASE_BUF 8192   /* floats of phase rows (32 KB) */
#define PHASE_SLACK NR   /* zeros after each phase row (full-vector copies) */

/* Elements of one phase row: the output row's columns and the filter's
 * reach, plus the slack. */
static int64_t phase_len(const im2col_view *v) {
  return v->ow + ((v->kw - 1) * v->dw) / v->sw + 1 + PHASE_SLACK;
}

/* Whether a convolution packs by row phases: channel-major K, at least two
 * panels per output row, and its phase rows fit PHASE_BUF. */
static int rowphase_ok(const im2col_view *v) {
  return !v->tapMajor && !v->shifted && v->ow >= 2 * NR && v->sw <= 4 &&
         v->c * v->kh * v->sw * phase_len(v) <= PHASE_BUF;
}

#ifdef STEEDK_X86
/* One input row into its sw (1 or 2) phase rows of L elements:
 * dst[r * L + i] = row[i * sw + r] where pl <= i * sw + r < pl + w, else 0
 * (row: the input row minus pl). Masked-off lanes are not read. */
__attribute__((target("avx512f"))) static void
phase_row_avx512(const float *row, int64_t pl, int64_t w, int64_t sw, int64_t L, float *dst) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26,
                                         28, 30);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  for (int64_t i = 0; i < L; i += 16) {
    __mmask16 st = i + 16 <= L ? (__mmask16)0xffff : (__mmask16)((1u << (L - i)) - 1u);
    int64_t t = i * sw; /* padded column of lane 0 */
    __m512 a = _mm512_maskz_loadu_ps(steedk_range_mask(t - pl, w), row + t);
    if (sw == 1) {
      _mm512_mask_storeu_ps(dst + i, st, a);
      continue;
    }
    __m512 b = _mm512_maskz_loadu_ps(steedk_range_mask(t + 16 - pl, w), row + t + 16);
    _mm512_mask_storeu_ps(dst + i, st, _mm512_permutex2var_ps(a, even, b));
    _mm512_mask_storeu_ps(dst + L + i, st, _mm512_permutex2var_ps(a, odd, b));
  }
}
/* dst[k][0..NR) = base[off[k] + 0..cols), zeros after cols. */
__attribute__((target("avx512f"))) static void
copy_rows_avx512(const float *base, const int32_t *off, int64_t kc, int64_t cols, float *dst) {
  __mmask16 m0 = cols >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << cols) - 1u);
  __mmask16 m1 = cols >= 32 ? (__mmask16)0xffff
                 : cols > 16 ? (__mmask16)((1u << (cols - 16)) - 1u)
                             : 0;
  for (int64_t k = 0; k < kc; ++k, dst += NR) {
    const float *s = base + off[k];
    _mm512_store_ps(dst, _mm512_maskz_loadu_ps(m0, s));
    _mm512_store_ps(dst + 16, _mm512_maskz_loadu_ps(m1, s + 16));
  }
}
#endif

/* The phase rows of output row oy: [c][ky][r][phase_len]. */
static void build_phases(int64_t flags, const im2col_view *v, int64_t oy, float *ph) {
  int64_t L = phase_len(v), plane = v->h * v->w;
  for (int64_t c = 0; c < v->c; ++c)
    for (int64_t ky = 0; ky < v->kh; ++ky) {
      int64_t iy = oy * v->sh + ky * v->dh - v->pt;
      float *dst = ph + (c * v->kh + ky) * v->sw * L;
      if (iy < 0 || iy >= v->h) {
        memset(dst, 0, v->sw * L * sizeof(float));
        continue;
      }
      /* phase r element i = X[c][iy][i * sw + r - pl], zero outside */
      const float *row = v->x + c * plane + iy * v->w - v->pl;
#ifdef STEEDK_X86
      if ((flags & STEEDK_ISA_MASK) == 2 && v->sw <= 2) {
        phase_row_avx512(row, v->pl, v->w, v->sw, L, dst);
        continue;
      }
#endif
      (void)flags;
      for (int64_t r = 0; r < v->sw; ++r)
        for (int64_t i = 0; i < L; ++i) {
          int64_t t = i * v->sw + r;
          dst[r * L + i] = t >= v->pl && t - v->pl < v->w ? row[t] : 0.0f;
        }
    }
}

/* Panels of K rows [k0, k0 + kc) for output columns [ox, ox + nc) of the
 * output row whose phase rows are ph: dst[panel][kc][NR], zero padded. */
static void pack_b_phases(int64_t flags, const im2col_view *v, const float *ph, int64_t k0,
                          int64_t kc, int64_t ox, int64_t nc, float *dst) {
  /* Where row k's run starts in ph (the same for every panel). */
  int32_t off[KC];
  int64_t L = phase_len(v), khw = v->kh * v->kw;
  int64_t c = k0 / khw, t = k0 - c * khw, ky = t / v->kw, kx = t - ky * v->kw;
  for (int64_t k = 0; k < kc; ++k) {
    int64_t d = kx * v->dw;
    off[k] = (int32_t)(((c * v->kh + ky) * v->sw + d % v->sw) * L + d / v->sw);
    if (++kx == v->kw) {
      kx = 0;
      if (++ky == v->kh) {
        ky = 0;
        ++c;
      }
    }
  }
  for (int64_t jp = 0; jp < nc; jp += NR, dst += kc * NR) {
    int64_t cols = nc - jp < NR ? nc - jp : NR;
    const float *base = ph + ox + jp;
#ifdef STEEDK_X86
    if ((flags & STEEDK_ISA_MASK) == 2) {
      copy_rows_avx512(base, off, kc, cols, dst);
      continue;
    }
#endif
    (void)flags;
    for (int64_t k = 0; k < kc; ++k) {
      memcpy(dst + k * NR, base + off[k], cols * sizeof(float));
      memset(dst + k * NR + cols, 0, (NR - cols) * sizeof(float));
    }
  }
}

/* Runs the micro-kernel on an MR x NR tile with mr x nr valid elements
 * (e: the tile's epilogue for this K slice, or 0). */
static inline void tile(ukernel_fn uk, int64_t kc, const float *a, const float *b,
                        int64_t ldb, float *c, int64_t rsc, int64_t mr, int64_t nr,
                        const epilogue *e) {
  if (mr == MR && nr == NR) {
    uk(kc, a, b, ldb, c, rsc, e);
    return;
  }
#ifdef STEEDK_X86
  if (mr == MR && ldb == NR && uk == ukernel_avx512 &&
      edge_tile_avx512(kc, a, b, c, rsc, nr, e))
    return;
#endif
  float t[MR * NR];
  memset(t, 0, sizeof t);
  uk(kc, a, b, ldb, t, NR, 0);
  store_tile(c, rsc, t, NR, mr, nr, e);
}

#ifdef STEEDK_X86
/* K rows [k0, k0 + kc) of a tap-major im2col view (v->shifted) for the
 * full panel at output column n0, as segments read in place: tap t's
 * channels [c0, c1) are X[c][.] from n0 + (ky - pt) * W + (kx - pl) on
 * (stride 1, output of the input's size: a uniform shift), lanes whose
 * input row or column falls outside X masked off. Returns the count. */
static int shifted_panel(const im2col_view *v, int64_t k0, int64_t kc, int64_t n0,
                         b_segment *seg) {
  int64_t oy[NR], ox[NR];
  int64_t y = n0 / v->ow, x = n0 - y * v->ow;
  for (int l = 0; l < NR; ++l) {
    oy[l] = y;
    ox[l] = x;
    if (++x == v->ow) {
      x = 0;
      ++y;
    }
  }
  int64_t plane = v->h * v->w;
  int n = 0;
  for (int64_t k = k0; k < k0 + kc; ++n) {
    int64_t t = k / v->c, c0 = k - t * v->c;
    int64_t c1 = v->c - c0 < k0 + kc - k ? v->c : c0 + (k0 + kc - k);
    int64_t dy = t / v->kw - v->pt, dx = t % v->kw - v->pl;
    uint32_t mask = 0;
    for (int l = 0; l < NR; ++l)
      if (oy[l] + dy >= 0 && oy[l] + dy < v->h && ox[l] + dx >= 0 && ox[l] + dx < v->w)
        mask |= 1u << l;
    /* Masked-off lanes are not read, so the address may lie outside X. */
    seg[n].b = (const float *)((intptr_t)v->x + (c0 * plane + n0 + dy * v->w + dx) * 4);
    seg[n].n = c1 - c0;
    seg[n].m[0] = (__mmask16)mask;
    seg[n].m[1] = (__mmask16)(mask >> 16);
    k += c1 - c0;
  }
  return n;
}

/* tile() for B as segments (ldb: their row stride). */
static void tile_segments(const b_segment *seg, int nseg, const float *a, int64_t ldb, float *c,
                          int64_t rsc, int64_t mr, const epilogue *e) {
  if (mr == MR) {
    ukernel_segments_avx512(seg, nseg, a, ldb, c, rsc, e);
    return;
  }
  float t[MR * NR];
  memset(t, 0, sizeof t);
  ukernel_segments_avx512(seg, nseg, a, ldb, t, NR, 0);
  store_tile(c, rsc, t, NR, mr, NR, e);
}
#endif

/* B's source: a strided matrix, prepacked panels, or an im2col view. */
typedef struct {
  const float *p;
  int64_t rs, cs;
  const im2col_view *im2col;
  /* with im2col: the phase rows of the output row starting at column
   * rowStart of C, which holds all of [j0, j1) (rowphase_ok), or 0 */
  const float *phase;
  int64_t rowStart;
} b_source;

/* Rows [i0, i1) and columns [j0, j1) of C[M,N] (row stride rsc, unit
 * column stride) += A * B; i0 is a multiple of MR, j0 of NR. The epilogue
 * bits of `flags` apply with ep's bias (indexed by C's row or column) and
 * residual (row stride ep->rsr) at C's origin. */
static void gemm(int64_t flags, int64_t M, int64_t N, int64_t K, const float *A,
                 int64_t rsa, int64_t csa, const b_source *B, float *C, int64_t rsc,
                 int64_t i0, int64_t i1, int64_t j0, int64_t j1, const epilogue *ep) {
  (void)N;
  if (i1 <= i0 || j1 <= j0 || K <= 0)
    return;
  ukernel_fn uk = pick_ukernel(flags);
  _Alignas(64) float abuf[MC * KC];
  _Alignas(64) float bbuf[KC * NC];
  int aPacked = (flags & STEEDK_A_PACKED) != 0, bPacked = (flags & STEEDK_B_PACKED) != 0;
  /* B with unit column stride (a 1x1 convolution's input, a row-major
   * matrix) is read where it is, NR columns of KC rows at a time, when a
   * row panel has enough rows to amortize the strided first touch: the
   * micro-kernels keep the panel in L1 across the MR-row tiles. Only a
   * narrow last panel is packed (the edge kernels read full vectors). */
  int direct = !bPacked && !B->im2col && B->cs == 1 && i1 - i0 >= DIRECT_B_ROWS;
  /* Likewise a tap-major convolution's B, tap by tap (shifted_panel). */
  int shifted = B->im2col && B->im2col->shifted && i1 - i0 >= SHIFTED_B_ROWS;
  /* K in equal slices of at most KC (no short last slice). */
  int64_t kStep = (K + (K + KC - 1) / KC - 1) / ((K + KC - 1) / KC);
  /* Column blocks: NC where B is packed at run time (bbuf) or read in
   * place tap by tap (seg), else NC_WIDE: each block packs A anew. */
  int64_t ncStep = bPacked || (direct && !shifted) ? NC_WIDE : NC;
  for (int64_t jc = j0; jc < j1; jc += ncStep) {
    int64_t nc = j1 - jc < ncStep ? j1 - jc : ncStep;
    for (int64_t pc = 0; pc < K; pc += kStep) {
      int64_t kc = K - pc < kStep ? K - pc : kStep;
      int64_t sliceFlags = (pc == 0 ? flags & STEEDK_FIRST_SLICE : 0) |
                           (pc + kc >= K ? flags & STEEDK_LAST_SLICE : 0);
      const float *bp;
      int64_t bPanel; /* distance between NR panels */
      /* columns read in place */
      int64_t full = direct || shifted ? nc / NR * NR : 0;
      if (bPacked) {
        bp = B->p + (jc / NR) * K * NR + pc * NR;
        bPanel = K * NR;
      } else if (direct || shifted) {
        if (full < nc && direct)
          pack_b(flags, B->p, B->rs, 1, pc, kc, jc + full, nc - full, bbuf);
        else if (full < nc)
          pack_b_im2col(flags, B->im2col, pc, kc, jc + full, nc - full, bbuf);
        bp = bbuf;
        bPanel = kc * NR;
      } else {
        if (B->phase)
          pack_b_phases(flags, B->im2col, B->phase, pc, kc, jc - B->rowStart, nc, bbuf);
        else if (B->im2col)
          pack_b_im2col(flags, B->im2col, pc, kc, jc, nc, bbuf);
        else
          pack_b(flags, B->p, B->rs, B->cs, pc, kc, jc, nc, bbuf);
        bp = bbuf;
        bPanel = kc * NR;
      }
#ifdef STEEDK_X86
      /* The in-place panels' segments, once per K slice (every row block
       * reads them). */
      b_segment seg[NC / NR][MAX_SEGMENTS];
      int nseg[NC / NR] = {0};
      for (int64_t jr = 0; shifted && jr < full; jr += NR)
        nseg[jr / NR] = shifted_panel(B->im2col, pc, kc, jc + jr, seg[jr / NR]);
#endif
      for (int64_t ic = i0; ic < i1; ic += MC) {
        int64_t mc = i1 - ic < MC ? i1 - ic : MC;
        const float *ap;
        int64_t aPanel;
        if (aPacked) {
          /* Slice pc holds the ceil(M/MR) panels of kc rows in turn. */
          ap = A + pc * ((M + MR - 1) / MR) * MR + (ic / MR) * kc * MR;
          aPanel = kc * MR;
        } else {
          pack_a(A, rsa, csa, ic, mc, pc, kc, abuf);
          ap = abuf;
          aPanel = kc * MR;
        }
        for (int64_t jr = 0; jr < nc; jr += NR) {
          const float *b;
          int64_t ldb;
          if (jr < full && shifted) {
            b = 0;
            ldb = B->im2col->h * B->im2col->w;
          } else if (jr < full) {
            b = B->p + pc * B->rs + jc + jr;
            ldb = B->rs;
          } else {
            b = bp + ((jr - full) / NR) * bPanel;
            ldb = NR;
          }
          int64_t nr = nc - jr < NR ? nc - jr : NR;
          for (int64_t ir = 0; ir < mc; ir += MR) {
            int64_t mr = mc - ir < MR ? mc - ir : MR;
            int64_t row = ic + ir, col = jc + jr;
            epilogue te;
            if (sliceFlags) {
              te = *ep;
              te.flags = sliceFlags;
              if (sliceFlags & STEEDK_BIAS_ROW)
                te.bias = ep->bias + row;
              else if (sliceFlags & STEEDK_BIAS_COL)
                te.bias = ep->bias + col;
              if (sliceFlags & STEEDK_RESIDUAL)
                te.res = ep->res + row * ep->rsr + col;
            }
#ifdef STEEDK_X86
            if (shifted && nseg[jr / NR]) {
              tile_segments(seg[jr / NR], nseg[jr / NR], ap + (ir / MR) * aPanel, ldb,
                            C + row * rsc + col, rsc, mr, sliceFlags ? &te : 0);
              continue;
            }
#endif
            tile(uk, kc, ap + (ir / MR) * aPanel, b, ldb, C + row * rsc + col, rsc, mr, nr,
                 sliceFlags ? &te : 0);
          }
        }
      }
    }
  }
}

/* A batch of GEMMs (or of a convolution's per-image, per-group GEMMs) cut
 * into tasks of MC rows x NC columns, run on the runtime's thread pool. */
typedef struct {
  int64_t flags, M, N, K, problems, rowChunks, colChunks, rowStep, colStep;
  int panelMajor; /* Winograd: tasks ordered (problem, tile panel, filter piece) */
  int conv;
  /* GEMM */
  const float *A, *B;
  float *C;
  int64_t bsa, rsa, csa, bsb, rsb, csb, bsc, rsc;
  /* convolution: X [n][c][h][w] (unpadded: pt, pl), groups, filter group
   * stride aGroup */
  int64_t groups, c, h, w, f, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl, aGroup;
  /* epilogue: bias (per row of each problem's C) and residual R (laid out
   * as C) */
  const float *bias, *res;
  float lo, hi;
} job;

/* A tap-major convolution whose B is read in place (im2col_view.shifted). */
static int shifted_ok(const job *j) {
  return (j->flags & STEEDK_TAP_MAJOR) && (j->flags & STEEDK_ISA_MASK) == 2 && j->sh == 1 &&
         j->sw == 1 && j->dh == 1 && j->dw == 1 && j->oh == j->h && j->ow == j->w &&
         j->c / j->groups >= SHIFTED_MIN_C;
}

/* A 1x1 convolution without stride or padding: B is the input itself. */
static int pointwise(const job *j) {
  return j->kh == 1 && j->kw == 1 && j->sh == 1 && j->sw == 1 && j->h == j->oh &&
         j->w == j->ow && j->pt == 0 && j->pl == 0;
}

/* ---- Winograd F(2x2, 3x3) ----------------------------------------------
 * A "same" 3x3 stride-1 convolution as 2x2 output tiles: with d a tile's
 * 4x4 input patch (rows 2 ty - 1 .., columns 2 tx - 1 ..) per channel and
 * U = G g G^T the filters' 4x4 transforms (prepacked at compile time), the
 * tile is A^T [sum over c of U[f][c] (.) B^T d B] A: 16 GEMMs ([F][C] x
 * [C][tiles], one per element xi of the 4x4 transform) replace the 9 of
 * the direct convolution on 4 times as many columns: 2.25x fewer
 * multiply-adds for transforms of a few additions per element. Per panel
 * of NR tiles (consecutive in the tile grid, across tile rows): the
 * patches are transformed straight from X into the 16 B panels, row by
 * row (wino_patches), the 16 GEMMs run with the micro-kernel into M, and
 * M's tiles are transformed back and stored with the epilogue
 * (wino_output). */
#define WINO_KC 256 /* = kWinoKC in Microkernels.cpp: U's K slices */
#ifndef WINO_FB
#define WINO_FB 64 /* filters per block of M */
#endif

/* Must match Microkernels.cpp's choice: 3x3, stride 1, no dilation, pads
 * 1, output the input's size, one group, AVX-512. */
static int wino_ok(const job *j) {
  return (j->flags & STEEDK_WINOGRAD) && (j->flags & STEEDK_ISA_MASK) == 2 && j->kh == 3 &&
         j->kw == 3 && j->sh == 1 && j->sw == 1 && j->dh == 1 && j->dw == 1 && j->pt == 1 &&
         j->pl == 1 && j->oh == j->h && j->ow == j->w && j->groups == 1;
}

#ifdef STEEDK_X86
/* A run of tile lanes [l0, l1) of a panel in tile row ty from tile column
 * tx0. */
typedef struct {
  int l0, l1;
  int64_t ty, tx0;
} wino_run;

/* m: [16][fb][pw] (filters f0 ..); the tiles' outputs A^T m A, with the
 * epilogue e (bias per filter, residual, activation; without C_INIT added
 * to Y), stored into Y [F][oh][ow] (res: R laid out as Y). */
__attribute__((target("avx512f"))) static void
wino_output(const job *j, const float *m, int pw, int64_t fb, int64_t f0, float *Y,
            const float *res, const wino_run *runs, int nruns, int64_t ncols,
            const epilogue *ep) {
  const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i hi = _mm512_add_epi32(lo, _mm512_set1_epi32(8));
  int64_t P = j->oh * j->ow;
  epilogue te = *ep; /* bias and residual moved to each store's */
  /* The stores of the panel, planned once for all its filters: per group
   * of 16 tile lanes, output row parity r and half z of the interleaved
   * pair, where (relative to the filter's plane) and under which mask. */
  typedef struct {
    int64_t off;
    __mmask16 mk;
    int rz; /* r * 2 + z */
  } wino_store;
  wino_store st[NR / 16][4 * NR];
  int nst[NR / 16] = {0};
  for (int h = 0; h < ncols; h += 16)
    for (int r = 0; r < 2; ++r)
      for (int q = 0; q < nruns; ++q) {
        int a = runs[q].l0 > h ? runs[q].l0 : h;
        int b = runs[q].l1 < h + 16 ? runs[q].l1 : h + 16;
        if (a >= b)
          continue;
        int64_t oy = 2 * runs[q].ty + r;
        if (oy >= j->oh)
          continue;
        /* element e of the pair goes to column x0 + e */
        int64_t x0 = 2 * (runs[q].tx0 + (a - runs[q].l0)) - 2 * (a - h);
        int64_t e0 = 2 * (a - h), e1 = 2 * (b - h);
        if (e1 > j->ow - x0)
          e1 = j->ow - x0;
        for (int z = 0; z < 2; ++z) {
          int64_t za = e0 - 16 * z > 0 ? e0 - 16 * z : 0, zb = e1 - 16 * z < 16 ? e1 - 16 * z : 16;
          if (za >= zb)
            continue;
          wino_store *w = &st[h / 16][nst[h / 16]++];
          w->off = oy * j->ow + x0 + 16 * z;
          w->mk = (__mmask16)(((1u << zb) - 1u) & ~((1u << za) - 1u));
          w->rz = r * 2 + z;
        }
      }
  for (int64_t f = 0; f < fb; ++f) {
    te.bias = ep->bias ? ep->bias + f0 + f : 0;
    float *Yf = Y + (f0 + f) * P;
    const float *Rf = res ? res + (f0 + f) * P : 0;
    for (int h = 0; h < ncols; h += 16) {
      __m512 x[16], s[8], y[4], v2[4];
#pragma clang loop unroll(full)
      for (int e = 0; e < 16; ++e)
        x[e] = _mm512_load_ps(m + (e * fb + f) * pw + h);
      /* s = A^T m (rows) */
#pragma clang loop unroll(full)
      for (int q = 0; q < 4; ++q) {
        s[q] = _mm512_add_ps(_mm512_add_ps(x[0 * 4 + q], x[1 * 4 + q]), x[2 * 4 + q]);
        s[4 + q] = _mm512_sub_ps(_mm512_sub_ps(x[1 * 4 + q], x[2 * 4 + q]), x[3 * 4 + q]);
      }
      /* y = s A (columns) */
#pragma clang loop unroll(full)
      for (int r = 0; r < 2; ++r) {
        y[r * 2 + 0] = _mm512_add_ps(_mm512_add_ps(s[r * 4 + 0], s[r * 4 + 1]), s[r * 4 + 2]);
        y[r * 2 + 1] = _mm512_sub_ps(_mm512_sub_ps(s[r * 4 + 1], s[r * 4 + 2]), s[r * 4 + 3]);
      }
      /* output columns of lanes h .. h + 15, interleaved: element e is lane
       * h + e / 2, column parity e % 2 */
#pragma clang loop unroll(full)
      for (int r = 0; r < 2; ++r) {
        v2[r * 2] = _mm512_permutex2var_ps(y[r * 2], lo, y[r * 2 + 1]);
        v2[r * 2 + 1] = _mm512_permutex2var_ps(y[r * 2], hi, y[r * 2 + 1]);
      }
      const wino_store *w = st[h / 16];
      for (int q = 0; q < nst[h / 16]; ++q) {
        te.res = Rf ? Rf + w[q].off : 0;
        store16_avx512(Yf + w[q].off, v2[w[q].rz], 0, 0, &te, w[q].mk);
      }
    }
  }
}

/* The transformed patches B^T d B of channels [c0, c0 + kc) of the panel's
 * tile runs into v ([16][kc][pw], lanes = the panel's tile lanes), straight
 * from X. Per run of up to 16 tiles (one tile row) and input row, the 48
 * input columns from the run's first patch column are loaded once and
 * split into the patches' four columns (even and odd, and both one tile
 * on: patch column j of tile t is input column 2t - 1 + j), transformed
 * along the row (d B), then the four rows are combined (B^T). Lanes past
 * the panel's tiles are zeroed. */
__attribute__((target("avx512f"))) static void
wino_patches(const job *j, const float *X, const wino_run *runs, int nruns, int64_t ncols,
             int64_t c0, int64_t kc, int pw, float *v) {
  const __m512i ev = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i one = _mm512_set1_epi32(1), two = _mm512_set1_epi32(2);
  const __m512i od = _mm512_add_epi32(ev, one), ev2 = _mm512_add_epi32(ev, two),
                od2 = _mm512_add_epi32(od, two);
  const __m512 zero = _mm512_setzero_ps();
  int64_t H = j->h, W = j->w, plane = H * W;
  if (ncols < pw)
    for (int64_t r = 0; r < 16 * kc; ++r)
      for (int g = (int)ncols / 16 * 16; g < pw; g += 16)
        _mm512_mask_storeu_ps(v + r * pw + g, (__mmask16)~steedk_range_mask(g, ncols), zero);
  for (int q = 0; q < nruns; ++q)
    for (int l = runs[q].l0; l < runs[q].l1; l += 16) {
      int len = runs[q].l1 - l < 16 ? runs[q].l1 - l : 16;
      __mmask16 sm = (__mmask16)((1u << len) - 1u);
      int64_t col0 = 2 * (runs[q].tx0 + (l - runs[q].l0)) - 1;
      __mmask16 m0 = steedk_range_mask(col0, W), m1 = steedk_range_mask(col0 + 16, W),
                m2 = steedk_range_mask(col0 + 32, W);
      int64_t iy0 = 2 * runs[q].ty - 1;
      for (int64_t c = 0; c < kc; ++c) {
        intptr_t xp = (intptr_t)(X + (c0 + c) * plane);
        __m512 hr[4][4];
#pragma clang loop unroll(full)
        for (int i = 0; i < 4; ++i) {
          int64_t iy = iy0 + i;
          if (iy < 0 || iy >= H) {
            hr[i][0] = hr[i][1] = hr[i][2] = hr[i][3] = zero;
            continue;
          }
          const float *row = (const float *)(xp + (iy * W + col0) * 4);
          __m512 a = _mm512_maskz_loadu_ps(m0, row), b = _mm512_maskz_loadu_ps(m1, row + 16);
          __m512 e = _mm512_permutex2var_ps(a, ev, b), o = _mm512_permutex2var_ps(a, od, b);
          /* one tile on: lanes 0..14 from a, b; lane 15 from the third
           * vector's lane 0 (even) or 1 (odd) */
          __m512 cv = _mm512_maskz_loadu_ps(m2 & 3, row + 32);
          __m512 e2 = _mm512_mask_permutexvar_ps(_mm512_permutex2var_ps(a, ev2, b), 0x8000,
                                                 _mm512_setzero_si512(), cv);
          __m512 o2 = _mm512_mask_permutexvar_ps(_mm512_permutex2var_ps(a, od2, b), 0x8000, one,
                                                 cv);
          hr[i][0] = _mm512_sub_ps(e, e2);
          hr[i][1] = _mm512_add_ps(o, e2);
          hr[i][2] = _mm512_sub_ps(e2, o);
          hr[i][3] = _mm512_sub_ps(o, o2);
        }
#pragma clang loop unroll(full)
        for (int x = 0; x < 4; ++x) {
          __m512 out[4] = {_mm512_sub_ps(hr[0][x], hr[2][x]), _mm512_add_ps(hr[1][x], hr[2][x]),
                           _mm512_sub_ps(hr[2][x], hr[1][x]), _mm512_sub_ps(hr[1][x], hr[3][x])};
#pragma clang loop unroll(full)
          for (int r = 0; r < 4; ++r)
            _mm512_mask_storeu_ps(v + ((r * 4 + x) * kc + c) * pw + l, sm, out[r]);
        }
      }
    }
}

/* m[i][0..16) (row stride 16, i < mr) = (or += without C_INIT in e) the
 * kc-deep product of an A panel and 16 B columns (b: [kc][16]). */
__attribute__((target("avx512f"))) static void
ukernel16_avx512(int64_t kc, const float *a, const float *b, float *m, int64_t mr, int init) {
  __m512 acc[MR];
#pragma clang loop unroll(full)
  for (int i = 0; i < MR; ++i)
    acc[i] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; ++k, a += MR, b += 16) {
    /* U streams from DRAM: 16 columns use each value once (see
     * ukernel_step_avx512) */
    _mm_prefetch((const char *)(a + A_PREFETCH), _MM_HINT_T0);
    __m512 bv = _mm512_load_ps(b);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; ++i)
      acc[i] = _mm512_fmadd_ps(_mm512_set1_ps(a[i]), bv, acc[i]);
  }
#pragma clang loop unroll(full)
  for (int i = 0; i < MR; ++i)
    if (i < mr)
      _mm512_store_ps(m + 16 * i,
                      init ? acc[i] : _mm512_add_ps(acc[i], _mm512_load_ps(m + 16 * i)));
}

/* Filters [i0, i1) x tiles [t0, t1) of image n. Per panel of tiles and K
 * slice the transformed patches are made once (for every block of
 * WINO_FB filters when C spans several slices). */
__attribute__((target("avx512f"))) static void wino_task(const job *j, int64_t n, int64_t i0,
                                                          int64_t i1, int64_t t0, int64_t t1) {
  _Alignas(64) float v[16 * WINO_KC * NR];
  _Alignas(64) float m[16 * WINO_FB * NR];
  int64_t C = j->c, P = j->oh * j->ow, tw = (j->ow + 1) / 2;
  int64_t panelsA = (j->M + MR - 1) / MR, uStride = panelsA * MR * C;
  const float *X = j->B + n * C * j->h * j->w;
  float *Y = j->C + n * j->f * P;
  const float *R = j->res ? j->res + n * j->f * P : 0;
  /* the epilogue of the output transform: C_INIT/BIAS_ROW and the last
   * slice's bits (the GEMMs into m run without) */
  epilogue ep = {j->flags & (STEEDK_FIRST_SLICE | STEEDK_LAST_SLICE), j->bias, 0, 0, j->lo,
                 j->hi};
  const epilogue first = {STEEDK_C_INIT, 0, 0, 0, 0.0f, 0.0f};
  /* Panels of 32 tiles, or of 16 where 32 would pad a quarter more (7x7
   * images: 16 tiles); v holds all of C for the panel when it fits. */
  int64_t pad16 = (t1 - t0 + 15) / 16 * 16, pad32 = (t1 - t0 + NR - 1) / NR * NR;
  int pw = 4 * pad32 >= 5 * pad16 ? 16 : NR;
  int oneSlice = C * pw <= WINO_KC * NR;
  for (int64_t tp = t0; tp < t1; tp += pw) {
    int64_t ncols = t1 - tp < pw ? t1 - tp : pw;
    wino_run runs[NR];
    int nruns = 0;
    for (int l = 0; l < ncols;) {
      int64_t t = tp + l, ty = t / tw, tx = t - ty * tw;
      int len = (int)(tw - tx < ncols - l ? tw - tx : ncols - l);
      runs[nruns++] = (wino_run){l, l + len, ty, tx};
      l += len;
    }
    if (oneSlice)
      wino_patches(j, X, runs, nruns, ncols, 0, C, pw, v);
    for (int64_t f0 = i0; f0 < i1; f0 += WINO_FB) {
      int64_t fb = i1 - f0 < WINO_FB ? i1 - f0 : WINO_FB;
      for (int64_t c0 = 0; c0 < C; c0 += WINO_KC) {
        int64_t kc = C - c0 < WINO_KC ? C - c0 : WINO_KC;
        if (!oneSlice)
          wino_patches(j, X, runs, nruns, ncols, c0, kc, pw, v);
        /* v: [16][ldv][pw] from channel c0 on */
        int64_t ldv = oneSlice ? C : kc;
        const float *vb = v + (oneSlice ? c0 : 0) * pw;
        for (int xi = 0; xi < 16; ++xi)
          for (int64_t fr = 0; fr < fb; fr += MR) {
            int64_t mr = fb - fr < MR ? fb - fr : MR;
            const float *a = j->A + xi * uStride + c0 * panelsA * MR + ((f0 + fr) / MR) * kc * MR;
            const float *b = vb + xi * ldv * pw;
            float *mt = m + (xi * fb + fr) * pw;
            if (pw == 16)
              ukernel16_avx512(kc, a, b, mt, mr, c0 == 0);
            else
              tile(ukernel_avx512, kc, a, b, NR, mt, NR, mr, NR, c0 == 0 ? &first : 0);
          }
      }
      wino_output(j, m, pw, fb, f0, Y, R, runs, nruns, ncols, &ep);
    }
  }
}
#endif

#ifdef STEEDK_X86
/* A 1x1 convolution of a 1x1 image (a squeeze-and-excitation layer): C's
 * column is the matrix-vector product of the prepacked filter and the
 * input's C channels. The tiled path would run the 8 x 32 micro-kernel
 * for one real column; here 16 filters (two A panels: lanes 0-7 and 8-15)
 * take four accumulators over k, the filter streamed once, then the
 * epilogue with the filters as lanes. Filters [i0, i1) (MR multiples). */
__attribute__((target("avx512f"))) static void gemv_avx512(const job *j, const float *A,
                                                           const float *x, float *C,
                                                           const epilogue *e, int64_t i0,
                                                           int64_t i1) {
  int64_t M = j->M, K = j->K, panels = (M + MR - 1) / MR;
  int64_t slices = (K + KC - 1) / KC, kStep = (K + slices - 1) / slices;
  int64_t f = j->flags;
  for (int64_t m0 = i0; m0 < i1; m0 += 2 * MR) {
    int64_t p = m0 / MR;
    int two = m0 + MR < i1;
    __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(),
                     _mm512_setzero_ps()};
    for (int64_t pc = 0; pc < K; pc += kStep) {
      int64_t kc = K - pc < kStep ? K - pc : kStep;
      const float *a0 = A + pc * panels * MR + p * kc * MR, *a1 = a0 + kc * MR - MR;
      const float *xs = x + pc;
      int64_t k = 0;
#define GEMV_STEP(q)                                                                          \
  {                                                                                           \
    __m512 av = _mm512_maskz_loadu_ps(0x00FF, a0 + (k + q) * MR);                             \
    if (two)                                                                                  \
      av = _mm512_mask_loadu_ps(av, 0xFF00, a1 + (k + q) * MR);                               \
    acc[q] = _mm512_fmadd_ps(av, _mm512_set1_ps(xs[k + q]), acc[q]);                          \
  }
      for (; k + 4 <= kc; k += 4) {
        GEMV_STEP(0) GEMV_STEP(1) GEMV_STEP(2) GEMV_STEP(3)
      }
      for (; k < kc; ++k)
        GEMV_STEP(0)
#undef GEMV_STEP
    }
    __m512 v = _mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3]));
    __mmask16 mk = steedk_range_mask(m0, i1);
    /* the output column: C[m] is C + m * rsc (rsc = 1 pixel) */
    if (!(f & STEEDK_C_INIT))
      v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mk, C + m0));
    else if (f & STEEDK_BIAS_ROW)
      v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mk, e->bias + m0));
    else if (f & STEEDK_BIAS_COL)
      v = _mm512_add_ps(v, _mm512_set1_ps(e->bias[0]));
    if (f & STEEDK_RESIDUAL)
      v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mk, e->res + m0));
    _mm512_mask_storeu_ps(C + m0, mk, epi_act_avx512(v, f, e));
  }
}
#endif

static void run_task(const job *j, int64_t t) {
  int64_t cc = t % j->colChunks;
  t /= j->colChunks;
  int64_t rc = t % j->rowChunks, p = t / j->rowChunks;
  int64_t i0 = rc * j->rowStep, i1 = i0 + j->rowStep < j->M ? i0 + j->rowStep : j->M;
  int64_t j0 = cc * j->colStep, j1 = j0 + j->colStep < j->N ? j0 + j->colStep : j->N;
  epilogue ep = {0, j->bias, 0, j->rsc, j->lo, j->hi};
  if (!j->conv) {
    b_source src = {j->B + p * j->bsb, j->rsb, j->csb, 0, 0, 0};
    if (j->res)
      ep.res = j->res + p * j->bsc;
    gemm(j->flags, j->M, j->N, j->K, j->A + p * j->bsa, j->rsa, j->csa, &src,
         j->C + p * j->bsc, j->rsc, i0, i1, j0, j1, &ep);
    return;
  }
#ifdef STEEDK_X86
  if (wino_ok(j)) {
    /* columns: tiles */
    wino_task(j, p, i0, i1, j0, j1);
    return;
  }
#endif
  int64_t n = p / j->groups, g = p % j->groups, cg = j->c / j->groups;
  int64_t P = j->oh * j->ow;
  im2col_view v = {j->B + (n * j->c + g * cg) * j->h * j->w,
                   j->h, j->w, j->kh, j->kw, j->ow, j->sh, j->sw, j->dh, j->dw, j->pt, j->pl,
                   cg, (j->flags & STEEDK_TAP_MAJOR) != 0, shifted_ok(j)};
  b_source src = {0, 0, 0, &v, 0, 0};
  if (pointwise(j)) {
    /* 1x1: B is X itself, [C/G][H*W]. */
    src.p = v.x;
    src.rs = j->h * j->w;
    src.cs = 1;
    src.im2col = 0;
  }
  ep.rsr = P;
  if (j->bias)
    ep.bias = j->bias + g * j->M;
  if (j->res)
    ep.res = j->res + (n * j->f + g * j->M) * P;
  const float *A = j->A + g * j->aGroup;
  float *C = j->C + (n * j->f + g * j->M) * P;
#ifdef STEEDK_X86
  if (P == 1 && pointwise(j) && (j->flags & STEEDK_A_PACKED) &&
      (j->flags & STEEDK_ISA_MASK) == 2) {
    ep.flags = j->flags & (STEEDK_FIRST_SLICE | STEEDK_LAST_SLICE);
    gemv_avx512(j, A, v.x, C, &ep, i0, i1);
    return;
  }
#endif
  int64_t flags = j->flags & ~STEEDK_B_PACKED;
  if (!src.im2col || !rowphase_ok(&v)) {
    gemm(flags, j->M, P, j->K, A, j->K, 1, &src, C, P, i0, i1, j0, j1, &ep);
    return;
  }
  /* Output row by output row, B packed from the row's phase rows. */
  _Alignas(64) float phase[PHASE_BUF];
  src.phase = phase;
  for (int64_t oy = j0 / j->ow; oy * j->ow < j1; ++oy) {
    src.rowStart = oy * j->ow;
    int64_t a = j0 > src.rowStart ? j0 : src.rowStart;
    int64_t b = j1 < src.rowStart + j->ow ? j1 : src.rowStart + j->ow;
    build_phases(flags, &v, oy, phase);
    gemm(flags, j->M, P, j->K, A, j->K, 1, &src, C, P, i0, i1, a, b, &ep);
  }
}

static void run_tasks(void *arg, int64_t begin, int64_t end) {
  const job *j = (const job *)arg;
#ifdef STEEDK_X86
  if (j->panelMajor) {
    /* the run's tasks of one panel: filter pieces [rc0, rc1) */
    for (int64_t t = begin; t < end;) {
      int64_t q = t / j->rowChunks, rc0 = t % j->rowChunks;
      int64_t rc1 = rc0 + (end - t) < j->rowChunks ? rc0 + (end - t) : j->rowChunks;
      int64_t cc = q % j->colChunks, p = q / j->colChunks;
      int64_t i0 = rc0 * j->rowStep, i1 = rc1 * j->rowStep < j->M ? rc1 * j->rowStep : j->M;
      int64_t j0 = cc * j->colStep, j1 = j0 + j->colStep < j->N ? j0 + j->colStep : j->N;
      wino_task(j, p, i0, i1, j0, j1);
      t += rc1 - rc0;
    }
    return;
  }
#endif
  for (int64_t t = begin; t < end; ++t)
    run_task(j, t);
}

static void run_job(job *j, intptr_t kcp) {
  if (j->M <= 0 || j->N <= 0 || j->K <= 0 || j->problems <= 0)
    return;
  const steed_kernel_context *kc = (const steed_kernel_context *)kcp;
  int64_t threads = kc && kc->parallel_for && kc->num_threads > 1 ? kc->num_threads : 1;
  /* The pool hands each thread one contiguous range of tasks, so the tasks
   * are cut for balance: one thread, or a number of problems that the
   * threads share evenly, takes whole problems (each B block packed once).
   * Otherwise each problem is cut into `threads` pieces along its columns
   * (contiguous NR panels: no B block packed twice) or its rows (MR
   * multiples), whichever leaves the largest piece smaller. A piece of
   * rows packs the whole of a B that is packed at run time (an im2col
   * view, a strided matrix, rows too few to read it in place): that costs
   * about PACK_ROWS rows of micro-kernel work per column. */
  j->rowChunks = j->colChunks = 1;
  j->panelMajor = 0;
  if (threads > 1 && j->problems % threads != 0 && j->problems < 4 * threads) {
    int64_t panels = (j->N + NR - 1) / NR, rows = (j->M + MR - 1) / MR;
#ifdef STEEDK_X86
    if (j->conv && wino_ok(j)) {
      /* Winograd: a task is one panel of NR tiles and one thread's share
       * of the filters, in panel-major order, so the threads' equal runs
       * of tasks split the panels evenly and share at most one panel
       * (whose patches both transform); run_tasks hands a thread's
       * consecutive tasks of one panel to one wino_task. */
      j->panelMajor = 1;
      j->colChunks = panels;
      j->rowChunks = threads;
    } else
#endif
    {
      int64_t pieceRows = (rows + threads - 1) / threads * MR;
      /* Whether a piece of m rows reads B in place (gemm's `direct`). */
      int unitB = (j->flags & STEEDK_B_PACKED) ||
                  (j->conv ? pointwise(j) || shifted_ok(j) : j->csb == 1);
      int64_t minRows = j->conv && shifted_ok(j) ? SHIFTED_B_ROWS : DIRECT_B_ROWS;
      int64_t packCols = unitB && j->M >= minRows ? 0 : PACK_ROWS;
      int64_t packRows = unitB && pieceRows >= minRows ? 0 : PACK_ROWS;
      if (j->flags & STEEDK_B_PACKED)
        packCols = packRows = 0;
      int64_t byCols = (panels + threads - 1) / threads * NR * (j->M + packCols);
      int64_t byRows = (pieceRows + packRows) * j->N;
      if (byCols <= byRows)
        j->colChunks = threads;
      else
        j->rowChunks = threads;
    }
  }
  j->colStep = (j->N + j->colChunks - 1) / j->colChunks;
  j->colStep = (j->colStep + NR - 1) / NR * NR;
  j->rowStep = (j->M + j->rowChunks - 1) / j->rowChunks;
  j->rowStep = (j->rowStep + MR - 1) / MR * MR;
  j->colChunks = (j->N + j->colStep - 1) / j->colStep;
  j->rowChunks = (j->M + j->rowStep - 1) / j->rowStep;
  int64_t tasks = j->problems * j->rowChunks * j->colChunks;
  if (threads > 1 && tasks > 1)
    kc->parallel_for(kc->pool, tasks, run_tasks, j);
  else
    run_tasks(j, 0, tasks);
}

/* ---- Small M: 1..SMALL_M rows against prepacked B ----------------------
 * A GEMM with a few rows (a Linear layer at batch 1) is bound by reading
 * B: the tiled path packs A into a zero-padded 8-row panel and runs the
 * 8 x 32 micro-kernel, 8x the FLOPs for M = 1. Here each prepacked NR-column
 * panel of B ([K][NR], zero padded) is streamed once, front to back, with
 * the M rows of A broadcast from where they are (no packing) and the
 * accumulators in registers; C is updated once per panel. */
#define SMALL_M 4

#ifdef STEEDK_X86
/* AVX-512: 2 zmm per row and two k-parity sets (independent FMA chains),
 * at most 16 accumulators. */
__attribute__((target("avx512f"), always_inline)) static inline void
smallm_panel_avx512(const int m, int64_t K, const float *a, int64_t rsa, int64_t csa,
                    const float *b, float *c, int64_t rsc, int64_t cols) {
  __m512 acc[SMALL_M][2][2];
#pragma clang loop unroll(full)
  for (int i = 0; i < SMALL_M; ++i)
#pragma clang loop unroll(full)
    for (int h = 0; h < 2; ++h)
      acc[i][h][0] = acc[i][h][1] = _mm512_setzero_ps();
  int64_t k = 0;
  for (; k + 2 <= K; k += 2, b += 2 * NR) {
#pragma clang loop unroll(full)
    for (int u = 0; u < 2; ++u) {
      __m512 b0 = _mm512_load_ps(b + u * NR), b1 = _mm512_load_ps(b + u * NR + 16);
#pragma clang loop unroll(full)
      for (int i = 0; i < SMALL_M; ++i) {
        if (i >= m)
          break;
        __m512 x = _mm512_set1_ps(a[i * rsa + (k + u) * csa]);
        acc[i][0][u] = _mm512_fmadd_ps(x, b0, acc[i][0][u]);
        acc[i][1][u] = _mm512_fmadd_ps(x, b1, acc[i][1][u]);
      }
    }
  }
  if (k < K) {
    __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
#pragma clang loop unroll(full)
    for (int i = 0; i < SMALL_M; ++i) {
      if (i >= m)
        break;
      __m512 x = _mm512_set1_ps(a[i * rsa + k * csa]);
      acc[i][0][0] = _mm512_fmadd_ps(x, b0, acc[i][0][0]);
      acc[i][1][0] = _mm512_fmadd_ps(x, b1, acc[i][1][0]);
    }
  }
  __mmask16 m0 = cols >= 16 ? 0xffff : (__mmask16)((1u << cols) - 1);
  __mmask16 m1 = cols >= 32 ? 0xffff : cols > 16 ? (__mmask16)((1u << (cols - 16)) - 1) : 0;
#pragma clang loop unroll(full)
  for (int i = 0; i < SMALL_M; ++i) {
    if (i >= m)
      break;
    float *ci = c + i * rsc;
    __m512 s0 = _mm512_add_ps(acc[i][0][0], acc[i][0][1]);
    __m512 s1 = _mm512_add_ps(acc[i][1][0], acc[i][1][1]);
    _mm512_mask_storeu_ps(ci, m0, _mm512_add_ps(_mm512_maskz_loadu_ps(m0, ci), s0));
    _mm512_mask_storeu_ps(ci + 16, m1, _mm512_add_ps(_mm512_maskz_loadu_ps(m1, ci + 16), s1));
  }
}

/* AVX2: the panel in two 16-column halves (2 ymm per row each). */
__attribute__((target("avx2,fma"), always_inline)) static inline void
smallm_panel_avx2(const int m, int64_t K, const float *a, int64_t rsa, int64_t csa,
                  const float *b0, float *c, int64_t rsc, int64_t cols) {
  float t[SMALL_M][NR];
  for (int h = 0; h < 2; ++h) {
    __m256 acc[SMALL_M][2];
#pragma clang loop unroll(full)
    for (int i = 0; i < SMALL_M; ++i)
      acc[i][0] = acc[i][1] = _mm256_setzero_ps();
    const float *b = b0 + 16 * h;
    for (int64_t k = 0; k < K; ++k, b += NR) {
      __m256 y0 = _mm256_load_ps(b), y1 = _mm256_load_ps(b + 8);
#pragma clang loop unroll(full)
      for (int i = 0; i < SMALL_M; ++i) {
        if (i >= m)
          break;
        __m256 x = _mm256_broadcast_ss(a + i * rsa + k * csa);
        acc[i][0] = _mm256_fmadd_ps(x, y0, acc[i][0]);
        acc[i][1] = _mm256_fmadd_ps(x, y1, acc[i][1]);
      }
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < SMALL_M; ++i) {
      if (i >= m)
        break;
      _mm256_storeu_ps(&t[i][16 * h], acc[i][0]);
      _mm256_storeu_ps(&t[i][16 * h + 8], acc[i][1]);
    }
  }
  for (int i = 0; i < m; ++i)
    for (int64_t j = 0; j < cols; ++j)
      c[i * rsc + j] += t[i][j];
}
#endif

static void smallm_panel_generic(int m, int64_t K, const float *a, int64_t rsa,
                                 int64_t csa, const float *b, float *c, int64_t rsc,
                                 int64_t cols) {
  float t[SMALL_M][NR];
  memset(t, 0, sizeof t);
  for (int64_t k = 0; k < K; ++k, b += NR)
    for (int i = 0; i < m; ++i) {
      float x = a[i * rsa + k * csa];
      for (int j = 0; j < NR; ++j)
        t[i][j] += x * b[j];
    }
  for (int i = 0; i < m; ++i)
    for (int64_t j = 0; j < cols; ++j)
      c[i * rsc + j] += t[i][j];
}

/* Panels [p0, p1) of one problem, per ISA (constant row counts: the row
 * loops unroll). */
#define SMALLM_PANELS(NAME, ATTR, PANEL)                                        \
  ATTR static void NAME(int64_t M, int64_t N, int64_t K, const float *A, int64_t rsa, \
                        int64_t csa, const float *Bp, float *C, int64_t p0, int64_t p1, \
                        int64_t rsc) {                                          \
    for (int64_t p = p0; p < p1; ++p) {                                         \
      const float *b = Bp + p * K * NR;                                         \
      float *c = C + p * NR;                                                    \
      int64_t cols = N - p * NR < NR ? N - p * NR : NR;                         \
      switch (M) {                                                              \
      case 1: PANEL(1, K, A, rsa, csa, b, c, rsc, cols); break;                 \
      case 2: PANEL(2, K, A, rsa, csa, b, c, rsc, cols); break;                 \
      case 3: PANEL(3, K, A, rsa, csa, b, c, rsc, cols); break;                 \
      default: PANEL(4, K, A, rsa, csa, b, c, rsc, cols); break;                \
      }                                                                         \
    }                                                                           \
  }
#ifdef STEEDK_X86
SMALLM_PANELS(smallm_avx512, __attribute__((target("avx512f"))), smallm_panel_avx512)
SMALLM_PANELS(smallm_avx2, __attribute__((target("avx2,fma"))), smallm_panel_avx2)
#endif
SMALLM_PANELS(smallm_generic, , smallm_panel_generic)
#undef SMALLM_PANELS

static void smallm(int64_t flags, int64_t M, int64_t N, int64_t K, const float *A,
                   int64_t rsa, int64_t csa, const float *Bp, float *C, int64_t rsc,
                   int64_t p0, int64_t p1) {
#ifdef STEEDK_X86
  if ((flags & STEEDK_ISA_MASK) == 2) {
    smallm_avx512(M, N, K, A, rsa, csa, Bp, C, p0, p1, rsc);
    return;
  }
  if ((flags & STEEDK_ISA_MASK) == 1) {
    smallm_avx2(M, N, K, A, rsa, csa, Bp, C, p0, p1, rsc);
    return;
  }
#endif
  smallm_generic(M, N, K, A, rsa, csa, Bp, C, p0, p1, rsc);
}

typedef struct {
  int64_t flags, M, N, K, panels, chunk;
  const float *A, *B;
  float *C;
  int64_t bsa, rsa, csa, bsb, bsc, rsc;
} smallm_job;

/* Task t: problem t / (tasks per problem), a chunk of its panels. */
static void smallm_tasks(void *arg, int64_t begin, int64_t end) {
  const smallm_job *j = (const smallm_job *)arg;
  int64_t per = (j->panels + j->chunk - 1) / j->chunk;
  for (int64_t t = begin; t < end; ++t) {
    int64_t p = t / per, p0 = (t % per) * j->chunk;
    int64_t p1 = p0 + j->chunk < j->panels ? p0 + j->chunk : j->panels;
    smallm(j->flags, j->M, j->N, j->K, j->A + p * j->bsa, j->rsa, j->csa, j->B + p * j->bsb,
           j->C + p * j->bsc, j->rsc, p0, p1);
  }
}

static void run_smallm(smallm_job *j, int64_t problems, intptr_t kcp) {
  const steed_kernel_context *kc = (const steed_kernel_context *)kcp;
  int64_t threads = kc && kc->parallel_for && kc->num_threads > 1 ? kc->num_threads : 1;
  j->panels = (j->N + NR - 1) / NR;
  /* Several threads: each gets contiguous column panels (two chunks per
   * thread over all problems); one thread: whole problems. */
  j->chunk = j->panels;
  if (threads > 1) {
    int64_t want = 2 * threads;
    int64_t per = problems >= want ? 1 : (want + problems - 1) / problems;
    j->chunk = (j->panels + per - 1) / per;
  }
  int64_t tasks = problems * ((j->panels + j->chunk - 1) / j->chunk);
  if (threads > 1 && tasks > 1)
    kc->parallel_for(kc->pool, tasks, smallm_tasks, j);
  else
    smallm_tasks(j, 0, tasks);
}

static float f32_bits(int64_t bits) {
  uint32_t u = (uint32_t)bits;
  float v;
  memcpy(&v, &u, sizeof v);
  return v;
}

/* The epilogue arguments shared by both entry points: flags' epilogue bits
 * (STEEDK_C_INIT ...), the bias vector (bias + biasOff), the residual
 * (res + resOff, same strides as C), and the activation bounds as f32 bit
 * patterns. */
static void set_epilogue(job *j, intptr_t bias, int64_t biasOff, intptr_t res,
                         int64_t resOff, int64_t loBits, int64_t hiBits) {
  if (j->flags & (STEEDK_BIAS_ROW | STEEDK_BIAS_COL))
    j->bias = (const float *)bias + biasOff;
  if (j->flags & STEEDK_RESIDUAL)
    j->res = (const float *)res + resOff;
  j->lo = f32_bits(loBits);
  j->hi = f32_bits(hiBits);
}

/* C[b] += A[b] * B[b] for b in [0, batch): element strides (batch, row,
 * column) per operand; C's column stride is 1. A prepacked operand ignores
 * its row/column strides and its batch stride counts elements of the packed
 * form. With the epilogue flags: C[b] = act(A[b] * B[b] (+ C[b] or + bias)
 * (+ R[b])). Pointers are passed as integers (the MLIR side's index
 * values); `kc` is the run's steed_kernel_context (or 0: one thread). */
void steedk_sgemm(int64_t flags, int64_t batch, int64_t M, int64_t N, int64_t K,
                  intptr_t a, int64_t aOff, int64_t bsa, int64_t rsa, int64_t csa,
                  intptr_t b, int64_t bOff, int64_t bsb, int64_t rsb, int64_t csb,
                  intptr_t c, int64_t cOff, int64_t bsc, int64_t rsc, intptr_t bias,
                  int64_t biasOff, intptr_t res, int64_t resOff, int64_t loBits,
                  int64_t hiBits, intptr_t kc) {
  /* The small-M path has no epilogue: Microkernels.cpp never folds one
   * into a call that takes it (the flags are checked here as well). */
  if ((flags & STEEDK_B_PACKED) && !(flags & STEEDK_A_PACKED) &&
      !(flags & (STEEDK_FIRST_SLICE | STEEDK_LAST_SLICE)) && M >= 1 && M <= SMALL_M &&
      N > 0 && K > 0 && batch > 0) {
    smallm_job s = {flags, M, N, K, 0, 0, (const float *)a + aOff, (const float *)b + bOff,
                    (float *)c + cOff, bsa, rsa, csa, bsb, bsc, rsc};
    run_smallm(&s, batch, kc);
    return;
  }
  job j;
  memset(&j, 0, sizeof j);
  j.flags = flags;
  j.M = M;
  j.N = N;
  j.K = K;
  j.problems = batch;
  j.A = (const float *)a + aOff;
  j.B = (const float *)b + bOff;
  j.C = (float *)c + cOff;
  j.bsa = bsa;
  j.rsa = rsa;
  j.csa = csa;
  j.bsb = bsb;
  j.rsb = rsb;
  j.csb = csb;
  j.bsc = bsc;
  j.rsc = rsc;
  set_epilogue(&j, bias, biasOff, res, resOff, loBits, hiBits);
  run_job(&j, kc);
}

/* Y[n][g*F/G + f][oh][ow] += sum W[g*F/G + f][c][kh][kw] *
 *   X[n][g*C/G + c][oh*sh + kh*dh - pt][ow*sw + kw*dw - pl]
 * over a contiguous X [N][C][H][W] that reads as zero outside (top and left
 * padding pt, pl; the bottom and right padding follow from OH, OW),
 * W [F][C/G][KH][KW] (or, with
 * STEEDK_A_PACKED, each group's [F/G][C/G*KH*KW] matrix prepacked, groups
 * one after the other) and contiguous Y [N][F][OH][OW]. Epilogue as for
 * steedk_sgemm (bias per output channel: STEEDK_BIAS_ROW; R [N][F][OH][OW]
 * contiguous). */
void steedk_sconv2d(int64_t flags, int64_t n, int64_t groups, intptr_t x, int64_t xOff,
                    int64_t c, int64_t h, int64_t w, intptr_t wt, int64_t wOff, int64_t f,
                    int64_t kh, int64_t kw, intptr_t y, int64_t yOff, int64_t oh, int64_t ow,
                    int64_t sh, int64_t sw, int64_t dh, int64_t dw, int64_t pt, int64_t pl,
                    intptr_t bias, int64_t biasOff, intptr_t res, int64_t resOff,
                    int64_t loBits, int64_t hiBits, intptr_t kc) {
  job j;
  memset(&j, 0, sizeof j);
  int64_t cg = c / groups, fg = f / groups, K = cg * kh * kw;
  j.conv = 1;
  j.flags = flags;
  j.M = fg;
  j.N = oh * ow;
  j.K = K;
  j.problems = n * groups;
  j.A = (const float *)wt + wOff;
  j.B = (const float *)x + xOff;
  j.C = (float *)y + yOff;
  j.groups = groups;
  j.c = c;
  j.h = h;
  j.w = w;
  j.f = f;
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
  j.aGroup = (flags & STEEDK_A_PACKED) ? ((fg + MR - 1) / MR) * MR * K : fg * K;
  if (wino_ok(&j))
    j.N = ((oh + 1) / 2) * ((ow + 1) / 2); /* the tiles */
  set_epilogue(&j, bias, biasOff, res, resOff, loBits, hiBits);
  run_job(&j, kc);
}
