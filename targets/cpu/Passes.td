//===- Passes.td - Passes of the CPU target ----------------*- tablegen -*-===//
#ifndef STEED_TARGETS_CPU_PASSES
#define STEED_TARGETS_CPU_PASSES

include "mlir/Pass/PassBase.td"

def CPUModelEntry : Pass<"steed-cpu-model-entry", "mlir::ModuleOp"> {
  let summary = "Adds the model ABI's entry points to the lowered LLVM module";
  let description = [{
    Runs after the LLVM lowering. Reads `exec.model_info` (set by the target
    before lowering) and `exec.arena_size`, and adds the three symbols of
    docs/model-abi.md:

    ```mlir
    llvm.mlir.global external constant @steed_model_info("steed-model 1\n...\00")
    llvm.mlir.global external constant @steed_model_arena_size(192 : i64) : i64
    llvm.func @steed_model_run(%args: !llvm.ptr) {
      // loads args[0..n) and calls @steed_plan(in..., out..., arena)
    }
    ```
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def CPUExpandStridedCopies : Pass<"steed-cpu-expand-strided-copies", "mlir::ModuleOp"> {
  let summary = "Rewrites memref.copy between non-contiguous buffers as linalg.copy";
  let description = [{
    The LLVM lowering turns a contiguous memref.copy into memcpy but a
    strided one into a call of the MLIR runtime's `memrefCopy`, which a model
    library must not need. Strided copies become loops instead.

    ```mlir
    // before
    memref.copy %a, %b : memref<4xf32, strided<[2]>> to memref<4xf32>
    // after
    linalg.copy ins(%a : memref<4xf32, strided<[2]>>) outs(%b : memref<4xf32>)
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

#endif
