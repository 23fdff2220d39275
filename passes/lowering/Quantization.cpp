//===- Quantization.cpp - Lowering of the quantization onnx ops -----------===//
#include "dialects/onnx/ONNXOps.h"
#include "passes/lowering/LoweringUtils.h"

using namespace mlir;
using namespace steed;
namespace o = steed::onnx;

void steed::populateQuantizationLoweringPatterns(const TypeConverter &converter,
                                                 RewritePatternSet &patterns) {}
