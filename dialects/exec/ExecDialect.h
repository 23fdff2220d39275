//===- ExecDialect.h - The exec dialect -------------------------*- C++ -*-===//
#ifndef STEED_DIALECTS_EXEC_EXECDIALECT_H
#define STEED_DIALECTS_EXEC_EXECDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/exec/ExecDialect.h.inc"

#endif
