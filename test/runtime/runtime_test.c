/*
 * Unit test of the steedrt API against the hand-written models of
 * fake_model.c. Usage:
 *   runtime_test ADD.so I64.so BADINFO.so NORUN.so ABI1.so DYN.so DYNBAD.so
 *   runtime_test --dynamic-only DYN.so DYNBAD.so   (the dynamic-shape tests
 *                                                  alone, e.g. under valgrind)
 * Prints each failed check and exits 1 if any failed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "steed/kernel_abi.h"
#include "steed/steed.h"

static int failures;

#define CHECK(cond)                                                                                         \
  do {                                                                                                      \
    if (!(cond)) {                                                                                          \
      fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__, __LINE__, #cond,              \
              steed_last_error());                                                                          \
      ++failures;                                                                                           \
    }                                                                                                       \
  } while (0)

/* Checks a call's status and that the last error contains `substring`. */
#define CHECK_ERROR(call, status, substring)                                                               \
  do {                                                                                                      \
    steed_status st_ = (call);                                                                              \
    CHECK(st_ == (status));                                                                                 \
    CHECK(strstr(steed_last_error(), (substring)) != NULL);                                                 \
  } while (0)

static const char *add_path, *i64_path, *badinfo_path, *norun_path, *abi1_path, *dyn_path, *dynbad_path;

static void test_enums(void) {
  CHECK(strcmp(steed_status_string(STEED_OK), "ok") == 0);
  CHECK(strcmp(steed_status_string(STEED_ERROR_SHAPE_MISMATCH), "shape mismatch") == 0);
  CHECK(strcmp(steed_status_string((steed_status)999), "unknown status") == 0);
  for (int d = STEED_DTYPE_F32; d <= STEED_DTYPE_F4E2M1; ++d) {
    CHECK(steed_dtype_from_name(steed_dtype_name((steed_dtype)d)) == (steed_dtype)d);
    CHECK(steed_dtype_size((steed_dtype)d) > 0);
  }
  CHECK(steed_dtype_size(STEED_DTYPE_BF16) == 2 && steed_dtype_size(STEED_DTYPE_BOOL) == 1);
  /* Appended dtypes keep the older numbering; 4-bit types take a byte each. */
  CHECK(STEED_DTYPE_BOOL == 13 && STEED_DTYPE_F8E4M3FN == 14 && STEED_DTYPE_F4E2M1 == 20);
  CHECK(strcmp(steed_dtype_name(STEED_DTYPE_F8E5M2FNUZ), "f8e5m2fnuz") == 0);
  CHECK(steed_dtype_from_name("i4") == STEED_DTYPE_I4 && steed_dtype_size(STEED_DTYPE_I4) == 1);
  CHECK(steed_dtype_size(STEED_DTYPE_F8E4M3FN) == 1 && steed_dtype_size(STEED_DTYPE_F4E2M1) == 1);
  CHECK(steed_dtype_from_name("f128") == STEED_DTYPE_INVALID);
  CHECK(steed_dtype_from_name(NULL) == STEED_DTYPE_INVALID);
  CHECK(strcmp(steed_dtype_name((steed_dtype)-3), "invalid") == 0);
}

static void test_load_errors(void) {
  steed_model *m = (steed_model *)&m; /* must be reset to NULL on failure */
  CHECK_ERROR(steed_model_load("/nonexistent/model.so", &m), STEED_ERROR_IO, "/nonexistent/model.so");
  CHECK(m == NULL);
  CHECK_ERROR(steed_model_load(NULL, &m), STEED_ERROR_INVALID_ARGUMENT, "NULL");
  CHECK_ERROR(steed_model_load(add_path, NULL), STEED_ERROR_INVALID_ARGUMENT, "NULL");

  char junk[] = "/tmp/steed_runtime_test_XXXXXX";
  int fd = mkstemp(junk);
  CHECK(fd >= 0);
  CHECK(write(fd, "not an ELF file\n", 16) == 16);
  close(fd);
  CHECK_ERROR(steed_model_load(junk, &m), STEED_ERROR_INVALID_MODEL, "cannot load model");
  unlink(junk);

  CHECK_ERROR(steed_model_load(badinfo_path, &m), STEED_ERROR_INVALID_MODEL, "model info line 3");
  CHECK(strstr(steed_last_error(), "expected 2 dimensions, got 1") != NULL);
  CHECK_ERROR(steed_model_load(norun_path, &m), STEED_ERROR_INVALID_MODEL, "'steed_model_run' not found");
  CHECK(m == NULL);
  /* A model built for ABI 1 (run(void **args)) must not be called. */
  CHECK_ERROR(steed_model_load(abi1_path, &m), STEED_ERROR_INVALID_MODEL, "model info line 1: model uses ABI version 1");
  CHECK(strstr(steed_last_error(), "recompile the model") != NULL);
  CHECK(m == NULL);
}

static void test_queries_and_checks(const steed_model *m) {
  CHECK(steed_model_num_inputs(m) == 2 && steed_model_num_outputs(m) == 1);
  CHECK(steed_model_arena_size(m) == 256);
  const steed_tensor_info *x = steed_model_input(m, 0), *z = steed_model_output(m, 0);
  CHECK(x && strcmp(x->name, "x") == 0 && x->dtype == STEED_DTYPE_F32 && x->rank == 2);
  CHECK(x && x->dims[0] == 2 && x->dims[1] == 3 && x->num_elements == 6);
  CHECK(x && x->element_size == 4 && x->byte_size == 24);
  CHECK(z && strcmp(z->name, "z") == 0 && z->byte_size == 24);
  CHECK(x && z && x->is_dynamic == 0 && z->is_dynamic == 0 && steed_model_is_dynamic(m) == 0);
  CHECK(steed_model_is_dynamic(NULL) == 0);
  CHECK(steed_model_input(m, 2) == NULL && steed_model_input(m, -1) == NULL);
  CHECK(steed_model_output(m, 1) == NULL);
  CHECK(steed_model_find_input(m, "y") == 1 && steed_model_find_input(m, "z") == -1);
  CHECK(steed_model_find_output(m, "z") == 0 && steed_model_find_output(m, NULL) == -1);

  const int64_t good[] = {2, 3}, bad[] = {2, 4};
  CHECK(steed_check_input(m, 1, STEED_DTYPE_F32, 2, good) == STEED_OK);
  CHECK_ERROR(steed_check_input(m, 0, STEED_DTYPE_F64, 2, good), STEED_ERROR_DTYPE_MISMATCH,
              "input 'x': expected dtype f32, got f64");
  CHECK_ERROR(steed_check_input(m, 0, STEED_DTYPE_F32, 2, bad), STEED_ERROR_SHAPE_MISMATCH,
              "input 'x': expected shape 2x3, got 2x4");
  CHECK_ERROR(steed_check_input(m, 1, STEED_DTYPE_F32, 0, NULL), STEED_ERROR_SHAPE_MISMATCH,
              "input 'y': expected shape 2x3, got scalar");
  CHECK_ERROR(steed_check_input(m, 5, STEED_DTYPE_F32, 2, good), STEED_ERROR_INVALID_ARGUMENT, "out of range");
  CHECK_ERROR(steed_check_output(m, 0, STEED_DTYPE_F32, 1, good), STEED_ERROR_SHAPE_MISMATCH,
              "output 'z': expected shape 2x3, got 2");
}

static void run_add(steed_context *ctx, float offset) {
  float x[6], y[6], z[6] = {0};
  for (int i = 0; i < 6; ++i) x[i] = (float)i + offset, y[i] = 10.0f * (float)i;
  const void *inputs[] = {x, y};
  void *outputs[] = {z};
  CHECK(steed_run(ctx, inputs, outputs) == STEED_OK);
  for (int i = 0; i < 6; ++i) CHECK(z[i] == x[i] + y[i]);
}

static void test_run(const steed_model *m) {
  const int32_t thread_counts[] = {1, 4, 0};
  for (int t = 0; t < 3; ++t) {
    steed_context_options opts = {thread_counts[t]};
    steed_context *ctx = NULL;
    CHECK(steed_context_create(m, &opts, &ctx) == STEED_OK);
    if (!ctx) continue;
    CHECK(steed_context_model(ctx) == m);
    CHECK(thread_counts[t] ? steed_context_num_threads(ctx) == thread_counts[t] : steed_context_num_threads(ctx) >= 1);
    for (int i = 0; i < 200; ++i) run_add(ctx, (float)i);
    float buf[6];
    const void *inputs[] = {buf, NULL};
    void *outputs[] = {buf};
    CHECK_ERROR(steed_run(ctx, inputs, outputs), STEED_ERROR_INVALID_ARGUMENT, "input 'y': buffer is NULL");
    CHECK_ERROR(steed_run(ctx, NULL, outputs), STEED_ERROR_INVALID_ARGUMENT, "NULL");
    steed_context_free(ctx);
  }
  steed_context_options bad = {-1};
  steed_context *ctx = NULL;
  CHECK_ERROR(steed_context_create(m, &bad, &ctx), STEED_ERROR_INVALID_ARGUMENT, "num_threads");
  CHECK(ctx == NULL);
  CHECK_ERROR(steed_context_create(NULL, NULL, &ctx), STEED_ERROR_INVALID_ARGUMENT, "model is NULL");
  steed_context_free(NULL);
  steed_model_free(NULL);
}

/* steed_run_tensors on a static model: caller and context output buffers,
 * filled-in outputs, and argument checks. */
static void test_run_tensors_static(const steed_model *m) {
  steed_context_options opts = {2};
  steed_context *ctx = NULL;
  CHECK(steed_context_create(m, &opts, &ctx) == STEED_OK);
  if (!ctx) return;
  float x[6], y[6], z[6] = {0};
  for (int i = 0; i < 6; ++i) x[i] = (float)i, y[i] = 0.5f * (float)i;
  const int64_t dims[] = {2, 3};
  steed_tensor in[2] = {{STEED_DTYPE_F32, 2, dims, x, sizeof x}, {STEED_DTYPE_F32, 2, dims, y, sizeof y}};
  steed_tensor out[1] = {{STEED_DTYPE_INVALID, 0, NULL, z, 0}}; /* caller's buffer */
  CHECK(steed_run_tensors(ctx, in, out) == STEED_OK);
  CHECK(out[0].data == z && out[0].dtype == STEED_DTYPE_F32 && out[0].rank == 2 && out[0].byte_size == 24);
  CHECK(out[0].dims && out[0].dims[0] == 2 && out[0].dims[1] == 3);
  for (int i = 0; i < 6; ++i) CHECK(z[i] == x[i] + y[i]);

  /* No buffer: the context's, allocated once and reused. */
  void *first = NULL;
  for (int run = 0; run < 3; ++run) {
    x[0] = (float)run;
    steed_tensor own[1] = {{0}};
    CHECK(steed_run_tensors(ctx, in, own) == STEED_OK);
    CHECK(own[0].data != NULL && own[0].data != z && own[0].byte_size == 24 && own[0].rank == 2);
    CHECK(own[0].dims && own[0].dims[0] == 2 && own[0].dims[1] == 3);
    if (run == 0) first = own[0].data;
    CHECK(own[0].data == first);
    CHECK(own[0].data && ((const float *)own[0].data)[0] == (float)run && ((const float *)own[0].data)[5] == 7.5f);
    CHECK((uintptr_t)own[0].data % 64 == 0);
  }
  /* steed_run still works on the same context afterwards. */
  run_add(ctx, 3.0f);

  /* Argument checks, each naming the input. */
  const int64_t wide[] = {2, 4}, negative[] = {-2, 3};
  steed_tensor bad[2] = {in[0], in[1]};
  bad[0].dtype = STEED_DTYPE_F64;
  CHECK_ERROR(steed_run_tensors(ctx, bad, out), STEED_ERROR_DTYPE_MISMATCH, "input 'x': expected dtype f32, got f64");
  bad[0] = in[0], bad[1].dims = wide;
  CHECK_ERROR(steed_run_tensors(ctx, bad, out), STEED_ERROR_SHAPE_MISMATCH, "input 'y': dim 1 expected 3, got 4");
  bad[1] = in[1], bad[0].rank = 1;
  CHECK_ERROR(steed_run_tensors(ctx, bad, out), STEED_ERROR_SHAPE_MISMATCH,
              "input 'x': expected rank 2 (shape 2x3), got rank 1");
  bad[0] = in[0], bad[0].dims = negative;
  CHECK_ERROR(steed_run_tensors(ctx, bad, out), STEED_ERROR_SHAPE_MISMATCH, "input 'x': dim 0 is negative (-2)");
  bad[0] = in[0], bad[0].dims = NULL;
  CHECK_ERROR(steed_run_tensors(ctx, bad, out), STEED_ERROR_INVALID_ARGUMENT, "input 'x': dims is NULL");
  bad[0] = in[0], bad[1].data = NULL;
  CHECK_ERROR(steed_run_tensors(ctx, bad, out), STEED_ERROR_INVALID_ARGUMENT, "input 'y': data is NULL");
  CHECK_ERROR(steed_run_tensors(ctx, NULL, out), STEED_ERROR_INVALID_ARGUMENT, "array is NULL");
  CHECK_ERROR(steed_run_tensors(ctx, in, NULL), STEED_ERROR_INVALID_ARGUMENT, "array is NULL");
  CHECK_ERROR(steed_run_tensors(NULL, in, out), STEED_ERROR_INVALID_ARGUMENT, "context is NULL");
  steed_context_free(ctx);
}

/* parallel_for: every index visited exactly once, in at most num_threads
 * contiguous chunks; nested calls run serially. */
typedef struct {
  const steed_kernel_context *kc;
  atomic_int *visits;
  atomic_int chunks;
  int nested;
} pf_state;

static void count_body(void *p, int64_t begin, int64_t end) {
  atomic_int *visits = p;
  for (int64_t i = begin; i < end; ++i) atomic_fetch_add(&visits[i], 1);
}

static void outer_body(void *p, int64_t begin, int64_t end) {
  pf_state *s = p;
  atomic_fetch_add(&s->chunks, 1);
  if (s->nested) s->kc->parallel_for(s->kc->pool, end - begin, count_body, s->visits + begin);
  else count_body(s->visits, begin, end);
}

static void test_parallel_for(const steed_model *m) {
  const int32_t thread_counts[] = {1, 2, 3, 4, 7};
  const int64_t sizes[] = {0, 1, 2, 5, 7, 100, 1001};
  atomic_int visits[1001];
  for (int t = 0; t < 5; ++t) {
    steed_context_options opts = {thread_counts[t]};
    steed_context *ctx = NULL;
    CHECK(steed_context_create(m, &opts, &ctx) == STEED_OK);
    if (!ctx) continue;
    const steed_kernel_context *kc = steed_context_kernel_context(ctx);
    CHECK(kc->abi_version == STEED_KERNEL_ABI_VERSION && kc->num_threads == thread_counts[t]);
    for (int rep = 0; rep < 50; ++rep) {
      for (int k = 0; k < 7; ++k) {
        int64_t n = sizes[k];
        for (int64_t i = 0; i < n; ++i) atomic_init(&visits[i], 0);
        pf_state s = {kc, visits, 0, rep % 2};
        if (rep % 10 == 9 && k == 0) usleep(3000); /* let the workers fall asleep */
        kc->parallel_for(kc->pool, n, outer_body, &s);
        int bad = 0;
        for (int64_t i = 0; i < n; ++i) bad += atomic_load(&visits[i]) != 1;
        CHECK(bad == 0);
        int chunks = atomic_load(&s.chunks);
        CHECK(chunks == (n < thread_counts[t] ? n : thread_counts[t]));
      }
    }
    steed_context_free(ctx);
  }
}

/* Two contexts of one model, run concurrently from two threads. */
static void *run_many(void *p) {
  for (int i = 0; i < 300; ++i) run_add(p, (float)i);
  return NULL;
}

static void test_concurrent_contexts(const steed_model *m) {
  steed_context_options opts = {2};
  steed_context *a = NULL, *b = NULL;
  CHECK(steed_context_create(m, &opts, &a) == STEED_OK && steed_context_create(m, &opts, &b) == STEED_OK);
  if (a && b) {
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, run_many, a) == 0);
    run_many(b);
    pthread_join(thread, NULL);
  }
  steed_context_free(a);
  steed_context_free(b);
}

static void test_i64_model(void) {
  steed_model *m = NULL;
  CHECK(steed_model_load(i64_path, &m) == STEED_OK);
  if (!m) return;
  CHECK(steed_model_num_inputs(m) == 2 && steed_model_num_outputs(m) == 1);
  CHECK(steed_model_arena_size(m) == 0);
  CHECK(steed_model_find_input(m, "a b") == 0 && steed_model_find_output(m, "sum:0") == 0);
  const steed_tensor_info *s = steed_model_input(m, 1);
  CHECK(s && s->rank == 0 && s->num_elements == 1 && s->byte_size == 8 && s->dims != NULL);
  CHECK(steed_check_input(m, 1, STEED_DTYPE_I64, 0, NULL) == STEED_OK);
  CHECK_ERROR(steed_check_input(m, 0, STEED_DTYPE_I32, 1, (const int64_t[]){4}), STEED_ERROR_DTYPE_MISMATCH,
              "input 'a b': expected dtype i64, got i32");
  steed_context *ctx = NULL;
  CHECK(steed_context_create(m, NULL, &ctx) == STEED_OK);
  int64_t a[4] = {1, 2, 3, -4}, scalar = 100, sum[4] = {0};
  const void *inputs[] = {a, &scalar};
  void *outputs[] = {sum};
  CHECK(ctx && steed_run(ctx, inputs, outputs) == STEED_OK);
  CHECK(sum[0] == 101 && sum[3] == 96);
  steed_context_free(ctx);
  steed_model_free(m);
}

/* ---- Dynamic shapes (FAKE_DYN: x f32[?,3] -> y = 2x f32[?,3], n i64[] = rows) ---- */

/* Runs the dynamic model on `rows` rows and checks both outputs. `n_buffer`
 * is the caller's buffer for the static output n, or NULL. */
static void run_dyn(steed_context *ctx, int64_t rows, int64_t *n_buffer) {
  float *x = rows > 0 ? malloc(sizeof(float) * (size_t)rows * 3) : NULL;
  CHECK(rows == 0 || x);
  if (rows > 0 && !x) return;
  for (int64_t i = 0; i < rows * 3; ++i) x[i] = (float)i - 1.5f;
  const int64_t dims[] = {rows, 3};
  steed_tensor in[1] = {{STEED_DTYPE_F32, 2, dims, x, sizeof(float) * (size_t)rows * 3}};
  steed_tensor out[2] = {{STEED_DTYPE_INVALID, 0, NULL, (void *)&out, 0}, /* ignored: y is dynamic */
                         {STEED_DTYPE_INVALID, 0, NULL, n_buffer, 0}};
  CHECK(steed_run_tensors(ctx, in, out) == STEED_OK);
  CHECK(out[0].dtype == STEED_DTYPE_F32 && out[0].rank == 2 && out[0].dims);
  CHECK(out[0].dims && out[0].dims[0] == rows && out[0].dims[1] == 3);
  CHECK(out[0].byte_size == sizeof(float) * (size_t)rows * 3);
  CHECK(rows == 0 || out[0].data != NULL);
  int bad = 0;
  for (int64_t i = 0; out[0].data && i < rows * 3; ++i) bad += ((const float *)out[0].data)[i] != 2.0f * x[i];
  CHECK(bad == 0);
  CHECK(out[1].dtype == STEED_DTYPE_I64 && out[1].rank == 0 && out[1].byte_size == 8 && out[1].data);
  CHECK(out[1].data && *(const int64_t *)out[1].data == rows);
  CHECK(!n_buffer || out[1].data == n_buffer);
  free(x);
}

static void test_dynamic_model(void) {
  steed_model *m = NULL;
  CHECK(steed_model_load(dyn_path, &m) == STEED_OK);
  if (!m) return;
  CHECK(steed_model_is_dynamic(m) == 1);
  const steed_tensor_info *x = steed_model_input(m, 0), *y = steed_model_output(m, 0), *n = steed_model_output(m, 1);
  CHECK(x && x->rank == 2 && x->dims[0] == -1 && x->dims[1] == 3 && x->is_dynamic == 1);
  CHECK(x && x->num_elements == -1 && x->byte_size == 0 && x->element_size == 4);
  CHECK(y && y->is_dynamic == 1 && y->num_elements == -1 && y->byte_size == 0);
  CHECK(n && n->is_dynamic == 0 && n->rank == 0 && n->num_elements == 1 && n->byte_size == 8);

  /* steed_check_input: -1 accepts any size >= 0; static dims still checked. */
  CHECK(steed_check_input(m, 0, STEED_DTYPE_F32, 2, (const int64_t[]){5, 3}) == STEED_OK);
  CHECK(steed_check_input(m, 0, STEED_DTYPE_F32, 2, (const int64_t[]){0, 3}) == STEED_OK);
  CHECK(steed_check_output(m, 0, STEED_DTYPE_F32, 2, (const int64_t[]){7, 3}) == STEED_OK);
  CHECK_ERROR(steed_check_input(m, 0, STEED_DTYPE_F32, 2, (const int64_t[]){5, 4}), STEED_ERROR_SHAPE_MISMATCH,
              "input 'x': expected shape ?x3, got 5x4");
  CHECK_ERROR(steed_check_input(m, 0, STEED_DTYPE_F32, 2, (const int64_t[]){-1, 3}), STEED_ERROR_SHAPE_MISMATCH,
              "input 'x': expected shape ?x3, got -1x3");

  const int32_t thread_counts[] = {1, 3};
  for (int t = 0; t < 2; ++t) {
    steed_context_options opts = {thread_counts[t]};
    steed_context *ctx = NULL;
    CHECK(steed_context_create(m, &opts, &ctx) == STEED_OK);
    if (!ctx) continue;
    /* Different sizes on one context, including zero rows (NULL data). */
    int64_t n_buffer = -1;
    run_dyn(ctx, 2, NULL);
    run_dyn(ctx, 5, &n_buffer);
    run_dyn(ctx, 0, NULL);
    run_dyn(ctx, 1000, NULL);
    run_dyn(ctx, 1, &n_buffer);
    for (int i = 0; i < 50; ++i) run_dyn(ctx, i % 7, i % 2 ? &n_buffer : NULL);

    /* steed_run cannot describe run-time shapes. */
    float buf[6] = {0};
    const void *inputs[] = {buf};
    void *outputs[] = {buf, buf};
    CHECK_ERROR(steed_run(ctx, inputs, outputs), STEED_ERROR_INVALID_ARGUMENT,
                "steed_run: the model has dynamic dimensions (input 'x' is ?x3); use steed_run_tensors");

    /* Shape errors name the input and the dimension. */
    steed_tensor out[2] = {{0}};
    steed_tensor in[1] = {{STEED_DTYPE_F32, 2, (const int64_t[]){2, 4}, buf, sizeof buf}};
    CHECK_ERROR(steed_run_tensors(ctx, in, out), STEED_ERROR_SHAPE_MISMATCH, "input 'x': dim 1 expected 3, got 4");
    in[0].dims = (const int64_t[]){-3, 3};
    CHECK_ERROR(steed_run_tensors(ctx, in, out), STEED_ERROR_SHAPE_MISMATCH, "input 'x': dim 0 is negative (-3)");
    in[0].dims = (const int64_t[]){INT64_MAX / 2, 3};
    CHECK_ERROR(steed_run_tensors(ctx, in, out), STEED_ERROR_INVALID_ARGUMENT, "input 'x': shape");
    CHECK(strstr(steed_last_error(), "is too large") != NULL);
    in[0].dims = (const int64_t[]){2, 3}, in[0].data = NULL;
    CHECK_ERROR(steed_run_tensors(ctx, in, out), STEED_ERROR_INVALID_ARGUMENT, "input 'x': data is NULL");
    in[0].rank = 1;
    CHECK_ERROR(steed_run_tensors(ctx, in, out), STEED_ERROR_SHAPE_MISMATCH,
                "input 'x': expected rank 2 (shape ?x3), got rank 1");
    /* The context still works after rejected calls. */
    run_dyn(ctx, 3, NULL);
    steed_context_free(ctx); /* frees the last run's outputs */
  }
  steed_model_free(m);
}

/* A model that contradicts its own info is reported, and its allocation
 * still released (checked under valgrind). */
static void test_dynamic_model_bug(void) {
  steed_model *m = NULL;
  CHECK(steed_model_load(dynbad_path, &m) == STEED_OK);
  if (!m) return;
  steed_context *ctx = NULL;
  CHECK(steed_context_create(m, NULL, &ctx) == STEED_OK);
  float x[6] = {0};
  steed_tensor in[1] = {{STEED_DTYPE_F32, 2, (const int64_t[]){2, 3}, x, sizeof x}};
  steed_tensor out[2] = {{0}};
  for (int i = 0; ctx && i < 3; ++i)
    CHECK_ERROR(steed_run_tensors(ctx, in, out), STEED_ERROR_INVALID_MODEL,
                "output 'y': the model returned dim 1 = 4, but its info says 3");
  steed_context_free(ctx);
  steed_model_free(m);
}

/* Outputs allocated by the model are released by the runtime: 60 runs of
 * ~1.2 MB outputs must not add up (glibc's allocator statistics). */
static void test_dynamic_outputs_freed(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  steed_model *m = NULL;
  CHECK(steed_model_load(dyn_path, &m) == STEED_OK);
  if (!m) return;
  struct mallinfo2 before = mallinfo2();
  steed_context_options opts = {1};
  steed_context *ctx = NULL;
  CHECK(steed_context_create(m, &opts, &ctx) == STEED_OK);
  for (int i = 0; ctx && i < 60; ++i) run_dyn(ctx, 100000, NULL);
  steed_context_free(ctx);
  struct mallinfo2 after = mallinfo2();
  size_t used_before = before.uordblks + before.hblkhd, used_after = after.uordblks + after.hblkhd;
  CHECK(used_after < used_before + (1u << 20));
  if (used_after >= used_before + (1u << 20))
    fprintf(stderr, "heap grew by %zu bytes over 60 dynamic runs\n", used_after - used_before);
  steed_model_free(m);
#else
  printf("skipping the allocator-statistics leak check (not glibc >= 2.33)\n");
#endif
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "--dynamic-only") == 0) {
    dyn_path = argv[2], dynbad_path = argv[3];
    test_dynamic_model();
    test_dynamic_model_bug();
    if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
    else printf("all dynamic-shape runtime tests passed\n");
    return failures ? 1 : 0;
  }
  if (argc != 8) {
    fprintf(stderr, "usage: %s ADD.so I64.so BADINFO.so NORUN.so ABI1.so DYN.so DYNBAD.so\n"
                    "       %s --dynamic-only DYN.so DYNBAD.so\n", argv[0], argv[0]);
    return 2;
  }
  add_path = argv[1], i64_path = argv[2], badinfo_path = argv[3], norun_path = argv[4];
  abi1_path = argv[5], dyn_path = argv[6], dynbad_path = argv[7];
  test_enums();
  test_load_errors();
  steed_model *m = NULL;
  CHECK(steed_model_load(add_path, &m) == STEED_OK);
  if (m) {
    test_queries_and_checks(m);
    test_run(m);
    test_run_tensors_static(m);
    test_parallel_for(m);
    test_concurrent_contexts(m);
    steed_model_free(m);
  }
  test_i64_model();
  test_dynamic_model();
  test_dynamic_model_bug();
  test_dynamic_outputs_freed();
  if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
  else printf("all runtime tests passed\n");
  return failures ? 1 : 0;
}
