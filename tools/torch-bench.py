#!/usr/bin/env python3
"""PyTorch timings of rtlab's benchmark workloads, so `npm run bench` can print rtlab/PyTorch ratios.

The workloads match packages/bench/src/workloads.ts shape for shape:
  dsprites-encode  g(x) of the dSprites CNN (paper Tab. 6), 512 images of 64x64x1
  dsprites-pgd     Linf-PGD on ||g(x') - g(x)||_2 (the AS attack): 20 steps, eps 16/255, step 0.7 eps,
                   random start, 512 images
  wrn-encode       g(x) of WideResNet-34-10 (RobustBench's CIFAR layout), 64 images of 32x32x3
  wrn-pgd-step     one PGD step's work on WRN-34-10: forward to the 100-class logits and the input
                   gradient of the summed per-sample cross-entropy, 64 images
Networks are randomly initialised and in inference mode (weights do not change the arithmetic).
Each workload runs once to warm up, then `--repeats` times; the median time gives images per second.

Needs PyTorch (here Debian's: apt-get install -y python3-torch; torchvision is not needed)
Run:                     python3 tools/torch-bench.py [--threads N] [--repeats R] [--only NAME,...] [--device cpu|cuda] [--json]
On CUDA, TF32 is switched off for convolutions and matmuls, so that PyTorch computes in float32 as tfjs does.
"""
import argparse
import importlib.util
import json
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def robustbench_wide_resnet():
    """The WideResNet class of tools/make-torch-fixtures.py (the one the checkpoint tests compare with)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'make-torch-fixtures.py')
    spec = importlib.util.spec_from_file_location('make_torch_fixtures', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WideResNet


class DSpritesCnn(nn.Module):
    """conv 6@5x5, ReLU, avg-pool 2, BN; conv 16@5x5, ReLU, avg-pool 2, BN; dense 120, 84, 84 (ReLU, BN)."""

    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(1, 6, 5), nn.Conv2d(6, 16, 5)])
        self.conv_bns = nn.ModuleList([nn.BatchNorm2d(6), nn.BatchNorm2d(16)])
        self.dense = nn.ModuleList([nn.Linear(16 * 13 * 13, 120), nn.Linear(120, 84), nn.Linear(84, 84)])
        self.dense_bns = nn.ModuleList([nn.BatchNorm1d(n) for n in (120, 84, 84)])

    def features(self, x):
        for conv, bn in zip(self.convs, self.conv_bns):
            x = bn(F.avg_pool2d(F.relu(conv(x)), 2))
        x = x.flatten(1)
        for dense, bn in zip(self.dense, self.dense_bns):
            x = bn(F.relu(dense(x)))
        return x


DEVICE = torch.device('cpu')


def frozen(model):
    model.to(DEVICE).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def as_attack(g, x, eps, steps, step_size):
    """Linf-PGD maximising ||g(x') - g(x)||_2 from a random start, clipped to [0, 1] (rtlab's pgd-linf)."""
    with torch.no_grad():
        clean = g(x)
    adv = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)
    for _ in range(steps):
        adv.requires_grad_(True)
        (grad,) = torch.autograd.grad((g(adv) - clean).norm(dim=1).sum(), adv)
        with torch.no_grad():
            adv = torch.minimum(torch.maximum(adv + step_size * grad.sign(), x - eps), x + eps).clamp(0, 1)
    return adv


def rand(*shape):
    return torch.rand(*shape, device=DEVICE)


def workloads():
    """name -> (images, a function doing the work once); built lazily so --only builds one network."""
    def dsprites_encode():
        g, x = frozen(DSpritesCnn()), rand(512, 1, 64, 64)
        return 512, lambda: torch.no_grad()(g.features)(x)

    def dsprites_pgd():
        g, x, eps = frozen(DSpritesCnn()), rand(512, 1, 64, 64), 16 / 255
        return 512, lambda: as_attack(g.features, x, eps, 20, 0.7 * eps)

    def wrn_encode():
        net, x = frozen(robustbench_wide_resnet()(34, 10, 100)), rand(64, 3, 32, 32)
        return 64, lambda: torch.no_grad()(net.features)(x)

    def wrn_pgd_step():
        net, x = frozen(robustbench_wide_resnet()(34, 10, 100)), rand(64, 3, 32, 32)
        labels = torch.tensor([(i * 37) % 100 for i in range(64)], device=DEVICE)

        def step():
            xa = x.clone().requires_grad_(True)
            return torch.autograd.grad(F.cross_entropy(net(xa), labels, reduction='sum'), xa)
        return 64, step

    return {'dsprites-encode': dsprites_encode, 'dsprites-pgd': dsprites_pgd, 'wrn-encode': wrn_encode, 'wrn-pgd-step': wrn_pgd_step}


def synchronize():
    if DEVICE.type == 'cuda':
        torch.cuda.synchronize()


def images_per_second(images, work, repeats):
    work()
    synchronize()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        synchronize()
        times.append(time.perf_counter() - start)
    return images / statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--threads', type=int, default=0, help='torch threads (default: torch decides)')
    parser.add_argument('--repeats', type=int, default=3, help='timed runs after the warm-up')
    parser.add_argument('--only', default='', help='workload names, comma-separated (default: all)')
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'], help='where PyTorch runs')
    parser.add_argument('--json', action='store_true', help='print one JSON line')
    args = parser.parse_args()
    global DEVICE
    DEVICE = torch.device(args.device)
    if DEVICE.type == 'cuda':
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    only = [n for n in args.only.split(',') if n]
    unknown = [n for n in only if n not in workloads()]
    if unknown:
        parser.error(f'--only: no workload {", ".join(unknown)} (there are {", ".join(workloads())})')
    chosen = {n: w for n, w in workloads().items() if not only or n in only}
    results = {name: images_per_second(*build(), args.repeats) for name, build in chosen.items()}
    results.update(threads=torch.get_num_threads(), torch=torch.__version__, device=args.device, tf32=False)
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f'{key}: {value:.1f} images/s' if isinstance(value, float) else f'{key}: {value}')


if __name__ == '__main__':
    main()
