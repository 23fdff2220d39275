/*
 * steed/kernel_abi.h - the runtime services that compiled kernels can call.
 *
 * A pointer to a steed_kernel_context is the last element of the `args`
 * array passed to `steed_model_run` (see docs/model-abi.md). The code
 * generator emits a struct type with exactly this layout, so the layout is
 * part of the ABI: fields may only be appended, and abi_version must be
 * bumped when they are.
 */
#ifndef STEED_KERNEL_ABI_H
#define STEED_KERNEL_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Current value of steed_kernel_context.abi_version. */
#define STEED_KERNEL_ABI_VERSION 1

/**
 * A loop body: processes iterations [begin, end) of a parallel loop.
 * `arg` is the pointer given to parallel_for, passed through unchanged.
 */
typedef void (*steed_parallel_body)(void *arg, int64_t begin, int64_t end);

/** Runtime services handed to compiled code (one per steed_context). */
typedef struct steed_kernel_context {
  int32_t abi_version; /**< STEED_KERNEL_ABI_VERSION (1). */
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

#ifdef __cplusplus
}
#endif

#endif /* STEED_KERNEL_ABI_H */
