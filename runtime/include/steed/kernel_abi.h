/*
 * steed/kernel_abi.h - the types shared by compiled models and the runtime.
 *
 * A compiled model exports `steed_model_run` (see docs/model-abi.md):
 *
 *   void steed_model_run(steed_abi_tensor *tensors, void *arena,
 *                        const steed_kernel_context *kc);
 *
 * `tensors` describes the model's inputs then outputs (steed_abi_tensor,
 * below); `kc` gives compiled kernels the runtime's services. The code
 * generator emits struct types with exactly these layouts, so the layouts are
 * part of the ABI: steed_kernel_context fields may only be appended, and
 * STEED_KERNEL_ABI_VERSION must be bumped when they are or when the meaning of
 * any field or of steed_model_run's arguments changes.
 *
 * History: 1 = steed_model_run(void **args), static shapes only;
 *          2 = steed_model_run(tensors, arena, kc) with steed_abi_tensor,
 *              run-time (dynamic) dimensions and model-allocated outputs.
 */
#ifndef STEED_KERNEL_ABI_H
#define STEED_KERNEL_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Current value of steed_kernel_context.abi_version. */
#define STEED_KERNEL_ABI_VERSION 2

/**
 * One model input or output as steed_model_run sees it (ABI 2). The array
 * passed to steed_model_run holds the inputs in model order, then the
 * outputs. The runtime fills it before each run:
 *
 *  - Input: `data` is the dense row-major tensor (any pointer, possibly NULL,
 *    when it has zero elements; the model only reads it); `dims` holds the
 *    actual `rank` dimensions, equal to the model info's where those are not
 *    -1. `allocation` is unused.
 *  - Output whose dims are all static: `data` is a buffer of the output's
 *    byte size, which the model fills; the model does not touch `allocation`
 *    or `dims`.
 *  - Output with at least one -1 dim: the runtime passes `data = NULL`,
 *    `allocation = NULL` and `dims` pointing to storage for `rank` entries.
 *    The model writes the actual `dims`, `data` (the dense row-major result)
 *    and `allocation` (the block to release with free(), normally the
 *    malloc'ed block `data` points into; may be NULL, e.g. for zero
 *    elements). The runtime owns and frees `allocation` afterwards.
 */
typedef struct steed_abi_tensor {
  void *data;       /**< See above. */
  void *allocation; /**< Dynamic outputs: set by the model; release with free(). */
  int64_t *dims;    /**< `rank` entries (may be NULL when rank is 0). */
} steed_abi_tensor;

/**
 * A loop body: processes iterations [begin, end) of a parallel loop.
 * `arg` is the pointer given to parallel_for, passed through unchanged.
 */
typedef void (*steed_parallel_body)(void *arg, int64_t begin, int64_t end);

/** Runtime services handed to compiled code (one per steed_context). */
typedef struct steed_kernel_context {
  int32_t abi_version; /**< STEED_KERNEL_ABI_VERSION (2). */
  int32_t num_threads; /**< Threads parallel_for may use, caller included. */
  void *pool;          /**< Opaque; pass it back as parallel_for's first argument. */
  /**
   * Runs body over [0, n) split into at most num_threads contiguous chunks
   * of roughly equal size, one of them on the calling thread; returns once
   * every chunk has finished. Does nothing when n <= 0. A nested call (from
   * inside a body) runs serially on the calling thread.
   */
  void (*parallel_for)(void *pool, int64_t n, steed_parallel_body body, void *arg);
} steed_kernel_context;

/** The signature of a model's `steed_model_run` symbol (ABI 2). */
typedef void (*steed_model_run_fn)(steed_abi_tensor *tensors, void *arena, const steed_kernel_context *kc);

#ifdef __cplusplus
}
#endif

#endif /* STEED_KERNEL_ABI_H */
