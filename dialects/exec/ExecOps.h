//===- ExecOps.h - Ops of the exec dialect ----------------------*- C++ -*-===//
#ifndef STEED_DIALECTS_EXEC_EXECOPS_H
#define STEED_DIALECTS_EXEC_EXECOPS_H

#include "dialects/exec/ExecDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace steed::exec {
/// Attribute on a func.func that is a kernel (outlined exec.group).
inline constexpr llvm::StringLiteral kKernelAttrName = "exec.kernel";
/// Attribute on the plan function (the model's entry).
inline constexpr llvm::StringLiteral kPlanAttrName = "exec.plan";
/// Module attribute with the arena size in bytes, set by memory planning.
inline constexpr llvm::StringLiteral kArenaSizeAttrName = "exec.arena_size";
} // namespace steed::exec

#define GET_OP_CLASSES
#include "dialects/exec/ExecOps.h.inc"

#endif
