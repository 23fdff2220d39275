//===- Functions.cpp - ONNX function bodies expanded on import ------------===//
#include "compiler/importer/Functions.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "onnx/defs/parser.h"
#include "onnx/defs/schema.h"
#include <google/protobuf/unknown_field_set.h>
#include <map>
#include <set>

using namespace mlir;

namespace steed {

//===----------------------------------------------------------------------===//
// Function definitions
//===----------------------------------------------------------------------===//

FunctionDef makeLocalFunction(const ::onnx::FunctionProto &fn) {
  FunctionDef def;
  def.proto = fn;
  // FunctionProto.attribute_proto (field 11, IR 9) postdates libonnx 1.12:
  // it arrives as an unknown length-delimited field holding an AttributeProto.
  const auto &unknown = fn.unknown_fields();
  for (int i = 0; i < unknown.field_count(); ++i) {
    const auto &field = unknown.field(i);
    if (field.number() != 11 ||
        field.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED)
      continue;
    ::onnx::AttributeProto attr;
    if (attr.ParseFromString(field.length_delimited()) && !attr.name().empty())
      def.defaults.push_back(std::move(attr));
  }
  return def;
}

/// The ONNX TensorProto data type of an MLIR element type (0 if none).
static int onnxElementType(Type t) {
  if (t.isF32()) return ::onnx::TensorProto::FLOAT;
  if (t.isF64()) return ::onnx::TensorProto::DOUBLE;
  if (t.isF16()) return ::onnx::TensorProto::FLOAT16;
  if (t.isBF16()) return ::onnx::TensorProto::BFLOAT16;
  if (t.isInteger(1)) return ::onnx::TensorProto::BOOL;
  if (auto i = dyn_cast<IntegerType>(t)) {
    bool u = i.isUnsigned();
    switch (i.getWidth()) {
    case 8: return u ? ::onnx::TensorProto::UINT8 : ::onnx::TensorProto::INT8;
    case 16: return u ? ::onnx::TensorProto::UINT16 : ::onnx::TensorProto::INT16;
    case 32: return u ? ::onnx::TensorProto::UINT32 : ::onnx::TensorProto::INT32;
    case 64: return u ? ::onnx::TensorProto::UINT64 : ::onnx::TensorProto::INT64;
    default: return 0;
    }
  }
  return 0;
}

/// TypeProto of a value type; VALUE_NOT_SET (read as "unknown" by libonnx)
/// for `none` and non-tensor types.
static ::onnx::TypeProto toTypeProto(Type type) {
  ::onnx::TypeProto proto;
  auto shaped = dyn_cast_or_null<TensorType>(type);
  if (!shaped)
    return proto;
  int elem = onnxElementType(shaped.getElementType());
  if (!elem)
    return proto;
  auto *tensor = proto.mutable_tensor_type();
  tensor->set_elem_type(elem);
  if (auto ranked = dyn_cast<RankedTensorType>(shaped)) {
    auto *shape = tensor->mutable_shape();
    for (int64_t d : ranked.getShape()) {
      auto *dim = shape->add_dim();
      if (!ShapedType::isDynamic(d))
        dim->set_dim_value(d);
    }
  }
  return proto;
}

//===----------------------------------------------------------------------===//
// Function bodies of ops newer than libonnx 1.12
//===----------------------------------------------------------------------===//

namespace {
/// An op of the ONNX spec defined by a function body that libonnx 1.12 does
/// not know (it stops at opset 17), written in the ONNX text syntax.
struct BuiltinFunction {
  const char *op;
  int since;
  /// Attribute defaults, an ONNX text attribute list ("<alpha = 1.0>").
  const char *defaults;
  const char *body;
};

const BuiltinFunction builtinFunctions[] = {
    // Shrink-9's body appeared with opset 18 (CastLike needs 15).
    {"Shrink", 9, "<bias = 0.0, lambd = 0.5>", R"(
      <domain: "", opset_import: ["" : 18]>
      Shrink <bias, lambd> (input) => (output) {
        Lambd = Constant <value_float: float = @lambd> ()
        L = CastLike (Lambd, input)
        Bias = Constant <value_float: float = @bias> ()
        B = CastLike (Bias, input)
        Zero = Constant <value: tensor = float {0}> ()
        Z = CastLike (Zero, input)
        NegL = Neg (L)
        Below = Less (input, NegL)
        Above = Less (L, input)
        Up = Add (input, B)
        Down = Sub (input, B)
        DownOrZero = Where (Above, Down, Z)
        output = Where (Below, Up, DownOrZero)
      })"},
    {"Swish", 24, "<alpha = 1.0>", R"(
      <domain: "", opset_import: ["" : 24]>
      Swish <alpha> (X) => (Y) {
        Alpha = Constant <value_float: float = @alpha> ()
        A = CastLike (Alpha, X)
        AX = Mul (A, X)
        Gate = Sigmoid (AX)
        Y = Mul (X, Gate)
      })"},
    {"SwiGLU", 28, "<alpha = 1.0>", R"(
      <domain: "", opset_import: ["" : 28]>
      SwiGLU <alpha> (A, B) => (Y) {
        Gate = Swish <alpha: float = @alpha> (A)
        Y = Mul (Gate, B)
      })"},
};

/// The builtin body of `op` at `opset` (largest since <= opset), or null.
const BuiltinFunction *findBuiltin(StringRef domain, StringRef op, int64_t opset) {
  if (!domain.empty())
    return nullptr;
  const BuiltinFunction *best = nullptr;
  for (const auto &f : builtinFunctions)
    if (op == f.op && f.since <= opset && (!best || f.since > best->since))
      best = &f;
  return best;
}
} // namespace

std::vector<std::tuple<std::string, std::string, int>> functionBodyOps() {
  std::vector<std::tuple<std::string, std::string, int>> out;
  std::set<std::string> builtin;
  for (const auto &f : builtinFunctions) {
    out.push_back({"", f.op, f.since});
    builtin.insert(f.op);
  }
  for (const auto &schema : ::onnx::OpSchemaRegistry::get_all_schemas_with_history())
    if ((schema.HasFunction() || schema.HasContextDependentFunction()) &&
        !(schema.domain().empty() && builtin.count(schema.Name())))
      out.push_back({schema.domain(), schema.Name(), schema.since_version()});
  return out;
}

std::optional<FunctionDef> schemaFunction(StringRef domain, StringRef op, int64_t opset,
                                          const ::onnx::NodeProto &call,
                                          ArrayRef<Type> inputTypes, std::string &error) {
  if (const BuiltinFunction *builtin = findBuiltin(domain, op, opset)) {
    FunctionDef def;
    auto status = ::onnx::OnnxParser::Parse(def.proto, builtin->body);
    ::onnx::AttrList defaults;
    ::onnx::OnnxParser parser(builtin->defaults);
    if (status.IsOK())
      status = parser.Parse(defaults);
    if (!status.IsOK()) { // A bug in the table above.
      error = "Steed's function body does not parse: " + status.ErrorMessage();
      return std::nullopt;
    }
    def.defaults.assign(defaults.begin(), defaults.end());
    return def;
  }
  // libonnx knows opsets up to 17: a newer opset gets the newest schema it
  // has, whose body is the op's definition unless the op changed later (the
  // registry holds an entry for every op Steed knows to have changed).
  const ::onnx::OpSchema *schema =
      ::onnx::OpSchemaRegistry::Schema(op.str(), (int)opset, domain.str());
  if (!schema || (!schema->HasFunction() && !schema->HasContextDependentFunction()))
    return std::nullopt;
  FunctionDef def;
  if (schema->HasFunction()) {
    def.proto = *schema->GetFunction();
  } else {
    std::vector<::onnx::TypeProto> types;
    for (Type t : inputTypes)
      types.push_back(toTypeProto(t));
    ::onnx::FunctionBodyBuildContextImpl ctx(call, types);
    bool built = false;
    try {
      built = schema->BuildContextDependentFunction(ctx, def.proto);
    } catch (const std::exception &e) {
      error = e.what();
      return std::nullopt;
    }
    if (!built) {
      error = "its schema function body cannot be built for these inputs";
      return std::nullopt;
    }
  }
  if (def.proto.opset_import_size() == 0) {
    auto *id = def.proto.add_opset_import();
    id->set_domain(schema->domain());
    id->set_version(schema->since_version());
  }
  for (const auto &[name, attr] : schema->attributes()) {
    if (attr.required || attr.default_value.type() == ::onnx::AttributeProto::UNDEFINED)
      continue;
    ::onnx::AttributeProto value = attr.default_value;
    value.set_name(name);
    def.defaults.push_back(std::move(value));
  }
  return def;
}

//===----------------------------------------------------------------------===//
// Instantiation
//===----------------------------------------------------------------------===//

namespace {

class Instantiator {
public:
  Instantiator(const FunctionDef &fn, const ::onnx::NodeProto &call, StringRef prefix,
               Location loc)
      : fn(fn), call(call), prefix(prefix.str()), loc(loc) {
    for (const auto &a : call.attribute())
      attrs[a.name()] = &a;
    for (const auto &a : fn.defaults)
      attrs.emplace(a.name(), &a); // The call's value wins.
  }

  LogicalResult run(StringRef callName, InlinedBody &out);

private:
  /// Renames a value of the function scope.
  std::string rename(const std::string &name) {
    if (name.empty())
      return name;
    auto it = names.find(name);
    if (it != names.end())
      return it->second;
    std::string fresh = prefix + name;
    names[name] = fresh;
    return fresh;
  }
  /// Substitutes attribute references; false when the attribute is dropped.
  bool substitute(::onnx::AttributeProto &attr);
  void substituteNode(::onnx::NodeProto &node);
  /// Renames outer-scope references inside a subgraph (names the subgraph
  /// defines itself shadow the function's).
  void renameSubgraph(::onnx::GraphProto &graph, const std::set<std::string> &shadowed);

  const FunctionDef &fn;
  const ::onnx::NodeProto &call;
  std::string prefix;
  Location loc;
  std::map<std::string, const ::onnx::AttributeProto *> attrs;
  std::map<std::string, std::string> names;
};

} // namespace

bool Instantiator::substitute(::onnx::AttributeProto &attr) {
  if (!attr.ref_attr_name().empty()) {
    auto it = attrs.find(attr.ref_attr_name());
    if (it == attrs.end())
      return false; // Unset and no default: the attribute is absent.
    std::string name = attr.name();
    attr = *it->second;
    attr.set_name(name);
    attr.clear_ref_attr_name();
    return true;
  }
  if (attr.has_g())
    renameSubgraph(*attr.mutable_g(), {});
  for (auto &g : *attr.mutable_graphs())
    renameSubgraph(g, {});
  return true;
}

void Instantiator::substituteNode(::onnx::NodeProto &node) {
  auto *list = node.mutable_attribute();
  for (int i = 0; i < list->size();) {
    if (substitute(*list->Mutable(i)))
      ++i;
    else
      list->DeleteSubrange(i, 1);
  }
}

void Instantiator::renameSubgraph(::onnx::GraphProto &graph,
                                  const std::set<std::string> &outerShadowed) {
  std::set<std::string> shadowed = outerShadowed;
  for (const auto &v : graph.input())
    shadowed.insert(v.name());
  for (const auto &t : graph.initializer())
    shadowed.insert(t.name());
  for (const auto &n : graph.node())
    for (const auto &o : n.output())
      shadowed.insert(o);
  auto outer = [&](std::string *name) {
    if (name->empty() || shadowed.count(*name))
      return;
    auto it = names.find(*name);
    if (it != names.end())
      *name = it->second;
  };
  for (auto &n : *graph.mutable_node()) {
    for (auto &in : *n.mutable_input())
      outer(&in);
    auto *list = n.mutable_attribute();
    for (int i = 0; i < list->size();) {
      auto &a = *list->Mutable(i);
      if (!a.ref_attr_name().empty()) {
        if (!substitute(a)) {
          list->DeleteSubrange(i, 1);
          continue;
        }
      } else {
        if (a.has_g())
          renameSubgraph(*a.mutable_g(), shadowed);
        for (auto &g : *a.mutable_graphs())
          renameSubgraph(g, shadowed);
      }
      ++i;
    }
  }
  for (auto &o : *graph.mutable_output())
    outer(o.mutable_name());
}

LogicalResult Instantiator::run(StringRef callName, InlinedBody &out) {
  const auto &proto = fn.proto;
  std::string fnName = proto.domain().empty() ? proto.name()
                                              : proto.domain() + "." + proto.name();
  if (call.input_size() > proto.input_size())
    return emitError(loc) << "call of function " << fnName << " has " << call.input_size()
                          << " inputs, the function takes " << proto.input_size();
  if (call.output_size() > proto.output_size())
    return emitError(loc) << "call of function " << fnName << " has "
                          << call.output_size() << " outputs, the function has "
                          << proto.output_size();
  for (int i = 0; i < proto.input_size(); ++i)
    names[proto.input(i)] = i < call.input_size() ? call.input(i) : std::string();
  for (int i = 0; i < proto.output_size(); ++i) {
    if (i < call.output_size() && !call.output(i).empty())
      names[proto.output(i)] = call.output(i);
  }
  std::set<std::string> defined;
  for (int i = 0; i < proto.input_size(); ++i)
    defined.insert(proto.input(i));
  for (auto [index, node] : llvm::enumerate(proto.node())) {
    ::onnx::NodeProto inst = node;
    std::string inner =
        node.name().empty() ? node.op_type() + "#" + std::to_string(index) : node.name();
    inst.set_name((callName + "/" + inner).str());
    for (auto &in : *inst.mutable_input()) {
      if (!in.empty() && !defined.count(in))
        return emitError(loc) << "function " << fnName << ": node '" << inner
                              << "' uses '" << in
                              << "', which no function input or earlier node defines";
      in = rename(in);
    }
    // Subgraphs see the names defined so far; rename them before the
    // node's own outputs are added.
    substituteNode(inst);
    for (auto &o : *inst.mutable_output()) {
      if (o.empty())
        continue;
      defined.insert(o);
      o = rename(o);
    }
    out.nodes.push_back(std::move(inst));
  }
  for (int i = 0; i < proto.output_size() && i < call.output_size(); ++i)
    if (!call.output(i).empty() && !defined.count(proto.output(i)))
      return emitError(loc) << "function " << fnName << " never defines its output '"
                            << proto.output(i) << "'";
  for (const auto &id : proto.opset_import())
    out.opsets[id.domain() == "ai.onnx" ? "" : id.domain()] = id.version();
  return success();
}

FailureOr<InlinedBody> instantiateFunction(const FunctionDef &fn,
                                           const ::onnx::NodeProto &call,
                                           StringRef prefix, StringRef callName,
                                           Location loc) {
  InlinedBody body;
  Instantiator inst(fn, call, prefix, loc);
  if (failed(inst.run(callName, body)))
    return failure();
  return body;
}

} // namespace steed
