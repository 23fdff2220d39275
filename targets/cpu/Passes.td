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

def CPUMicrokernels : Pass<"steed-cpu-microkernels", "mlir::ModuleOp"> {
  let summary = "Rewrites f32 matmul and 2-D convolution into calls of the kernel library";
  let description = [{
    Runs on the planned (bufferized) module, in the CPU lowering right after
    steed-lower-launches.
    f32 `linalg.matmul` / `linalg.batch_matmul` (any projected-permutation
    operand maps: transposed and batch-broadcast operands included) and
    `linalg.conv_2d_nchw_fchw` / `linalg.conv_2d_ngchw_gfchw` on
    contiguous, static memrefs become calls of `steedk_sgemm` /
    `steedk_sconv2d` (targets/cpu/kernels/gemm.c, linked into model.so).
    Operands travel as index values: aligned pointer, offset, strides. A
    constant operand (memref.global weight) is repacked at compile time into
    the library's panel layout, as a new private global; the original is
    erased when nothing else reads it.

    The last operand of each call is the run's `steed_kernel_context`
    pointer (as an index), through which the library uses the thread pool:
    the plan (`exec.plan`) and the kernels it calls get it as a new last
    argument, and the module gets `exec.plan_kc_arg`, for which
    steed-cpu-model-entry passes the ABI's `kc`. Where no context reaches
    (no plan), 0 is passed: one thread.

    ```mlir
    // before
    linalg.matmul ins(%a, %w : memref<512x1024xf32>, memref<1024x1024xf32>)
                  outs(%c : memref<512x1024xf32>)
    // after (flags: ISA | B prepacked)
    %w_p = memref.get_global @w_packed : memref<1048576xf32>
    call @steedk_sgemm(%flags, %c1, %c512, %c1024, %c1024, %a_ptr, ...) : (index, ...) -> ()
    ```
    f32 `linalg.depthwise_conv_2d_nchw_chw` becomes a call of
    `steedk_dwconv2d` (targets/cpu/kernels/dwconv.c; filter unpacked). When
    its input is a scratch buffer that the kernel only zero-fills and copies
    the real input into (`linalg.fill 0`, `linalg.copy` into a subview at
    [0, 0, top, left]), the call reads the real input with that padding and
    the fill/copy go; when the output's last writer before it is a
    broadcast of a [C] bias (or a zero fill), the call starts from it and
    that op goes too.
    Other element types, dynamic shapes and other convolutions keep their
    linalg form (loops).
  }];
  let options = [
    Option<"isaLevel", "isa", "int64_t", /*default=*/"0",
           "micro-kernel ISA: 0 generic C, 1 AVX2+FMA, 2 AVX-512F">,
  ];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def CPUParallelizeLoops : Pass<"steed-cpu-parallelize-loops", "mlir::ModuleOp"> {
  let summary = "Splits big linalg loop nests over the runtime's thread pool";
  let description = [{
    Runs in the CPU lowering after steed-cpu-microkernels and
    steed-cpu-expand-strided-copies, before the passes that lower the
    remaining linalg ops. A linalg op on strided memrefs whose first loop
    is parallel, whose body uses only constants from above, in whose
    operand maps the split loops appear only as plain dimensions, and whose
    iteration domain has at least `min-work` points (a dynamic extent
    counts as 1: a dynamic batch needs the work per image) is split over
    its outer parallel loops (the fewest giving `min-tasks` tasks, dynamic
    ones counting as 1), linearized into [0, n) (n computed at run time
    when dynamic), on the thread pool. A new function with the C
    signature of `steed_parallel_body` (`arg`, `begin`, `end`: three index
    values) reads what it uses (memrefs: aligned pointer, plus dynamic
    offset, sizes and strides; index values such as dynamic extents) from
    a stack array of index slots and, per task, runs a clone of the op on
    subviews in which the split loops have extent 1 (so the passes after
    this one lower it as before); the op becomes a call of
    `steedk_parallel` (targets/cpu/kernels/parallel.c), which runs the body
    directly when the pool has one thread. The kernel context reaches the
    function as steed-cpu-microkernels plumbs it (an argument marked
    `exec.kernel_context`, the plan's `exec.plan_kc_arg`).

    ```mlir
    // before
    func.func private @k(%x: memref<64x1024xf32>, %y: memref<64x1024xf32>) {
      linalg.generic {...iterator_types = ["parallel", "parallel"]}
          ins(%x : memref<64x1024xf32>) outs(%y : memref<64x1024xf32>) {...}
    }
    // after
    func.func private @k(%x: ..., %y: ..., %kc: index {exec.kernel_context}) {
      %slots = memref.alloca() : memref<2xindex>
      // store the aligned pointers of %x and %y into %slots
      %fn = constant @k_par0 : (index, index, index) -> ()
      call @steedk_parallel(%kc, %c64, %fn, %slots_ptr) : (...) -> ()
    }
    func.func private @k_par0(%args: index, %begin: index, %end: index) {
      // %x, %y rebuilt from the slots
      scf.for %i = %begin to %end step %c1 {
        %xs = memref.subview %x[%i, 0] [1, 1024] [1, 1] : ... to memref<1x1024xf32, strided<[1024, 1], offset: ?>>
        %ys = memref.subview %y[%i, 0] [1, 1024] [1, 1] : ...
        linalg.generic {...} ins(%xs : ...) outs(%ys : ...) {...}
      }
    }
    ```
    Smaller ops, reductions over the first loop, ops with a parallel loop
    that does not index every output (chunks would write the same
    elements) and ops whose body uses non-constant scalars from above keep
    their sequential loops.
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", /*default=*/"32768",
           "smallest iteration domain (points) to split">,
    Option<"minTasks", "min-tasks", "int64_t", /*default=*/"64",
           "outer dimensions are linearized until they give this many tasks">,
  ];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect", "mlir::scf::SCFDialect",
                           "mlir::LLVM::LLVMDialect"];
}

#endif
