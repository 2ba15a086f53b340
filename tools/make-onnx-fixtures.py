#!/usr/bin/env python3
"""Builds the ONNX fixtures of packages/plugin-models/fixtures/onnx/ with PyTorch's own exporter.

For each family model/onnx must read (torchvision's ResNet, WideResNet, ResNeXt, MobileNetV2/V3,
EfficientNet-B0, ConvNeXt, ViT, and a timm-style DINO ViT), a network of that family at a small width
(so the repository stays small) is exported by torch.onnx.export, and PyTorch's float64 outputs on fixed
inputs are saved beside it: the representation (the input of the last linear layer), the logits, and
the input gradient of the summed cross-entropy. Inputs and gradients are NHWC, as rtlab's images.
It also exports the Bottleneck ResNet of make-torch-fixtures.py (from its .pt), so that PGD can be
compared through model/onnx and model/resnet-bottleneck on the same weights.
Run: apt-get install -y python3-torch python3-torchvision; /usr/bin/python3 tools/make-onnx-fixtures.py
"""
import copy
from collections import OrderedDict
import importlib.util
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.models as tvm
from torchvision.models.convnext import CNBlockConfig
from torchvision.models.efficientnet import _efficientnet_conf
from torchvision.models.mobilenetv3 import _mobilenet_v3_conf
from torchvision.models.resnet import BasicBlock, Bottleneck

TOOLS = os.path.dirname(__file__)
OUT = os.path.join(TOOLS, '..', 'packages', 'plugin-models', 'fixtures', 'onnx')
TORCH_FIXTURES = os.path.join(TOOLS, '..', 'packages', 'plugin-models', 'fixtures', 'torch')
spec = importlib.util.spec_from_file_location('torch_fixtures', os.path.join(TOOLS, 'make-torch-fixtures.py'))
torch_fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(torch_fixtures)


class SmallResNet(nn.Module):
    """torchvision's ResNet structure (its own blocks and names) with a chosen first-stage width."""
    def __init__(self, block, blocks, planes, classes, groups=1, width_per_group=64):
        super().__init__()
        self.conv1 = nn.Conv2d(3, planes, 7, 2, 3, bias=False)
        self.bn1, self.relu = nn.BatchNorm2d(planes), nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        cin = planes
        for s, n in enumerate(blocks):
            p, layers = planes * 2 ** s, []
            for j in range(n):
                stride = 2 if j == 0 and s > 0 else 1
                cout = p * block.expansion
                down = None
                if stride != 1 or cin != cout:
                    down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                layers.append(block(cin, p, stride, down, groups=groups, base_width=width_per_group))
                cin = cout
            setattr(self, f'layer{s + 1}', nn.Sequential(*layers))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class DinoAttention(nn.Module):
    """Attention as timm's and DINO's vision_transformer.py write it (one qkv projection)."""
    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.scale = heads, (dim // heads) ** -0.5
        self.qkv, self.proj = nn.Linear(dim, dim * 3), nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class DinoBlock(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(dim, eps=1e-6), DinoAttention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class DinoViT(nn.Module):
    """A small DINO ViT (patch embedding, cls token, position embedding, pre-norm blocks, final norm), with a linear head."""
    def __init__(self, size=32, patch=8, dim=32, depth=2, heads=4, classes=10):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, dim, patch, patch)
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.pos_embed = nn.Parameter(torch.randn(1, (size // patch) ** 2 + 1, dim) * 0.02)
        self.blocks = nn.Sequential(*[DinoBlock(dim, heads) for _ in range(depth)])
        self.norm, self.head = nn.LayerNorm(dim, eps=1e-6), nn.Linear(dim, classes)

    def forward(self, x):
        x = self.patch_embed(x).flatten(2).transpose(1, 2)
        x = torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1) + self.pos_embed
        return self.head(self.norm(self.blocks(x))[:, 0])


def settle(model, shape):
    """Non-trivial batch-norm statistics and affine parameters (fresh ones are the identity), no zero heads."""
    for m in model.modules():
        if isinstance(m, nn.Linear) and not m.weight.detach().any():  # torchvision's ViT starts its head at 0
            nn.init.normal_(m.weight, std=0.1)
            nn.init.uniform_(m.bias, -0.1, 0.1)
        if isinstance(m, nn.BatchNorm2d):
            nn.init.uniform_(m.weight, 0.5, 1.5)
            nn.init.uniform_(m.bias, -0.2, 0.2)
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.rand(16, *shape))
    model.eval()


def last_linear(model):
    return [m for m in model.modules() if isinstance(m, nn.Linear)][-1]


def reference(model, name, shape, count=3):
    """PyTorch's features, logits and input gradient in float64 on fixed inputs."""
    exact = copy.deepcopy(model).double().eval()
    x = torch.rand(count, *shape, dtype=torch.float64, requires_grad=True)
    labels = torch.arange(count) % last_linear(exact).out_features
    captured = {}
    hook = last_linear(exact).register_forward_hook(lambda m, inp, out: captured.update(features=inp[0]))
    logits = exact(x)
    hook.remove()
    F.cross_entropy(logits, labels, reduction='sum').backward()
    torch_fixtures.write_safetensors(os.path.join(OUT, f'{name}.io.safetensors'), {
        'input': x.detach().float().permute(0, 2, 3, 1),
        'features': captured['features'].detach().float(),
        'logits': logits.detach().float(),
        'gradient': x.grad.float().permute(0, 2, 3, 1),
        'labels': labels,
    })


def export(model, name, shape, opset=17, dynamic_batch=True):
    """As a user exports: eval mode, one input named "input"; the batch axis dynamic unless told."""
    model.eval()
    dynamic = {'input': {0: 'batch'}, 'logits': {0: 'batch'}} if dynamic_batch else None
    torch.onnx.export(model, torch.rand(1, *shape), os.path.join(OUT, f'{name}.onnx'), opset_version=opset,
                      input_names=['input'], output_names=['logits'], dynamic_axes=dynamic)
    reference(model, name, shape)


def family(seed, build, name, shape=(3, 32, 32), **kw):
    torch.manual_seed(seed)
    model = build()
    settle(model, shape)
    export(model, name, shape, **kw)


def main():
    os.makedirs(OUT, exist_ok=True)
    # Each fixture has its own seed, so adding one leaves the others' bytes alone.
    family(10, lambda: SmallResNet(BasicBlock, [1, 1, 1, 1], 8, 10), 'resnet', dynamic_batch=False)
    family(11, lambda: SmallResNet(Bottleneck, [1, 1, 1, 1], 4, 10, width_per_group=128), 'wide-resnet')
    family(12, lambda: SmallResNet(Bottleneck, [1, 1, 1, 1], 8, 10, groups=4, width_per_group=32), 'resnext')
    family(13, lambda: tvm.MobileNetV2(num_classes=10, width_mult=0.25), 'mobilenet-v2', opset=13)
    family(14, lambda: tvm.MobileNetV3(*_mobilenet_v3_conf('mobilenet_v3_small', width_mult=0.25), num_classes=10),
           'mobilenet-v3', opset=15)
    family(15, lambda: tvm.EfficientNet(_efficientnet_conf('efficientnet_b0', width_mult=0.25, depth_mult=0.25)[0],
                                        0.2, num_classes=10, last_channel=None), 'efficientnet-b0')
    family(16, lambda: tvm.ConvNeXt([CNBlockConfig(16, 32, 1), CNBlockConfig(32, None, 1)], num_classes=10),
           'convnext')
    family(17, lambda: tvm.VisionTransformer(32, 8, 2, 2, 32, 64, num_classes=10), 'vit', dynamic_batch=False)
    family(18, lambda: DinoViT(), 'dino-vit')

    # The Bottleneck ResNet of make-torch-fixtures.py, exported from its own checkpoint.
    resnet = torch_fixtures.Normalized(OrderedDict([
        ('normalize', torch_fixtures.ImageNormalizer([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])),
        ('model', torch_fixtures.BottleneckResNet([1, 2, 1, 1], 4, 32, 7)),
    ]))
    resnet.load_state_dict(torch.load(os.path.join(TORCH_FIXTURES, 'resnet-1.2.1.1-p4-w32.pt')))
    export(resnet, 'resnet-1.2.1.1-p4-w32', (3, 40, 40))


if __name__ == '__main__':
    main()
