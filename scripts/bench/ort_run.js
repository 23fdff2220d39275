// ONNX Runtime side of the benchmark (scripts/bench/bench.py runs it, one process per round).
//
//   node ort_run.js '{"model": "m.onnx", "inputs": ["input_0.npy", ...], "threads": 1,
//                     "warmup": 3, "runs": 20, "outputs": ["out_0.npy", ...]}'
//
// Runs the model on the .npy inputs (in the model's input order; float32 or int64)
// with intraOpNumThreads = threads (interOpNumThreads 1, sequential execution, all
// graph optimizations), `warmup` untimed and `runs` timed runs; writes the outputs
// of the last run as float32 .npy files when "outputs" is given, and prints one JSON
// line: {"times_ms": [...], "session_ms": ...}. With no "model", it only loads
// onnxruntime-node (to measure the baseline memory of Node + ORT).
// NODE_PATH must point at the node_modules that holds onnxruntime-node.
'use strict';
const ort = require('onnxruntime-node');
const fs = require('fs');

const DTYPES = {'<f4': ['float32', Float32Array], '<i8': ['int64', BigInt64Array],
                '<i4': ['int32', Int32Array], '|b1': ['bool', Uint8Array]};

function loadNpy(path) {
  const buf = fs.readFileSync(path);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(path + ': not a .npy file');
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + hlen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = header.match(/'descr': *'([^']*)'/)[1];
  if (/'fortran_order': *True/.test(header)) throw new Error(path + ': fortran order');
  const shape = header.match(/'shape': *\(([^)]*)\)/)[1].split(',').filter(s => s.trim()).map(Number);
  if (!DTYPES[descr]) throw new Error(path + ': unsupported dtype ' + descr);
  const [type, Arr] = DTYPES[descr];
  const bytes = buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length);  // aligned copy
  const data = new Arr(bytes);
  return new ort.Tensor(type, type === 'bool' ? Uint8Array.from(data) : data, shape);
}

function saveNpy(path, tensor) {
  let data = tensor.data;
  if (!(data instanceof Float32Array)) data = Float32Array.from(data, Number);
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  fs.writeFileSync(path, Buffer.concat([pre, Buffer.from(header, 'latin1'),
                                        Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

(async () => {
  const cfg = JSON.parse(process.argv[2] || '{}');
  if (!cfg.model) {
    console.log(JSON.stringify({version: ort.env.versions ? ort.env.versions.common : null}));
    return;
  }
  const t0 = process.hrtime.bigint();
  const sess = await ort.InferenceSession.create(cfg.model, {
    intraOpNumThreads: cfg.threads, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all', logSeverityLevel: 3});
  const sessionMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (cfg.inputs.length !== sess.inputNames.length)
    throw new Error(`model has ${sess.inputNames.length} inputs, got ${cfg.inputs.length} files`);
  const feeds = {};
  sess.inputNames.forEach((name, i) => { feeds[name] = loadNpy(cfg.inputs[i]); });
  let out;
  for (let i = 0; i < cfg.warmup; i++) out = await sess.run(feeds);
  const times = [];
  for (let i = 0; i < cfg.runs; i++) {
    const s = process.hrtime.bigint();
    out = await sess.run(feeds);
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  (cfg.outputs || []).forEach((path, i) => saveNpy(path, out[sess.outputNames[i]]));
  console.log(JSON.stringify({times_ms: times, session_ms: sessionMs}));
})().catch(e => { console.error('ort_run: error: ' + (e && e.message || e)); process.exit(2); });
