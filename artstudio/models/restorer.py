"""Restoration: clean (noise, JPEG blocks, blur: blind), enlarge x2 or x4, or both in one pass.

Cleaning, with or without enlarging, is one call of the blind restorer, trained on chains of real-world
damage; a clean picture is enlarged by the plain x4 network (x2 halves its output with an area filter,
sharper than a bicubic x2), or on request by the converted Real-ESRGAN x4plus ("detailed": about 60
times slower, loaded on first use; it enlarges after the blind restorer has cleaned at x1).
Every network runs over overlapping feathered tiles (artstudio/models/tiling.py), so any size works in
bounded memory. Strength blends the result with the input (bicubic-enlarged; 0 returns the input).
"""
from collections.abc import Iterator
from functools import cached_property

import torch
from PIL import Image

from artstudio.models.base import StudioModel
from artstudio.models.tensors import to_pil, to_tensor
from artstudio.models.tiling import tile_steps
from artstudio.nets.restore_nets import BlindRestorer, UpscaleNet
from artstudio.nets.rrdbnet import RRDBNet
from artstudio.specs import RestoreJob
from artstudio.weights import WeightsError, load_into, verify, weights_sha

BLIND_FILE = "restore_blind.pt"
UPSCALE_FILE = "restore_upscale_x4.pt"
SHARP_FILE = "restore_upscale_x4_sharp.pt"
DETAILED_FILE = "realesrgan_x4plus.pt"
OPTIONAL_FILES = {"sharp": SHARP_FILE, "detailed": DETAILED_FILE}      # upscaler -> weights not every install has
CLEAN_TILE = 544          # input pixels per tile side: memory stays flat whatever the picture's size;
ENLARGE_TILE = 272        # a 1024 px picture cleans in 2x2 tiles, a 256 px one enlarges in one
DETAILED_TILE = 128
OVERLAP = 16


class Restorer(StudioModel):
    name = "restore-blind+upscale-x4"
    files = (BLIND_FILE, UPSCALE_FILE)    # checked by registry.availability

    def __init__(self, device: torch.device) -> None:
        super().__init__(device, weights_sha(BLIND_FILE))
        # each built at the width and depth its file holds
        self.blind = load_into(lambda state: BlindRestorer(*BlindRestorer.shape_of(state)), BLIND_FILE,
                               device).to(memory_format=torch.channels_last)
        self.upscaler = load_into(UpscaleNet.sized_for, UPSCALE_FILE, device).to(memory_format=torch.channels_last)

    @staticmethod
    def upscaler_available(upscaler: str) -> str | None:
        """None when an upscaler's weights are installed, else why not."""
        try:
            verify(OPTIONAL_FILES[upscaler])
            return None
        except WeightsError as err:
            return str(err)

    @cached_property
    def sharp(self) -> UpscaleNet:
        return load_into(UpscaleNet.sized_for, SHARP_FILE, self.device).to(memory_format=torch.channels_last)

    @cached_property
    def detailed(self) -> RRDBNet:
        return load_into(RRDBNet(), DETAILED_FILE, self.device).to(memory_format=torch.channels_last)

    @staticmethod
    def stages(job: RestoreJob) -> list[tuple[str, int]]:
        """(network, scale) in the order they run: "blind" cleans and enlarges in one pass, unless the
        sharp or detailed upscaler enlarges after it; the upscalers enlarge x4 (x2 halves that)."""
        if job.clean > 0 and (job.scale == 1 or job.upscaler == "fast"):
            return [("blind", job.scale)]
        stages = [("blind", 1)] if job.clean > 0 else []
        return stages + ([(job.upscaler, 4)] if job.scale > 1 else [])

    def _run(self, stage: str, scale: int, x: torch.Tensor) -> Iterator[tuple[int, int, torch.Tensor | None]]:
        if stage == "blind":
            net, tile = (lambda t: self.blind(t, scale)), CLEAN_TILE if scale == 1 else ENLARGE_TILE
            multiple = self.blind.multiple
        else:
            net = self.upscaler if stage == "fast" else getattr(self, stage)     # sharp, detailed: on first use
            tile = DETAILED_TILE if stage == "detailed" else ENLARGE_TILE
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
        missing = self.upscaler_available(job.upscaler) if job.scale > 1 and job.upscaler != "fast" else None
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
        files = {"blind": BLIND_FILE, "fast": UPSCALE_FILE, **OPTIONAL_FILES}
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
