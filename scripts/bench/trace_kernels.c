/*
 * trace_kernels.c - timing wrappers around the kernel library's entry points,
 * for scripts/bench/trace_layers.py (a developer tool, not part of any
 * model or test).
 *
 * trace_layers.py compiles the library's objects, renames their entry points
 * steedk_X -> steedk_X_impl with objcopy, and links this file in front of them,
 * so that a model.so built against that archive (STEED_KERNEL_LIB) records
 * the time stamp counter before and after every library call: GEMMs,
 * convolutions, depthwise convolutions and the thread-pool loops of the
 * generated kernels (steedk_parallel). With STEED_TRACE=FILE set, the
 * records are written there when the process exits, one call per line:
 *
 *   kind t0 t1 a0 .. a7     (kind 0 gemm, 1 conv, 2 depthwise, 3 loop)
 *
 * with the call's shape arguments in a0..a7, preceded by one line
 * "tsc_hz HZ" (the counter's rate, measured against CLOCK_MONOTONIC).
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

#include "steed/kernel_abi.h"

typedef struct {
  int kind;
  uint64_t t0, t1;
  int64_t a[8];
} trace_record;

#define TRACE_MAX (1 << 20)
static trace_record records[TRACE_MAX];
static int64_t count;
static uint64_t start_tsc;
static struct timespec start_time;

static double seconds(struct timespec t) { return t.tv_sec + t.tv_nsec * 1e-9; }

__attribute__((constructor)) static void trace_start(void) {
  clock_gettime(CLOCK_MONOTONIC, &start_time);
  start_tsc = __rdtsc();
}

__attribute__((destructor)) static void trace_dump(void) {
  const char *path = getenv("STEED_TRACE");
  if (!path)
    return;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double hz = (double)(__rdtsc() - start_tsc) / (seconds(now) - seconds(start_time));
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "trace_kernels: cannot write %s\n", path);
    return;
  }
  fprintf(f, "tsc_hz %.0f\n", hz);
  int64_t n = count < TRACE_MAX ? count : TRACE_MAX;
  for (int64_t i = 0; i < n; ++i) {
    const trace_record *r = &records[i];
    fprintf(f, "%d %llu %llu", r->kind, (unsigned long long)r->t0, (unsigned long long)r->t1);
    for (int k = 0; k < 8; ++k)
      fprintf(f, " %lld", (long long)r->a[k]);
    fputc('\n', f);
  }
  if (count > TRACE_MAX)
    fprintf(stderr, "trace_kernels: %lld calls, kept the first %d\n", (long long)count,
            TRACE_MAX);
  fclose(f);
}

/* A record for this call with its shape arguments (the last slot again
 * once the buffer is full); the caller sets t1. */
static trace_record *begin(int kind, const int64_t a[8]) {
  int64_t i = count++;
  trace_record *r = &records[i < TRACE_MAX ? i : TRACE_MAX - 1];
  r->kind = kind;
  for (int k = 0; k < 8; ++k)
    r->a[k] = a[k];
  r->t0 = __rdtsc();
  return r;
}

#define GEMM_PARAMS                                                                      \
  int64_t flags, int64_t batch, int64_t M, int64_t N, int64_t K, intptr_t a, int64_t aOff, \
      int64_t bsa, int64_t rsa, int64_t csa, intptr_t b, int64_t bOff, int64_t bsb,        \
      int64_t rsb, int64_t csb, intptr_t c, int64_t cOff, int64_t bsc, int64_t rsc,        \
      intptr_t bias, int64_t biasOff, intptr_t res, int64_t resOff, int64_t loBits,        \
      int64_t hiBits, intptr_t kc
#define GEMM_ARGS                                                                        \
  flags, batch, M, N, K, a, aOff, bsa, rsa, csa, b, bOff, bsb, rsb, csb, c, cOff, bsc, rsc, \
      bias, biasOff, res, resOff, loBits, hiBits, kc

void steedk_sgemm_impl(GEMM_PARAMS);
void steedk_sgemm(GEMM_PARAMS) {
  trace_record *r = begin(0, (const int64_t[8]){flags, batch, M, N, K, 0, 0, 0});
  steedk_sgemm_impl(GEMM_ARGS);
  r->t1 = __rdtsc();
}

#define CONV_PARAMS                                                                        \
  int64_t flags, int64_t n, int64_t groups, intptr_t x, int64_t xOff, int64_t c, int64_t h, \
      int64_t w, intptr_t wt, int64_t wOff, int64_t f, int64_t kh, int64_t kw, intptr_t y,   \
      int64_t yOff, int64_t oh, int64_t ow, int64_t sh, int64_t sw, int64_t dh, int64_t dw,  \
      int64_t pt, int64_t pl, intptr_t bias, int64_t biasOff, intptr_t res, int64_t resOff,  \
      int64_t loBits, int64_t hiBits, intptr_t kc
#define CONV_ARGS                                                                         \
  flags, n, groups, x, xOff, c, h, w, wt, wOff, f, kh, kw, y, yOff, oh, ow, sh, sw, dh, dw, \
      pt, pl, bias, biasOff, res, resOff, loBits, hiBits, kc

void steedk_sconv2d_impl(CONV_PARAMS);
void steedk_sconv2d(CONV_PARAMS) {
  trace_record *r = begin(1, (const int64_t[8]){flags, c, h, w, f, kh, sh, groups});
  steedk_sconv2d_impl(CONV_ARGS);
  r->t1 = __rdtsc();
}

#define DW_PARAMS                                                                         \
  int64_t flags, int64_t n, int64_t c, intptr_t x, int64_t xOff, int64_t h, int64_t w,      \
      intptr_t wt, int64_t wOff, int64_t kh, int64_t kw, intptr_t bias, int64_t bOff,       \
      intptr_t y, int64_t yOff, int64_t oh, int64_t ow, int64_t sh, int64_t sw, int64_t dh, \
      int64_t dw, int64_t pt, int64_t pl, int64_t loBits, int64_t hiBits, intptr_t kc
#define DW_ARGS                                                                            \
  flags, n, c, x, xOff, h, w, wt, wOff, kh, kw, bias, bOff, y, yOff, oh, ow, sh, sw, dh, dw, \
      pt, pl, loBits, hiBits, kc

void steedk_dwconv2d_impl(DW_PARAMS);
void steedk_dwconv2d(DW_PARAMS) {
  trace_record *r = begin(2, (const int64_t[8]){flags, c, h, w, kh, sh, oh, ow});
  steedk_dwconv2d_impl(DW_ARGS);
  r->t1 = __rdtsc();
}

void steedk_parallel_impl(intptr_t kc, int64_t n, steed_parallel_body body, void *arg);
void steedk_parallel(intptr_t kc, int64_t n, steed_parallel_body body, void *arg) {
  trace_record *r = begin(3, (const int64_t[8]){n, 0, 0, 0, 0, 0, 0, 0});
  steedk_parallel_impl(kc, n, body, arg);
  r->t1 = __rdtsc();
}
