"""Where outputs go: one folder (ARTSTUDIO_OUTPUT, default ./outputs), names made by the app only.

The folder is bounded, since a shared app would otherwise let visitors fill the disk: live previews
(refine steps, slider drags) go to `previews/`, of which only the newest PREVIEW_FILES are kept, and
once the whole folder passes its cap (--max-output-mb, ARTSTUDIO_MAX_OUTPUT_MB, default 2000 MB)
the oldest files go first.
"""
import os
import threading
import time
import uuid
from pathlib import Path

from PIL import Image

OUTPUT_DIR = Path(os.environ.get("ARTSTUDIO_OUTPUT", "outputs")).resolve()
PREVIEWS = "previews"
PREVIEW_FILES = 200
PRUNE_EVERY = 10          # new files between two scans of the folder
_limits = {"max_bytes": int(float(os.environ.get("ARTSTUDIO_MAX_OUTPUT_MB", 2000)) * 2**20)}
_counter = {"made": 0}
_lock = threading.Lock()


def data_home() -> Path:
    """ARTSTUDIO_HOME (default ./artstudio_data): what the app keeps for its users (gallery, label sets)."""
    return Path(os.environ.get("ARTSTUDIO_HOME", "artstudio_data"))


def set_max_output_mb(megabytes: float) -> None:
    _limits["max_bytes"] = int(megabytes * 2**20)


def output_path(tab: str, suffix: str = ".png", folder: Path | None = None, what: str | None = None) -> Path:
    """A fresh file path for `tab`, named after what it holds (`what`, default the tab) and when, e.g.
    movements-20261206-130407-ad317124.csv; user file names never become paths."""
    root = folder or OUTPUT_DIR
    with _lock:
        _counter["made"] += 1
        if _counter["made"] % PRUNE_EVERY == 0:
            prune(root)
    target = root / tab
    target.mkdir(parents=True, exist_ok=True)
    return target / f"{what or tab}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}{suffix}"


def save_preview(image: Image.Image) -> str:
    """Write a shown-only picture (live previews, before/after halves, heat maps) into the cleaned preview
    cache under a fresh name; returns its path.

    Handlers return this path rather than a PIL image: Gradio caches PIL outputs under a hash of their
    bytes and rewrites that file on every request, so two visitors getting the same picture at once could
    truncate it under each other's download (seen in the eight-user load test)."""
    path = output_path(PREVIEWS)
    image.save(path, compress_level=1)
    return str(path)


def prune(root: Path = OUTPUT_DIR, max_bytes: int | None = None, preview_files: int = PREVIEW_FILES) -> list[Path]:
    """Delete the oldest previews beyond `preview_files`, then the oldest files while the folder is over
    `max_bytes`; returns what was deleted."""
    max_bytes = _limits["max_bytes"] if max_bytes is None else max_bytes
    files = []
    for path in root.rglob("*"):
        try:
            if path.is_file():
                stat = path.stat()
                files.append((stat.st_mtime, stat.st_size, path))
        except OSError:
            continue
    files.sort()
    previews = [f for f in files if f[2].parent.name == PREVIEWS]
    doomed = previews[:max(0, len(previews) - preview_files)]
    doomed_paths = {path for _, _, path in doomed}
    total = sum(size for _, size, _ in files) - sum(size for _, size, _ in doomed)
    for entry in files:
        if total <= max_bytes:
            break
        if entry[2] not in doomed_paths:
            doomed.append(entry)
            total -= entry[1]
    for _, _, path in doomed:
        path.unlink(missing_ok=True)
    return [path for _, _, path in doomed]
