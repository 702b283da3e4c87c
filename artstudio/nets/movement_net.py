"""Art-movement classifiers: an ImageNet backbone with a fine-tuned tail and a style-statistics head.

Brushwork and palette say more about a movement than objects do, so each head sees, beside the pooled
final features, the per-channel mean and standard deviation of four early feature maps (texture and
colour statistics in the spirit of Gram-matrix style descriptors). The early blocks (the trunk) keep
their ImageNet values, unless a head was trained with `--tune-from` (its file then carries the blocks it
tuned); the tail and the head are trained by `training/train_classifier.py`.
Three backbones are trained apart and averaged (`artstudio/models/classifier.py`): MobileNetV2,
EfficientNet-Lite0 and EfficientNet-Lite2 make different mistakes, so together they make fewer.
"""
from dataclasses import dataclass
from itertools import accumulate

import torch
from torch import nn

from artstudio.nets.efficientnet_lite import LITE0_STAGES, LITE2_STAGES, EfficientNetLite, Stage, block_channels

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

STAT_BLOCKS = (3, 6, 10, 13)      # MobileNetV2: indices into features whose outputs feed the statistics
STAT_CHANNELS = 24 + 32 + 64 + 96
TAIL_START = 14

EFFICIENT_FEATURES = 1280


@dataclass(frozen=True)
class LiteLayout:
    """Where an EfficientNet-Lite of these stages is split: statistics from the last block of stages 2-5
    (indices into _blocks), trainable tail from the first block of stage 6 on."""
    stages: list[Stage]

    @property
    def _stage_ends(self) -> list[int]:
        ends = accumulate(repeats for repeats, *_ in self.stages)
        return [end - 1 for end in ends]

    @property
    def stat_blocks(self) -> tuple[int, ...]:
        return tuple(self._stage_ends[1:5])

    @property
    def tail_start(self) -> int:
        return self._stage_ends[4] + 1

    @property
    def stat_channels(self) -> int:
        channels = block_channels(self.stages)
        return sum(channels[i] for i in self.stat_blocks)

    @property
    def last_channels(self) -> int:
        return self.stages[-1][-1]


LITE0 = LiteLayout(LITE0_STAGES)
LITE2 = LiteLayout(LITE2_STAGES)


def channel_stats(x: torch.Tensor) -> torch.Tensor:
    flat = x.flatten(2)
    return torch.cat([flat.mean(2), flat.std(2)], 1)


def run_with_stats(blocks, x: torch.Tensor, stat_blocks: tuple[int, ...]) -> tuple[torch.Tensor, torch.Tensor]:
    """Run `blocks` in order; returns the last output and the channel statistics of the `stat_blocks`."""
    stats = [x.new_zeros(len(x), 0)]
    for i, block in enumerate(blocks):
        x = block(x)
        if i in stat_blocks:
            stats.append(channel_stats(x))
    return x, torch.cat(stats, 1)


class StatsTrunk:
    """The frozen-by-default blocks before a head, runnable in pieces: training caches the output of the
    first blocks and fine-tunes the rest of the trunk with the head (`train_classifier.py --tune-from`)."""
    trunk_blocks: nn.Sequential | nn.ModuleList
    stat_blocks: tuple[int, ...]

    def enter(self, rgb: torch.Tensor) -> torch.Tensor:
        """What the first trunk block reads."""
        raise NotImplementedError

    def run_trunk(self, x: torch.Tensor, first: int = 0, stop: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Trunk blocks first..stop-1 from x (the input of block `first`): their output and the channel
        statistics of the stat blocks among them."""
        stop = len(self.trunk_blocks) if stop is None else stop
        taps = tuple(b - first for b in self.stat_blocks if first <= b < stop)
        return run_with_stats(self.trunk_blocks[first:stop], x, taps)

    def trunk_and_stats(self, rgb: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.run_trunk(self.enter(rgb))

    def load_tuned_trunk(self, blocks: dict[str, torch.Tensor]) -> None:
        """Fine-tuned trunk blocks (keys relative to `trunk_blocks`) over their ImageNet values."""
        unexpected = self.trunk_blocks.load_state_dict(blocks, strict=False).unexpected_keys
        if unexpected:
            raise ValueError(f"not trunk weights: {unexpected[:3]}")


class MovementHead(nn.Module):
    """Trainable part: MobileNetV2 blocks 14-18 plus a linear layer over pooled features and statistics."""

    def __init__(self, backbone_features: nn.Sequential, num_classes: int) -> None:
        super().__init__()
        self.tail = nn.Sequential(*backbone_features[TAIL_START:])
        self.dropout = nn.Dropout(0.3)
        self.fc = nn.Linear(1280 + 2 * STAT_CHANNELS, num_classes)
        self.register_buffer("temperature", torch.ones(()))

    def describe(self, trunk_out: torch.Tensor, stats: torch.Tensor) -> torch.Tensor:
        """What the linear layer sees: pooled tail features and the statistics (also the attribution features)."""
        return torch.cat([self.tail(trunk_out).mean((2, 3)), stats], 1)

    def forward(self, trunk_out: torch.Tensor, stats: torch.Tensor) -> torch.Tensor:
        """trunk_out: output of block 13; stats: channel_stats of the STAT_BLOCKS. Returns logits / T."""
        return self.fc(self.dropout(self.describe(trunk_out, stats))) / self.temperature


class MovementNet(nn.Module, StatsTrunk):
    """MobileNetV2 classifier from an RGB image tensor in [0, 1]; keeps the last tail map for Grad-CAM."""

    def __init__(self, num_classes: int) -> None:
        super().__init__()
        import torchvision   # here, not at the top: importing it costs seconds the app's first page need not wait
        features = torchvision.models.mobilenet_v2().features
        self.trunk = nn.Sequential(*features[:TAIL_START])
        self.head = MovementHead(features, num_classes)
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))

    def load_backbone(self, backbone: dict[str, torch.Tensor]) -> None:
        """ImageNet weights (mobilenet_v2_imagenet.pt) into the trunk and the tail."""
        features = {k[len("features."):]: v.float() for k, v in backbone.items() if k.startswith("features.")}
        self.trunk.load_state_dict({k: v for k, v in features.items() if int(k.split(".")[0]) < TAIL_START})
        self.head.tail.load_state_dict({f"{int(k.split('.')[0]) - TAIL_START}.{k.split('.', 1)[1]}": v
                                        for k, v in features.items() if int(k.split(".")[0]) >= TAIL_START})

    @property
    def trunk_blocks(self) -> nn.Sequential:
        return self.trunk

    stat_blocks = STAT_BLOCKS

    def enter(self, rgb: torch.Tensor) -> torch.Tensor:
        return (rgb - self.mean) / self.std

    def forward(self, rgb: torch.Tensor) -> torch.Tensor:
        return self.head(*self.trunk_and_stats(rgb))


class EfficientMovementHead(nn.Module):
    """Trainable part: an EfficientNet-Lite's last two stages, a new 1x1 feature layer, and a linear layer."""

    def __init__(self, blocks: nn.ModuleList, num_classes: int, layout: LiteLayout) -> None:
        super().__init__()
        self.tail = nn.Sequential(*blocks[layout.tail_start:])
        self.features = nn.Sequential(nn.Conv2d(layout.last_channels, EFFICIENT_FEATURES, 1, bias=False),
                                      nn.BatchNorm2d(EFFICIENT_FEATURES), nn.ReLU6())
        self.dropout = nn.Dropout(0.3)
        self.fc = nn.Linear(EFFICIENT_FEATURES + 2 * layout.stat_channels, num_classes)
        self.register_buffer("temperature", torch.ones(()))

    def describe(self, trunk_out: torch.Tensor, stats: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.features(self.tail(trunk_out)).mean((2, 3)), stats], 1)

    def forward(self, trunk_out: torch.Tensor, stats: torch.Tensor) -> torch.Tensor:
        return self.fc(self.dropout(self.describe(trunk_out, stats))) / self.temperature


class EfficientMovementNet(nn.Module, StatsTrunk):
    """The same classifier over an EfficientNet-Lite (Lite0 unless told; the trunk before the tail frozen)."""

    def __init__(self, num_classes: int, layout: LiteLayout = LITE0) -> None:
        super().__init__()
        backbone = EfficientNetLite(layout.stages)
        self.backbone, self.layout = backbone, layout
        self.head = EfficientMovementHead(backbone._blocks, num_classes, layout)
        backbone._blocks = backbone._blocks[:layout.tail_start]     # the tail now belongs to the head

    def load_backbone(self, backbone: dict[str, torch.Tensor]) -> None:
        """ImageNet weights (efficientnet_lite0_imagenet.pt or its Lite2 twin) into the trunk and the tail."""
        state = {k: v.float() for k, v in backbone.items()}
        start = self.layout.tail_start
        self.backbone.load_state_dict({k: v for k, v in state.items()
                                       if not k.startswith("_blocks.") or int(k.split(".")[1]) < start})
        self.head.tail.load_state_dict({f"{int(k.split('.')[1]) - start}.{k.split('.', 2)[2]}": v
                                        for k, v in state.items()
                                        if k.startswith("_blocks.") and int(k.split(".")[1]) >= start})

    @property
    def trunk_blocks(self) -> nn.ModuleList:
        return self.backbone._blocks

    @property
    def stat_blocks(self) -> tuple[int, ...]:
        return self.layout.stat_blocks

    def enter(self, rgb: torch.Tensor) -> torch.Tensor:
        return self.backbone.stem(rgb)

    def forward(self, rgb: torch.Tensor) -> torch.Tensor:
        return self.head(*self.trunk_and_stats(rgb))
