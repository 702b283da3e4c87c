"""Train the painting GAN on ../shared/data/impressionism-128 (seeded, resumable).

Generator: artstudio/nets/painting_gan.py; discriminator: training/projected_discriminator.py
(frozen EfficientNet-Lite0 features + DiffAugment), optionally joined by a pixel-space multi-scale
PatchGAN (training/patch_discriminator.py) for brush-mark statistics; hinge loss plus a mode-seeking
term that keeps different seeds apart; EMA of the generator weights.
Checkpoints and sample grids go to runs/gan/; at the end (or when --steps is at or below the
checkpoint's step) the EMA generator is written to weights/painting_gan.pt with a manifest entry.

    python -m training.train_gan [--steps 5000] [--batch 16] [--threads 2]     # about 80 min on 2 CPU cores
"""
import argparse
import copy
import time
from pathlib import Path

import torch
import torchvision.transforms.v2.functional as TF
from PIL import Image
from torchvision.utils import save_image

from artstudio.nets.painting_gan import Z_DIM, Generator
from artstudio.weights import record_weights
from training.common import (ProgressLog, RecipeLog, load_checkpoint, save_checkpoint, set_up,
                             standard_arguments)
from training.data import DATA_DIR, list_images, split
from training.patch_discriminator import MultiScalePatchDiscriminator
from training.patch_texture import PatchTextureLoss
from training.projected_discriminator import ProjectedDiscriminator



def load_images(paths: list[Path], size: int = 128) -> torch.Tensor:
    """All training images as one uint8 tensor (10k paintings at 128 px is about 500 MB)."""
    out = torch.empty(len(paths), 3, size, size, dtype=torch.uint8)
    for i, p in enumerate(paths):
        out[i] = TF.to_image(Image.open(p).convert("RGB").resize((size, size), Image.BICUBIC))
    return out


def mode_seeking_loss(z: torch.Tensor, images: torch.Tensor, pairs: str = "halves") -> torch.Tensor:
    """Mode seeking (Mao et al. 2019): penalise latents that give near-identical images. "halves"
    pairs the batch's first half with its second; "nearest" pairs each sample with its closest other
    sample in the batch, the near-duplicate measure's own question, so a repeated picture is caught
    whenever two of it share a batch."""
    self_pair = torch.eye(len(z), dtype=torch.bool)
    image_gaps = torch.cdist(images.flatten(1), images.flatten(1), p=1) / images[0].numel()
    latent_gaps = (torch.cdist(z, z, p=1) / z.shape[1]).masked_fill(self_pair, float("inf"))
    ratio = image_gaps / latent_gaps
    if pairs == "halves":
        ratio = ratio.diagonal(len(z) // 2)[:len(z) // 2]                 # pairs (i, i + half)
    else:
        ratio = ratio.masked_fill(self_pair, float("inf")).min(1).values
    return (1 / (ratio + 1e-5)).mean()


def discriminator_step(discriminator: torch.nn.Module, opt: torch.optim.Optimizer, real: torch.Tensor,
                       fake: torch.Tensor) -> float:
    """One hinge-loss update of a discriminator; returns its loss."""
    loss = torch.relu(1 - discriminator(real)).mean() + torch.relu(1 + discriminator(fake.detach())).mean()
    opt.zero_grad(); loss.backward(); opt.step()
    return loss.item()


@torch.no_grad()
def estimate_w_mean(generator: Generator, samples: int = 4096) -> torch.Tensor:
    return generator.mapping(torch.randn(samples, Z_DIM, generator=torch.Generator().manual_seed(1))).mean(0)


@torch.no_grad()
def w_effective_rank(generator: Generator, samples: int = 1024) -> float:
    """exp(entropy) of the w covariance spectrum (Roy and Vetterli 2007): how many directions the
    mapping really uses; a falling figure during training means latents are being folded together."""
    w = generator.mapping(torch.randn(samples, Z_DIM, generator=torch.Generator().manual_seed(2)))
    share = torch.linalg.svdvals(w - w.mean(0)).pow(2)
    share = share / share.sum()
    return float(torch.exp(-(share * share.clamp_min(1e-12).log()).sum()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    standard_arguments(parser, steps=5000, batch=16, lr=2e-4, run_dir="runs/gan")
    parser.add_argument("--ema", type=float, default=0.999)
    parser.add_argument("--mode-seeking", type=float, default=0.2, help="weight of the diversity term")
    parser.add_argument("--mode-seeking-pairs", choices=("halves", "nearest"), default="halves",
                        help="which pairs the diversity term compares (see mode_seeking_loss)")
    parser.add_argument("--pixel-discriminator", type=float, default=0.0,
                        help="weight of a pixel-space multi-scale PatchGAN in the generator's loss (0: none; it can "
                             "join a run mid-way and starts fresh)")
    parser.add_argument("--patch-texture", type=float, default=0.0,
                        help="weight of the patch texture loss (training/patch_texture.py) in the generator's loss (0: none)")
    parser.add_argument("--mapping-lr-scale", type=float, default=0.01,
                        help="the mapping network's learning rate relative to --lr (StyleGAN's 0.01: a faster mapping "
                             "folds many latents onto few w, a collapse)")
    parser.add_argument("--init", type=Path, help="warm start the generator (and its EMA) from a painting_gan.pt; "
                                                  "the discriminator starts fresh")
    parser.add_argument("--d-lr", type=float, help="the discriminators' learning rate (default: --lr); a gentle "
                                                    "generator fine-tune still needs a fresh discriminator that learns fast")
    parser.add_argument("--d-warmup", type=int, default=0,
                        help="first steps of the run that train only the discriminators, the generator held still: a "
                             "fresh discriminator's first verdicts are noise, and a warm-started generator that "
                             "follows them loses ground it then spends the leg regaining")
    args = parser.parse_args()
    rng = set_up(args)

    paths = split(list_images(DATA_DIR / "impressionism-128"))[0]
    paths = paths[:args.limit] if args.limit else paths
    start = time.time()
    data = load_images(paths)
    print(f"{len(data)} training paintings loaded in {time.time() - start:.0f}s", flush=True)

    generator, discriminator = Generator(), ProjectedDiscriminator()
    ema = copy.deepcopy(generator).eval().requires_grad_(False)
    opt_g = torch.optim.Adam([{"params": generator.mapping.parameters(), "lr": args.lr * args.mapping_lr_scale},
                              {"params": generator.synthesis.parameters()}], lr=args.lr, betas=(0.0, 0.99))
    d_lr = args.d_lr or args.lr
    opt_d = torch.optim.Adam([p for p in discriminator.parameters() if p.requires_grad], lr=d_lr, betas=(0.0, 0.99))
    fixed_z = torch.randn(32, Z_DIM, generator=torch.Generator().manual_seed(args.seed))
    ckpt = args.run_dir / "last.pt"
    recipe = RecipeLog()
    parts = {"generator": generator, "ema": ema, "discriminator": discriminator, "opt_g": opt_g, "opt_d": opt_d,
             "recipe": recipe}
    pixel_discriminator = opt_pixel_d = None
    if args.pixel_discriminator > 0:
        pixel_discriminator = MultiScalePatchDiscriminator()
        opt_pixel_d = torch.optim.Adam(pixel_discriminator.parameters(), lr=d_lr, betas=(0.0, 0.99))
        parts.update(pixel_discriminator=pixel_discriminator, opt_pixel_d=opt_pixel_d)
    step, rng = load_checkpoint(ckpt, parts, rng)
    patch_texture = PatchTextureLoss(data, seed=args.seed) if args.patch_texture > 0 and step < args.steps else None
    if step == 0 and args.init:
        recipe.warm_start(generator, args.init)
        ema.load_state_dict(generator.state_dict())
    if step < args.steps:
        recipe.start(step, f"--batch {args.batch} --lr {args.lr} --mode-seeking {args.mode_seeking} "
                           f"--mode-seeking-pairs {args.mode_seeking_pairs} --pixel-discriminator {args.pixel_discriminator} "
                           f"--patch-texture {args.patch_texture} "
                           f"--mapping-lr-scale {args.mapping_lr_scale} --d-lr {d_lr} --d-warmup {args.d_warmup} "
                           f"--seed {args.seed} (generator of {sum(p.numel() for p in generator.parameters()):,} "
                           f"parameters)")

    def generator_step(z: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        """One update of the generator against the discriminators and its own terms; returns its losses."""
        losses = {}
        loss = -discriminator(fake).mean() + args.mode_seeking * mode_seeking_loss(z, fake, args.mode_seeking_pairs)
        if pixel_discriminator is not None:
            loss = loss - args.pixel_discriminator * pixel_discriminator(fake).mean()
        if patch_texture is not None:
            texture = patch_texture(fake)
            losses["patch_texture"] = texture.item()
            loss = loss + args.patch_texture * texture
        opt_g.zero_grad(); loss.backward(); opt_g.step()
        return losses | {"loss_g": loss.item()}

    log = ProgressLog()
    while step < args.steps:
        real = data[torch.randint(len(data), (args.batch,))].float() / 255
        real = torch.where(torch.rand(args.batch, 1, 1, 1) < 0.5, real, real.flip(3))
        z = torch.randn(args.batch, Z_DIM)
        warming_up = step < args.d_warmup
        with torch.set_grad_enabled(not warming_up):
            fake = generator(z)
        losses = {"loss_d": discriminator_step(discriminator, opt_d, real, fake)}
        if pixel_discriminator is not None:
            losses["loss_pixel_d"] = discriminator_step(pixel_discriminator, opt_pixel_d, real, fake)
        if not warming_up:
            losses.update(generator_step(z, fake))
            with torch.no_grad():
                for p_ema, p in zip(ema.parameters(), generator.parameters()):
                    p_ema.lerp_(p, 1 - args.ema)
        step += 1
        log(step, **losses)
        if step % 200 == 0 or step == args.steps:
            with torch.no_grad():
                save_image(ema(fixed_z), args.run_dir / f"grid_{step:05d}.png", nrow=8)
                print(f"step {step} w effective rank {w_effective_rank(ema):.1f}", flush=True)
            save_checkpoint(ckpt, parts, step, rng)
    ema.w_mean.copy_(estimate_w_mean(ema))
    total_steps = recipe.earlier_steps + step
    record_weights("painting_gan.pt", {k: v.half() for k, v in ema.state_dict().items()},
                   source="trained by training/train_gan.py", licence="weights: project's own; training paintings public domain",
                   data="../shared/data/impressionism-128 (85% train split by file-name hash)",
                   recipe=f"training/train_gan.py to step {step} ({recipe})",
                   metrics={"train_steps": total_steps, "images_seen": total_steps * args.batch,
                            "warm_start_steps": recipe.earlier_steps}, weights_dir=args.weights_dir)


if __name__ == "__main__":
    main()
