"""The gallery: every result a visitor keeps, per owner, surviving reloads and restarts.

Pictures live under ARTSTUDIO_HOME/gallery/<owner digest>/ beside an index.json (written to a temporary
file and renamed, so a crash never leaves half an index). Owners are opaque strings (a signed-in user, a
browser's key, an API session); only their digest becomes a folder name. The whole gallery is bounded
(--max-gallery-mb): past the cap the oldest pictures, whoever owns them, go first.
"""
import hashlib
import json
import shutil
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from artstudio.outputs import data_home
from artstudio.recipe import read_recipe

INDEX = "index.json"
DEFAULT_MAX_MB = 1000


@dataclass
class Item:
    id: str
    file: str            # name inside the owner's folder
    tab: str
    created: float       # seconds since the epoch
    bytes: int
    recipe: dict | None

    def summary(self) -> str:
        """A caption: tab, time and the settings that tell pictures apart."""
        params = (self.recipe or {}).get("params")
        params = params if isinstance(params, dict) else {}
        keys = [k for k in ("seed", "method", "task", "strength", "size", "mode") if k in params]
        styles = params.get("styles")
        if isinstance(styles, list) and styles and isinstance(styles[0], dict):
            keys.insert(0, "style")
            params = dict(params, style=styles[0].get("style"))
        settings = ", ".join(f"{k} {params[k]}" for k in keys[:3] if isinstance(params[k], (str, int, float)))
        when = time.strftime("%d %b %H:%M", time.localtime(self.created))
        return f"{self.tab} · {when}" + (f" · {settings}" if settings else "")


class Gallery:
    """Thread-safe store of owners' pictures; knows nothing of the UI."""

    def __init__(self, root: Path | None = None, max_bytes: int = DEFAULT_MAX_MB * 2**20) -> None:
        self._root = root
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    @property
    def root(self) -> Path:
        """The given folder, else ARTSTUDIO_HOME/gallery as it is now (tests point it elsewhere)."""
        return self._root or data_home() / "gallery"

    def folder(self, owner: str) -> Path:
        return self.root / hashlib.sha256(owner.encode()).hexdigest()[:24]

    def items(self, owner: str) -> list[Item]:
        """The owner's pictures, newest first (entries whose file has gone are left out)."""
        folder = self.folder(owner)
        with self._lock:
            return [item for item in self._read(folder) if (folder / item.file).exists()][::-1]

    def path(self, owner: str, item_id: str) -> Path | None:
        item = next((i for i in self.items(owner) if i.id == item_id), None)
        return self.folder(owner) / item.file if item else None

    def add(self, owner: str, picture: Path, tab: str) -> tuple[Item, int]:
        """Copy a result in; returns the new item and how many old pictures the cap pushed out."""
        folder = self.folder(owner)
        folder.mkdir(parents=True, exist_ok=True)
        item_id = uuid.uuid4().hex[:12]
        target = folder / f"{tab}-{time.strftime('%Y%m%d-%H%M%S')}-{item_id}{picture.suffix.lower()}"
        shutil.copyfile(picture, target)
        item = Item(item_id, target.name, tab, time.time(), target.stat().st_size, read_recipe(target))
        with self._lock:
            self._write(folder, self._read(folder) + [item])
            evicted = self._enforce_cap(keep=item.id)
        return item, evicted

    def delete(self, owner: str, item_id: str) -> bool:
        folder = self.folder(owner)
        with self._lock:
            items = self._read(folder)
            kept = [i for i in items if i.id != item_id]
            if len(kept) == len(items):
                return False
            for gone in (i for i in items if i.id == item_id):
                (folder / gone.file).unlink(missing_ok=True)
            self._write(folder, kept)
        return True

    def clear(self, owner: str) -> int:
        folder = self.folder(owner)
        with self._lock:
            items = self._read(folder)
            for item in items:
                (folder / item.file).unlink(missing_ok=True)
            if items:
                self._write(folder, [])
        return len(items)

    def _enforce_cap(self, keep: str) -> int:
        """Remove the oldest pictures over all owners until the gallery fits its cap (never `keep`)."""
        entries = [(item.created, folder, item) for folder in self.root.iterdir() if folder.is_dir()
                   for item in self._read(folder)]
        total = sum(item.bytes for _, _, item in entries)
        doomed: dict[Path, set[str]] = {}
        for _, folder, item in sorted(entries, key=lambda e: e[0]):
            if total <= self.max_bytes:
                break
            if item.id != keep:
                doomed.setdefault(folder, set()).add(item.id)
                (folder / item.file).unlink(missing_ok=True)
                total -= item.bytes
        for folder, ids in doomed.items():
            self._write(folder, [i for i in self._read(folder) if i.id not in ids])
        return sum(len(ids) for ids in doomed.values())

    @staticmethod
    def _read(folder: Path) -> list[Item]:
        """The index, oldest first; a damaged index reads as empty rather than failing every request."""
        try:
            raw = json.loads((folder / INDEX).read_text())
            return [Item(**entry) for entry in raw]
        except (OSError, ValueError, TypeError):
            return []

    @staticmethod
    def _write(folder: Path, items: list[Item]) -> None:
        tmp = folder / f"{INDEX}.{uuid.uuid4().hex[:8]}.tmp"
        tmp.write_text(json.dumps([asdict(i) for i in items]))
        tmp.replace(folder / INDEX)
