"""Random hole masks in LaMa's spirit (thin scribbles, thick strokes, boxes), for training and evaluation."""
import math
import random

import torch
from PIL import Image, ImageDraw

KINDS = ("thin", "thick", "box")


def random_mask(size: int, kind: str, rng: random.Random) -> torch.Tensor:
    """A (1, size, size) float mask, 1 = hole."""
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    if kind == "box":
        for _ in range(rng.randint(1, 2)):
            w, h = rng.randint(size // 6, size // 2), rng.randint(size // 6, size // 2)
            x, y = rng.randint(0, size - w), rng.randint(0, size - h)
            draw.rectangle([x, y, x + w, y + h], fill=255)
    else:
        width_range = (max(2, size // 64), max(3, size // 24)) if kind == "thin" else (size // 14, size // 6)
        for _ in range(rng.randint(1, 4)):
            x, y = rng.uniform(0, size), rng.uniform(0, size)
            width = rng.randint(*width_range)
            angle = rng.uniform(0, 2 * math.pi)
            for _ in range(rng.randint(2, 6)):
                angle += rng.uniform(-1.2, 1.2)
                length = rng.uniform(size / 10, size / 3)
                nx = min(max(x + length * math.cos(angle), 0), size)
                ny = min(max(y + length * math.sin(angle), 0), size)
                draw.line([(x, y), (nx, ny)], fill=255, width=width)
                draw.ellipse([nx - width / 2, ny - width / 2, nx + width / 2, ny + width / 2], fill=255)
                x, y = nx, ny
    return (torch.frombuffer(bytearray(img.tobytes()), dtype=torch.uint8).view(1, size, size) > 127).float()
