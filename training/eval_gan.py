"""Measure the painting GAN: Frechet distance, precision, recall and the share of near-duplicate
samples in MobileNetV2 space against the validation split (1,000 training paintings give the
real-data reference at the same sample size), the sliced Wasserstein distance between their
Laplacian-pyramid patches (a pixel-statistics check that ImageNet features cannot be gamed on; 128
patches per picture per level, as in ProGAN; blurred real paintings give the scale of a visible
fault), a grid of 64 samples at the default truncation, and each of six samples beside its nearest
training paintings (to show no copying).

    python -m training.eval_gan [--samples 1000] [--candidate runs/gan/export/painting_gan.pt]

Writes docs/gan_samples.png, docs/gan_neighbours.png and the figures into the manifest entry.
"""
import argparse
from pathlib import Path

import torch
from torchvision.transforms.functional import gaussian_blur
from torchvision.utils import save_image

from artstudio.models.generator import DEFAULT_TRUNCATION, PaintingGenerator
from artstudio.nets.painting_gan import Z_DIM, Generator
from artstudio.weights import load_into, update_metrics
from training.data import DATA_DIR, list_images, split
from training.mobilenet_eval import (MobileNetFeatures, frechet_distance, near_duplicate_share,
                                    precision_recall)
from training.texture_distance import texture_distance_by_level
from training.train_gan import load_images

DOCS = Path(__file__).resolve().parent.parent / "docs"


def unit_floats(images: torch.Tensor) -> torch.Tensor:
    """Paintings as floats in [0, 1] (training paintings are held as uint8, samples already are floats)."""
    return images.float() / 255 if images.dtype == torch.uint8 else images


def features_of(net: MobileNetFeatures, images: torch.Tensor, batch: int = 50) -> torch.Tensor:
    return torch.cat([net.pooled(unit_floats(images[i:i + batch])) for i in range(0, len(images), batch)])


@torch.no_grad()
def sample_grid(generator: Generator) -> torch.Tensor:
    """64 samples at the default truncation, as docs/gan_samples.png; returns them."""
    DOCS.mkdir(exist_ok=True)
    grid = generator(torch.randn(64, Z_DIM, generator=torch.Generator().manual_seed(7)), DEFAULT_TRUNCATION)
    save_image(grid, DOCS / "gan_samples.png", nrow=8, padding=2)
    return grid


@torch.no_grad()
def cli_samples(painter: PaintingGenerator, truncation: float, count: int) -> torch.Tensor:
    """The paintings `generate --seed 0 --count N` gives (seeds 0 to N-1): the held-out judges' setting."""
    ws = torch.stack([painter.latent(seed, truncation) for seed in range(count)])
    return torch.cat([painter.net.synthesis(ws[i:i + 50]) for i in range(0, count, 50)])


def patch_distance(images: torch.Tensor, reference: torch.Tensor) -> tuple[float, list[float]]:
    """ProGAN's sliced Wasserstein patch distance (x 1,000) between two sets of paintings: the mean
    over pyramid levels, and each level (finest first)."""
    levels = texture_distance_by_level(unit_floats(images), unit_floats(reference), patches_per_image=128)
    return round(sum(levels) / len(levels), 2), [round(level, 1) for level in levels]


@torch.no_grad()
def sample_figures(net: MobileNetFeatures, painter: PaintingGenerator, truncation: float, count: int,
                   val: torch.Tensor, val_feats: torch.Tensor) -> dict:
    """The held-out figures of the CLI's first `count` seeds at `truncation`, printed and returned."""
    fakes = cli_samples(painter, truncation, count)
    fake_feats = features_of(net, fakes)
    precision, recall = precision_recall(val_feats, fake_feats)
    figures = {f"fd_mobilenetv2_trunc{truncation}": round(frechet_distance(fake_feats, val_feats), 2),
               f"precision_trunc{truncation}": round(precision, 3), f"recall_trunc{truncation}": round(recall, 3),
               f"near_duplicates_trunc{truncation}": round(near_duplicate_share(val_feats, fake_feats), 3)}
    figures[f"patch_swd_trunc{truncation}"], figures[f"patch_swd_levels_trunc{truncation}"] = patch_distance(fakes, val)
    print(f"truncation {truncation}: " + ", ".join(f"{name.rsplit('_trunc', 1)[0]} {value}"
                                                   for name, value in figures.items()), flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--grid-only", action="store_true", help="only draw docs/gan_samples.png (seconds)")
    parser.add_argument("--candidate", type=Path,
                        help="judge this painting_gan.pt (a training leg's export, beside the manifest that lists it) instead of "
                             "the shipped one: the default truncation's figures only, printed, not recorded")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    painter = PaintingGenerator(torch.device("cpu"))
    generator = painter.net
    if args.candidate:
        load_into(generator, args.candidate.name, weights_dir=args.candidate.parent)
    if args.grid_only:
        sample_grid(generator)
        return
    net = MobileNetFeatures()

    train_paths, val_paths = split(list_images(DATA_DIR / "impressionism-128"))
    val = load_images(val_paths[: args.samples])
    val_feats = features_of(net, val)
    if args.candidate:
        sample_figures(net, painter, DEFAULT_TRUNCATION, args.samples, val, val_feats)
        return
    train = load_images(train_paths)
    train_feats = features_of(net, train)
    metrics = {"fd_validation_images": len(val)}
    # Its own generator, not the global one: building the network draws from that, so a grown network
    # would pick other reference paintings.
    picked = torch.randperm(len(train), generator=torch.Generator().manual_seed(0))[: args.samples]
    reference = train_feats[picked]
    metrics["fd_mobilenetv2_train_vs_val"] = round(frechet_distance(reference, val_feats), 2)
    precision, recall = precision_recall(val_feats, reference)
    metrics["precision_train_vs_val"], metrics["recall_train_vs_val"] = round(precision, 3), round(recall, 3)
    metrics["near_duplicates_train_vs_val"] = round(near_duplicate_share(val_feats, reference), 3)
    real = unit_floats(train[picked])
    metrics["patch_swd_train_vs_val"], metrics["patch_swd_levels_train_vs_val"] = patch_distance(real, val)
    metrics["patch_swd_blurred_train_vs_val"], metrics["patch_swd_levels_blurred_train_vs_val"] = patch_distance(
        gaussian_blur(real, [5, 5], [1.0]), val)
    for truncation in (1.0, 0.7):
        metrics.update(sample_figures(net, painter, truncation, args.samples, val, val_feats))
    with torch.no_grad():
        print(metrics, flush=True)
        update_metrics("painting_gan.pt", metrics)
        DOCS.mkdir(exist_ok=True)
        grid = sample_grid(generator)

        samples = grid[:6]
        sample_feats = torch.nn.functional.normalize(net.pooled(samples), dim=1)
        nearest = (sample_feats @ torch.nn.functional.normalize(train_feats, dim=1).T).topk(4, dim=1).indices
        rows = [torch.cat([samples[i:i + 1], train[nearest[i]].float() / 255]) for i in range(6)]
        save_image(torch.cat(rows), DOCS / "gan_neighbours.png", nrow=5, padding=2)


if __name__ == "__main__":
    main()
