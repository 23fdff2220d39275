/* Status codes, the thread-local error message, and the dtype table. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static _Thread_local char last_error[512];

steed_status steed_set_error(steed_status status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  return status;
}

const char *steed_last_error(void) { return last_error; }

const char *steed_status_string(steed_status status) {
  switch (status) {
  case STEED_OK: return "ok";
  case STEED_ERROR_IO: return "I/O error";
  case STEED_ERROR_INVALID_MODEL: return "invalid model";
  case STEED_ERROR_INVALID_ARGUMENT: return "invalid argument";
  case STEED_ERROR_NOT_FOUND: return "not found";
  case STEED_ERROR_SHAPE_MISMATCH: return "shape mismatch";
  case STEED_ERROR_DTYPE_MISMATCH: return "dtype mismatch";
  case STEED_ERROR_OUT_OF_MEMORY: return "out of memory";
  case STEED_ERROR_SYSTEM: return "system error";
  }
  return "unknown status";
}

/* Indexed by steed_dtype. */
static const struct {
  const char *name;
  size_t size;
} dtype_table[] = {
    [STEED_DTYPE_INVALID] = {"invalid", 0}, [STEED_DTYPE_F32] = {"f32", 4},
    [STEED_DTYPE_F64] = {"f64", 8},         [STEED_DTYPE_F16] = {"f16", 2},
    [STEED_DTYPE_BF16] = {"bf16", 2},       [STEED_DTYPE_I8] = {"i8", 1},
    [STEED_DTYPE_I16] = {"i16", 2},         [STEED_DTYPE_I32] = {"i32", 4},
    [STEED_DTYPE_I64] = {"i64", 8},         [STEED_DTYPE_U8] = {"u8", 1},
    [STEED_DTYPE_U16] = {"u16", 2},         [STEED_DTYPE_U32] = {"u32", 4},
    [STEED_DTYPE_U64] = {"u64", 8},         [STEED_DTYPE_BOOL] = {"bool", 1},
    [STEED_DTYPE_F8E4M3FN] = {"f8e4m3fn", 1},     [STEED_DTYPE_F8E4M3FNUZ] = {"f8e4m3fnuz", 1},
    [STEED_DTYPE_F8E5M2] = {"f8e5m2", 1},         [STEED_DTYPE_F8E5M2FNUZ] = {"f8e5m2fnuz", 1},
    [STEED_DTYPE_U4] = {"u4", 1},                 [STEED_DTYPE_I4] = {"i4", 1},
    [STEED_DTYPE_F4E2M1] = {"f4e2m1", 1},
};
#define NUM_DTYPES ((int)(sizeof dtype_table / sizeof dtype_table[0]))

const char *steed_dtype_name(steed_dtype dtype) {
  return (int)dtype > 0 && (int)dtype < NUM_DTYPES ? dtype_table[dtype].name : "invalid";
}

size_t steed_dtype_size(steed_dtype dtype) {
  return (int)dtype > 0 && (int)dtype < NUM_DTYPES ? dtype_table[dtype].size : 0;
}

steed_dtype steed_dtype_from_name(const char *name) {
  if (name)
    for (int i = 1; i < NUM_DTYPES; ++i)
      if (strcmp(name, dtype_table[i].name) == 0) return (steed_dtype)i;
  return STEED_DTYPE_INVALID;
}
