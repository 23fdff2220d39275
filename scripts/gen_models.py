#!/usr/bin/python3
"""Generate the end-to-end test models with PyTorch (deterministic).

For each model writes DIR/<name>/model.onnx, input_0.npy (seeded random input)
and output_0.npy (PyTorch's float32 output in eval mode). Static shapes only.
Needs Debian's /usr/bin/python3 (torch 1.13, torchvision, onnx, numpy).

  /usr/bin/python3 scripts/gen_models.py --out build/models --models smallcnn,mlp
"""
import argparse
import hashlib
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn

SEED = 0


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


def smallcnn():
    model = nn.Sequential(*conv_bn_relu(3, 16), *conv_bn_relu(16, 32), nn.MaxPool2d(2),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))
    return randomize_batchnorm(model), (1, 3, 32, 32)


def mlp():
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                          nn.Linear(64, 10))
    return model, (2, 64)


def resnet18():
    import torchvision
    return randomize_batchnorm(torchvision.models.resnet18(weights=None)), (1, 3, 224, 224)


def mobilenet_v2():
    import torchvision
    return randomize_batchnorm(torchvision.models.mobilenet_v2(weights=None)), (1, 3, 224, 224)


def transformer():
    layer = nn.TransformerEncoderLayer(64, 4, dim_feedforward=128, dropout=0.0,
                                       activation='gelu', batch_first=True)
    return nn.TransformerEncoder(layer, 2), (1, 16, 64)


MODELS = {f.__name__: f for f in (smallcnn, mlp, resnet18, mobilenet_v2, transformer)}


def stamp(name, opset):
    with open(__file__, 'rb') as f:
        return '%s opset=%d torch=%s sha=%s\n' % (name, opset, torch.__version__,
                                                  hashlib.sha256(f.read()).hexdigest()[:16])


def generate(name, outdir, opset, force):
    d = os.path.join(outdir, name)
    files = [os.path.join(d, f) for f in ('model.onnx', 'input_0.npy', 'output_0.npy')]
    stamp_path, st = os.path.join(d, '.stamp'), stamp(name, opset)
    if not force and all(map(os.path.exists, files)) and os.path.exists(stamp_path) \
            and open(stamp_path).read() == st:
        print('%-14s up to date (%s)' % (name, d))
        return
    os.makedirs(d, exist_ok=True)
    torch.manual_seed(SEED)
    with torch.no_grad():
        model, shape = MODELS[name]()
    model.eval()
    x = torch.randn(*shape)
    # Run and export with autograd on: under no_grad, torch 1.13's nn.TransformerEncoder
    # takes a fast path (aten::_transformer_encoder_layer_fwd) that has no ONNX export.
    y = model(x).detach()
    torch.onnx.export(model, (x,), files[0], opset_version=opset, do_constant_folding=True,
                      input_names=['input'], output_names=['output'])
    onnx.checker.check_model(onnx.load(files[0]))
    np.save(files[1], x.numpy().astype(np.float32))
    np.save(files[2], y.numpy().astype(np.float32))
    with open(stamp_path, 'w') as f:
        f.write(st)
    print('%-14s input %s -> output %s, %.1f MB  (%s)' % (
        name, 'x'.join(map(str, shape)), 'x'.join(map(str, y.shape)),
        os.path.getsize(files[0]) / 1e6, d))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default='models', help='output directory (default: %(default)s)')
    ap.add_argument('--models', default=','.join(MODELS),
                    help='comma-separated subset of: %s (default: all)' % ', '.join(MODELS))
    ap.add_argument('--opset', type=int, default=13, help='ONNX opset, <= 17 for torch 1.13 (default: 13)')
    ap.add_argument('--force', action='store_true', help='regenerate even if up to date')
    ap.add_argument('--threads', type=int, default=1, help='torch CPU threads (default: 1)')
    args = ap.parse_args()
    names = [m for m in args.models.split(',') if m]
    unknown = [m for m in names if m not in MODELS]
    if unknown:
        sys.exit('error: unknown model(s) %s; known: %s' % (', '.join(unknown), ', '.join(MODELS)))
    torch.set_num_threads(args.threads)
    for name in names:
        generate(name, args.out, args.opset, args.force)


if __name__ == '__main__':
    main()
