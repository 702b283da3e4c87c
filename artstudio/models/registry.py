"""One model interface for the tabs and the CLI: load lazily once per process, cache, pick the device.

    from artstudio.models import registry
    classifier = registry.get("classifier")     # raises WeightsError if its weights are missing

Like IOPaint's model manager, every model is built the same way: a StudioModel (artstudio/models/base.py)
whose `Model(device)` loads its weights through the manifest (sha256-checked) and exposes plain methods
over PIL images.
"""
import importlib
import os
import threading

import torch

from artstudio.models.base import StudioModel
from artstudio.weights import WeightsError, verify

# name -> "module:Class" (imported only when first used)
MODELS = {
    "classifier": "artstudio.models.classifier:MovementClassifier",
    "stylizer": "artstudio.models.stylizer:Stylizer",
    "inpainter": "artstudio.models.inpainter:Inpainter",
    "generator": "artstudio.models.generator:PaintingGenerator",
    "restorer": "artstudio.models.restorer:Restorer",
}
_cache: dict[str, object] = {}
_lock = threading.Lock()


def device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def configure_threads() -> None:
    """Use every core for one request at a time (the app runs one model call at a time on CPU)."""
    torch.set_num_threads(int(os.environ.get("ARTSTUDIO_THREADS", os.cpu_count() or 1)))


def model_class(name: str) -> type[StudioModel]:
    module, cls = MODELS[name].split(":")
    model = getattr(importlib.import_module(module), cls)
    if not issubclass(model, StudioModel):
        raise TypeError(f"{MODELS[name]} does not implement StudioModel (artstudio/models/base.py)")
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
        for file in model_class(name).files:
            verify(file)
        return None
    except WeightsError as err:
        return str(err)


def warm_up() -> None:
    """Load every installed model (the server runs this in the background once the page is up)."""
    for name in MODELS:
        if availability(name) is None:
            get(name)


def clear() -> None:
    """Forget loaded models (tests use this after changing weights files)."""
    with _lock:
        _cache.clear()
