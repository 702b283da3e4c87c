"""Train the painting GAN on ../shared/data/impressionism-128 (seeded, resumable).

Generator: artstudio/nets/painting_gan.py; discriminator: training/projected_discriminator.py
(frozen EfficientNet-Lite0 features + DiffAugment); hinge loss, EMA of the generator weights.
Checkpoints and sample grids go to runs/gan/; at the end (or when --steps is at or below the
checkpoint's step) the EMA generator is written to weights/painting_gan.pt with a manifest entry.

    python training/train_gan.py [--steps 3000] [--batch 16] [--threads 2]
"""
import argparse
import copy
import sys
import time
from pathlib import Path

import torch
import torchvision.transforms.v2.functional as TF
from PIL import Image
from torchvision.utils import save_image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from artstudio.nets.painting_gan import Z_DIM, Generator  # noqa: E402
from artstudio.weights import record_weights  # noqa: E402
from training.data import DATA_DIR, list_images, split  # noqa: E402
from training.projected_discriminator import ProjectedDiscriminator  # noqa: E402

RUN_DIR = Path("runs/gan")


def load_images(paths: list[Path], size: int = 128) -> torch.Tensor:
    """All training images as one uint8 tensor (10k paintings at 128 px is about 500 MB)."""
    out = torch.empty(len(paths), 3, size, size, dtype=torch.uint8)
    for i, p in enumerate(paths):
        out[i] = TF.to_image(Image.open(p).convert("RGB").resize((size, size), Image.BICUBIC))
    return out


@torch.no_grad()
def estimate_w_mean(generator: Generator, samples: int = 4096) -> torch.Tensor:
    return generator.mapping(torch.randn(samples, Z_DIM, generator=torch.Generator().manual_seed(1))).mean(0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--ema", type=float, default=0.999)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=0, help="images used (0 = all), for smoke runs")
    parser.add_argument("--run-dir", type=Path, default=RUN_DIR)
    parser.add_argument("--weights-dir", type=Path, default=None)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    args.run_dir.mkdir(parents=True, exist_ok=True)

    paths = split(list_images(DATA_DIR / "impressionism-128"))[0]
    paths = paths[:args.limit] if args.limit else paths
    start = time.time()
    data = load_images(paths)
    print(f"{len(data)} training paintings loaded in {time.time() - start:.0f}s", flush=True)

    generator, discriminator = Generator(), ProjectedDiscriminator()
    ema = copy.deepcopy(generator).eval().requires_grad_(False)
    opt_g = torch.optim.Adam(generator.parameters(), lr=args.lr, betas=(0.0, 0.99))
    opt_d = torch.optim.Adam([p for p in discriminator.parameters() if p.requires_grad], lr=args.lr, betas=(0.0, 0.99))
    fixed_z = torch.randn(32, Z_DIM, generator=torch.Generator().manual_seed(args.seed))
    ckpt = args.run_dir / "last.pt"
    step = 0
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        generator.load_state_dict(state["generator"]); ema.load_state_dict(state["ema"])
        discriminator.load_state_dict(state["discriminator"])
        opt_g.load_state_dict(state["opt_g"]); opt_d.load_state_dict(state["opt_d"])
        step = state["step"]
        torch.set_rng_state(state["torch_rng"])
    start = time.time()
    while step < args.steps:
        real = data[torch.randint(len(data), (args.batch,))].float() / 255
        real = torch.where(torch.rand(args.batch, 1, 1, 1) < 0.5, real, real.flip(3))
        fake = generator(torch.randn(args.batch, Z_DIM))
        loss_d = (torch.relu(1 - discriminator(real)).mean() + torch.relu(1 + discriminator(fake.detach())).mean())
        opt_d.zero_grad(); loss_d.backward(); opt_d.step()
        loss_g = -discriminator(fake).mean()
        opt_g.zero_grad(); loss_g.backward(); opt_g.step()
        with torch.no_grad():
            for p_ema, p in zip(ema.parameters(), generator.parameters()):
                p_ema.lerp_(p, 1 - args.ema)
        step += 1
        if step % 20 == 0:
            print(f"step {step} loss_d {loss_d.item():.3f} loss_g {loss_g.item():.3f} "
                  f"{(time.time() - start) / 20:.2f}s/step", flush=True)
            start = time.time()
        if step % 200 == 0 or step == args.steps:
            with torch.no_grad():
                save_image(ema(fixed_z), args.run_dir / f"grid_{step:05d}.png", nrow=8)
            torch.save({"generator": generator.state_dict(), "ema": ema.state_dict(),
                        "discriminator": discriminator.state_dict(), "opt_g": opt_g.state_dict(),
                        "opt_d": opt_d.state_dict(), "step": step, "torch_rng": torch.get_rng_state()}, ckpt)
    ema.w_mean.copy_(estimate_w_mean(ema))
    record_weights("painting_gan.pt", {k: v.half() for k, v in ema.state_dict().items()},
                   source="trained by training/train_gan.py", licence="weights: project's own; training paintings public domain",
                   data="../shared/data/impressionism-128 (85% train split by file-name hash)",
                   recipe=f"training/train_gan.py --steps {step} --batch {args.batch} --lr {args.lr} --seed {args.seed}",
                   metrics={"train_steps": step, "images_seen": step * args.batch}, weights_dir=args.weights_dir)


if __name__ == "__main__":
    main()
