//===- Passes.td - Steed's passes --------------------------*- tablegen -*-===//
#ifndef STEED_PASSES
#define STEED_PASSES

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// onnx dialect
//===----------------------------------------------------------------------===//

def InferShapes : Pass<"steed-infer-shapes", "mlir::func::FuncOp"> {
  let summary = "Re-infers the result types of onnx ops from the function arguments";
  let description = [{
    Walks the onnx ops in order and calls their InferShapesOpInterface, then
    updates the function's result types. Used after argument types change
    (e.g. dimensions pinned by --input-shape).

    ```mlir
    // before
    func.func @f(%x: tensor<2x3xf32>) -> tensor<*xf32> {
      %y = onnx.Relu %x : tensor<2x3xf32> -> tensor<*xf32>
      return %y : tensor<*xf32>
    }
    // after
    func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
      %y = onnx.Relu %x : tensor<2x3xf32> -> tensor<2x3xf32>
      return %y : tensor<2x3xf32>
    }
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Kernels and plan
//===----------------------------------------------------------------------===//

def FormKernels : Pass<"steed-form-kernels", "mlir::func::FuncOp"> {
  let summary = "Wraps each onnx op in its own exec.group (one kernel per op)";
  let description = [{
    The starting point of fusion: every onnx op except constants becomes a
    group of its own. Small constants (and `none`) used by the op are cloned
    into the group; big ones (weights) stay outside and flow in. A
    control-flow op (If, Loop, Scan) keeps its bodies: values they capture
    from above are group inputs like operands.

    ```mlir
    // before
    %y = onnx.Relu %x : tensor<4xf32> -> tensor<4xf32>
    // after
    %y = exec.group(%x) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      %r = onnx.Relu %a : tensor<4xf32> -> tensor<4xf32>
      exec.yield %r : tensor<4xf32>
    }
    ```
  }];
  let options = [
    Option<"cloneConstantLimit", "clone-constant-limit", "int64_t", "64",
           "Constants with at most this many elements are cloned into groups">,
  ];
  let dependentDialects = ["steed::exec::ExecDialect"];
}

def FuseKernels : Pass<"steed-fuse-kernels", "mlir::func::FuncOp"> {
  let summary = "Merges exec.groups: epilogues, elementwise chains, normalizations";
  let description = [{
    Merges a producer group into its consumer when every use of the
    producer's results is in that consumer (nothing is computed twice) and
    the pair is one of:

    * an epilogue: an elementwise consumer (Add, Relu, Cast, Clip, Where,
      ... with broadcasting of its other operands) whose results have the
      shape of the producer's results or of the producer's domain
      (conv/matmul/gemm + bias + activation + residual add; chains of
      elementwise ops; `x - mean(x)` after a reduction);
    * a prologue: an elementwise producer of the tensor a reduction
      consumer reduces (`Pow -> ReduceMean`);
    * two reductions, or an anchor (conv, matmul, any other op) and a
      reduction, over the same domain (decomposed LayerNorm, Softmax after
      a MatMul).

    The domain of a group is the iteration space of its main op: the result
    of an anchor or elementwise op, the first operand of a reduction
    (ReduceX, Softmax, LogSoftmax, LayerNormalization). Two anchors never
    merge; neither do groups with regions (If, Loop, Scan), data-dependent
    ops (NonZero, Unique, ...) or tensors whose shapes are not static. The
    merged group sits at the consumer's place; its `nodes` are the
    producer's followed by the consumer's.

    ```mlir
    // before
    %c = exec.group(%x, %w) {nodes = ["conv"]} : (...) -> tensor<1x8x4x4xf32> {...}
    %r = exec.group(%c) {nodes = ["relu"]} : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
    ^bb0(%a: tensor<1x8x4x4xf32>):
      %0 = onnx.Relu %a : tensor<1x8x4x4xf32> -> tensor<1x8x4x4xf32>
      exec.yield %0 : tensor<1x8x4x4xf32>
    }
    // after
    %r = exec.group(%x, %w) {nodes = ["conv", "relu"]} : (...) -> tensor<1x8x4x4xf32> {
    ^bb0(%a: tensor<1x3x4x4xf32>, %b: tensor<8x3x1x1xf32>):
      %0 = onnx.Conv %a, %b, ... 
      %1 = onnx.Relu %0 : tensor<1x8x4x4xf32> -> tensor<1x8x4x4xf32>
      exec.yield %1 : tensor<1x8x4x4xf32>
    }
    ```
  }];
  let options = [
    Option<"maxOps", "max-ops", "int64_t", "64",
           "Groups never grow beyond this many onnx ops (constants not counted)">,
  ];
  let dependentDialects = ["steed::exec::ExecDialect"];
}

def FuseElementwise : Pass<"steed-fuse-elementwise", "mlir::ModuleOp"> {
  let summary = "Fuses the elementwise linalg.generics inside each exec.group";
  let description = [{
    Runs after steed-lower-onnx: upstream elementwise fusion
    (`linalg::populateElementwiseOpsFusionPatterns`, a producer only into
    its single consumer) inside every group, so that a fused group's chain
    of elementwise ops becomes one loop nest; and an all-parallel generic
    that writes a fresh tensor shaped like an input that nothing else reads
    writes over that input instead (the epilogue of a conv runs in the
    conv's buffer). Named ops (conv, matmul) are left as they are.

    ```mlir
    // before
    %c = linalg.conv_2d_nchw_fchw ins(%x, %w : ...) outs(%b : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
    %e = tensor.empty() : tensor<1x8x4x4xf32>
    %r = linalg.generic {...} ins(%c : tensor<1x8x4x4xf32>) outs(%e : tensor<1x8x4x4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %m = arith.maximumf %in, %zero : f32
      linalg.yield %m : f32
    } -> tensor<1x8x4x4xf32>
    // after
    %c = linalg.conv_2d_nchw_fchw ins(%x, %w : ...) outs(%b : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
    %r = linalg.generic {...} outs(%c : tensor<1x8x4x4xf32>) {
    ^bb0(%out: f32):
      %m = arith.maximumf %out, %zero : f32
      linalg.yield %m : f32
    } -> tensor<1x8x4x4xf32>
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect"];
}

def LowerONNX : Pass<"steed-lower-onnx", "mlir::ModuleOp"> {
  let summary = "Lowers onnx ops to linalg, tensor, arith and math";
  let description = [{
    One pattern file per op family (passes/lowering/). Unsigned integer
    tensors become signless (tensor.bitcast at the boundaries, which fold
    away later). Fails, naming the node, on any op it cannot lower.

    ```mlir
    // before
    %y = onnx.Relu %x : tensor<4xf32> -> tensor<4xf32>
    // after
    %e = tensor.empty() : tensor<4xf32>
    %y = linalg.generic {...} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
    ^bb0(%a: f32, %o: f32):
      %m = arith.maximumf %a, %cst : f32
      linalg.yield %m : f32
    } -> tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
    "mlir::arith::ArithDialect", "mlir::math::MathDialect",
    "mlir::scf::SCFDialect",
  ];
}

def OutlineKernels : Pass<"steed-outline-kernels", "mlir::ModuleOp"> {
  let summary = "Turns exec.groups into kernel functions and the graph into a plan";
  let description = [{
    Each exec.group becomes `func.func @kN_<op>(inputs..., outputs...)` over
    memrefs (tensor bodies between bufferization.to_tensor and
    materialize_in_destination, bufferized later). The graph function becomes
    the plan `@steed_plan(inputs..., outputs...)`: one memref.alloc per
    intermediate, one exec.launch per group, weights as memref.globals.

    Dynamic shapes: a group result whose shape is known only at run time is
    allocated by its kernel (sizes from tensor.dim of the computed tensor)
    and returned (`%t = exec.launch @k(...) : (...) -> memref<?x4xf32>`); the
    plan frees it after its last use. Dynamic graph outputs are returned by
    the plan (the caller owns them; `exec.output_slots` maps outputs to plan
    arguments or results); static outputs stay caller buffers.

    ```mlir
    // before
    func.func @main_graph(%x: tensor<4xf32>) -> tensor<4xf32> {
      %y = exec.group(%x) : (tensor<4xf32>) -> tensor<4xf32> {...}
      return %y : tensor<4xf32>
    }
    // after
    func.func private @k0_relu(%in: memref<4xf32>, %out: memref<4xf32>) {...}
    func.func @steed_plan(%x: memref<4xf32>, %y: memref<4xf32>) attributes {exec.plan} {
      exec.launch @k0_relu(%x, %y) : (memref<4xf32>, memref<4xf32>) -> ()
      return
    }
    ```
  }];
  let dependentDialects = [
    "steed::exec::ExecDialect", "mlir::bufferization::BufferizationDialect",
    "mlir::memref::MemRefDialect", "mlir::tensor::TensorDialect",
  ];
}

def PlanMemory : Pass<"steed-plan-memory", "mlir::ModuleOp"> {
  let summary = "Places every buffer of the plan at an offset in one arena";
  let description = [{
    First, kernels that only move data alias instead of copying: a
    Reshape's result becomes a view of its input, a contiguous Slice's
    result a view of a range of its input, and a Concat's inputs views of
    consecutive ranges of its output (concatenation along an axis with only
    unit dimensions before it); their launches and kernels go. Only plan
    allocations of static shape take part (never the plan's inputs or
    outputs), each aliased buffer has one parent, and the root lives as long
    as any buffer inside it.

    Inside kernels, an input copied into a slot of a local buffer only to be
    copied on (bufferization's leftover of a Concat's first input) is copied
    straight to its destination. Kernel-internal allocations of static shape
    (also those inside loops) become extra kernel arguments (scratch), so a
    run of a static model
    allocates nothing; kernel-internal allocations sized at run time are
    freed at the end of their block, and a dynamic result computed into one
    buffer and copied into the returned one is returned directly. Then every
    static memref.alloc of the plan gets an
    offset in one arena (a new last argument of the plan) by a best-fit
    placement over the buffers' lifetimes (plan order); buffers whose
    lifetimes do not overlap share memory. The arena size is recorded in the
    module attribute `exec.arena_size`.

    ```mlir
    // before
    %b = memref.alloc() : memref<4xf32>
    exec.launch @k0(%x, %b) : (memref<4xf32>, memref<4xf32>) -> ()
    // after (%arena: memref<64xi8>, last plan argument)
    %b = memref.view %arena[%c0][] : memref<64xi8> to memref<4xf32>
    exec.launch @k0(%x, %b) : (memref<4xf32>, memref<4xf32>) -> ()
    ```
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", "64", "Alignment of every buffer in bytes">,
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect", "mlir::arith::ArithDialect"];
}

def LowerLaunches : Pass<"steed-lower-launches", "mlir::ModuleOp"> {
  let summary = "Lowers exec.launch to func.call";
  let description = [{
    The last step before a target's LLVM (or other) lowering: a launch is a
    plain call of the kernel function on the host.

    ```mlir
    // before
    exec.launch @k0(%x, %y) : (memref<4xf32>, memref<4xf32>) -> ()
    // after
    func.call @k0(%x, %y) : (memref<4xf32>, memref<4xf32>) -> ()
    ```
  }];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

#endif // STEED_PASSES
