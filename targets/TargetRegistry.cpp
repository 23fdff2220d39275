//===- TargetRegistry.cpp - Steed's targets by name -----------------------===//
#include "targets/Target.h"
#include "targets/cpu/CPUTarget.h"

namespace steed {

std::vector<const Target *> allTargets() {
  static const std::unique_ptr<Target> cpu = createCPUTarget();
  return {cpu.get()};
}

const Target *lookupTarget(llvm::StringRef name) {
  for (const Target *t : allTargets())
    if (t->getName() == name)
      return t;
  return nullptr;
}

} // namespace steed
