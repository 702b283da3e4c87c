"""VGG16 convolutional layers (conv1_1 .. conv4_2) used as a frozen feature and loss network.

The weights come from the HED edge detector (ImageNet VGG16 fine-tuned on BSDS500), converted by
`training/convert_backbones.py`. Inputs are RGB tensors in [0, 1]; the network does HED's own
BGR, 0-255, mean-subtracted preprocessing itself.
"""
import torch
from torch import nn

# (name, in_channels, out_channels); "pool" marks a 2x2 max pool (ceil mode, as in HED).
LAYOUT = [
    ("conv1_1", 3, 64), ("conv1_2", 64, 64), "pool",
    ("conv2_1", 64, 128), ("conv2_2", 128, 128), "pool",
    ("conv3_1", 128, 256), ("conv3_2", 256, 256), ("conv3_3", 256, 256), "pool",
    ("conv4_1", 256, 512), ("conv4_2", 512, 512),
]
BGR_MEAN = (104.007, 116.669, 122.679)


class VGGFeatures(nn.Module):
    """Returns the ReLU activations named in `taps` (e.g. "relu3_1"), stopping after the last one."""

    def __init__(self) -> None:
        super().__init__()
        self.convs = nn.ModuleDict()
        for item in LAYOUT:
            if item != "pool":
                name, cin, cout = item
                self.convs[name] = nn.Conv2d(cin, cout, 3, padding=1)
        self.register_buffer("mean", torch.tensor(BGR_MEAN).view(1, 3, 1, 1) / 255.0)

    def forward(self, rgb: torch.Tensor, taps: tuple[str, ...]) -> dict[str, torch.Tensor]:
        x = (rgb.flip(1) - self.mean) * 255.0
        out, wanted = {}, set(taps)
        for item in LAYOUT:
            if item == "pool":
                x = nn.functional.max_pool2d(x, 2, ceil_mode=True)
                continue
            name = item[0]
            x = torch.relu(self.convs[name](x))
            relu = "relu" + name[4:]
            if relu in wanted:
                out[relu] = x
                if len(out) == len(wanted):
                    break
        return out
