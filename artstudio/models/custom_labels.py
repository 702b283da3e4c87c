"""The artist's own labels: a small logistic-regression head on classifier embeddings, and its store.

Fitting takes seconds on a few examples per label. Label sets are saved as `.labels` files (torch
tensors and plain strings, loadable with weights_only=True), written atomically, and validated on
load and import so a damaged or foreign file is refused with a message. torch is imported where a
file is read or a head fitted: the Classify tab lists label sets before torch loads.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from artstudio.outputs import data_home

FORMAT = "artstudio-labels-1"
MIN_EXAMPLES = 3
MIN_LABELS = 2
SUFFIX = ".labels"

if TYPE_CHECKING:
    import torch


class LabelSetError(ValueError):
    """A label set cannot be made, found or read; the message is written for the user."""


@dataclass
class LabelSet:
    name: str
    labels: list[str]
    weight: torch.Tensor        # (K, D)
    bias: torch.Tensor          # (K,)
    examples: list[int]

    def probabilities(self, embeddings: torch.Tensor) -> torch.Tensor:
        return (embeddings @ self.weight.T + self.bias).softmax(1)

    def to_dict(self) -> dict:
        return {"format": FORMAT, "name": self.name, "labels": self.labels, "weight": self.weight,
                "bias": self.bias, "examples": self.examples}

    @classmethod
    def from_dict(cls, data: object, embedding_dim: int) -> LabelSet:
        import torch
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise LabelSetError("This is not an ArtStudio label set file.")
        labels, weight, bias = data.get("labels"), data.get("weight"), data.get("bias")
        ok = (isinstance(data.get("name"), str) and data["name"].strip() and isinstance(labels, list)
              and len(labels) >= MIN_LABELS and all(isinstance(x, str) and x for x in labels)
              and len(set(labels)) == len(labels) and isinstance(weight, torch.Tensor) and isinstance(bias, torch.Tensor)
              and weight.shape == (len(labels), embedding_dim) and bias.shape == (len(labels),)
              and bool(torch.isfinite(weight).all()) and bool(torch.isfinite(bias).all()))
        if not ok:
            raise LabelSetError("The label set file is damaged or was made for another model version.")
        return cls(data["name"].strip(), labels, weight.float(), bias.float(), list(data.get("examples", [])))


def fit_label_set(name: str, embeddings_by_label: dict[str, torch.Tensor], l2: float = 1e-3,
                  steps: int = 200) -> LabelSet:
    """Multinomial logistic regression on unit-length embeddings (L2-regularised, LBFGS)."""
    import torch
    name = name.strip()
    if not name:
        raise LabelSetError("Give the label set a name.")
    labels = [label.strip() for label in embeddings_by_label]
    if len(labels) < MIN_LABELS or any(not label for label in labels) or len(set(labels)) != len(labels):
        raise LabelSetError(f"Name at least {MIN_LABELS} different labels.")
    few = [label for label, e in zip(labels, embeddings_by_label.values()) if len(e) < MIN_EXAMPLES]
    if few:
        raise LabelSetError(f"Each label needs at least {MIN_EXAMPLES} example images; too few for: {', '.join(few)}.")
    x = torch.cat(list(embeddings_by_label.values()))
    y = torch.cat([torch.full((len(e),), i) for i, e in enumerate(embeddings_by_label.values())])
    weight = torch.zeros(len(labels), x.shape[1], requires_grad=True)
    bias = torch.zeros(len(labels), requires_grad=True)
    opt = torch.optim.LBFGS([weight, bias], lr=0.5, max_iter=steps)

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(x @ weight.T * 10 + bias, y) + l2 * weight.pow(2).sum()
        loss.backward()
        return loss
    with torch.enable_grad():
        opt.step(closure)
    return LabelSet(name, labels, (weight.detach() * 10), bias.detach(), [len(e) for e in embeddings_by_label.values()])


class LabelStore:
    """Label sets on disk under the app's data folder; file names come from the app, not the user."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or data_home() / "custom_labels"

    def _path(self, name: str) -> Path:
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "labels"
        return self.folder / f"{slug}-{hashlib.sha1(name.encode()).hexdigest()[:8]}{SUFFIX}"

    def names(self) -> list[str]:
        found = []
        paths = sorted(self.folder.glob(f"*{SUFFIX}"))
        if paths:
            import torch
        for path in paths:
            try:
                found.append(torch.load(path, weights_only=True)["name"])
            except Exception:  # a damaged file is listed nowhere; load() names it
                continue
        return sorted(found, key=str.lower)

    def save(self, label_set: LabelSet) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(label_set.name)
        tmp = path.with_suffix(".tmp")
        import torch
        torch.save(label_set.to_dict(), tmp)
        tmp.replace(path)
        return path

    def load(self, name: str, embedding_dim: int) -> LabelSet:
        path = self._path(name)
        if not path.exists():
            raise LabelSetError(f"No saved label set called {name!r}.")
        return self.read_file(path, embedding_dim)

    @staticmethod
    def read_file(path: Path, embedding_dim: int) -> LabelSet:
        import torch
        try:
            data = torch.load(path, weights_only=True)
        except Exception:
            raise LabelSetError("The label set file is damaged or is not an ArtStudio label set.")
        return LabelSet.from_dict(data, embedding_dim)

    def delete(self, name: str) -> None:
        path = self._path(name)
        if not path.exists():
            raise LabelSetError(f"No saved label set called {name!r}.")
        path.unlink()

    def rename(self, name: str, new_name: str, embedding_dim: int) -> LabelSet:
        new_name = new_name.strip()
        if not new_name:
            raise LabelSetError("Give the new name.")
        if new_name != name and self._path(new_name).exists():
            raise LabelSetError(f"A label set called {new_name!r} already exists.")
        label_set = self.load(name, embedding_dim)
        label_set.name = new_name
        self.save(label_set)
        if self._path(name) != self._path(new_name):
            self._path(name).unlink()
        return label_set

    def export_path(self, name: str) -> Path:
        path = self._path(name)
        if not path.exists():
            raise LabelSetError(f"No saved label set called {name!r}.")
        return path

    def import_file(self, path: Path, embedding_dim: int) -> LabelSet:
        label_set = self.read_file(path, embedding_dim)
        self.save(label_set)
        return label_set


def examples_from_folders(items: list[tuple[str, Image.Image]]) -> dict[str, list[Image.Image]]:
    """Group (relative path, image) pairs by their folder name, for a zip of one folder per label."""
    grouped: dict[str, list[Image.Image]] = {}
    for rel, image in items:
        parts = Path(rel).parts
        if len(parts) >= 2:
            grouped.setdefault(parts[-2], []).append(image)
    return grouped
