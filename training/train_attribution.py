"""Train the artist and year heads (artstudio/nets/attribution_head.py) over the movement networks' features.

    python -m training.train_attribution [--steps 30] [--batch 256] [--threads 2]   # --steps counts epochs

1. Features: every painting of both pools (training/paintings.py) through the shipped movement classifier
   (`MovementClassifier.describe`, exactly as the app runs it), cached under the run folder in chunks, so
   an interrupted run resumes where it stopped.
2. Heads, on the training split: the artist head over the 86 artists with 40 or more files and a class
   for every other artist; the year head over decade bins (1550 to 2030), with a Gaussian-smoothed target
   (one bin), on every painting whose name carries a year (any artist). Minibatch AdamW for --steps
   epochs; the weight decay is picked on the calibration half of the validation split.
3. Calibration half: the year temperature (so the 10th-90th percentile interval holds 80% of years) and
   the threshold on the top artist's probability that says "by an artist I know".
4. Report half: every figure in the manifest, beside two baselines (the training mean year, and the median
   year of the painting's true movement). The validation split (training/data.py) is never trained on.
"""
import argparse
import hashlib
import math
from pathlib import Path

import torch
import torch.nn.functional as F
from PIL import Image

from artstudio.classes import MOVEMENTS, artist_name, display_name
from artstudio.models import registry
from artstudio.nets.attribution_head import AttributionHead
from artstudio.weights import record_weights
from training.common import cosine_lr, set_up, standard_arguments
from training.data import is_validation
from training.paintings import Painting, known_artists, list_paintings

WEIGHTS_FILE = "attribution_head.pt"
FIRST_BIN, BIN_YEARS, BINS = 1550, 10, 48
CHUNK = 512
DECAYS = (0.01, 0.1)


def features_of(paintings: list[Painting], cache: Path) -> torch.Tensor:
    """(N, D) features, computed in chunks of CHUNK and kept under `cache`, in a folder named after the
    list of paintings and the classifier's weights (resumable; a changed list or model starts afresh)."""
    classifier = registry.get("classifier")
    key = hashlib.sha1("\n".join([classifier.sha256, *(p.path.name for p in paintings)]).encode()).hexdigest()[:12]
    cache = cache / key
    cache.mkdir(parents=True, exist_ok=True)
    chunks = []
    for start in range(0, len(paintings), CHUNK):
        path = cache / f"features_{start:06d}.pt"
        if not path.exists():
            batch = paintings[start:start + CHUNK]
            parts = [classifier.describe([Image.open(p.path).convert("RGB") for p in batch[i:i + 32]])[1]
                     for i in range(0, len(batch), 32)]
            torch.save(torch.cat(parts).half(), path)
            print(f"features {start + len(batch)}/{len(paintings)}", flush=True)
        chunks.append(torch.load(path, weights_only=True).float())
    return torch.cat(chunks)


def year_target(years: torch.Tensor, centres: torch.Tensor) -> torch.Tensor:
    """Soft decade-bin targets: a Gaussian of one bin around each year."""
    weights = torch.exp(-0.5 * ((years[:, None] - centres[None]) / BIN_YEARS) ** 2)
    return weights / weights.sum(1, keepdim=True)


def fit(head: AttributionHead, x: torch.Tensor, artists: torch.Tensor, years: torch.Tensor, decay: float,
        epochs: int, batch: int, lr: float, seed: int) -> AttributionHead:
    """Minibatch AdamW on both heads: artist cross-entropy (`artists` holds the "another artist" index for
    everyone else), year cross-entropy against the soft target where the year is."""
    opt = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=decay)
    soft = torch.zeros(len(x), head.year.out_features)
    has_year = ~torch.isnan(years)
    soft[has_year] = year_target(years[has_year], head.bin_centres())
    generator = torch.Generator().manual_seed(seed)
    steps, step = epochs * math.ceil(len(x) / batch), 0
    for _ in range(epochs):
        for index in torch.randperm(len(x), generator=generator).split(batch):
            cosine_lr(opt, lr, step, steps)
            artist_logits, year_logits = head(x[index])
            dated = has_year[index]
            loss = (F.cross_entropy(artist_logits, artists[index], reduction="sum")
                    - (soft[index][dated] * year_logits[dated].log_softmax(1)).sum()) / len(index)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
    return head.eval()


def artist_scores(logits: torch.Tensor, artists: torch.Tensor) -> dict[str, float]:
    """Top-1 and top-5 among the known artists (the "another artist" class left out) on their paintings."""
    known = artists < logits.shape[1] - 1
    logits = logits[:, :-1]
    top5 = logits[known].topk(min(5, logits.shape[1]), 1).indices
    return {"top1": (top5[:, 0] == artists[known]).float().mean().item(),
            "top5": (top5 == artists[known][:, None]).any(1).float().mean().item()}


def known_threshold(top_prob: torch.Tensor, known: torch.Tensor) -> tuple[float, float]:
    """The threshold on the top probability with the best balanced accuracy, and that accuracy."""
    best = (0.0, 0.5)
    for t in torch.linspace(0.02, 0.98, 97).tolist():
        said = top_prob >= t
        balanced = 0.5 * (said[known].float().mean() + (~said[~known]).float().mean()).item()
        best = max(best, (balanced, t))
    return best[1], best[0]


def interval_temperature(head: AttributionHead, logits: torch.Tensor, years: torch.Tensor) -> float:
    """The temperature whose 10-90% interval holds closest to 80% of the true years."""
    grid = [0.5 + 0.05 * i for i in range(51)]
    return min(grid, key=lambda t: abs(coverage(head.year_quantiles(logits / t), years) - 0.8))


def coverage(summary: torch.Tensor, years: torch.Tensor) -> float:
    return ((summary[:, 1] <= years) & (years <= summary[:, 2])).float().mean().item()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    standard_arguments(parser, steps=30, batch=256, lr=1e-3, run_dir="runs/attribution")
    args = parser.parse_args()
    set_up(args)
    paintings = list_paintings()
    if args.limit:
        paintings = paintings[:: max(1, len(paintings) // args.limit)]
    names = known_artists(min_files=40 if not args.limit else 1)
    index = {a: i for i, a in enumerate(names)}
    x = features_of(paintings, args.run_dir / "features")
    artists = torch.tensor([index.get(p.artist, len(names)) for p in paintings])     # len(names): another artist
    years = torch.tensor([float(p.year) if p.year else math.nan for p in paintings])
    validation = torch.tensor([is_validation(p.path) for p in paintings])
    calibration = validation & torch.tensor([is_validation(p.path.with_name("calibration-" + p.path.name), 0.5)
                                             for p in paintings])
    report = validation & ~calibration
    train = ~validation
    print(f"{len(paintings)} paintings: {int(train.sum())} train, {int(calibration.sum())} calibration, "
          f"{int(report.sum())} report; {len(names)} artists", flush=True)

    def new_head() -> AttributionHead:
        torch.manual_seed(args.seed)
        head = AttributionHead(x.shape[1], len(names), FIRST_BIN, BIN_YEARS, BINS)
        head.mean.copy_(x[train].mean(0))
        head.spread.copy_(x[train].std(0).clamp(min=1e-3))
        return head

    trials = {}
    for decay in DECAYS:
        head = fit(new_head(), x[train], artists[train], years[train], decay, args.steps, args.batch, args.lr,
                   args.seed)
        with torch.no_grad():
            trials[decay] = (artist_scores(head(x[calibration])[0], artists[calibration])["top1"], head)
        print(f"weight decay {decay}: calibration artist top-1 {trials[decay][0]:.3f}", flush=True)
    decay = max(trials, key=lambda d: trials[d][0])
    head = trials[decay][1]
    with torch.no_grad():
        artist_logits, year_logits = head(x)
    has_year = ~torch.isnan(years)
    head.year_temperature.fill_(interval_temperature(head, year_logits[calibration & has_year],
                                                     years[calibration & has_year]))
    with torch.no_grad():
        artist_logits, year_logits = head(x)
    top_prob = artist_logits.softmax(1)[:, :-1].max(1).values
    is_known = artists < len(names)
    threshold, _ = known_threshold(top_prob[calibration], is_known[calibration])

    summary = head.year_quantiles(year_logits)
    dated = report & has_year
    dated_train = train & has_year
    movement_median = {m: years[dated_train & torch.tensor([p.movement == m for p in paintings])] for m in MOVEMENTS}
    movement_median = {m: (v if len(v) else years[dated_train]).median().item() for m, v in movement_median.items()}
    by_movement = torch.tensor([movement_median[p.movement] for p in paintings])
    said_known = top_prob >= threshold
    per_artist = {}
    for name, i in index.items():
        mine = report & (artists == i)
        per_artist[name] = {"train_paintings": int((train & (artists == i)).sum()),
                            "report_paintings": int(mine.sum()),
                            "report_top1": round((artist_logits[mine].argmax(1) == i).float().mean().item(), 3)
                            if mine.any() else None}
    metrics = {
        "artists": len(names), "weight_decay": decay, "known_threshold": round(threshold, 3),
        "train_paintings": int(train.sum()), "calibration_paintings": int(calibration.sum()),
        "report_paintings": int(report.sum()), "report_known_artist_paintings": int((report & is_known).sum()),
        **{f"report_artist_{k}": round(v, 3) for k, v in artist_scores(artist_logits[report], artists[report]).items()},
        "report_known_balanced_accuracy": round(0.5 * (said_known[report & is_known].float().mean()
                                                       + (~said_known[report & ~is_known]).float().mean()).item(), 3),
        "report_dated_paintings": int(dated.sum()),
        "report_year_mae": round((summary[dated, 0] - years[dated]).abs().mean().item(), 2),
        "report_year_interval_coverage": round(coverage(summary[dated], years[dated]), 3),
        "report_year_interval_median_width": round((summary[dated, 2] - summary[dated, 1]).median().item(), 1),
        "report_year_mae_movement_median": round((by_movement[dated] - years[dated]).abs().mean().item(), 2),
        "report_year_mae_mean_year": round((years[train & has_year].mean() - years[dated]).abs().mean().item(), 2),
        "year_temperature": round(float(head.year_temperature), 3), "per_artist": per_artist,
    }
    print({k: v for k, v in metrics.items() if k != "per_artist"}, flush=True)
    lines = []
    for name in names:
        mine = [p for p in paintings if p.artist == name]
        dates = sorted(p.year for p in mine if p.year)
        movements = [p.movement for p in mine]
        main_movement = display_name(max(set(movements), key=movements.count))
        active = f"active {dates[0]}-{dates[-1]} (dated paintings here)" if dates else "no dated paintings here"
        lines.append(f"{artist_name(name)}: {main_movement}, {active}; {len(mine)} paintings in training data")
    record_weights(WEIGHTS_FILE, {"state": {k: v.half() if v.is_floating_point() else v
                                            for k, v in head.state_dict().items()},
                                  "artists": names, "artist_lines": lines, "known_threshold": threshold},
                   source="trained by training/train_attribution.py",
                   licence="weights: project's own; trained on features of WikiArt images (non-commercial research terms)",
                   data="../shared/data wikiart-styles and impressionism-128 (train split; artists and years from file names)",
                   recipe=f"python -m training.train_attribution --steps {args.steps} --batch {args.batch} "
                          f"--lr {args.lr} --seed {args.seed} (weight decay {decay} picked of {DECAYS})",
                   metrics=metrics, weights_dir=args.weights_dir)


if __name__ == "__main__":
    main()
