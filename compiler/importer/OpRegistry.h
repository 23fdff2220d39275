//===- OpRegistry.h - ONNX op handlers keyed by opset -----------*- C++ -*-===//
//
// Every ONNX operator the importer knows is an entry keyed by
// (domain, op type, since-version). A node is imported by the entry with the
// largest since-version <= the model's opset for that domain. Entries either
// build the onnx op generically (inputs -> operands in order, attributes by
// name) or run a handler that normalizes an older form to the current op
// (attributes that became inputs, changed defaults, ...). This is the only
// place where opset versions are looked at.
//
#ifndef STEED_COMPILER_IMPORTER_OPREGISTRY_H
#define STEED_COMPILER_IMPORTER_OPREGISTRY_H

#include "mlir/IR/Builders.h"
#include "onnx/onnx_pb.h"
#include "llvm/ADT/StringMap.h"
#include <functional>
#include <map>

namespace steed {

class NodeImporter;

/// Builds the ops for one node; returns one value per node output.
using NodeHandler =
    std::function<mlir::FailureOr<llvm::SmallVector<mlir::Value>>(NodeImporter &)>;

struct OpEntry {
  int sinceVersion = 1;
  /// Number of operands of the onnx op (missing trailing inputs become
  /// `none`); -1 for variadic ops.
  int numInputs = -1;
  /// Number of results of the onnx op.
  int numOutputs = 1;
  /// Null: generic import into "onnx.<OpType>".
  NodeHandler handler;
};

class OpRegistry {
public:
  static const OpRegistry &get();

  /// Registers a generic entry.
  void add(llvm::StringRef op, int since, int numInputs, int numOutputs = 1) {
    add("", op, since, OpEntry{since, numInputs, numOutputs, nullptr});
  }
  /// Registers a custom handler.
  void add(llvm::StringRef op, int since, int numInputs, int numOutputs,
           NodeHandler handler) {
    add("", op, since, OpEntry{since, numInputs, numOutputs, std::move(handler)});
  }
  void add(llvm::StringRef domain, llvm::StringRef op, int since, OpEntry entry);

  /// The entry for `op` at `opset`, or null. `minSince` is set to the
  /// smallest registered since-version (0 when the op is unknown).
  const OpEntry *lookup(llvm::StringRef domain, llvm::StringRef op, int64_t opset,
                        int *minSince) const;

  /// (domain, op) -> since-version -> entry.
  std::map<std::pair<std::string, std::string>, std::map<int, OpEntry>> entries;
};

/// The state a handler works with for one node.
class NodeImporter {
public:
  NodeImporter(mlir::OpBuilder &builder, mlir::Location loc,
               const ::onnx::NodeProto &node, int64_t opset,
               llvm::SmallVector<mlir::Value> inputs, const OpEntry &entry)
      : builder(builder), loc(loc), node(node), opset(opset),
        inputs(std::move(inputs)), entry(entry) {}

  mlir::OpBuilder &builder;
  mlir::Location loc;
  const ::onnx::NodeProto &node;
  int64_t opset;
  /// One value per ONNX input; a missing optional input is a `none` value.
  llvm::SmallVector<mlir::Value> inputs;
  const OpEntry &entry;
  /// Imports a GRAPH attribute (If branch, Loop/Scan body) into `region`: one
  /// block with arguments of `argTypes` for its inputs (the subgraph's
  /// declared input types are not used: the op infers them from its
  /// operands), its nodes (names of the enclosing graphs are visible), and an
  /// onnx.Yield of its outputs. Set by the importer.
  std::function<mlir::LogicalResult(const ::onnx::GraphProto &, mlir::Region &,
                                    llvm::ArrayRef<mlir::Type>)>
      importSubgraph;

  /// The input at `i`, or a `none` value when absent.
  mlir::Value input(unsigned i);
  /// A `none` value.
  mlir::Value none();
  /// A constant i64 tensor (1-D, or 0-D when `scalar`).
  mlir::Value constI64(llvm::ArrayRef<int64_t> values, bool scalar = false);
  /// A constant f32 scalar tensor.
  mlir::Value constF32(float value);

  /// ONNX attribute lookup.
  const ::onnx::AttributeProto *attr(llvm::StringRef name) const;
  std::optional<int64_t> intAttr(llvm::StringRef name) const;
  std::optional<float> floatAttr(llvm::StringRef name) const;
  std::optional<llvm::SmallVector<int64_t>> intsAttr(llvm::StringRef name) const;

  /// Converts every ONNX attribute that `opName` declares to MLIR attributes
  /// (ints -> DenseI64ArrayAttr, ...). Attributes in `skip` are left out.
  mlir::FailureOr<llvm::SmallVector<mlir::NamedAttribute>>
  convertAttributes(llvm::StringRef opName,
                    llvm::ArrayRef<llvm::StringRef> skip = {});

  /// Creates "onnx.<opType>" from `operands` and `attributes`, infers its
  /// result types, and returns its results. Fails (with a diagnostic at the
  /// node) when inference fails.
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  createOp(llvm::StringRef opType, llvm::ArrayRef<mlir::Value> operands,
           llvm::ArrayRef<mlir::NamedAttribute> attributes, unsigned numResults);
  /// createOp for a single-result op.
  mlir::FailureOr<mlir::Value> createOne(llvm::StringRef opType,
                                         llvm::ArrayRef<mlir::Value> operands,
                                         llvm::ArrayRef<mlir::NamedAttribute> attributes = {});

  /// The generic import of this node: all inputs (padded with `none` to
  /// entry.numInputs), all declared attributes.
  mlir::FailureOr<llvm::SmallVector<mlir::Value>> importGeneric();
  /// Generic import after moving int-list attribute `attrName` into input
  /// position `inputIndex` (e.g. Squeeze-1 axes -> Squeeze-13 input).
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  importWithAttrAsInput(llvm::StringRef attrName, unsigned inputIndex);

  mlir::InFlightDiagnostic emitError() { return mlir::emitError(loc); }
};

/// Converts a TensorProto to an attribute. Big tensors become dense_resource
/// blobs; external data is read relative to `baseDir`.
mlir::FailureOr<mlir::ElementsAttr>
convertTensor(const ::onnx::TensorProto &tensor, mlir::MLIRContext *ctx,
              llvm::StringRef baseDir, mlir::Location loc);
/// TensorProto data types newer than libonnx 1.12 (which arrive as plain
/// numbers).
enum : int {
  kFloat8E4M3FN = 17,
  kFloat8E4M3FNUZ = 18,
  kFloat8E5M2 = 19,
  kFloat8E5M2FNUZ = 20,
  kUInt4 = 21,
  kInt4 = 22,
  kFloat4E2M1 = 23,
};

/// The MLIR element type for an ONNX TensorProto data type, or null.
/// FLOAT8* -> f8E4M3FN/f8E4M3FNUZ/f8E5M2/f8E5M2FNUZ, INT4/UINT4 -> i4/ui4,
/// FLOAT4E2M1 -> f4E2M1FN.
mlir::Type convertElementType(int onnxType, mlir::MLIRContext *ctx);
/// The ONNX name of a TensorProto data type ("FLOAT8E4M3FN"), or its number.
std::string dataTypeName(int onnxType);

/// Folds `op` (just created and inferred) when its folder can: all-constant
/// shape arithmetic (Shape -> Gather -> Div -> Concat, as torch exports it)
/// becomes constants while importing, so later nodes (Reshape, Slice, ...)
/// infer static types. Erases `op` when folded; returns the values to use.
llvm::SmallVector<mlir::Value> foldImportedOp(mlir::OpBuilder &builder, mlir::Operation *op);

// Per-family registration (compiler/importer/handlers/*.cpp).
void registerElementwiseOps(OpRegistry &r);
void registerMatmulConvOps(OpRegistry &r);
void registerReductionOps(OpRegistry &r);
void registerNormalizationOps(OpRegistry &r);
void registerPoolingOps(OpRegistry &r);
void registerDataMovementOps(OpRegistry &r);
void registerTensorOps(OpRegistry &r);
void registerAttentionOps(OpRegistry &r);
void registerComposedOps(OpRegistry &r);
void registerEinsumOps(OpRegistry &r);
void registerRecurrentOps(OpRegistry &r);
void registerFlexAttentionOps(OpRegistry &r);
void registerSignalOps(OpRegistry &r);
void registerSamplingOps(OpRegistry &r);
void registerQuantizationOps(OpRegistry &r);
void registerControlFlowOps(OpRegistry &r);
void registerSelectionOps(OpRegistry &r);

} // namespace steed

#endif
