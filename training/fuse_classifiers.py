"""Weigh the two trained movement heads against each other and calibrate the ensemble.

Runs both heads over the validation split, picks the MobileNetV2 weight (a grid over 0..1) and the
temperature that minimise the validation negative log-likelihood, and writes weights/movement_ensemble.pt
with the ensemble's measured figures (each head's alone beside them) in its manifest entry.

    python -m training.fuse_classifiers
"""
import json
from pathlib import Path

import torch

from artstudio.classes import MOVEMENTS
from artstudio.models.classifier import BACKBONES, ENSEMBLE_FILE, fuse, load_backbone_net
from artstudio.weights import record_weights
from training.data import DATA_DIR, list_images, split
from training.metrics import classification_report
from training.train_classifier import fit_temperature, label_of, load_view


@torch.no_grad()
def validation_logits(name: str, paths: list[Path]) -> torch.Tensor:
    net = load_backbone_net(name, torch.device("cpu"))
    return torch.cat([net(torch.stack([load_view(p, "orig", None) for p in paths[i:i + 32]]))
                      for i in range(0, len(paths), 32)])


def summary(report: dict) -> dict:
    return {k: report[k] for k in ("top1", "macro_f1", "ece")}


def main() -> None:
    torch.manual_seed(0)
    torch.set_num_threads(2)
    paths = [p for movement in MOVEMENTS for p in list_images(DATA_DIR / "wikiart-styles" / movement)]
    _, val_paths = split(paths)
    labels = torch.tensor([label_of(p) for p in val_paths])
    logits = {name: validation_logits(name, val_paths) for name in BACKBONES}
    alone = {name: summary(classification_report(x, labels, MOVEMENTS)) for name, x in logits.items()}
    nll = torch.nn.functional.cross_entropy

    def fitted(weight: float) -> tuple[float, float]:
        mixed = fuse(logits["mobilenet_v2"], logits["efficientnet_lite0"], weight, 1.0)
        temperature = fit_temperature(mixed, labels)
        return float(nll(mixed / temperature, labels)), temperature
    grid = {round(w / 20, 2): fitted(w / 20) for w in range(21)}
    weight = min(grid, key=lambda w: grid[w][0])
    temperature = grid[weight][1]
    report = classification_report(fuse(logits["mobilenet_v2"], logits["efficientnet_lite0"], weight, temperature),
                                   labels, MOVEMENTS)
    report.update(mobilenet_weight=weight, temperature=round(temperature, 4), validation_images=len(val_paths),
                  heads_alone=alone)
    print(json.dumps({k: v for k, v in report.items() if k != "confusion"}, indent=1), flush=True)
    record_weights(ENSEMBLE_FILE, {"mobilenet_weight": torch.tensor(weight), "temperature": torch.tensor(temperature)},
                   source="fitted by training/fuse_classifiers.py",
                   licence="weights: project's own; training images WikiArt (non-commercial research use)",
                   data="../shared/data/wikiart-styles validation split (15% by file-name hash)",
                   recipe="training/fuse_classifiers.py",
                   metrics={k: report[k] for k in ("top1", "top3", "macro_f1", "ece", "mobilenet_weight", "temperature",
                                                   "per_class_recall", "confusion", "validation_images",
                                                   "heads_alone")})


if __name__ == "__main__":
    main()
