"""Restoration networks: a blind denoiser/deblocker and a x4 upscaler, both small enough for a laptop CPU.

DenoiseUNet predicts a correction added to the input (zero-initialised output, so it starts as the
identity). It works at half resolution from the first layer (pixel-unshuffle), which keeps a 1024 px
image under two seconds on two cores while its three levels see a wide context (JPEG blocks, noise).

UpscaleNet is SRVGGNetCompact's shape (Real-ESRGAN's compact model): plain 3x3 convolutions with
PReLU at the input's resolution, a pixel-shuffle to x4 at the end, and the nearest-upscaled input
added back, so the body only learns the missing detail.

BlindRestorer chains the two into one network for pictures with several damages at once (blur,
resampling, noise, JPEG, twice over): a cleaner at the input's size, then an enlarger. Each scale has
networks of its own (x1 a cleaner; x2 and x4 a cleaner and an enlarger): when x2 and x4 shared theirs,
both hedged between the damage each is mostly asked to undo. Trained end to end on random damage
chains, so each cleaner learns what its enlarger needs rather than a single clean damage.
"""
import torch
from torch import nn


class ResBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(channels, channels, 3, padding=1), nn.LeakyReLU(0.1, inplace=True),
                                  nn.Conv2d(channels, channels, 3, padding=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class DenoiseUNet(nn.Module):
    """RGB in [0, 1] -> RGB in [0, 1]; input sides must be multiples of 8 (the caller pads)."""

    multiple = 8

    def __init__(self, width: int = 32) -> None:
        super().__init__()
        w = width
        self.head = nn.Sequential(nn.PixelUnshuffle(2), nn.Conv2d(12, w, 3, padding=1), ResBlock(w), ResBlock(w))
        self.down1 = nn.Sequential(nn.Conv2d(w, 2 * w, 2, stride=2), ResBlock(2 * w), ResBlock(2 * w))
        self.down2 = nn.Sequential(nn.Conv2d(2 * w, 4 * w, 2, stride=2), *[ResBlock(4 * w) for _ in range(3)])
        self.up2 = nn.Sequential(nn.Conv2d(4 * w, 8 * w, 1), nn.PixelShuffle(2))
        self.dec1 = nn.Sequential(ResBlock(2 * w), ResBlock(2 * w))
        self.up1 = nn.Sequential(nn.Conv2d(2 * w, 4 * w, 1), nn.PixelShuffle(2))
        self.dec0 = nn.Sequential(ResBlock(w), ResBlock(w))
        self.tail = nn.Sequential(nn.Conv2d(w, 12, 3, padding=1), nn.PixelShuffle(2))
        nn.init.zeros_(self.tail[0].weight)
        nn.init.zeros_(self.tail[0].bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s0 = self.head(x)
        s1 = self.down1(s0)
        s2 = self.down2(s1)
        d1 = self.dec1(self.up2(s2) + s1)
        d0 = self.dec0(self.up1(d1) + s0)
        return x + self.tail(d0)


class UpscaleNet(nn.Module):
    """RGB in [0, 1] at any size -> RGB at `scale` times the size."""

    multiple = 1

    def __init__(self, width: int = 48, convs: int = 12, scale: int = 4) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Conv2d(3, width, 3, padding=1), nn.PReLU(width)]
        for _ in range(convs):
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.PReLU(width)]
        layers += [nn.Conv2d(width, 3 * scale * scale, 3, padding=1), nn.PixelShuffle(scale)]
        self.body = nn.Sequential(*layers)
        self.width, self.convs, self.scale = width, convs, scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x) + nn.functional.interpolate(x, scale_factor=self.scale, mode="nearest")

    @staticmethod
    def shape_of(state: dict[str, torch.Tensor], prefix: str = "") -> tuple[int, int]:
        """(width, convs) of the UpscaleNet a state dict was saved from."""
        convs = sum(1 for key in state if key.startswith(prefix + "body.") and key.endswith(".weight")
                    and state[key].dim() == 4) - 2
        return state[prefix + "body.0.weight"].shape[0], convs

    @classmethod
    def sized_for(cls, state: dict[str, torch.Tensor]) -> "UpscaleNet":
        """An UpscaleNet of the width and depth a state dict was saved from, ready to load it."""
        return cls(*cls.shape_of(state))


class BlindRestorer(nn.Module):
    """RGB in [0, 1] (sides multiples of 8) -> cleaned RGB at 1, 2 or 4 times the size, in one call.

    Cleaning for its own sake (x1) and cleaning before enlarging want different things (the second
    learns to prepare detail for the enlarger, not to be looked at), and a x2 is mostly asked of a web
    copy while a x4 is asked of a small picture, so each scale has its own networks."""

    multiple = 8
    scales = (1, 2, 4)

    def __init__(self, enlarger_width: int = 48, enlarger_convs: int = 12, cleaner_width: int = 32,
                 x2_enlarger_width: int | None = None, x2_enlarger_convs: int | None = None,
                 x2_cleaner_width: int = 32) -> None:
        """The x2 enlarger takes the x4 one's size unless given its own."""
        super().__init__()
        self.cleaner = DenoiseUNet(cleaner_width)
        self.pre_cleaner = DenoiseUNet()
        self.enlarger = UpscaleNet(enlarger_width, enlarger_convs, scale=4)
        self.x2_pre_cleaner = DenoiseUNet(x2_cleaner_width)
        self.x2_enlarger = UpscaleNet(x2_enlarger_width or enlarger_width, x2_enlarger_convs or enlarger_convs,
                                      scale=2)

    @staticmethod
    def shape_of(state: dict[str, torch.Tensor]) -> tuple[int, int, int, int, int, int]:
        """The constructor's arguments for the BlindRestorer a state dict was saved from: (enlarger width,
        enlarger convs, cleaner width, x2 enlarger width, x2 enlarger convs, x2 cleaner width)."""
        return (*UpscaleNet.shape_of(state, "enlarger."), state["cleaner.head.1.weight"].shape[0],
                *UpscaleNet.shape_of(state, "x2_enlarger."), state["x2_pre_cleaner.head.1.weight"].shape[0])

    def forward(self, x: torch.Tensor, scale: int = 1) -> torch.Tensor:
        if scale == 1:
            return self.cleaner(x)
        if scale == 2:
            return self.x2_enlarger(self.x2_pre_cleaner(x))
        return self.enlarger(self.pre_cleaner(x))

    @torch.no_grad()
    def x2_from_x4(self) -> None:
        """Set the x2 networks to the x4 ones with the output reduced by a 2x2 area filter (exact, as the
        last layer and pixel shuffle are linear), so a warm start's x2 begins as its x4 halved."""
        self.x2_pre_cleaner.load_state_dict(self.pre_cleaner.state_dict())
        self.x2_enlarger.body[:-2].load_state_dict(self.enlarger.body[:-2].state_dict())
        x4, x2 = self.enlarger.body[-2], self.x2_enlarger.body[-2]
        weight = x4.weight.view(3, 2, 2, 2, 2, *x4.weight.shape[1:])    # (colour, a, i, b, j, in, kh, kw)
        bias = x4.bias.view(3, 2, 2, 2, 2)
        x2.weight.copy_(weight.mean(dim=(2, 4)).reshape(12, *x4.weight.shape[1:]))
        x2.bias.copy_(bias.mean(dim=(2, 4)).reshape(12))
