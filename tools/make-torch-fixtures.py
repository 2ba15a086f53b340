#!/usr/bin/env python3
"""Builds the PyTorch reference fixtures of packages/plugin-models/fixtures/torch/.

Small networks of the families rtlab imports (RobustBench's CIFAR WideResNet; torchvision's
Bottleneck ResNet wrapped with input normalisation as RobustBench's ImageNet models), with
non-trivial batch-norm statistics, saved as PyTorch checkpoints in the layouts users have, plus
inputs and PyTorch's outputs for them (safetensors, NHWC inputs). The tests read these files and
need no Python. Run: apt-get install -y python3-torch python3-torchvision; /usr/bin/python3 tools/make-torch-fixtures.py
"""
import json
import os
import struct
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(__file__), '..', 'packages')
OUT = os.path.join(ROOT, 'plugin-models', 'fixtures', 'torch')
RESIZE = os.path.join(ROOT, 'sdk', 'fixtures', 'torch-resize.io.safetensors')


def write_safetensors(path, tensors):
    """The safetensors layout (8-byte header length, JSON header, packed little-endian data)."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        dtype = {torch.float32: 'F32', torch.float16: 'F16', torch.int64: 'I64'}[t.dtype]
        raw = t.numpy().tobytes()
        header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b' ' * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


# RobustBench's WideResNet (robustbench/model_zoo/architectures/wide_resnet.py), by its structure and names.
class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.bn1, self.relu1 = nn.BatchNorm2d(cin), nn.ReLU()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn2, self.relu2 = nn.BatchNorm2d(cout), nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.equal = cin == cout
        self.convShortcut = None if self.equal else nn.Conv2d(cin, cout, 1, stride, 0, bias=False)

    def forward(self, x):
        o = self.relu1(self.bn1(x))
        if not self.equal:
            x = o
        out = self.conv2(self.relu2(self.bn2(self.conv1(o))))
        return out + (x if self.equal else self.convShortcut(x))


class NetworkBlock(nn.Module):
    def __init__(self, n, cin, cout, stride):
        super().__init__()
        self.layer = nn.Sequential(*[BasicBlock(cin if i == 0 else cout, cout, stride if i == 0 else 1) for i in range(n)])

    def forward(self, x):
        return self.layer(x)


class WideResNet(nn.Module):
    def __init__(self, depth, widen, classes):
        super().__init__()
        n, w = (depth - 4) // 6, [16, 16 * widen, 32 * widen, 64 * widen]
        self.conv1 = nn.Conv2d(3, w[0], 3, 1, 1, bias=False)
        self.block1, self.block2, self.block3 = NetworkBlock(n, w[0], w[1], 1), NetworkBlock(n, w[1], w[2], 2), NetworkBlock(n, w[2], w[3], 2)
        self.bn1, self.relu = nn.BatchNorm2d(w[3]), nn.ReLU()
        self.fc = nn.Linear(w[3], classes)
        self.width = w[3]

    def features(self, x):
        out = self.relu(self.bn1(self.block3(self.block2(self.block1(self.conv1(x))))))
        return F.avg_pool2d(out, out.shape[-1]).view(-1, self.width)

    def forward(self, x):
        return self.fc(self.features(x))


# torchvision's ResNet built from its own Bottleneck blocks, with a small first-stage width.
class BottleneckResNet(nn.Module):
    def __init__(self, blocks, planes, width_per_group, classes):
        from torchvision.models.resnet import Bottleneck  # here, so that torch-bench.py needs no torchvision
        super().__init__()
        self.conv1 = nn.Conv2d(3, planes, 7, 2, 3, bias=False)
        self.bn1, self.relu = nn.BatchNorm2d(planes), nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        cin = planes
        for s, n in enumerate(blocks):
            p, layers = planes * 2 ** s, []
            for j in range(n):
                stride = 2 if j == 0 and s > 0 else 1
                down = None
                if stride != 1 or cin != 4 * p:
                    down = nn.Sequential(nn.Conv2d(cin, 4 * p, 1, stride, bias=False), nn.BatchNorm2d(4 * p))
                layers.append(Bottleneck(cin, p, stride, down, base_width=width_per_group))
                cin = 4 * p
            setattr(self, f'layer{s + 1}', nn.Sequential(*layers))
        self.fc = nn.Linear(cin, classes)
        self.width = cin

    def features(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)

    def forward(self, x):
        return self.fc(self.features(x))


class ImageNormalizer(nn.Module):
    """RobustBench's wrapper layer: buffers mean and std of shape [1, 3, 1, 1]."""
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer('mean', torch.tensor(mean).view(1, 3, 1, 1))
        self.register_buffer('std', torch.tensor(std).view(1, 3, 1, 1))

    def forward(self, x):
        return (x - self.mean) / self.std


class Normalized(nn.Sequential):
    def features(self, x):
        return self.model.features(self.normalize(x))


def settle(model, shape):
    """Non-trivial weights and batch-norm statistics: random affine BN parameters, running stats from data."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            nn.init.uniform_(m.weight, 0.5, 1.5)
            nn.init.uniform_(m.bias, -0.2, 0.2)
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.rand(16, *shape))
    model.eval()


def reference(model, name, shape, count=4):
    x = torch.rand(count, *shape)
    with torch.no_grad():
        features, logits = model.features(x), model(x)
    write_safetensors(os.path.join(OUT, f'{name}.io.safetensors'), {
        'input': x.permute(0, 2, 3, 1), 'features': features, 'logits': logits,
    })


def main():
    os.makedirs(OUT, exist_ok=True)

    # Each fixture has its own seed, so adding one leaves the others' bytes alone.
    torch.manual_seed(0)
    wrn = WideResNet(10, 2, 5)
    settle(wrn, (3, 32, 32))
    reference(wrn, 'wrn-10-2', (3, 32, 32))
    # As DataParallel training scripts save it: nested under "state_dict", with "module." prefixes.
    nested = {'state_dict': OrderedDict((f'module.{k}', v) for k, v in wrn.state_dict().items()), 'epoch': 7, 'best_acc': 0.5}
    torch.save(nested, os.path.join(OUT, 'wrn-10-2.pt'))
    torch.save({k: v.half() if v.is_floating_point() else v for k, v in wrn.state_dict().items()}, os.path.join(OUT, 'wrn-10-2.half.pt'))

    # Two fine-tuning steps from wrn-10-2 as rtlab's finetune/network takes them: every parameter,
    # batch norm in training mode (running statistics updated), SGD with momentum and weight decay.
    torch.manual_seed(5)
    tuned = WideResNet(10, 2, 5)
    tuned.load_state_dict(wrn.state_dict())
    tuned.train()
    sgd = torch.optim.SGD(tuned.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    x, y = torch.rand(2, 8, 3, 32, 32), torch.randint(0, 5, (2, 8))
    for step in range(2):
        sgd.zero_grad()
        F.cross_entropy(tuned(x[step]), y[step]).backward()
        sgd.step()
    write_safetensors(os.path.join(OUT, 'wrn-10-2.sgd.io.safetensors'), {'input': x.permute(0, 1, 3, 4, 2), 'labels': y})
    write_safetensors(os.path.join(OUT, 'wrn-10-2.sgd.safetensors'), {k: v for k, v in tuned.state_dict().items() if v.is_floating_point()})

    # A whole pickled module instead of a state dict (a common mistake), for the error it gets.
    torch.manual_seed(1)
    torch.save(nn.Linear(3, 2), os.path.join(OUT, 'whole-module.pt'))

    # A 100-class head, as RobustBench's CIFAR-100 checkpoints, for the pipeline tests (a plain state dict).
    torch.manual_seed(2)
    c100 = WideResNet(10, 1, 100)
    settle(c100, (3, 32, 32))
    torch.save(c100.state_dict(), os.path.join(OUT, 'wrn-10-1-c100.pt'))

    torch.manual_seed(3)
    resnet = Normalized(OrderedDict([
        ('normalize', ImageNormalizer([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])),
        ('model', BottleneckResNet([1, 2, 1, 1], 4, 32, 7)),
    ]))
    settle(resnet, (3, 40, 40))
    reference(resnet, 'resnet-1.2.1.1-p4-w32', (3, 40, 40))
    torch.save(resnet.state_dict(), os.path.join(OUT, 'resnet-1.2.1.1-p4-w32.pt'))
    write_safetensors(os.path.join(OUT, 'resnet-1.2.1.1-p4-w32.safetensors'), dict(resnet.state_dict()))
    torch.save(resnet.state_dict(), os.path.join(OUT, 'resnet-1.2.1.1-p4-w32.legacy.pt'), _use_new_zipfile_serialization=False)

    # The bilinear resize rtlab applies per batch, against torchvision's Resize(antialias=True).
    torch.manual_seed(4)
    img = torch.rand(1, 3, 28, 20)
    write_safetensors(RESIZE, {
        'input': img.permute(0, 2, 3, 1),
        'up': F.interpolate(img, size=(64, 50), mode='bilinear', align_corners=False, antialias=True).permute(0, 2, 3, 1),
        'down': F.interpolate(img, size=(9, 13), mode='bilinear', align_corners=False, antialias=True).permute(0, 2, 3, 1),
    })
    print('torch', torch.__version__, '->', os.path.normpath(OUT))
    for f in sorted(os.listdir(OUT)):
        print(f'{os.path.getsize(os.path.join(OUT, f)):>9}  {f}')


if __name__ == '__main__':
    main()
