//===- KernelContext.h - The kernel context inside kernel functions -------===//
//
// The CPU passes that call into the kernel library (steed-cpu-microkernels,
// steed-cpu-parallelize-loops) need the run's steed_kernel_context pointer
// (as an index) inside the function that makes the call. Both plumb it the
// same way, here.
//===----------------------------------------------------------------------===//
#ifndef STEED_TARGETS_CPU_KERNELCONTEXT_H
#define STEED_TARGETS_CPU_KERNELCONTEXT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

namespace steed::cpu {

/// Marks the kernel-context argument between the CPU passes (removed by
/// steed-cpu-parallelize-loops, the last of them).
inline constexpr const char *kKernelContextArg = "exec.kernel_context";

/// The kernel context inside a function: an argument marked
/// `exec.kernel_context` (or the plan's last argument when the module has
/// `exec.plan_kc_arg`); otherwise a new, marked last argument for the plan
/// (steed-cpu-model-entry passes the ABI's `kc`) and for functions reached
/// only through func.call from functions that have it (the calls pass it
/// on); 0 (one thread) elsewhere.
class KernelContextPlumbing {
public:
  /// Records the call sites (func.call, exec.launch) of `module`'s functions.
  explicit KernelContextPlumbing(mlir::ModuleOp module);
  mlir::Value get(mlir::func::FuncOp fn);

private:
  mlir::ModuleOp module;
  llvm::StringMap<llvm::SmallVector<mlir::Operation *>> callSites;
  llvm::DenseMap<mlir::Operation *, mlir::Value> values;
};

} // namespace steed::cpu

#endif
