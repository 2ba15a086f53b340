#!/usr/bin/env python3
"""Writes packages/plugin-datasets/fixtures/zoom-blur.json: seeded 32x32x3 uint8 images and their zoom
blur at severities 1-5, computed with scipy.ndimage.zoom as CIFAR-10-C's zoom blur defines it (the
centred crop of ceil(h / z) zoomed by z with linear interpolation and trimmed; the mean of the image
and every zoom; clipped, times 255, stored by np.uint8). Run with Debian's python3 and python3-scipy:
  /usr/bin/python3 tools/make-corruption-fixtures.py
"""
import base64
import json
import os

import numpy as np
from scipy.ndimage import zoom as scizoom


def clipped_zoom(img, z):
    h = img.shape[0]
    ch = int(np.ceil(h / z))
    top = (h - ch) // 2
    zoomed = scizoom(img[top:top + ch, top:top + ch], (z, z, 1), order=1)
    trim = (zoomed.shape[0] - h) // 2
    return zoomed[trim:trim + h, trim:trim + h]


def zoom_blur(x, severity):
    ends = [1.06, 1.11, 1.16, 1.21, 1.26]
    zooms = np.arange(1, ends[severity - 1], 0.01)
    x = (np.array(x) / 255.).astype(np.float32)
    out = np.zeros_like(x)
    for z in zooms:
        out += clipped_zoom(x, z)
    x = (x + out) / (len(zooms) + 1)
    return np.uint8(np.clip(x, 0, 1) * 255)


def main():
    rng = np.random.default_rng(7)
    yy, xx = np.mgrid[0:32, 0:32]
    images = [
        rng.integers(0, 256, size=(32, 32, 3), dtype=np.uint8),  # noise: every pixel differs from its neighbours
        np.stack([(xx * 8) % 256, (yy * 8) % 256, ((xx + yy) * 4) % 256], axis=-1).astype(np.uint8),  # ramps
    ]
    cases = [{
        'image': base64.b64encode(img.tobytes()).decode(),
        'blurred': [base64.b64encode(zoom_blur(img, s).tobytes()).decode() for s in range(1, 6)],
    } for img in images]
    out = os.path.join(os.path.dirname(__file__), '..', 'packages', 'plugin-datasets', 'fixtures', 'zoom-blur.json')
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, 'w') as f:
        json.dump({'shape': [32, 32, 3], 'cases': cases}, f)
        f.write('\n')


if __name__ == '__main__':
    main()
