#!/usr/bin/env python3
"""Builds packages/plugin-datasets/fixtures/jpeg/: small JPEGs as cameras and datasets store them, each
beside PIL's decode of it (RGB bytes, row-major HWC), which rtlab's JPEG decoder must equal byte for byte.

Chroma subsampling 4:2:0 (the common case, where a nearest-neighbour upsampler is off by tens of grey
levels), 4:2:2 and 4:4:4, plus a grayscale file. The picture has smooth gradients, edges and noise.
Run: apt-get install -y python3-pil python3-numpy; /usr/bin/python3 tools/make-jpeg-fixtures.py
"""
import os

import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'packages', 'plugin-datasets', 'fixtures', 'jpeg')


def picture(h=37, w=53):
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:h, 0:w]
    channels = [(x * 5 + 30 * np.sin(y / 3)) % 256, (y * 7 + x * 2) % 256, 128 + 100 * np.sin(x / 4 + y / 5)]
    return (np.stack(channels, -1) + rng.integers(0, 40, size=(h, w, 3))).clip(0, 255).astype(np.uint8)


def main():
    os.makedirs(OUT, exist_ok=True)
    rgb = picture()
    files = {f'{name}.jpg': (Image.fromarray(rgb), {'quality': 85, 'subsampling': sub}) for name, sub in [('420', 2), ('422', 1), ('444', 0)]}
    files['gray.jpg'] = (Image.fromarray(rgb[:, :, 0]), {'quality': 90})
    for name, (image, options) in files.items():
        path = os.path.join(OUT, name)
        image.save(path, **options)
        decoded = np.asarray(Image.open(path).convert('RGB'))
        decoded.tofile(path[:-len('.jpg')] + f'.pil-{decoded.shape[0]}x{decoded.shape[1]}.rgb')
        print(name, decoded.shape)


if __name__ == '__main__':
    main()
