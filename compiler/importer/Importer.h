//===- Importer.h - ONNX model to the onnx dialect --------------*- C++ -*-===//
//
// Public entry of the importer. Kept free of protobuf/ONNX headers so that
// tools including it stay cheap to compile.
//
#ifndef STEED_COMPILER_IMPORTER_IMPORTER_H
#define STEED_COMPILER_IMPORTER_IMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"
#include <string>
#include <vector>

namespace steed {

struct ImportOptions {
  /// Pins the shape of graph inputs by name (`--input-shape=x=1x3x224x224`).
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
};

/// Reads an ONNX model (plus external-data files beside it) and returns a
/// module holding `func.func @main_graph` in the onnx dialect. Errors are
/// reported through the context's diagnostic engine, located at the
/// offending node; returns null on failure.
mlir::OwningOpRef<mlir::ModuleOp> importONNXModel(llvm::StringRef path,
                                                  mlir::MLIRContext &context,
                                                  const ImportOptions &options);

/// One supported operator: domain ("" is ai.onnx), name and the opset range
/// Steed handles (until == 0: open-ended).
struct SupportedOp {
  std::string domain, name;
  int sinceVersion;
  /// Imported by expanding the op's ONNX function body (its ops must be
  /// supported in turn) rather than by a registry entry.
  bool functionBody = false;
};
/// Every (domain, op, since-version) the importer handles, sorted.
std::vector<SupportedOp> listSupportedOps();

} // namespace steed

#endif
