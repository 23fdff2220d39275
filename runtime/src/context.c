/* Execution contexts: arena, thread pool, the steed_abi_tensor array handed
 * to steed_model_run, and the outputs of the latest run. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Upper bound on num_threads, to catch garbage options early. */
enum { MAX_THREADS = 1024, ARENA_ALIGNMENT = 64 };

/* What the context keeps per model output between runs. */
typedef struct output_state {
  void *buffer;     /* static output: context-owned result buffer (allocated on first need) */
  void *allocation; /* dynamic output: the model's allocation from the latest run, or NULL */
} output_state;

struct steed_context {
  const steed_model *model;
  void *arena;                /* ARENA_ALIGNMENT-aligned, never NULL */
  steed_pool *pool;
  steed_kernel_context kernel;
  steed_abi_tensor *tensors;  /* inputs then outputs, built once; data set per run */
  int64_t *dims;              /* storage behind tensors[i].dims (the sum of the ranks) */
  output_state *outputs;      /* one per model output */
};

static const steed_tensor_info *tensor_info(const steed_model *m, int32_t i) {
  return i < m->num_inputs ? &m->inputs[i] : &m->outputs[i - m->num_inputs];
}

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

  int32_t num_tensors = model->num_inputs + model->num_outputs;
  size_t num_dims = 0;
  for (int32_t i = 0; i < num_tensors; ++i) num_dims += (size_t)tensor_info(model, i)->rank;
  steed_context *ctx = calloc(1, sizeof *ctx);
  if (ctx) {
    ctx->tensors = calloc((size_t)num_tensors + 1, sizeof *ctx->tensors);
    ctx->dims = calloc(num_dims + 1, sizeof *ctx->dims);
    ctx->outputs = calloc((size_t)model->num_outputs + 1, sizeof *ctx->outputs);
  }
  /* Round up to whole cache lines; allocate one line for an empty arena so
   * compiled code always gets a valid aligned pointer. */
  size_t arena_bytes = ((size_t)model->arena_size + ARENA_ALIGNMENT - 1) / ARENA_ALIGNMENT * ARENA_ALIGNMENT;
  if (ctx && (uint64_t)model->arena_size <= SIZE_MAX - ARENA_ALIGNMENT &&
      posix_memalign(&ctx->arena, ARENA_ALIGNMENT, arena_bytes ? arena_bytes : ARENA_ALIGNMENT) != 0)
    ctx->arena = NULL;
  if (!ctx || !ctx->tensors || !ctx->dims || !ctx->outputs || !ctx->arena) {
    steed_context_free(ctx);
    return steed_set_error(STEED_ERROR_OUT_OF_MEMORY, "cannot allocate a context (arena of %lld bytes)",
                           (long long)model->arena_size);
  }
  /* Every tensor's dims start as the model's (-1 where dynamic): a static
   * model's array is then complete except for the data pointers. */
  int64_t *dims = ctx->dims;
  for (int32_t i = 0; i < num_tensors; ++i) {
    const steed_tensor_info *info = tensor_info(model, i);
    if (info->rank > 0) {
      memcpy(dims, info->dims, sizeof *dims * (size_t)info->rank);
      ctx->tensors[i].dims = dims;
      dims += info->rank;
    }
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
  *out = ctx;
  return STEED_OK;
}

/* Frees the model allocations holding the previous run's dynamic outputs. */
static void release_allocations(steed_context *ctx) {
  for (int32_t i = 0; ctx->model && i < ctx->model->num_outputs; ++i) {
    free(ctx->outputs[i].allocation);
    ctx->outputs[i].allocation = NULL;
  }
}

void steed_context_free(steed_context *ctx) {
  if (!ctx) return;
  steed_pool_free(ctx->pool);
  if (ctx->outputs) {
    release_allocations(ctx);
    for (int32_t i = 0; ctx->model && i < ctx->model->num_outputs; ++i) free(ctx->outputs[i].buffer);
  }
  free(ctx->arena);
  free(ctx->tensors);
  free(ctx->dims);
  free(ctx->outputs);
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
  if (m->is_dynamic) {
    int32_t i = 0;
    while (!tensor_info(m, i)->is_dynamic) ++i;
    const steed_tensor_info *info = tensor_info(m, i);
    char shape[160];
    return steed_set_error(STEED_ERROR_INVALID_ARGUMENT,
                           "steed_run: the model has dynamic dimensions (%s '%s' is %s); use steed_run_tensors",
                           i < m->num_inputs ? "input" : "output", info->name,
                           steed_format_shape(shape, sizeof shape, info->rank, info->dims, 1));
  }
  if ((m->num_inputs > 0 && !inputs) || (m->num_outputs > 0 && !outputs))
    return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "steed_run: inputs or outputs array is NULL");
  for (int32_t i = 0; i < m->num_inputs; ++i) {
    if (!inputs[i] && m->inputs[i].byte_size > 0)
      return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "input '%s': buffer is NULL", m->inputs[i].name);
    ctx->tensors[i].data = (void *)(uintptr_t)inputs[i]; /* compiled code only reads inputs */
  }
  for (int32_t i = 0; i < m->num_outputs; ++i) {
    if (!outputs[i] && m->outputs[i].byte_size > 0)
      return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "output '%s': buffer is NULL", m->outputs[i].name);
    ctx->tensors[m->num_inputs + i].data = outputs[i];
  }
  m->run(ctx->tensors, ctx->arena, &ctx->kernel);
  return STEED_OK;
}

/* Checks a caller's input against the model; on success stores its element
 * count in *elements. */
static steed_status check_input(const steed_tensor_info *info, const steed_tensor *t, int64_t *elements) {
  if (t->dtype != info->dtype)
    return steed_set_error(STEED_ERROR_DTYPE_MISMATCH, "input '%s': expected dtype %s, got %s", info->name,
                           steed_dtype_name(info->dtype), steed_dtype_name(t->dtype));
  if (t->rank != info->rank) {
    char shape[160];
    return steed_set_error(STEED_ERROR_SHAPE_MISMATCH, "input '%s': expected rank %d (shape %s), got rank %d",
                           info->name, info->rank, steed_format_shape(shape, sizeof shape, info->rank, info->dims, 1),
                           t->rank);
  }
  if (t->rank > 0 && !t->dims)
    return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "input '%s': dims is NULL", info->name);
  int64_t n = 1;
  bool overflow = false;
  for (int32_t d = 0; d < t->rank; ++d) {
    if (t->dims[d] < 0)
      return steed_set_error(STEED_ERROR_SHAPE_MISMATCH, "input '%s': dim %d is negative (%lld)", info->name, d,
                             (long long)t->dims[d]);
    if (info->dims[d] != -1 && t->dims[d] != info->dims[d])
      return steed_set_error(STEED_ERROR_SHAPE_MISMATCH, "input '%s': dim %d expected %lld, got %lld", info->name, d,
                             (long long)info->dims[d], (long long)t->dims[d]);
    overflow = overflow || __builtin_mul_overflow(n, t->dims[d], &n);
  }
  size_t bytes;
  if (overflow || __builtin_mul_overflow((size_t)n, info->element_size, &bytes)) {
    char shape[160];
    return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "input '%s': shape %s is too large", info->name,
                           steed_format_shape(shape, sizeof shape, t->rank, t->dims, 0));
  }
  if (!t->data && n > 0) return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "input '%s': data is NULL", info->name);
  *elements = n;
  return STEED_OK;
}

/* Checks what the model returned for dynamic output `info` and computes its
 * byte size. A failure is a bug in the compiled model. */
static steed_status check_dynamic_output(const steed_tensor_info *info, const steed_abi_tensor *t, size_t *bytes) {
  int64_t n = 1;
  bool overflow = false;
  for (int32_t d = 0; d < info->rank; ++d) {
    if (t->dims[d] < 0 || (info->dims[d] != -1 && t->dims[d] != info->dims[d]))
      return steed_set_error(STEED_ERROR_INVALID_MODEL,
                             "output '%s': the model returned dim %d = %lld, but its info says %lld (a bug in the "
                             "compiled model)",
                             info->name, d, (long long)t->dims[d], (long long)info->dims[d]);
    overflow = overflow || __builtin_mul_overflow(n, t->dims[d], &n);
  }
  if (overflow || __builtin_mul_overflow((size_t)n, info->element_size, bytes))
    return steed_set_error(STEED_ERROR_INVALID_MODEL, "output '%s': the model returned a too large shape",
                           info->name);
  if (!t->data && n > 0)
    return steed_set_error(STEED_ERROR_INVALID_MODEL, "output '%s': the model returned no data for %lld elements",
                           info->name, (long long)n);
  return STEED_OK;
}

steed_status steed_run_tensors(steed_context *ctx, const steed_tensor *inputs, steed_tensor *outputs) {
  if (!ctx) return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "steed_run_tensors: context is NULL");
  const steed_model *m = ctx->model;
  if ((m->num_inputs > 0 && !inputs) || (m->num_outputs > 0 && !outputs))
    return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "steed_run_tensors: inputs or outputs array is NULL");

  /* Check every input before changing anything. */
  for (int32_t i = 0; i < m->num_inputs; ++i) {
    int64_t elements;
    steed_status st = check_input(&m->inputs[i], &inputs[i], &elements);
    if (st != STEED_OK) return st;
  }
  /* Static outputs without a caller buffer get the context's, allocated once. */
  for (int32_t i = 0; i < m->num_outputs; ++i) {
    const steed_tensor_info *info = &m->outputs[i];
    output_state *os = &ctx->outputs[i];
    if (info->is_dynamic || outputs[i].data || os->buffer) continue;
    size_t bytes = (info->byte_size + ARENA_ALIGNMENT - 1) / ARENA_ALIGNMENT * ARENA_ALIGNMENT;
    if (info->byte_size > SIZE_MAX - ARENA_ALIGNMENT ||
        posix_memalign(&os->buffer, ARENA_ALIGNMENT, bytes ? bytes : ARENA_ALIGNMENT) != 0) {
      os->buffer = NULL;
      return steed_set_error(STEED_ERROR_OUT_OF_MEMORY, "output '%s': cannot allocate %zu bytes", info->name,
                             info->byte_size);
    }
  }

  for (int32_t i = 0; i < m->num_inputs; ++i) {
    steed_abi_tensor *t = &ctx->tensors[i];
    if (inputs[i].rank > 0) memcpy(t->dims, inputs[i].dims, sizeof *t->dims * (size_t)inputs[i].rank);
    t->data = inputs[i].data; /* compiled code only reads inputs */
  }
  release_allocations(ctx); /* the previous run's dynamic outputs */
  for (int32_t i = 0; i < m->num_outputs; ++i) {
    const steed_tensor_info *info = &m->outputs[i];
    steed_abi_tensor *t = &ctx->tensors[m->num_inputs + i];
    if (info->is_dynamic) {
      t->data = NULL;
      t->allocation = NULL;
      for (int32_t d = 0; d < info->rank; ++d) t->dims[d] = -1; /* detects a model that sets none */
    } else {
      t->data = outputs[i].data ? outputs[i].data : ctx->outputs[i].buffer;
    }
  }

  m->run(ctx->tensors, ctx->arena, &ctx->kernel);

  /* Take ownership of every allocation first, so that none leaks on error. */
  for (int32_t i = 0; i < m->num_outputs; ++i)
    if (m->outputs[i].is_dynamic) ctx->outputs[i].allocation = ctx->tensors[m->num_inputs + i].allocation;
  for (int32_t i = 0; i < m->num_outputs; ++i) {
    const steed_tensor_info *info = &m->outputs[i];
    const steed_abi_tensor *t = &ctx->tensors[m->num_inputs + i];
    size_t bytes = info->byte_size;
    if (info->is_dynamic) {
      steed_status st = check_dynamic_output(info, t, &bytes);
      if (st != STEED_OK) return st;
    }
    outputs[i].dtype = info->dtype;
    outputs[i].rank = info->rank;
    outputs[i].dims = info->rank > 0 ? t->dims : NULL;
    outputs[i].data = t->data;
    outputs[i].byte_size = bytes;
  }
  return STEED_OK;
}
