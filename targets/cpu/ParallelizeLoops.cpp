//===- ParallelizeLoops.cpp - big linalg loop nests on the thread pool ----===//
//
// A linalg op on strided memrefs whose iteration domain is big enough is
// split over its outer parallel loops, linearized into [0, n), on the
// runtime's thread pool: a function
//
//   func.func private @kernel_par0(%args: index, %begin: index, %end: index)
//
// (the C signature of steed_parallel_body: a pointer and two int64_t) reads
// the values it uses from a stack array of index slots (`%args`) and, per
// task, runs the op on subviews in which the split loops have extent 1;
// the op becomes `call @steedk_parallel(kc, n, @kernel_par0, args)`
// (targets/cpu/kernels/parallel.c), which calls the body directly when the
// pool has one thread. The later passes lower the op in the body as before.
//===----------------------------------------------------------------------===//
#include "dialects/exec/ExecOps.h"
#include "targets/cpu/KernelContext.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/RegionUtils.h"

namespace steed {
#define GEN_PASS_DECL_CPUPARALLELIZELOOPS
#define GEN_PASS_DEF_CPUPARALLELIZELOOPS
#include "targets/cpu/Passes.h.inc"
} // namespace steed

using namespace mlir;
namespace exec = steed::exec;

namespace {
constexpr const char *kParallel = "steedk_parallel";
/// Marks the argument that carries the steed_kernel_context pointer (also
/// set by steed-cpu-microkernels).
using steed::cpu::kKernelContextArg;

struct CPUParallelizeLoopsPass
    : steed::impl::CPUParallelizeLoopsBase<CPUParallelizeLoopsPass> {
  using Base::Base;

  /// The kernel context inside a function, plumbed as steed-cpu-microkernels
  /// does (targets/cpu/KernelContext.h); set up by run().
  std::optional<steed::cpu::KernelContextPlumbing> kernelContexts;
  Value kernelContext(func::FuncOp fn) { return kernelContexts->get(fn); }

  /// Work (iteration domain size) of a linalg op that may be split, or 0.
  int64_t eligibleWork(linalg::LinalgOp op) {
    if (!op.hasPureBufferSemantics() || op.getNumLoops() == 0 ||
        !linalg::isParallelIterator(op.getIteratorTypesArray().front()))
      return 0;
    for (Value v : op->getOperands()) {
      auto t = dyn_cast<MemRefType>(v.getType());
      if (!t || !t.isStrided())
        return 0;
    }
    // Iterations of different chunks must write different elements: every
    // parallel loop indexes every output.
    for (auto [d, kind] : llvm::enumerate(op.getIteratorTypesArray()))
      if (linalg::isParallelIterator(kind))
        for (OpOperand &init : op.getDpsInitsMutable())
          if (!op.getMatchingIndexingMap(&init).isFunctionOfDim(d))
            return 0;
    // A dynamic extent counts as 1 (a dynamic batch: the work per image).
    int64_t work = 1;
    for (int64_t r : op.getStaticLoopRanges())
      work *= ShapedType::isDynamic(r) ? 1 : r;
    // Values from above in the body: only constants are cloned.
    bool ok = true;
    visitUsedValuesDefinedAbove(op->getRegions(), [&](OpOperand *use) {
      if (!matchPattern(use->get(), m_Constant()))
        ok = false;
    });
    return ok ? work : 0;
  }

  /// A memref the body can rebuild: strided layout (the aligned pointer and
  /// the dynamic offset, sizes and strides travel in index slots).
  static bool capturable(Value v) {
    auto t = dyn_cast<MemRefType>(v.getType());
    return t && t.isStrided() && isa<IntegerType, FloatType, IndexType>(t.getElementType());
  }

  /// Outlines `op` split over its leading parallel loops: the body runs,
  /// per task, the op on subviews in which the split loops have extent 1.
  LogicalResult outline(linalg::LinalgOp op, func::FuncOp parent, unsigned &counter) {
    SmallVector<int64_t> ub = op.getStaticLoopRanges(); // kDynamic where not static
    SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
    // Split over the fewest outer parallel loops giving at least minTasks
    // tasks (a dynamic extent counts as 1).
    int64_t nStatic = 1;
    unsigned split = 0;
    bool dynamicSplit = false;
    while (split < ub.size() && nStatic < minTasks && linalg::isParallelIterator(iters[split])) {
      dynamicSplit |= ShapedType::isDynamic(ub[split]);
      nStatic *= ShapedType::isDynamic(ub[split]) ? 1 : ub[split];
      ++split;
    }
    if (split == 0 || (nStatic < 2 && !dynamicSplit))
      return failure();
    // A split loop may only appear as a plain dimension in operand maps.
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    for (AffineMap map : maps)
      for (AffineExpr e : map.getResults()) {
        auto dim = dyn_cast<AffineDimExpr>(e);
        if (dim && dim.getPosition() < split)
          continue;
        for (unsigned d = 0; d < split; ++d)
          if (e.isFunctionOfDim(d))
            return failure();
      }

    // The split loops' extents in the caller.
    OpBuilder cb(op);
    Location loc = op.getLoc();
    SmallVector<Value> ubv;
    {
      SmallVector<Range> ranges = op.createLoopRanges(cb, loc);
      for (unsigned d = 0; d < split; ++d)
        ubv.push_back(getValueOrCreateConstantIndexOp(cb, loc, ranges[d].size));
    }

    // Captured values: constants are cloned; memrefs and index scalars (the
    // dynamic extents among them) travel as index slots.
    SetVector<Value> above;
    for (Value v : op->getOperands())
      above.insert(v);
    getUsedValuesDefinedAbove(op->getRegions(), above);
    for (Value v : ubv)
      above.insert(v);
    SmallVector<Value> captured, constants;
    for (Value v : above) {
      if (matchPattern(v, m_Constant()) && v.getDefiningOp()->getNumResults() == 1)
        constants.push_back(v);
      else if (capturable(v) || v.getType().isIndex())
        captured.push_back(v);
      else
        return failure();
    }

    MLIRContext *ctx = op.getContext();
    ModuleOp module = getOperation();
    IndexType index = IndexType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    auto ptrType = LLVM::LLVMPointerType::get(ctx);

    // The body function.
    OpBuilder mb(module.getBodyRegion());
    mb.setInsertionPointAfter(parent);
    auto bodyType = FunctionType::get(ctx, {index, index, index}, {});
    std::string name = (parent.getSymName() + "_par" + Twine(counter++)).str();
    auto body = func::FuncOp::create(mb, loc, name, bodyType);
    body.setPrivate();
    SymbolTable(module).insert(body);
    Block *entry = body.addEntryBlock();
    OpBuilder b = OpBuilder::atBlockBegin(entry);
    Value argsIdx = entry->getArgument(0), begin = entry->getArgument(1),
          end = entry->getArgument(2);

    // Slots written by the caller: an index scalar, or per memref its
    // pointer, then its dynamic offset, then per dimension its dynamic size
    // and stride.
    enum { kScalar = -1, kPointer = 0, kOffset = 1 };
    struct Slot {
      Value value;
      int kind; // kScalar, kPointer, kOffset, 2 + d: size d, 2 + rank + d: stride d
    };
    SmallVector<Slot> slots;
    for (Value v : captured) {
      auto t = dyn_cast<MemRefType>(v.getType());
      if (!t) {
        slots.push_back({v, kScalar});
        continue;
      }
      auto [strides, offset] = t.getStridesAndOffset();
      slots.push_back({v, kPointer});
      if (ShapedType::isDynamic(offset))
        slots.push_back({v, kOffset});
      for (int64_t d = 0; d < t.getRank(); ++d) {
        if (t.isDynamicDim(d))
          slots.push_back({v, int(2 + d)});
        if (ShapedType::isDynamic(strides[d]))
          slots.push_back({v, int(2 + t.getRank() + d)});
      }
    }
    int64_t numSlots = std::max<int64_t>(1, slots.size());
    auto slotsType = MemRefType::get({numSlots}, index);

    auto toPtr = [&](Value idx) {
      Value asInt = arith::IndexCastOp::create(b, loc, i64, idx);
      return LLVM::IntToPtrOp::create(b, loc, ptrType, asInt).getResult();
    };
    // An LLVM memref descriptor cast to `type`; the LLVM lowering folds the
    // casts away. `dyn` holds the dynamic fields in slot order.
    auto memrefAt = [&](Value ptr, MemRefType type, ArrayRef<Value> dyn) -> Value {
      auto [strides, offset] = type.getStridesAndOffset();
      int64_t rank = type.getRank();
      SmallVector<Type> fields{ptrType, ptrType, i64};
      if (rank > 0) {
        fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
        fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
      }
      auto descType = LLVM::LLVMStructType::getLiteral(ctx, fields);
      Value desc = LLVM::PoisonOp::create(b, loc, descType);
      unsigned next = 0;
      auto field = [&](int64_t v) -> Value {
        if (!ShapedType::isDynamic(v))
          return LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(v));
        return arith::IndexCastOp::create(b, loc, i64, dyn[next++]);
      };
      desc = LLVM::InsertValueOp::create(b, loc, desc, ptr, ArrayRef<int64_t>{0});
      desc = LLVM::InsertValueOp::create(b, loc, desc, ptr, ArrayRef<int64_t>{1});
      desc = LLVM::InsertValueOp::create(b, loc, desc, field(offset), ArrayRef<int64_t>{2});
      for (int64_t d = 0; d < rank; ++d) {
        desc = LLVM::InsertValueOp::create(b, loc, desc, field(type.getDimSize(d)),
                                           ArrayRef<int64_t>{3, d});
        desc = LLVM::InsertValueOp::create(b, loc, desc, field(strides[d]),
                                           ArrayRef<int64_t>{4, d});
      }
      return UnrealizedConversionCastOp::create(b, loc, type, desc).getResult(0);
    };

    IRMapping map;
    Value slotsMem = memrefAt(toPtr(argsIdx), slotsType, {});
    {
      auto load = [&](unsigned s) -> Value {
        return memref::LoadOp::create(b, loc, slotsMem,
                                      ValueRange{arith::ConstantIndexOp::create(b, loc, s)});
      };
      unsigned s = 0;
      for (Value v : captured) {
        auto t = dyn_cast<MemRefType>(v.getType());
        if (!t) {
          map.map(v, load(s++));
          continue;
        }
        Value ptr = toPtr(load(s++));
        SmallVector<Value> dyn;
        while (s < slots.size() && slots[s].value == v && slots[s].kind > kPointer)
          dyn.push_back(load(s++));
        map.map(v, memrefAt(ptr, t, dyn));
      }
    }
    for (Value c : constants)
      map.map(c, b.clone(*c.getDefiningOp())->getResult(0));

    // for t in [begin, end): the split loops' indices, subviews of extent 1
    // along them, the op on the subviews.
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    auto loop = scf::ForOp::create(b, loc, begin, end, one);
    b.setInsertionPointToStart(loop.getBody());
    SmallVector<Value> ivs(split);
    Value t = loop.getInductionVar();
    for (int64_t d = split - 1; d >= 0; --d) {
      if (d == 0) {
        ivs[d] = t;
        break;
      }
      Value size = map.lookup(ubv[d]);
      ivs[d] = arith::RemUIOp::create(b, loc, t, size);
      t = arith::DivUIOp::create(b, loc, t, size);
    }
    IRMapping opMap;
    for (Value c : constants)
      opMap.map(c, map.lookup(c));
    for (auto [operand, opMapAttr] : llvm::zip(op->getOpOperands(), maps)) {
      Value v = map.lookup(operand.get());
      auto type = cast<MemRefType>(v.getType());
      SmallVector<OpFoldResult> offsets, sizes, strides;
      bool sliced = false;
      for (auto [i, e] : llvm::enumerate(opMapAttr.getResults())) {
        auto dim = dyn_cast<AffineDimExpr>(e);
        strides.push_back(b.getIndexAttr(1));
        if (dim && dim.getPosition() < split) {
          offsets.push_back(ivs[dim.getPosition()]);
          sizes.push_back(b.getIndexAttr(1));
          sliced = true;
          continue;
        }
        offsets.push_back(b.getIndexAttr(0));
        if (type.isDynamicDim(i))
          sizes.push_back(memref::DimOp::create(b, loc, v, i).getResult());
        else
          sizes.push_back(b.getIndexAttr(type.getDimSize(i)));
      }
      opMap.map(operand.get(),
                sliced ? memref::SubViewOp::create(b, loc, v, offsets, sizes, strides).getResult()
                       : v);
    }
    b.clone(*op, opMap);
    b.setInsertionPointToEnd(entry);
    func::ReturnOp::create(b, loc);

    // The caller: fill the slots, call the pool.
    Value kc = kernelContext(parent);
    OpBuilder eb = OpBuilder::atBlockBegin(&parent.getBody().front());
    Value slotsAlloca = memref::AllocaOp::create(eb, loc, slotsType);
    for (auto [s, slot] : llvm::enumerate(slots)) {
      Value v;
      if (slot.kind == kScalar) {
        v = slot.value;
      } else if (slot.kind == kPointer) {
        v = memref::ExtractAlignedPointerAsIndexOp::create(cb, loc, slot.value);
      } else {
        auto meta = memref::ExtractStridedMetadataOp::create(cb, loc, slot.value);
        int64_t rank = cast<MemRefType>(slot.value.getType()).getRank();
        v = slot.kind == kOffset      ? Value(meta.getOffset())
            : slot.kind < 2 + rank ? Value(meta.getSizes()[slot.kind - 2])
                                   : Value(meta.getStrides()[slot.kind - 2 - rank]);
      }
      memref::StoreOp::create(cb, loc, v, slotsAlloca,
                              ValueRange{arith::ConstantIndexOp::create(cb, loc, s)});
    }
    Value argsPtr = memref::ExtractAlignedPointerAsIndexOp::create(cb, loc, slotsAlloca);
    Value fnPtr = func::ConstantOp::create(cb, loc, bodyType, FlatSymbolRefAttr::get(body));
    Value count;
    if (!dynamicSplit) {
      count = arith::ConstantIndexOp::create(cb, loc, nStatic);
    } else {
      count = ubv[0];
      for (unsigned d = 1; d < split; ++d)
        count = arith::MulIOp::create(cb, loc, count, ubv[d]);
    }
    func::CallOp::create(cb, loc, kParallel, TypeRange{}, ValueRange{kc, count, fnPtr, argsPtr});
    op->erase();
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    run(module);
    // The LLVM lowering has no use for the marker.
    for (auto fn : module.getOps<func::FuncOp>())
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        fn.removeArgAttr(i, kKernelContextArg);
  }

  void run(ModuleOp module) {
    kernelContexts.emplace(module);
    SmallVector<linalg::LinalgOp> candidates;
    for (auto fn : module.getOps<func::FuncOp>())
      fn.walk([&](linalg::LinalgOp op) {
        if (eligibleWork(op) >= minWork)
          candidates.push_back(op);
      });
    if (candidates.empty())
      return;
    llvm::DenseMap<Operation *, unsigned> counters;
    bool declared = false;
    for (linalg::LinalgOp op : candidates) {
      auto parent = op->getParentOfType<func::FuncOp>();
      if (failed(outline(op, parent, counters[parent])))
        continue; // stays for convert-linalg-to-loops
      if (!declared) {
        declared = true;
        OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
        IndexType index = b.getIndexType();
        auto bodyType = b.getFunctionType({index, index, index}, {});
        auto fn = func::FuncOp::create(
            b, module.getLoc(), kParallel,
            b.getFunctionType({index, index, bodyType, index}, {}));
        fn.setPrivate();
      }
    }
  }
};
} // namespace
