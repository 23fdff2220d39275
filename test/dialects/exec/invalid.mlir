// RUN: steed-opt %s --split-input-file --verify-diagnostics

func.func @yield_mismatch(%x: tensor<4xf32>) -> tensor<4xi32> {
  // expected-error @+1 {{yielded types differ from the result types}}
  %0 = exec.group(%x) : (tensor<4xf32>) -> tensor<4xi32> {
  ^bb0(%a: tensor<4xf32>):
    exec.yield %a : tensor<4xf32>
  }
  return %0 : tensor<4xi32>
}

// -----

func.func @arg_mismatch(%x: tensor<4xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{block argument type 'tensor<8xf32>' differs from input type 'tensor<4xf32>'}}
  %0 = exec.group(%x) : (tensor<4xf32>) -> tensor<8xf32> {
  ^bb0(%a: tensor<8xf32>):
    exec.yield %a : tensor<8xf32>
  }
  return %0 : tensor<8xf32>
}

// -----

func.func @no_kernel(%x: memref<4xf32>) {
  // expected-error @+1 {{'missing' is not a function}}
  exec.launch @missing(%x) : (memref<4xf32>) -> ()
  return
}

// -----

func.func private @k1(%a: memref<4xf32>)

func.func @wrong_args(%x: memref<8xf32>) {
  // expected-error @+1 {{argument or result types do not match kernel 'k1'}}
  exec.launch @k1(%x) : (memref<8xf32>) -> ()
  return
}
