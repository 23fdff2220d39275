/*
 * The thread pool behind steed_kernel_context.parallel_for.
 *
 * A pool of T threads has T - 1 workers; the thread calling parallel_for is
 * the T-th. A call publishes one job (body, arg, n) by bumping `generation`,
 * runs chunk 0 itself, and waits until every worker has acknowledged the
 * job (workers without a chunk acknowledge at once). Because every worker
 * acknowledges every generation, none can miss a job, and the job fields are
 * never rewritten while a worker may still read them.
 *
 * Workers and the caller spin briefly before blocking on a condition
 * variable, so back-to-back kernels do not pay for a sleep/wake-up each. The
 * caller only takes the mutex to wake workers when some are asleep.
 *
 * Placement: a worker starts on an allowed CPU other than the creating
 * thread's (spread over the others), then widens its affinity back to the
 * whole allowed set; nothing stays pinned. Started next to the caller, a
 * spinning, yielding worker could share its core until the scheduler moved
 * one of them: short runs on two threads (a 0.08 ms MLP) then took 0.2 ms
 * in most processes, longer than on one thread.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sched_getaffinity */
#endif
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ __volatile__("yield")
#else
#define cpu_relax() ((void)0)
#endif

/* Polling before blocking: SPIN_ITERATIONS polls, the later ones yielding
 * the CPU so that an oversubscribed machine can run the thread awaited. */
enum { SPIN_ITERATIONS = 1000, YIELD_AFTER = 100 };

static inline void spin_pause(int iteration) {
  if (iteration < YIELD_AFTER) cpu_relax();
  else sched_yield();
}

typedef struct worker {
  struct steed_pool *pool;
  int32_t index; /* 1..num_workers: the chunk this worker runs */
  pthread_t thread;
  bool placed; /* started with a narrowed affinity (see above) */
} worker;

struct steed_pool {
  int32_t num_threads;
  int32_t num_workers; /* started workers */
  worker *workers;

  pthread_mutex_t mutex;
  pthread_cond_t wake; /* workers wait here for a new generation or stop */
  pthread_cond_t done; /* the caller waits here for pending == 0 */
  bool stop;           /* guarded by mutex */

  atomic_ullong generation; /* bumped once per job */
  atomic_int pending;       /* workers that have not acknowledged the job */
  atomic_int sleeping;      /* workers blocked on `wake` */
  atomic_flag busy;         /* set while a parallel_for is in flight */

  /* The current job: written before `generation` is bumped. */
  steed_parallel_body body;
  void *arg;
  int64_t n;
  int32_t num_chunks;
#ifdef CPU_COUNT
  cpu_set_t allowed; /* the process's CPUs when the pool was created */
#endif
};

int32_t steed_available_cpus(void) {
#ifdef CPU_COUNT
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
#endif
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int32_t)n : 1;
}

/* Runs chunk `i` of the current job: [0, n) split into num_chunks contiguous
 * ranges whose sizes differ by at most one. */
static void run_chunk(const steed_pool *pool, int32_t i) {
  int64_t q = pool->n / pool->num_chunks, r = pool->n % pool->num_chunks;
  int64_t begin = i * q + (i < r ? i : r);
  pool->body(pool->arg, begin, begin + q + (i < r ? 1 : 0));
}

static void *worker_main(void *p) {
  worker *self = p;
  steed_pool *pool = self->pool;
#ifdef CPU_COUNT
  if (self->placed) pthread_setaffinity_np(pthread_self(), sizeof pool->allowed, &pool->allowed);
#endif
  unsigned long long seen = 0;
  for (;;) {
    unsigned long long gen = atomic_load_explicit(&pool->generation, memory_order_acquire);
    for (int i = 0; gen == seen && i < SPIN_ITERATIONS; ++i) {
      spin_pause(i);
      gen = atomic_load_explicit(&pool->generation, memory_order_acquire);
    }
    if (gen == seen) {
      bool stop;
      pthread_mutex_lock(&pool->mutex);
      /* Announce sleeping before the final check (paired with the caller's
       * bump-then-read of `sleeping`, both sequentially consistent). */
      atomic_fetch_add(&pool->sleeping, 1);
      while ((gen = atomic_load(&pool->generation)) == seen && !pool->stop)
        pthread_cond_wait(&pool->wake, &pool->mutex);
      atomic_fetch_sub(&pool->sleeping, 1);
      stop = gen == seen; /* woken by stop, not by a job */
      pthread_mutex_unlock(&pool->mutex);
      if (stop) return NULL;
    }
    seen = gen;
    if (self->index < pool->num_chunks) run_chunk(pool, self->index);
    if (atomic_fetch_sub_explicit(&pool->pending, 1, memory_order_acq_rel) == 1) {
      pthread_mutex_lock(&pool->mutex);
      pthread_cond_signal(&pool->done);
      pthread_mutex_unlock(&pool->mutex);
    }
  }
}

void steed_pool_parallel_for(void *p, int64_t n, steed_parallel_body body, void *arg) {
  steed_pool *pool = p;
  if (n <= 0) return;
  /* Serial: one thread, one iteration, or a nested/concurrent call. */
  if (!pool || pool->num_workers == 0 || n == 1 ||
      atomic_flag_test_and_set_explicit(&pool->busy, memory_order_acquire)) {
    body(arg, 0, n);
    return;
  }
  pool->body = body;
  pool->arg = arg;
  pool->n = n;
  pool->num_chunks = n < pool->num_threads ? (int32_t)n : pool->num_threads;
  atomic_store_explicit(&pool->pending, pool->num_workers, memory_order_relaxed);
  atomic_fetch_add(&pool->generation, 1); /* publishes the job */
  if (atomic_load(&pool->sleeping) > 0) {
    pthread_mutex_lock(&pool->mutex);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
  }

  run_chunk(pool, 0);

  for (int i = 0; i < SPIN_ITERATIONS && atomic_load_explicit(&pool->pending, memory_order_acquire) != 0; ++i)
    spin_pause(i);
  if (atomic_load_explicit(&pool->pending, memory_order_acquire) != 0) {
    pthread_mutex_lock(&pool->mutex);
    while (atomic_load(&pool->pending) != 0) pthread_cond_wait(&pool->done, &pool->mutex);
    pthread_mutex_unlock(&pool->mutex);
  }
  atomic_flag_clear_explicit(&pool->busy, memory_order_release);
}

void steed_pool_free(steed_pool *pool) {
  if (!pool) return;
  pthread_mutex_lock(&pool->mutex);
  pool->stop = true;
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->mutex);
  for (int32_t i = 0; i < pool->num_workers; ++i) pthread_join(pool->workers[i].thread, NULL);
  pthread_cond_destroy(&pool->done);
  pthread_cond_destroy(&pool->wake);
  pthread_mutex_destroy(&pool->mutex);
  free(pool->workers);
  free(pool);
}

steed_status steed_pool_create(int32_t num_threads, steed_pool **out) {
  *out = NULL;
  steed_pool *pool = calloc(1, sizeof *pool);
  worker *workers = num_threads > 1 ? calloc((size_t)num_threads - 1, sizeof *workers) : NULL;
  if (!pool || (num_threads > 1 && !workers)) {
    free(pool);
    free(workers);
    return steed_set_error(STEED_ERROR_OUT_OF_MEMORY, "out of memory creating a thread pool");
  }
  pool->num_threads = num_threads;
  pool->workers = workers;
  pthread_mutex_init(&pool->mutex, NULL);
  pthread_cond_init(&pool->wake, NULL);
  pthread_cond_init(&pool->done, NULL);
  atomic_init(&pool->generation, 0);
  atomic_init(&pool->pending, 0);
  atomic_init(&pool->sleeping, 0);
  atomic_flag_clear(&pool->busy);
  /* The allowed CPUs other than the caller's, for the workers' start. */
  int32_t others[CPU_SETSIZE];
  int32_t num_others = 0;
#ifdef CPU_COUNT
  int here = sched_getcpu();
  if (num_threads > 1 && sched_getaffinity(0, sizeof pool->allowed, &pool->allowed) == 0 &&
      CPU_COUNT(&pool->allowed) >= num_threads && here >= 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &pool->allowed) && c != here) others[num_others++] = c;
  }
#endif
  for (int32_t i = 0; i < num_threads - 1; ++i) {
    workers[i].pool = pool;
    workers[i].index = i + 1;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
#ifdef CPU_COUNT
    if (num_others > 0) {
      cpu_set_t start;
      CPU_ZERO(&start);
      CPU_SET(others[i % num_others], &start);
      workers[i].placed = pthread_attr_setaffinity_np(&attr, sizeof start, &start) == 0;
    }
#endif
    int err = pthread_create(&workers[i].thread, &attr, worker_main, &workers[i]);
    pthread_attr_destroy(&attr);
    if (err != 0) {
      steed_pool_free(pool); /* joins the workers started so far */
      return steed_set_error(STEED_ERROR_SYSTEM, "cannot start worker thread %d of %d: %s", i + 1,
                             num_threads - 1, strerror(err));
    }
    pool->num_workers = i + 1;
  }
  *out = pool;
  return STEED_OK;
}
