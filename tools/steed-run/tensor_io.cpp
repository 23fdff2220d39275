// .npy and ONNX TensorProto reading/writing for steed-run.
#include "tensor_io.h"

#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include <onnx/onnx_pb.h>

namespace steedrun {

// ---- Tensor -----------------------------------------------------------------

size_t Tensor::byteSizeFor(steed_dtype dtype, const std::vector<int64_t> &dims) {
  int64_t elements = 1, limit = std::numeric_limits<int64_t>::max() / 8;
  for (int64_t d : dims) {
    if (d < 0 || (d > 0 && elements > limit / d)) throw Error("invalid or too large shape " + shapeString(dims));
    elements *= d;
  }
  return static_cast<size_t>(elements) * steed_dtype_size(dtype);
}

Tensor::Tensor(steed_dtype dtype, std::vector<int64_t> dims)
    : dtype_(dtype), dims_(std::move(dims)), byteSize_(byteSizeFor(dtype, dims_)) {
  numElements_ = static_cast<int64_t>(byteSize_ / steed_dtype_size(dtype));
  size_t capacity = (byteSize_ + 63) / 64 * 64;
  data_.reset(static_cast<uint8_t *>(std::aligned_alloc(64, capacity ? capacity : 64)));
  if (!data_) throw Error("out of memory allocating " + std::to_string(byteSize_) + " bytes");
  std::memset(data_.get(), 0, byteSize_);
}

static float halfToFloat(uint16_t h) {
  int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  float magnitude = exponent == 0    ? std::ldexp(static_cast<float>(mantissa), -24)
                    : exponent == 31 ? (mantissa ? std::numeric_limits<float>::quiet_NaN()
                                                 : std::numeric_limits<float>::infinity())
                                     : std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
  return (h & 0x8000) ? -magnitude : magnitude;
}

// float8 / float4 codes (the formats of steed.h) to float.
static float narrowToFloat(uint8_t code, steed_dtype dtype) {
  int width = 8, man = 3, bias = 7;
  switch (dtype) {
  case STEED_DTYPE_F8E4M3FN: break;
  case STEED_DTYPE_F8E4M3FNUZ: bias = 8; break;
  case STEED_DTYPE_F8E5M2: man = 2, bias = 15; break;
  case STEED_DTYPE_F8E5M2FNUZ: man = 2, bias = 16; break;
  case STEED_DTYPE_F4E2M1: width = 4, man = 1, bias = 1, code &= 0xF; break;
  default: return 0;
  }
  const float nan = std::numeric_limits<float>::quiet_NaN();
  unsigned signBit = 1u << (width - 1), mag = code & (signBit - 1);
  unsigned exponent = mag >> man, mantissa = mag & ((1u << man) - 1);
  bool negative = code & signBit;
  if ((dtype == STEED_DTYPE_F8E4M3FNUZ || dtype == STEED_DTYPE_F8E5M2FNUZ) && code == 0x80) return nan;
  if (dtype == STEED_DTYPE_F8E4M3FN && mag == 0x7F) return nan;
  if (dtype == STEED_DTYPE_F8E5M2 && exponent == 31)
    return mantissa ? nan : (negative ? -1 : 1) * std::numeric_limits<float>::infinity();
  float magnitude = exponent == 0 ? std::ldexp(static_cast<float>(mantissa), 1 - bias - man)
                                  : std::ldexp(static_cast<float>(mantissa | (1u << man)),
                                               static_cast<int>(exponent) - bias - man);
  return negative ? -magnitude : magnitude;
}

template <typename T> static T load(const uint8_t *base, int64_t i) {
  T value;
  std::memcpy(&value, base + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
  return value;
}

double Tensor::asDouble(int64_t i) const {
  const uint8_t *p = data_.get();
  switch (dtype_) {
  case STEED_DTYPE_F32: return load<float>(p, i);
  case STEED_DTYPE_F64: return load<double>(p, i);
  case STEED_DTYPE_F16: return halfToFloat(load<uint16_t>(p, i));
  case STEED_DTYPE_BF16: {
    uint32_t bits = static_cast<uint32_t>(load<uint16_t>(p, i)) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }
  case STEED_DTYPE_I8: return load<int8_t>(p, i);
  case STEED_DTYPE_I16: return load<int16_t>(p, i);
  case STEED_DTYPE_I32: return load<int32_t>(p, i);
  case STEED_DTYPE_I64: return static_cast<double>(load<int64_t>(p, i));
  case STEED_DTYPE_U8: return load<uint8_t>(p, i);
  case STEED_DTYPE_BOOL: return load<uint8_t>(p, i);
  case STEED_DTYPE_U16: return load<uint16_t>(p, i);
  case STEED_DTYPE_U32: return load<uint32_t>(p, i);
  case STEED_DTYPE_U64: return static_cast<double>(load<uint64_t>(p, i));
  case STEED_DTYPE_F8E4M3FN:
  case STEED_DTYPE_F8E4M3FNUZ:
  case STEED_DTYPE_F8E5M2:
  case STEED_DTYPE_F8E5M2FNUZ:
  case STEED_DTYPE_F4E2M1: return narrowToFloat(load<uint8_t>(p, i), dtype_);
  case STEED_DTYPE_U4: return load<uint8_t>(p, i) & 0xF;
  case STEED_DTYPE_I4: return static_cast<int8_t>(load<uint8_t>(p, i) << 4) >> 4;
  case STEED_DTYPE_INVALID: break;
  }
  return 0;
}

std::string Tensor::format(int64_t i) const {
  char buf[40];
  switch (dtype_) {
  case STEED_DTYPE_I64: std::snprintf(buf, sizeof buf, "%" PRId64, load<int64_t>(data_.get(), i)); break;
  case STEED_DTYPE_U64: std::snprintf(buf, sizeof buf, "%" PRIu64, load<uint64_t>(data_.get(), i)); break;
  case STEED_DTYPE_BOOL: return load<uint8_t>(data_.get(), i) ? "true" : "false";
  case STEED_DTYPE_F64: std::snprintf(buf, sizeof buf, "%.17g", asDouble(i)); break;
  case STEED_DTYPE_F32: std::snprintf(buf, sizeof buf, "%.9g", asDouble(i)); break;
  default: std::snprintf(buf, sizeof buf, "%.6g", asDouble(i)); break; // f16, bf16, small ints
  }
  return buf;
}

std::string shapeString(const std::vector<int64_t> &dims) {
  if (dims.empty()) return "scalar";
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "x" : "") + std::to_string(dims[i]);
  return s;
}

// ---- Files --------------------------------------------------------------------

static std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open '" + path + "': " + std::strerror(errno));
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) throw Error("cannot read '" + path + "'");
  return contents.str();
}

static void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())) || !out.flush())
    throw Error("cannot write '" + path + "': " + std::strerror(errno));
}

// ---- .npy ---------------------------------------------------------------------

static const char kNpyMagic[] = "\x93NUMPY";

// numpy type codes of each dtype, without the byte-order character; bf16,
// which numpy lacks, is written as 2-byte void ("V2", as ml_dtypes does).
static const char *npyCode(steed_dtype dtype) {
  switch (dtype) {
  case STEED_DTYPE_F32: return "f4";
  case STEED_DTYPE_F64: return "f8";
  case STEED_DTYPE_F16: return "f2";
  case STEED_DTYPE_BF16: return "V2";
  case STEED_DTYPE_I8: return "i1";
  case STEED_DTYPE_I16: return "i2";
  case STEED_DTYPE_I32: return "i4";
  case STEED_DTYPE_I64: return "i8";
  case STEED_DTYPE_U8: return "u1";
  case STEED_DTYPE_U16: return "u2";
  case STEED_DTYPE_U32: return "u4";
  case STEED_DTYPE_U64: return "u8";
  case STEED_DTYPE_BOOL: return "b1";
  // One-byte types numpy lacks: 1-byte void, as ml_dtypes writes them (not
  // read back: "V1" does not say which of them it is).
  case STEED_DTYPE_F8E4M3FN:
  case STEED_DTYPE_F8E4M3FNUZ:
  case STEED_DTYPE_F8E5M2:
  case STEED_DTYPE_F8E5M2FNUZ:
  case STEED_DTYPE_U4:
  case STEED_DTYPE_I4:
  case STEED_DTYPE_F4E2M1: return "V1";
  case STEED_DTYPE_INVALID: break;
  }
  return "";
}

// A cursor over the header, a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
struct NpyHeaderParser {
  const std::string &text;
  const std::string &path;
  size_t pos = 0;

  [[noreturn]] void fail(const std::string &what) const {
    throw Error("'" + path + "': malformed .npy header (" + what + "): " + text.substr(0, 120));
  }
  char peek() {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
    return pos < text.size() ? text[pos] : '\0';
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos;
  }
  bool accept(char c) { return peek() == c ? (++pos, true) : false; }
  std::string string() {
    char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a string");
    size_t end = text.find(quote, ++pos);
    if (end == std::string::npos) fail("unterminated string");
    std::string s = text.substr(pos, end - pos);
    pos = end + 1;
    return s;
  }
  bool boolean() {
    peek();
    for (const char *word : {"True", "False"})
      if (text.compare(pos, std::strlen(word), word) == 0) {
        pos += std::strlen(word);
        return word[0] == 'T';
      }
    fail("expected True or False");
  }
  std::vector<int64_t> shape() {
    std::vector<int64_t> dims;
    expect('(');
    while (!accept(')')) {
      peek();
      size_t start = pos;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
      if (start == pos || pos - start > 18) fail("bad dimension in shape");
      dims.push_back(std::stoll(text.substr(start, pos - start)));
      if (!accept(',') && peek() != ')') fail("expected ',' or ')' in shape");
    }
    return dims;
  }
};

static steed_dtype npyDtype(const std::string &descr, const std::string &path) {
  if (descr.size() >= 3 && descr[0] == '>' && descr.substr(2) != "1")
    throw Error("'" + path + "': big-endian .npy data ('" + descr + "') is not supported");
  if (descr.size() >= 3 && std::strchr("<|=>", descr[0]))
    for (int d = STEED_DTYPE_F32; d <= STEED_DTYPE_BOOL; ++d)
      if (descr.compare(1, std::string::npos, npyCode(static_cast<steed_dtype>(d))) == 0)
        return static_cast<steed_dtype>(d);
  throw Error("'" + path + "': unsupported .npy dtype '" + descr + "'");
}

static Tensor parseNpy(const std::string &bytes, const std::string &path) {
  auto u8 = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])); };
  if (bytes.size() < 10) throw Error("'" + path + "': truncated .npy header");
  unsigned major = u8(6);
  if (major < 1 || major > 3) throw Error("'" + path + "': unsupported .npy version " + std::to_string(major));
  size_t lenBytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + lenBytes) throw Error("'" + path + "': truncated .npy header");
  size_t headerLen = u8(8) | u8(9) << 8 | (lenBytes == 4 ? (u8(10) << 16 | u8(11) << 24) : 0);
  size_t dataStart = 8 + lenBytes + headerLen;
  if (dataStart > bytes.size()) throw Error("'" + path + "': truncated .npy header");

  std::string header = bytes.substr(8 + lenBytes, headerLen);
  NpyHeaderParser p{header, path};
  std::string descr;
  std::vector<int64_t> dims;
  bool haveDescr = false, haveShape = false, haveOrder = false, fortran = false;
  p.expect('{');
  while (!p.accept('}')) {
    std::string key = p.string();
    p.expect(':');
    if (key == "descr") {
      if (p.peek() != '\'' && p.peek() != '"')
        throw Error("'" + path + "': structured .npy dtypes are not supported");
      descr = p.string(), haveDescr = true;
    } else if (key == "fortran_order") {
      fortran = p.boolean(), haveOrder = true;
    } else if (key == "shape") {
      dims = p.shape(), haveShape = true;
    } else {
      p.fail("unexpected key '" + key + "'");
    }
    if (!p.accept(',') && p.peek() != '}') p.fail("expected ',' or '}'");
  }
  if (!haveDescr || !haveShape || !haveOrder) p.fail("missing descr, fortran_order or shape");
  steed_dtype dtype = npyDtype(descr, path);
  if (fortran)
    throw Error("'" + path + "': fortran_order arrays are not supported; save a C-ordered array "
                "(numpy.ascontiguousarray)");

  size_t needed = Tensor::byteSizeFor(dtype, dims), available = bytes.size() - dataStart;
  if (available != needed)
    throw Error("'" + path + "': " + (available < needed ? "truncated" : "oversized") + " .npy data: " +
                shapeString(dims) + " " + descr + " needs " + std::to_string(needed) + " bytes, file has " +
                std::to_string(available));
  Tensor tensor(dtype, dims);
  std::memcpy(tensor.data(), bytes.data() + dataStart, tensor.byteSize());
  return tensor;
}

static std::string npyBytes(const Tensor &tensor) {
  std::string shape = "(";
  for (size_t i = 0; i < tensor.dims().size(); ++i) shape += (i ? ", " : "") + std::to_string(tensor.dims()[i]);
  shape += tensor.dims().size() == 1 ? ",)" : ")";
  const char *code = npyCode(tensor.dtype());
  std::string header = std::string("{'descr': '") + (code[1] == '1' ? '|' : '<') + code +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces so that the data starts on a 64-byte boundary; end with '\n'.
  bool v2 = header.size() + 11 + 64 > 65535;
  size_t prefix = v2 ? 12 : 10;
  header.append(63 - (prefix + header.size()) % 64, ' ');
  header += '\n';
  std::string out(kNpyMagic, 6);
  out += v2 ? '\x02' : '\x01';
  out += '\0';
  for (size_t i = 0; i < (v2 ? 4u : 2u); ++i) out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  out += header;
  out.append(reinterpret_cast<const char *>(tensor.data()), tensor.byteSize());
  return out;
}

// ---- ONNX TensorProto -------------------------------------------------------------

static steed_dtype onnxDtype(int type) {
  switch (type) {
  case onnx::TensorProto::FLOAT: return STEED_DTYPE_F32;
  case onnx::TensorProto::DOUBLE: return STEED_DTYPE_F64;
  case onnx::TensorProto::FLOAT16: return STEED_DTYPE_F16;
  case onnx::TensorProto::BFLOAT16: return STEED_DTYPE_BF16;
  case onnx::TensorProto::INT8: return STEED_DTYPE_I8;
  case onnx::TensorProto::INT16: return STEED_DTYPE_I16;
  case onnx::TensorProto::INT32: return STEED_DTYPE_I32;
  case onnx::TensorProto::INT64: return STEED_DTYPE_I64;
  case onnx::TensorProto::UINT8: return STEED_DTYPE_U8;
  case onnx::TensorProto::UINT16: return STEED_DTYPE_U16;
  case onnx::TensorProto::UINT32: return STEED_DTYPE_U32;
  case onnx::TensorProto::UINT64: return STEED_DTYPE_U64;
  case onnx::TensorProto::BOOL: return STEED_DTYPE_BOOL;
  // Newer data types than libonnx 1.12 knows.
  case 17: return STEED_DTYPE_F8E4M3FN;
  case 18: return STEED_DTYPE_F8E4M3FNUZ;
  case 19: return STEED_DTYPE_F8E5M2;
  case 20: return STEED_DTYPE_F8E5M2FNUZ;
  case 21: return STEED_DTYPE_U4;
  case 22: return STEED_DTYPE_I4;
  case 23: return STEED_DTYPE_F4E2M1;
  default: return STEED_DTYPE_INVALID;
  }
}

static bool isFourBit(steed_dtype dtype) {
  return dtype == STEED_DTYPE_U4 || dtype == STEED_DTYPE_I4 || dtype == STEED_DTYPE_F4E2M1;
}

static int onnxType(steed_dtype dtype) {
  for (int t = onnx::TensorProto::DataType_MIN; t <= 23; ++t)
    if (onnxDtype(t) == dtype) return t;
  return onnx::TensorProto::UNDEFINED;
}

// Builds a tensor from a typed repeated field, narrowing each value to the
// element width (e.g. f16 bits and int8 values are stored in int32_data).
template <typename Field>
static Tensor fromTyped(steed_dtype dtype, const std::vector<int64_t> &dims, const Field &values,
                        const char *field, const std::string &path) {
  size_t size = steed_dtype_size(dtype), count = Tensor::byteSizeFor(dtype, dims) / size;
  if (static_cast<size_t>(values.size()) != count)
    throw Error("'" + path + "': expected " + std::to_string(count) + " values in " + field +
                " (or raw_data), got " + std::to_string(values.size()));
  Tensor tensor(dtype, dims);
  for (size_t i = 0; i < count; ++i) {
    auto value = values.Get(static_cast<int>(i)); // float, double or a little-endian integer
    if (sizeof value == size) {
      std::memcpy(tensor.data() + i * size, &value, size);
    } else {
      uint64_t wide = static_cast<uint64_t>(value);
      std::memcpy(tensor.data() + i * size, &wide, size); // low bytes (little-endian host)
    }
  }
  return tensor;
}

static Tensor parseTensorProto(const std::string &bytes, const std::string &path) {
  onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes) || proto.data_type() == onnx::TensorProto::UNDEFINED)
    throw Error("'" + path + "': not a valid .npy file or ONNX TensorProto");
  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    throw Error("'" + path + "': TensorProto with external data is not supported");
  if (proto.has_segment()) throw Error("'" + path + "': segmented TensorProto is not supported");
  steed_dtype dtype = onnxDtype(proto.data_type());
  if (dtype == STEED_DTYPE_INVALID)
    throw Error("'" + path + "': unsupported TensorProto data_type " + std::to_string(proto.data_type()));
  std::vector<int64_t> dims(proto.dims().begin(), proto.dims().end());
  if (isFourBit(dtype)) {
    // Packed two per byte, the first in the low nibble (int32_data: one
    // packed byte per entry); unpacked to one per byte, int4 sign-extended.
    Tensor tensor(dtype, dims);
    size_t count = static_cast<size_t>(tensor.numElements()), packed = (count + 1) / 2;
    std::string bytes;
    if (proto.has_raw_data()) {
      bytes = proto.raw_data();
    } else {
      for (int32_t v : proto.int32_data()) bytes.push_back(static_cast<char>(v & 0xFF));
    }
    if (bytes.size() != packed)
      throw Error("'" + path + "': " + std::to_string(bytes.size()) + " packed bytes of data, " +
                  shapeString(dims) + " " + steed_dtype_name(dtype) + " needs " + std::to_string(packed));
    for (size_t i = 0; i < count; ++i) {
      uint8_t nibble = (static_cast<uint8_t>(bytes[i / 2]) >> (i % 2 ? 4 : 0)) & 0xF;
      if (dtype == STEED_DTYPE_I4 && (nibble & 0x8)) nibble |= 0xF0;
      tensor.data()[i] = nibble;
    }
    return tensor;
  }
  if (proto.has_raw_data()) {
    size_t needed = Tensor::byteSizeFor(dtype, dims);
    if (proto.raw_data().size() != needed)
      throw Error("'" + path + "': raw_data has " + std::to_string(proto.raw_data().size()) + " bytes, " +
                  shapeString(dims) + " " + steed_dtype_name(dtype) + " needs " + std::to_string(needed));
    Tensor tensor(dtype, dims);
    std::memcpy(tensor.data(), proto.raw_data().data(), needed);
    return tensor;
  }
  switch (dtype) {
  case STEED_DTYPE_F32: return fromTyped(dtype, dims, proto.float_data(), "float_data", path);
  case STEED_DTYPE_F64: return fromTyped(dtype, dims, proto.double_data(), "double_data", path);
  case STEED_DTYPE_I64: return fromTyped(dtype, dims, proto.int64_data(), "int64_data", path);
  case STEED_DTYPE_U32:
  case STEED_DTYPE_U64: return fromTyped(dtype, dims, proto.uint64_data(), "uint64_data", path);
  default: return fromTyped(dtype, dims, proto.int32_data(), "int32_data", path); // 8-32 bit, bool, f16, bf16
  }
}

static std::string tensorProtoBytes(const Tensor &tensor, const std::string &name) {
  onnx::TensorProto proto;
  proto.set_name(name);
  proto.set_data_type(onnxType(tensor.dtype()));
  for (int64_t d : tensor.dims()) proto.add_dims(d);
  if (isFourBit(tensor.dtype())) {
    std::string packed((tensor.numElements() + 1) / 2, '\0');
    for (int64_t i = 0; i < tensor.numElements(); ++i)
      packed[i / 2] = static_cast<char>(static_cast<uint8_t>(packed[i / 2]) |
                                        (tensor.data()[i] & 0xF) << (i % 2 ? 4 : 0));
    proto.set_raw_data(packed);
  } else {
    proto.set_raw_data(tensor.data(), tensor.byteSize());
  }
  return proto.SerializeAsString();
}

// ---- Entry points -------------------------------------------------------------------

Tensor readTensorFile(const std::string &path) {
  std::string bytes = readFile(path);
  if (bytes.empty()) throw Error("'" + path + "': empty file");
  if (bytes.compare(0, 6, kNpyMagic, 6) == 0) return parseNpy(bytes, path);
  return parseTensorProto(bytes, path);
}

void writeTensorFile(const std::string &path, const Tensor &tensor, const std::string &name) {
  bool pb = path.size() >= 3 && path.compare(path.size() - 3, 3, ".pb") == 0;
  writeFile(path, pb ? tensorProtoBytes(tensor, name) : npyBytes(tensor));
}

} // namespace steedrun
