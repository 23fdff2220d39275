//===- Functions.h - ONNX function bodies expanded on import ----*- C++ -*-===//
//
// A node that calls an ONNX function is imported by expanding the function
// body in place. Two kinds of functions exist:
//  * model-local functions (ModelProto.functions), keyed by (domain, name);
//  * ops whose ONNX schema defines them by a function body (libonnx's
//    OpSchema::GetFunction / BuildContextDependentFunction), used as the
//    fallback for ops that have no Steed registry entry.
// This file works on protobufs only: it instantiates a body for one call
// (formal inputs/outputs renamed to the call's values, internal values given a
// unique prefix, attribute references substituted); Importer.cpp imports the
// resulting nodes under the function's own opset_import.
//
#ifndef STEED_COMPILER_IMPORTER_FUNCTIONS_H
#define STEED_COMPILER_IMPORTER_FUNCTIONS_H

#include "mlir/IR/Location.h"
#include "mlir/IR/Types.h"
#include "onnx/onnx_pb.h"
#include "llvm/ADT/StringMap.h"
#include <string>
#include <vector>

namespace steed {

/// One function ready to instantiate.
struct FunctionDef {
  ::onnx::FunctionProto proto;
  /// Attribute default values (FunctionProto.attribute_proto of IR >= 9, or
  /// the schema's defaults), used when the call does not set the attribute.
  std::vector<::onnx::AttributeProto> defaults;
};

/// The body of one call, ready to import in the caller's value scope.
struct InlinedBody {
  std::vector<::onnx::NodeProto> nodes;
  /// The function's opset_import (domain "ai.onnx" normalized to "").
  llvm::StringMap<int64_t> opsets;
};

/// Reads a model-local function (including attribute_proto defaults, which
/// libonnx 1.12 keeps as an unknown field).
FunctionDef makeLocalFunction(const ::onnx::FunctionProto &fn);

/// The function body that the ONNX spec gives (domain, op) at `opset`, or
/// nullopt when there is none: Steed's own copy for ops newer than libonnx
/// 1.12 (Swish, SwiGLU, ...), else libonnx's schema. `inputTypes` are the call's input types (null for
/// absent inputs); context-dependent bodies (NegativeLogLikelihoodLoss, ...)
/// depend on them. Sets `error` when a body exists but cannot be built.
std::optional<FunctionDef> schemaFunction(llvm::StringRef domain, llvm::StringRef op,
                                          int64_t opset, const ::onnx::NodeProto &call,
                                          llvm::ArrayRef<mlir::Type> inputTypes,
                                          std::string &error);

/// (domain, op, since-version) of every op with a function body: Steed's
/// own and libonnx's schemas.
std::vector<std::tuple<std::string, std::string, int>> functionBodyOps();

/// Instantiates `fn` for `call`: formal inputs become the call's input names
/// (missing optional inputs: ""), formal outputs the call's output names,
/// every other value name gets `prefix`; attribute references
/// (ref_attr_name) take the call's attribute, else the default, else the
/// attribute is dropped. Body node names become `callName/<inner name>`.
/// Fails with a diagnostic at `loc` on a malformed function.
mlir::FailureOr<InlinedBody> instantiateFunction(const FunctionDef &fn,
                                                 const ::onnx::NodeProto &call,
                                                 llvm::StringRef prefix,
                                                 llvm::StringRef callName,
                                                 mlir::Location loc);

} // namespace steed

#endif
