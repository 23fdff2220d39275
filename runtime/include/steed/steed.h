/*
 * steed/steed.h - public API of the Steed runtime (libsteedrt).
 *
 * The runtime loads models compiled by `steedc` (shared libraries following
 * docs/model-abi.md), describes their inputs and outputs, and runs them.
 *
 * Typical use:
 *
 *   steed_model *model;
 *   steed_context *ctx;
 *   if (steed_model_load("model.so", &model) != STEED_OK ||
 *       steed_context_create(model, NULL, &ctx) != STEED_OK) {
 *     fprintf(stderr, "%s\n", steed_last_error());
 *     ...
 *   }
 *   // Any model, including one with run-time (dynamic) dimensions:
 *   int64_t x_dims[] = {n, 3};
 *   steed_tensor in[] = {{STEED_DTYPE_F32, 2, x_dims, x, n * 3 * sizeof(float)}};
 *   steed_tensor out[1] = {{0}};  // data NULL: the context provides the buffer
 *   if (steed_run_tensors(ctx, in, out) == STEED_OK)
 *     use(out[0].dims, out[0].data); // valid until the next run on ctx
 *
 *   // Models whose dimensions are all static, with caller buffers:
 *   const void *inputs[] = {x};   // one dense row-major buffer per input
 *   void *outputs[] = {y};        // one buffer per output, caller-allocated
 *   steed_run(ctx, inputs, outputs);
 *
 *   steed_context_free(ctx);
 *   steed_model_free(model);
 *
 * Errors: every function that can fail returns a steed_status; on failure
 * steed_last_error() gives a one-line message for the calling thread.
 *
 * Thread safety: a steed_model is immutable after loading and may be shared
 * by any number of threads and contexts. A steed_context serves one run at a
 * time: use one context per concurrently running thread.
 */
#ifndef STEED_STEED_H
#define STEED_STEED_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define STEED_API __attribute__((visibility("default")))
#else
#define STEED_API
#endif

/* ---- Status and errors ------------------------------------------------- */

/** Result of a runtime call. */
typedef enum steed_status {
  STEED_OK = 0,
  STEED_ERROR_IO,               /**< File missing or unreadable. */
  STEED_ERROR_INVALID_MODEL,    /**< Not a loadable Steed model, or bad model info. */
  STEED_ERROR_INVALID_ARGUMENT, /**< NULL pointer, index out of range, bad option. */
  STEED_ERROR_NOT_FOUND,        /**< No input/output with the given name. */
  STEED_ERROR_SHAPE_MISMATCH,   /**< Tensor shape differs from the model's. */
  STEED_ERROR_DTYPE_MISMATCH,   /**< Tensor element type differs from the model's. */
  STEED_ERROR_OUT_OF_MEMORY,    /**< An allocation failed. */
  STEED_ERROR_SYSTEM,           /**< Other OS failure (e.g. thread creation). */
} steed_status;

/** Short constant description of a status, e.g. "shape mismatch". */
STEED_API const char *steed_status_string(steed_status status);

/**
 * Message describing the most recent failure on the calling thread, e.g.
 * "input 'x': expected shape 1x3x224x224, got 1x3x224x225". Returns "" if no
 * call has failed on this thread. The string stays valid until the next
 * failing call on the same thread; successful calls do not change it.
 */
STEED_API const char *steed_last_error(void);

/* ---- Element types ------------------------------------------------------ */

/** Element type of a tensor (the `<dtype>` field of the model info). */
typedef enum steed_dtype {
  STEED_DTYPE_INVALID = 0,
  STEED_DTYPE_F32,
  STEED_DTYPE_F64,
  STEED_DTYPE_F16,  /**< IEEE binary16, stored as its 2-byte bit pattern. */
  STEED_DTYPE_BF16, /**< bfloat16, stored as its 2-byte bit pattern. */
  STEED_DTYPE_I8,
  STEED_DTYPE_I16,
  STEED_DTYPE_I32,
  STEED_DTYPE_I64,
  STEED_DTYPE_U8,
  STEED_DTYPE_U16,
  STEED_DTYPE_U32,
  STEED_DTYPE_U64,
  STEED_DTYPE_BOOL, /**< One byte per element, 0 or 1. */
  /* float8 formats (ONNX FLOAT8*): one byte per element, the bit pattern. */
  STEED_DTYPE_F8E4M3FN,   /**< 4 exponent, 3 mantissa bits; no inf, NaN 0x7F/0xFF. */
  STEED_DTYPE_F8E4M3FNUZ, /**< bias 8; no inf, no -0, NaN 0x80. */
  STEED_DTYPE_F8E5M2,     /**< 5 exponent, 2 mantissa bits, IEEE-like inf/NaN. */
  STEED_DTYPE_F8E5M2FNUZ, /**< bias 16; no inf, no -0, NaN 0x80. */
  /* 4-bit types: one element per byte (not packed), in the low 4 bits; the
     high 4 bits are ignored when read and zero when written. */
  STEED_DTYPE_U4,     /**< 0..15. */
  STEED_DTYPE_I4,     /**< -8..7, two's complement in the low nibble. */
  STEED_DTYPE_F4E2M1, /**< float4 E2M1 (no inf/NaN) code in the low nibble. */
} steed_dtype;

/** ABI name of a dtype ("f32", "bool", ...); "invalid" for unknown values. */
STEED_API const char *steed_dtype_name(steed_dtype dtype);

/** Parses an ABI dtype name; returns STEED_DTYPE_INVALID if unknown. */
STEED_API steed_dtype steed_dtype_from_name(const char *name);

/** Size of one element in bytes; 0 for STEED_DTYPE_INVALID. */
STEED_API size_t steed_dtype_size(steed_dtype dtype);

/* ---- Models ------------------------------------------------------------- */

/** A loaded compiled model (opaque). */
typedef struct steed_model steed_model;

/**
 * Description of one model input or output. Owned by the model.
 *
 * A dimension of -1 is dynamic: known only at run time (any size >= 0 is
 * accepted for an input; an output's is set by each run). A tensor with at
 * least one -1 dimension is dynamic (is_dynamic = 1); its num_elements is -1
 * and its byte_size 0, since neither is known before a run.
 */
typedef struct steed_tensor_info {
  const char *name;      /**< ONNX value name, percent-decoded (may be ""). */
  steed_dtype dtype;     /**< Element type. */
  int32_t rank;          /**< Number of dimensions (0 for a scalar). */
  const int64_t *dims;   /**< `rank` dimensions, each >= 0 or -1 (dynamic). */
  int64_t num_elements;  /**< Product of dims (1 for a scalar); -1 if dynamic. */
  size_t element_size;   /**< Bytes per element. */
  size_t byte_size;      /**< num_elements * element_size; 0 if dynamic. */
  int32_t is_dynamic;    /**< 1 if any dim is -1, else 0. */
} steed_tensor_info;

/**
 * Loads the compiled model at `path` (dlopen with RTLD_NOW | RTLD_LOCAL; a
 * path without '/' is taken relative to the current directory, not searched
 * for) and parses its `steed_model_info`.
 *
 * Returns STEED_ERROR_IO if the file cannot be accessed,
 * STEED_ERROR_INVALID_MODEL if it cannot be loaded, lacks one of the ABI
 * symbols, has malformed model info, or was compiled for another ABI version
 * (this runtime loads version 2; an ABI-1 model, from an older steedc, must be
 * recompiled). On success stores the model in *out, which the caller releases
 * with steed_model_free().
 */
STEED_API steed_status steed_model_load(const char *path, steed_model **out);

/**
 * Unloads a model. Every context created from it must have been freed
 * first. Accepts NULL.
 */
STEED_API void steed_model_free(steed_model *model);

/** Number of model inputs (graph inputs, initializers excluded). */
STEED_API int32_t steed_model_num_inputs(const steed_model *model);

/** Number of model outputs. */
STEED_API int32_t steed_model_num_outputs(const steed_model *model);

/** Description of input `index`, or NULL if index is out of range. */
STEED_API const steed_tensor_info *steed_model_input(const steed_model *model, int32_t index);

/** Description of output `index`, or NULL if index is out of range. */
STEED_API const steed_tensor_info *steed_model_output(const steed_model *model, int32_t index);

/** Index of the input called `name`, or -1 if there is none. */
STEED_API int32_t steed_model_find_input(const steed_model *model, const char *name);

/** Index of the output called `name`, or -1 if there is none. */
STEED_API int32_t steed_model_find_output(const steed_model *model, const char *name);

/** Scratch bytes one run needs (the model's `steed_model_arena_size`). */
STEED_API int64_t steed_model_arena_size(const steed_model *model);

/**
 * 1 if any input or output of the model has a dynamic (-1) dimension, else 0
 * (also 0 for NULL). Such a model runs only through steed_run_tensors().
 */
STEED_API int32_t steed_model_is_dynamic(const steed_model *model);

/**
 * Checks that a caller's tensor matches input `index` of the model.
 *
 * Returns STEED_OK if `dtype` and `rank` equal the input's and each of `dims`
 * (rank entries; may be NULL when rank is 0) equals the input's dimension or,
 * where that is dynamic (-1), is any value >= 0. Otherwise returns
 * STEED_ERROR_DTYPE_MISMATCH or STEED_ERROR_SHAPE_MISMATCH with a message
 * naming the input and both values, e.g. "input 'x': expected dtype f32, got
 * f64" or "input 'x': expected shape ?x3, got 2x4" ('?' marks a dynamic
 * dimension), or STEED_ERROR_INVALID_ARGUMENT for a bad index. steed_run()
 * itself does not check shapes (it only receives pointers): call this first
 * for untrusted tensors. steed_run_tensors() performs these checks itself.
 */
STEED_API steed_status steed_check_input(const steed_model *model, int32_t index, steed_dtype dtype,
                                         int32_t rank, const int64_t *dims);

/** Like steed_check_input() for output `index` (messages say "output"). */
STEED_API steed_status steed_check_output(const steed_model *model, int32_t index, steed_dtype dtype,
                                          int32_t rank, const int64_t *dims);

/* ---- Execution contexts ------------------------------------------------- */

/** Everything one run needs: scratch arena, thread pool, argument array, and
 *  the outputs of the latest steed_run_tensors() call. */
typedef struct steed_context steed_context;

/** Options for steed_context_create(). Zero-initialise, then set fields. */
typedef struct steed_context_options {
  /** Threads used by a run, the calling thread included; 0 = one per
   *  available CPU core. */
  int32_t num_threads;
} steed_context_options;

/**
 * Creates an execution context for `model`: allocates the scratch arena once
 * (64-byte aligned, steed_model_arena_size() bytes) and starts
 * num_threads - 1 worker threads. `options` may be NULL (all cores).
 * The model must outlive the context. Free with steed_context_free().
 */
STEED_API steed_status steed_context_create(const steed_model *model,
                                            const steed_context_options *options,
                                            steed_context **out);

/** Stops the worker threads and releases the context, including the outputs
 *  of its latest run. Accepts NULL. */
STEED_API void steed_context_free(steed_context *ctx);

/** Number of threads a run uses (the resolved num_threads option, >= 1). */
STEED_API int32_t steed_context_num_threads(const steed_context *ctx);

/** The model this context runs. */
STEED_API const steed_model *steed_context_model(const steed_context *ctx);

/**
 * Runs a model whose dimensions are all static once.
 *
 * `inputs` holds one pointer per model input and `outputs` one per model
 * output, in model order; each buffer is dense, row-major, and at least the
 * tensor's byte_size. Inputs are only read. Shapes and dtypes are not (and
 * cannot be) checked here: see steed_check_input(). Allocates nothing.
 * Returns STEED_ERROR_INVALID_ARGUMENT if an array or a buffer pointer of a
 * non-empty tensor is NULL, or if the model has a dynamic dimension (use
 * steed_run_tensors() for such models).
 */
STEED_API steed_status steed_run(steed_context *ctx, const void *const *inputs, void *const *outputs);

/** A caller's tensor, for steed_run_tensors(). Dense, row-major. */
typedef struct steed_tensor {
  steed_dtype dtype;   /**< Element type. */
  int32_t rank;        /**< Number of dimensions (0 for a scalar). */
  const int64_t *dims; /**< `rank` dimensions (may be NULL when rank is 0). */
  void *data;          /**< The elements (may be NULL when there are none). */
  size_t byte_size;    /**< Product of dims times the element size. */
} steed_tensor;

/**
 * Runs the model once on tensors that carry their shapes; works for every
 * model, and is the only way to run one with dynamic (-1) dimensions.
 *
 * `inputs` holds one entry per model input, in model order; only its dtype,
 * rank, dims and data are read (byte_size is ignored). Each input is checked
 * against the model: dtype, rank, and every dimension (all must be >= 0; a
 * static one must equal the model's, a dynamic one may be any size), with
 * STEED_ERROR_DTYPE_MISMATCH or STEED_ERROR_SHAPE_MISMATCH and a message
 * naming the input, e.g. "input 'x': dim 1 expected 3, got 4". `data` may be
 * NULL only for a tensor with zero elements (else
 * STEED_ERROR_INVALID_ARGUMENT).
 *
 * `outputs` holds one entry per model output, in model order. On entry only
 * `data` is read, and only for outputs whose dimensions are all static: a
 * non-NULL `data` is the caller's buffer, which must hold the output's
 * byte_size bytes, and receives the result; with NULL the result goes to a
 * buffer owned by the context (allocated at the first such run, then
 * reused). A dynamic output's result is always in memory allocated by the
 * model for this run and owned by the context. On success every entry is
 * filled in: dtype, rank, dims (storage owned by the context), data, and
 * byte_size (data may be NULL when byte_size is 0). Context-owned dims and
 * data stay valid until the next run on this context (steed_run or
 * steed_run_tensors), which reuses or releases them, or steed_context_free().
 *
 * A static model runs without allocating (apart from that one-time output
 * buffer). Returns STEED_ERROR_INVALID_ARGUMENT for a NULL context or array,
 * STEED_ERROR_OUT_OF_MEMORY if an output buffer cannot be allocated, and
 * STEED_ERROR_INVALID_MODEL if the model reports an impossible output (e.g.
 * a negative dimension): a bug in the compiled model.
 */
STEED_API steed_status steed_run_tensors(steed_context *ctx, const steed_tensor *inputs, steed_tensor *outputs);

/* ---- Thread pool --------------------------------------------------------- */

/**
 * The kernel context of `ctx`, the one compiled code receives; exposed so
 * that hand-written code and tests can use the same thread pool, e.g.
 * `kc->parallel_for(kc->pool, n, body, arg)`. Owned by the context.
 */
struct steed_kernel_context;
STEED_API const struct steed_kernel_context *steed_context_kernel_context(const steed_context *ctx);

#ifdef __cplusplus
}
#endif

#endif /* STEED_STEED_H */
