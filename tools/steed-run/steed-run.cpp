// steed-run: runs a model compiled by steedc on tensors read from .npy or
// ONNX TensorProto files; prints, saves, checks, or benchmarks the outputs.
//
// Exit status: 0 success, 1 outputs differ from --expected-output,
// 2 usage, input or model errors (one "steed-run: error: ..." line).
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include "steed/steed.h"
#include "tensor_io.h"

using namespace steedrun;

namespace {

const char kUsage[] = R"(usage: steed-run MODEL.so [options]

Runs a model compiled by steedc. Tensor files are .npy (C order) or ONNX
TensorProto (.pb); specs are [NAME=]@FILE, positional ones in model order.
Input shapes come from the files: a model dimension shown as '?' (dynamic)
accepts any size, and outputs take the shapes the run produces.

  --input=[NAME=]@FILE            an input (repeatable)
  --output=[NAME=]@FILE           save an output, .npy or .pb by extension
  --expected-output=[NAME=]@FILE  compare an output like numpy's assert_allclose
  --rtol=X, --atol=X              tolerances (default 1e-3, 1e-7); integer
                                  and bool outputs must match exactly
  --benchmark                     time --runs runs after --warmup runs
  --warmup=N, --runs=N            (default 3 and 20)
  --threads=N                     threads per run, 0 = all cores (default 1)
  --json                          print a JSON report instead of text (with
                                  every timed run's latency in times_ms)
  -h, --help                      show this help

Exit status: 0 ok, 1 outputs differ from the expected ones, 2 error.
)";

// A tensor file for an input or output: by position or by name.
struct FileSpec {
  bool named = false;
  std::string name, path;
};

struct Options {
  std::string model;
  std::vector<FileSpec> inputs, outputs, expected;
  double rtol = 1e-3, atol = 1e-7;
  bool benchmark = false, json = false;
  int warmup = 3, runs = 20, threads = 1;
};

[[noreturn]] void usageError(const std::string &what) {
  throw Error(what + " (see steed-run --help)");
}

FileSpec parseSpec(const std::string &option, const std::string &value) {
  FileSpec spec;
  size_t at = value.find("=@");
  if (!value.empty() && value[0] == '@') {
    spec.path = value.substr(1);
  } else if (at != std::string::npos) {
    spec.named = true;
    spec.name = value.substr(0, at);
    spec.path = value.substr(at + 2);
  } else {
    spec.path = value;
  }
  if (spec.path.empty()) usageError(option + ": expected [NAME=]@FILE, got '" + value + "'");
  return spec;
}

int parseInt(const std::string &option, const std::string &value, int min) {
  char *end = nullptr;
  errno = 0;
  long v = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end || errno || v < min || v > 1000000000)
    usageError(option + ": expected an integer >= " + std::to_string(min) + ", got '" + value + "'");
  return static_cast<int>(v);
}

double parseTolerance(const std::string &option, const std::string &value) {
  char *end = nullptr;
  double v = std::strtod(value.c_str(), &end);
  if (value.empty() || *end || !std::isfinite(v) || v < 0)
    usageError(option + ": expected a non-negative number, got '" + value + "'");
  return v;
}

Options parseArgs(int argc, char **argv) {
  Options opts;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (arg.rfind("-", 0) != 0) {
      if (!opts.model.empty()) usageError("more than one model given: '" + opts.model + "' and '" + arg + "'");
      opts.model = arg;
      continue;
    }
    size_t eq = arg.find('=');
    std::string key = arg.substr(0, eq), value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    bool hasValue = eq != std::string::npos;
    auto needValue = [&] {
      if (!hasValue) usageError(key + " needs a value (" + key + "=...)");
    };
    auto noValue = [&] {
      if (hasValue) usageError(key + " takes no value");
    };
    if (key == "--input") needValue(), opts.inputs.push_back(parseSpec(key, value));
    else if (key == "--output") needValue(), opts.outputs.push_back(parseSpec(key, value));
    else if (key == "--expected-output") needValue(), opts.expected.push_back(parseSpec(key, value));
    else if (key == "--rtol") needValue(), opts.rtol = parseTolerance(key, value);
    else if (key == "--atol") needValue(), opts.atol = parseTolerance(key, value);
    else if (key == "--warmup") needValue(), opts.warmup = parseInt(key, value, 0);
    else if (key == "--runs") needValue(), opts.runs = parseInt(key, value, 1);
    else if (key == "--threads") needValue(), opts.threads = parseInt(key, value, 0);
    else if (key == "--benchmark") noValue(), opts.benchmark = true;
    else if (key == "--json") noValue(), opts.json = true;
    else usageError("unknown option '" + arg + "'");
  }
  if (opts.model.empty()) usageError("no model given; usage: steed-run MODEL.so [options]");
  return opts;
}

// ---- Model helpers ----------------------------------------------------------------

struct ModelDeleter {
  void operator()(steed_model *m) const { steed_model_free(m); }
};
struct ContextDeleter {
  void operator()(steed_context *c) const { steed_context_free(c); }
};

void check(steed_status status, const std::string &context = "") {
  if (status != STEED_OK) throw Error(steed_last_error() + context);
}

const steed_tensor_info &tensorInfo(const steed_model *m, bool input, int32_t i) {
  return *(input ? steed_model_input(m, i) : steed_model_output(m, i));
}

std::vector<int64_t> dimsOf(const steed_tensor_info &info) {
  return std::vector<int64_t>(info.dims, info.dims + info.rank);
}

// The model's shape of a tensor: "2x3", "?x3" where a dim is dynamic (-1).
std::string modelShape(const steed_tensor_info &info) {
  if (info.rank == 0) return "scalar";
  std::string s;
  for (int32_t i = 0; i < info.rank; ++i)
    s += (i ? "x" : "") + (info.dims[i] < 0 ? std::string("?") : std::to_string(info.dims[i]));
  return s;
}

// "[2,3]" ("[]" for a scalar): shapes in --expected-output messages.
std::string bracketShape(const std::vector<int64_t> &dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
  return s + "]";
}

// "2, 3": the elements of a JSON shape array.
std::string jsonDims(const int64_t *dims, size_t rank) {
  std::string s;
  for (size_t k = 0; k < rank; ++k) s += (k ? ", " : "") + std::to_string(dims[k]);
  return s;
}

// "x: f32 2x3, y: f32 2x3", for messages about the model's tensors.
std::string describeTensors(const steed_model *m, bool input) {
  int32_t n = input ? steed_model_num_inputs(m) : steed_model_num_outputs(m);
  std::string s;
  for (int32_t i = 0; i < n; ++i) {
    const steed_tensor_info &t = tensorInfo(m, input, i);
    s += (i ? ", '" : "'") + std::string(t.name) + "' " + steed_dtype_name(t.dtype) + " " + modelShape(t);
  }
  return n ? s : "none";
}

// Maps file specs to model slots: positional specs in model order, named ones
// by name. Returns one (possibly null) spec per model input or output.
std::vector<const FileSpec *> assignSlots(const steed_model *m, bool input, const std::vector<FileSpec> &specs,
                                          const char *option) {
  const char *kind = input ? "input" : "output";
  int32_t count = input ? steed_model_num_inputs(m) : steed_model_num_outputs(m);
  std::vector<const FileSpec *> slots(static_cast<size_t>(count), nullptr);
  int32_t positional = 0;
  for (const FileSpec &spec : specs) {
    int32_t index = spec.named ? (input ? steed_model_find_input(m, spec.name.c_str())
                                        : steed_model_find_output(m, spec.name.c_str()))
                               : positional++;
    if (spec.named && index < 0)
      throw Error(std::string(option) + ": model has no " + kind + " named '" + spec.name + "' (" + kind +
                  "s: " + describeTensors(m, input) + ")");
    if (index >= count)
      throw Error(std::string("too many ") + option + " files: model has " + std::to_string(count) + " " + kind +
                  "(s): " + describeTensors(m, input));
    if (slots[static_cast<size_t>(index)])
      throw Error(std::string(option) + ": " + kind + " '" + tensorInfo(m, input, index).name + "' given twice");
    slots[static_cast<size_t>(index)] = &spec;
  }
  return slots;
}

// ---- Output statistics and comparison ---------------------------------------------

// Compared with tolerances (float8/float4 after converting to float).
bool isFloat(steed_dtype d) {
  switch (d) {
  case STEED_DTYPE_F32: case STEED_DTYPE_F64: case STEED_DTYPE_F16: case STEED_DTYPE_BF16:
  case STEED_DTYPE_F8E4M3FN: case STEED_DTYPE_F8E4M3FNUZ: case STEED_DTYPE_F8E5M2:
  case STEED_DTYPE_F8E5M2FNUZ: case STEED_DTYPE_F4E2M1:
    return true;
  default:
    return false;
  }
}

struct Stats {
  double min = 0, max = 0, mean = 0;
  int64_t nans = 0;
};

Stats summarize(const Tensor &t) {
  Stats s;
  double sum = 0;
  int64_t count = 0;
  for (int64_t i = 0; i < t.numElements(); ++i) {
    double v = t.asDouble(i);
    if (std::isnan(v)) {
      ++s.nans;
      continue;
    }
    s.min = count ? std::min(s.min, v) : v;
    s.max = count ? std::max(s.max, v) : v;
    sum += v, ++count;
  }
  s.mean = count ? sum / static_cast<double>(count) : std::numeric_limits<double>::quiet_NaN();
  if (!count) s.min = s.max = s.mean;
  return s;
}

struct Comparison {
  std::string problem; // dtype or shape mismatch, if any
  int64_t mismatches = 0, worst = -1;
  double maxAbsDiff = 0, maxRelDiff = 0;
  bool ok() const { return problem.empty() && mismatches == 0; }
};

// Like numpy.testing.assert_allclose(got, want, rtol, atol, equal_nan=True):
// shapes first, then dtypes, then |got - want| <= atol + rtol * |want|;
// integer and bool types must be equal.
Comparison compare(const Tensor &got, const Tensor &want, double rtol, double atol) {
  Comparison c;
  if (got.dims() != want.dims())
    c.problem = "shape " + bracketShape(got.dims()) + " expected " + bracketShape(want.dims());
  else if (got.dtype() != want.dtype())
    c.problem = std::string("expected dtype ") + steed_dtype_name(want.dtype()) + ", got " +
                steed_dtype_name(got.dtype());
  if (!c.problem.empty()) return c;
  const bool exact = !isFloat(got.dtype());
  const size_t size = steed_dtype_size(got.dtype());
  const double inf = std::numeric_limits<double>::infinity();
  double worstExcess = -inf;
  for (int64_t i = 0; i < got.numElements(); ++i) {
    double a = got.asDouble(i), e = want.asDouble(i), diff = std::fabs(a - e), excess;
    bool ok;
    if (exact) {
      // 4-bit integers: only the low nibble of each byte is the value.
      bool nibble = got.dtype() == STEED_DTYPE_U4 || got.dtype() == STEED_DTYPE_I4;
      ok = nibble ? a == e : std::memcmp(got.data() + i * size, want.data() + i * size, size) == 0;
      excess = diff;
    } else if (std::isnan(a) || std::isnan(e)) {
      ok = std::isnan(a) && std::isnan(e);
      excess = inf;
    } else if (std::isinf(a) || std::isinf(e)) {
      ok = a == e;
      excess = inf;
    } else {
      ok = diff <= atol + rtol * std::fabs(e);
      excess = diff - (atol + rtol * std::fabs(e));
    }
    if (std::isfinite(diff)) {
      c.maxAbsDiff = std::max(c.maxAbsDiff, diff);
      if (diff > 0) c.maxRelDiff = std::max(c.maxRelDiff, e != 0 ? diff / std::fabs(e) : inf);
    }
    if (!ok && ++c.mismatches && (c.worst < 0 || excess > worstExcess)) c.worst = i, worstExcess = excess;
  }
  return c;
}

// "[1, 2]": the multi-index of flat element `flat`.
std::string indexString(const std::vector<int64_t> &dims, int64_t flat) {
  std::vector<int64_t> index(dims.size());
  for (size_t k = dims.size(); k-- > 0;) index[k] = flat % dims[k], flat /= dims[k];
  std::string s = "[";
  for (size_t k = 0; k < index.size(); ++k) s += (k ? ", " : "") + std::to_string(index[k]);
  return s + "]";
}

std::string mismatchMessage(const Comparison &c, const Tensor &got, const Tensor &want, const Options &opts) {
  if (!c.problem.empty()) return c.problem;
  char tol[96];
  if (isFloat(got.dtype())) std::snprintf(tol, sizeof tol, "rtol=%g, atol=%g", opts.rtol, opts.atol);
  else std::snprintf(tol, sizeof tol, "exact comparison");
  char diffs[96];
  std::snprintf(diffs, sizeof diffs, "max abs diff %g, max rel diff %g", c.maxAbsDiff, c.maxRelDiff);
  return std::to_string(c.mismatches) + " of " + std::to_string(got.numElements()) + " elements differ (" + tol +
         "); worst at " + indexString(got.dims(), c.worst) + ": got " + got.format(c.worst) + ", expected " +
         want.format(c.worst) + " (" + diffs + ")";
}

// ---- Reports ------------------------------------------------------------------

std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\', out += static_cast<char>(ch);
    else if (ch < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", ch);
      out += buf;
    } else out += static_cast<char>(ch);
  }
  return out + "\"";
}

std::string jsonNumber(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string preview(const Tensor &t, int64_t count = 8) {
  std::string s = "[";
  for (int64_t i = 0; i < std::min(count, t.numElements()); ++i) s += (i ? ", " : "") + t.format(i);
  return s + (t.numElements() > count ? ", ...]" : "]");
}

struct Latency {
  double median = 0, min = 0, mean = 0, max = 0;
};

Latency latencyStats(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  Latency l;
  size_t n = ms.size();
  l.median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
  l.min = ms.front(), l.max = ms.back();
  for (double v : ms) l.mean += v / static_cast<double>(n);
  return l;
}

int runTool(const Options &opts) {
  steed_model *rawModel = nullptr;
  check(steed_model_load(opts.model.c_str(), &rawModel));
  std::unique_ptr<steed_model, ModelDeleter> model(rawModel);
  const steed_model *m = model.get();
  const int32_t numInputs = steed_model_num_inputs(m), numOutputs = steed_model_num_outputs(m);

  // Inputs: every model input needs a file whose dtype and shape match (a
  // dynamic model dimension accepts any size: the file's is used).
  std::vector<const FileSpec *> inputSpecs = assignSlots(m, true, opts.inputs, "--input");
  std::vector<Tensor> inputs(static_cast<size_t>(numInputs));
  std::vector<steed_tensor> inputTensors;
  for (int32_t i = 0; i < numInputs; ++i) {
    const FileSpec *spec = inputSpecs[static_cast<size_t>(i)];
    if (!spec)
      throw Error("missing input '" + std::string(tensorInfo(m, true, i).name) + "': model inputs are " +
                  describeTensors(m, true) + ", got " + std::to_string(opts.inputs.size()) + " --input");
    Tensor &t = inputs[static_cast<size_t>(i)] = readTensorFile(spec->path);
    const int32_t rank = static_cast<int32_t>(t.dims().size());
    check(steed_check_input(m, i, t.dtype(), rank, t.dims().data()), " (from '" + spec->path + "')");
    inputTensors.push_back(steed_tensor{t.dtype(), rank, t.dims().data(), t.data(), t.byteSize()});
  }

  // Output files and reference tensors, read before running.
  std::vector<const FileSpec *> outputSpecs = assignSlots(m, false, opts.outputs, "--output");
  std::vector<const FileSpec *> expectedSpecs = assignSlots(m, false, opts.expected, "--expected-output");
  std::vector<Tensor> expected(static_cast<size_t>(numOutputs));
  for (int32_t i = 0; i < numOutputs; ++i)
    if (expectedSpecs[static_cast<size_t>(i)])
      expected[static_cast<size_t>(i)] = readTensorFile(expectedSpecs[static_cast<size_t>(i)]->path);

  // Static outputs are written straight into our tensors; dynamic ones are
  // allocated by the model (owned by the context) and copied after the runs.
  std::vector<Tensor> outputs(static_cast<size_t>(numOutputs));
  std::vector<steed_tensor> outputTensors(static_cast<size_t>(numOutputs), steed_tensor{});
  for (int32_t i = 0; i < numOutputs; ++i) {
    const steed_tensor_info &info = tensorInfo(m, false, i);
    if (info.is_dynamic) continue;
    outputs[static_cast<size_t>(i)] = Tensor(info.dtype, dimsOf(info));
    outputTensors[static_cast<size_t>(i)].data = outputs[static_cast<size_t>(i)].data();
  }

  steed_context_options ctxOptions{};
  ctxOptions.num_threads = opts.threads;
  steed_context *rawCtx = nullptr;
  check(steed_context_create(m, &ctxOptions, &rawCtx));
  std::unique_ptr<steed_context, ContextDeleter> ctx(rawCtx);

  // Run (and time) the model.
  int warmup = opts.benchmark ? opts.warmup : 0, runs = opts.benchmark ? opts.runs : 1;
  std::vector<double> times;
  for (int r = 0; r < warmup + runs; ++r) {
    auto start = std::chrono::steady_clock::now();
    check(steed_run_tensors(ctx.get(), inputTensors.data(), outputTensors.data()));
    std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
    if (r >= warmup) times.push_back(elapsed.count());
  }
  Latency lat = latencyStats(times);
  const int threads = steed_context_num_threads(ctx.get());
  for (int32_t i = 0; i < numOutputs; ++i) {
    const steed_tensor &result = outputTensors[static_cast<size_t>(i)];
    if (!tensorInfo(m, false, i).is_dynamic) continue;
    Tensor &out = outputs[static_cast<size_t>(i)] =
        Tensor(result.dtype, std::vector<int64_t>(result.dims, result.dims + result.rank));
    if (out.byteSize() != result.byte_size)
      throw Error("output '" + std::string(tensorInfo(m, false, i).name) + "': the run returned " +
                  std::to_string(result.byte_size) + " bytes for shape " + shapeString(out.dims()));
    if (result.byte_size) std::memcpy(out.data(), result.data, result.byte_size);
  }

  for (int32_t i = 0; i < numOutputs; ++i)
    if (const FileSpec *spec = outputSpecs[static_cast<size_t>(i)])
      writeTensorFile(spec->path, outputs[static_cast<size_t>(i)], tensorInfo(m, false, i).name);

  // Report.
  bool allMatch = true;
  std::string json = "{\"model\": " + jsonString(opts.model) + ", \"threads\": " + std::to_string(threads) +
                     ", \"warmup\": " + std::to_string(warmup) + ", \"runs\": " + std::to_string(runs) +
                     ", \"median_ms\": " + jsonNumber(lat.median) + ", \"min_ms\": " + jsonNumber(lat.min) +
                     ", \"mean_ms\": " + jsonNumber(lat.mean) + ", \"max_ms\": " + jsonNumber(lat.max) +
                     ", \"times_ms\": [";
  for (size_t k = 0; k < times.size(); ++k) json += (k ? ", " : "") + jsonNumber(times[k]);
  json += "], \"outputs\": [";
  for (int32_t i = 0; i < numOutputs; ++i) {
    const Tensor &out = outputs[static_cast<size_t>(i)];
    const steed_tensor_info &info = tensorInfo(m, false, i);
    const std::string name = info.name;
    Stats st = summarize(out);
    json += std::string(i ? ", " : "") + "{\"name\": " + jsonString(name) + ", \"dtype\": \"" +
            steed_dtype_name(out.dtype()) + "\", \"shape\": [" + jsonDims(out.dims().data(), out.dims().size()) +
            "], \"model_shape\": [" + jsonDims(info.dims, static_cast<size_t>(info.rank)) +
            "], \"min\": " + jsonNumber(st.min) + ", \"max\": " + jsonNumber(st.max) +
            ", \"mean\": " + jsonNumber(st.mean) + ", \"nan_count\": " + std::to_string(st.nans);
    if (!opts.json) {
      // A dynamic output also shows the model's shape: "f32 4x3 (model shape ?x3)".
      std::string shape = shapeString(out.dims());
      if (info.is_dynamic) shape += " (model shape " + modelShape(info) + ")";
      std::printf("output %d '%s': %s %s\n  values: %s\n  min %g, max %g, mean %g%s\n", i, name.c_str(),
                  steed_dtype_name(out.dtype()), shape.c_str(), preview(out).c_str(), st.min, st.max, st.mean,
                  st.nans ? (", " + std::to_string(st.nans) + " NaN").c_str() : "");
    }
    if (expectedSpecs[static_cast<size_t>(i)]) {
      const Tensor &want = expected[static_cast<size_t>(i)];
      Comparison c = compare(out, want, opts.rtol, opts.atol);
      allMatch = allMatch && c.ok();
      json += std::string(", \"match\": ") + (c.ok() ? "true" : "false") +
              ", \"mismatches\": " + std::to_string(c.mismatches) + ", \"max_abs_diff\": " +
              jsonNumber(c.maxAbsDiff) + ", \"max_rel_diff\": " + jsonNumber(c.maxRelDiff);
      if (!c.ok())
        std::fprintf(stderr, "steed-run: mismatch: output '%s': %s\n", name.c_str(),
                     mismatchMessage(c, out, want, opts).c_str());
      else if (!opts.json)
        std::printf("  matches '%s' (max abs diff %g, max rel diff %g)\n",
                    expectedSpecs[static_cast<size_t>(i)]->path.c_str(), c.maxAbsDiff, c.maxRelDiff);
    }
    json += "}";
  }
  json += "]";
  if (!opts.expected.empty()) json += std::string(", \"match\": ") + (allMatch ? "true" : "false");
  json += "}\n";

  if (opts.json) std::fputs(json.c_str(), stdout);
  else if (opts.benchmark)
    std::printf("latency: median %.4f ms, min %.4f ms, mean %.4f ms, max %.4f ms (%d runs after %d warm-up, "
                "%d thread%s)\n",
                lat.median, lat.min, lat.mean, lat.max, runs, warmup, threads, threads == 1 ? "" : "s");
  else std::printf("latency: %.4f ms (1 run, %d thread%s)\n", lat.median, threads, threads == 1 ? "" : "s");
  return allMatch ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  try {
    return runTool(parseArgs(argc, argv));
  } catch (const Error &e) {
    std::fprintf(stderr, "steed-run: error: %s\n", e.what());
    return e.exitCode;
  } catch (const std::bad_alloc &) {
    std::fprintf(stderr, "steed-run: error: out of memory\n");
  } catch (const std::exception &e) {
    std::fprintf(stderr, "steed-run: error: %s\n", e.what());
  }
  return 2;
}
