#!/usr/bin/env python3
"""PyTorch timings of rtlab's benchmark workloads, so that `npm run bench` and the GPU check print rtlab/PyTorch ratios.

The workloads come as JSON specs from packages/bench/src/workloads.ts (WorkloadSpec), so both sides time
the same networks, shapes, batch sizes and steps:
  encode      g(x) for a batch
  pgd-step    one PGD step's work: forward to the logits and the input gradient of the summed per-sample
              cross-entropy
  as-attack   Linf-PGD on ||g(x') - g(x)||_2 (the AS attack): `steps` steps, eps 16/255, step 0.7 eps,
              random start
Networks (dSprites CNN, RobustBench's WideResNet, torchvision's Bottleneck ResNet) are randomly
initialised and in inference mode (weights do not change the arithmetic). Each workload runs once to warm
up, then `--repeats` times; the median time gives images per second. A workload that fails (out of memory,
say) gets {"error": ...} and the others still run.

Needs PyTorch (here Debian's: apt-get install -y python3-torch); torchvision only for Bottleneck ResNets.
Run:  python3 tools/torch-bench.py --workloads specs.json [--threads N] [--repeats R] [--device cpu|cuda] [--json]
On CUDA, TF32 is switched off for convolutions and matmuls, so that PyTorch computes in float32 as tfjs does.
"""
import argparse
import importlib.util
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def fixture_class(name):
    """A network class of tools/make-torch-fixtures.py (the ones the checkpoint tests compare with)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'make-torch-fixtures.py')
    spec = importlib.util.spec_from_file_location('make_torch_fixtures', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


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


def network(spec, classes):
    """The network a workload names (packages/bench/src/workloads.ts, NetworkSpec)."""
    n = spec['network']
    if n['family'] == 'dsprites-cnn':
        return DSpritesCnn()
    if n['family'] == 'wide-resnet':
        return fixture_class('WideResNet')(n['depth'], n['widen'], classes)
    if n['family'] == 'resnet-bottleneck':
        return fixture_class('BottleneckResNet')(n['blocks'], n['planes'], n['widthPerGroup'], classes)
    raise ValueError(f"{spec['name']}: unknown network family {n['family']}")


def build(spec):
    """(images, a function doing the work once) for one WorkloadSpec; NCHW, as PyTorch takes images."""
    h, w, c = spec['input']
    batch, classes = spec['batch'], spec.get('classes', 10)
    net = frozen(network(spec, classes))
    x = torch.rand(batch, c, h, w, device=DEVICE)
    if spec['kind'] == 'encode':
        return batch, lambda: torch.no_grad()(net.features)(x)
    if spec['kind'] == 'as-attack':
        eps = 16 / 255
        return batch, lambda: as_attack(net.features, x, eps, spec.get('steps', 20), 0.7 * eps)
    if spec['kind'] == 'pgd-step':
        labels = torch.tensor([(i * 37) % classes for i in range(batch)], device=DEVICE)

        def step():
            xa = x.clone().requires_grad_(True)
            return torch.autograd.grad(F.cross_entropy(net(xa), labels, reduction='sum'), xa)
        return batch, step
    raise ValueError(f"{spec['name']}: unknown kind {spec['kind']}")


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


def measure(spec, repeats):
    """Images per second, or why the workload could not run (CUDA out of memory, say): one failure loses no other row."""
    try:
        return images_per_second(*build(spec), repeats)
    except Exception as e:  # noqa: BLE001 - reported per workload, in the JSON
        return {'error': f'{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}'}
    finally:
        if DEVICE.type == 'cuda':
            torch.cuda.empty_cache()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--workloads', required=True, help="a JSON file of workload specs (packages/bench/src/workloads.ts), or - for stdin")
    parser.add_argument('--threads', type=int, default=0, help='torch threads (default: torch decides)')
    parser.add_argument('--repeats', type=int, default=3, help='timed runs after the warm-up')
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
    specs = json.load(sys.stdin if args.workloads == '-' else open(args.workloads))
    results = {spec['name']: measure(spec, args.repeats) for spec in specs}
    results.update(threads=torch.get_num_threads(), torch=torch.__version__, device=args.device, tf32=False,
                   gpu=torch.cuda.get_device_name() if DEVICE.type == 'cuda' else None)
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f'{key}: {value:.1f} images/s' if isinstance(value, float) else f'{key}: {value}')


if __name__ == '__main__':
    main()
