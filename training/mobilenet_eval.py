"""MobileNetV2 (ImageNet) features for *evaluation only*: Frechet distance, content and style scores.

The held-out judges measure the generative models in this feature space, so no training loss uses
it (the GAN, stylizer and inpainter train against EfficientNet-Lite0 or VGG16); here it only
scores results.
"""
import torch
import torchvision

from artstudio.nets.movement_net import IMAGENET_MEAN, IMAGENET_STD
from artstudio.weights import load_weights

STYLE_BLOCKS = (2, 4, 7)      # early/mid blocks whose Gram matrices describe style
CONTENT_BLOCK = 10


class MobileNetFeatures(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        net = torchvision.models.mobilenet_v2()
        net.load_state_dict({k: v.float() for k, v in load_weights("mobilenet_v2_imagenet.pt").items()})
        self.features = net.features.eval().requires_grad_(False)
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))

    @torch.no_grad()
    def blocks(self, rgb: torch.Tensor, wanted: tuple[int, ...]) -> dict[int, torch.Tensor]:
        x, out = (rgb - self.mean) / self.std, {}
        for i, block in enumerate(self.features):
            x = block(x)
            if i in wanted:
                out[i] = x
        return out

    @torch.no_grad()
    def pooled(self, rgb: torch.Tensor) -> torch.Tensor:
        """(N, 1280) globally pooled final features at 224 px, as used for the Frechet distance."""
        rgb = torch.nn.functional.interpolate(rgb, size=(224, 224), mode="bilinear", antialias=True)
        return self.blocks(rgb, (18,))[18].mean((2, 3))


def frechet_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """Frechet distance between Gaussians fitted to two (N, D) feature sets."""
    a, b = a.double(), b.double()
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = torch.cov(a.T), torch.cov(b.T)
    values, vectors = torch.linalg.eigh(cov_a)
    sqrt_a = vectors @ torch.diag(values.clamp(min=0).sqrt()) @ vectors.T
    middle = torch.linalg.eigvalsh(sqrt_a @ cov_b @ sqrt_a).clamp(min=0).sqrt().sum()
    return float((mu_a - mu_b).pow(2).sum() + cov_a.trace() + cov_b.trace() - 2 * middle)


def precision_recall(real: torch.Tensor, fake: torch.Tensor, k: int = 3) -> tuple[float, float]:
    """Improved precision and recall (Kynkaanniemi et al. 2019): the share of samples that fall inside
    the real images' k-nearest-neighbour balls, and of real images inside the samples' balls. Low
    recall with fair precision is the signature of mode collapse."""
    def radii(x: torch.Tensor) -> torch.Tensor:
        return torch.cdist(x, x).kthvalue(k + 1, dim=1).values
    cross = torch.cdist(fake, real)
    precision = (cross <= radii(real)[None]).any(1).float().mean()
    recall = (cross.T <= radii(fake)[None]).any(1).float().mean()
    return float(precision), float(recall)


def near_duplicate_share(real: torch.Tensor, fake: torch.Tensor) -> float:
    """Share of samples whose nearest other sample is closer than all but the closest 5% of real
    paintings are to theirs (so about 0.05 for real paintings): repeated pictures across seeds."""
    def nearest(x: torch.Tensor) -> torch.Tensor:
        return torch.cdist(x, x).fill_diagonal_(float("inf")).min(1).values
    return float((nearest(fake) < nearest(real).quantile(0.05)).float().mean())


def gram(feat: torch.Tensor) -> torch.Tensor:
    n, c, h, w = feat.shape
    flat = feat.flatten(2)
    return flat @ flat.transpose(1, 2) / (c * h * w)


def style_distance(net: MobileNetFeatures, image: torch.Tensor, style: torch.Tensor) -> float:
    """Sum over early blocks of the squared Gram-matrix difference (lower = closer in style)."""
    fi, fs = net.blocks(image, STYLE_BLOCKS), net.blocks(style, STYLE_BLOCKS)
    return sum(float((gram(fi[b]) - gram(fs[b])).pow(2).sum()) for b in STYLE_BLOCKS)


def content_distance(net: MobileNetFeatures, image: torch.Tensor, content: torch.Tensor) -> float:
    """Mean squared difference of mid-level features (lower = content better kept)."""
    fi, fc = net.blocks(image, (CONTENT_BLOCK,)), net.blocks(content, (CONTENT_BLOCK,))
    return float((fi[CONTENT_BLOCK] - fc[CONTENT_BLOCK]).pow(2).mean())
