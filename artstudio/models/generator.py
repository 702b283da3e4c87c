"""Painting generator: seeds to latents, named slider directions, variations and blends.

A painting is fully described by its latent w (after truncation and slider edits), so recipes store
the seed and settings plus w itself; rendering the same w gives the same pixels on the same machine.
"""
import torch
from PIL import Image

from artstudio.models.base import StudioModel
from artstudio.models.directions import DIRECTIONS_FILE
from artstudio.models.tensors import to_pil
from artstudio.nets.painting_gan import W_DIM, Z_DIM, Generator
from artstudio.specs import GENERATE
from artstudio.weights import load_into, load_weights, weights_sha

GENERATOR_FILE = "painting_gan.pt"
NATIVE_SIZE = 128
LATENT_SIZE = W_DIM           # length of the latent w that recipes store
# No truncation unless asked: at 0.7 a quarter of the seeds gave the same seated figure (held-out recall
# 0.02, 59% near-duplicates); lower values stay a choice for more typical paintings.
DEFAULT_TRUNCATION = GENERATE["truncation"].default


class PaintingGenerator(StudioModel):
    name = "painting-gan"
    files = (GENERATOR_FILE, DIRECTIONS_FILE)    # checked by registry.availability

    def __init__(self, device: torch.device) -> None:
        super().__init__(device, weights_sha(GENERATOR_FILE))
        self.net = load_into(Generator(), GENERATOR_FILE, device)
        directions = load_weights(DIRECTIONS_FILE)
        self.direction_names: list[str] = list(directions["names"])
        self.direction_vectors = directions["vectors"].float().to(device)       # (K, W_DIM), one sigma long

    @torch.no_grad()
    def latent(self, seed: int, truncation: float = DEFAULT_TRUNCATION) -> torch.Tensor:
        """The truncated w of a seed: w_mean + truncation * (mapping(z) - w_mean)."""
        z = torch.randn(1, Z_DIM, generator=torch.Generator().manual_seed(int(seed))).to(self.device)
        w = self.net.mapping(z)[0]
        return self.net.w_mean + float(truncation) * (w - self.net.w_mean)

    def edit(self, w: torch.Tensor | list[float], sliders: dict[str, float]) -> torch.Tensor:
        """Move w (a tensor, or a recipe's list) along named directions; a slider value of 1 is one
        standard deviation of the data."""
        w = torch.as_tensor(w, dtype=torch.float32)
        for name, value in sliders.items():
            if name not in self.direction_names:
                raise ValueError(f"Unknown direction {name!r}; known: {', '.join(self.direction_names)}")
            w = w + float(value) * self.direction_vectors[self.direction_names.index(name)]
        return w

    @torch.no_grad()
    def render(self, ws: torch.Tensor) -> list[Image.Image]:
        ws = ws.reshape(-1, W_DIM).to(self.device)
        images = self.net.synthesis(ws)
        return [to_pil(img[None]) for img in images]

    def sample(self, seed: int, truncation: float = DEFAULT_TRUNCATION, sliders: dict[str, float] | None = None) -> Image.Image:
        return self.render(self.edit(self.latent(seed, truncation), sliders or {}))[0]

    def variations(self, w: torch.Tensor, step: float = 0.5, seed: int = 0) -> torch.Tensor:
        """Nine latents around w: the centre is w itself, the rest are small random steps."""
        gen = torch.Generator().manual_seed(int(seed))
        offsets = torch.randn(9, len(self.direction_names), generator=gen).to(self.device) * step
        offsets[4] = 0
        return w[None] + offsets @ self.direction_vectors

    @staticmethod
    def interpolate(w_a: torch.Tensor, w_b: torch.Tensor, frames: int) -> torch.Tensor:
        t = torch.linspace(0, 1, max(2, int(frames)), device=w_a.device)[:, None]
        return w_a[None] * (1 - t) + w_b[None] * t
