//===- MatmulConv.cpp - Lowering of MatmulConv onnx ops ---------------------===//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "passes/lowering/LoweringUtils.h"

using namespace mlir;
using namespace steed;
namespace o = steed::onnx;

void steed::populateMatmulConvLoweringPatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns) {}
