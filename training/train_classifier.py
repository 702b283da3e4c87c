"""Train an art-movement classifier on ../shared/data/wikiart-styles (seeded, resumable).

Stage 1 caches the frozen trunk's outputs (MobileNetV2 blocks 0-13, EfficientNet-Lite0 blocks 0-10 or Lite2 0-14)
for several views of every image (original, flip, random crops) under runs/classifier/; stage 2
fine-tunes the tail and the head on those caches, one checkpoint per epoch; stage 3 fits the
temperature on the validation split, measures it and writes the head plus its manifest entry.
With `--tune-from N` the cache stops before trunk block N, and blocks N on are fine-tuned too (they are
saved in the head file under `trunk.`).
`training/fuse_classifiers.py` then weighs the backbones against each other.

    python -m training.train_classifier [--backbone mobilenet_v2|efficientnet_lite0|efficientnet_lite2] [--epochs 12]
        [--tune-from N] [--weights-dir DIR]
"""
import argparse
import json
import random
import time
from pathlib import Path

import torch
import torchvision.transforms.v2.functional as TF
from PIL import Image

from artstudio.classes import MOVEMENTS
from artstudio.models.classifier import BACKBONES, TUNED_TRUNK
from artstudio.nets.movement_net import EfficientMovementNet, MovementNet
from artstudio.weights import load_weights, record_weights
from training.data import DATA_DIR, list_images, split
from training.metrics import classification_report

RUN_DIR = Path("runs/classifier")
TRAIN_VIEWS = ("orig", "flip", "crop", "cropflip")
VAL_VIEWS = ("orig", "flip")


def load_view(path: Path, view: str, rng: random.Random) -> torch.Tensor:
    img = TF.to_dtype(TF.to_image(Image.open(path).convert("RGB")), torch.float32, scale=True)
    img = TF.resize(img, [224, 224], antialias=True)
    if view.startswith("crop"):
        scale = rng.uniform(0.45, 0.85)
        side = int(224 * scale ** 0.5)
        top, left = rng.randint(0, 224 - side), rng.randint(0, 224 - side)
        img = TF.resize(img[:, top:top + side, left:left + side], [224, 224], antialias=True)
    if view.endswith("flip"):
        img = img.flip(2)
    return img


@torch.no_grad()
def cache_views(net: MovementNet | EfficientMovementNet, paths: list[Path], views: tuple[str, ...], out: Path,
                seed: int, stop: int) -> dict:
    """The input of trunk block `stop` and the statistics before it, for every view of every image."""
    if out.exists():
        return torch.load(out, weights_only=True)
    rng = random.Random(seed)
    trunks, stats = [], []
    start = time.time()
    for view in views:
        for i in range(0, len(paths), 32):
            batch = torch.stack([load_view(p, view, rng) for p in paths[i:i + 32]])
            t, s = net.run_trunk(net.enter(batch), 0, stop)
            trunks.append(t.half())
            stats.append(s)
            if (i // 32) % 40 == 0:
                print(f"cache {out.name} view={view} {i}/{len(paths)} {time.time() - start:.0f}s", flush=True)
    cache = {"trunk": torch.cat(trunks).view(len(views), len(paths), *trunks[0].shape[1:]),
             "stats": torch.cat(stats).view(len(views), len(paths), -1)}
    torch.save(cache, out)
    return cache


def label_of(path: Path) -> int:
    return MOVEMENTS.index(path.parent.name)


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    log_t = torch.zeros((), requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=100)

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(logits / log_t.exp(), labels)
        loss.backward()
        return loss
    opt.step(closure)
    return float(log_t.detach().exp())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backbone", choices=list(BACKBONES), default="mobilenet_v2")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=0, help="images per class (0 = all), for smoke runs")
    parser.add_argument("--tune-from", type=int, help="first trunk block to fine-tune (default: the tail only)")
    parser.add_argument("--out", help="weights file (default: the backbone's head file)")
    parser.add_argument("--weights-dir", type=Path, help="where the head and its manifest entry go (default: weights/)")
    args = parser.parse_args()
    network, backbone_file, head_file = BACKBONES[args.backbone]
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    RUN_DIR.mkdir(parents=True, exist_ok=True)

    paths = []
    for movement in MOVEMENTS:
        found = list_images(DATA_DIR / "wikiart-styles" / movement)
        paths += found[:args.limit] if args.limit else found
    train_paths, val_paths = split(paths)
    print(f"{len(train_paths)} train, {len(val_paths)} validation images", flush=True)

    net = network(len(MOVEMENTS))
    net.load_backbone(load_weights(backbone_file))
    net.eval()
    first = len(net.trunk_blocks) if args.tune_from is None else args.tune_from
    tag = args.backbone + (f"_l{args.limit}" if args.limit else "") + (f"_from{first}" if args.tune_from is not None else "")
    train_cache = cache_views(net, train_paths, TRAIN_VIEWS, RUN_DIR / f"train_{tag}.pt", args.seed, first)
    val_cache = cache_views(net, val_paths, VAL_VIEWS, RUN_DIR / f"val_{tag}.pt", args.seed + 1, first)
    y_train = torch.tensor([label_of(p) for p in train_paths])
    y_val = torch.tensor([label_of(p) for p in val_paths])

    head, tuned = net.head, net.trunk_blocks[first:]

    def classify(trunk_in: torch.Tensor, stats_before: torch.Tensor) -> torch.Tensor:
        trunk_out, stats = net.run_trunk(trunk_in, first)
        return head(trunk_out, torch.cat([stats_before, stats], 1))

    def tuned_state() -> dict[str, torch.Tensor]:
        return {k: v for k, v in net.trunk_blocks.state_dict().items() if int(k.split(".")[0]) >= first}

    def set_mode(training: bool) -> None:
        head.train(training); tuned.train(training)

    pretrained = list(tuned.parameters()) + list(head.tail.parameters())     # in a fixed order, so a resume matches
    pretrained_ids = {id(p) for p in pretrained}
    opt = torch.optim.AdamW([{"params": pretrained, "lr": 3e-4},      # pretrained: gently
                             {"params": [p for p in head.parameters() if id(p) not in pretrained_ids], "lr": 2e-3}],
                            weight_decay=0.05)
    steps_per_epoch = (len(train_paths) + 63) // 64
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[3e-4, 2e-3], total_steps=args.epochs * steps_per_epoch)
    ckpt = RUN_DIR / f"head_{tag}.pt"
    first_epoch = 0
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=True)
        head.load_state_dict(state["head"]); opt.load_state_dict(state["opt"]); sched.load_state_dict(state["sched"])
        net.load_tuned_trunk(state["trunk"])
        first_epoch = state["epoch"] + 1

    def val_logits() -> torch.Tensor:
        set_mode(False)
        with torch.no_grad():
            out = sum(torch.softmax(torch.cat([classify(val_cache["trunk"][v, i:i + 64].float(), val_cache["stats"][v, i:i + 64])
                                               for i in range(0, len(val_paths), 64)]), 1)
                      for v in range(len(VAL_VIEWS))) / len(VAL_VIEWS)
        set_mode(True)
        return out.log()

    gen = torch.Generator().manual_seed(args.seed)
    for epoch in range(first_epoch, args.epochs):
        set_mode(True)
        start = time.time()
        order = torch.randperm(len(train_paths), generator=gen)
        views = torch.randint(len(TRAIN_VIEWS), (len(train_paths),), generator=gen)
        total = 0.0
        for i in range(0, len(order), 64):
            idx = order[i:i + 64]
            trunk = train_cache["trunk"][views[idx], idx].float()
            stats = train_cache["stats"][views[idx], idx]
            loss = torch.nn.functional.cross_entropy(classify(trunk, stats), y_train[idx], label_smoothing=0.1)
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
            total += loss.item() * len(idx)
        acc = (val_logits().argmax(1) == y_val).float().mean().item()
        print(f"epoch {epoch} loss {total / len(order):.4f} val_top1 {acc:.4f} {time.time() - start:.0f}s", flush=True)
        torch.save({"head": head.state_dict(), "trunk": tuned_state(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                    "epoch": epoch}, ckpt)

    logits = val_logits()
    head.temperature.fill_(fit_temperature(logits, y_val))
    report = classification_report(logits / head.temperature, y_val, MOVEMENTS)
    report["temperature"] = float(head.temperature)
    report["validation_images"] = len(val_paths)
    report["train_images"] = len(train_paths)
    print(json.dumps({k: v for k, v in report.items() if k != "confusion"}, indent=1), flush=True)
    trained = head.state_dict() | {TUNED_TRUNK + k: v for k, v in tuned_state().items()}
    state = {k: v.half() if v.is_floating_point() and k != "temperature" else v for k, v in trained.items()}
    tune = f" --tune-from {first}" if args.tune_from is not None else ""
    record_weights(args.out or head_file, state, weights_dir=args.weights_dir,
                   source=f"trained by training/train_classifier.py --backbone {args.backbone}{tune}",
                   licence="weights: project's own; training images WikiArt (non-commercial research use)",
                   data="../shared/data/wikiart-styles, 85% train / 15% validation split by file-name hash",
                   recipe=f"training/train_classifier.py --backbone {args.backbone} --epochs {args.epochs}{tune}",
                   metrics={k: report[k] for k in ("top1", "top3", "macro_f1", "ece", "temperature",
                                                   "per_class_recall", "confusion", "validation_images")})


if __name__ == "__main__":
    main()
