//===- Target.h - The interface every Steed target implements ---*- C++ -*-===//
//
// A target takes the memory-planned program (kernels + plan over memrefs,
// see passes/) to a loadable artifact. It owns three things: its lowering
// pipeline, its code emitter, and its runtime piece (for the CPU, the
// runtime/ library that dlopens the result). Core passes never call into a
// target; the compiler pipeline (compiler/Pipeline.cpp) picks one by name.
//
#ifndef STEED_TARGETS_TARGET_H
#define STEED_TARGETS_TARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"
#include <memory>
#include <string>
#include <vector>

namespace steed {

struct TargetOptions {
  std::string cpu;      // --mcpu; empty: the host CPU
  std::string features; // --mattr; empty: the host's features
  unsigned optLevel = 2;
  bool winograd = true; // --winograd: Winograd 3x3 convolutions where they pay
};

class Target {
public:
  virtual ~Target() = default;
  virtual llvm::StringRef getName() const = 0;
  virtual llvm::StringRef getDescription() const = 0;

  /// Passes from the planned program (bufferized kernels, plan with arena)
  /// to the target's lowest MLIR form (for the CPU: the LLVM dialect, with
  /// the model ABI's entry points, see docs/model-abi.md).
  virtual mlir::LogicalResult buildLoweringPipeline(mlir::OpPassManager &pm,
                                                    const TargetOptions &options) const = 0;
  /// Prepares the module before lowering (e.g. records model metadata).
  virtual mlir::LogicalResult prepare(mlir::ModuleOp module,
                                      const TargetOptions &options) const = 0;
  /// Translates the lowered module to the target's textual IR (LLVM IR).
  virtual mlir::LogicalResult emitIR(mlir::ModuleOp module, const TargetOptions &options,
                                     llvm::raw_ostream &os) const = 0;
  /// Emits an object file.
  virtual mlir::LogicalResult emitObject(mlir::ModuleOp module, const TargetOptions &options,
                                         llvm::StringRef path) const = 0;
  /// Links object files into the loadable library.
  virtual mlir::LogicalResult link(llvm::ArrayRef<std::string> objects,
                                   llvm::StringRef output, mlir::Location loc) const = 0;
};

/// The target called `name`, or null.
const Target *lookupTarget(llvm::StringRef name);
/// Every registered target.
std::vector<const Target *> allTargets();

} // namespace steed

#endif
