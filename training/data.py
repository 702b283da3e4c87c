"""Shared data access for the training scripts: the pools in ../shared/data and a fixed validation split.

The split is by a hash of the file name, so it never changes between runs or machines and no
validation image is ever trained on.
"""
import hashlib
import os
from pathlib import Path

DATA_DIR = Path(os.environ.get("ARTSTUDIO_DATA", Path(__file__).resolve().parent.parent.parent / "shared" / "data"))
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}


def is_validation(path: Path, fraction: float = 0.15) -> bool:
    bucket = int(hashlib.sha1(path.name.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return bucket < fraction


def list_images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)


def split(paths: list[Path], fraction: float = 0.15) -> tuple[list[Path], list[Path]]:
    """Returns (train, validation)."""
    return [p for p in paths if not is_validation(p, fraction)], [p for p in paths if is_validation(p, fraction)]
