"""Weigh the trained movement heads against each other and calibrate the ensemble.

Runs every head over the validation split, picks the weights (a grid over the simplex, steps of 0.05) and
the temperature that minimise the validation negative log-likelihood, and writes weights/movement_ensemble.pt
with the ensemble's measured figures (each head's alone beside them) in its manifest entry. The heads'
logits are kept under runs/classifier/, keyed by each head's sha256, so a rerun only runs a changed head.

    python -m training.fuse_classifiers
    python -m training.fuse_classifiers --size 288    # the same figures with the paintings upscaled first; writes nothing
"""
import argparse
import json
from pathlib import Path

import torch
import torchvision.transforms.v2.functional as TF

from artstudio.classes import MOVEMENTS
from artstudio.models.classifier import BACKBONES, ENSEMBLE_FILE, INPUT_SIZE, fuse, load_backbone_net
from artstudio.weights import record_weights, weights_sha
from training.data import DATA_DIR, list_images, split
from training.metrics import classification_report
from training.train_classifier import RUN_DIR, fit_temperature, label_of, load_view


@torch.no_grad()
def validation_logits(name: str, paths: list[Path], size: int = INPUT_SIZE) -> torch.Tensor:
    """One head's logits on the validation paintings (224 px, resized to `size` first)."""
    at_size = "" if size == INPUT_SIZE else f"_{size}px"
    cached = RUN_DIR / f"val_logits_{name}_{weights_sha(BACKBONES[name][2])[:12]}{at_size}.pt"
    if cached.exists():
        return torch.load(cached, weights_only=True)
    net = load_backbone_net(name, torch.device("cpu"))

    def batch(chunk: list[Path]) -> torch.Tensor:
        views = torch.stack([load_view(p, "orig", None) for p in chunk])
        return views if size == INPUT_SIZE else TF.resize(views, [size, size], TF.InterpolationMode.BICUBIC,
                                                          antialias=True).clamp(0, 1)   # as the app resizes
    logits = torch.cat([net(batch(paths[i:i + 32])) for i in range(0, len(paths), 32)])
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    torch.save(logits, cached)
    return logits


def simplex(heads: int, steps: int = 20) -> list[tuple[float, ...]]:
    """Every weighting of `heads` heads in multiples of 1/steps that sums to one."""
    def parts(left: int, count: int) -> list[tuple[int, ...]]:
        if count == 1:
            return [(left,)]
        return [(k, *rest) for k in range(left + 1) for rest in parts(left - k, count - 1)]
    return [tuple(k / steps for k in part) for part in parts(steps, heads)]


def summary(report: dict) -> dict:
    return {k: report[k] for k in ("top1", "macro_f1", "ece")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=INPUT_SIZE,
                        help="run the heads at this size: figures printed, nothing written unless it is the app's")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(2)
    paths = [p for movement in MOVEMENTS for p in list_images(DATA_DIR / "wikiart-styles" / movement)]
    _, val_paths = split(paths)
    labels = torch.tensor([label_of(p) for p in val_paths])
    logits = [validation_logits(name, val_paths, args.size) for name in BACKBONES]
    alone = {name: summary(classification_report(x, labels, MOVEMENTS)) for name, x in zip(BACKBONES, logits)}
    nll = torch.nn.functional.cross_entropy

    def fitted(weights: tuple[float, ...]) -> tuple[float, float]:
        mixed = fuse(logits, weights, 1.0)
        temperature = fit_temperature(mixed, labels)
        return float(nll(mixed / temperature, labels)), temperature
    grid = {weights: fitted(weights) for weights in simplex(len(logits))}
    weights = min(grid, key=lambda w: grid[w][0])
    temperature = grid[weights][1]
    report = classification_report(fuse(logits, weights, temperature), labels, MOVEMENTS)
    report.update(weights=dict(zip(BACKBONES, weights)), temperature=round(temperature, 4),
                  validation_images=len(val_paths), heads_alone=alone)
    print(json.dumps({k: v for k, v in report.items() if k != "confusion"}, indent=1), flush=True)
    if args.size != INPUT_SIZE:
        return
    record_weights(ENSEMBLE_FILE, {"weights": torch.tensor(weights), "temperature": torch.tensor(temperature)},
                   source="fitted by training/fuse_classifiers.py",
                   licence="weights: project's own; training images WikiArt (non-commercial research use)",
                   data="../shared/data/wikiart-styles validation split (15% by file-name hash)",
                   recipe="training/fuse_classifiers.py",
                   metrics={k: report[k] for k in ("top1", "top3", "macro_f1", "ece", "weights", "temperature",
                                                   "per_class_recall", "confusion", "validation_images",
                                                   "heads_alone")})


if __name__ == "__main__":
    main()
