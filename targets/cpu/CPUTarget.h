//===- CPUTarget.h - The host CPU target ------------------------*- C++ -*-===//
#ifndef STEED_TARGETS_CPU_CPUTARGET_H
#define STEED_TARGETS_CPU_CPUTARGET_H

#include "targets/Target.h"

namespace steed {
std::unique_ptr<Target> createCPUTarget();
/// Registers the CPU target's passes (steed-cpu-*) for steed-opt.
void registerCPUTargetPasses();
} // namespace steed

#endif
