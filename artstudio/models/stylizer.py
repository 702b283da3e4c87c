"""Style transfer: a fast feed-forward mode (whitening-colouring + trained decoder + patch transport)
and a detailed mode (Gatys-style optimisation started from the fast result).

The fast mode works coarse to fine, as in Li et al.'s cascade: VGG16 relu3_1 features at half the
output size (local colour and broad marks; half size makes the marks twice as large and costs a
quarter), whose decoded change is added to the full-size content (so detail the decoder cannot
reproduce is kept and strength 0 gives the content exactly); then 5x5 pixel patches (the palette);
then the brush texture itself: the patches of each Laplacian-pyramid band are moved to the style's
patch distribution (artstudio/nets/texture_transport.py).
"""
import hashlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import torch
import torch.nn.functional as F
from PIL import Image, ImageFilter, ImageStat

from artstudio.models.base import StudioModel
from artstudio.models.tensors import to_pil, to_tensor
from artstudio.nets.efficientnet_lite import EfficientNetLite
from artstudio.nets.feature_transforms import (ENCODER_TAP, Decoder, feature_moments, patch_whiten_colour,
                                               pixel_patches, whiten_colour)
from artstudio.nets.texture_transport import BandReference, pool_references, style_references, transport_texture
from artstudio.nets.vgg import VGGFeatures
from artstudio.specs import STYLIZE
from artstudio.weights import load_into, weights_sha

MIN_CONTENT_SIDE = 16          # the short side after resizing: the encoder pools it 4x and pads by reflection
VGG_FILE = "vgg16_hed_conv4_2.pt"
DECODER_FILE = "style_decoder.pt"
EFFICIENTNET_FILE = "efficientnet_lite0_imagenet.pt"
STYLE_SIZE = 512            # styles are read at this long side, so brush marks keep their scale
WORK_SCALE = 0.5            # the feature stage runs at this share of the output size (styles likewise)
MIN_STYLE_SIDE = 64
# How far full strength moves the relu3_1 features towards the style's (training/eval_stylizer.py
# --texture: held-out photos x preset styles at 512 px; see the README's model card).
FEATURE_SHARE = 0.7
CACHED_STYLES = 16          # feature moments kept per style image, so re-runs skip encoding it


@dataclass(frozen=True)
class GatysSettings:
    """One Gatys-style optimisation: the frozen network whose Gram matrices (style) and features
    (content) are matched, the weights of the two losses, the Adam step size, and the correction's
    scale (it is optimised at 1/scale of the image's resolution and upsampled; 1 = every pixel)."""
    network: str                    # "vgg16" (taps like "relu4_1") or "efficientnet_lite0" (block numbers)
    style_taps: tuple[str | int, ...]
    content_tap: str | int
    style_weight: float
    content_weight: float
    lr: float
    correction_scale: int


# Chosen by measurement (held-out photos x preset styles at 256 px, MobileNetV2 space, from the fast
# result's 0.0252 / 0.236; README model card). With VGG16 losses, 20 steps of a half-resolution correction
# reached 0.0229 / 0.236 at best (per-pixel steps: 0.0257 / 0.271, worse on both). EfficientNet-Lite0's
# Gram matrices (blocks at 1/2 to 1/16 scale) and block-10 content features move both scores much further
# (20 steps: 0.0177 / 0.194; 40 steps: 0.0166 / 0.193), at a quarter of VGG16's cost per step; adding
# the VGG16 losses as well gained nothing (0.0195 / 0.194 on 4 pairs where EfficientNet alone gave
# 0.0200 / 0.205).
DETAILED = GatysSettings(network="efficientnet_lite0", style_taps=(0, 2, 4, 7), content_tap=10,
                         style_weight=3e8, content_weight=1e7, lr=0.01, correction_scale=2)
# The classic form for the baseline: VGG16, every pixel, from the content photo, for 150 steps.
BASELINE = GatysSettings(network="vgg16", style_taps=("relu1_1", "relu2_1", "relu3_1", "relu4_1"),
                         content_tap="relu4_1", style_weight=2e5, content_weight=1e6, lr=0.02, correction_scale=1)
DETAILED_STEPS = STYLIZE["steps"].default


Moments = tuple[torch.Tensor, torch.Tensor]


@dataclass
class StyleStats:
    """What the fast mode needs of a style: relu3_1 feature moments, 5x5 pixel-patch moments, and each
    pyramid band's patch statistics."""
    features: Moments
    patches: Moments
    bands: list[BandReference]


@dataclass
class StyleSource:
    image: Image.Image
    weight: float = 1.0


def resize_long_side(img: Image.Image, long_side: int) -> Image.Image:
    scale = long_side / max(img.size)
    return img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))), Image.LANCZOS)


def gram(feat: torch.Tensor) -> torch.Tensor:
    n, c, h, w = feat.shape
    flat = feat.flatten(2)
    return flat @ flat.transpose(1, 2) / (c * h * w)


def keep_colours(stylised: Image.Image, content: Image.Image) -> Image.Image:
    """Luminance from the stylised image (shifted to the content's mean), colour from the content."""
    y, _, _ = stylised.convert("YCbCr").split()
    cy, cb, cr = content.convert("YCbCr").split()
    shift = sum(cy.getdata()) / (cy.width * cy.height) - sum(y.getdata()) / (y.width * y.height)
    y = y.point(lambda v: max(0, min(255, round(v + shift))))
    merged = Image.merge("YCbCr", (y, cb, cr)).convert("RGB")
    # strong strokes clip at black and white, which moves the mean: shift each channel back to the content's
    offsets = [c - m for c, m in zip(ImageStat.Stat(content.convert("RGB")).mean, ImageStat.Stat(merged).mean)]
    return Image.merge("RGB", [band.point(lambda v, o=o: max(0, min(255, round(v + o))))
                               for band, o in zip(merged.split(), offsets)])


def apply_region(result: Image.Image, content: Image.Image, region: Image.Image | None) -> Image.Image:
    """Keep the content outside the painted region, with a soft edge."""
    if region is None:
        return result
    soft = region.convert("L").resize(result.size, Image.BILINEAR).filter(
        ImageFilter.GaussianBlur(max(2, max(result.size) // 128)))
    return Image.composite(result, content, soft)


class Stylizer(StudioModel):
    name = "whitening-colouring-relu3_1"
    files = (VGG_FILE, DECODER_FILE)    # checked by registry.availability

    def __init__(self, device: torch.device) -> None:
        super().__init__(device, weights_sha(DECODER_FILE))
        # channels-last convolutions measured a third faster on a 2-core CPU (bench/bench_speed.py)
        self.vgg = load_into(VGGFeatures(), VGG_FILE, device).to(memory_format=torch.channels_last)
        self.decoder = load_into(Decoder(), DECODER_FILE, device).to(memory_format=torch.channels_last)
        self._stats_cache: OrderedDict[str, StyleStats] = OrderedDict()

    def _prepare(self, content: Image.Image, size: int) -> tuple[Image.Image, torch.Tensor]:
        resized = resize_long_side(content.convert("RGB"), size)
        if min(resized.size) < MIN_CONTENT_SIDE:
            raise ValueError(f"The content picture is {content.width}x{content.height} px: at {size} px on the long "
                             f"side its short side would be {min(resized.size)} px, under the {MIN_CONTENT_SIDE} px "
                             f"the networks need. Crop it to a less narrow shape or choose a larger output size.")
        return resized, to_tensor(resized, self.device)

    def _stats_of(self, style: Image.Image) -> StyleStats:
        """A style's statistics, remembered for the last few styles used."""
        key = hashlib.sha1(style.tobytes() + repr((style.mode, style.size)).encode()).hexdigest()
        if key not in self._stats_cache:
            rgb = style.convert("RGB")
            pixels = to_tensor(resize_long_side(rgb, STYLE_SIZE), self.device)
            small = to_tensor(resize_long_side(rgb, round(STYLE_SIZE * WORK_SCALE)), self.device)
            self._stats_cache[key] = StyleStats(
                features=feature_moments(self.vgg(small, (ENCODER_TAP,))[ENCODER_TAP]),
                patches=feature_moments(pixel_patches(pixels)),
                bands=style_references(pixels))
            if len(self._stats_cache) > CACHED_STYLES:
                self._stats_cache.popitem(last=False)
        self._stats_cache.move_to_end(key)
        return self._stats_cache[key]

    def _style_stats(self, styles: list[StyleSource]) -> StyleStats:
        """The styles' statistics blended by weight: moments averaged, band patches pooled in proportion."""
        for s in styles:
            if min(s.image.size) < MIN_STYLE_SIDE:
                raise ValueError(f"The style image is {s.image.width}x{s.image.height} px; "
                                 f"styles need at least {MIN_STYLE_SIDE} px on each side.")
        total = sum(s.weight for s in styles)
        shares = [(self._stats_of(s.image), s.weight / total) for s in styles if s.weight > 0]

        def blend(moments: list[Moments]) -> Moments:
            return (sum(m[0] * share for m, (_, share) in zip(moments, shares)),
                    sum(m[1] * share for m, (_, share) in zip(moments, shares)))
        return StyleStats(blend([stats.features for stats, _ in shares]), blend([stats.patches for stats, _ in shares]),
                          pool_references([(stats.bands, share) for stats, share in shares]))

    @cached_property
    def efficientnet(self) -> EfficientNetLite:
        """The detailed mode's loss network, loaded on first use."""
        return load_into(EfficientNetLite(), EFFICIENTNET_FILE, self.device)

    def _features(self, network: str, x: torch.Tensor, taps: tuple[str | int, ...]) -> dict:
        if network == "vgg16":
            return self.vgg(x, taps)
        in_order = tuple(sorted(taps))   # the network returns its taps in block order
        return dict(zip(in_order, self.efficientnet(x, in_order)))

    def _decode(self, feat: torch.Tensor, h: int, w: int) -> torch.Tensor:
        return self.decoder(feat)[:, :, :h, :w]

    @torch.no_grad()
    def stylize(self, content: Image.Image, styles: list[StyleSource], strength: float = 1.0, size: int = 512,
                preserve_color: bool = False, region: Image.Image | None = None) -> Image.Image:
        """Fast mode. Strength 0 returns the content itself; 1 gives the full transfer."""
        if not styles or sum(s.weight for s in styles) <= 0:
            raise ValueError("Pick at least one style with a weight above zero.")
        content, x = self._prepare(content, size)
        if strength <= 0:
            return content
        h, w = x.shape[2:]
        scale = min(1.0, max(WORK_SCALE, MIN_CONTENT_SIDE / min(h, w)))
        small = F.interpolate(x, scale_factor=scale, mode="bilinear", antialias=True) if scale < 1 else x
        feat = self.vgg(small, (ENCODER_TAP,))[ENCODER_TAP]
        stats = self._style_stats(styles)
        mixed = feat + strength * FEATURE_SHARE * (whiten_colour(feat, *stats.features) - feat)
        change = self._decode(mixed, *small.shape[2:]) - self._decode(feat, *small.shape[2:])
        out = (x + F.interpolate(change, size=(h, w), mode="bilinear", align_corners=False)).clamp(0, 1)
        if not preserve_color:   # the patch level carries the palette, so it is left out
            out = out + strength * (patch_whiten_colour(out, *stats.patches) - out)
        out = torch.lerp(out, transport_texture(out, stats.bands), strength).clamp(0, 1)
        result = keep_colours(to_pil(out), content) if preserve_color else to_pil(out)
        return apply_region(result, content, region)

    def refine_steps(self, content: Image.Image, styles: list[StyleSource], start: Image.Image,
                     strength: float = 1.0, size: int = 512, steps: int = DETAILED_STEPS, preserve_color: bool = False,
                     region: Image.Image | None = None, preview_every: int = 10,
                     settings: GatysSettings = DETAILED) -> Iterator[tuple[int, Image.Image]]:
        """Detailed mode: Gatys optimisation of Gram-matrix style and feature content losses, from the fast result.

        Yields (step, image so far) every `preview_every` steps and after the last step; stopping the
        iteration early (a cancel) simply keeps the last image.
        """
        content, x = self._prepare(content, size)
        if strength <= 0:
            yield steps, content
            return
        taps = tuple(dict.fromkeys(settings.style_taps + (settings.content_tap,)))
        with torch.no_grad():
            content_target = self._features(settings.network, x, taps)[settings.content_tap]
            total = sum(s.weight for s in styles)
            style_grams = {t: 0 for t in settings.style_taps}
            for s in styles:
                pixels = to_tensor(resize_long_side(s.image.convert("RGB"), STYLE_SIZE), self.device)
                feats = self._features(settings.network, pixels, taps)
                for t in settings.style_taps:
                    style_grams[t] = style_grams[t] + gram(feats[t]) * s.weight / total
        base = to_tensor(start.convert("RGB").resize(content.size, Image.BICUBIC), self.device)
        h, w = base.shape[2:]
        scale = settings.correction_scale
        correction = torch.zeros(1, 3, -(-h // scale), -(-w // scale), device=self.device, requires_grad=True)
        opt = torch.optim.Adam([correction], lr=settings.lr)
        style_weight = settings.style_weight * strength

        def current() -> torch.Tensor:
            return (base + torch.nn.functional.interpolate(correction, size=(h, w), mode="bilinear")).clamp(0, 1)
        for step in range(1, steps + 1):
            feats = self._features(settings.network, current(), taps)
            loss_style = sum(torch.nn.functional.mse_loss(gram(feats[t]), style_grams[t]) for t in settings.style_taps)
            loss_content = torch.nn.functional.mse_loss(feats[settings.content_tap], content_target)
            opt.zero_grad()
            (style_weight * loss_style + settings.content_weight * loss_content).backward()
            opt.step()
            if scale == 1:   # the classic form: the image itself is kept in range after every step
                with torch.no_grad():
                    correction.copy_((base + correction).clamp(0, 1) - base)
            if step % preview_every == 0 or step == steps:
                result = to_pil(current())
                if preserve_color:
                    result = keep_colours(result, content)
                yield step, apply_region(result, content, region)

    def refine(self, *args, **kwargs) -> Image.Image:
        """The final image of refine_steps."""
        result = None
        for _, result in self.refine_steps(*args, **kwargs):
            pass
        return result
