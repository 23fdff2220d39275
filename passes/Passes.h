//===- Passes.h - Steed's passes --------------------------------*- C++ -*-===//
#ifndef STEED_PASSES_PASSES_H
#define STEED_PASSES_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
namespace func { class FuncOp; }
} // namespace mlir

namespace steed {
#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"
} // namespace steed

#endif
