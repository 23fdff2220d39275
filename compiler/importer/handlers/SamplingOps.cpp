//===- SamplingOps.cpp - Import of GridSample, RoiAlign, DeformConv -------===//
#include "compiler/importer/OpRegistry.h"

namespace steed {
void registerSamplingOps(OpRegistry &r) {}
} // namespace steed
