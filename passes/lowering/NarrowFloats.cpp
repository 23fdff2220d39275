//===- NarrowFloats.cpp - float8 / float4 <-> f32 in integer arithmetic ---===//
//
// LLVM has no float8/float4 arithmetic, so the lowering carries these
// values as their bit patterns (f8* -> i8, f4E2M1FN -> i4; see toSignless)
// and converts with integer and f32 arithmetic:
//
//  * decode: the code's exponent/mantissa fields are moved into an f32 bit
//    pattern (normal numbers) or scaled from the mantissa (subnormals); NaN
//    and infinity codes are selected per format;
//  * encode: round to nearest even. Normal range: add (half ulp - 1) plus the
//    kept lsb to the f32 bit pattern and shift, so a carry moves into the
//    exponent. Subnormal range: f32 addition of 2^k, whose ulp is the
//    format's subnormal quantum, rounds in hardware; the difference of the
//    bit patterns is the code. Codes grow monotonically with the magnitude,
//    so one comparison against the largest finite code detects overflow.
//
// Overflow and special values follow ONNX Cast (opset 19+):
//
//   input         | E4M3FN        | E4M3FNUZ / E5M2FNUZ | E5M2        | E2M1
//   NaN           | NaN (0x7F)    | NaN (0x80)          | NaN (0x7E)  | 0x8 (-0)
//   |x| > max     | sat: +-max    | sat: +-max          | sat: +-max  | +-max
//   (incl. inf)   | else NaN      | else NaN (0x80)     | else +-inf  | (always)
//   -0            | -0            | 0                   | -0          | -0
//
#include "passes/lowering/LoweringUtils.h"

using namespace mlir;

namespace steed {

std::optional<NarrowFloatFormat> getNarrowFloatFormat(Type t) {
  using K = NarrowFloatFormat::Kind;
  if (isa<Float8E4M3FNType>(t))
    return NarrowFloatFormat{8, 3, 7, K::FN, 0x7E};
  if (isa<Float8E4M3FNUZType>(t))
    return NarrowFloatFormat{8, 3, 8, K::FNUZ, 0x7F};
  if (isa<Float8E5M2Type>(t))
    return NarrowFloatFormat{8, 2, 15, K::IEEE, 0x7B};
  if (isa<Float8E5M2FNUZType>(t))
    return NarrowFloatFormat{8, 2, 16, K::FNUZ, 0x7F};
  if (isa<Float4E2M1FNType>(t))
    return NarrowFloatFormat{4, 1, 1, K::Finite, 0x7};
  return std::nullopt;
}

namespace {
struct Ops {
  OpBuilder &b;
  Location loc;
  Type i32;
  Value c(int64_t v) { return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr((int32_t)v)); }
  Value f(float v) { return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v)); }
  Value andi(Value x, int64_t m) { return arith::AndIOp::create(b, loc, x, c(m)); }
  Value ori(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value add(Value x, int64_t v) { return arith::AddIOp::create(b, loc, x, c(v)); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, int64_t v) { return arith::SubIOp::create(b, loc, x, c(v)); }
  Value shr(Value x, int64_t s) { return arith::ShRUIOp::create(b, loc, x, c(s)); }
  Value shl(Value x, int64_t s) { return arith::ShLIOp::create(b, loc, x, c(s)); }
  Value cmp(arith::CmpIPredicate p, Value x, int64_t v) {
    return arith::CmpIOp::create(b, loc, p, x, c(v));
  }
  Value sel(Value cond, Value x, Value y) { return arith::SelectOp::create(b, loc, cond, x, y); }
};
} // namespace

Value decodeNarrowFloat(OpBuilder &b, Location loc, Value code, const NarrowFloatFormat &fmt) {
  Ops o{b, loc, b.getI32Type()};
  using P = arith::CmpIPredicate;
  unsigned w = fmt.width, man = fmt.mantissaBits;
  Value u = arith::ExtUIOp::create(b, loc, o.i32, code);
  Value sign = o.cmp(P::ne, o.andi(u, 1 << (w - 1)), 0);
  Value mag = o.andi(u, (1 << (w - 1)) - 1);
  Value exp = o.shr(mag, man);
  Value mant = o.andi(mag, (1 << man) - 1);
  // Normal: exponent rebiased, mantissa moved to the top of f32's.
  Value normalBits = o.add(o.shl(mag, 23 - man), (int64_t)(127 - fmt.bias) << 23);
  Value normal = arith::BitcastOp::create(b, loc, b.getF32Type(), normalBits);
  // Subnormal: mantissa * 2^(1 - bias - man).
  Value sub = arith::MulFOp::create(b, loc, arith::UIToFPOp::create(b, loc, b.getF32Type(), mant),
                                    o.f(std::ldexp(1.0f, 1 - fmt.bias - (int)man)));
  Value abs = o.sel(o.cmp(P::eq, exp, 0), sub, normal);
  Value r = o.sel(sign, arith::NegFOp::create(b, loc, abs), abs);
  Value nan = o.f(std::numeric_limits<float>::quiet_NaN());
  switch (fmt.kind) {
  case NarrowFloatFormat::FN: // all ones: NaN
    return o.sel(o.cmp(P::eq, mag, (1 << (w - 1)) - 1), nan, r);
  case NarrowFloatFormat::FNUZ: // "-0": NaN
    return o.sel(o.cmp(P::eq, u, 1 << (w - 1)), nan, r);
  case NarrowFloatFormat::IEEE: { // exponent all ones: inf (mantissa 0) or NaN
    int64_t maxExp = (1 << (w - 1 - man)) - 1;
    Value inf = o.f(std::numeric_limits<float>::infinity());
    Value special = o.sel(o.cmp(P::eq, mant, 0), o.sel(sign, o.f(-INFINITY), inf), nan);
    return o.sel(o.cmp(P::eq, exp, maxExp), special, r);
  }
  case NarrowFloatFormat::Finite:
    return r;
  }
  return r;
}

Value encodeNarrowFloat(OpBuilder &b, Location loc, Value x, const NarrowFloatFormat &fmt,
                        bool saturate) {
  Ops o{b, loc, b.getI32Type()};
  using P = arith::CmpIPredicate;
  unsigned w = fmt.width, man = fmt.mantissaBits;
  int64_t signBit = 1 << (w - 1);
  Value bits = arith::BitcastOp::create(b, loc, o.i32, x);
  Value negative = o.cmp(P::slt, bits, 0);
  Value a = o.andi(bits, 0x7FFFFFFF);
  // Normal range: round the f32 pattern to `man` mantissa bits, rebias.
  unsigned drop = 23 - man;
  Value lsb = o.andi(o.shr(a, drop), 1);
  Value rounded = o.add(o.add(a, (1 << (drop - 1)) - 1), lsb);
  Value normal = o.sub(o.shr(rounded, drop), (int64_t)(127 - fmt.bias) << man);
  // Subnormal range: |x| + 2^k rounds |x| to the quantum 2^(1 - bias - man).
  float magic = std::ldexp(1.0f, 24 - fmt.bias - (int)man);
  Value sum = arith::AddFOp::create(b, loc, arith::BitcastOp::create(b, loc, b.getF32Type(), a),
                                    o.f(magic));
  uint32_t magicBits;
  std::memcpy(&magicBits, &magic, 4);
  Value subnormal = o.sub(arith::BitcastOp::create(b, loc, o.i32, sum), magicBits);
  Value code = o.sel(o.cmp(P::ult, a, (int64_t)(128 - fmt.bias) << 23), subnormal, normal);

  Value sign = o.sel(negative, o.c(signBit), o.c(0));
  Value finite = o.ori(code, sign);
  Value maxFinite = o.ori(o.c(fmt.maxCode), sign);
  Value overflow, nan;
  switch (fmt.kind) {
  case NarrowFloatFormat::FN:
    overflow = saturate ? maxFinite : o.ori(o.c(signBit - 1), sign);
    nan = o.ori(o.c(signBit - 1), sign);
    break;
  case NarrowFloatFormat::FNUZ:
    finite = o.sel(o.cmp(P::eq, code, 0), o.c(0), finite); // no -0
    overflow = saturate ? maxFinite : o.c(signBit);
    nan = o.c(signBit);
    break;
  case NarrowFloatFormat::IEEE:
    overflow = saturate ? maxFinite : o.ori(o.c(fmt.maxCode + 1), sign); // inf
    nan = o.ori(o.c(signBit - 2), sign);
    break;
  case NarrowFloatFormat::Finite:
    overflow = maxFinite;
    nan = o.c(signBit); // as ONNX's reference (ml_dtypes) gives
    break;
  }
  Value r = o.sel(o.cmp(P::ugt, code, fmt.maxCode), overflow, finite);
  r = o.sel(o.cmp(P::ugt, a, 0x7F800000), nan, r);
  return arith::TruncIOp::create(b, loc, b.getIntegerType(w), r);
}

} // namespace steed
