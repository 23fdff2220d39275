# Regenerates the models of selection.test in selection/ (ops with
# data-dependent result sizes) with Debian's /usr/bin/python3, plus inputs
# and expected outputs (.npy) that numpy computes (np.nonzero, boolean
# indexing, np.unique). Run from this directory.
import os

import numpy as np
import onnx
from onnx import TensorProto, helper

OUT = "selection"
os.makedirs(OUT, exist_ok=True)
rng = np.random.RandomState(0)

F, I32, I64, B, U8 = (TensorProto.FLOAT, TensorProto.INT32, TensorProto.INT64, TensorProto.BOOL,
                      TensorProto.UINT8)


def vi(name, t, shape):
    return helper.make_tensor_value_info(name, t, shape)


def save(name, node, inputs, outputs, opset, check=True):
    graph = helper.make_graph([node], name, inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    if check:
        onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name + ".onnx"))


def arrays(name, tag, inputs, outputs):
    for i, a in enumerate(inputs):
        np.save(os.path.join(OUT, "%s.%s.in%d.npy" % (name, tag, i)), a)
    for i, a in enumerate(outputs):
        np.save(os.path.join(OUT, "%s.%s.out%d.npy" % (name, tag, i)), a)


# NonZero of an int32 [N, 3] input (N symbolic): some zeros, and all zeros
# (an empty [2, 0] result).
save("nonzero_dynamic", helper.make_node("NonZero", ["x"], ["y"], name="nz"),
     [vi("x", I32, ["N", 3])], [vi("y", I64, [2, None])], 13)
x = rng.randint(-1, 2, size=(4, 3)).astype(np.int32)
arrays("nonzero_dynamic", "a", [x], [np.array(np.nonzero(x), dtype=np.int64)])
z = np.zeros((2, 3), np.int32)
arrays("nonzero_dynamic", "b", [z], [np.zeros((2, 0), np.int64)])

# Compress along axis 0 of a [N, 2] input with a condition of run-time
# length M (shorter than N: the missing entries are false).
save("compress_dynamic",
     helper.make_node("Compress", ["x", "c"], ["y"], name="cmp", axis=0),
     [vi("x", F, ["N", 2]), vi("c", B, ["M"])], [vi("y", F, [None, 2])], 11)
x = rng.randn(5, 2).astype(np.float32)
c = np.array([True, False, True, True])
arrays("compress_dynamic", "a", [x, c], [x[:4][c]])

# Unique (sorted) of uint8 values on both sides of 127: unsigned order.
save("unique_uint8",
     helper.make_node("Unique", ["x"], ["y", "idx", "inv", "cnt"], name="uq", sorted=1),
     [vi("x", U8, [8])],
     [vi("y", U8, [None]), vi("idx", I64, [None]), vi("inv", I64, [8]), vi("cnt", I64, [None])],
     11)
x = np.array([200, 3, 129, 3, 255, 200, 0, 129], np.uint8)
y, idx, inv, cnt = np.unique(x, return_index=True, return_inverse=True, return_counts=True)
arrays("unique_uint8", "a", [x],
       [y, idx.astype(np.int64), inv.astype(np.int64), cnt.astype(np.int64)])

# Refused at import: NonZero of a 0-D input, OptionalGetElement of an empty
# optional (missing input).
save("nonzero_scalar", helper.make_node("NonZero", ["x"], ["y"], name="nz0"),
     [vi("x", F, [])], [vi("y", I64, [0, None])], 13)
save("optional_get_empty", helper.make_node("OptionalGetElement", [""], ["y"], name="get"),
     [], [vi("y", F, [4])], 15, check=False)


# TfIdfVectorizer in IDF and TFIDF modes with weights (the backend tests only
# cover TF): expected values from a direct loop over the definition.
def tfidf(x, min_n, max_n, max_skip, counts, indexes, pool, mode, weights):
    rows = x.reshape(1, -1) if x.ndim == 1 else x
    out_size = max(indexes) + 1
    grams, g = [], 0
    for i, start in enumerate(counts):
        n = i + 1
        end = counts[i + 1] if i + 1 < len(counts) else len(pool)
        for off in range(start, end, n):
            grams.append((tuple(pool[off:off + n]), indexes[g]))
            g += 1
    freq = np.zeros((rows.shape[0], out_size), np.float32)
    for r, row in enumerate(rows):
        for gram, col in grams:
            n = len(gram)
            if not min_n <= n <= max_n:
                continue
            for d in ([1] if n == 1 else range(1, max_skip + 2)):
                for i in range(len(row)):
                    if i + d * (n - 1) < len(row) and all(
                            row[i + k * d] == gram[k] for k in range(n)):
                        freq[r, col] += 1
    w = np.ones(out_size, np.float32) if weights is None else np.array(weights, np.float32)
    if mode == "IDF":
        freq = np.where(freq > 0, w, 0).astype(np.float32)
    elif mode == "TFIDF":
        freq = freq * w
    return freq.reshape(-1) if x.ndim == 1 else freq


attrs = dict(min_gram_length=1, max_gram_length=2, max_skip_count=1, ngram_counts=[0, 3],
             ngram_indexes=[2, 0, 1, 3, 4], pool_int64s=[4, 5, 6, 4, 5, 5, 6],
             weights=[0.5, 2.0, 3.0, 4.0, 0.25])
for mode, xshape, t, dtype in [("IDF", [7], I32, np.int32), ("TFIDF", ["N", 6], I64, np.int64)]:
    name = "tfidf_" + mode.lower()
    save(name, helper.make_node("TfIdfVectorizer", ["x"], ["y"], name=name, mode=mode, **attrs),
         [vi("x", t, xshape)], [vi("y", F, [5] if len(xshape) == 1 else ["N", 5])], 9)
    # IDF: 4, 5, 6 occur but neither bigram (zero columns 3 and 4).
    x = (np.array([4, 4, 6, 6, 5, 4, 4], dtype) if mode == "IDF" else
         rng.randint(4, 7, size=(3, 6)).astype(dtype))
    arrays(name, "a", [x], [tfidf(x, 1, 2, 1, attrs["ngram_counts"], attrs["ngram_indexes"],
                                  attrs["pool_int64s"], mode, attrs["weights"])])

# Refused at import: a string pool (with an int64 input, so that the input
# type is not what stops it).
save("tfidf_strings",
     helper.make_node("TfIdfVectorizer", ["x"], ["y"], name="tfs", mode="TF", min_gram_length=1,
                      max_gram_length=1, max_skip_count=0, ngram_counts=[0], ngram_indexes=[0],
                      pool_strings=["a"]),
     [vi("x", I64, [3])], [vi("y", F, [1])], 9, check=False)
