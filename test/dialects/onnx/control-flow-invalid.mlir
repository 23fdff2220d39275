// Verifier errors (at parse time), then inference errors (steed-infer-shapes).
// RUN: steed-opt %s --split-input-file --steed-infer-shapes --verify-diagnostics

func.func @if_yield_count(%c: tensor<i1>, %a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{else_branch yields 2 values, expected 1}}
  %r = onnx.If %c : (tensor<i1>) -> tensor<2xf32> {
    onnx.Yield %a : tensor<2xf32>
  } else {
    onnx.Yield %a, %a : tensor<2xf32>, tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @if_cond_type(%c: tensor<f32>, %a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'cond' must have element type 'i1', got 'tensor<f32>'}}
  %r = onnx.If %c : (tensor<f32>) -> tensor<2xf32> {
    onnx.Yield %a : tensor<2xf32>
  } else {
    onnx.Yield %a : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @if_element_type(%c: tensor<i1>, %a: tensor<2xf32>, %b: tensor<2xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{else_branch output #0: element types 'i64' and 'f32' differ}}
  %r = onnx.If %c : (tensor<i1>) -> tensor<2xf32> {
    onnx.Yield %a : tensor<2xf32>
  } else {
    onnx.Yield %b : tensor<2xi64>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @loop_arguments(%m: tensor<i64>, %x: tensor<2xf32>) -> tensor<2xf32> {
  %n = onnx.None
  // expected-error @+1 {{body takes 2 arguments, expected 2 + 1 loop-carried}}
  %r = onnx.Loop %m, %n, %x : (tensor<i64>, none, tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>):
    onnx.Yield %c, %x : tensor<i1>, tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @loop_condition_first(%m: tensor<i64>, %x: tensor<2xf32>) -> tensor<2xf32> {
  %n = onnx.None
  // expected-error @+1 {{body must yield an i1 condition first}}
  %r = onnx.Loop %m, %n, %x : (tensor<i64>, none, tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %v: tensor<2xf32>):
    onnx.Yield %v, %v : tensor<2xf32>, tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @loop_trip_count_type(%m: tensor<f32>, %x: tensor<2xf32>) -> tensor<2xf32> {
  %n = onnx.None
  // expected-error @+1 {{'M' must have element type 'i64', got 'tensor<f32>'}}
  %r = onnx.Loop %m, %n, %x : (tensor<f32>, none, tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %v: tensor<2xf32>):
    onnx.Yield %c, %v : tensor<i1>, tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @scan_axes_count(%s: tensor<3xf32>, %xs: tensor<3x5xf32>) -> (tensor<3xf32>, tensor<5x3xf32>) {
  // expected-error @+1 {{scan_input_axes has 2 entries, expected 1}}
  %r:2 = onnx.Scan %s, %xs {num_scan_inputs = 1 : i64, scan_input_axes = array<i64: 0, 1>} : (tensor<3xf32>, tensor<3x5xf32>) -> (tensor<3xf32>, tensor<5x3xf32>) {
  ^bb0(%a: tensor<3xf32>, %x: tensor<3xf32>):
    onnx.Yield %a, %a : tensor<3xf32>, tensor<3xf32>
  }
  return %r#0, %r#1 : tensor<3xf32>, tensor<5x3xf32>
}

// -----

func.func @scan_direction(%s: tensor<3xf32>, %xs: tensor<5x3xf32>) -> (tensor<3xf32>, tensor<5x3xf32>) {
  // expected-error @+1 {{scan_output_directions entries must be 0 or 1, got 2}}
  %r:2 = onnx.Scan %s, %xs {num_scan_inputs = 1 : i64, scan_output_directions = array<i64: 2>} : (tensor<3xf32>, tensor<5x3xf32>) -> (tensor<3xf32>, tensor<5x3xf32>) {
  ^bb0(%a: tensor<3xf32>, %x: tensor<3xf32>):
    onnx.Yield %a, %a : tensor<3xf32>, tensor<3xf32>
  }
  return %r#0, %r#1 : tensor<3xf32>, tensor<5x3xf32>
}

// -----

func.func @scan_num_inputs(%s: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{num_scan_inputs is 2 but there are 1 operands}}
  %r = onnx.Scan %s {num_scan_inputs = 2 : i64} : (tensor<3xf32>) -> tensor<3xf32> {
  ^bb0(%a: tensor<3xf32>):
    onnx.Yield %a : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}

// -----

func.func @scan_lengths(%s: tensor<3xf32>, %xs: tensor<5x3xf32>, %ys: tensor<4x3xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{scan inputs have different sequence lengths (5 and 4)}}
  %r = onnx.Scan %s, %xs, %ys {num_scan_inputs = 2 : i64} : (tensor<3xf32>, tensor<5x3xf32>, tensor<4x3xf32>) -> tensor<*xf32> {
  ^bb0(%a: tensor<3xf32>, %x: tensor<3xf32>, %y: tensor<3xf32>):
    onnx.Yield %a : tensor<3xf32>
  }
  return %r : tensor<*xf32>
}
