"""Conversions between PIL images and float tensors in [0, 1] (N, C, H, W)."""
import torch
import torchvision.transforms.v2.functional as TF
from PIL import Image


def to_tensor(img: Image.Image, device: torch.device | str = "cpu") -> torch.Tensor:
    return TF.to_dtype(TF.to_image(img), torch.float32, scale=True)[None].to(device)


def to_pil(x: torch.Tensor) -> Image.Image:
    return TF.to_pil_image(x[0].detach().clamp(0, 1).cpu().float())
