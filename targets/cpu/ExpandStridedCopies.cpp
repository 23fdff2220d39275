//===- ExpandStridedCopies.cpp - strided memref.copy -> linalg.copy -------===//
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/Pass.h"

namespace steed {
#define GEN_PASS_DEF_CPUEXPANDSTRIDEDCOPIES
#include "targets/cpu/Passes.h.inc"
} // namespace steed

using namespace mlir;

namespace {
struct CPUExpandStridedCopiesPass
    : steed::impl::CPUExpandStridedCopiesBase<CPUExpandStridedCopiesPass> {
  void runOnOperation() override {
    getOperation().walk([](memref::CopyOp copy) {
      auto source = cast<MemRefType>(copy.getSource().getType());
      auto target = cast<MemRefType>(copy.getTarget().getType());
      if (source.getLayout().isIdentity() && target.getLayout().isIdentity())
        return; // becomes memcpy
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(), copy.getTarget());
      copy.erase();
    });
  }
};
} // namespace
