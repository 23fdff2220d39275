//===- Importer.cpp - ONNX model to the onnx dialect ----------------------===//
#include "compiler/importer/Importer.h"
#include "compiler/importer/Functions.h"
#include "compiler/importer/OpRegistry.h"
#include "dialects/onnx/ONNXOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <google/protobuf/io/coded_stream.h>

using namespace mlir;

namespace steed {
namespace {

class GraphImporter {
public:
  GraphImporter(MLIRContext &ctx, StringRef modelPath, const ImportOptions &options)
      : ctx(ctx), builder(&ctx), options(options),
        baseDir(llvm::sys::path::parent_path(modelPath).str()),
        fileLoc(FileLineColLoc::get(&ctx, modelPath, 0, 0)) {}

  OwningOpRef<ModuleOp> importModel(const ::onnx::ModelProto &model);

private:
  LogicalResult importGraph(const ::onnx::GraphProto &graph, func::FuncOp func);
  FailureOr<Type> convertValueType(const ::onnx::ValueInfoProto &info);
  LogicalResult importNode(const ::onnx::NodeProto &node, unsigned index);
  /// Imports `node` by expanding the body of `fn` (Functions.h).
  LogicalResult importFunctionCall(const ::onnx::NodeProto &node, unsigned index,
                                   Location loc, const FunctionDef &fn);
  LogicalResult importSubgraph(const ::onnx::GraphProto &graph, Region &region,
                               ArrayRef<Type> argTypes, Location parentLoc);
  Location nodeLoc(const ::onnx::NodeProto &node, unsigned index) {
    std::string name = node.name().empty()
                           ? scopePrefix + node.op_type() + "#" + std::to_string(index)
                           : node.name();
    return NameLoc::get(builder.getStringAttr(name), fileLoc);
  }

  MLIRContext &ctx;
  OpBuilder builder;
  const ImportOptions &options;
  std::string baseDir;
  Location fileLoc;
  llvm::StringMap<int64_t> opsets;
  llvm::StringMap<Value> values;
  /// Model-local functions by (domain, name); functions being expanded (a
  /// recursion guard); instances expanded so far (unique value prefixes).
  std::map<std::pair<std::string, std::string>, FunctionDef> localFunctions;
  SmallVector<std::pair<std::string, std::string>> expanding;
  unsigned numInlined = 0;
  /// Prefix of unnamed nodes' locations inside subgraphs ("Loop#3/").
  std::string scopePrefix;
};

} // namespace

FailureOr<Type> GraphImporter::convertValueType(const ::onnx::ValueInfoProto &info) {
  Location loc = NameLoc::get(builder.getStringAttr(info.name()), fileLoc);
  if (!info.type().has_tensor_type())
    return emitError(loc) << "value '" << info.name()
                          << "' is not a tensor (sequences, maps and optionals are not supported)",
           failure();
  const auto &tt = info.type().tensor_type();
  Type elementType = convertElementType(tt.elem_type(), &ctx);
  if (!elementType) {
    return emitError(loc) << "value '" << info.name()
                          << "' has unsupported element type " << dataTypeName(tt.elem_type()),
           failure();
  }
  auto pinned = options.inputShapes.find(info.name());
  if (pinned != options.inputShapes.end()) {
    if (tt.has_shape() && tt.shape().dim_size() != (int)pinned->second.size())
      return emitError(loc) << "--input-shape for '" << info.name() << "' has rank "
                            << pinned->second.size() << " but the model says "
                            << tt.shape().dim_size(),
             failure();
    return Type(RankedTensorType::get(pinned->second, elementType));
  }
  if (!tt.has_shape())
    return Type(UnrankedTensorType::get(elementType));
  SmallVector<int64_t> shape;
  for (const auto &d : tt.shape().dim())
    shape.push_back(d.has_dim_value() && d.dim_value() >= 0 ? d.dim_value()
                                                              : ShapedType::kDynamic);
  return Type(RankedTensorType::get(shape, elementType));
}

LogicalResult GraphImporter::importNode(const ::onnx::NodeProto &node, unsigned index) {
  Location loc = nodeLoc(node, index);
  std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
  // A model-local function defines what its (domain, name) means.
  auto fnIt = localFunctions.find({domain, node.op_type()});
  if (fnIt != localFunctions.end())
    return importFunctionCall(node, index, loc, fnIt->second);
  auto opsetIt = opsets.find(domain);
  if (opsetIt == opsets.end())
    return emitError(loc) << "node uses domain '" << node.domain()
                          << "' which the model does not import";
  int64_t opset = opsetIt->second;
  std::string domainName = domain.empty() ? "ai.onnx" : domain;

  int minSince = 0;
  const OpEntry *entry = OpRegistry::get().lookup(domain, node.op_type(), opset, &minSince);
  if (!entry) {
    // No Steed entry: an op that the ONNX schema defines by a function body
    // is expanded (NegativeLogLikelihoodLoss, HannWindow, ...).
    SmallVector<Type> inputTypes;
    for (const std::string &name : node.input()) {
      auto it = values.find(name);
      inputTypes.push_back(it == values.end() ? Type() : it->second.getType());
    }
    std::string error;
    if (auto fn = schemaFunction(domain, node.op_type(), opset, node, inputTypes, error))
      return importFunctionCall(node, index, loc, *fn);
    if (!error.empty())
      return emitError(loc) << "operator " << node.op_type() << " (domain '" << domainName
                            << "', opset " << opset << "): " << error;
    if (minSince)
      return emitError(loc) << "operator " << node.op_type() << " (domain '" << domainName
                            << "', opset " << opset << ") is supported from opset "
                            << minSince << " only";
    return emitError(loc) << "unsupported operator " << node.op_type() << " (domain '"
                          << domainName << "', opset " << opset << ")";
  }

  SmallVector<Value> inputs;
  for (const std::string &name : node.input()) {
    if (name.empty()) {
      inputs.push_back(onnx::NoneOp::create(builder, loc, builder.getNoneType()));
      continue;
    }
    auto it = values.find(name);
    if (it == values.end())
      return emitError(loc) << node.op_type() << " input '" << name
                            << "' is not produced by any earlier node, initializer or graph input";
    inputs.push_back(it->second);
  }
  // Trailing missing inputs are not listed; keep only what the node gave.
  NodeImporter importer(builder, loc, node, opset, std::move(inputs), *entry);
  importer.importSubgraph = [this, loc](const ::onnx::GraphProto &graph, Region &region,
                                        ArrayRef<Type> argTypes) {
    return importSubgraph(graph, region, argTypes, loc);
  };
  FailureOr<SmallVector<Value>> results =
      entry->handler ? entry->handler(importer) : importer.importGeneric();
  if (failed(results))
    return failure();
  if ((size_t)node.output_size() > results->size())
    return emitError(loc) << node.op_type() << " output #" << results->size() << " ('"
                          << node.output(results->size()) << "') is not supported";
  for (int i = 0; i < node.output_size(); ++i)
    if (!node.output(i).empty())
      values[node.output(i)] = (*results)[i];
  return success();
}

LogicalResult GraphImporter::importFunctionCall(const ::onnx::NodeProto &node,
                                              unsigned index, Location loc,
                                              const FunctionDef &fn) {
  std::pair<std::string, std::string> key{
      fn.proto.domain() == "ai.onnx" ? "" : fn.proto.domain(), fn.proto.name()};
  std::string fnName = key.first.empty() ? key.second : key.first + "." + key.second;
  if (llvm::is_contained(expanding, key))
    return emitError(loc) << "function " << fnName
                          << " calls itself (recursive functions cannot be expanded)";
  if (expanding.size() >= 64)
    return emitError(loc) << "function " << fnName
                          << " is nested more than 64 function calls deep";
  std::string callName = node.name().empty()
                             ? node.op_type() + "#" + std::to_string(index)
                             : node.name();
  std::string prefix = "__steed_fn" + std::to_string(numInlined++) + "/";
  FailureOr<InlinedBody> body = instantiateFunction(fn, node, prefix, callName, loc);
  if (failed(body))
    return failure();
  // The body runs under the function's opset_import; domains it does not
  // list keep the caller's version.
  llvm::StringMap<int64_t> callerOpsets = opsets;
  for (const auto &entry : body->opsets)
    opsets[entry.getKey()] = entry.getValue();
  expanding.push_back(key);
  LogicalResult result = success();
  for (auto [i, inner] : llvm::enumerate(body->nodes))
    if (failed(importNode(inner, i))) {
      result = failure();
      break;
    }
  expanding.pop_back();
  opsets = std::move(callerOpsets);
  return result;
}

LogicalResult GraphImporter::importGraph(const ::onnx::GraphProto &graph, func::FuncOp func) {
  Block *block = func.addEntryBlock();
  builder.setInsertionPointToStart(block);

  for (const auto &init : graph.initializer()) {
    Location loc = NameLoc::get(builder.getStringAttr(init.name()), fileLoc);
    auto attr = convertTensor(init, &ctx, baseDir, loc);
    if (failed(attr))
      return failure();
    values[init.name()] = onnx::ConstantOp::create(builder, loc, *attr);
  }
  unsigned argIndex = 0;
  for (const auto &input : graph.input()) {
    if (values.count(input.name()))
      continue; // IR < 4: initializers are listed as inputs too.
    values[input.name()] = block->getArgument(argIndex++);
  }
  for (auto [i, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, i)))
      return failure();

  SmallVector<Value> results;
  for (const auto &output : graph.output()) {
    auto it = values.find(output.name());
    if (it == values.end())
      return emitError(NameLoc::get(builder.getStringAttr(output.name()), fileLoc))
             << "graph output '" << output.name() << "' is never produced";
    results.push_back(it->second);
  }
  func::ReturnOp::create(builder, fileLoc, results);
  func.setType(builder.getFunctionType(block->getArgumentTypes(),
                                       ValueRange(results).getTypes()));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "onnx.name", builder.getStringAttr(output.name()));
  return success();
}

LogicalResult GraphImporter::importSubgraph(const ::onnx::GraphProto &graph, Region &region,
                                            ArrayRef<Type> argTypes, Location parentLoc) {
  if ((size_t)graph.input_size() != argTypes.size())
    return emitError(parentLoc) << "subgraph '" << graph.name() << "' has "
                                << graph.input_size() << " inputs, expected "
                                << argTypes.size();
  Block *block = new Block();
  region.push_back(block);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(block);
  // Names of the enclosing graphs stay visible (implicit capture); the
  // subgraph's own names shadow them until it ends.
  llvm::StringMap<Value> outer = values;
  std::string outerPrefix = scopePrefix;
  auto restore = llvm::make_scope_exit([&] {
    values = std::move(outer);
    scopePrefix = outerPrefix;
  });
  if (auto name = dyn_cast<NameLoc>(parentLoc))
    scopePrefix = name.getName().str() + "/";

  for (auto [input, type] : llvm::zip(graph.input(), argTypes))
    values[input.name()] =
        block->addArgument(type, NameLoc::get(builder.getStringAttr(input.name()), fileLoc));
  for (const auto &init : graph.initializer()) {
    Location loc = NameLoc::get(builder.getStringAttr(init.name()), fileLoc);
    auto attr = convertTensor(init, &ctx, baseDir, loc);
    if (failed(attr))
      return failure();
    values[init.name()] = onnx::ConstantOp::create(builder, loc, *attr);
  }
  for (auto [i, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, i)))
      return failure();
  SmallVector<Value> results;
  for (const auto &output : graph.output()) {
    auto it = values.find(output.name());
    if (it == values.end())
      return emitError(parentLoc) << "subgraph output '" << output.name()
                                  << "' is never produced";
    results.push_back(it->second);
  }
  onnx::YieldOp::create(builder, parentLoc, results);
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::importModel(const ::onnx::ModelProto &model) {
  for (const auto &opset : model.opset_import())
    opsets[opset.domain() == "ai.onnx" ? "" : opset.domain()] = opset.version();
  if (!opsets.count(""))
    opsets[""] = model.ir_version() < 3 ? 1 : 1; // No opset_import: opset 1.
  for (const auto &fn : model.functions())
    localFunctions[{fn.domain() == "ai.onnx" ? "" : fn.domain(), fn.name()}] =
        makeLocalFunction(fn);
  const ::onnx::GraphProto &graph = model.graph();

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());
  module->getOperation()->setAttr("onnx.opset", builder.getI64IntegerAttr(opsets[""]));

  // Graph inputs that are not initializers become function arguments.
  llvm::StringSet<> initNames;
  for (const auto &init : graph.initializer())
    initNames.insert(init.name());
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  for (const auto &input : graph.input()) {
    if (initNames.contains(input.name()))
      continue;
    auto type = convertValueType(input);
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
    argNames.push_back(input.name());
  }
  for (const auto &entry : options.inputShapes)
    if (!llvm::is_contained(argNames, entry.getKey().str())) {
      emitError(fileLoc) << "--input-shape names '" << entry.getKey()
                         << "', which is not a graph input";
      return nullptr;
    }

  auto func = func::FuncOp::create(builder, fileLoc, "main_graph",
                                   builder.getFunctionType(argTypes, {}));
  for (auto [i, name] : llvm::enumerate(argNames))
    func.setArgAttr(i, "onnx.name", builder.getStringAttr(name));
  OpBuilder::InsertionGuard guard(builder);
  if (failed(importGraph(graph, func)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> importONNXModel(StringRef path, MLIRContext &context,
                                      const ImportOptions &options) {
  context.loadDialect<onnx::ONNXDialect, func::FuncDialect>();
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!file) {
    emitError(fileLoc) << "cannot read '" << path << "': " << file.getError().message();
    return nullptr;
  }
  ::onnx::ModelProto model;
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>((*file)->getBufferStart()),
      (int)(*file)->getBufferSize());
  stream.SetTotalBytesLimit(INT32_MAX);
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage()) {
    emitError(fileLoc) << "'" << path
                       << "' is not a valid ONNX model (truncated or malformed protobuf)";
    return nullptr;
  }
  if (!model.has_graph()) {
    emitError(fileLoc) << "'" << path << "' has no graph";
    return nullptr;
  }
  GraphImporter importer(context, path, options);
  return importer.importModel(model);
}

std::vector<SupportedOp> listSupportedOps() {
  std::vector<SupportedOp> out;
  for (const auto &[key, versions] : OpRegistry::get().entries)
    for (const auto &[since, entry] : versions)
      out.push_back({key.first, key.second, since});
  for (const auto &[domain, name, since] : functionBodyOps())
    if (!OpRegistry::get().entries.count({domain, name}))
      out.push_back({domain, name, since, /*functionBody=*/true});
  llvm::sort(out, [](const SupportedOp &a, const SupportedOp &b) {
    return std::tie(a.domain, a.name, a.sinceVersion) <
           std::tie(b.domain, b.name, b.sinceVersion);
  });
  return out;
}

} // namespace steed
