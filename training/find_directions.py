"""Find and name the generator's slider directions (GANSpace: PCA in w space), by measurement.

For each of the top principal directions, samples are rendered at -2 and +2 standard deviations
and nine image measures are compared (brightness, warmth, saturation, contrast, sky, horizon
height, detail, greenery, light from above), on samples at the app's default truncation: the
sliders as users meet them. Each measure names the direction it moves most (effect size = mean
change / spread across samples), each name used once, sign flipped so a positive slider means
"more". Writes weights/painting_gan_directions.pt and a manifest entry with the measured effect
sizes.

    python -m training.find_directions [--components 32] [--samples 96]
"""
import argparse

import torch

from artstudio.models.generator import DEFAULT_TRUNCATION, GENERATOR_FILE
from artstudio.nets.painting_gan import Z_DIM, Generator
from artstudio.weights import load_into, record_weights, weights_sha


def luma(x: torch.Tensor) -> torch.Tensor:
    return 0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]


def horizon_row(x: torch.Tensor) -> torch.Tensor:
    """Height (0 bottom .. 1 top) of the strongest horizontal edge of the row-mean luminance."""
    rows = luma(x).mean(2)
    edge = (rows[:, 1:] - rows[:, :-1]).abs()
    return 1 - edge.argmax(1).float() / edge.shape[1]


def measures(x: torch.Tensor) -> dict[str, torch.Tensor]:
    """Per-image measures of a batch (N, 3, H, W) in [0, 1]."""
    y = luma(x)
    mx, mn = x.max(1).values, x.min(1).values
    sat = (mx - mn) / mx.clamp(min=1e-3)
    top = x[:, :, : x.shape[2] // 3]
    skyish = ((top[:, 2] > top[:, 0]) & (luma(top) > 0.5)).float().mean((1, 2))
    lap = (4 * y[:, 1:-1, 1:-1] - y[:, :-2, 1:-1] - y[:, 2:, 1:-1] - y[:, 1:-1, :-2] - y[:, 1:-1, 2:]).abs()
    half = y.shape[1] // 2
    return {"brightness": y.mean((1, 2)), "warmth": (x[:, 0] - x[:, 2]).mean((1, 2)), "saturation": sat.mean((1, 2)),
            "contrast": y.flatten(1).std(1), "sky": skyish, "horizon height": horizon_row(x),
            "detail": lap.mean((1, 2)), "greenery": (x[:, 1] - (x[:, 0] + x[:, 2]) / 2).mean((1, 2)),
            "light from above": y[:, :half].mean((1, 2)) - y[:, half:].mean((1, 2))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--components", type=int, default=32)
    parser.add_argument("--samples", type=int, default=96)
    parser.add_argument("--pca-samples", type=int, default=20000)
    parser.add_argument("--sliders", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    net = load_into(Generator(), GENERATOR_FILE)

    with torch.no_grad():
        w = net.mapping(torch.randn(args.pca_samples, Z_DIM))
        centred = w - w.mean(0)
        _, s, v = torch.linalg.svd(centred, full_matrices=False)
        sigmas = s[: args.components] / (len(w) - 1) ** 0.5
        components = v[: args.components] * sigmas[:, None]          # one standard deviation long
        base = net.w_mean + DEFAULT_TRUNCATION * (net.mapping(torch.randn(args.samples, Z_DIM)) - net.w_mean)
        effects = []                                                 # (|effect|, component, measure, signed)
        for c, vec in enumerate(components):
            plus, minus = measures(net.synthesis(base + 2 * vec)), measures(net.synthesis(base - 2 * vec))
            for name in plus:
                diff = plus[name] - minus[name]
                effect = float(diff.mean() / (diff.std() + 1e-6))
                effects.append((abs(effect), c, name, effect))
    chosen: dict[str, tuple[int, float]] = {}
    used: set[int] = set()
    for size, c, name, effect in sorted(effects, reverse=True):
        if name in chosen or c in used or len(chosen) == args.sliders:
            continue
        chosen[name] = (c, effect)
        used.add(c)
    names = list(chosen)
    vectors = torch.stack([components[c] * (1 if effect > 0 else -1) for c, effect in chosen.values()])
    for name, (c, effect) in chosen.items():
        print(f"{name:18s} <- component {c:2d} (sigma {sigmas[c]:.3f}), effect size {abs(effect):.2f}")
    record_weights("painting_gan_directions.pt", {"names": names, "vectors": vectors.half()},
                   source="computed by training/find_directions.py from weights/painting_gan.pt",
                   licence="project's own", data=f"samples of painting_gan.pt (sha256 {weights_sha(GENERATOR_FILE)[:12]})",
                   recipe="training/find_directions.py",
                   metrics={"names": names, "effect_size": {n: round(abs(e), 2) for n, (_, e) in chosen.items()},
                            "component": {n: c for n, (c, _) in chosen.items()}})


if __name__ == "__main__":
    main()
