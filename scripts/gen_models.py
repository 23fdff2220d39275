#!/usr/bin/python3
"""Generate test and benchmark models with PyTorch (seeded weights, eval mode, deterministic).

For each model NAME writes DIR/NAME/:

  model.onnx                   the exported model (float32)
  input_0.npy, input_1.npy...  seeded random inputs, in the ONNX model's input order
  output_0.npy, ...            PyTorch's outputs for them, in the model's output order
  bB/input_0.npy, bB/output_0.npy, ...
                               with --batches: the same for each further batch size B
  meta.json                    inputs/outputs (name, dtype, shape at the export batch),
                               opset, dynamic_batch, the directory of each batch size
                               ("" for the export batch, "b3" ...), the file names
  .stamp                       up-to-date check (generator hash, opset, options)

The top-level input/output files hold the batch size the model is exported with:
the first of --batches, else the model's own (1 for every model except `mlp`, 2).
Every other batch size B in --batches gets the subdirectory bB/ (e.g. b3/). Batch
sizes other than the export one need --dynamic-batch (dim 0 of every input and
output is then the symbolic dimension 'batch'); without it shapes are static.

Model sets (usable in --models): `bench` (the benchmark models, scripts/bench/),
`coverage` (larger models for operator coverage), `test` (the e2e-models CI test).
Needs Debian's /usr/bin/python3 (torch 1.13, torchvision, onnx, numpy).

  /usr/bin/python3 scripts/gen_models.py --out build/models --models smallcnn,mlp
  /usr/bin/python3 scripts/gen_models.py --out build/models-op17 --models coverage --opset 17
  /usr/bin/python3 scripts/gen_models.py --out build/models-dyn --models resnet50,bert_encoder \\
      --dynamic-batch --batches 1,3
"""
import argparse
import hashlib
import json
import math
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn

SEED = 0


class Input:
    """A model input: name, shape (dim 0 is the batch), and how to fill it
    (make(shape) -> tensor; default: standard normal float32)."""

    def __init__(self, name, shape, make=None):
        self.name, self.shape, self.make = name, tuple(shape), make or (lambda s: torch.randn(*s))

    def with_batch(self, b):
        return (b,) + self.shape[1:]


def randomize_batchnorm(model):
    """Give BatchNorm layers non-trivial statistics, so that a compiler that
    drops or mis-folds them is caught (fresh BN layers are nearly identity)."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n) * 0.1)
            m.running_var.copy_(torch.rand(n) + 0.5)
            m.weight.data.copy_(torch.rand(n) + 0.5)
            m.bias.data.copy_(torch.randn(n) * 0.1)
    return model


def conv_bn_relu(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]


IMAGE = (1, 3, 224, 224)


def torchvision_model(name, **kwargs):
    import torchvision
    return randomize_batchnorm(getattr(torchvision.models, name)(weights=None, **kwargs)), IMAGE


# --- Small models of the e2e-models CI test (keep these unchanged: their outputs are the reference) ---

def smallcnn():
    model = nn.Sequential(*conv_bn_relu(3, 16), *conv_bn_relu(16, 32), nn.MaxPool2d(2),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))
    return randomize_batchnorm(model), (1, 3, 32, 32)


def mlp():
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                          nn.Linear(64, 10))
    return model, (2, 64)


def transformer():
    layer = nn.TransformerEncoderLayer(64, 4, dim_feedforward=128, dropout=0.0,
                                       activation='gelu', batch_first=True)
    return nn.TransformerEncoder(layer, 2), (1, 16, 64)


# --- Vision models (torchvision, random weights, randomized BatchNorm statistics) ---

def resnet18():
    return torchvision_model('resnet18')


def resnet50():
    return torchvision_model('resnet50')


def mobilenet_v2():
    return torchvision_model('mobilenet_v2')


def squeezenet1_1():
    return torchvision_model('squeezenet1_1')


def efficientnet_b0():
    return torchvision_model('efficientnet_b0')


def shufflenet_v2_x1_0():
    return torchvision_model('shufflenet_v2_x1_0')


def densenet121():
    return torchvision_model('densenet121')


def googlenet():
    return torchvision_model('googlenet', aux_logits=False, init_weights=True)


# --- Transformers ---

def transformer_encoder():
    """4 post-LN encoder layers (nn.TransformerEncoder): d_model 256, 4 heads, FFN 1024, GELU; seq 128."""
    layer = nn.TransformerEncoderLayer(256, 4, dim_feedforward=1024, dropout=0.0,
                                       activation='gelu', batch_first=True)
    return nn.TransformerEncoder(layer, 4), (1, 128, 256)


class SelfAttention(nn.Module):
    """Multi-head self-attention written out (MatMul/Softmax, as exported from
    Hugging Face-style models), optionally causal (masked_fill with -inf) and with an
    additive [B,1,1,T] mask. Every shape is static but the batch (-1 in reshapes), so
    that --dynamic-batch exports have a symbolic batch dimension and nothing else."""

    def __init__(self, d, heads, seq, causal=False):
        super().__init__()
        self.d, self.h, self.hd, self.seq = d, heads, d // heads, seq
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.causal = causal
        if causal:
            self.register_buffer('tril', torch.tril(torch.ones(seq, seq, dtype=torch.bool)))

    def split(self, x):
        return x.view(-1, self.seq, self.h, self.hd).transpose(1, 2)  # B,H,T,hd

    def forward(self, x, additive_mask=None):
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        att = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.hd)
        if self.causal:
            att = att.masked_fill(~self.tril, float('-inf'))
        if additive_mask is not None:
            att = att + additive_mask
        y = torch.matmul(att.softmax(dim=-1), v)
        return self.o(y.transpose(1, 2).reshape(-1, self.seq, self.d))


class GPTBlock(nn.Module):
    def __init__(self, d, heads, seq):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = SelfAttention(d, heads, seq, causal=True)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, vocab, d, heads, layers, seq):
        super().__init__()
        self.tok, self.pos = nn.Embedding(vocab, d), nn.Embedding(seq, d)
        self.blocks = nn.Sequential(*(GPTBlock(d, heads, seq) for _ in range(layers)))
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.register_buffer('positions', torch.arange(seq))

    def forward(self, ids):
        x = self.tok(ids) + self.pos(self.positions)
        return self.head(self.ln_f(self.blocks(x)))


GPT_VOCAB, GPT_SEQ = 4096, 128


def gpt_decoder():
    """GPT-style decoder: token + position embeddings, 4 pre-LN blocks (d 384, 6 heads,
    causal mask, GELU MLP 1536), final LayerNorm, LM head (vocab 4096); seq 128, int64 ids."""
    model = GPT(GPT_VOCAB, 384, 6, 4, GPT_SEQ)
    return model, [Input('input_ids', (1, GPT_SEQ), lambda s: torch.randint(0, GPT_VOCAB, s))]


class BertLayer(nn.Module):
    def __init__(self, d, heads, ffn, seq):
        super().__init__()
        self.attn = SelfAttention(d, heads, seq)
        self.ln1, self.ln2 = nn.LayerNorm(d, eps=1e-12), nn.LayerNorm(d, eps=1e-12)
        self.ffn = nn.Sequential(nn.Linear(d, ffn), nn.GELU(), nn.Linear(ffn, d))

    def forward(self, x, additive_mask):
        x = self.ln1(x + self.attn(x, additive_mask))
        return self.ln2(x + self.ffn(x))


class Bert(nn.Module):
    def __init__(self, vocab, d, heads, ffn, layers, max_pos, seq, type_vocab=2):
        super().__init__()
        self.tok, self.pos, self.typ = nn.Embedding(vocab, d), nn.Embedding(max_pos, d), nn.Embedding(type_vocab, d)
        self.ln = nn.LayerNorm(d, eps=1e-12)
        self.layers = nn.ModuleList(BertLayer(d, heads, ffn, seq) for _ in range(layers))
        self.pool = nn.Linear(d, d)
        self.register_buffer('positions', torch.arange(seq))

    def forward(self, ids, mask, types):
        x = self.ln(self.tok(ids) + self.pos(self.positions) + self.typ(types))
        additive = (1.0 - mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, additive)
        return x, torch.tanh(self.pool(x[:, 0]))


BERT_VOCAB, BERT_SEQ = 2048, 64


def bert_mask(shape):
    """1 for real tokens, 0 for padding: row i has i*7 % (T/2) padding positions at the end."""
    mask = torch.ones(*shape, dtype=torch.int64)
    for i in range(shape[0]):
        pad = (i * 7) % (shape[1] // 2) + (shape[1] // 8)
        mask[i, shape[1] - pad:] = 0
    return mask


def bert_types(shape):
    types = torch.zeros(*shape, dtype=torch.int64)
    types[:, shape[1] // 2:] = 1
    return types


def bert_encoder():
    """BERT-style encoder: token + position + token-type embeddings, LayerNorm, 4 post-LN
    layers (d 256, 4 heads, GELU FFN 1024), attention-mask input (int64, 1 = token);
    outputs: last hidden state [B,64,256] and the tanh pooler on the first token [B,256]."""
    model = Bert(BERT_VOCAB, 256, 4, 1024, 4, 512, BERT_SEQ)
    seq = (1, BERT_SEQ)
    return model, [Input('input_ids', seq, lambda s: torch.randint(0, BERT_VOCAB, s)),
                   Input('attention_mask', seq, bert_mask),
                   Input('token_type_ids', seq, bert_types)]


# --- Single-operator / small benchmark models ---

def mlp3():
    """3 x (Linear 1024 -> 1024 + ReLU), batch 1."""
    return nn.Sequential(nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(),
                         nn.Linear(1024, 1024), nn.ReLU()), (1, 1024)


class MatMulWeight(nn.Module):
    def __init__(self, k, n):
        super().__init__()
        self.w = nn.Parameter(torch.randn(k, n) / math.sqrt(k))

    def forward(self, x):
        return torch.matmul(x, self.w)


def matmul():
    """A single MatMul: [1,512,1024] x [1024,1024] (constant weight)."""
    return MatMulWeight(1024, 1024), (1, 512, 1024)


def conv3x3():
    """A single Conv 3x3, 64 -> 64 channels, pad 1, with bias, on 1x64x56x56."""
    return nn.Conv2d(64, 64, 3, padding=1), (1, 64, 56, 56)


MODELS = {f.__name__: f for f in (
    smallcnn, mlp, resnet18, mobilenet_v2, transformer,
    resnet50, squeezenet1_1, efficientnet_b0, shufflenet_v2_x1_0, densenet121, googlenet,
    transformer_encoder, gpt_decoder, bert_encoder, mlp3, matmul, conv3x3)}

SETS = {
    'test': ['smallcnn', 'resnet18', 'mobilenet_v2', 'transformer'],
    'bench': ['resnet18', 'resnet50', 'mobilenet_v2', 'squeezenet1_1', 'efficientnet_b0',
              'shufflenet_v2_x1_0', 'transformer_encoder', 'gpt_decoder', 'mlp3', 'matmul', 'conv3x3'],
    'coverage': ['resnet50', 'mobilenet_v2', 'efficientnet_b0', 'shufflenet_v2_x1_0', 'squeezenet1_1',
                 'densenet121', 'googlenet', 'bert_encoder', 'gpt_decoder'],
}


def expand(names):
    out = []
    for n in names:
        for m in SETS.get(n, [n]):
            if m not in out:
                out.append(m)
    return out


def stamp(name, opset, dynamic, batches):
    with open(__file__, 'rb') as f:
        return '%s opset=%d dynamic=%d batches=%s torch=%s sha=%s\n' % (
            name, opset, dynamic, ','.join(map(str, batches or [])), torch.__version__,
            hashlib.sha256(f.read()).hexdigest()[:16])


def as_tuple(y):
    return tuple(y) if isinstance(y, (tuple, list)) else (y,)


def np_dtype_name(a):
    return {np.dtype(np.float32): 'float32', np.dtype(np.int64): 'int64'}.get(a.dtype, str(a.dtype))


def fix_output_dims(path, outputs_per_batch):
    """torch 1.13 declares made-up symbolic dims (e.g. 'MatMuloutput_dim_1') for outputs it
    cannot infer under dynamic_axes; declare every dim but the batch with its actual value
    where it is the same for all generated batch sizes."""
    model = onnx.load(path)
    for k, out in enumerate(model.graph.output):
        dims = out.type.tensor_type.shape.dim
        for i in range(1, len(dims)):
            sizes = {ys[k].shape[i] for ys in outputs_per_batch}
            if dims[i].HasField('dim_param') and len(sizes) == 1:
                dims[i].dim_value = sizes.pop()
    onnx.save(model, path)


def generate(name, outdir, opset, force, dynamic=False, batches=None):
    d = os.path.join(outdir, name)
    stamp_path, st = os.path.join(d, '.stamp'), stamp(name, opset, dynamic, batches)
    meta_path = os.path.join(d, 'meta.json')
    if not force and os.path.exists(stamp_path) and open(stamp_path).read() == st \
            and os.path.exists(meta_path):
        meta = json.load(open(meta_path))
        files = [os.path.join(d, 'model.onnx')] + [
            os.path.join(d, sub, f) for sub in meta['batches'].values()
            for f in meta['input_files'] + meta['output_files']]
        if all(map(os.path.exists, files)):
            print('%-20s up to date (%s)' % (name, d))
            return
    os.makedirs(d, exist_ok=True)
    torch.manual_seed(SEED)
    with torch.no_grad():
        model, spec = MODELS[name]()
    model.eval()
    inputs = spec if isinstance(spec, list) else [Input('input', spec)]
    export_batch = batches[0] if batches else inputs[0].shape[0]
    if len(set(batches or [])) > 1 and not dynamic:
        sys.exit('error: several batch sizes (--batches) need --dynamic-batch')

    # Inputs of the export batch come right after the model from the same seeded
    # generator (so the small test models keep their reference data); the other
    # batch sizes get their own seed.
    def make_inputs(b, first):
        if not first:
            torch.manual_seed(SEED + 1000 + b)
        return tuple(i.make(i.with_batch(b)) for i in inputs)

    per_batch = [(export_batch, make_inputs(export_batch, True))]
    per_batch += [(b, make_inputs(b, False)) for b in (batches or [])[1:]]
    # Run and export with autograd on: under no_grad, torch 1.13's nn.TransformerEncoder
    # takes a fast path (aten::_transformer_encoder_layer_fwd) that has no ONNX export.
    results = [(b, xs, tuple(y.detach() for y in as_tuple(model(*xs)))) for b, xs in per_batch]
    n_out = len(results[0][2])
    input_names = [i.name for i in inputs]
    output_names = ['output'] if n_out == 1 else ['output_%d' % k for k in range(n_out)]
    dynamic_axes = {n: {0: 'batch'} for n in input_names + output_names} if dynamic else None
    model_path = os.path.join(d, 'model.onnx')
    torch.onnx.export(model, per_batch[0][1], model_path, opset_version=opset, do_constant_folding=True,
                      input_names=input_names, output_names=output_names, dynamic_axes=dynamic_axes)
    if dynamic:
        fix_output_dims(model_path, [r[2] for r in results])
    onnx.checker.check_model(onnx.load(model_path))

    input_files = ['input_%d.npy' % k for k in range(len(inputs))]
    output_files = ['output_%d.npy' % k for k in range(n_out)]
    meta = {'model': name, 'opset': opset, 'dynamic_batch': bool(dynamic), 'batches': {},
            'input_files': input_files, 'output_files': output_files, 'inputs': [], 'outputs': []}
    for b, xs, ys in results:
        sub = '' if b == export_batch else 'b%d' % b
        os.makedirs(os.path.join(d, sub), exist_ok=True)
        arrays = [x.numpy() for x in xs] + [y.numpy().astype(np.float32) for y in ys]
        for f, a in zip(input_files + output_files, arrays):
            np.save(os.path.join(d, sub, f), a)
        meta['batches'][str(b)] = sub
        if b == export_batch:
            meta['inputs'] = [{'name': n, 'dtype': np_dtype_name(a), 'shape': list(a.shape)}
                              for n, a in zip(input_names, arrays)]
            meta['outputs'] = [{'name': n, 'dtype': 'float32', 'shape': list(a.shape)}
                               for n, a in zip(output_names, arrays[len(xs):])]
    with open(meta_path, 'w') as f:
        json.dump(meta, f, indent=1)
    with open(stamp_path, 'w') as f:
        f.write(st)
    shapes = lambda ts: ', '.join('x'.join(map(str, t.shape)) for t in ts)
    print('%-20s input %s -> output %s, %.1f MB%s  (%s)' % (
        name, shapes(results[0][1]), shapes(results[0][2]), os.path.getsize(model_path) / 1e6,
        ', batches %s' % ','.join(str(b) for b, _, _ in results) if len(results) > 1 else '', d))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default='models', help='output directory (default: %(default)s)')
    ap.add_argument('--models', default=','.join(MODELS),
                    help='comma-separated subset of: %s; or a set: %s (default: all models)'
                    % (', '.join(MODELS), ', '.join(SETS)))
    ap.add_argument('--opset', type=int, default=13, help='ONNX opset, <= 17 for torch 1.13 (default: 13)')
    ap.add_argument('--dynamic-batch', action='store_true',
                    help="export dim 0 of every input and output as the symbolic dimension 'batch'")
    ap.add_argument('--batches', help='comma-separated batch sizes to write reference data for, '
                    'the first one is the export batch (default: the model\'s own, 1 but mlp 2)')
    ap.add_argument('--force', action='store_true', help='regenerate even if up to date')
    ap.add_argument('--threads', type=int, default=1, help='torch CPU threads (default: 1)')
    args = ap.parse_args()
    names = expand([m for m in args.models.split(',') if m])
    unknown = [m for m in names if m not in MODELS]
    if unknown:
        sys.exit('error: unknown model(s) %s; known: %s; sets: %s'
                 % (', '.join(unknown), ', '.join(MODELS), ', '.join(SETS)))
    batches = None
    if args.batches:
        try:
            batches = [int(b) for b in args.batches.split(',') if b]
        except ValueError:
            sys.exit('error: --batches: expected comma-separated integers')
        if not batches or min(batches) < 1 or len(set(batches)) != len(batches):
            sys.exit('error: --batches: expected distinct integers >= 1')
        if len(batches) > 1 and not args.dynamic_batch:
            sys.exit('error: several batch sizes (--batches) need --dynamic-batch')
    torch.set_num_threads(args.threads)
    for name in names:
        generate(name, args.out, args.opset, args.force, args.dynamic_batch, batches)


if __name__ == '__main__':
    main()
