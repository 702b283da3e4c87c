"""One model interface for the tabs and the CLI: load lazily once per process, cache, pick the device.

    from artstudio.models import registry
    classifier = registry.get("classifier")     # raises WeightsError if its weights are missing

Like IOPaint's model manager, every model is built the same way: a StudioModel (artstudio/models/base.py)
whose `Model(device)` loads its weights through the manifest (sha256-checked) and exposes plain methods
over PIL images.
"""
from __future__ import annotations

import importlib
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from artstudio.models.base import StudioModel
from artstudio.weights import WeightsError, verify

if TYPE_CHECKING:
    import torch

# name -> "module:Class" (imported only when first used: the module brings torch, which loads after the page)
MODELS = {
    "classifier": "artstudio.models.classifier:MovementClassifier",
    "stylizer": "artstudio.models.stylizer:Stylizer",
    "inpainter": "artstudio.models.inpainter:Inpainter",
    "generator": "artstudio.models.generator:PaintingGenerator",
    "restorer": "artstudio.models.restorer:Restorer",
}
# name -> the weights files its class lists (`files`), so `availability` answers before the class is imported;
# model_class refuses a class whose list differs
FILES = {
    "classifier": ("mobilenet_v2_imagenet.pt", "movement_classifier.pt", "efficientnet_lite0_imagenet.pt",
                   "movement_classifier_efficientnet.pt", "efficientnet_lite2_imagenet.pt",
                   "movement_classifier_efficientnet_lite2.pt", "movement_ensemble.pt"),
    "stylizer": ("vgg16_hed_conv4_2.pt", "style_decoder.pt"),
    "inpainter": ("inpaint_unet.pt",),
    "generator": ("painting_gan.pt", "painting_gan_directions.pt"),
    "restorer": ("restore_blind.pt", "restore_upscale_x4.pt"),
}
_cache: dict[str, object] = {}
_unloadable: set[str] = set()
_lock = threading.Lock()


def device() -> torch.device:
    import torch
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def gpu_expected() -> bool:
    """Whether models will run on a CUDA GPU, answered without importing torch when it is not loaded yet
    (the UI is laid out before torch loads): an NVIDIA driver is present and CUDA_VISIBLE_DEVICES does
    not hide every GPU."""
    if "torch" in sys.modules:
        return device().type == "cuda"
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    return Path("/proc/driver/nvidia/version").exists() and visible not in ("", "-1")


def configure_threads() -> None:
    """Use every core for one request at a time (the app runs one model call at a time on CPU)."""
    import torch
    torch.set_num_threads(int(os.environ.get("ARTSTUDIO_THREADS", os.cpu_count() or 1)))


def model_class(name: str) -> type[StudioModel]:
    module, cls = MODELS[name].split(":")
    model = getattr(importlib.import_module(module), cls)
    if not issubclass(model, StudioModel):
        raise TypeError(f"{MODELS[name]} does not implement StudioModel (artstudio/models/base.py)")
    if tuple(model.files) != FILES[name]:
        raise TypeError(f"{MODELS[name]} lists {model.files}; registry.FILES says {FILES[name]}")
    return model


def get(name: str) -> StudioModel:
    """The loaded model `name`, built on first use; WeightsError says which file is missing or damaged."""
    with _lock:
        if name not in _cache:
            configure_threads()
            _cache[name] = model_class(name)(device())
        return _cache[name]


def availability(name: str) -> str | None:
    """None when the model's weights are present and intact, else the message saying why not.
    Checks hashes only: the model itself loads on first use (or in `warm_up`)."""
    try:
        for file in FILES[name]:
            verify(file)
        return None
    except WeightsError as err:
        return str(err)


def still_loading() -> list[str]:
    """The models warm-up has yet to load or give up on (the page is served before they load); cheap
    enough for the page to poll: no file is hashed."""
    return [name for name in MODELS if name not in _cache and name not in _unloadable]


def warm_up() -> None:
    """Load every installed model (the server runs this in the background once the page is up); one that
    cannot load is left for its tab to explain."""
    for name in MODELS:
        try:
            get(name)
        except Exception as err:          # a background thread: nothing above it would report the failure
            _unloadable.add(name)
            print(f"warm-up: {name} not loaded: {err}", file=sys.stderr, flush=True)


def clear() -> None:
    """Forget loaded models (tests use this after changing weights files)."""
    with _lock:
        _cache.clear()
        _unloadable.clear()
