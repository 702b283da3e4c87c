"""Restoration: clean (noise, JPEG blocks, blur: blind), enlarge x2 or x4, or both in one pass.

Cleaning, with or without enlarging, is one call of the blind restorer, trained on chains of real-world
damage; a clean picture is enlarged by the plain x4 network (x2 halves its output with an area filter,
sharper than a bicubic x2), or on request by the converted Real-ESRGAN x4plus ("detailed": about 60
times slower, loaded on first use; it enlarges after the blind restorer has cleaned at x1).
Every network runs over overlapping feathered tiles (artstudio/models/tiling.py), so any size works in
bounded memory. Strength blends the result with the input (bicubic-enlarged; 0 returns the input).
"""
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import torch
from PIL import Image

from artstudio.models.base import StudioModel
from artstudio.models.tensors import to_pil, to_tensor
from artstudio.models.tiling import tile_steps
from artstudio.nets.restore_nets import BlindRestorer, UpscaleNet
from artstudio.nets.rrdbnet import RRDBNet
from artstudio.weights import WeightsError, load_into, verify, weights_sha

BLIND_FILE = "restore_blind.pt"
UPSCALE_FILE = "restore_upscale_x4.pt"
DETAILED_FILE = "realesrgan_x4plus.pt"
UPSCALERS = ("fast", "detailed")
SCALES = (2, 4)
MAX_UPSCALE_INPUT = 2048 * 2048        # an x4 output of a larger picture would pass 128 megapixels
CLEAN_TILE = 544          # input pixels per tile side: memory stays flat whatever the picture's size;
ENLARGE_TILE = 272        # a 1024 px picture cleans in 2x2 tiles, a 256 px one enlarges in one
DETAILED_TILE = 128
OVERLAP = 16


@dataclass(frozen=True)
class RestoreJob:
    """What to do to one picture: clean it (strength 0-1, 0 = skip), then enlarge by `scale` (1 = no)
    with the `upscaler` ("fast" or "detailed")."""
    clean: float = 0.0
    scale: int = 1
    upscaler: str = "fast"

    @property
    def task(self) -> str:
        """The CLI's name for the job, as recipes record it: denoise, upscale or auto (both)."""
        return "denoise" if self.scale == 1 else "upscale" if self.clean == 0 else "auto"

    def recipe_params(self, size: tuple[int, int]) -> dict:
        """The recipe's settings, the same from the tab, the CLI and a batch (artstudio/specs.py RESTORE)."""
        return {"task": self.task, "strength": self.clean, "scale": self.scale, "upscaler": self.upscaler,
                "input_size": list(size)}

    def validate(self, size: tuple[int, int]) -> None:
        if not 0 <= self.clean <= 1:
            raise ValueError(f"Strength must be between 0 and 1; got {self.clean}.")
        if self.scale not in (1, *SCALES):
            raise ValueError(f"Enlargement must be x2 or x4; got x{self.scale}.")
        if self.upscaler not in UPSCALERS:
            raise ValueError(f"The upscaler must be one of {', '.join(UPSCALERS)}; got {self.upscaler!r}.")
        if self.scale > 1 and size[0] * size[1] > MAX_UPSCALE_INPUT:
            raise ValueError(f"The picture is {size[0]}x{size[1]} px; enlarging works on pictures up to "
                             f"{MAX_UPSCALE_INPUT // 1_000_000} megapixels (e.g. 2048x2048). Crop it first.")


class Restorer(StudioModel):
    name = "restore-blind+upscale-x4"
    files = (BLIND_FILE, UPSCALE_FILE)    # checked by registry.availability

    def __init__(self, device: torch.device) -> None:
        super().__init__(device, weights_sha(BLIND_FILE))
        self.blind = load_into(BlindRestorer(), BLIND_FILE, device).to(memory_format=torch.channels_last)
        self.upscaler = load_into(UpscaleNet(), UPSCALE_FILE, device).to(memory_format=torch.channels_last)

    @staticmethod
    def detailed_available() -> str | None:
        """None when the detailed upscaler's weights are installed, else why not."""
        try:
            verify(DETAILED_FILE)
            return None
        except WeightsError as err:
            return str(err)

    @cached_property
    def detailed(self) -> RRDBNet:
        return load_into(RRDBNet(), DETAILED_FILE, self.device).to(memory_format=torch.channels_last)

    @staticmethod
    def stages(job: RestoreJob) -> list[tuple[str, int]]:
        """(network, scale) in the order they run: "blind" cleans and enlarges in one pass, unless the
        detailed upscaler enlarges after it; "fast" and "detailed" enlarge x4 (x2 halves that)."""
        if job.clean > 0 and (job.scale == 1 or job.upscaler == "fast"):
            return [("blind", job.scale)]
        stages = [("blind", 1)] if job.clean > 0 else []
        return stages + ([(job.upscaler, 4)] if job.scale > 1 else [])

    def _run(self, stage: str, scale: int, x: torch.Tensor) -> Iterator[tuple[int, int, torch.Tensor | None]]:
        if stage == "blind":
            net, tile = (lambda t: self.blind(t, scale)), CLEAN_TILE if scale == 1 else ENLARGE_TILE
            multiple = self.blind.multiple
        else:
            net, tile = (self.detailed, DETAILED_TILE) if stage == "detailed" else (self.upscaler, ENLARGE_TILE)
            multiple = net.multiple

        def network(t: torch.Tensor) -> torch.Tensor:
            # no_grad per tile, not around the generator: Gradio resumes generators on other threads,
            # where a grad mode entered before a yield would not hold
            with torch.no_grad():
                return net(t.to(self.device).contiguous(memory_format=torch.channels_last))

        yield from tile_steps(network, x, scale=scale, tile=tile, overlap=OVERLAP, multiple=multiple)

    def steps(self, image: Image.Image, job: RestoreJob) -> Iterator[tuple[float, Image.Image | None]]:
        """Yields (fraction done, None) as tiles finish, then (1.0, the restored picture)."""
        job.validate(image.size)
        missing = self.detailed_available() if job.scale > 1 and job.upscaler == "detailed" else None
        if missing:
            raise WeightsError(missing)
        x = to_tensor(image.convert("RGB"))
        stages = self.stages(job)
        for index, (stage, scale) in enumerate(stages):
            for done, total, result in self._run(stage, scale, x):
                if result is None:
                    yield (index + done / total) / len(stages), None
            if stage == "blind":
                base = x if scale == 1 else torch.nn.functional.interpolate(x, scale_factor=scale, mode="bicubic")
                x = (base + job.clean * (result.clamp(0, 1) - base)).clamp(0, 1)
            else:
                x = result.clamp(0, 1)
                if job.scale == 2:
                    x = torch.nn.functional.interpolate(x, scale_factor=0.5, mode="area")
        yield 1.0, image.convert("RGB") if not stages else to_pil(x)

    def weights_for(self, job: RestoreJob) -> str:
        """The sha256 of each weights file a job uses, for its recipe."""
        files = {"blind": BLIND_FILE, "fast": UPSCALE_FILE, "detailed": DETAILED_FILE}
        return " ".join(f"{stage}:{weights_sha(files[stage])}" for stage, _ in self.stages(job))

    def restore(self, image: Image.Image, job: RestoreJob) -> Image.Image:
        for _, result in self.steps(image, job):
            if result is not None:
                return result
        raise RuntimeError("restore ended without a result")

    def denoise(self, image: Image.Image, strength: float = 1.0) -> Image.Image:
        return self.restore(image, RestoreJob(clean=strength))

    def upscale(self, image: Image.Image, scale: int = 4, upscaler: str = "fast") -> Image.Image:
        return self.restore(image, RestoreJob(scale=scale, upscaler=upscaler))
