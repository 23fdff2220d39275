//===- PlanMemory.cpp - Static arena placement of the plan's buffers ------===//
#include "dialects/exec/ExecOps.h"
#include "passes/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/DenseMap.h"

namespace steed {
#define GEN_PASS_DEF_PLANMEMORY
#include "passes/Passes.h.inc"
} // namespace steed

using namespace mlir;
using namespace steed;

namespace {

int64_t byteSize(MemRefType t) {
  int64_t elemBytes = std::max<int64_t>(1, t.getElementTypeBitWidth() / 8);
  return t.getNumElements() * elemBytes;
}

struct PlanMemoryPass : steed::impl::PlanMemoryBase<PlanMemoryPass> {
  using PlanMemoryBase::PlanMemoryBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp plan;
    for (auto fn : module.getOps<func::FuncOp>())
      if (fn->hasAttr(exec::kPlanAttrName))
        plan = fn;
    if (!plan) {
      module.emitError("no function marked exec.plan");
      return signalPassFailure();
    }
    if (failed(hoistKernelAllocs(module)))
      return signalPassFailure();
    placeInArena(module, plan);
  }

  /// Top-level static allocations of a kernel become scratch arguments that
  /// each launch passes (allocated in the plan, hence in the arena).
  LogicalResult hoistKernelAllocs(ModuleOp module) {
    DenseMap<StringAttr, SmallVector<MemRefType>> scratch;
    for (auto kernel : module.getOps<func::FuncOp>()) {
      if (!kernel->hasAttr(exec::kKernelAttrName) || kernel.isDeclaration())
        continue;
      SmallVector<memref::AllocOp> allocs;
      // Static allocations, also those inside loops (one buffer serves every
      // iteration) unless they escape through a terminator.
      kernel.walk([&](memref::AllocOp alloc) {
        if (!alloc.getType().hasStaticShape() || !alloc.getType().getLayout().isIdentity())
          return;
        if (alloc->getBlock() != &kernel.getBody().front() &&
            llvm::any_of(alloc->getUsers(), [](Operation *user) {
              return user->hasTrait<OpTrait::IsTerminator>();
            }))
          return;
        allocs.push_back(alloc);
      });
      freeDynamicTemporaries(kernel);
      if (allocs.empty())
        continue;
      auto &types = scratch[kernel.getSymNameAttr()];
      for (memref::AllocOp alloc : allocs) {
        BlockArgument arg =
            kernel.getBody().front().addArgument(alloc.getType(), alloc.getLoc());
        alloc.getResult().replaceAllUsesWith(arg);
        alloc.erase();
        types.push_back(cast<MemRefType>(arg.getType()));
      }
      // Deallocations of hoisted buffers go away with them.
      kernel.walk([](memref::DeallocOp d) {
        if (isa<BlockArgument>(d.getMemref()))
          d.erase();
      });
      kernel.setType(FunctionType::get(kernel.getContext(),
                                       kernel.getBody().front().getArgumentTypes(),
                                       kernel.getResultTypes()));
    }
    module.walk([&](exec::LaunchOp launch) {
      auto it = scratch.find(launch.getKernelAttr().getAttr());
      if (it == scratch.end())
        return;
      OpBuilder b(launch);
      SmallVector<Value> args(launch.getArgs());
      for (MemRefType t : it->second)
        args.push_back(memref::AllocOp::create(b, launch.getLoc(), t));
      launch.getArgsMutable().assign(args);
    });
    return success();
  }

  /// Allocations sized at run time inside a kernel are freed at the end of
  /// their block unless they are returned (a dynamic result the plan owns)
  /// or escape through a terminator.
  static void freeDynamicTemporaries(func::FuncOp kernel) {
    // A dynamic result is copied from the buffer that computed it into the
    // one the kernel returns; return the computing buffer instead when it
    // is a plain allocation of the same type that is not used after the copy.
    kernel.walk([&](func::ReturnOp ret) {
      for (OpOperand &retOperand : ret->getOpOperands()) {
        // The returned value may be a memref.cast of the buffer (a result
        // whose kernel-side type has more static dims than the plan's).
        OpOperand *use = &retOperand;
        auto cast = retOperand.get().getDefiningOp<memref::CastOp>();
        if (cast && cast->hasOneUse())
          use = &cast.getSourceMutable();
        OpOperand &operand = *use;
        auto result = operand.get().getDefiningOp<memref::AllocOp>();
        if (!result || !result.getResult().hasNUses(2))
          continue;
        memref::CopyOp copy;
        for (Operation *user : result->getUsers())
          if (auto c = dyn_cast<memref::CopyOp>(user); c && c.getTarget() == result)
            copy = c;
        if (!copy)
          continue;
        auto source = copy.getSource().getDefiningOp<memref::AllocOp>();
        if (!source || source.getType() != result.getType() ||
            source->getBlock() != ret->getBlock())
          continue;
        bool usedAfter = llvm::any_of(source->getUsers(), [&](Operation *user) {
          return user != copy.getOperation() && copy->isBeforeInBlock(user) &&
                 !isa<memref::DeallocOp>(user);
        });
        if (usedAfter)
          continue;
        for (Operation *user : llvm::make_early_inc_range(source->getUsers()))
          if (isa<memref::DeallocOp>(user))
            user->erase();
        operand.set(source);
        copy.erase();
        result.erase();
      }
    });
    SmallVector<memref::AllocOp> dynamic;
    kernel.walk([&](memref::AllocOp alloc) {
      if (!alloc.getType().hasStaticShape() || !alloc.getType().getLayout().isIdentity())
        dynamic.push_back(alloc);
    });
    for (memref::AllocOp alloc : dynamic) {
      Block *block = alloc->getBlock();
      bool escapes = llvm::any_of(alloc->getUsers(), [](Operation *user) {
        if (auto cast = dyn_cast<memref::CastOp>(user))
          return llvm::any_of(cast->getUsers(), [](Operation *u) {
            return u->hasTrait<OpTrait::IsTerminator>();
          });
        return user->hasTrait<OpTrait::IsTerminator>() || isa<memref::DeallocOp>(user);
      });
      if (escapes)
        continue;
      OpBuilder b(block->getTerminator());
      memref::DeallocOp::create(b, alloc.getLoc(), alloc);
    }
  }

  void placeInArena(ModuleOp module, func::FuncOp plan) {
    Block &block = plan.getBody().front();
    DenseMap<Operation *, int64_t> position;
    int64_t index = 0;
    for (Operation &op : block)
      position[&op] = index++;

    struct Buffer {
      memref::AllocOp alloc;
      int64_t begin, end, size, offset = -1;
    };
    SmallVector<Buffer> buffers;
    for (auto alloc : block.getOps<memref::AllocOp>()) {
      // Buffers sized at run time stay heap allocations.
      if (!alloc.getType().hasStaticShape())
        continue;
      int64_t end = position[alloc];
      for (Operation *user : alloc->getUsers())
        end = std::max(end, position[block.findAncestorOpInBlock(*user)]);
      int64_t size = llvm::alignTo(byteSize(alloc.getType()), alignment);
      buffers.push_back({alloc, position[alloc], end, size});
    }
    // Greedy: biggest first, lowest offset that does not overlap a placed
    // buffer whose lifetime intersects.
    SmallVector<Buffer *> order;
    for (Buffer &buf : buffers)
      order.push_back(&buf);
    llvm::sort(order, [](Buffer *a, Buffer *b) {
      return a->size != b->size ? a->size > b->size : a->begin < b->begin;
    });
    int64_t arenaSize = 0;
    SmallVector<Buffer *> placed;
    for (Buffer *buf : order) {
      SmallVector<std::pair<int64_t, int64_t>> busy;
      for (Buffer *p : placed)
        if (p->begin <= buf->end && buf->begin <= p->end)
          busy.push_back({p->offset, p->offset + p->size});
      llvm::sort(busy);
      int64_t offset = 0;
      for (auto [lo, hi] : busy) {
        if (offset + buf->size <= lo)
          break;
        offset = std::max(offset, hi);
      }
      buf->offset = offset;
      arenaSize = std::max(arenaSize, offset + buf->size);
      placed.push_back(buf);
    }

    OpBuilder b(module.getContext());
    auto arenaType = MemRefType::get({arenaSize}, b.getI8Type());
    BlockArgument arena = block.addArgument(arenaType, plan.getLoc());
    plan.setType(FunctionType::get(module.getContext(), block.getArgumentTypes(),
                                   plan.getResultTypes()));
    plan.setArgAttr(arena.getArgNumber(), "exec.arena", b.getUnitAttr());
    for (Buffer &buf : buffers) {
      b.setInsertionPoint(buf.alloc);
      Value offset = arith::ConstantIndexOp::create(b, buf.alloc.getLoc(), buf.offset);
      Value view = memref::ViewOp::create(b, buf.alloc.getLoc(), buf.alloc.getType(), arena,
                                          offset, ValueRange{});
      buf.alloc.getResult().replaceAllUsesWith(view);
      buf.alloc.erase();
    }
    module->setAttr(exec::kArenaSizeAttrName, b.getI64IntegerAttr(arenaSize));
  }
};
} // namespace
