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

    The output's initialization right before the call (zero fill, or a
    bias broadcast along C's rows / a conv's channels, or C's columns) and
    the in-place elementwise generic right after it (`+ r` with r laid out
    as the output, then ReLU `maximumf 0` or Clip's `cmpf`/`select`
    bounds, nothing else) are folded into the call (flags C_INIT,
    BIAS_ROW/BIAS_COL, RESIDUAL, ACT_MIN/ACT_MAX; bias and residual pointer
    and offset, bounds as f32 bits) and erased, except for 1-4 rows against
    a prepacked B (the library's small-M path).

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
    that op goes too; so does a ReLU/Clip generic updating the output in
    place right after it (the kernel clamps its output).
    Other element types, dynamic shapes and other convolutions keep their
    linalg form (loops).

    A "same" 3x3 stride-1 convolution with a constant filter, at least 16
    input channels and at least 48 2x2 output tiles (16 with at least 128
    channels: measured where the transforms cost less than the GEMMs save)
    runs as Winograd F(2x2, 3x3) with AVX-512 (option `winograd`): the
    filter is stored as its 16 transforms U = G g G^T and the call gets
    flag 4096.
  }];
  let options = [
    Option<"isaLevel", "isa", "int64_t", /*default=*/"0",
           "micro-kernel ISA: 0 generic C, 1 AVX2+FMA, 2 AVX-512F">,
    Option<"winograd", "winograd", "bool", /*default=*/"true",
           "Winograd F(2x2, 3x3) for \"same\" 3x3 stride-1 convolutions with "
           "constant filters where it pays (AVX-512)">,
  ];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def CPUApproximateMath : Pass<"steed-cpu-approximate-math"> {
  let summary = "Replaces f32 transcendentals with inline polynomial approximations";
  let description = [{
    Runs in the CPU lowering before the math ops reach convert-math-to-libm:
    f32 `math.exp`, `math.expm1`, `math.tanh`, `math.erf`, `math.log`,
    `math.log1p`, `math.log2` (option `ops`) become MLIR's polynomial
    approximations (mlir/Dialect/Math/Transforms: range reduction plus a
    minimax polynomial, a few ulp from libm, special values kept), built of
    arith/math ops with vector forms, so LLVM vectorizes the loops around
    them instead of calling libm element by element. f64 (and f16/bf16,
    computed in f32 by the lowering) ops and other functions are left alone.

    ```mlir
    // before
    %y = math.exp %x : f32
    // after: arith.mulf / math.fma / math.floor / arith.bitcast ... no call
    ```
  }];
  let options = [
    ListOption<"ops", "ops", "std::string",
               "math op mnemonics to approximate (f32 only); empty: the list above">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect"];
}
def CPUReductionLoops : Pass<"steed-cpu-reduction-loops"> {
  let summary = "Lowers innermost reductions to loops with register accumulators";
  let description = [{
    Runs in the CPU lowering before convert-linalg-to-loops, on the bufferized
    kernels. A linalg op on memrefs (`linalg.generic` or a named op) whose
    reduction dimensions are the innermost loops and whose outputs are
    indexed by the parallel dimensions only (row sums, max, mean, variance:
    Softmax, LayerNorm, ReduceX, GlobalAveragePool; pooling windows,
    depthwise convolutions) becomes scf.for loops, the parallel ones in the
    order of the first output's dimensions (its contiguous dimension
    innermost, whatever the op's loop order), in which the
    accumulators are iter_args: loaded once before the reduction loops and
    stored once after them, instead of a load and a store of the output
    buffer per iteration, which LLVM cannot promote to a register (the
    output may overlap the inputs as far as it knows). The op combining an
    accumulator with the new value (`addf`, `mulf`, `maximumf`, `minimumf`,
    `maxnumf`, `minnumf`) gets `fastmath<reassoc>` so that LLVM's loop
    vectorizer may split the reduction into vector lanes (a different
    rounding order; the sums stay in f32, as before).

    ```mlir
    // before
    linalg.generic {iterator_types = ["parallel", "reduction"]}
        ins(%x : memref<8x128xf32>) outs(%s : memref<8xf32>) {...}
    // after
    scf.for %i = %c0 to %c8 step %c1 {
      %init = memref.load %s[%i] : memref<8xf32>
      %sum = scf.for %j = %c0 to %c128 step %c1 iter_args(%acc = %init) -> (f32) {
        %v = memref.load %x[%i, %j] : memref<8x128xf32>
        %n = arith.addf %acc, %v fastmath<reassoc> : f32
        scf.yield %n : f32
      }
      memref.store %sum, %s[%i] : memref<8xf32>
    }
    ```
    Several reduction loops of static sizes that every input using them
    reads as its trailing, contiguous dimensions, in order
    (GlobalAveragePool's H and W, a window map `d2 + d4` over a 1x1 output
    counting as `d4`), become one loop over their product on
    `memref.collapse_shape` views: LLVM vectorizes one long contiguous loop,
    while two short nested ones get the inner one unrolled and the outer
    one vectorized with gathers.
    Generics with a reduction before a parallel loop, outputs indexed by a
    reduction dimension, or bodies with side effects keep
    convert-linalg-to-loops.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect", "mlir::affine::AffineDialect"];
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
