/*
 * Hand-written stand-ins for models compiled by steedc, exporting the three
 * ABI symbols of docs/model-abi.md (ABI version 2). One source, several
 * variants selected by FAKE_VARIANT (see CMakeLists.txt):
 *
 *   FAKE_ADD      x:f32[2,3], y:f32[2,3] -> z = x + y, computed with
 *                 parallel_for into the 256-byte arena, then copied to z.
 *   FAKE_I64      "a b":i64[4], s:i64[] -> "sum:0" = a + s; percent-encoded
 *                 names, blank and unknown lines, no arena.
 *   FAKE_COPY     six inputs of assorted dtypes, each copied to an output.
 *   FAKE_BADINFO  like FAKE_ADD but with a malformed info string.
 *   FAKE_NORUN    lacks the steed_model_run symbol.
 *   FAKE_ABI1     like FAKE_ADD but its info says "steed-model 1" (a model
 *                 built by an older steedc): the runtime must refuse it.
 *   FAKE_DYN      x:f32[-1,3] -> y:f32[-1,3] = x * 2 (dynamic: malloc'ed by
 *                 the model, `data` 64 bytes into `allocation`), and
 *                 n:i64[] = the number of rows (static); rows computed with
 *                 parallel_for; arena 64 bytes.
 *   FAKE_DYNBAD   like FAKE_DYN but returns y with dim 1 = 4 (contradicting
 *                 its info): the runtime must report the bug, not trust it.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steed/kernel_abi.h"

#define FAKE_ADD 0
#define FAKE_I64 1
#define FAKE_COPY 2
#define FAKE_BADINFO 3
#define FAKE_NORUN 4
#define FAKE_ABI1 5
#define FAKE_DYN 6
#define FAKE_DYNBAD 7

#if FAKE_VARIANT == FAKE_ADD || FAKE_VARIANT == FAKE_BADINFO || FAKE_VARIANT == FAKE_NORUN ||                    \
    FAKE_VARIANT == FAKE_ABI1

#if FAKE_VARIANT == FAKE_BADINFO
const char steed_model_info[] = "steed-model 2\ninput x f32 2 2 3\ninput y f32 2 2\noutput z f32 2 2 3\n";
#elif FAKE_VARIANT == FAKE_ABI1
const char steed_model_info[] = "steed-model 1\ninput x f32 2 2 3\ninput y f32 2 2 3\noutput z f32 2 2 3\n";
#else
const char steed_model_info[] = "steed-model 2\ninput x f32 2 2 3\ninput y f32 2 2 3\noutput z f32 2 2 3\n";
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

void steed_model_run(steed_abi_tensor *tensors, void *arena_ptr, const steed_kernel_context *kc) {
  float *z = tensors[2].data;
  unsigned char *arena = arena_ptr;
  /* Static inputs: the runtime passes the static dims. */
  int dims_ok = 1;
  for (int t = 0; t < 2; ++t) dims_ok = dims_ok && tensors[t].dims[0] == 2 && tensors[t].dims[1] == 3;
  if ((uintptr_t)arena % 64 != 0 || kc->abi_version != STEED_KERNEL_ABI_VERSION || kc->num_threads < 1 ||
      !dims_ok) {
    for (int i = 0; i < 6; ++i) z[i] = NAN; /* make the failure visible */
    return;
  }
  memset(arena, 0xAB, (size_t)steed_model_arena_size); /* the whole arena is ours */
  add_args a = {tensors[0].data, tensors[1].data, (float *)(arena + 128)};
  kc->parallel_for(kc->pool, 6, add_body, &a);
  memcpy(z, a.sum, 6 * sizeof(float));
}
#endif

#elif FAKE_VARIANT == FAKE_I64

const char steed_model_info[] = "steed-model 2\n"
                                "\n"
                                "producer steedc test\n"
                                "input a%20b i64 1 4\n"
                                "input s i64 0\n"
                                "output sum:0 i64 1   4  \n"
                                "future-line with 3 fields";
const int64_t steed_model_arena_size = 0;

void steed_model_run(steed_abi_tensor *tensors, void *arena, const steed_kernel_context *kc) {
  (void)arena, (void)kc;
  const int64_t *a = tensors[0].data, *s = tensors[1].data;
  int64_t *sum = tensors[2].data;
  for (int i = 0; i < 4; ++i) sum[i] = a[i] + *s;
}

#elif FAKE_VARIANT == FAKE_COPY

const char steed_model_info[] = "steed-model 2\n"
                                "input h f16 1 3\ninput b bf16 1 2\ninput k bool 2 1 3\n"
                                "input c i8 1 2\ninput u u16 1 2\ninput d f64 1 2\n"
                                "output h_out f16 1 3\noutput b_out bf16 1 2\noutput k_out bool 2 1 3\n"
                                "output c_out i8 1 2\noutput u_out u16 1 2\noutput d_out f64 1 2\n";
const int64_t steed_model_arena_size = 0;

void steed_model_run(steed_abi_tensor *tensors, void *arena, const steed_kernel_context *kc) {
  (void)arena, (void)kc;
  static const size_t bytes[6] = {6, 4, 3, 2, 4, 16};
  for (int i = 0; i < 6; ++i) memcpy(tensors[6 + i].data, tensors[i].data, bytes[i]);
}

#elif FAKE_VARIANT == FAKE_DYN || FAKE_VARIANT == FAKE_DYNBAD

const char steed_model_info[] = "steed-model 2\n"
                                "input x f32 2 -1 3\n"
                                "output y f32 2 -1 3\n"
                                "output n i64 0\n";
const int64_t steed_model_arena_size = 64;

typedef struct {
  const float *x;
  float *y;
} double_args;

static void double_rows(void *p, int64_t begin, int64_t end) {
  const double_args *a = p;
  for (int64_t i = begin * 3; i < end * 3; ++i) a->y[i] = a->x[i] * 2.0f;
}

void steed_model_run(steed_abi_tensor *tensors, void *arena, const steed_kernel_context *kc) {
  steed_abi_tensor *x = &tensors[0], *y = &tensors[1], *n = &tensors[2];
  /* A dynamic output arrives empty; anything else is a runtime bug: return
   * nothing, which the runtime must report. */
  if ((uintptr_t)arena % 64 != 0 || kc->abi_version != STEED_KERNEL_ABI_VERSION || y->data || y->allocation ||
      !y->dims || x->dims[1] != 3 || x->dims[0] < 0)
    return;
  int64_t rows = x->dims[0];
  *(int64_t *)n->data = rows;
  y->dims[0] = rows;
  y->dims[1] = FAKE_VARIANT == FAKE_DYNBAD ? 4 : 3;
  if (rows == 0) return; /* zero elements: data and allocation stay NULL */
  unsigned char *block = malloc(64 + (size_t)rows * 3 * sizeof(float));
  if (!block) return;
  y->allocation = block;
  y->data = block + 64; /* the runtime must free `allocation`, not `data` */
  double_args a = {x->data, y->data};
  kc->parallel_for(kc->pool, rows, double_rows, &a);
}

#else
#error "unknown FAKE_VARIANT"
#endif
