//===- ONNXControlFlowOps.td - If, Loop, Scan --------------*- tablegen -*-===//
//
// ONNX's graph attributes (then_branch/else_branch/body) are regions of the
// op. A subgraph reads values of the enclosing graphs directly (implicit
// capture: region ops use SSA values defined above), its inputs are the
// block arguments and its outputs are the operands of `onnx.Yield`.
//
// Result types are inferred from the bodies, which are inferred with the
// concrete argument types (InferShapesOpInterface, ControlFlowOps.cpp):
//  * If: each result joins the two branches' types (dims that differ become
//    dynamic, ranks that differ make it unranked);
//  * Loop/Scan: a loop-carried value's type is the fixpoint of joining the
//    initial type with what the body yields for it;
//  * Loop scan outputs get a leading dim = the trip count when it is known
//    exactly (constant M and a condition that provably stays true), else `?`;
//    Scan outputs get the sequence length at their axis.
//
// The importer normalizes Scan-8 (batch axis 0, sequence_lens) to this
// (Scan-9+) form: compiler/importer/handlers/ControlFlowOps.cpp.
//
#ifndef STEED_ONNX_CONTROLFLOW_OPS
#define STEED_ONNX_CONTROLFLOW_OPS

include "dialects/onnx/ONNXBase.td"

def ONNX_YieldOp : Op<ONNX_Dialect, "Yield", [Pure, Terminator,
    ParentOneOf<["IfOp", "LoopOp", "ScanOp"]>]> {
  let summary = "the outputs of a subgraph (If branch, Loop or Scan body)";
  let arguments = (ins Variadic<AnyTensor>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

def ONNX_IfOp : ONNX_Op<"If", [SingleBlock, NoRegionArguments]> {
  let summary = "run then_branch or else_branch on a boolean scalar";
  let description = [{
    Both branches yield one value per result; they may yield different
    shapes (the result type joins them). A constant condition inlines the
    taken branch (canonicalization; the importer does it at import).

    ```mlir
    %r = onnx.If %c : (tensor<i1>) -> tensor<2xf32> {
      onnx.Yield %a : tensor<2xf32>
    } else {
      onnx.Yield %b : tensor<2xf32>
    }
    ```
  }];
  let arguments = (ins AnyTensor:$cond);
  let results = (outs Variadic<AnyTensor>:$outputs);
  let regions = (region SizedRegion<1>:$then_branch, SizedRegion<1>:$else_branch);
  let assemblyFormat = [{
    $cond attr-dict `:` functional-type(operands, results) $then_branch `else` $else_branch
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = [{
    /// The yield of a branch.
    ::steed::onnx::YieldOp thenYield();
    ::steed::onnx::YieldOp elseYield();
  }];
}

def ONNX_LoopOp : ONNX_Op<"Loop", [SingleBlock]> {
  let summary = "a loop with trip count M and/or condition cond";
  let description = [{
    `M` (i64 scalar) and `cond` (bool scalar) are optional (`none`). The body
    takes (iteration number: tensor<i64>, condition: tensor<i1>, carried...)
    and yields (condition, carried..., scan outputs...). Results: the final
    carried values, then each scan output stacked along a new leading dim.

    ```mlir
    %y, %s = onnx.Loop %m, %c, %y0 : (tensor<i64>, tensor<i1>, tensor<2xf32>)
        -> (tensor<2xf32>, tensor<3x2xf32>) {
    ^bb0(%i: tensor<i64>, %ci: tensor<i1>, %yi: tensor<2xf32>):
      %n = onnx.Add %yi, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
      onnx.Yield %ci, %n, %n : tensor<i1>, tensor<2xf32>, tensor<2xf32>
    }
    ```
  }];
  let arguments = (ins ONNX_OptTensor:$M, ONNX_OptTensor:$cond,
                   Variadic<AnyTensor>:$v_initial);
  let results = (outs Variadic<AnyTensor>:$v_final_and_scan_outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $M `,` $cond (`,` $v_initial^)? attr-dict `:` functional-type(operands, results) $body
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::steed::onnx::YieldOp bodyYield();
    unsigned getNumCarried() { return getVInitial().size(); }
    unsigned getNumScanOutputs() { return getNumResults() - getNumCarried(); }
    /// The number of iterations when it is known at compile time: M is a
    /// constant and the condition is absent or constant true and the body
    /// yields it unchanged or constant true.
    std::optional<int64_t> getStaticTripCount();
  }];
}

def ONNX_ScanOp : ONNX_Op<"Scan", [SingleBlock]> {
  let summary = "iterate a body over slices of the scan inputs (Scan-9+ form)";
  let description = [{
    Operands: the N initial states, then `num_scan_inputs` scan inputs. The
    body takes (states..., one slice of each scan input) and yields (states...,
    one slice of each scan output). `scan_*_axes` (default 0, negative counts
    from the end) and `scan_*_directions` (0 forward, 1 reverse) are ONNX's.

    ```mlir
    %s, %z = onnx.Scan %init, %x {num_scan_inputs = 1 : i64}
        : (tensor<2xf32>, tensor<3x2xf32>) -> (tensor<2xf32>, tensor<3x2xf32>) {
    ^bb0(%acc: tensor<2xf32>, %xi: tensor<2xf32>):
      %n = onnx.Add %acc, %xi : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
      onnx.Yield %n, %n : tensor<2xf32>, tensor<2xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<AnyTensor>:$initial_state_and_scan_inputs,
                   I64Attr:$num_scan_inputs,
                   OptionalAttr<DenseI64ArrayAttr>:$scan_input_axes,
                   OptionalAttr<DenseI64ArrayAttr>:$scan_input_directions,
                   OptionalAttr<DenseI64ArrayAttr>:$scan_output_axes,
                   OptionalAttr<DenseI64ArrayAttr>:$scan_output_directions);
  let results = (outs Variadic<AnyTensor>:$final_state_and_scan_outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $initial_state_and_scan_inputs attr-dict `:` functional-type(operands, results) $body
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::steed::onnx::YieldOp bodyYield();
    unsigned getNumStates() {
      return getInitialStateAndScanInputs().size() - getNumScanInputs();
    }
    unsigned getNumScanOutputs() { return getNumResults() - getNumStates(); }
    ::mlir::OperandRange getInitialStates() {
      return getInitialStateAndScanInputs().take_front(getNumStates());
    }
    ::mlir::OperandRange getScanInputs() {
      return getInitialStateAndScanInputs().drop_front(getNumStates());
    }
    /// The axis (normalized to [0, rank)) and reverse flag of scan input /
    /// output `i`; the axis is -1 when the rank is unknown.
    int64_t getScanInputAxis(unsigned i);
    bool isScanInputReversed(unsigned i);
    int64_t getScanOutputAxis(unsigned i);
    bool isScanOutputReversed(unsigned i);
    /// The sequence length when some scan input knows it, else dynamic.
    int64_t getSequenceLength();
  }];
}

#endif // STEED_ONNX_CONTROLFLOW_OPS
