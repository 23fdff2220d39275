//===- DataMovement.cpp - Lowering of DataMovement onnx ops ---------------------===//
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/ShapeHelpers.h"
#include "passes/lowering/LoweringUtils.h"

using namespace mlir;
using namespace steed;
namespace o = steed::onnx;

void steed::populateDataMovementLoweringPatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns) {}
