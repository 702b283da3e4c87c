"""Style transfer in VGG16 relu3_1 feature space, and the decoder that maps features back to pixels.

The transform is whitening-colouring (Li et al. 2017, "Universal Style Transfer"): the content's
features are decorrelated, then given the style's mean and covariance. The decoder is trained only to
invert relu3_1 features (`training/train_stylizer.py`), so any style works without retraining;
relu3_1 keeps the decoder small enough to train on a laptop CPU and to run at 1024 px.

The same transform on small pixel patches (every 5x5 neighbourhood as one 75-value vector) gives an
image the style's palette and its fine brush texture (the covariance of neighbouring pixels) with no
decoder at all: overlapping transformed patches are averaged back into pixels.
"""
import torch
import torch.nn.functional as F
from torch import nn

ENCODER_TAP = "relu3_1"
PATCH_SIDE = 5


def feature_moments(feat: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean (C, 1) and covariance (C, C) of a (1, C, H, W) feature map, in double for the eigensolver.

    The big product runs in float (fast); the small results are then promoted."""
    flat = feat[0].flatten(1).float()
    mean = flat.mean(1, keepdim=True)
    centred = flat - mean
    return mean.double(), (centred @ centred.T / max(centred.shape[1] - 1, 1)).double()


def _matrix_power(cov: torch.Tensor, power: float, eps: float = 1e-5) -> torch.Tensor:
    values, vectors = torch.linalg.eigh(cov + eps * torch.eye(len(cov), dtype=cov.dtype))
    return vectors @ torch.diag(values.clamp(min=eps) ** power) @ vectors.T


def whiten_colour(content: torch.Tensor, style_mean: torch.Tensor, style_cov: torch.Tensor) -> torch.Tensor:
    """Give `content` (1, C, H, W) the style's feature mean and covariance."""
    _, c, h, w = content.shape
    c_mean, c_cov = feature_moments(content)
    transform = (_matrix_power(style_cov, 0.5) @ _matrix_power(c_cov, -0.5)).float()   # small: C x C, in double
    coloured = transform @ (content[0].flatten(1) - c_mean.float()) + style_mean.float()  # large: in float
    return coloured.view(1, c, h, w)


def pixel_patches(image: torch.Tensor, side: int = PATCH_SIDE) -> torch.Tensor:
    """(1, 3, H, W) -> (1, 3 * side * side, H, W): each pixel's neighbourhood as one vector."""
    pad = side // 2
    h, w = image.shape[2:]
    columns = F.unfold(F.pad(image, (pad, pad, pad, pad), mode="reflect"), side)
    return columns.view(1, -1, h, w)


def patch_whiten_colour(image: torch.Tensor, style_mean: torch.Tensor, style_cov: torch.Tensor,
                        side: int = PATCH_SIDE) -> torch.Tensor:
    """Give `image`'s pixel patches the style's patch mean and covariance (from `pixel_patches`), each pixel
    the average of the transformed patches that cover it.

    Transforming every patch and averaging them back is linear in the pixels, so it is done as one
    (2 * side - 1)-wide convolution: the same values away from the 2 px border, five times faster at
    1024 px than unfolding 75 values per pixel. The content's patch moments come from every other row
    and column of patch centres (a change under 0.002 in the result)."""
    pad = side // 2
    sample = F.unfold(F.pad(image, (pad, pad, pad, pad), mode="reflect"), side, stride=2)
    c_mean, c_cov = feature_moments(sample.unsqueeze(-1))
    transform = (_matrix_power(style_cov, 0.5) @ _matrix_power(c_cov, -0.5)).float()
    bias = style_mean.float() - transform @ c_mean.float()
    # transform[(c, k), (c', k')] moves pixel v + k' - k of channel c' into channel c of pixel v, for every
    # patch offset k that covers v: summed over k, one kernel tap per k' - k
    per_offset = transform.view(3, side, side, 3, side, side)
    reach = 2 * side - 1
    kernel = image.new_zeros(3, 3, reach, reach)
    for ky in range(side):
        for kx in range(side):
            kernel[:, :, side - 1 - ky:reach - ky, side - 1 - kx:reach - kx] += per_offset[:, ky, kx]
    out = F.conv2d(F.pad(image, (side - 1,) * 4, mode="reflect"), kernel / side ** 2)
    return out + bias.view(3, side * side).mean(1).view(1, 3, 1, 1)


def conv(cin: int, cout: int, relu: bool = True) -> list[nn.Module]:
    layers: list[nn.Module] = [nn.ReflectionPad2d(1), nn.Conv2d(cin, cout, 3)]
    return layers + [nn.ReLU(inplace=True)] if relu else layers


class Decoder(nn.Module):
    """Mirror of VGG16 up to relu3_1: 256 channels at 1/4 size back to RGB in [0, 1]."""

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(
            *conv(256, 128), nn.Upsample(scale_factor=2, mode="nearest"),
            *conv(128, 128), *conv(128, 64), nn.Upsample(scale_factor=2, mode="nearest"),
            *conv(64, 64), *conv(64, 3, relu=False))

    def forward(self, feat: torch.Tensor) -> torch.Tensor:
        return self.net(feat)
