//===- ExecOps.cpp - The exec dialect and its ops -------------------------===//
#include "dialects/exec/ExecOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace steed::exec;

#include "dialects/exec/ExecDialect.cpp.inc"

void ExecDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/exec/ExecOps.cpp.inc"
      >();
}

LogicalResult GroupOp::verify() {
  Block &block = getBody().front();
  if (block.getNumArguments() != getInputs().size())
    return emitOpError() << "has " << getInputs().size() << " inputs but "
                         << block.getNumArguments() << " block arguments";
  for (auto [input, arg] : llvm::zip(getInputs(), block.getArguments()))
    if (input.getType() != arg.getType())
      return emitOpError() << "block argument type " << arg.getType()
                           << " differs from input type " << input.getType();
  auto yield = cast<YieldOp>(block.getTerminator());
  if (!llvm::equal(yield.getValues().getTypes(), getResultTypes()))
    return emitOpError("yielded types differ from the result types");
  return success();
}

LogicalResult LaunchOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto fn = symbolTable.lookupNearestSymbolFrom<func::FuncOp>(*this, getKernelAttr());
  if (!fn)
    return emitOpError() << "'" << getKernel() << "' is not a function";
  if (!llvm::equal(fn.getFunctionType().getInputs(), getArgs().getTypes()) ||
      !llvm::equal(fn.getFunctionType().getResults(), getResultTypes()))
    return emitOpError() << "argument or result types do not match kernel '" << getKernel()
                         << "' of type " << fn.getFunctionType();
  return success();
}

#define GET_OP_CLASSES
#include "dialects/exec/ExecOps.cpp.inc"
