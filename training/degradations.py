"""Random, realistic damage for training and judging the restoration networks.

Old scans and web copies carry noise of unknown level (sensor Gaussian, photon Poisson), JPEG
blocking at any quality and soft downscales; the networks are trained blind on random mixtures.
Every function takes the sampling RNG so a seeded run draws the same damage.

`damage_chain` is the real-world family the blind restorer learns (after Real-ESRGAN and BSRGAN): blur
(isotropic or anisotropic), resampling with a random filter, Gaussian, grey or Poisson noise and JPEG,
then often a second, milder round of the same, ending at 1/scale of the clean picture.
"""
import io
import math
import random

import torch
import torch.nn.functional as F
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


RESIZE_MODES = ("bicubic", "bilinear", "area")


def blur_kernel(rng: random.Random, max_sigma: float) -> torch.Tensor:
    """A normalised Gaussian kernel: isotropic or anisotropic (two random spreads, a random angle)."""
    sigma_x = rng.uniform(0.2, max_sigma)
    sigma_y = sigma_x if rng.random() < 0.5 else rng.uniform(0.2, max_sigma)
    angle = rng.uniform(0, math.pi)
    radius = max(1, math.ceil(3 * max(sigma_x, sigma_y)))
    coords = torch.arange(-radius, radius + 1, dtype=torch.float32)
    y, x = torch.meshgrid(coords, coords, indexing="ij")
    u, v = math.cos(angle) * x + math.sin(angle) * y, -math.sin(angle) * x + math.cos(angle) * y
    kernel = torch.exp(-0.5 * ((u / sigma_x) ** 2 + (v / sigma_y) ** 2))
    return kernel / kernel.sum()


def blur(x: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """(C, H, W) convolved per channel, edges reflected."""
    radius = min(kernel.shape[-1] // 2, min(x.shape[1:]) - 1)
    kernel = kernel[kernel.shape[-1] // 2 - radius:kernel.shape[-1] // 2 + radius + 1,
                    kernel.shape[-1] // 2 - radius:kernel.shape[-1] // 2 + radius + 1]
    padded = F.pad(x[None], (radius,) * 4, mode="reflect")
    return F.conv2d(padded, (kernel / kernel.sum()).expand(x.shape[0], 1, -1, -1), groups=x.shape[0])[0]


def resize(x: torch.Tensor, size: tuple[int, int], rng: random.Random) -> torch.Tensor:
    """(C, H, W) to (C, *size) with a random filter (antialiased when shrinking)."""
    if tuple(x.shape[1:]) == size:
        return x
    mode = rng.choice(RESIZE_MODES)
    kwargs = {} if mode == "area" else {"align_corners": False, "antialias": True}
    return F.interpolate(x[None], size=size, mode=mode, **kwargs)[0].clamp(0, 1)


def random_noise(x: torch.Tensor, rng: random.Random, generator: torch.Generator, max_sigma: float) -> torch.Tensor:
    """Gaussian (colour, or the same in all channels) or Poisson noise of a random level."""
    if rng.random() < 0.8:
        return gaussian_noise(x, rng.uniform(1, max_sigma), generator, grey=rng.random() < 0.4)
    return poisson_noise(x, rng.uniform(200 / max_sigma, 1000 / max_sigma), generator)


def damage_round(x: torch.Tensor, size: tuple[int, int], rng: random.Random, generator: torch.Generator, *,
                 max_blur: float, max_sigma: float, quality: tuple[int, int], every: bool = False) -> torch.Tensor:
    """Blur (70%), resample to `size`, noise (60%), JPEG (70%); with `every`, all four always."""
    if every or rng.random() < 0.7:
        x = blur(x, blur_kernel(rng, max_blur))
    x = resize(x, size, rng)
    if every or rng.random() < 0.6:
        x = random_noise(x, rng, generator, max_sigma)
    if every or rng.random() < 0.7:
        x = to_tensor(jpeg(to_image(x), rng.randint(*quality)))
    return x


def damage_chain(clean: Image.Image, scale: int, rng: random.Random, generator: torch.Generator,
                 mild: bool = False, web_copy: bool = False) -> torch.Tensor:
    """The clean picture as a web copy might carry it, at 1/scale of its size: one or two damage rounds.
    The first round passes through a size between 0.75 and 1.5 times the final one when a second follows.
    `mild`: one gentler round (blur up to 1.5, noise up to sigma 10, JPEG quality 30-95), the common case.
    `web_copy`: the typical old web copy, one round with every damage and each of them mild (blur up to
    1.2, noise up to sigma 8, JPEG quality 40-85)."""
    final = (clean.height // scale, clean.width // scale)
    x = to_tensor(clean)
    if web_copy:
        return damage_round(x, final, rng, generator, max_blur=1.2, max_sigma=8, quality=(40, 85), every=True)
    if mild:
        return damage_round(x, final, rng, generator, max_blur=1.5, max_sigma=10, quality=(30, 95))
    second = rng.random() < 0.5
    middle = final
    if second:
        factor = rng.uniform(0.75, 1.5)
        middle = (max(8, round(final[0] * factor)), max(8, round(final[1] * factor)))
    x = damage_round(x, middle, rng, generator, max_blur=2.5, max_sigma=25, quality=(20, 95))
    if second:
        x = damage_round(x, final, rng, generator, max_blur=1.2, max_sigma=12, quality=(20, 95))
    return x
