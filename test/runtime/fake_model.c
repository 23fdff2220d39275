/*
 * Hand-written stand-ins for models compiled by steedc, exporting the three
 * ABI symbols of docs/model-abi.md. One source, several variants selected by
 * FAKE_VARIANT (see CMakeLists.txt):
 *
 *   FAKE_ADD      x:f32[2,3], y:f32[2,3] -> z = x + y, computed with
 *                 parallel_for into the 256-byte arena, then copied to z.
 *   FAKE_I64      "a b":i64[4], s:i64[] -> "sum:0" = a + s; percent-encoded
 *                 names, blank and unknown lines, no arena.
 *   FAKE_COPY     six inputs of assorted dtypes, each copied to an output.
 *   FAKE_BADINFO  like FAKE_ADD but with a malformed info string.
 *   FAKE_NORUN    lacks the steed_model_run symbol.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "steed/kernel_abi.h"

#define FAKE_ADD 0
#define FAKE_I64 1
#define FAKE_COPY 2
#define FAKE_BADINFO 3
#define FAKE_NORUN 4

#if FAKE_VARIANT == FAKE_ADD || FAKE_VARIANT == FAKE_BADINFO || FAKE_VARIANT == FAKE_NORUN

#if FAKE_VARIANT == FAKE_BADINFO
const char steed_model_info[] = "steed-model 1\ninput x f32 2 2 3\ninput y f32 2 2\noutput z f32 2 2 3\n";
#else
const char steed_model_info[] = "steed-model 1\ninput x f32 2 2 3\ninput y f32 2 2 3\noutput z f32 2 2 3\n";
#endif
const int64_t steed_model_arena_size = 256;

#if FAKE_VARIANT != FAKE_NORUN
typedef struct {
  const float *x, *y;
  float *sum;
} add_args;

static void add_body(void *p, int64_t begin, int64_t end) {
  const add_args *a = p;
  for (int64_t i = begin; i < end; ++i) a->sum[i] = a->x[i] + a->y[i];
}

void steed_model_run(void **args) {
  float *z = args[2];
  unsigned char *arena = args[3];
  const steed_kernel_context *kc = args[4];
  if ((uintptr_t)arena % 64 != 0 || kc->abi_version != STEED_KERNEL_ABI_VERSION || kc->num_threads < 1) {
    for (int i = 0; i < 6; ++i) z[i] = NAN; /* make the failure visible */
    return;
  }
  memset(arena, 0xAB, (size_t)steed_model_arena_size); /* the whole arena is ours */
  add_args a = {args[0], args[1], (float *)(arena + 128)};
  kc->parallel_for(kc->pool, 6, add_body, &a);
  memcpy(z, a.sum, 6 * sizeof(float));
}
#endif

#elif FAKE_VARIANT == FAKE_I64

const char steed_model_info[] = "steed-model 1\n"
                                "\n"
                                "producer steedc test\n"
                                "input a%20b i64 1 4\n"
                                "input s i64 0\n"
                                "output sum:0 i64 1   4  \n"
                                "future-line with 3 fields";
const int64_t steed_model_arena_size = 0;

void steed_model_run(void **args) {
  const int64_t *a = args[0], *s = args[1];
  int64_t *sum = args[2];
  for (int i = 0; i < 4; ++i) sum[i] = a[i] + *s;
}

#elif FAKE_VARIANT == FAKE_COPY

const char steed_model_info[] = "steed-model 1\n"
                                "input h f16 1 3\ninput b bf16 1 2\ninput k bool 2 1 3\n"
                                "input c i8 1 2\ninput u u16 1 2\ninput d f64 1 2\n"
                                "output h_out f16 1 3\noutput b_out bf16 1 2\noutput k_out bool 2 1 3\n"
                                "output c_out i8 1 2\noutput u_out u16 1 2\noutput d_out f64 1 2\n";
const int64_t steed_model_arena_size = 0;

void steed_model_run(void **args) {
  static const size_t bytes[6] = {6, 4, 3, 2, 4, 16};
  for (int i = 0; i < 6; ++i) memcpy(args[6 + i], args[i], bytes[i]);
}

#else
#error "unknown FAKE_VARIANT"
#endif
