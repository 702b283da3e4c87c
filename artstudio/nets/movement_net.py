"""Art-movement classifier: ImageNet MobileNetV2 with a fine-tuned tail and a style-statistics head.

Brushwork and palette say more about a movement than objects do, so the head sees, beside the pooled
final features, the per-channel mean and standard deviation of four early feature maps (texture and
colour statistics in the spirit of Gram-matrix style descriptors). Blocks 0-13 stay frozen at their
ImageNet values; blocks 14-18 and the head are trained by `training/train_classifier.py`.
"""
import torch
from torch import nn

STAT_BLOCKS = (3, 6, 10, 13)      # indices into mobilenet_v2().features whose outputs feed the statistics
STAT_CHANNELS = 24 + 32 + 64 + 96
TAIL_START = 14
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def channel_stats(x: torch.Tensor) -> torch.Tensor:
    flat = x.flatten(2)
    return torch.cat([flat.mean(2), flat.std(2)], 1)


class MovementHead(nn.Module):
    """Trainable part: MobileNetV2 blocks 14-18 plus a linear layer over pooled features and statistics."""

    def __init__(self, backbone_features: nn.Sequential, num_classes: int) -> None:
        super().__init__()
        self.tail = nn.Sequential(*backbone_features[TAIL_START:])
        self.dropout = nn.Dropout(0.3)
        self.fc = nn.Linear(1280 + 2 * STAT_CHANNELS, num_classes)
        self.register_buffer("temperature", torch.ones(()))

    def forward(self, trunk_out: torch.Tensor, stats: torch.Tensor) -> torch.Tensor:
        """trunk_out: output of block 13; stats: channel_stats of the STAT_BLOCKS. Returns logits / T."""
        tail = self.tail(trunk_out)
        return self.fc(self.dropout(torch.cat([tail.mean((2, 3)), stats], 1))) / self.temperature


class MovementNet(nn.Module):
    """Full classifier from an RGB image tensor in [0, 1]; keeps the last tail map for Grad-CAM."""

    def __init__(self, num_classes: int) -> None:
        super().__init__()
        import torchvision   # here, not at the top: importing it costs seconds the app's first page need not wait
        features = torchvision.models.mobilenet_v2().features
        self.trunk = nn.Sequential(*features[:TAIL_START])
        self.head = MovementHead(features, num_classes)
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))

    def trunk_and_stats(self, rgb: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = (rgb - self.mean) / self.std
        stats = []
        for i, block in enumerate(self.trunk):
            x = block(x)
            if i in STAT_BLOCKS:
                stats.append(channel_stats(x))
        return x, torch.cat(stats, 1)

    def forward(self, rgb: torch.Tensor) -> torch.Tensor:
        return self.head(*self.trunk_and_stats(rgb))
