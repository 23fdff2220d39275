// Host tensors for steed-run: reading and writing .npy files and ONNX
// TensorProto (.pb) files, and element access for printing and comparing.
#ifndef STEED_RUN_TENSOR_IO_H
#define STEED_RUN_TENSOR_IO_H

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "steed/steed.h"

namespace steedrun {

// An error reported as "steed-run: error: <what>", exiting with `exitCode`.
struct Error : std::runtime_error {
  explicit Error(const std::string &what, int exitCode = 2) : std::runtime_error(what), exitCode(exitCode) {}
  int exitCode;
};

// A dense, row-major tensor in a 64-byte aligned buffer.
class Tensor {
public:
  Tensor() = default;
  // A zero-filled tensor; throws Error if the shape is invalid or too large.
  Tensor(steed_dtype dtype, std::vector<int64_t> dims);

  // Bytes a tensor of this type and shape occupies; throws Error on overflow.
  static size_t byteSizeFor(steed_dtype dtype, const std::vector<int64_t> &dims);

  steed_dtype dtype() const { return dtype_; }
  const std::vector<int64_t> &dims() const { return dims_; }
  int64_t numElements() const { return numElements_; }
  size_t byteSize() const { return byteSize_; }
  uint8_t *data() { return data_.get(); }
  const uint8_t *data() const { return data_.get(); }

  // Element `i` converted to double (exact for all but 64-bit integers).
  double asDouble(int64_t i) const;
  // Element `i` as text: integers exactly, floats with enough digits.
  std::string format(int64_t i) const;

private:
  struct Free {
    void operator()(uint8_t *p) const { std::free(p); }
  };
  steed_dtype dtype_ = STEED_DTYPE_INVALID;
  std::vector<int64_t> dims_;
  int64_t numElements_ = 0;
  size_t byteSize_ = 0;
  std::unique_ptr<uint8_t[], Free> data_;
};

// "2x3" ("scalar" for rank 0), the notation of runtime error messages.
std::string shapeString(const std::vector<int64_t> &dims);

// Reads a .npy or TensorProto file (told apart by the .npy magic bytes).
Tensor readTensorFile(const std::string &path);

// Writes a tensor as TensorProto if `path` ends in ".pb", else as .npy.
void writeTensorFile(const std::string &path, const Tensor &tensor, const std::string &name);

} // namespace steedrun

#endif // STEED_RUN_TENSOR_IO_H
