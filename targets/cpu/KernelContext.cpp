//===- KernelContext.cpp - The kernel context inside kernel functions -----===//
#include "targets/cpu/KernelContext.h"
#include "dialects/exec/ExecOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace steed::cpu {

KernelContextPlumbing::KernelContextPlumbing(ModuleOp module) : module(module) {
  module.walk([&](Operation *op) {
    if (auto call = dyn_cast<func::CallOp>(op))
      callSites[call.getCallee()].push_back(op);
    else if (auto launch = dyn_cast<exec::LaunchOp>(op))
      callSites[launch.getKernel()].push_back(op);
  });
}

Value KernelContextPlumbing::get(func::FuncOp fn) {
  if (Value v = values.lookup(fn))
    return v;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    if (fn.getArgAttr(i, kKernelContextArg))
      return values[fn] = fn.getArgument(i);
  bool isPlan = fn->hasAttr(exec::kPlanAttrName) && !fn.isExternal();
  if (isPlan && module->hasAttr("exec.plan_kc_arg"))
    return values[fn] = fn.getArguments().back();
  MLIRContext *ctx = fn.getContext();
  auto addArg = [&]() {
    unsigned n = fn.getNumArguments();
    (void)fn.insertArgument(
        n, IndexType::get(ctx),
        DictionaryAttr::get(ctx, {NamedAttribute(StringAttr::get(ctx, kKernelContextArg),
                                                 UnitAttr::get(ctx))}),
        fn.getLoc());
    return fn.getArgument(n);
  };
  auto it = callSites.find(fn.getSymName());
  bool viaCalls = it != callSites.end() && !it->second.empty() &&
                  llvm::all_of(it->second, [](Operation *op) {
                    return isa<func::CallOp>(op) && op->getParentOfType<func::FuncOp>();
                  });
  Value v;
  if (isPlan) {
    v = addArg();
    module->setAttr("exec.plan_kc_arg", UnitAttr::get(ctx));
  } else if (viaCalls && !fn.isExternal()) {
    v = addArg();
    values[fn] = v;
    for (Operation *call : it->second)
      call->insertOperands(call->getNumOperands(), get(call->getParentOfType<func::FuncOp>()));
  } else {
    OpBuilder b(fn.getBody());
    v = arith::ConstantIndexOp::create(b, fn.getLoc(), 0);
  }
  return values[fn] = v;
}

} // namespace steed::cpu
