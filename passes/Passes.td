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
    Kernel-internal allocations of static shape (also those inside loops)
    become extra kernel arguments (scratch), so a run of a static model
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
