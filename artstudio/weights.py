"""The weights registry: `weights/manifest.json` lists every shipped file with its sha256.

Loading checks the file exists and its hash matches before `torch.load(weights_only=True)`, so a
missing or damaged file gives one clear message naming the file and how to restore it. torch is
imported where a file is read or written, not with this module: the web page is served before torch loads.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

MANIFEST = "manifest.json"


def default_weights_dir(checkout: Path = Path(__file__).resolve().parent.parent,
                        prefix: Path = Path(sys.prefix)) -> Path:
    """The checkout's weights/ beside the package, else where `pip install` put them (share/artstudio/weights
    under the environment's prefix), so the app and the CLI find them from any working directory."""
    beside, installed = checkout / "weights", prefix / "share" / "artstudio" / "weights"
    return beside if (beside / MANIFEST).exists() or not (installed / MANIFEST).exists() else installed


WEIGHTS_DIR = Path(os.environ.get("ARTSTUDIO_WEIGHTS", default_weights_dir()))


class WeightsError(RuntimeError):
    """A weights file is not installed or is damaged; the message says which and how to fix it."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(weights_dir: Path | None = None) -> dict[str, dict]:
    path = (weights_dir or WEIGHTS_DIR) / MANIFEST
    if not path.exists():
        return {}
    return json.loads(path.read_text())


def _write_manifest(manifest: dict[str, dict], weights_dir: Path) -> None:
    tmp = weights_dir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    tmp.replace(weights_dir / MANIFEST)


def restore_hint(file: str) -> str:
    entry = read_manifest().get(file, {})
    recipe = entry.get("recipe")
    how = f"re-create it with `python {recipe}`" if recipe else "train or convert it (see README, 'Models')"
    return f"restore it with `git checkout -- weights/{file}` or {how}"


def verify(file: str, weights_dir: Path | None = None) -> Path:
    """The path of a listed weights file whose sha256 matches the manifest; WeightsError otherwise."""
    weights_dir = weights_dir or WEIGHTS_DIR
    entry = read_manifest(weights_dir).get(file)
    path = weights_dir / file
    if entry is None or not path.exists():
        raise WeightsError(f"Model not installed: weights/{file} is missing; {restore_hint(file)}.")
    if sha256_of(path) != entry["sha256"]:
        raise WeightsError(f"weights/{file} is damaged (sha256 does not match the manifest); {restore_hint(file)}.")
    return path


def load_weights(file: str, weights_dir: Path | None = None) -> dict[str, Any]:
    """Load a state dict listed in the manifest, verifying its sha256 first."""
    import torch
    return torch.load(verify(file, weights_dir), map_location="cpu", weights_only=True)


def weights_sha(file: str) -> str:
    """The manifest's sha256 of a weights file, as recorded in output recipes."""
    return read_manifest().get(file, {}).get("sha256", "")


def record_weights(file: str, payload: dict[str, Any], *, source: str, licence: str, data: str,
                   recipe: str, metrics: dict[str, Any], weights_dir: Path | None = None) -> Path:
    """Save `payload` with torch.save and add or replace its manifest entry."""
    import torch
    weights_dir = weights_dir or WEIGHTS_DIR
    weights_dir.mkdir(parents=True, exist_ok=True)
    path = weights_dir / file
    torch.save(payload, path)
    manifest = read_manifest(weights_dir)
    manifest[file] = {"file": file, "sha256": sha256_of(path), "bytes": path.stat().st_size, "source": source,
                      "licence": licence, "data": data, "recipe": recipe, "metrics": metrics}
    _write_manifest(manifest, weights_dir)
    return path


def update_metrics(file: str, metrics: dict[str, Any], weights_dir: Path | None = None) -> None:
    """Merge measured figures (from an evaluation or benchmark script) into a manifest entry."""
    weights_dir = weights_dir or WEIGHTS_DIR
    manifest = read_manifest(weights_dir)
    manifest[file]["metrics"].update(metrics)
    _write_manifest(manifest, weights_dir)


def load_into(module: torch.nn.Module | Callable[[dict], torch.nn.Module], file: str,
              device: torch.device | str = "cpu", weights_dir: Path | None = None) -> torch.nn.Module:
    """Load a listed state dict into `module` (as float32), frozen and in eval mode, on `device`.
    `module` may be a function of the state dict that builds the network at the size the file holds."""
    import torch
    state = load_weights(file, weights_dir)
    if not isinstance(module, torch.nn.Module):
        module = module(state)
    module.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    return module.eval().requires_grad_(False).to(device)
