/*===- dwconv_test.c - steedk_dwconv2d against a direct reference ---------===*
 *
 * Calls the depthwise kernel of the model kernel library
 * (targets/cpu/kernels/dwconv.c) directly, on every ISA path the host can
 * run (portable C, AVX2+FMA, AVX-512F), in its three output modes (start
 * from the bias, from zero, accumulate into Y), with its activations (clamp,
 * ReLU, SiLU) and as max pooling, with a fake thread pool that
 * runs the chunks of a parallel_for in reverse order, and checks against a
 * float64 reference. Y sits between guard zones: the kernel must not write
 * a single float outside it (its vector stores may run past a row, never
 * past the tensor). The mode that accumulates into Y is not reachable from
 * ONNX models today, hence this test. Shapes cover each of the kernel's
 * paths: flat planes, row groups, bands, the direct fallback, and channel
 * vectors (16 planes transposed into pixel vectors).
 *===----------------------------------------------------------------------===*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steed/kernel_abi.h"

void steedk_dwconv2d(int64_t flags, int64_t n, int64_t c, intptr_t x, int64_t xOff,
                     int64_t h, int64_t w, intptr_t wt, int64_t wOff, int64_t kh,
                     int64_t kw, intptr_t bias, int64_t bOff, intptr_t y, int64_t yOff,
                     int64_t oh, int64_t ow, int64_t sh, int64_t sw, int64_t dh, int64_t dw,
                     int64_t pt, int64_t pl, int64_t loBits, int64_t hiBits, intptr_t kc);

enum { INIT_BIAS = 16, INIT_ZERO = 32, ACT_MIN = 64, ACT_MAX = 128, SILU = 256, MAX = 512,
       GUARD = 64 };

static int64_t f32_bits(float v) {
  uint32_t u;
  memcpy(&u, &v, sizeof u);
  return u;
}

/* Two chunks, the second one first. */
static void reverse_parallel_for(void *pool, int64_t n, steed_parallel_body body, void *arg) {
  (void)pool;
  int64_t mid = n / 2;
  body(arg, mid, n);
  body(arg, 0, mid);
}

static uint32_t seed = 12345;
static float frand(void) {
  seed = seed * 1664525u + 1013904223u;
  return (float)((seed >> 8) & 0xFFFF) / 32768.0f - 1.0f;
}

typedef struct {
  int64_t n, c, h, w, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
} shape;

static int run(const shape *s, int isa, int mode, int threads) {
  int64_t oh = (s->h + s->pt + s->pb - (s->kh - 1) * s->dh - 1) / s->sh + 1;
  int64_t ow = (s->w + s->pl + s->pr - (s->kw - 1) * s->dw - 1) / s->sw + 1;
  int64_t nx = s->n * s->c * s->h * s->w, ny = s->n * s->c * oh * ow;
  float *x = malloc(nx * sizeof(float)), *wt = malloc(s->c * s->kh * s->kw * sizeof(float));
  float *b = malloc(s->c * sizeof(float)), *ybuf = malloc((ny + 2 * GUARD) * sizeof(float));
  float *y0 = malloc(ny * sizeof(float)), *y = ybuf + GUARD;
  for (int64_t i = 0; i < nx; ++i)
    x[i] = frand();
  for (int64_t i = 0; i < s->c * s->kh * s->kw; ++i)
    wt[i] = frand();
  for (int64_t i = 0; i < s->c; ++i)
    b[i] = frand();
  for (int64_t i = 0; i < ny + 2 * GUARD; ++i)
    ybuf[i] = 1234.5f;
  for (int64_t i = 0; i < ny; ++i)
    y[i] = y0[i] = frand();
  steed_kernel_context kc = {STEED_KERNEL_ABI_VERSION, 2, 0, reverse_parallel_for};
  /* modes: 0 bias, 1 zero, 2 accumulate, 3 bias + clamp [-0.25, 0.5],
   * 4 accumulate + ReLU, 5 bias + SiLU, 6 max pooling (no weights, bias) */
  const float lo = mode == 3 ? -0.25f : 0.0f, hi = 0.5f;
  int64_t flags = isa |
                  (mode == 0 || mode == 3 || mode == 5 ? INIT_BIAS : mode == 1 ? INIT_ZERO : 0) |
                  (mode == 3 ? ACT_MIN | ACT_MAX : mode == 4 ? ACT_MIN : 0) |
                  (mode == 5 ? SILU : 0) | (mode == 6 ? MAX : 0);
  steedk_dwconv2d(flags, s->n, s->c, (intptr_t)x, 0, s->h, s->w, (intptr_t)wt, 0, s->kh, s->kw,
                  (intptr_t)b, 0, (intptr_t)ybuf, GUARD, oh, ow, s->sh, s->sw, s->dh, s->dw,
                  s->pt, s->pl, f32_bits(lo), f32_bits(hi), threads > 1 ? (intptr_t)&kc : 0);
  int bad = 0;
  for (int64_t i = 0; i < GUARD && !bad; ++i)
    if (ybuf[i] != 1234.5f || y[ny + i] != 1234.5f) {
      printf("FAIL isa %d mode %d threads %d: write outside Y\n", isa, mode, threads);
      bad = 1;
    }
  for (int64_t p = 0; p < s->n * s->c && !bad; ++p)
    for (int64_t oy = 0; oy < oh && !bad; ++oy)
      for (int64_t ox = 0; ox < ow && !bad; ++ox) {
        int64_t ch = p % s->c, at = (p * oh + oy) * ow + ox;
        double acc = mode == 0 || mode == 3 || mode == 5 ? b[ch]
                     : mode == 1                        ? 0.0
                     : mode == 6                        ? -INFINITY
                                                        : y0[at];
        for (int64_t ky = 0; ky < s->kh; ++ky)
          for (int64_t kx = 0; kx < s->kw; ++kx) {
            int64_t iy = oy * s->sh + ky * s->dh - s->pt, ix = ox * s->sw + kx * s->dw - s->pl;
            if (iy < 0 || iy >= s->h || ix < 0 || ix >= s->w)
              continue;
            double v = x[(p * s->h + iy) * s->w + ix];
            if (mode == 6)
              acc = v > acc ? v : acc;
            else
              acc += (double)wt[(ch * s->kh + ky) * s->kw + kx] * v;
          }
        if (mode == 5)
          acc = acc / (1 + exp(-acc));
        if ((flags & ACT_MIN) && acc < lo)
          acc = lo;
        if ((flags & ACT_MAX) && acc > hi)
          acc = hi;
        /* Equal (also -inf: a max-pooling window all padding) or close; a
         * NaN output fails. */
        if (!(y[at] == acc || fabs(y[at] - acc) <= 1e-5 * (1 + fabs(acc)))) {
          printf("FAIL isa %d mode %d threads %d: plane %lld (%lld, %lld): got %g, want %g\n",
                 isa, mode, threads, (long long)p, (long long)oy, (long long)ox, y[at], acc);
          bad = 1;
        }
      }
  free(x);
  free(wt);
  free(b);
  free(ybuf);
  free(y0);
  return bad;
}

int main(void) {
  /* n c h w kh kw sh sw dh dw pt pl pb pr */
  static const shape shapes[] = {
      {1, 3, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},         /* ow < 16: flat plane */
      {1, 5, 7, 7, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2},         /* flat, 5x5, 4 vectors */
      {1, 3, 7, 7, 5, 5, 1, 1, 1, 1, 1, 3, 3, 1},         /* flat, asymmetric pads */
      {1, 4, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},         /* flat, 2 vectors */
      {1, 2, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},         /* flat, 64 outputs */
      {1, 3, 3, 5, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2},         /* flat, padding > half */
      {1, 2, 10, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},        /* 90 outputs: not flat */
      {2, 5, 14, 14, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},       /* stride 2 */
      {1, 4, 17, 33, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2},       /* 5x5 */
      {1, 3, 20, 19, 5, 5, 2, 2, 1, 1, 1, 2, 2, 1},       /* 5x5 s2, asymmetric */
      {1, 2, 112, 112, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},     /* several bands */
      {1, 2, 113, 111, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1},     /* several bands, s2 */
      {1, 3, 12, 10, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2},       /* dilation */
      {1, 2, 11, 23, 3, 5, 2, 1, 1, 2, 0, 3, 1, 0},       /* mixed */
      {1, 2, 10, 40, 7, 7, 3, 3, 1, 1, 3, 3, 3, 3},       /* 7x7, stride 3 */
      {1, 2, 4, 3, 3, 3, 1, 1, 1, 1, 4, 3, 2, 5},         /* padding > input */
      {1, 2, 9, 1500, 3, 3, 1, 1, 5, 1, 5, 1, 5, 1},      /* direct fallback */
      /* channel vectors (C a multiple of 16; 5x5, or 3x3 with outputs up
       * to 8 wide): every tail of 1..7 pixels per row, both strides */
      {2, 16, 7, 7, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2},        /* 7 wide, 2 images */
      {1, 32, 14, 14, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2},      /* 8 + 6 */
      {1, 16, 14, 14, 5, 5, 2, 2, 1, 1, 1, 2, 2, 1},      /* s2, asymmetric */
      {1, 48, 15, 13, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},      /* 3x3 s2, 7 wide */
      {1, 16, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},        /* 3x3, 6 wide */
      {1, 16, 23, 21, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2},      /* 8 + 8 + 5 */
      {1, 16, 5, 3, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2},        /* padding > half */
      {1, 32, 8, 9, 5, 5, 2, 2, 1, 1, 0, 0, 0, 0},        /* unread last row */
      {1, 16, 12, 9, 5, 5, 1, 1, 1, 1, 0, 1, 3, 2},       /* 4 + 1 wide, pads */
      {1, 16, 19, 20, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2},      /* s2, 8 + 2 */
      {1, 16, 5, 5, 5, 5, 2, 2, 1, 1, 0, 0, 0, 0},        /* one output */
      {1, 16, 9, 11, 5, 5, 2, 2, 1, 1, 1, 1, 0, 0},       /* unread last column */
  };
  int isas[3], nisa = 0;
  isas[nisa++] = 0;
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    isas[nisa++] = 1;
  if (__builtin_cpu_supports("avx512f"))
    isas[nisa++] = 2;
#endif
  int failures = 0, runs = 0;
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; ++i)
    for (int k = 0; k < nisa; ++k)
      for (int mode = 0; mode < 7; ++mode)
        for (int threads = 1; threads <= 2; ++threads) {
          ++runs;
          if (run(&shapes[i], isas[k], mode, threads)) {
            printf("  in shape %zu\n", i);
            ++failures;
          }
        }
  printf("%d runs, %d failures\n", runs, failures);
  return failures != 0;
}
