"""Restoration: take noise and JPEG blocking out (blind), enlarge x2 or x4, or both in that order.

Both networks run over overlapping feathered tiles (artstudio/models/tiling.py), so any size works in
bounded memory. Strength blends the cleaned picture with the input (0 returns the input exactly).
x2 runs the x4 network and halves its output with an area filter (sharper than a bicubic x2).
"""
from collections.abc import Iterator
from dataclasses import dataclass

import torch
from PIL import Image

from artstudio.models.tensors import to_pil, to_tensor
from artstudio.models.tiling import tile_steps
from artstudio.nets.restore_nets import DenoiseUNet, UpscaleNet
from artstudio.weights import load_into, weights_sha

DENOISE_FILE = "restore_denoise.pt"
UPSCALE_FILE = "restore_upscale_x4.pt"
SCALES = (2, 4)
MAX_UPSCALE_INPUT = 2048 * 2048        # an x4 output of a larger picture would pass 128 megapixels
CLEAN_TILE = 512          # input pixels per tile side: memory stays flat whatever the picture's size
ENLARGE_TILE = 192
OVERLAP = 16


@dataclass(frozen=True)
class RestoreJob:
    """What to do to one picture: clean it (strength 0-1, 0 = skip), then enlarge by `scale` (1 = no)."""
    clean: float = 0.0
    scale: int = 1

    def validate(self, size: tuple[int, int]) -> None:
        if not 0 <= self.clean <= 1:
            raise ValueError(f"Strength must be between 0 and 1; got {self.clean}.")
        if self.scale not in (1, *SCALES):
            raise ValueError(f"Enlargement must be x2 or x4; got x{self.scale}.")
        if self.scale > 1 and size[0] * size[1] > MAX_UPSCALE_INPUT:
            raise ValueError(f"The picture is {size[0]}x{size[1]} px; enlarging works on pictures up to "
                             f"{MAX_UPSCALE_INPUT // 1_000_000} megapixels (e.g. 2048x2048). Crop it first.")


class Restorer:
    name = "restore-unet+upscale-x4"
    files = (DENOISE_FILE, UPSCALE_FILE)    # checked by registry.availability

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.denoiser = load_into(DenoiseUNet(), DENOISE_FILE, device).to(memory_format=torch.channels_last)
        self.upscaler = load_into(UpscaleNet(), UPSCALE_FILE, device).to(memory_format=torch.channels_last)
        self.sha256 = f"clean:{weights_sha(DENOISE_FILE)} enlarge:{weights_sha(UPSCALE_FILE)}"

    def _run(self, stage: str, x: torch.Tensor) -> Iterator[tuple[int, int, torch.Tensor | None]]:
        net, scale, tile = (self.denoiser, 1, CLEAN_TILE) if stage == "clean" else (self.upscaler, 4, ENLARGE_TILE)

        def network(t: torch.Tensor) -> torch.Tensor:
            return net(t.to(self.device).contiguous(memory_format=torch.channels_last))

        with torch.inference_mode():
            yield from tile_steps(network, x, scale=scale, tile=tile, overlap=OVERLAP, multiple=net.multiple)

    def steps(self, image: Image.Image, job: RestoreJob) -> Iterator[tuple[float, Image.Image | None]]:
        """Yields (fraction done, None) as tiles finish, then (1.0, the restored picture)."""
        job.validate(image.size)
        x = to_tensor(image.convert("RGB"))
        stages = [s for s in ("clean", "enlarge") if (s == "clean" and job.clean > 0) or (s == "enlarge" and job.scale > 1)]
        for index, stage in enumerate(stages):
            for done, total, result in self._run(stage, x):
                if result is None:
                    yield (index + done / total) / len(stages), None
            if stage == "clean":
                x = x + job.clean * (result.clamp(0, 1) - x)
            else:
                x = result.clamp(0, 1)
                if job.scale == 2:
                    x = torch.nn.functional.interpolate(x, scale_factor=0.5, mode="area")
        yield 1.0, image.convert("RGB") if not stages else to_pil(x)

    def restore(self, image: Image.Image, job: RestoreJob) -> Image.Image:
        for _, result in self.steps(image, job):
            if result is not None:
                return result
        raise RuntimeError("restore ended without a result")

    def denoise(self, image: Image.Image, strength: float = 1.0) -> Image.Image:
        return self.restore(image, RestoreJob(clean=strength))

    def upscale(self, image: Image.Image, scale: int = 4) -> Image.Image:
        return self.restore(image, RestoreJob(scale=scale))
