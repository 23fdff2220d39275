//===- PlanMemory.cpp - Static arena placement of the plan's buffers ------===//
#include "dialects/exec/ExecOps.h"
#include "passes/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
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
    aliasDataMovement(module, plan);
    if (failed(hoistKernelAllocs(module)))
      return signalPassFailure();
    placeInArena(module, plan);
  }

  /// A plan buffer that lives inside another one (its parent) at a byte
  /// offset: a Reshape's result is its input, a contiguous Slice's result a
  /// range of its input, a Concat's inputs ranges of its output.
  struct Alias {
    memref::AllocOp parent;
    int64_t delta;
  };
  DenseMap<Operation *, Alias> aliases;

  static bool isPlainBuffer(MemRefType t) {
    return t.hasStaticShape() && t.getLayout().isIdentity();
  }

  /// The element offset of the subview [offsets, sizes] (unit strides) of a
  /// static, row-major `source` when it is one contiguous range: full
  /// trailing dimensions from some dimension d on (offset 0), size 1 before.
  static std::optional<int64_t> contiguousRange(MemRefType source, ArrayRef<int64_t> offsets,
                                                ArrayRef<int64_t> sizes,
                                                ArrayRef<int64_t> strides) {
    ArrayRef<int64_t> shape = source.getShape();
    int64_t rank = shape.size();
    if ((int64_t)offsets.size() != rank || (int64_t)sizes.size() != rank ||
        ShapedType::isDynamicShape(offsets) || ShapedType::isDynamicShape(sizes) ||
        !llvm::all_of(strides, [](int64_t s) { return s == 1; }))
      return std::nullopt;
    for (int64_t d = 0; d < rank; ++d) {
      bool ok = true;
      for (int64_t e = 0; e < rank && ok; ++e) {
        if (e < d)
          ok = sizes[e] == 1;
        else if (e > d)
          ok = sizes[e] == shape[e] && offsets[e] == 0;
      }
      if (!ok)
        continue;
      int64_t offset = 0, stride = 1;
      for (int64_t e = rank - 1; e >= 0; --e) {
        offset += offsets[e] * stride;
        stride *= shape[e];
      }
      return offset;
    }
    return std::nullopt;
  }

  /// The (source, target) of a copy op, or nulls.
  static std::pair<Value, Value> copyOperands(Operation *op) {
    if (auto c = dyn_cast<memref::CopyOp>(op))
      return {c.getSource(), c.getTarget()};
    if (auto c = dyn_cast<linalg::CopyOp>(op); c && c.hasPureBufferSemantics())
      return {c.getDpsInputs()[0], c.getDpsInits()[0]};
    return {Value(), Value()};
  }

  /// Kernels that only move data whose result can alias a plan buffer:
  /// their launches go, and the buffers they wrote become views of another
  /// buffer (placed in placeInArena). Returns, per aliased launch operand,
  /// (operand index, parent operand index, element offset).
  struct AliasPlan {
    SmallVector<std::tuple<unsigned, unsigned, int64_t>> links;
  };
  static std::optional<AliasPlan> matchDataMovement(func::FuncOp kernel) {
    if (kernel.isDeclaration() || kernel.getNumResults() != 0)
      return std::nullopt;
    Block &body = kernel.getBody().front();
    unsigned nargs = body.getNumArguments();
    SmallVector<Operation *> ops;
    for (Operation &op : body.without_terminator())
      ops.push_back(&op);
    auto argType = [&](unsigned i) { return cast<MemRefType>(body.getArgument(i).getType()); };
    for (unsigned i = 0; i < nargs; ++i)
      if (!isa<MemRefType>(body.getArgument(i).getType()) || !isPlainBuffer(argType(i)))
        return std::nullopt;
    // Reshape / Slice: a view of the input copied whole into the output.
    if (nargs == 2 && ops.size() == 2) {
      auto [src, dst] = copyOperands(ops[1]);
      if (!src || dst != body.getArgument(1) || src != ops[0]->getResult(0) ||
          argType(0).getElementType() != argType(1).getElementType())
        return std::nullopt;
      if (auto e = dyn_cast<memref::ExpandShapeOp>(ops[0]);
          e && e.getSrc() == body.getArgument(0))
        return AliasPlan{{{1, 0, 0}}};
      if (auto c = dyn_cast<memref::CollapseShapeOp>(ops[0]);
          c && c.getSrc() == body.getArgument(0))
        return AliasPlan{{{1, 0, 0}}};
      if (auto sv = dyn_cast<memref::SubViewOp>(ops[0]);
          sv && sv.getSource() == body.getArgument(0) &&
          sv.getType().getRank() == argType(0).getRank()) {
        if (auto off = contiguousRange(argType(0), sv.getStaticOffsets(), sv.getStaticSizes(),
                                       sv.getStaticStrides()))
          return AliasPlan{{{1, 0, *off}}};
      }
      return std::nullopt;
    }
    // Concat: inputs 0..n-1 copied into consecutive ranges of output n
    // along one axis with only unit dimensions before it (through a
    // scratch copy of the output or not: only the copies that read the
    // inputs are checked).
    if (nargs < 3)
      return std::nullopt;
    for (Operation *op : ops)
      if (!isa<memref::AllocOp, memref::SubViewOp, memref::CopyOp, linalg::CopyOp,
               memref::DeallocOp>(op))
        return std::nullopt;
    unsigned n = nargs - 1;
    MemRefType outType = argType(n);
    ArrayRef<int64_t> out = outType.getShape();
    int64_t rank = out.size(), axis = -1;
    for (unsigned i = 0; i < n; ++i) {
      ArrayRef<int64_t> in = argType(i).getShape();
      if ((int64_t)in.size() != rank || argType(i).getElementType() != outType.getElementType())
        return std::nullopt;
      for (int64_t d = 0; d < rank; ++d)
        if (in[d] != out[d]) {
          if (axis >= 0 && axis != d)
            return std::nullopt;
          axis = d;
        }
    }
    if (axis < 0)
      return std::nullopt;
    for (int64_t d = 0; d < axis; ++d)
      if (out[d] != 1)
        return std::nullopt;
    int64_t inner = 1;
    for (int64_t d = axis + 1; d < rank; ++d)
      inner *= out[d];
    AliasPlan plan;
    int64_t at = 0;
    for (unsigned i = 0; i < n; ++i) {
      int64_t want = at;
      at += argType(i).getShape()[axis];
      bool found = false;
      for (Operation *op : ops) {
        auto [src, dst] = copyOperands(op);
        if (src != body.getArgument(i))
          continue;
        auto sv = dst ? dst.getDefiningOp<memref::SubViewOp>() : memref::SubViewOp();
        if (!sv || sv.getSourceType().getShape() != out)
          return std::nullopt;
        SmallVector<int64_t> offsets(rank, 0);
        offsets[axis] = want;
        if (ArrayRef<int64_t>(sv.getStaticOffsets()) != ArrayRef<int64_t>(offsets) ||
            ArrayRef<int64_t>(sv.getStaticSizes()) != argType(i).getShape())
          return std::nullopt;
        found = true;
      }
      if (!found)
        return std::nullopt;
      plan.links.push_back({i, n, want * inner});
    }
    if (at != out[axis])
      return std::nullopt;
    return plan;
  }

  void aliasDataMovement(ModuleOp module, func::FuncOp plan) {
    SymbolTable symbols(module);
    Block &block = plan.getBody().front();
    auto planAlloc = [&](Value v) -> memref::AllocOp {
      auto a = v.getDefiningOp<memref::AllocOp>();
      return a && a->getBlock() == &block && isPlainBuffer(a.getType()) ? a
                                                                          : memref::AllocOp();
    };
    SmallVector<exec::LaunchOp> launches(block.getOps<exec::LaunchOp>());
    for (exec::LaunchOp launch : launches) {
      auto kernel = symbols.lookup<func::FuncOp>(launch.getKernel());
      if (!kernel || launch.getNumResults() != 0)
        continue;
      std::optional<AliasPlan> match = matchDataMovement(kernel);
      if (!match)
        continue;
      // Every buffer involved is a plan allocation; an aliased one has no
      // parent yet and appears once; the element size gives the offset.
      bool ok = true;
      SmallVector<Operation *> seen;
      for (auto [member, parent, offset] : match->links) {
        memref::AllocOp m = planAlloc(launch.getArgs()[member]);
        memref::AllocOp p = planAlloc(launch.getArgs()[parent]);
        if (!m || !p || m == p || aliases.count(m) || llvm::is_contained(seen, m.getOperation()))
          ok = false;
        if (m)
          seen.push_back(m);
      }
      if (!ok)
        continue;
      for (auto [member, parent, offset] : match->links) {
        memref::AllocOp m = planAlloc(launch.getArgs()[member]);
        memref::AllocOp p = planAlloc(launch.getArgs()[parent]);
        int64_t elemBytes = std::max<int64_t>(1, m.getType().getElementTypeBitWidth() / 8);
        aliases[m] = {p, offset * elemBytes};
      }
      launch.erase();
    }
    // Kernels no launch calls any more go.
    for (auto kernel : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (kernel->hasAttr(exec::kKernelAttrName) &&
          SymbolTable::symbolKnownUseEmpty(kernel, module))
        kernel.erase();
  }

  /// Top-level static allocations of a kernel become scratch arguments that
  /// each launch passes (allocated in the plan, hence in the arena).
  /// The buffer `v` is a view of.
  static Value viewRoot(Value v) {
    while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
      v = view.getViewSource();
    return v;
  }

  /// Whether an op strictly between `from` and `to` (one block) may write
  /// the buffer `root`.
  static bool writtenBetween(Value root, Operation *from, Operation *to) {
    for (Operation *op = from->getNextNode(); op != to; op = op->getNextNode()) {
      auto iface = dyn_cast<MemoryEffectOpInterface>(op);
      if (!iface)
        return true; // unknown effects (a region op, a call)
      SmallVector<MemoryEffects::EffectInstance> effects;
      iface.getEffects(effects);
      for (auto &effect : effects)
        if (isa<MemoryEffects::Write>(effect.getEffect()) &&
            (!effect.getValue() || viewRoot(effect.getValue()) == root))
          return true;
    }
    return false;
  }

  /// A kernel input copied into a slot of a local buffer only to be copied
  /// on to another place (bufferization's leftover of a Concat's first
  /// input): `linalg.copy ins(%x) outs(subview %t)` then `memref.copy
  /// (subview %t) -> %d`, %x an argument nothing writes in between, the
  /// subview used by nothing else, becomes `linalg.copy ins(%x) outs(%d)`;
  /// %t goes when nothing else uses it.
  static void forwardCopies(func::FuncOp kernel) {
    SmallVector<memref::AllocOp> allocs;
    kernel.walk([&](memref::AllocOp a) { allocs.push_back(a); });
    for (memref::AllocOp alloc : allocs) {
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers())) {
        auto sv = dyn_cast<memref::SubViewOp>(user);
        if (!sv || !sv.getResult().hasNUses(2))
          continue;
        linalg::CopyOp write;
        memref::CopyOp read;
        for (Operation *u : sv->getUsers()) {
          if (auto c = dyn_cast<linalg::CopyOp>(u);
              c && c.hasPureBufferSemantics() && c.getDpsInits()[0] == sv.getResult())
            write = c;
          else if (auto c = dyn_cast<memref::CopyOp>(u); c && c.getSource() == sv.getResult())
            read = c;
        }
        if (!write || !read || write->getBlock() != read->getBlock() ||
            !write->isBeforeInBlock(read) || !isa<BlockArgument>(write.getDpsInputs()[0]) ||
            writtenBetween(write.getDpsInputs()[0], write, read))
          continue;
        OpBuilder b(read);
        linalg::CopyOp::create(b, read.getLoc(), write.getDpsInputs()[0], read.getTarget());
        read.erase();
        write.erase();
        sv.erase();
      }
      if (llvm::all_of(alloc->getUsers(), [](Operation *u) { return isa<memref::DeallocOp>(u); })) {
        for (Operation *u : llvm::make_early_inc_range(alloc->getUsers()))
          u->erase();
        alloc.erase();
      }
    }
  }

  LogicalResult hoistKernelAllocs(ModuleOp module) {
    DenseMap<StringAttr, SmallVector<MemRefType>> scratch;
    for (auto kernel : module.getOps<func::FuncOp>()) {
      if (!kernel->hasAttr(exec::kKernelAttrName) || kernel.isDeclaration())
        continue;
      forwardCopies(kernel);
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
    // An aliased buffer's root (the buffer that holds it) and byte offset.
    auto rootOf = [&](memref::AllocOp a) {
      int64_t delta = 0;
      for (auto it = aliases.find(a); it != aliases.end(); it = aliases.find(a)) {
        delta += it->second.delta;
        a = it->second.parent;
      }
      return std::make_pair(a, delta);
    };
    DenseMap<Operation *, size_t> bufferOf;
    SmallVector<memref::AllocOp> members;
    for (auto alloc : block.getOps<memref::AllocOp>()) {
      // Buffers sized at run time stay heap allocations.
      if (!alloc.getType().hasStaticShape())
        continue;
      if (aliases.count(alloc)) {
        members.push_back(alloc);
        continue;
      }
      int64_t end = position[alloc];
      for (Operation *user : alloc->getUsers())
        end = std::max(end, position[block.findAncestorOpInBlock(*user)]);
      int64_t size = llvm::alignTo(byteSize(alloc.getType()), alignment);
      bufferOf[alloc] = buffers.size();
      buffers.push_back({alloc, position[alloc], end, size});
    }
    // A root lives from its first member's allocation to the last use of
    // any of them.
    for (memref::AllocOp m : members) {
      Buffer &root = buffers[bufferOf.lookup(rootOf(m).first)];
      root.begin = std::min(root.begin, position[m]);
      for (Operation *user : m->getUsers())
        root.end = std::max(root.end, position[block.findAncestorOpInBlock(*user)]);
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
    for (memref::AllocOp m : members) {
      auto [root, delta] = rootOf(m);
      b.setInsertionPoint(m);
      Value offset = arith::ConstantIndexOp::create(
          b, m.getLoc(), buffers[bufferOf.lookup(root)].offset + delta);
      Value view = memref::ViewOp::create(b, m.getLoc(), m.getType(), arena, offset, ValueRange{});
      m.getResult().replaceAllUsesWith(view);
    }
    for (memref::AllocOp m : members)
      m.erase();
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
