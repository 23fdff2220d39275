//===- Microkernels.cpp - f32 matmul/conv -> calls of the kernel library --===//
//
// Rewrites f32 linalg.matmul, linalg.batch_matmul, linalg.conv_2d_nchw_fchw
// and linalg.conv_2d_ngchw_gfchw on memrefs into calls of the GEMM library
// linked into every model.so (targets/cpu/kernels/gemm.c). A constant
// operand (a memref.global weight) is repacked here, at compile time, into
// the library's panel layout. The panel sizes must match gemm.c.
// f32 linalg.depthwise_conv_2d_nchw_chw becomes a call of steedk_dwconv2d
// (targets/cpu/kernels/dwconv.c), which reads the unpadded input and starts
// from the bias itself when the kernel's zero-pad copy and bias broadcast
// can be folded into the call.
//===----------------------------------------------------------------------===//
#include "dialects/exec/ExecOps.h"
#include "targets/cpu/KernelContext.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/Pass.h"

namespace steed {
#define GEN_PASS_DECL_CPUMICROKERNELS
#define GEN_PASS_DEF_CPUMICROKERNELS
#include "targets/cpu/Passes.h.inc"
} // namespace steed

using namespace mlir;
namespace exec = steed::exec;

namespace {
// Must match targets/cpu/kernels/gemm.c.
constexpr int64_t kMR = 8, kNR = 32;
constexpr int64_t kAPacked = 4, kBPacked = 8;
constexpr int64_t kSmallM = 4; // rows of gemm.c's small-M path (SMALL_M)
constexpr const char *kSgemm = "steedk_sgemm", *kSconv = "steedk_sconv2d";
// Epilogue flags of steedk_sgemm/steedk_sconv2d.
constexpr int64_t kCInit = 16, kBiasRow = 32, kBiasCol = 64, kResidual = 128,
                  kActMin = 256, kActMax = 512, kSilu = 1024;
// steedk_sconv2d: the filter prepacked with K in (tap, channel) order, for
// the library to read B in place tap by tap (gemm.c's shifted_ok; at least
// kShiftedMinC = SHIFTED_MIN_C channels).
constexpr int64_t kTapMajor = 2048, kShiftedMinC = 16, kIsaAvx512 = 2;
// steedk_sconv2d: Winograd F(2x2, 3x3) for "same" 3x3 stride-1
// convolutions (gemm.c's wino_ok): the filter given as its 16 transforms
// U = G g G^T, each [F][C] packed in K slices of kWinoKC (= WINO_KC).
constexpr int64_t kWinograd = 4096, kWinoKC = 256;
// Must match targets/cpu/kernels/dwconv.c.
constexpr const char *kDwconv = "steedk_dwconv2d";
constexpr int64_t kDwInitBias = 16, kDwInitZero = 32, kDwActMin = 64, kDwActMax = 128,
                  kDwSilu = 256, kDwMax = 512;

/// The float values of a constant operand: a memref.get_global of a constant
/// global with a dense initializer, possibly reshaped (collapse/expand keep
/// the row-major order), or nothing.
/// A kernel argument is constant when every call site of the kernel
/// (exec.launch or, after steed-lower-launches, func.call) passes the same
/// global.
using LaunchMap = llvm::StringMap<SmallVector<Operation *>>;

memref::GetGlobalOp traceGlobal(Value v, const LaunchMap &launches) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto c = dyn_cast<memref::CollapseShapeOp>(def))
      v = c.getSrc();
    else if (auto e = dyn_cast<memref::ExpandShapeOp>(def))
      v = e.getSrc();
    else
      break;
  }
  if (auto get = v.getDefiningOp<memref::GetGlobalOp>())
    return get;
  auto arg = dyn_cast<BlockArgument>(v);
  if (!arg || !arg.getOwner()->isEntryBlock())
    return {};
  auto fn = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
  if (!fn)
    return {};
  auto it = launches.find(fn.getSymName());
  if (it == launches.end() || it->second.empty())
    return {};
  memref::GetGlobalOp found;
  for (Operation *launch : it->second) {
    if (arg.getArgNumber() >= launch->getNumOperands())
      return {};
    Value operand = launch->getOperand(arg.getArgNumber());
    if (operand.getType() != v.getType())
      return {};
    auto get = traceGlobal(operand, launches);
    if (!get || (found && found.getName() != get.getName()))
      return {};
    found = get;
  }
  return found;
}

std::optional<std::vector<float>> constantValues(Value v, memref::GlobalOp *globalOut,
                                                 SymbolTable &symbols,
                                                 const LaunchMap &launches) {
  auto get = traceGlobal(v, launches);
  if (!get)
    return std::nullopt;
  auto global = symbols.lookup<memref::GlobalOp>(get.getName());
  if (!global || !global.getConstant() || !global.getInitialValue())
    return std::nullopt;
  auto type = dyn_cast<MemRefType>(get.getType());
  auto vType = dyn_cast<MemRefType>(v.getType());
  if (!type || !type.getLayout().isIdentity() || !type.getElementType().isF32() || !vType ||
      !vType.getLayout().isIdentity() || vType.getNumElements() != type.getNumElements())
    return std::nullopt;
  int64_t n = type.getNumElements();
  std::vector<float> values;
  Attribute init = *global.getInitialValue();
  if (auto dense = dyn_cast<DenseElementsAttr>(init)) {
    if (dense.isSplat())
      values.assign(n, dense.getSplatValue<float>());
    else
      values.assign(dense.getValues<float>().begin(), dense.getValues<float>().end());
  } else if (auto res = dyn_cast<DenseResourceElementsAttr>(init)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != size_t(n) * sizeof(float))
      return std::nullopt;
    values.resize(n);
    memcpy(values.data(), blob->getData().data(), n * sizeof(float));
  } else {
    return std::nullopt;
  }
  if ((int64_t)values.size() != n)
    return std::nullopt;
  if (globalOut)
    *globalOut = global;
  return values;
}

/// The library's K slice (= KC in kernels/gemm.c): K runs in
/// ceil(K / kKC) equal slices of kSliceStep(K) (the last one shorter).
constexpr int64_t kKC = 256;
static int64_t kSliceStep(int64_t k) {
  int64_t slices = (k + kKC - 1) / kKC;
  return (k + slices - 1) / slices;
}

/// Packs rows x cols matrix M(i, j) = src[i*rs + j*cs] into panels of `panel`
/// rows (transpose = false: A, the columns being K) or of `panel` columns
/// (transpose = true: B, the rows being K), zero padded. B is
/// out[p][rows][panel]. A is cut along K into the library's slices, each
/// holding its panels one after the other: out[slice][p][kc][panel], so a
/// K slice of consecutive row panels is one contiguous stream.
std::vector<float> packPanels(const float *src, int64_t rows, int64_t cols, int64_t rs,
                              int64_t cs, int64_t panel, bool columnPanels,
                              int64_t sliceStep = 0) {
  // Column panels of M are row panels of M^T.
  if (columnPanels) {
    std::swap(rows, cols);
    std::swap(rs, cs);
  }
  int64_t numPanels = (rows + panel - 1) / panel;
  std::vector<float> out(numPanels * cols * panel, 0.0f);
  int64_t step = columnPanels ? cols : sliceStep ? sliceStep : kSliceStep(cols);
  for (int64_t j0 = 0; j0 < cols; j0 += step) {
    int64_t kc = std::min(step, cols - j0);
    float *slice = out.data() + j0 * numPanels * panel;
    for (int64_t p = 0; p < numPanels; ++p)
      for (int64_t j = 0; j < kc; ++j)
        for (int64_t i = 0; i < panel && p * panel + i < rows; ++i)
          slice[(p * kc + j) * panel + i] = src[(p * panel + i) * rs + (j0 + j) * cs];
  }
  return out;
}

struct Rewriter {
  ModuleOp module;
  SymbolTable symbols;
  int64_t isaFlags;
  bool winograd;
  llvm::StringMap<std::string> packedGlobals; // key -> packed global name
  llvm::SmallPtrSet<Operation *, 8> touchedGlobals;
  LaunchMap launches;

  Rewriter(ModuleOp module, int64_t isaFlags, bool winograd)
      : module(module), symbols(module), isaFlags(isaFlags), winograd(winograd) {
    module.walk([&](Operation *op) {
      if (auto launch = dyn_cast<exec::LaunchOp>(op))
        launches[launch.getKernel()].push_back(op);
      else if (auto call = dyn_cast<func::CallOp>(op))
        launches[call.getCallee()].push_back(op);
    });
  }

  /// The steed_kernel_context pointer (as an index) inside `fn`
  /// (targets/cpu/KernelContext.h; 0 where the kernels run on one thread).
  steed::cpu::KernelContextPlumbing kernelContexts{module};
  Value kernelContext(func::FuncOp fn) { return kernelContexts.get(fn); }

  void declare(StringRef name, unsigned numArgs) {
    if (symbols.lookup(name))
      return;
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToStart(module.getBody());
    SmallVector<Type> args(numArgs, b.getIndexType());
    auto fn = func::FuncOp::create(b, module.getLoc(), name, b.getFunctionType(args, {}));
    fn.setPrivate();
    symbols.insert(fn);
  }

  /// A private constant global holding `data`, reused per key.
  Value packedGlobal(OpBuilder &b, Location loc, StringRef key, memref::GlobalOp original,
                     std::vector<float> data) {
    std::string &name = packedGlobals[key];
    if (name.empty()) {
      OpBuilder gb(module.getBodyRegion());
      gb.setInsertionPoint(original);
      auto type = MemRefType::get({(int64_t)data.size()}, gb.getF32Type());
      auto tensorType = RankedTensorType::get({(int64_t)data.size()}, gb.getF32Type());
      ArrayRef<char> bytes(reinterpret_cast<const char *>(data.data()),
                           data.size() * sizeof(float));
      auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, 64);
      std::string base = (original.getSymName() + "_packed").str();
      auto attr = DenseResourceElementsAttr::get(tensorType, base, std::move(blob));
      auto global = memref::GlobalOp::create(gb, loc, base, gb.getStringAttr("private"),
                                             type, attr, /*constant=*/true,
                                             gb.getI64IntegerAttr(64));
      name = symbols.insert(global).getValue().str();
      touchedGlobals.insert(original);
    }
    auto global = symbols.lookup<memref::GlobalOp>(name);
    return memref::GetGlobalOp::create(b, loc, global.getType(), name);
  }

  Value idx(OpBuilder &b, Location loc, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }

  /// (aligned pointer, offset, strides) of a memref as index values.
  struct View {
    Value ptr, offset;
    SmallVector<Value> strides;
  };
  View view(OpBuilder &b, Location loc, Value memref) {
    auto meta = memref::ExtractStridedMetadataOp::create(b, loc, memref);
    View v;
    v.ptr = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref);
    v.offset = meta.getOffset();
    v.strides.assign(meta.getStrides().begin(), meta.getStrides().end());
    return v;
  }

  /// For each loop of `map`, the operand's stride along it (0 when the
  /// operand does not depend on the loop), or failure for a map that is not
  /// a projected permutation.
  static std::optional<SmallVector<Value>> loopStrides(OpBuilder &b, Location loc,
                                                       AffineMap map, ArrayRef<Value> strides,
                                                       Value zero) {
    if (!map.isProjectedPermutation(/*allowZeroInResults=*/false))
      return std::nullopt;
    SmallVector<Value> out(map.getNumDims(), zero);
    for (auto [i, e] : llvm::enumerate(map.getResults()))
      out[cast<AffineDimExpr>(e).getPosition()] = strides[i];
    return out;
  }

  /// What a matmul/convolution call folds into its C update: the op that
  /// initializes C right before it (a zero fill, or the broadcast of a bias
  /// along one dimension of C) and the elementwise generic that updates C
  /// in place right after it (relu, clip, + a residual, relu(+ residual)).
  struct Epilogue {
    int64_t flags = 0;
    Value bias, res;
    float lo = 0, hi = 0;
    SmallVector<Operation *> ops; // erased with the matmul/convolution
  };

  /// The op right before `op` that writes its output `c` (rank r), when it
  /// is `linalg.fill 0` (-> kCInit) or a broadcast of a contiguous vector
  /// along dimension `rowDim` (-> kBiasRow) or `colDim` (-> kBiasCol) of c:
  /// `linalg.generic ins(bias) outs(c) { yield %in }`. Only side-effect-free
  /// ops may sit in between.
  static void matchInitOp(Operation *op, Value c, int64_t rowDim, int64_t colDim,
                          Epilogue &ep) {
    Operation *prev = op->getPrevNode();
    while (prev && isMemoryEffectFree(prev))
      prev = prev->getPrevNode();
    if (!prev)
      return;
    if (auto fill = dyn_cast<linalg::FillOp>(prev)) {
      if (fill.hasPureBufferSemantics() && fill.getDpsInits()[0] == c &&
          isZeroFloat(fill.getDpsInputs()[0])) {
        ep.flags |= kCInit;
        ep.ops.push_back(prev);
      }
      return;
    }
    auto g = dyn_cast<linalg::GenericOp>(prev);
    auto cType = cast<MemRefType>(c.getType());
    int64_t rank = cType.getRank();
    // A zero fill written as a generic (an all-zero bias folds to one):
    // `linalg.generic outs(c) { yield 0.0 }` over all of c.
    if (g && g.hasPureBufferSemantics() && g.getNumDpsInputs() == 0 &&
        g.getNumDpsInits() == 1 && g.getDpsInits()[0] == c &&
        g.getNumParallelLoops() == g.getNumLoops() && g.getNumLoops() == rank &&
        g.getIndexingMapsArray()[0].isIdentity()) {
      auto yield = cast<linalg::YieldOp>(g.getRegion().front().getTerminator());
      if (&g.getRegion().front().front() == yield.getOperation() &&
          yield.getNumOperands() == 1 && isZeroFloat(yield.getOperand(0))) {
        ep.flags |= kCInit;
        ep.ops.push_back(prev);
      }
      return;
    }
    if (!g || !g.hasPureBufferSemantics() || g.getNumDpsInputs() != 1 ||
        g.getNumDpsInits() != 1 || g.getDpsInits()[0] != c ||
        g.getNumParallelLoops() != g.getNumLoops() || g.getNumLoops() != rank)
      return;
    MLIRContext *ctx = prev->getContext();
    SmallVector<AffineMap> maps = g.getIndexingMapsArray();
    if (!maps[1].isIdentity() || maps[0].getNumResults() != 1)
      return;
    auto dim = dyn_cast<AffineDimExpr>(maps[0].getResult(0));
    if (!dim || (dim.getPosition() != rowDim && dim.getPosition() != colDim))
      return;
    (void)ctx;
    Block &body = g.getRegion().front();
    auto yield = dyn_cast<linalg::YieldOp>(body.front());
    if (!yield || yield.getNumOperands() != 1 || yield.getOperand(0) != body.getArgument(0))
      return;
    Value bias = g.getDpsInputs()[0];
    if (!isContiguousF32(bias, {cType.getDimSize(dim.getPosition())}))
      return;
    ep.flags |= kCInit | (dim.getPosition() == rowDim ? kBiasRow : kBiasCol);
    ep.bias = bias;
    ep.ops.push_back(prev);
  }

  /// SiLU as the lowering of Sigmoid + Mul writes it, starting at `it`:
  /// `x * (1 / (1 + exp(0 - x)))` (either operand order of the addf and
  /// mulf), where x is read by nothing else. Returns the mulf and moves
  /// `it` past it, or null.
  template <typename It>
  static Operation *matchSilu(Value x, It &it, It end) {
    auto next = [&]() -> Operation * { return it != end ? &*it++ : nullptr; };
    auto isConst = [](Value v, double want) {
      FloatAttr f;
      return matchPattern(v, m_Constant(&f)) && f.getValueAsDouble() == want;
    };
    auto other = [](Operation *op, Value v) -> Value {
      if (op->getOperand(0) == v)
        return op->getOperand(1);
      return op->getOperand(1) == v ? op->getOperand(0) : Value();
    };
    auto sub = dyn_cast_or_null<arith::SubFOp>(next());
    if (!sub || sub.getRhs() != x || !isConst(sub.getLhs(), 0.0) || !sub->hasOneUse())
      return nullptr;
    auto exp = dyn_cast_or_null<math::ExpOp>(next());
    if (!exp || exp.getOperand() != sub.getResult() || !exp->hasOneUse())
      return nullptr;
    auto add = dyn_cast_or_null<arith::AddFOp>(next());
    if (!add || !add->hasOneUse() || !other(add, exp.getResult()) ||
        !isConst(other(add, exp.getResult()), 1.0))
      return nullptr;
    auto div = dyn_cast_or_null<arith::DivFOp>(next());
    if (!div || div.getRhs() != add.getResult() || !isConst(div.getLhs(), 1.0) ||
        !div->hasOneUse())
      return nullptr;
    auto mul = dyn_cast_or_null<arith::MulFOp>(next());
    if (!mul || other(mul, div.getResult()) != x ||
        !llvm::all_of(x.getUsers(), [&](Operation *u) { return u == sub || u == mul; }))
      return nullptr;
    return mul;
  }

  /// The op right after `op` (only side-effect-free ops in between), when
  /// it is an all-parallel linalg.generic that updates `c` in place
  /// (identity maps) with a chain of: `addf(out, r)` with r an identically
  /// laid out buffer other than c, then SiLU (matchSilu), then
  /// `maximumf(x, lo)` or `x < lo ? lo : x`, then `minimumf(x, hi)` or
  /// `x > hi ? hi : x` (lo, hi constants), and nothing else.
  static void matchEpilogueOp(Operation *op, Value c, Epilogue &ep) {
    Operation *next = op->getNextNode();
    while (next && isMemoryEffectFree(next))
      next = next->getNextNode();
    auto g = dyn_cast_or_null<linalg::GenericOp>(next);
    auto cType = cast<MemRefType>(c.getType());
    if (!g || !g.hasPureBufferSemantics() || g.getNumDpsInits() != 1 ||
        g.getDpsInits()[0] != c || g.getNumDpsInputs() > 1 ||
        g.getNumParallelLoops() != g.getNumLoops() || g.getNumLoops() != cType.getRank() ||
        !llvm::all_of(g.getIndexingMapsArray(), [](AffineMap m) { return m.isIdentity(); }))
      return;
    Block &body = g.getRegion().front();
    Value in = g.getNumDpsInputs() ? body.getArgument(0) : Value();
    Value x = body.getArgument(g.getNumDpsInputs());
    if (in) {
      // The residual: same shape and static strides as c, another buffer.
      Value r = g.getDpsInputs()[0];
      auto rType = dyn_cast<MemRefType>(r.getType());
      SmallVector<int64_t> cs, rs;
      int64_t co, ro;
      if (!rType || rType.getElementType() != cType.getElementType() ||
          rType.getShape() != cType.getShape() ||
          failed(cType.getStridesAndOffset(cs, co)) ||
          failed(rType.getStridesAndOffset(rs, ro)) || cs != rs ||
          ShapedType::isDynamicShape(cs) || rootBuffer(r) == rootBuffer(c))
        return;
    }
    Epilogue found;
    int stage = 0; // 0: add, 1: silu or max, 2: min, 3: done
    auto constant = [](Value v, float &out) {
      FloatAttr f;
      if (!matchPattern(v, m_Constant(&f)))
        return false;
      out = f.getValue().convertToFloat();
      return true;
    };
    auto ops = body.without_terminator();
    for (auto it = ops.begin(); it != ops.end();) {
      if (isa<arith::SubFOp>(*it) && stage <= 1 && !(found.flags & kSilu)) {
        Operation *mul = matchSilu(x, it, ops.end());
        if (!mul)
          return;
        found.flags |= kSilu;
        x = mul->getResult(0);
        stage = 1; // the clamps may follow
        continue;
      }
      Operation &bop = *it++;
      if (auto cmp = dyn_cast<arith::CmpFOp>(bop)) {
        // Clip's lowering: `x < lo ? lo : x` (cmpf olt + select; NaN stays),
        // `x > hi ? hi : x` (cmpf ogt).
        auto sel = it != ops.end() ? dyn_cast<arith::SelectOp>(*it++) : arith::SelectOp();
        float bound;
        if (!sel || cmp.getLhs() != x || !constant(cmp.getRhs(), bound) ||
            sel.getCondition() != cmp.getResult() || sel.getTrueValue() != cmp.getRhs() ||
            sel.getFalseValue() != x || !cmp->hasOneUse() ||
            !llvm::all_of(x.getUsers(), [&](Operation *u) { return u == cmp || u == sel; }))
          return;
        if (cmp.getPredicate() == arith::CmpFPredicate::OLT && stage <= 1) {
          found.flags |= kActMin;
          found.lo = bound;
          stage = 2;
        } else if (cmp.getPredicate() == arith::CmpFPredicate::OGT && stage <= 2) {
          found.flags |= kActMax;
          found.hi = bound;
          stage = 3;
        } else {
          return;
        }
        x = sel.getResult();
        continue;
      }
      // Each op consumes the previous value, which nothing else reads.
      if (!x.hasOneUse() || bop.getNumResults() != 1 || bop.getNumOperands() != 2 ||
          !llvm::is_contained(bop.getOperands(), x))
        return;
      Value other = bop.getOperand(0) == x ? bop.getOperand(1) : bop.getOperand(0);
      if (isa<arith::AddFOp>(bop) && stage == 0 && in && other == in && in.hasOneUse()) {
        found.flags |= kResidual;
        found.res = g.getDpsInputs()[0];
        stage = 1;
      } else if (isa<arith::MaximumFOp>(bop) && stage <= 1 && constant(other, found.lo)) {
        found.flags |= kActMin;
        stage = 2;
      } else if (isa<arith::MinimumFOp>(bop) && stage <= 2 && constant(other, found.hi)) {
        found.flags |= kActMax;
        stage = 3;
      } else {
        return;
      }
      x = bop.getResult(0);
    }
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    if (!found.flags || yield.getNumOperands() != 1 || yield.getOperand(0) != x ||
        (in && !(found.flags & kResidual)))
      return;
    ep.flags |= found.flags;
    ep.res = found.res;
    ep.lo = found.lo;
    ep.hi = found.hi;
    ep.ops.push_back(next);
  }

  /// The epilogue arguments of steedk_sgemm/steedk_sconv2d (before the
  /// kernel context): bias pointer and offset, residual pointer and offset,
  /// the clip bounds as f32 bit patterns.
  void appendEpilogueArgs(OpBuilder &b, Location loc, const Epilogue &ep,
                          SmallVectorImpl<Value> &args) {
    Value zero = idx(b, loc, 0);
    for (Value v : {ep.bias, ep.res}) {
      if (v) {
        View vv = view(b, loc, v);
        args.append({vv.ptr, vv.offset});
      } else {
        args.append({zero, zero});
      }
    }
    args.push_back(idx(b, loc, llvm::bit_cast<uint32_t>(ep.lo)));
    args.push_back(idx(b, loc, llvm::bit_cast<uint32_t>(ep.hi)));
  }

  /// matmul: loops (m, n, k); batch_matmul: loops (b, m, n, k).
  LogicalResult rewriteMatmul(linalg::LinalgOp op, bool batched) {
    if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
      return failure();
    Value a = op.getDpsInputs()[0], bm = op.getDpsInputs()[1], c = op.getDpsInits()[0];
    for (Value v : {a, bm, c}) {
      auto t = dyn_cast<MemRefType>(v.getType());
      if (!t || !t.getElementType().isF32() || !t.hasStaticShape())
        return failure();
    }
    // Unit column stride for C, statically.
    auto cType = cast<MemRefType>(c.getType());
    SmallVector<int64_t> cStrides;
    int64_t cOffset;
    if (failed(cType.getStridesAndOffset(cStrides, cOffset)) || cStrides.back() != 1)
      return failure();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    for (AffineMap map : maps)
      if (!map.isProjectedPermutation(/*allowZeroInResults=*/false))
        return failure();
    int64_t o = batched ? 1 : 0; // loop index of m
    int64_t mLoop = o, nLoop = o + 1, kLoop = o + 2;
    // C must be indexed (batch?, m, n) exactly.
    SmallVector<AffineExpr> cExprs;
    for (int64_t i = 0; i < maps[2].getNumDims() - 1; ++i)
      cExprs.push_back(getAffineDimExpr(i, op.getContext()));
    if (maps[2] != AffineMap::get(maps[2].getNumDims(), 0, cExprs, op.getContext()))
      return failure();
    auto uses = [&](AffineMap map, int64_t loop) {
      return map.isFunctionOfDim(loop);
    };
    if (!uses(maps[0], mLoop) || !uses(maps[0], kLoop) || uses(maps[0], nLoop) ||
        !uses(maps[1], kLoop) || !uses(maps[1], nLoop) || uses(maps[1], mLoop))
      return failure();
    // The body must be a plain multiply-add (no casts).
    auto &body = op->getRegion(0).front();
    if (body.getOperations().size() != 3 ||
        !isa<arith::MulFOp>(body.front()) || !isa<arith::AddFOp>(*std::next(body.begin())))
      return failure();

    auto aType = cast<MemRefType>(a.getType());
    int64_t m = cType.getDimSize(o), n = cType.getDimSize(o + 1);
    int64_t batch = batched ? cType.getDimSize(0) : 1;
    int64_t k = 0;
    for (auto [i, e] : llvm::enumerate(maps[0].getResults()))
      if (cast<AffineDimExpr>(e).getPosition() == kLoop)
        k = aType.getDimSize(i);

    OpBuilder b(op);
    Location loc = op.getLoc();
    Value zero = idx(b, loc, 0);
    int64_t flags = isaFlags;

    // Constant operands that do not vary over the batch are prepacked.
    auto staticLoopStrides = [&](Value v, AffineMap map) -> std::optional<SmallVector<int64_t>> {
      auto t = cast<MemRefType>(v.getType());
      SmallVector<int64_t> strides;
      int64_t off;
      if (failed(t.getStridesAndOffset(strides, off)) || off != 0)
        return std::nullopt;
      SmallVector<int64_t> out(map.getNumDims(), 0);
      for (auto [i, e] : llvm::enumerate(map.getResults()))
        out[cast<AffineDimExpr>(e).getPosition()] = strides[i];
      return out;
    };
    auto tryPack = [&](Value v, AffineMap map, bool isB, int64_t rows, int64_t cols,
                       int64_t rowLoop, int64_t colLoop) -> Value {
      if (batched && map.isFunctionOfDim(0) && batch != 1)
        return {};
      memref::GlobalOp global;
      auto values = constantValues(v, &global, symbols, launches);
      auto st = staticLoopStrides(v, map);
      if (!values || !st)
        return {};
      std::string key = (global.getSymName() + (isB ? ":B:" : ":A:") +
                         std::to_string((*st)[rowLoop]) + ":" + std::to_string((*st)[colLoop]))
                            .str();
      auto packed = packPanels(values->data(), rows, cols, (*st)[rowLoop], (*st)[colLoop],
                               isB ? kNR : kMR, isB);
      flags |= isB ? kBPacked : kAPacked;
      return packedGlobal(b, loc, key, global, std::move(packed));
    };
    Value aPacked = tryPack(a, maps[0], false, m, k, mLoop, kLoop);
    Value bPacked = tryPack(bm, maps[1], true, k, n, kLoop, nLoop);

    // The epilogue; not for 1-4 rows against a prepacked B (the library's
    // small-M path streams B once and updates C itself).
    Epilogue ep;
    if (k > 0 && !(bPacked && !aPacked && m <= kSmallM)) {
      matchInitOp(op, c, o, o + 1, ep);
      matchEpilogueOp(op, c, ep);
    }
    flags |= ep.flags;

    auto operandArgs = [&](Value v, Value packed, AffineMap map, int64_t rowLoop,
                           int64_t colLoop, SmallVectorImpl<Value> &args) -> bool {
      if (packed) {
        View pv = view(b, loc, packed);
        args.append({pv.ptr, pv.offset, zero, zero, zero});
        return true;
      }
      View vv = view(b, loc, v);
      auto ls = loopStrides(b, loc, map, vv.strides, zero);
      if (!ls)
        return false;
      args.append({vv.ptr, vv.offset, batched ? (*ls)[0] : zero, (*ls)[rowLoop],
                   (*ls)[colLoop]});
      return true;
    };
    SmallVector<Value> args;
    args.append({Value(), idx(b, loc, batch), idx(b, loc, m), idx(b, loc, n), idx(b, loc, k)});
    if (!operandArgs(a, aPacked, maps[0], mLoop, kLoop, args) ||
        !operandArgs(bm, bPacked, maps[1], kLoop, nLoop, args))
      return failure();
    View cv = view(b, loc, c);
    args.append({cv.ptr, cv.offset, batched ? cv.strides[0] : zero, cv.strides[o]});
    args[0] = idx(b, loc, flags);
    appendEpilogueArgs(b, loc, ep, args);
    args.push_back(kernelContext(op->getParentOfType<func::FuncOp>()));
    declare(kSgemm, args.size());
    func::CallOp::create(b, loc, kSgemm, TypeRange{}, args);
    op->erase();
    for (Operation *dead : ep.ops)
      dead->erase();
    return success();
  }

  /// conv_2d_nchw_fchw (groups = 1) and conv_2d_ngchw_gfchw.
  LogicalResult rewriteConv(linalg::LinalgOp op, DenseIntElementsAttr stridesAttr,
                            DenseIntElementsAttr dilationsAttr, bool grouped) {
    if (!op.hasPureBufferSemantics())
      return failure();
    Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1], y = op.getDpsInits()[0];
    for (Value v : {x, w, y}) {
      auto t = dyn_cast<MemRefType>(v.getType());
      if (!t || !t.getElementType().isF32() ||
          !memref::isStaticShapeAndContiguousRowMajor(t))
        return failure();
    }
    auto &body = op->getRegion(0).front();
    if (body.getOperations().size() != 3 ||
        !isa<arith::MulFOp>(body.front()) || !isa<arith::AddFOp>(*std::next(body.begin())))
      return failure();
    auto xs = cast<MemRefType>(x.getType()).getShape();
    auto ws = cast<MemRefType>(w.getType()).getShape();
    auto ys = cast<MemRefType>(y.getType()).getShape();
    int64_t groups = grouped ? xs[1] : 1;
    int64_t n = xs[0], c = grouped ? xs[1] * xs[2] : xs[1];
    int64_t f = grouped ? ws[0] * ws[1] : ws[0];
    int64_t d = grouped ? 1 : 0;
    int64_t h = xs[2 + d], wd = xs[3 + d], kh = ws[2 + d], kw = ws[3 + d];
    int64_t oh = ys[2 + d], ow = ys[3 + d];
    auto sv = llvm::to_vector(stridesAttr.getValues<int64_t>());
    auto dv = llvm::to_vector(dilationsAttr.getValues<int64_t>());

    Epilogue ep;
    if (!grouped && c * kh * kw > 0) {
      matchInitOp(op, y, /*rowDim=*/1, /*colDim=*/-1, ep);
      matchEpilogueOp(op, y, ep);
    }

    // The input's zero padding: the library's im2col reads the unpadded
    // input.
    std::optional<PadFold> pad;
    if (!grouped)
      pad = matchPad(op, x, y);
    if (pad) {
      auto is = cast<MemRefType>(pad->src.getType()).getShape();
      h = is[2];
      wd = is[3];
    }

    OpBuilder b(op);
    Location loc = op.getLoc();
    int64_t flags = isaFlags | ep.flags;
    Value wArg = w;
    memref::GlobalOp global;
    if (auto values = constantValues(w, &global, symbols, launches)) {
      int64_t fg = f / groups, kk = (c / groups) * kh * kw;
      // A "same" stride-1 convolution reads its input in place, one filter
      // tap at a time, when K runs tap-major: permute the filter's columns
      // from (channel, tap) to (tap, channel).
      bool tapMajor = !grouped && (isaFlags & 3) == kIsaAvx512 && kh * kw > 1 &&
                      sv[0] == 1 && sv[1] == 1 && dv[0] == 1 && dv[1] == 1 && oh == h &&
                      ow == wd && c >= kShiftedMinC;
      // Winograd F(2x2, 3x3) where the 2.25x fewer multiply-adds outweigh
      // the transforms (measured: 1.13-1.6x from 49 tiles up, whatever the
      // channels; from 16 tiles (a 7x7 image) with >= 128 channels 1.3-1.5x,
      // with 16-64 channels no faster or slower).
      int64_t tiles = ((oh + 1) / 2) * ((ow + 1) / 2);
      bool wino = winograd && tapMajor && kh == 3 && kw == 3 && pad && pad->pt == 1 &&
                  pad->pl == 1 && (tiles >= 48 || (tiles >= 16 && c >= 128));
      if (wino) {
        // U[xi][f][c] = (G g G^T)[xi], G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]
        static const float G[4][3] = {
            {1.0f, 0.0f, 0.0f}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0.0f, 0.0f, 1.0f}};
        std::vector<float> u(16 * f * c);
        for (int64_t i = 0; i < f; ++i)
          for (int64_t ch = 0; ch < c; ++ch) {
            const float *g = values->data() + (i * c + ch) * 9;
            float t[4][3];
            for (int r = 0; r < 4; ++r)
              for (int q = 0; q < 3; ++q)
                t[r][q] = G[r][0] * g[0 * 3 + q] + G[r][1] * g[1 * 3 + q] + G[r][2] * g[2 * 3 + q];
            for (int r = 0; r < 4; ++r)
              for (int q = 0; q < 4; ++q)
                u[((r * 4 + q) * f + i) * c + ch] =
                    t[r][0] * G[q][0] + t[r][1] * G[q][1] + t[r][2] * G[q][2];
          }
        std::vector<float> packed;
        for (int xi = 0; xi < 16; ++xi) {
          auto p = packPanels(u.data() + xi * f * c, f, c, c, 1, kMR, false, kWinoKC);
          packed.insert(packed.end(), p.begin(), p.end());
        }
        std::string key = (global.getSymName() + ":conv:wino").str();
        wArg = packedGlobal(b, loc, key, global, std::move(packed));
        flags |= kAPacked | kWinograd;
      } else if (tapMajor) {
        std::vector<float> permuted(values->size());
        for (int64_t i = 0; i < f; ++i)
          for (int64_t ch = 0; ch < c; ++ch)
            for (int64_t t = 0; t < kh * kw; ++t)
              permuted[i * kk + t * c + ch] = (*values)[i * kk + ch * kh * kw + t];
        *values = std::move(permuted);
        flags |= kTapMajor;
      }
      if (!wino) {
        std::vector<float> packed;
        for (int64_t g = 0; g < groups; ++g) {
          auto p = packPanels(values->data() + g * fg * kk, fg, kk, kk, 1, kMR, false);
          packed.insert(packed.end(), p.begin(), p.end());
        }
        std::string key = (global.getSymName() + ":conv:" + std::to_string(groups) +
                           (tapMajor ? ":tap" : ""))
                              .str();
        wArg = packedGlobal(b, loc, key, global, std::move(packed));
        flags |= kAPacked;
      }
    }
    View xv = view(b, loc, pad ? pad->src : x), wv = view(b, loc, wArg), yv = view(b, loc, y);
    SmallVector<Value> args{idx(b, loc, flags), idx(b, loc, n),  idx(b, loc, groups),
                            xv.ptr,            xv.offset,      idx(b, loc, c),
                            idx(b, loc, h),    idx(b, loc, wd), wv.ptr,
                            wv.offset,         idx(b, loc, f),  idx(b, loc, kh),
                            idx(b, loc, kw),   yv.ptr,          yv.offset,
                            idx(b, loc, oh),   idx(b, loc, ow), idx(b, loc, sv[0]),
                            idx(b, loc, sv[1]), idx(b, loc, dv[0]), idx(b, loc, dv[1]),
                            idx(b, loc, pad ? pad->pt : 0), idx(b, loc, pad ? pad->pl : 0)};
    appendEpilogueArgs(b, loc, ep, args);
    args.push_back(kernelContext(op->getParentOfType<func::FuncOp>()));
    declare(kSconv, args.size());
    func::CallOp::create(b, loc, kSconv, TypeRange{}, args);
    op->erase();
    for (Operation *dead : ep.ops)
      dead->erase();
    if (pad)
      for (Operation *dead : pad->ops)
        dead->erase();
    return success();
  }

  /// The buffer `v` is a view of (through view-like ops).
  static Value rootBuffer(Value v) {
    while (Operation *def = v.getDefiningOp()) {
      auto viewOp = dyn_cast<ViewLikeOpInterface>(def);
      if (!viewOp)
        break;
      v = viewOp.getViewSource();
    }
    return v;
  }

  static bool isZeroFloat(Value v) {
    FloatAttr f;
    return matchPattern(v, m_Constant(&f)) && f.getValue().isZero();
  }
  static bool isNegInfFloat(Value v) {
    FloatAttr f;
    return matchPattern(v, m_Constant(&f)) && f.getValue().isInfinity() &&
           f.getValue().isNegative();
  }

  static bool isContiguousF32(Value v, ArrayRef<int64_t> shape = {}) {
    auto t = dyn_cast<MemRefType>(v.getType());
    return t && t.getElementType().isF32() && memref::isStaticShapeAndContiguousRowMajor(t) &&
           (shape.empty() || t.getShape() == shape);
  }

  /// The zero padding (-inf for max pooling: `negInf`) a convolution's input
  /// `x` was built with, when the kernel writes it right before the
  /// convolution and nothing else reads it: `linalg.fill 0 -> x`, `linalg.copy src -> subview x[0, 0, pt, pl]`
  /// (or memref.copy), with only ops that write the convolution's output
  /// `y` in between. The convolution can then read `src` and skip the copy.
  struct PadFold {
    Value src;
    int64_t pt = 0, pl = 0;
    SmallVector<Operation *> ops; // copy, subview, fill: erased in this order
  };
  static std::optional<PadFold> matchPad(Operation *conv, Value x, Value y,
                                         bool negInf = false) {
    linalg::FillOp fill;
    memref::SubViewOp sub;
    for (OpOperand &use : x.getUses()) {
      Operation *user = use.getOwner();
      if (user == conv)
        continue;
      if (auto f = dyn_cast<linalg::FillOp>(user);
          f && !fill && f.hasPureBufferSemantics() && f.getDpsInits()[0] == x)
        fill = f;
      else if (auto s = dyn_cast<memref::SubViewOp>(user); s && !sub && s.getSource() == x)
        sub = s;
      else
        return std::nullopt;
    }
    if (!fill || !sub || !sub->hasOneUse() ||
        !(negInf ? isNegInfFloat(fill.getDpsInputs()[0]) : isZeroFloat(fill.getDpsInputs()[0])))
      return std::nullopt;
    auto subType = sub.getType();
    if (subType.getRank() != 4 || sub.getSourceType().getRank() != 4 ||
        ShapedType::isDynamicShape(sub.getStaticOffsets()) ||
        !llvm::all_of(sub.getStaticStrides(), [](int64_t s) { return s == 1; }) ||
        sub.getStaticOffsets()[0] != 0 || sub.getStaticOffsets()[1] != 0)
      return std::nullopt;
    Operation *copy = *sub->getUsers().begin();
    Value src;
    if (auto c = dyn_cast<linalg::CopyOp>(copy);
        c && c.hasPureBufferSemantics() && c.getDpsInits()[0] == sub.getResult())
      src = c.getDpsInputs()[0];
    else if (auto c = dyn_cast<memref::CopyOp>(copy); c && c.getTarget() == sub.getResult())
      src = c.getSource();
    if (!src || !isContiguousF32(src, subType.getShape()))
      return std::nullopt;
    Block *block = conv->getBlock();
    if (fill->getBlock() != block || copy->getBlock() != block ||
        !fill->isBeforeInBlock(copy) || !copy->isBeforeInBlock(conv))
      return std::nullopt;
    // Between the copy and the convolution, src must keep its values: only
    // side-effect-free ops and linalg ops that write y (another buffer).
    Value srcRoot = rootBuffer(src), yRoot = rootBuffer(y);
    if (srcRoot == yRoot)
      return std::nullopt;
    for (Operation *op = copy->getNextNode(); op != conv; op = op->getNextNode()) {
      if (isMemoryEffectFree(op))
        continue;
      auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
      if (!linalgOp || !linalgOp.hasPureBufferSemantics() ||
          !llvm::all_of(linalgOp.getDpsInits(),
                        [&](Value v) { return rootBuffer(v) == yRoot; }))
        return std::nullopt;
    }
    PadFold pad;
    pad.src = src;
    pad.pt = sub.getStaticOffsets()[2];
    pad.pl = sub.getStaticOffsets()[3];
    pad.ops = {copy, sub, fill};
    return pad;
  }

  /// How a depthwise convolution's output `y` [N][C][OH][OW] is initialized
  /// by the last op writing it before the convolution: a broadcast of a
  /// bias [C] (linalg.generic, the ONNX lowering's convInit) or a zero
  /// fill. That op can then be dropped and the kernel starts from the bias.
  struct InitFold {
    int64_t flag = 0;
    Value bias; // with kDwInitBias
    Operation *op = nullptr;
  };
  static InitFold matchInit(Operation *conv, Value y, ArrayRef<Operation *> skip) {
    InitFold none;
    Operation *op = conv->getPrevNode();
    while (op && (llvm::is_contained(skip, op) || isMemoryEffectFree(op)))
      op = op->getPrevNode();
    if (!op)
      return none;
    if (auto fill = dyn_cast<linalg::FillOp>(op)) {
      if (fill.hasPureBufferSemantics() && fill.getDpsInits()[0] == y &&
          isZeroFloat(fill.getDpsInputs()[0]))
        return {kDwInitZero, Value(), op};
      return none;
    }
    auto g = dyn_cast<linalg::GenericOp>(op);
    if (!g || !g.hasPureBufferSemantics() || g.getNumDpsInputs() != 1 ||
        g.getNumDpsInits() != 1 || g.getDpsInits()[0] != y ||
        g.getNumParallelLoops() != g.getNumLoops() || g.getNumLoops() != 4)
      return none;
    MLIRContext *ctx = op->getContext();
    SmallVector<AffineMap> maps = g.getIndexingMapsArray();
    if (maps[0] != AffineMap::get(4, 0, getAffineDimExpr(1, ctx), ctx) ||
        !maps[1].isIdentity())
      return none;
    Block &body = g.getRegion().front();
    auto yield = dyn_cast<linalg::YieldOp>(body.front());
    if (!yield || yield.getNumOperands() != 1 || yield.getOperand(0) != body.getArgument(0))
      return none;
    Value bias = g.getDpsInputs()[0];
    auto yShape = cast<MemRefType>(y.getType()).getShape();
    if (!isContiguousF32(bias, {yShape[1]}))
      return none;
    return {kDwInitBias, bias, op};
  }

  /// One call of steedk_dwconv2d before `op`: input x (unpadded, [N][C][H][W]),
  /// weights w ([C][KH][KW]; null for max pooling), bias (or null), output
  /// y, the window (kernel sizes, strides, dilations, top/left pads) and
  /// the clamp bounds.
  struct DwCall {
    int64_t flags;
    Value x, w, bias, y;
    int64_t kh, kw, sh, sw, dh, dw, pt, pl;
    float lo = 0, hi = 0;
  };
  void emitDwconv(Operation *op, const DwCall &c) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    Value zero = idx(b, loc, 0);
    auto xs = cast<MemRefType>(c.x.getType()).getShape();
    auto ys = cast<MemRefType>(c.y.getType()).getShape();
    View xv = view(b, loc, c.x), yv = view(b, loc, c.y);
    auto ptrOff = [&](Value v) -> std::pair<Value, Value> {
      if (!v)
        return {zero, zero};
      View vv = view(b, loc, v);
      return {vv.ptr, vv.offset};
    };
    auto [wPtr, wOff] = ptrOff(c.w);
    auto [bPtr, bOff] = ptrOff(c.bias);
    SmallVector<Value> args{idx(b, loc, isaFlags | c.flags),
                            idx(b, loc, xs[0]),
                            idx(b, loc, xs[1]),
                            xv.ptr,
                            xv.offset,
                            idx(b, loc, xs[2]),
                            idx(b, loc, xs[3]),
                            wPtr,
                            wOff,
                            idx(b, loc, c.kh),
                            idx(b, loc, c.kw),
                            bPtr,
                            bOff,
                            yv.ptr,
                            yv.offset,
                            idx(b, loc, ys[2]),
                            idx(b, loc, ys[3]),
                            idx(b, loc, c.sh),
                            idx(b, loc, c.sw),
                            idx(b, loc, c.dh),
                            idx(b, loc, c.dw),
                            idx(b, loc, c.pt),
                            idx(b, loc, c.pl),
                            idx(b, loc, llvm::bit_cast<uint32_t>(c.lo)),
                            idx(b, loc, llvm::bit_cast<uint32_t>(c.hi)),
                            kernelContext(op->getParentOfType<func::FuncOp>())};
    declare(kDwconv, args.size());
    func::CallOp::create(b, loc, kDwconv, TypeRange{}, args);
  }

  /// linalg.depthwise_conv_2d_nchw_chw (f32, static, contiguous) ->
  /// steedk_dwconv2d, folding the input's zero padding and the output's
  /// bias initialization into the call where they match.
  LogicalResult rewriteDepthwise(linalg::DepthwiseConv2DNchwChwOp op) {
    if (!op.hasPureBufferSemantics())
      return failure();
    Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1], y = op.getDpsInits()[0];
    for (Value v : {x, w, y})
      if (!isContiguousF32(v))
        return failure();
    auto &body = op->getRegion(0).front();
    if (body.getOperations().size() != 3 || !isa<arith::MulFOp>(body.front()) ||
        !isa<arith::AddFOp>(*std::next(body.begin())))
      return failure();
    auto ws = cast<MemRefType>(w.getType()).getShape();
    auto sv = llvm::to_vector(op.getStrides().getValues<int64_t>());
    auto dv = llvm::to_vector(op.getDilations().getValues<int64_t>());
    if (llvm::any_of(sv, [](int64_t s) { return s < 1; }) ||
        llvm::any_of(dv, [](int64_t d) { return d < 1; }))
      return failure();

    std::optional<PadFold> pad = matchPad(op, x, y);
    Value input = pad ? pad->src : x;
    InitFold init = matchInit(op, y, pad ? ArrayRef<Operation *>(pad->ops)
                                         : ArrayRef<Operation *>());
    // A SiLU/ReLU/Clip right after it (no residual): the kernel applies it
    // to its output.
    Epilogue act;
    matchEpilogueOp(op, y, act);
    if (act.flags & kResidual)
      act = Epilogue();
    int64_t actFlags = ((act.flags & kActMin) ? kDwActMin : 0) |
                       ((act.flags & kActMax) ? kDwActMax : 0) |
                       ((act.flags & kSilu) ? kDwSilu : 0);

    emitDwconv(op, {init.flag | actFlags, input, w, init.bias, y, ws[1], ws[2], sv[0], sv[1],
                    dv[0], dv[1], pad ? pad->pt : 0, pad ? pad->pl : 0, act.lo, act.hi});
    op->erase();
    if (init.op)
      init.op->erase();
    for (Operation *dead : act.ops)
      dead->erase();
    if (pad)
      for (Operation *dead : pad->ops)
        dead->erase();
    return success();
  }

  /// `e` as sum of (loop dim, coefficient) terms: dims, dims times a
  /// constant, sums of those; false for anything else.
  static bool linearTerms(AffineExpr e, SmallVectorImpl<int64_t> &coeff) {
    if (auto d = dyn_cast<AffineDimExpr>(e)) {
      coeff[d.getPosition()] += 1;
      return true;
    }
    auto bin = dyn_cast<AffineBinaryOpExpr>(e);
    if (!bin)
      return false;
    if (bin.getKind() == AffineExprKind::Add)
      return linearTerms(bin.getLHS(), coeff) && linearTerms(bin.getRHS(), coeff);
    auto d = dyn_cast<AffineDimExpr>(bin.getLHS());
    auto c = dyn_cast<AffineConstantExpr>(bin.getRHS());
    if (bin.getKind() != AffineExprKind::Mul || !d || !c || c.getValue() < 1)
      return false;
    coeff[d.getPosition()] += c.getValue();
    return true;
  }

  /// Max pooling as the ONNX lowering writes it (f32, static, contiguous):
  /// `linalg.fill -inf -> y`, then a generic over (n, c, oy, ox, ky, kx)
  /// reading x[n][c][oy*sh + ky*dh][ox*sw + kx*dw] and a window-shaped
  /// dummy, `y = maximumf(y, x)` -> steedk_dwconv2d in its max mode, with
  /// the input's -inf padding folded like a convolution's zero padding.
  LogicalResult rewriteMaxPool(linalg::GenericOp op) {
    if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
        op.getNumLoops() != 6 || op.getNumParallelLoops() != 4)
      return failure();
    Value x = op.getDpsInputs()[0], y = op.getDpsInits()[0];
    if (!isContiguousF32(x) || !isContiguousF32(y))
      return failure();
    auto iters = op.getIteratorTypesArray();
    for (int i = 0; i < 6; ++i)
      if ((iters[i] == utils::IteratorType::parallel) != (i < 4))
        return failure();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    MLIRContext *ctx = op.getContext();
    auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    if (maps[2] != AffineMap::get(6, 0, {dim(0), dim(1), dim(2), dim(3)}, ctx) ||
        maps[1] != AffineMap::get(6, 0, {dim(4), dim(5)}, ctx) || maps[0].getNumResults() != 4 ||
        maps[0].getResult(0) != dim(0) || maps[0].getResult(1) != dim(1))
      return failure();
    // Row: oy * sh + ky * dh; column: ox * sw + kx * dw.
    int64_t stride[2], dilation[2];
    for (int a = 0; a < 2; ++a) {
      SmallVector<int64_t> coeff(6, 0);
      if (!linearTerms(maps[0].getResult(2 + a), coeff))
        return failure();
      for (int i = 0; i < 6; ++i)
        if (i != 2 + a && i != 4 + a && coeff[i] != 0)
          return failure();
      stride[a] = coeff[2 + a];
      dilation[a] = coeff[4 + a];
      if (stride[a] < 1 || dilation[a] < 1)
        return failure();
    }
    Block &body = op.getRegion().front();
    if (body.getOperations().size() != 2)
      return failure();
    auto max = dyn_cast<arith::MaximumFOp>(body.front());
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    Value in = body.getArgument(0), out = body.getArgument(2);
    if (!max || yield.getOperand(0) != max.getResult() ||
        !((max.getLhs() == out && max.getRhs() == in) ||
          (max.getLhs() == in && max.getRhs() == out)))
      return failure();

    std::optional<PadFold> pad = matchPad(op, x, y, /*negInf=*/true);
    // y starts at -inf: the fill right before (past the padding's ops).
    Operation *prev = op->getPrevNode();
    while (prev && ((pad && llvm::is_contained(pad->ops, prev)) || isMemoryEffectFree(prev)))
      prev = prev->getPrevNode();
    auto fill = dyn_cast_or_null<linalg::FillOp>(prev);
    if (!fill || !fill.hasPureBufferSemantics() || fill.getDpsInits()[0] != y ||
        !isNegInfFloat(fill.getDpsInputs()[0]))
      return failure();
    Value input = pad ? pad->src : x;
    auto ws = cast<MemRefType>(op.getDpsInputs()[1].getType()).getShape();
    if (ShapedType::isDynamicShape(ws))
      return failure();

    emitDwconv(op, {kDwMax, input, Value(), Value(), y, ws[0], ws[1], stride[0], stride[1],
                    dilation[0], dilation[1], pad ? pad->pt : 0, pad ? pad->pl : 0});
    op->erase();
    fill->erase();
    if (pad)
      for (Operation *dead : pad->ops)
        dead->erase();
    return success();
  }
};

struct CPUMicrokernelsPass : steed::impl::CPUMicrokernelsBase<CPUMicrokernelsPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    Rewriter rw(module, isaLevel, winograd);
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp, linalg::Conv2DNchwFchwOp,
              linalg::Conv2DNgchwGfchwOp, linalg::DepthwiseConv2DNchwChwOp>(op))
        ops.push_back(op);
      else if (auto g = dyn_cast<linalg::GenericOp>(op); g && g.getNumLoops() == 6)
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      if (auto mm = dyn_cast<linalg::MatmulOp>(op))
        (void)rw.rewriteMatmul(cast<linalg::LinalgOp>(op), false);
      else if (isa<linalg::BatchMatmulOp>(op))
        (void)rw.rewriteMatmul(cast<linalg::LinalgOp>(op), true);
      else if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op))
        (void)rw.rewriteConv(conv, conv.getStrides(), conv.getDilations(), false);
      else if (auto conv = dyn_cast<linalg::Conv2DNgchwGfchwOp>(op))
        (void)rw.rewriteConv(conv, conv.getStrides(), conv.getDilations(), true);
      else if (auto conv = dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(op))
        (void)rw.rewriteDepthwise(conv);
      else if (auto g = dyn_cast<linalg::GenericOp>(op))
        (void)rw.rewriteMaxPool(g);
    }
    // Weights now only read in packed form are dropped.
    for (Operation *global : rw.touchedGlobals)
      if (SymbolTable::symbolKnownUseEmpty(global, module))
        global->erase();
  }
};
} // namespace
