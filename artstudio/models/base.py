"""The one interface every model the registry serves implements, the way IOPaint's model manager gives
every inpainting model the same shape: a name, the weights files it needs (hash-checked before it
loads), the sha256 its outputs' recipes record, and the device it runs on. `Model(device)` loads."""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    import torch


class StudioModel:
    name: ClassVar[str]
    files: ClassVar[tuple[str, ...]]

    def __init__(self, device: torch.device, sha256: str) -> None:
        self.device = device
        self.sha256 = sha256

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if not isinstance(getattr(cls, "name", None), str) or not getattr(cls, "files", None):
            raise TypeError(f"{cls.__name__} must name itself and list its weights files")
