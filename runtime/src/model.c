/* Loading a compiled model, parsing its steed_model_info, and queries. */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* ---- Model-info parsing ------------------------------------------------- */

/* A token: a run of non-blank characters inside one line (not NUL-terminated). */
typedef struct {
  const char *p;
  size_t n;
} token;

/* Parser state: the text, the current line, and where errors are reported. */
typedef struct {
  const char *origin; /* model path, for messages */
  const char *cur;    /* next unread character of the current line */
  const char *eol;    /* end of the current line */
  int line;           /* 1-based line number */
} parser;

/* Reports "'<origin>': model info line <n>: <message>". */
static steed_status parse_error(const parser *ps, const char *fmt, ...) STEED_PRINTF(2, 3);
static steed_status parse_error(const parser *ps, const char *fmt, ...) {
  char msg[384];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return steed_set_error(STEED_ERROR_INVALID_MODEL, "'%s': model info line %d: %s", ps->origin, ps->line, msg);
}

static bool next_token(parser *ps, token *t) {
  while (ps->cur < ps->eol && (*ps->cur == ' ' || *ps->cur == '\t' || *ps->cur == '\r')) ++ps->cur;
  if (ps->cur == ps->eol) return false;
  t->p = ps->cur;
  while (ps->cur < ps->eol && *ps->cur != ' ' && *ps->cur != '\t' && *ps->cur != '\r') ++ps->cur;
  t->n = (size_t)(ps->cur - t->p);
  return true;
}

static bool token_is(token t, const char *s) { return t.n == strlen(s) && memcmp(t.p, s, t.n) == 0; }

/* Strict decimal integer with optional '-'; false on junk or overflow. */
static bool parse_int(token t, int64_t *out) {
  size_t i = t.n > 0 && t.p[0] == '-' ? 1 : 0;
  if (i == t.n) return false;
  uint64_t v = 0;
  for (; i < t.n; ++i) {
    if (t.p[i] < '0' || t.p[i] > '9') return false;
    v = v * 10 + (uint64_t)(t.p[i] - '0');
    if (v > (uint64_t)INT64_MAX) return false;
  }
  *out = t.p[0] == '-' ? -(int64_t)v : (int64_t)v;
  return true;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* Percent-decodes a name token into a new string ("%" alone is the empty name). */
static steed_status decode_name(const parser *ps, token t, char **out) {
  char *name = malloc(t.n + 1), *w = name;
  if (!name) return steed_set_error(STEED_ERROR_OUT_OF_MEMORY, "out of memory");
  if (!token_is(t, "%")) {
    for (size_t i = 0; i < t.n; ++i) {
      if (t.p[i] != '%') {
        *w++ = t.p[i];
        continue;
      }
      int hi = i + 2 < t.n ? hex_value(t.p[i + 1]) : -1;
      int lo = hi >= 0 ? hex_value(t.p[i + 2]) : -1;
      if (lo < 0 || (hi == 0 && lo == 0)) {
        free(name);
        return parse_error(ps, "bad percent-encoding in name '%.*s'", (int)t.n, t.p);
      }
      *w++ = (char)(hi * 16 + lo);
      i += 2;
    }
  }
  *w = '\0';
  *out = name;
  return STEED_OK;
}

/* Parses "<name> <dtype> <rank> <d0> ... <dN-1>" (after "input"/"output"). */
static steed_status parse_tensor(parser *ps, steed_tensor_info *info) {
  token name, dtype, rank_tok, dim_tok;
  int64_t rank = 0;
  if (!next_token(ps, &name) || !next_token(ps, &dtype) || !next_token(ps, &rank_tok))
    return parse_error(ps, "expected '<name> <dtype> <rank> <dims...>'");
  char dtype_name[16] = ""; /* the longest dtype name, "f8e5m2fnuz", fits */
  if (dtype.n < sizeof dtype_name) memcpy(dtype_name, dtype.p, dtype.n); /* rest stays NUL */
  info->dtype = steed_dtype_from_name(dtype_name);
  if (info->dtype == STEED_DTYPE_INVALID)
    return parse_error(ps, "unknown dtype '%.*s'", (int)dtype.n, dtype.p);
  if (!parse_int(rank_tok, &rank) || rank < 0 || rank > 0xffff)
    return parse_error(ps, "bad rank '%.*s'", (int)rank_tok.n, rank_tok.p);

  int64_t *dims = malloc(sizeof(int64_t) * (size_t)(rank > 0 ? rank : 1));
  if (!dims) return steed_set_error(STEED_ERROR_OUT_OF_MEMORY, "out of memory");
  info->dims = dims;
  info->rank = (int32_t)rank;
  info->element_size = steed_dtype_size(info->dtype);
  info->num_elements = 1;
  for (int64_t i = 0; i < rank; ++i) {
    if (!next_token(ps, &dim_tok))
      return parse_error(ps, "expected %lld dimensions, got %lld", (long long)rank, (long long)i);
    if (!parse_int(dim_tok, &dims[i]) || dims[i] < -1)
      return parse_error(ps, "bad dimension '%.*s'", (int)dim_tok.n, dim_tok.p);
    if (dims[i] == -1) info->is_dynamic = 1;
    else if (__builtin_mul_overflow(info->num_elements, dims[i], &info->num_elements))
      return parse_error(ps, "tensor too large");
  }
  if (next_token(ps, &dim_tok))
    return parse_error(ps, "rank %lld but more dimensions follow", (long long)rank);
  if (__builtin_mul_overflow((size_t)info->num_elements, info->element_size, &info->byte_size))
    return parse_error(ps, "tensor too large");
  if (info->is_dynamic) { /* unknown until a run */
    info->num_elements = -1;
    info->byte_size = 0;
  }
  char *decoded = NULL;
  steed_status st = decode_name(ps, name, &decoded);
  info->name = decoded;
  return st;
}

/* Appends a zeroed entry to a growing tensor array; NULL when out of memory. */
static steed_tensor_info *append_tensor(steed_tensor_info **array, int32_t *count) {
  steed_tensor_info *grown = realloc(*array, sizeof **array * (size_t)(*count + 1));
  if (!grown) return NULL;
  *array = grown;
  memset(&grown[*count], 0, sizeof *grown);
  return &grown[(*count)++];
}

/* Fills model->inputs/outputs from the info text. On failure the caller frees
 * whatever was appended (entries are always left in a freeable state). */
static steed_status parse_model_info(const char *text, const char *origin, steed_model *model) {
  parser ps = {origin, text, text, 0};
  bool seen_header = false;
  for (const char *line = text; *line; line = *ps.eol ? ps.eol + 1 : ps.eol) {
    ps.cur = line;
    ps.eol = strchr(line, '\n');
    if (!ps.eol) ps.eol = line + strlen(line);
    ++ps.line;
    token kw, version;
    if (!next_token(&ps, &kw)) continue; /* blank line */
    if (!seen_header) {
      int64_t v = 0;
      if (!token_is(kw, "steed-model") || !next_token(&ps, &version) || !parse_int(version, &v))
        return parse_error(&ps, "expected header 'steed-model %d'", STEED_KERNEL_ABI_VERSION);
      if (v == 1)
        return parse_error(&ps,
                           "model uses ABI version 1 (built by an older steedc); this runtime needs version %d: "
                           "recompile the model with the current steedc",
                           STEED_KERNEL_ABI_VERSION);
      if (v != STEED_KERNEL_ABI_VERSION)
        return parse_error(&ps, "unsupported ABI version %lld (this runtime reads version %d)", (long long)v,
                           STEED_KERNEL_ABI_VERSION);
      seen_header = true;
      continue;
    }
    bool is_input = token_is(kw, "input");
    if (!is_input && !token_is(kw, "output")) continue; /* unknown line: ignored */
    steed_tensor_info *info = is_input ? append_tensor(&model->inputs, &model->num_inputs)
                                       : append_tensor(&model->outputs, &model->num_outputs);
    if (!info) return steed_set_error(STEED_ERROR_OUT_OF_MEMORY, "out of memory");
    steed_status st = parse_tensor(&ps, info);
    if (st != STEED_OK) return st;
    if (info->is_dynamic) model->is_dynamic = 1;
  }
  if (!seen_header) return steed_set_error(STEED_ERROR_INVALID_MODEL, "'%s': model info is empty", origin);
  return STEED_OK;
}

static void free_tensors(steed_tensor_info *tensors, int32_t count) {
  for (int32_t i = 0; i < count; ++i) {
    free((void *)(uintptr_t)tensors[i].name);
    free((void *)(uintptr_t)tensors[i].dims);
  }
  free(tensors);
}

/* ---- Loading ------------------------------------------------------------- */

void steed_model_free(steed_model *model) {
  if (!model) return;
  free_tensors(model->inputs, model->num_inputs);
  free_tensors(model->outputs, model->num_outputs);
  if (model->handle) dlclose(model->handle);
  free(model);
}

steed_status steed_model_load(const char *path, steed_model **out) {
  if (!out) return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "steed_model_load: out is NULL");
  *out = NULL;
  if (!path) return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "steed_model_load: path is NULL");
  if (access(path, R_OK) != 0)
    return steed_set_error(STEED_ERROR_IO, "cannot open model '%s': %s", path, strerror(errno));

  /* dlopen searches the library path for names without a slash: avoid that. */
  char *local = NULL;
  if (!strchr(path, '/')) {
    local = malloc(strlen(path) + 3);
    if (!local) return steed_set_error(STEED_ERROR_OUT_OF_MEMORY, "out of memory");
    strcpy(local, "./");
    strcat(local, path);
  }
  steed_model *model = calloc(1, sizeof *model);
  if (!model) {
    free(local);
    return steed_set_error(STEED_ERROR_OUT_OF_MEMORY, "out of memory");
  }
  model->handle = dlopen(local ? local : path, RTLD_NOW | RTLD_LOCAL);
  free(local);
  if (!model->handle) {
    steed_status st = steed_set_error(STEED_ERROR_INVALID_MODEL, "cannot load model '%s': %s", path, dlerror());
    steed_model_free(model);
    return st;
  }

  static const char *const symbols[] = {"steed_model_info", "steed_model_arena_size", "steed_model_run"};
  void *addr[3];
  for (int i = 0; i < 3; ++i) {
    addr[i] = dlsym(model->handle, symbols[i]);
    if (!addr[i]) {
      steed_model_free(model);
      return steed_set_error(STEED_ERROR_INVALID_MODEL, "'%s' is not a Steed model: symbol '%s' not found", path,
                             symbols[i]);
    }
  }
  model->arena_size = *(const int64_t *)addr[1];
  memcpy(&model->run, &addr[2], sizeof model->run); /* object -> function pointer (ABI 2 signature) */
  steed_status st = model->arena_size < 0
                        ? steed_set_error(STEED_ERROR_INVALID_MODEL, "'%s': negative steed_model_arena_size %lld",
                                          path, (long long)model->arena_size)
                        : parse_model_info((const char *)addr[0], path, model);
  if (st != STEED_OK) {
    steed_model_free(model);
    return st;
  }
  *out = model;
  return STEED_OK;
}

/* ---- Queries -------------------------------------------------------------- */

int32_t steed_model_num_inputs(const steed_model *model) { return model ? model->num_inputs : 0; }
int32_t steed_model_num_outputs(const steed_model *model) { return model ? model->num_outputs : 0; }
int64_t steed_model_arena_size(const steed_model *model) { return model ? model->arena_size : 0; }
int32_t steed_model_is_dynamic(const steed_model *model) { return model ? model->is_dynamic : 0; }

const steed_tensor_info *steed_model_input(const steed_model *model, int32_t index) {
  return model && index >= 0 && index < model->num_inputs ? &model->inputs[index] : NULL;
}

const steed_tensor_info *steed_model_output(const steed_model *model, int32_t index) {
  return model && index >= 0 && index < model->num_outputs ? &model->outputs[index] : NULL;
}

static int32_t find_tensor(const steed_tensor_info *tensors, int32_t count, const char *name) {
  for (int32_t i = 0; name && i < count; ++i)
    if (strcmp(tensors[i].name, name) == 0) return i;
  return -1;
}

int32_t steed_model_find_input(const steed_model *model, const char *name) {
  return model ? find_tensor(model->inputs, model->num_inputs, name) : -1;
}

int32_t steed_model_find_output(const steed_model *model, const char *name) {
  return model ? find_tensor(model->outputs, model->num_outputs, name) : -1;
}

/* ---- Checking a caller's tensor ------------------------------------------- */

const char *steed_format_shape(char *buf, size_t size, int32_t rank, const int64_t *dims, int model_dims) {
  if (rank == 0) return "scalar";
  size_t used = 0;
  buf[0] = '\0';
  for (int32_t i = 0; i < rank && used < size; ++i) {
    int n = model_dims && dims[i] == -1 ? snprintf(buf + used, size - used, i ? "x?" : "?")
                          : snprintf(buf + used, size - used, i ? "x%lld" : "%lld", (long long)dims[i]);
    used += n > 0 ? (size_t)n : 0;
  }
  if (used >= size) strcpy(buf + size - 4, "...");
  return buf;
}

static steed_status check_tensor(const char *kind, const steed_tensor_info *info, int32_t index,
                                 steed_dtype dtype, int32_t rank, const int64_t *dims) {
  if (!info) return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "%s index %d is out of range", kind, index);
  if (rank < 0 || (rank > 0 && !dims))
    return steed_set_error(STEED_ERROR_INVALID_ARGUMENT, "%s '%s': invalid rank or NULL dims", kind, info->name);
  if (dtype != info->dtype)
    return steed_set_error(STEED_ERROR_DTYPE_MISMATCH, "%s '%s': expected dtype %s, got %s", kind, info->name,
                           steed_dtype_name(info->dtype), steed_dtype_name(dtype));
  bool same = rank == info->rank;
  for (int32_t i = 0; same && i < rank; ++i)
    same = info->dims[i] == -1 ? dims[i] >= 0 : dims[i] == info->dims[i];
  if (!same) {
    char want[160], got[160];
    return steed_set_error(STEED_ERROR_SHAPE_MISMATCH, "%s '%s': expected shape %s, got %s", kind, info->name,
                           steed_format_shape(want, sizeof want, info->rank, info->dims, 1),
                           steed_format_shape(got, sizeof got, rank, dims, 0));
  }
  return STEED_OK;
}

steed_status steed_check_input(const steed_model *model, int32_t index, steed_dtype dtype, int32_t rank,
                               const int64_t *dims) {
  return check_tensor("input", steed_model_input(model, index), index, dtype, rank, dims);
}

steed_status steed_check_output(const steed_model *model, int32_t index, steed_dtype dtype, int32_t rank,
                                const int64_t *dims) {
  return check_tensor("output", steed_model_output(model, index), index, dtype, rank, dims);
}
