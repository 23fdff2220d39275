/*
 * parallel.c - the thread-pool entry of loop nests split by
 * steed-cpu-parallelize-loops (targets/cpu/ParallelizeLoops.cpp).
 */
#include <stdint.h>

#include "steed/kernel_abi.h"

/* Runs body(arg, ., .) over [0, n): on the pool when the context has more
 * than one thread, else directly (no dispatch cost). `kcp` is the
 * steed_kernel_context pointer (0: none). */
void steedk_parallel(intptr_t kcp, int64_t n, steed_parallel_body body, void *arg) {
  const steed_kernel_context *kc = (const steed_kernel_context *)kcp;
  if (n > 1 && kc && kc->parallel_for && kc->num_threads > 1)
    kc->parallel_for(kc->pool, n, body, arg);
  else if (n > 0)
    body(arg, 0, n);
}
