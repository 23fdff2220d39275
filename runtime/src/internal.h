/* Internal declarations shared by the runtime's source files. */
#ifndef STEED_RUNTIME_INTERNAL_H
#define STEED_RUNTIME_INTERNAL_H

#include "steed/kernel_abi.h"
#include "steed/steed.h"

#if defined(__GNUC__)
#define STEED_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define STEED_PRINTF(fmt, args)
#endif

/** Formats the thread's last-error message and returns `status`. */
steed_status steed_set_error(steed_status status, const char *fmt, ...) STEED_PRINTF(2, 3);

/** A loaded model. */
struct steed_model {
  void *handle;               /* from dlopen */
  steed_model_run_fn run;     /* steed_model_run */
  int64_t arena_size;         /* steed_model_arena_size */
  int32_t num_inputs, num_outputs;
  steed_tensor_info *inputs;  /* names and dims are owned (malloc'ed) */
  steed_tensor_info *outputs;
  int32_t is_dynamic;         /* any input or output has a -1 dim */
};

/** Writes a shape as "2x3" ("?" for a -1 dim when model_dims is set),
 *  truncated with "..." to fit `size` (>= 8) bytes; returns buf, or "scalar"
 *  for rank 0. */
const char *steed_format_shape(char *buf, size_t size, int32_t rank, const int64_t *dims, int model_dims);

/* ---- Thread pool (pool.c) ---- */

typedef struct steed_pool steed_pool;

/** Starts a pool for `num_threads` threads (num_threads - 1 workers). */
steed_status steed_pool_create(int32_t num_threads, steed_pool **out);

/** Stops and joins the workers. Accepts NULL. */
void steed_pool_free(steed_pool *pool);

/** The steed_kernel_context.parallel_for implementation. */
void steed_pool_parallel_for(void *pool, int64_t n, steed_parallel_body body, void *arg);

/** Number of CPUs this process may run on (at least 1). */
int32_t steed_available_cpus(void);

#endif /* STEED_RUNTIME_INTERNAL_H */
