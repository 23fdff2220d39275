/* Execution contexts: arena, thread pool, and the per-run argument array. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Upper bound on num_threads, to catch garbage options early. */
enum { MAX_THREADS = 1024, ARENA_ALIGNMENT = 64 };

struct steed_context {
  const steed_model *model;
  void *arena;                /* ARENA_ALIGNMENT-aligned, never NULL */
  steed_pool *pool;
  steed_kernel_context kernel;
  void **args;                /* inputs, outputs, arena, &kernel */
};

steed_status steed_context_create(const steed_model *model, const steed_context_options *options,
                                  steed_context **out) {
  if (!out) return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "steed_context_create: out is NULL");
  *out = NULL;
  if (!model) return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "steed_context_create: model is NULL");
  int32_t threads = options ? options->num_threads : 0;
  if (threads < 0 || threads > MAX_THREADS)
    return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "num_threads must be in [0, %d], got %d", MAX_THREADS,
                           threads);
  if (threads == 0) threads = steed_available_cpus();

  steed_context *ctx = calloc(1, sizeof *ctx);
  size_t num_args = (size_t)model->num_inputs + (size_t)model->num_outputs + 2;
  if (ctx) ctx->args = calloc(num_args, sizeof *ctx->args);
  /* Round up to whole cache lines; allocate one line for an empty arena so
   * compiled code always gets a valid aligned pointer. */
  size_t arena_bytes = ((size_t)model->arena_size + ARENA_ALIGNMENT - 1) / ARENA_ALIGNMENT * ARENA_ALIGNMENT;
  if (ctx && (uint64_t)model->arena_size <= SIZE_MAX - ARENA_ALIGNMENT &&
      posix_memalign(&ctx->arena, ARENA_ALIGNMENT, arena_bytes ? arena_bytes : ARENA_ALIGNMENT) != 0)
    ctx->arena = NULL;
  if (!ctx || !ctx->args || !ctx->arena) {
    steed_context_free(ctx);
    return steed_set_error(STEED_ERROR_OUT_OF_MEMORY, "cannot allocate a context (arena of %lld bytes)",
                           (long long)model->arena_size);
  }
  steed_status st = steed_pool_create(threads, &ctx->pool);
  if (st != STEED_OK) {
    steed_context_free(ctx);
    return st;
  }
  ctx->model = model;
  ctx->kernel.abi_version = STEED_KERNEL_ABI_VERSION;
  ctx->kernel.num_threads = threads;
  ctx->kernel.pool = ctx->pool;
  ctx->kernel.parallel_for = steed_pool_parallel_for;
  ctx->args[num_args - 2] = ctx->arena;
  ctx->args[num_args - 1] = &ctx->kernel;
  *out = ctx;
  return STEED_OK;
}

void steed_context_free(steed_context *ctx) {
  if (!ctx) return;
  steed_pool_free(ctx->pool);
  free(ctx->arena);
  free(ctx->args);
  free(ctx);
}

int32_t steed_context_num_threads(const steed_context *ctx) { return ctx ? ctx->kernel.num_threads : 0; }

const steed_model *steed_context_model(const steed_context *ctx) { return ctx ? ctx->model : NULL; }

const steed_kernel_context *steed_context_kernel_context(const steed_context *ctx) {
  return ctx ? &ctx->kernel : NULL;
}

steed_status steed_run(steed_context *ctx, const void *const *inputs, void *const *outputs) {
  if (!ctx) return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "steed_run: context is NULL");
  const steed_model *m = ctx->model;
  if ((m->num_inputs > 0 && !inputs) || (m->num_outputs > 0 && !outputs))
    return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "steed_run: inputs or outputs array is NULL");
  for (int32_t i = 0; i < m->num_inputs; ++i) {
    if (!inputs[i] && m->inputs[i].byte_size > 0)
      return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "input '%s': buffer is NULL", m->inputs[i].name);
    ctx->args[i] = (void *)(uintptr_t)inputs[i]; /* compiled code only reads inputs */
  }
  for (int32_t i = 0; i < m->num_outputs; ++i) {
    if (!outputs[i] && m->outputs[i].byte_size > 0)
      return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "output '%s': buffer is NULL", m->outputs[i].name);
    ctx->args[m->num_inputs + i] = outputs[i];
  }
  m->run(ctx->args);
  return STEED_OK;
}
