"""Conversions between PIL images and float tensors in [0, 1] (N, C, H, W).

Plain torch and numpy: importing torchvision costs seconds that the app's first page should not wait.
"""
import numpy as np
import torch
from PIL import Image

MODES = {1: "L", 3: "RGB", 4: "RGBA"}


def to_tensor(img: Image.Image, device: torch.device | str = "cpu") -> torch.Tensor:
    pixels = np.asarray(img)
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    return torch.from_numpy(pixels.copy()).permute(2, 0, 1)[None].float().mul(1 / 255).to(device)


def to_pil(x: torch.Tensor) -> Image.Image:
    """The first image of a batch; values are truncated to 8 bits as torchvision's to_pil_image does."""
    pixels = (x[0].detach().clamp(0, 1).cpu().float() * 255).byte().permute(1, 2, 0).numpy()
    return Image.fromarray(pixels[:, :, 0] if pixels.shape[2] == 1 else pixels, MODES[pixels.shape[2]])
