//===- LowerLaunches.cpp - exec.launch -> func.call -----------------------===//
#include "dialects/exec/ExecOps.h"
#include "passes/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace steed {
#define GEN_PASS_DEF_LOWERLAUNCHES
#include "passes/Passes.h.inc"
} // namespace steed

using namespace mlir;

namespace {
struct LowerLaunchesPass : steed::impl::LowerLaunchesBase<LowerLaunchesPass> {
  void runOnOperation() override {
    getOperation().walk([](steed::exec::LaunchOp launch) {
      OpBuilder b(launch);
      auto call = func::CallOp::create(b, launch.getLoc(), launch.getKernel(),
                                       launch.getResultTypes(), launch.getArgs());
      launch.replaceAllUsesWith(call.getResults());
      launch.erase();
    });
  }
};
} // namespace
