//===- ONNXMatmulConvOps.td - MatmulConv onnx ops ---------------------*- tablegen -*-===//
#ifndef STEED_ONNX_MATMULCONV_OPS
#define STEED_ONNX_MATMULCONV_OPS

include "dialects/onnx/ONNXBase.td"

def ONNX_MatMulOp : ONNX_Op<"MatMul"> {
  let summary = "numpy-style matmul (batch dimensions broadcast, 1-D operands promoted)";
  let arguments = (ins AnyTensor:$A, AnyTensor:$B);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$A `,` $B attr-dict `:` functional-type(operands, results)";
}

def ONNX_GemmOp : ONNX_Op<"Gemm"> {
  let summary = "Y = alpha * A' * B' + beta * C (A', B' optionally transposed)";
  let description = [{
    A and B are 2-D. C is optional (none) and broadcasts unidirectionally
    to the [M, N] result. Opset < 11 forms (C required, `broadcast`
    attribute) import into this form unchanged: unidirectional broadcasting
    is a superset of both.
  }];
  let arguments = (ins AnyTensor:$A, AnyTensor:$B, ONNX_OptTensor:$C,
                   DefaultValuedAttr<F32Attr, "1.0f">:$alpha,
                   DefaultValuedAttr<F32Attr, "1.0f">:$beta,
                   DefaultValuedAttr<I64Attr, "0">:$transA,
                   DefaultValuedAttr<I64Attr, "0">:$transB);
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$A `,` $B `,` $C attr-dict `:` functional-type(operands, results)";
}

// Attributes shared by Conv and ConvTranspose. Absent int lists take their
// ONNX defaults (1s, 0s, kernel from W); the op methods below resolve them.
class ONNX_ConvLikeOp<string mnemonic> : ONNX_Op<mnemonic> {
  let results = (outs AnyTensor:$Y);
  let assemblyFormat = "$X `,` $W `,` $B attr-dict `:` functional-type(operands, results)";
  code convCommonDecls = [{
    /// Number of spatial dimensions, from W's rank; -1 when W is unranked.
    int64_t getNumSpatialDims() {
      auto w = ::llvm::dyn_cast<::mlir::RankedTensorType>(getW().getType());
      return w ? w.getRank() - 2 : -1;
    }
    /// strides / dilations with their defaults (1 per spatial axis).
    ::llvm::SmallVector<int64_t> getStridesOrDefault() {
      return getStrides() ? ::llvm::SmallVector<int64_t>(*getStrides())
                          : ::llvm::SmallVector<int64_t>(getNumSpatialDims(), 1);
    }
    ::llvm::SmallVector<int64_t> getDilationsOrDefault() {
      return getDilations() ? ::llvm::SmallVector<int64_t>(*getDilations())
                            : ::llvm::SmallVector<int64_t>(getNumSpatialDims(), 1);
    }
    /// The kernel's spatial shape: W's spatial dims (W must be ranked);
    /// kernel_shape fills in dynamic ones.
    ::llvm::SmallVector<int64_t> getKernelSpatialShape() {
      auto w = ::llvm::cast<::mlir::RankedTensorType>(getW().getType());
      ::llvm::SmallVector<int64_t> kernel(w.getShape().drop_front(2));
      if (auto ks = getKernelShape(); ks && ks->size() == kernel.size())
        for (size_t i = 0; i < kernel.size(); ++i)
          if (::mlir::ShapedType::isDynamic(kernel[i]))
            kernel[i] = (*ks)[i];
      return kernel;
    }
  }];
}

def ONNX_ConvOp : ONNX_ConvLikeOp<"Conv"> {
  let summary = "N-d convolution (NCHW layout) with groups, strides, dilations, padding";
  let arguments = (ins AnyTensor:$X, AnyTensor:$W, ONNX_OptTensor:$B,
                   DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad,
                   OptionalAttr<DenseI64ArrayAttr>:$dilations,
                   DefaultValuedAttr<I64Attr, "1">:$group,
                   OptionalAttr<DenseI64ArrayAttr>:$kernel_shape,
                   OptionalAttr<DenseI64ArrayAttr>:$pads,
                   OptionalAttr<DenseI64ArrayAttr>:$strides);
  let extraClassDeclaration = convCommonDecls # [{
    /// Explicit pads [begin..., end...] after resolving auto_pad, given the
    /// input's spatial shape (static dims needed only for SAME_*; a dynamic
    /// input dim gives kDynamic pads there).
    ::llvm::SmallVector<int64_t> getResolvedPads(::llvm::ArrayRef<int64_t> inputSpatial);
  }];
}

def ONNX_ConvTransposeOp : ONNX_ConvLikeOp<"ConvTranspose"> {
  let summary = "N-d transposed convolution (NCHW layout), the gradient of Conv";
  let description = [{
    W is [C, M/group, k...]. Opset-11 semantics: with `output_shape` (or
    SAME_*), the total padding is split with the extra element at the end for
    SAME_UPPER and at the beginning otherwise.
  }];
  let arguments = (ins AnyTensor:$X, AnyTensor:$W, ONNX_OptTensor:$B,
                   DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad,
                   OptionalAttr<DenseI64ArrayAttr>:$dilations,
                   DefaultValuedAttr<I64Attr, "1">:$group,
                   OptionalAttr<DenseI64ArrayAttr>:$kernel_shape,
                   OptionalAttr<DenseI64ArrayAttr>:$output_padding,
                   OptionalAttr<DenseI64ArrayAttr>:$output_shape,
                   OptionalAttr<DenseI64ArrayAttr>:$pads,
                   OptionalAttr<DenseI64ArrayAttr>:$strides);
  let extraClassDeclaration = convCommonDecls # [{
    ::llvm::SmallVector<int64_t> getOutputPaddingOrDefault() {
      return getOutputPadding() ? ::llvm::SmallVector<int64_t>(*getOutputPadding())
                                : ::llvm::SmallVector<int64_t>(getNumSpatialDims(), 0);
    }
    /// Explicit pads [begin..., end...] (resolving output_shape / auto_pad)
    /// and the output's spatial shape, given the input's static spatial shape.
    void getResolvedPadsAndOutputShape(::llvm::ArrayRef<int64_t> inputSpatial,
                                       ::llvm::SmallVectorImpl<int64_t> &pads,
                                       ::llvm::SmallVectorImpl<int64_t> &outSpatial);
  }];
}

#endif // STEED_ONNX_MATMULCONV_OPS
