"""Random, realistic damage for training and judging the restoration networks.

Old scans and web copies carry noise of unknown level (sensor Gaussian, photon Poisson), JPEG
blocking at any quality and soft downscales; the networks are trained blind on random mixtures.
Every function takes the sampling RNG so a seeded run draws the same damage.
"""
import io
import random

import torch
from PIL import Image, ImageFilter

from artstudio.models import tensors

RESAMPLERS = (Image.BICUBIC, Image.BILINEAR, Image.BOX, Image.LANCZOS)


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def gaussian_noise(x: torch.Tensor, sigma: float, generator: torch.Generator, grey: bool = False) -> torch.Tensor:
    """Additive noise of standard deviation `sigma` (in 0-255 units), per channel or the same in all."""
    shape = (1, *x.shape[1:]) if grey else x.shape
    return (x + torch.randn(shape, generator=generator) * sigma / 255).clamp(0, 1)


def poisson_noise(x: torch.Tensor, peak: float, generator: torch.Generator) -> torch.Tensor:
    """Photon noise: a pixel of value v counts Poisson(v * peak) photons."""
    return (torch.poisson(x * peak, generator=generator) / peak).clamp(0, 1)


def to_tensor(image: Image.Image) -> torch.Tensor:
    """(C, H, W) in [0, 1]: the app's conversion, without the batch dimension."""
    return tensors.to_tensor(image)[0]


def to_image(x: torch.Tensor) -> Image.Image:
    """Rounded to 8 bits (the app's to_pil truncates, which would bias every damaged copy darker)."""
    return tensors.to_pil(((x.clamp(0, 1) * 255).round() + 0.5)[None] / 255)   # +0.5: survives the truncation


def noise_and_blocks(clean: Image.Image, rng: random.Random, generator: torch.Generator) -> torch.Tensor:
    """Noise (Gaussian up to sigma 50, or Poisson) and/or JPEG quality 10-90; 5% stay clean."""
    x = to_tensor(clean)
    roll = rng.random()
    if roll < 0.05:
        return x
    if roll < 0.75:
        x = gaussian_noise(x, rng.uniform(1, 50), generator, grey=rng.random() < 0.3)
    elif roll < 0.9:
        x = poisson_noise(x, rng.uniform(5, 120), generator)
    if roll >= 0.75 or rng.random() < 0.4:
        x = to_tensor(jpeg(to_image(x), rng.randint(10, 90)))
    return x


def downscale(hr: Image.Image, scale: int, rng: random.Random, generator: torch.Generator) -> torch.Tensor:
    """A x`scale` smaller copy by a random resampler; sometimes slightly blurred, noisy or JPEG'd."""
    if rng.random() < 0.1:
        hr = hr.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))
    lr = hr.resize((hr.width // scale, hr.height // scale), rng.choice(RESAMPLERS))
    roll = rng.random()
    if roll < 0.1:
        return gaussian_noise(to_tensor(lr), rng.uniform(1, 8), generator)
    if roll < 0.2:
        return to_tensor(jpeg(lr, rng.randint(60, 95)))
    return to_tensor(lr)
