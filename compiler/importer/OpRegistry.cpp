//===- OpRegistry.cpp - ONNX op handlers keyed by opset -------------------===//
#include "compiler/importer/OpRegistry.h"
#include "dialects/onnx/ONNXOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace steed {

//===----------------------------------------------------------------------===//
// Registry
//===----------------------------------------------------------------------===//

void OpRegistry::add(StringRef domain, StringRef op, int since, OpEntry entry) {
  entry.sinceVersion = since;
  entries[{domain.str(), op.str()}][since] = std::move(entry);
}

const OpRegistry &OpRegistry::get() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    registerTensorOps(r);
    registerElementwiseOps(r);
    registerMatmulConvOps(r);
    registerReductionOps(r);
    registerNormalizationOps(r);
    registerPoolingOps(r);
    registerDataMovementOps(r);
    registerAttentionOps(r);
    registerComposedOps(r);
    registerEinsumOps(r);
    registerRecurrentOps(r);
    registerFlexAttentionOps(r);
    registerSignalOps(r);
    registerSamplingOps(r);
    registerQuantizationOps(r);
    registerControlFlowOps(r);
    registerSelectionOps(r);
    return r;
  }();
  return registry;
}

const OpEntry *OpRegistry::lookup(StringRef domain, StringRef op, int64_t opset,
                                  int *minSince) const {
  *minSince = 0;
  auto it = entries.find({domain.str(), op.str()});
  if (it == entries.end() || it->second.empty())
    return nullptr;
  *minSince = it->second.begin()->first;
  auto v = it->second.upper_bound((int)opset);
  if (v == it->second.begin())
    return nullptr;
  return &std::prev(v)->second;
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

Type convertElementType(int t, MLIRContext *ctx) {
  Builder b(ctx);
  switch (t) {
  case ::onnx::TensorProto::FLOAT: return b.getF32Type();
  case ::onnx::TensorProto::DOUBLE: return b.getF64Type();
  case ::onnx::TensorProto::FLOAT16: return b.getF16Type();
  case ::onnx::TensorProto::BFLOAT16: return b.getBF16Type();
  case ::onnx::TensorProto::INT8: return b.getIntegerType(8);
  case ::onnx::TensorProto::INT16: return b.getIntegerType(16);
  case ::onnx::TensorProto::INT32: return b.getIntegerType(32);
  case ::onnx::TensorProto::INT64: return b.getIntegerType(64);
  case ::onnx::TensorProto::UINT8: return b.getIntegerType(8, false);
  case ::onnx::TensorProto::UINT16: return b.getIntegerType(16, false);
  case ::onnx::TensorProto::UINT32: return b.getIntegerType(32, false);
  case ::onnx::TensorProto::UINT64: return b.getIntegerType(64, false);
  case ::onnx::TensorProto::BOOL: return b.getI1Type();
  // Newer data types (libonnx 1.12 predates them): plain numbers.
  case kFloat8E4M3FN: return Float8E4M3FNType::get(ctx);
  case kFloat8E4M3FNUZ: return Float8E4M3FNUZType::get(ctx);
  case kFloat8E5M2: return Float8E5M2Type::get(ctx);
  case kFloat8E5M2FNUZ: return Float8E5M2FNUZType::get(ctx);
  case kUInt4: return b.getIntegerType(4, false);
  case kInt4: return b.getIntegerType(4);
  case kFloat4E2M1: return Float4E2M1FNType::get(ctx);
  default: return {};
  }
}

std::string dataTypeName(int t) {
  switch (t) {
  case kFloat8E4M3FN: return "FLOAT8E4M3FN";
  case kFloat8E4M3FNUZ: return "FLOAT8E4M3FNUZ";
  case kFloat8E5M2: return "FLOAT8E5M2";
  case kFloat8E5M2FNUZ: return "FLOAT8E5M2FNUZ";
  case kUInt4: return "UINT4";
  case kInt4: return "INT4";
  case kFloat4E2M1: return "FLOAT4E2M1";
  default: break;
  }
  if (::onnx::TensorProto::DataType_IsValid(t))
    return ::onnx::TensorProto::DataType_Name((::onnx::TensorProto::DataType)t);
  return std::to_string(t);
}

/// Storage bytes of one element as laid out in raw_data (bool: 1 byte;
/// 4-bit types are packed two per byte and handled separately).
static unsigned storageBytes(Type t) {
  return t.isInteger(1) ? 1 : t.getIntOrFloatBitWidth() / 8;
}

/// 4-bit tensors (INT4, UINT4, FLOAT4E2M1): ONNX packs two elements per
/// byte, the first in the low nibble; int32_data holds one packed byte per
/// entry. The attribute holds one element per value.
static FailureOr<ElementsAttr> convert4BitTensor(const ::onnx::TensorProto &tensor,
                                                 const std::string *raw, RankedTensorType type,
                                                 int64_t count, Location loc) {
  size_t packedBytes = (count + 1) / 2;
  std::string bytes;
  if (raw) {
    bytes = *raw;
  } else {
    if ((size_t)tensor.int32_data_size() != packedBytes)
      return emitError(loc) << "tensor '" << tensor.name() << "' holds "
                            << tensor.int32_data_size() << " packed values in int32_data, expected "
                            << packedBytes << " for " << type,
             failure();
    for (int32_t v : tensor.int32_data())
      bytes.push_back((char)(v & 0xFF));
  }
  if (bytes.size() != packedBytes)
    return emitError(loc) << "tensor '" << tensor.name() << "' has " << bytes.size()
                          << " bytes of data, expected " << packedBytes << " for " << type,
           failure();
  Type elementType = type.getElementType();
  SmallVector<APInt> codes;
  for (int64_t i = 0; i < count; ++i) {
    uint8_t byte = (uint8_t)bytes[i / 2];
    codes.push_back(APInt(4, i % 2 ? byte >> 4 : byte & 0xF));
  }
  if (auto f = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> values;
    for (const APInt &c : codes)
      values.push_back(APFloat(f.getFloatSemantics(), c));
    return cast<ElementsAttr>(DenseElementsAttr::get(type, values));
  }
  return cast<ElementsAttr>(DenseElementsAttr::get(type, codes));
}

FailureOr<ElementsAttr> convertTensor(const ::onnx::TensorProto &tensor,
                                      MLIRContext *ctx, StringRef baseDir,
                                      Location loc) {
  Type elementType = convertElementType(tensor.data_type(), ctx);
  if (!elementType)
    return emitError(loc) << "tensor '" << tensor.name() << "' has unsupported element type "
                          << dataTypeName(tensor.data_type()),
           failure();
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return emitError(loc) << "tensor '" << tensor.name() << "' has negative dimension " << d,
             failure();
    count *= d;
  }
  auto type = RankedTensorType::get(shape, elementType);
  bool fourBit = elementType.getIntOrFloatBitWidth() == 4;
  size_t elemBytes = fourBit ? 1 : storageBytes(elementType);
  size_t byteSize = count * elemBytes;

  // Gather the little-endian element storage.
  std::string external;
  const std::string *raw = nullptr;
  if (tensor.data_location() == ::onnx::TensorProto::EXTERNAL) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto &kv : tensor.external_data()) {
      if (kv.key() == "location")
        location = kv.value();
      else if (kv.key() == "offset")
        offset = std::stoll(kv.value());
      else if (kv.key() == "length")
        length = std::stoll(kv.value());
    }
    SmallString<256> path(baseDir);
    llvm::sys::path::append(path, location);
    auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
    if (!file)
      return emitError(loc) << "cannot read external data '" << path << "' of tensor '"
                            << tensor.name() << "': " << file.getError().message(),
             failure();
    if (length < 0)
      length = (*file)->getBufferSize() - offset;
    if (offset < 0 || offset + length > (int64_t)(*file)->getBufferSize())
      return emitError(loc) << "external data of tensor '" << tensor.name()
                            << "' lies outside '" << path << "'",
             failure();
    external.assign((*file)->getBufferStart() + offset, length);
    raw = &external;
  } else if (tensor.has_raw_data()) {
    raw = &tensor.raw_data();
  }

  if (fourBit)
    return convert4BitTensor(tensor, raw, type, count, loc);

  std::string bytes;
  if (raw) {
    bytes = *raw;
  } else {
    bytes.resize(byteSize);
    char *out = bytes.data();
    auto put = [&](auto values, auto convert) -> bool {
      if ((int64_t)values.size() != count)
        return false;
      for (int64_t i = 0; i < count; ++i) {
        auto v = convert(values[i]);
        memcpy(out + i * elemBytes, &v, elemBytes);
      }
      return true;
    };
    bool ok = true;
    switch (tensor.data_type()) {
    case ::onnx::TensorProto::FLOAT:
      ok = put(tensor.float_data(), [](float v) { return v; });
      break;
    case ::onnx::TensorProto::DOUBLE:
      ok = put(tensor.double_data(), [](double v) { return v; });
      break;
    case ::onnx::TensorProto::INT64:
      ok = put(tensor.int64_data(), [](int64_t v) { return v; });
      break;
    case ::onnx::TensorProto::UINT32:
    case ::onnx::TensorProto::UINT64:
      ok = put(tensor.uint64_data(), [](uint64_t v) { return v; });
      break;
    default: // int32_data holds every narrower type, bit-packed per element.
      ok = put(tensor.int32_data(), [](int32_t v) { return v; });
      break;
    }
    if (!ok)
      return emitError(loc) << "tensor '" << tensor.name() << "' holds the wrong number of values for shape "
                            << type,
             failure();
  }
  if (bytes.size() != byteSize)
    return emitError(loc) << "tensor '" << tensor.name() << "' has " << bytes.size()
                          << " bytes of data, expected " << byteSize << " for " << type,
           failure();

  if (elementType.isInteger(1)) {
    SmallVector<bool> values(bytes.begin(), bytes.end());
    return cast<ElementsAttr>(DenseElementsAttr::get(type, values));
  }
  // Small tensors stay dense so that folding and shape inference can read
  // them; weights become one resource blob each.
  if (count <= 64 || elementType.isInteger(64))
    if (count <= 4096)
      return cast<ElementsAttr>(
          DenseElementsAttr::getFromRawBuffer(type, ArrayRef<char>(bytes.data(), bytes.size())));
  auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      ArrayRef<char>(bytes.data(), bytes.size()), alignof(std::max_align_t));
  std::string name = tensor.name().empty() ? "tensor" : tensor.name();
  return cast<ElementsAttr>(DenseResourceElementsAttr::get(type, name, std::move(blob)));
}

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

Value NodeImporter::none() {
  return onnx::NoneOp::create(builder, loc, builder.getNoneType());
}

Value NodeImporter::input(unsigned i) { return i < inputs.size() ? inputs[i] : none(); }

Value NodeImporter::constI64(ArrayRef<int64_t> values, bool scalar) {
  auto type = RankedTensorType::get(scalar ? ArrayRef<int64_t>{} : ArrayRef<int64_t>{(int64_t)values.size()},
                                    builder.getI64Type());
  return onnx::ConstantOp::create(builder, loc, DenseElementsAttr::get(type, values));
}

Value NodeImporter::constF32(float value) {
  auto type = RankedTensorType::get({}, builder.getF32Type());
  return onnx::ConstantOp::create(builder, loc, DenseElementsAttr::get(type, value));
}

const ::onnx::AttributeProto *NodeImporter::attr(StringRef name) const {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

std::optional<int64_t> NodeImporter::intAttr(StringRef name) const {
  if (auto *a = attr(name))
    return a->i();
  return std::nullopt;
}

std::optional<float> NodeImporter::floatAttr(StringRef name) const {
  if (auto *a = attr(name))
    return a->f();
  return std::nullopt;
}

std::optional<SmallVector<int64_t>> NodeImporter::intsAttr(StringRef name) const {
  if (auto *a = attr(name))
    return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
  return std::nullopt;
}

FailureOr<SmallVector<NamedAttribute>>
NodeImporter::convertAttributes(StringRef opName, ArrayRef<StringRef> skip) {
  MLIRContext *ctx = builder.getContext();
  std::optional<RegisteredOperationName> info =
      RegisteredOperationName::lookup(opName, ctx);
  SmallVector<NamedAttribute> out;
  for (const auto &a : node.attribute()) {
    if (llvm::is_contained(skip, a.name()))
      continue;
    StringAttr name = builder.getStringAttr(a.name());
    // Only attributes the op declares; legacy ones (consumed_inputs, ...)
    // carry no meaning in the current form.
    if (info && !llvm::is_contained(info->getAttributeNames(), name))
      continue;
    Attribute value;
    switch (a.type()) {
    case ::onnx::AttributeProto::INT: value = builder.getI64IntegerAttr(a.i()); break;
    case ::onnx::AttributeProto::FLOAT: value = builder.getF32FloatAttr(a.f()); break;
    case ::onnx::AttributeProto::STRING: value = builder.getStringAttr(a.s()); break;
    case ::onnx::AttributeProto::INTS:
      value = builder.getDenseI64ArrayAttr(
          SmallVector<int64_t>(a.ints().begin(), a.ints().end()));
      break;
    case ::onnx::AttributeProto::FLOATS:
      value = builder.getDenseF32ArrayAttr(
          SmallVector<float>(a.floats().begin(), a.floats().end()));
      break;
    case ::onnx::AttributeProto::STRINGS: {
      SmallVector<StringRef> strs(a.strings().begin(), a.strings().end());
      value = builder.getStrArrayAttr(strs);
      break;
    }
    case ::onnx::AttributeProto::TENSOR: {
      auto t = convertTensor(a.t(), ctx, "", loc);
      if (failed(t))
        return failure();
      value = *t;
      break;
    }
    default:
      return emitError() << "attribute '" << a.name() << "' of "
                         << ::onnx::AttributeProto::AttributeType_Name(a.type())
                         << " type is not supported",
             failure();
    }
    out.push_back(NamedAttribute(name, value));
  }
  return out;
}

FailureOr<SmallVector<Value>>
NodeImporter::createOp(StringRef opType, ArrayRef<Value> operands,
                       ArrayRef<NamedAttribute> attributes, unsigned numResults) {
  std::string opName = ("onnx." + opType).str();
  OperationState state(loc, opName);
  state.addOperands(operands);
  state.addAttributes(attributes);
  Type placeholder = UnrankedTensorType::get(builder.getF32Type());
  state.addTypes(SmallVector<Type>(numResults, placeholder));
  Operation *op = builder.create(state);
  auto infer = dyn_cast<onnx::InferShapesOpInterface>(op);
  if (!infer)
    return op->emitError("'") << opName << "' does not infer its result types", failure();
  if (failed(infer.inferShapes()))
    return failure();
  return foldImportedOp(builder, op);
}

FailureOr<Value> NodeImporter::createOne(StringRef opType, ArrayRef<Value> operands,
                                         ArrayRef<NamedAttribute> attributes) {
  auto results = createOp(opType, operands, attributes, 1);
  if (failed(results))
    return failure();
  return (*results)[0];
}

FailureOr<SmallVector<Value>> NodeImporter::importGeneric() {
  SmallVector<Value> operands(inputs);
  if (entry.numInputs >= 0) {
    if ((int)operands.size() > entry.numInputs)
      return emitError() << node.op_type() << " takes at most " << entry.numInputs
                         << " inputs, got " << operands.size(),
             failure();
    while ((int)operands.size() < entry.numInputs)
      operands.push_back(none());
  }
  std::string opName = "onnx." + node.op_type();
  auto attrs = convertAttributes(opName);
  if (failed(attrs))
    return failure();
  return createOp(node.op_type(), operands, *attrs, entry.numOutputs);
}

FailureOr<SmallVector<Value>>
NodeImporter::importWithAttrAsInput(StringRef attrName, unsigned inputIndex) {
  if (auto values = intsAttr(attrName)) {
    while (inputs.size() < inputIndex)
      inputs.push_back(none());
    inputs.insert(inputs.begin() + inputIndex, constI64(*values));
  }
  return importGeneric();
}

//===----------------------------------------------------------------------===//
// Import-time folding
//===----------------------------------------------------------------------===//

SmallVector<Value> foldImportedOp(OpBuilder &builder, Operation *op) {
  SmallVector<Value> folded;
  if (succeeded(builder.tryFold(op, folded)) && !folded.empty()) {
    op->erase();
    return folded;
  }
  return SmallVector<Value>(op->getResults());
}

} // namespace steed
