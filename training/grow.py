"""Grow a trained enlarger (UpscaleNet) wider and deeper without changing what it computes, so a bigger
network starts where the shipped one stopped instead of from scratch (Net2Net's idea).

Widening: the new channels get small random inputs and zero outputs, so the old channels never see
them until training moves those outputs off zero. New channels go after the old ones everywhere, which
keeps pixel-shuffle groups, skip additions and residual sums lined up (the cleaner's U-Net too).
Deepening: each new layer is an identity 3x3 convolution followed by a PReLU of slope 1, spread evenly
between the old layers.
"""
import torch
from torch import nn

from artstudio.nets.restore_nets import BlindRestorer, DenoiseUNet, UpscaleNet

NEW_INPUT_SCALE = 1e-3


def _widened_conv(old: nn.Conv2d, in_channels: int, out_channels: int) -> nn.Conv2d:
    conv = nn.Conv2d(in_channels, out_channels, old.kernel_size, old.stride, old.padding)
    with torch.no_grad():
        conv.weight.normal_(0, NEW_INPUT_SCALE)
        conv.weight[:, old.in_channels:] = 0
        conv.weight[:old.out_channels, :old.in_channels] = old.weight
        conv.bias.zero_()
        conv.bias[:old.out_channels] = old.bias
    return conv


def _widened_prelu(old: nn.PReLU, channels: int) -> nn.PReLU:
    prelu = nn.PReLU(channels)
    with torch.no_grad():
        prelu.weight[:old.num_parameters] = old.weight
    return prelu


def _identity_layer(channels: int) -> list[nn.Module]:
    conv = nn.Conv2d(channels, channels, 3, padding=1)
    with torch.no_grad():
        nn.init.dirac_(conv.weight)
        conv.bias.zero_()
    prelu = nn.PReLU(channels, init=1.0)
    return [conv, prelu]


def grown_upscaler(old: UpscaleNet, width: int, convs: int) -> UpscaleNet:
    """A `width`-channel, `convs`-layer UpscaleNet that computes what `old` computes."""
    if width < old.width or convs < old.convs:
        raise ValueError(f"cannot shrink {old.width}x{old.convs} to {width}x{convs}")
    new = UpscaleNet(width, convs, old.scale)
    layers = list(old.body)
    hidden = [(layers[i], layers[i + 1]) for i in range(2, 2 + 2 * old.convs, 2)]
    body: list[nn.Module] = [_widened_conv(layers[0], 3, width), _widened_prelu(layers[1], width)]
    added = convs - old.convs
    for index, (conv, prelu) in enumerate(hidden):
        body += [_widened_conv(conv, width, width), _widened_prelu(prelu, width)]
        if added and (index + 1) * added // old.convs > index * added // old.convs:
            body += _identity_layer(width)
    if added and old.convs == 0:
        body += [m for _ in range(added) for m in _identity_layer(width)]
    tail = layers[-2]
    body += [_widened_conv(tail, width, tail.out_channels), layers[-1]]
    new.body = nn.Sequential(*body)
    return new


def grown_cleaner(old: DenoiseUNet, width: int) -> DenoiseUNet:
    """A DenoiseUNet of `width` base channels that computes what `old` computes."""
    if width < _width_of(old):
        raise ValueError(f"cannot shrink a cleaner of width {_width_of(old)} to {width}")
    new = DenoiseUNet(width)
    convs = [(o, n) for o, n in zip(old.modules(), new.modules()) if isinstance(o, nn.Conv2d)]
    with torch.no_grad():
        for old_conv, new_conv in convs:
            widened = _widened_conv(old_conv, new_conv.in_channels, new_conv.out_channels)
            new_conv.weight.copy_(widened.weight)
            new_conv.bias.copy_(widened.bias)
    return new


def grown_restorer(old: BlindRestorer, width: int, convs: int, cleaner_width: int | None = None,
                   x2_size: tuple[int, int, int] | None = None) -> BlindRestorer:
    """The blind restorer with its x4 enlarger grown to width x convs and, with `cleaner_width`, its x1 cleaner
    widened; its x2 path grows to `x2_size` (enlarger width, convs, cleaner width), else its enlarger to the
    x4 one's size. The x4 path's cleaner is kept."""
    x2_width, x2_convs, x2_cleaner_width = x2_size or (width, convs, _width_of(old.x2_pre_cleaner))
    new = BlindRestorer(width, convs, cleaner_width or _width_of(old.cleaner), x2_width, x2_convs, x2_cleaner_width)
    new.cleaner = grown_cleaner(old.cleaner, _width_of(new.cleaner))
    new.pre_cleaner.load_state_dict(old.pre_cleaner.state_dict())
    new.x2_pre_cleaner = grown_cleaner(old.x2_pre_cleaner, x2_cleaner_width)
    new.enlarger = grown_upscaler(old.enlarger, width, convs)
    new.x2_enlarger = grown_upscaler(old.x2_enlarger, x2_width, x2_convs)
    return new


def _width_of(cleaner: DenoiseUNet) -> int:
    return cleaner.head[1].out_channels
