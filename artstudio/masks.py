"""Random hole masks in LaMa's spirit (thin scribbles, thick strokes, boxes), for training and evaluation.

"large" (training only, LaMa's wide masks) is a very wide stroke or a box of up to 70% of the side:
holes the size users judge an inpainter by, larger than the evaluated kinds."""
import math
import random

import torch
from PIL import Image, ImageDraw

KINDS = ("thin", "thick", "box")
TRAINING_KINDS = KINDS + ("large",)
STROKE_WIDTHS = {"thin": (64, 24), "thick": (14, 6), "large": (6, 3)}    # size // a to size // b
MOST_STROKES = {"thin": 4, "thick": 4, "large": 2}


def _draw_box(draw: ImageDraw.ImageDraw, size: int, smallest: int, largest: int, rng: random.Random) -> None:
    w, h = rng.randint(smallest, largest), rng.randint(smallest, largest)
    x, y = rng.randint(0, size - w), rng.randint(0, size - h)
    draw.rectangle([x, y, x + w, y + h], fill=255)


def random_mask(size: int, kind: str, rng: random.Random) -> torch.Tensor:
    """A (1, size, size) float mask, 1 = hole."""
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    if kind == "large" and rng.random() < 0.5:
        _draw_box(draw, size, size // 3, 7 * size // 10, rng)
    elif kind == "box":
        for _ in range(rng.randint(1, 2)):
            _draw_box(draw, size, size // 6, size // 2, rng)
    else:
        widest, narrowest = STROKE_WIDTHS[kind]
        width_range = (max(2, size // widest), max(3, size // narrowest))
        for _ in range(rng.randint(1, MOST_STROKES[kind])):
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
