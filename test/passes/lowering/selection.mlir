// Ops with data-dependent result sizes (passes/lowering/Selection.cpp): the
// selected dimension is dynamic; the lowering counts, then fills a tensor of
// the counted size in an scf.for that carries the write position.
// RUN: steed-opt %s --split-input-file --verify-diagnostics --steed-infer-shapes --steed-lower-onnx | FileCheck %s

// NonZero: a counting reduction, then one pass writing the coordinates of
// each non-zero element into column `pos`.
// CHECK-LABEL: func.func @nonzero
// CHECK-SAME:    -> tensor<2x?xi64>
// CHECK:         linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]
// CHECK:           arith.cmpf une
// CHECK:           arith.extui
// CHECK:           arith.addi
// CHECK:         %[[N:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK:         %[[INIT:.*]] = tensor.empty(%[[N]]) : tensor<2x?xi64>
// CHECK:         scf.for %[[I:.*]] = %{{.*}} iter_args(%[[OUT:.*]] = %[[INIT]], %[[POS:.*]] = %{{.*}}) -> (tensor<2x?xi64>, index)
// CHECK:           %[[COL:.*]] = arith.remui %[[I]]
// CHECK:           %[[ROW:.*]] = arith.divui %[[I]]
// CHECK:           tensor.extract %arg0[%[[ROW]], %[[COL]]]
// CHECK:           scf.if
// CHECK:             tensor.insert %{{.*}} into %[[OUT]][%{{.*}}, %[[POS]]]
// CHECK:             tensor.insert
// CHECK:           } else {
// CHECK:             scf.yield %[[OUT]], %[[POS]]
func.func @nonzero(%x: tensor<2x3xf32>) -> tensor<*xi64> {
  %r = onnx.NonZero %x : (tensor<2x3xf32>) -> tensor<*xi64>
  return %r : tensor<*xi64>
}

// -----

// A dynamic input: the element count comes from tensor.dim.
// CHECK-LABEL: func.func @nonzero_dynamic
// CHECK-SAME:    -> tensor<1x?xi64>
// CHECK:         tensor.dim %arg0
// CHECK:         scf.for
func.func @nonzero_dynamic(%x: tensor<?xi32>) -> tensor<*xi64> {
  %r = onnx.NonZero %x : (tensor<?xi32>) -> tensor<*xi64>
  return %r : tensor<*xi64>
}

// -----

func.func @nonzero_scalar(%x: tensor<f32>) -> tensor<*xi64> {
  // expected-error @+1 {{'onnx.NonZero' op needs an input of rank >= 1 (0-D inputs are not supported)}}
  %r = onnx.NonZero %x : (tensor<f32>) -> tensor<*xi64>
  return %r : tensor<*xi64>
}

// -----

// An unranked input: no pattern fires.
func.func @nonzero_unranked(%x: tensor<*xf32>) -> tensor<*xi64> {
  // expected-error @+1 {{cannot lower onnx.NonZero with types 'tensor<*xf32>' -> 'tensor<?x?xi64>'}}
  %r = onnx.NonZero %x : (tensor<*xf32>) -> tensor<*xi64>
  return %r : tensor<*xi64>
}

// -----

// Compress along the (negative) axis: count the true entries among the
// first min(len(condition), dim), then copy each selected slice.
// CHECK-LABEL: func.func @compress_axis
// CHECK-SAME:    -> tensor<3x?xui8>
// CHECK:         %[[X:.*]] = tensor.bitcast %arg0 : tensor<3x2xui8> to tensor<3x2xi8>
// CHECK:         %[[N:.*]] = scf.for {{.*}} -> (index)
// CHECK:           tensor.extract %arg1
// CHECK:           arith.select
// CHECK:         %[[INIT:.*]] = tensor.empty(%[[N]]) : tensor<3x?xi8>
// CHECK:         %[[R:.*]]:2 = scf.for %[[J:.*]] = {{.*}} iter_args(%[[OUT:.*]] = %[[INIT]], %[[POS:.*]] = %{{.*}})
// CHECK:           scf.if
// CHECK:             %[[S:.*]] = tensor.extract_slice %[[X]][0, %[[J]]] [3, 1] [1, 1] : tensor<3x2xi8> to tensor<3x1xi8>
// CHECK:             tensor.insert_slice %[[S]] into %[[OUT]][0, %[[POS]]] [3, 1] [1, 1] : tensor<3x1xi8> into tensor<3x?xi8>
// CHECK:         tensor.bitcast %[[R]]#0 : tensor<3x?xi8> to tensor<3x?xui8>
func.func @compress_axis(%x: tensor<3x2xui8>, %c: tensor<2xi1>) -> tensor<*xui8> {
  %r = onnx.Compress %x, %c {axis = -1 : i64} : (tensor<3x2xui8>, tensor<2xi1>) -> tensor<*xui8>
  return %r : tensor<*xui8>
}

// -----

// Without an axis the input is flattened; a condition of run-time length is
// clamped to the element count.
// CHECK-LABEL: func.func @compress_flat
// CHECK-SAME:    -> tensor<?xf32>
// CHECK:         %[[FLAT:.*]] = tensor.collapse_shape %arg0 {{\[}}[0, 1]] : tensor<3x2xf32> into tensor<6xf32>
// CHECK:         %[[LEN:.*]] = tensor.dim %arg1
// CHECK:         %[[LIMIT:.*]] = arith.minsi %[[LEN]], %{{.*}} : index
// CHECK:         scf.for {{.*}} to %[[LIMIT]]
// CHECK:         scf.for {{.*}} to %[[LIMIT]]
// CHECK:           tensor.extract_slice %[[FLAT]]
func.func @compress_flat(%x: tensor<3x2xf32>, %c: tensor<?xi1>) -> tensor<*xf32> {
  %r = onnx.Compress %x, %c : (tensor<3x2xf32>, tensor<?xi1>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @compress_bad_condition(%x: tensor<3x2xf32>, %c: tensor<2x2xi1>) -> tensor<*xf32> {
  // expected-error @+1 {{'onnx.Compress' op condition must be 1-D, got 'tensor<2x2xi1>'}}
  %r = onnx.Compress %x, %c {axis = 0 : i64} : (tensor<3x2xf32>, tensor<2x2xi1>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @compress_bad_axis(%x: tensor<3x2xf32>, %c: tensor<2xi1>) -> tensor<*xf32> {
  // expected-error @+1 {{axis 2 is out of range}}
  %r = onnx.Compress %x, %c {axis = 2 : i64} : (tensor<3x2xf32>, tensor<2xi1>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Unique of the rows, first-occurrence order: first[i] (the smallest row
// equal to row i, compared element by element), rank[i] (first occurrences
// before i), the unique count, then indices and counts scattered by rank,
// inverse_indices = rank[first[j]], and Y gathers the rows at `indices`.
// CHECK-LABEL: func.func @unique_rows
// CHECK-SAME:    -> (tensor<?x4xf32>, tensor<?xi64>, tensor<3xi64>, tensor<?xi64>)
// CHECK:         %[[FIRST:.*]] = linalg.generic
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               arith.cmpf oeq
// CHECK:         %[[RANK:.*]] = linalg.generic
// CHECK:           tensor.extract %[[FIRST]]
// CHECK:         %[[U:.*]] = scf.for {{.*}} -> (index)
// CHECK:         %[[IDX0:.*]] = tensor.empty(%[[U]]) : tensor<?xi64>
// CHECK:         %[[CNT0:.*]] = tensor.empty(%[[U]]) : tensor<?xi64>
// CHECK:         %[[CNT1:.*]] = linalg.fill ins(%{{.*}} : i64) outs(%[[CNT0]] : tensor<?xi64>)
// CHECK:         %[[IC:.*]]:2 = scf.for {{.*}} iter_args(%[[I:.*]] = %[[IDX0]], %[[C:.*]] = %[[CNT1]])
// CHECK:           tensor.insert %{{.*}} into %[[I]]
// CHECK:           arith.addi
// CHECK:           tensor.insert %{{.*}} into %[[C]]
// CHECK:         %[[INV:.*]] = linalg.generic
// CHECK:           tensor.extract %[[RANK]]
// CHECK:         tensor.empty(%[[U]]) : tensor<?x4xf32>
// CHECK:         %[[Y:.*]] = linalg.generic
// CHECK:           tensor.extract %[[IC]]#0
// CHECK:           tensor.extract %arg0
// CHECK:         return %[[Y]], %[[IC]]#0, %[[INV]], %[[IC]]#1
func.func @unique_rows(%x: tensor<3x4xf32>) -> (tensor<*xf32>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>) {
  %r:4 = onnx.Unique %x {axis = 0 : i64, sorted = 0 : i64} : (tensor<3x4xf32>) -> (tensor<*xf32>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>)
  return %r#0, %r#1, %r#2, %r#3 : tensor<*xf32>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>
}

// -----

// Sorted, unsigned and flattened: rank counts the smaller first occurrences
// with an unsigned comparison.
// CHECK-LABEL: func.func @unique_sorted_unsigned
// CHECK-SAME:    -> (tensor<?xui8>, tensor<?xi64>, tensor<6xi64>, tensor<?xi64>)
// CHECK:         tensor.collapse_shape
// CHECK:         linalg.generic
// CHECK:           arith.cmpi eq, %{{.*}} : i8
// CHECK:         linalg.generic
// CHECK:           arith.cmpi ult, %{{.*}} : i8
// CHECK-NOT:       arith.cmpi slt, %{{.*}} : i8
// CHECK:         tensor.bitcast %{{.*}} : tensor<?xi8> to tensor<?xui8>
func.func @unique_sorted_unsigned(%x: tensor<2x3xui8>) -> (tensor<*xui8>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>) {
  %r:4 = onnx.Unique %x : (tensor<2x3xui8>) -> (tensor<*xui8>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>)
  return %r#0, %r#1, %r#2, %r#3 : tensor<*xui8>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>
}

// -----

func.func @unique_bad_axis(%x: tensor<3x4xf32>) -> (tensor<*xf32>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>) {
  // expected-error @+1 {{axis -3 is out of range}}
  %r:4 = onnx.Unique %x {axis = -3 : i64} : (tensor<3x4xf32>) -> (tensor<*xf32>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>)
  return %r#0, %r#1, %r#2, %r#3 : tensor<*xf32>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>
}

// -----

// NonMaxSuppression: order by score (higher, or equal with a lower index,
// ranks first), then per (batch, class) keep boxes greedily: under the
// per-class limit, above the score threshold, and not overlapping a kept
// box by IoU > threshold; then the kept boxes become [count, 3] rows.
// CHECK-LABEL: func.func @nms
// CHECK-SAME:    -> tensor<?x3xi64>
// CHECK:         %[[ORDER:.*]] = scf.for {{.*}} -> (tensor<2x5xi64>)
// CHECK:           scf.for
// CHECK:             arith.cmpf ogt
// CHECK:             arith.cmpf oeq
// CHECK:         %[[KEPT:.*]]:2 = scf.for {{.*}} -> (tensor<2x5xi64>, tensor<2xi64>)
// CHECK:           scf.for
// CHECK:             tensor.extract %[[ORDER]]
// CHECK:             arith.cmpi slt
// CHECK:             arith.cmpf ogt
// CHECK:             scf.if
// CHECK:               scf.for
// CHECK:                 arith.minimumf
// CHECK:                 arith.divf
// CHECK:                 arith.ori
// CHECK:               scf.if
// CHECK:                 tensor.insert
// CHECK:         %[[TOTAL:.*]] = scf.for {{.*}} -> (index)
// CHECK:         %[[INIT:.*]] = tensor.empty(%[[TOTAL]]) : tensor<?x3xi64>
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %[[INIT]]
// CHECK:           scf.for
// CHECK-COUNT-3:     tensor.insert
func.func @nms(%boxes: tensor<1x5x4xf32>, %scores: tensor<1x2x5xf32>, %max: tensor<1xi64>,
               %iou: tensor<1xf32>, %thr: tensor<1xf32>) -> tensor<*xi64> {
  %r = onnx.NonMaxSuppression %boxes, %scores, %max, %iou, %thr : (tensor<1x5x4xf32>, tensor<1x2x5xf32>, tensor<1xi64>, tensor<1xf32>, tensor<1xf32>) -> tensor<*xi64>
  return %r : tensor<*xi64>
}

// -----

// Centre-point boxes; without max_output_boxes_per_class nothing is kept
// (limit 0), without score_threshold no score comparison.
// CHECK-LABEL: func.func @nms_center_defaults
// CHECK:         %[[ZERO:.*]] = arith.constant 0 : index
// CHECK:         %[[OK:.*]] = arith.cmpi slt, %{{.*}}, %[[ZERO]] : index
// CHECK-NEXT:    scf.if %[[OK]]
// CHECK:           arith.constant 5.000000e-01 : f32
func.func @nms_center_defaults(%boxes: tensor<1x5x4xf32>, %scores: tensor<1x1x5xf32>) -> tensor<*xi64> {
  %none = onnx.None
  %r = onnx.NonMaxSuppression %boxes, %scores, %none, %none, %none {center_point_box = 1 : i64} : (tensor<1x5x4xf32>, tensor<1x1x5xf32>, none, none, none) -> tensor<*xi64>
  return %r : tensor<*xi64>
}

// -----

func.func @nms_bad_boxes(%boxes: tensor<1x5x3xf32>, %scores: tensor<1x1x5xf32>) -> tensor<*xi64> {
  %none = onnx.None
  // expected-error @+1 {{'onnx.NonMaxSuppression' op boxes must be [batch, boxes, 4], got 'tensor<1x5x3xf32>'}}
  %r = onnx.NonMaxSuppression %boxes, %scores, %none, %none, %none : (tensor<1x5x3xf32>, tensor<1x1x5xf32>, none, none, none) -> tensor<*xi64>
  return %r : tensor<*xi64>
}

// -----

func.func @nms_box_count_mismatch(%boxes: tensor<1x5x4xf32>, %scores: tensor<1x1x6xf32>) -> tensor<*xi64> {
  %none = onnx.None
  // expected-error @+1 {{disagree on the batch or box count}}
  %r = onnx.NonMaxSuppression %boxes, %scores, %none, %none, %none : (tensor<1x5x4xf32>, tensor<1x1x6xf32>, none, none, none) -> tensor<*xi64>
  return %r : tensor<*xi64>
}

// -----

// Integer boxes: no pattern fires.
func.func @nms_int_boxes(%boxes: tensor<1x5x4xi32>, %scores: tensor<1x1x5xf32>) -> tensor<*xi64> {
  %none = onnx.None
  // expected-error @+1 {{cannot lower onnx.NonMaxSuppression}}
  %r = onnx.NonMaxSuppression %boxes, %scores, %none, %none, %none : (tensor<1x5x4xi32>, tensor<1x1x5xf32>, none, none, none) -> tensor<*xi64>
  return %r : tensor<*xi64>
}

// -----

// TfIdfVectorizer, IDF with weights, unigrams and bigrams, skip up to 1:
// constant pool and n-gram table (offset, length, column); unigrams count
// at distance 1 only; then the weight where the count is positive.
// CHECK-LABEL: func.func @tfidf_idf
// CHECK-SAME:    -> tensor<3xf32>
// CHECK:         %[[ROWS:.*]] = tensor.expand_shape %arg0 {{\[}}[0, 1]] output_shape [1, 6] : tensor<6xi32> into tensor<1x6xi32>
// CHECK:         linalg.fill
// CHECK-DAG:     %[[POOL:.*]] = arith.constant dense<[4, 5, 4, 5]> : tensor<4xi64>
// CHECK-DAG:     arith.constant dense<[1, 1, 2]> : tensor<3xi64>
// CHECK:         %[[FREQ:.*]] = scf.for
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               scf.for
// CHECK:                 tensor.extract %[[ROWS]]
// CHECK:                 arith.extsi %{{.*}} : i32 to i64
// CHECK:                 tensor.extract %[[POOL]]
// CHECK:                 arith.cmpi eq
// CHECK:           arith.uitofp
// CHECK:           tensor.insert
// CHECK:         %[[W:.*]] = arith.constant dense<[5.000000e-01, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK:         %[[OUT:.*]] = linalg.generic
// CHECK:           tensor.extract %[[FREQ]]
// CHECK:           tensor.extract %[[W]]
// CHECK:           arith.cmpf ogt
// CHECK:           arith.select
// CHECK:         tensor.collapse_shape %[[OUT]] {{\[}}[0, 1]] : tensor<1x3xf32> into tensor<3xf32>
func.func @tfidf_idf(%x: tensor<6xi32>) -> tensor<*xf32> {
  %r = onnx.TfIdfVectorizer %x {max_gram_length = 2 : i64, min_gram_length = 1 : i64, max_skip_count = 1 : i64, mode = "IDF", ngram_counts = array<i64: 0, 2>, ngram_indexes = array<i64: 0, 1, 2>, pool_int64s = array<i64: 4, 5, 4, 5>, weights = array<f32: 0.5, 2.0, 3.0>} : (tensor<6xi32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Only bigrams counted, but the pool holds no bigram: no counting loop,
// zeros (TF, no weights: no weighting pass either).
// CHECK-LABEL: func.func @tfidf_nothing_to_count
// CHECK-SAME:    -> tensor<2x2xf32>
// CHECK:         %[[Z:.*]] = linalg.fill
// CHECK-NOT:     scf.for
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[Z]]
func.func @tfidf_nothing_to_count(%x: tensor<2x5xi64>) -> tensor<*xf32> {
  %r = onnx.TfIdfVectorizer %x {max_gram_length = 2 : i64, min_gram_length = 2 : i64, max_skip_count = 0 : i64, mode = "TF", ngram_counts = array<i64: 0>, ngram_indexes = array<i64: 0, 1>, pool_int64s = array<i64: 7, 8>} : (tensor<2x5xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @tfidf_bad_counts(%x: tensor<6xi64>) -> tensor<*xf32> {
  // expected-error @+1 {{'onnx.TfIdfVectorizer' op ngram_counts 1..4 do not split the pool of 4 into 2-grams}}
  %r = onnx.TfIdfVectorizer %x {max_gram_length = 2 : i64, min_gram_length = 1 : i64, max_skip_count = 0 : i64, mode = "TF", ngram_counts = array<i64: 0, 1>, ngram_indexes = array<i64: 0, 1>, pool_int64s = array<i64: 4, 5, 4, 5>} : (tensor<6xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @tfidf_bad_mode(%x: tensor<6xi64>) -> tensor<*xf32> {
  // expected-error @+1 {{unknown mode 'BM25' (expected TF, IDF or TFIDF)}}
  %r = onnx.TfIdfVectorizer %x {max_gram_length = 1 : i64, min_gram_length = 1 : i64, max_skip_count = 0 : i64, mode = "BM25", ngram_counts = array<i64: 0>, ngram_indexes = array<i64: 0>, pool_int64s = array<i64: 4>} : (tensor<6xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @tfidf_float_input(%x: tensor<6xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{X must be int32 or int64, got 'tensor<6xf32>'}}
  %r = onnx.TfIdfVectorizer %x {max_gram_length = 1 : i64, min_gram_length = 1 : i64, max_skip_count = 0 : i64, mode = "TF", ngram_counts = array<i64: 0>, ngram_indexes = array<i64: 0>, pool_int64s = array<i64: 4>} : (tensor<6xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}
