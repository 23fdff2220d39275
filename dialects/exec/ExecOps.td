//===- ExecOps.td - Ops of the exec dialect ----------------*- tablegen -*-===//
#ifndef STEED_EXEC_OPS
#define STEED_EXEC_OPS

include "dialects/exec/ExecDialect.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

class Exec_Op<string mnemonic, list<Trait> traits = []>
    : Op<Exec_Dialect, mnemonic, traits>;

def Exec_GroupOp : Exec_Op<"group", [IsolatedFromAbove,
    SingleBlockImplicitTerminator<"YieldOp">, RecursiveMemoryEffects]> {
  let summary = "a kernel on tensors: the ops one target kernel will run";
  let description = [{
    Values flow in through `inputs` (the block arguments) and out through
    `exec.yield`. Kernel formation makes one group per onnx op; fusion merges
    groups. `nodes` lists the ONNX nodes the group computes (for reports).

    ```mlir
    %y = exec.group(%x) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      %r = onnx.Relu %a : tensor<4xf32> -> tensor<4xf32>
      exec.yield %r : tensor<4xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$inputs, OptionalAttr<StrArrayAttr>:$nodes);
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `(` $inputs `)` attr-dict `:` functional-type($inputs, $results) $body
  }];
  let hasVerifier = 1;
}

def Exec_YieldOp : Exec_Op<"yield", [Pure, ReturnLike, Terminator,
                                     HasParent<"GroupOp">]> {
  let summary = "the results of an exec.group";
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
  let builders = [OpBuilder<(ins), [{ /* no values */ }]>];
}

def Exec_LaunchOp : Exec_Op<"launch", [DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "runs a kernel function over buffers (in the plan)";
  let description = [{
    `args` are the kernel's inputs followed by its outputs of static shape
    and scratch buffers, all memrefs. A result whose shape is known only at
    run time is allocated by the kernel and returned (`results`); the plan
    owns it from then on. Lowered to a call by the target.

    ```mlir
    exec.launch @k0_relu(%x, %buf) : (memref<4xf32>, memref<4xf32>) -> ()
    %y = exec.launch @k1_expand(%x, %shape) : (memref<4xf32>, memref<2xi64>) -> memref<?x4xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$kernel, Variadic<AnyMemRef>:$args);
  let results = (outs Variadic<AnyMemRef>:$results);
  let assemblyFormat = "$kernel `(` $args `)` attr-dict `:` functional-type($args, $results)";
}

#endif
