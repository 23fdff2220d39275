//===- ExecDialect.td - Steed's compiled-program dialect ---*- tablegen -*-===//
#ifndef STEED_EXEC_DIALECT
#define STEED_EXEC_DIALECT

include "mlir/IR/OpBase.td"

def Exec_Dialect : Dialect {
  let name = "exec";
  let summary = "kernels and the execution plan of a compiled model";
  let description = [{
    A compiled model is a set of kernels (the unit a target compiles) and a
    plan that launches them over buffers. On tensors, a kernel is an
    `exec.group` region (later passes fuse groups); outlining turns each
    group into a kernel function over memrefs and the graph into a plan of
    `exec.launch` ops over buffers that the memory planner places in one
    arena. See docs/exec-dialect.md.
  }];
  let cppNamespace = "::steed::exec";
}

#endif
