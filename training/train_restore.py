"""Train a restoration network (artstudio/nets/restore_nets.py); seeded, resumable, progress logged.

    python -m training.train_restore --task denoise [--steps 6000] [--batch 16] [--size 96]
    python -m training.train_restore --task upscale [--steps 6000] [--batch 16] [--size 128]
                                     [--grow-to 64x16] [--bicubic-share 0.5]

Data: crops of photos, WikiArt and Impressionist paintings (train splits, held in memory), damaged
at random by training/degradations.py: `denoise` learns clean crops back from Gaussian or Poisson
noise of unknown level and JPEG quality 10-90 (blind: no level is given); `upscale` learns the crop
from a x4 smaller copy made by a random resampler, sometimes blurred, noisy or JPEG'd (--bicubic-share
of the copies are a plain bicubic downscale, what a clean small picture most often is). --grow-to
starts the enlarger from the shipped one made wider and deeper (training/grow.py). Loss: L1.
Every 250 steps the PSNR on a fixed batch of validation crops is logged and a checkpoint written
under the run folder; running again with --steps at or below the checkpoint's step only exports the
weights (fp16) and their manifest entry.
"""
import argparse
import math
import random
from pathlib import Path

import torch
import torch.nn.functional as F
from PIL import Image
from torchvision.utils import save_image

from artstudio.nets.restore_nets import DenoiseUNet, UpscaleNet
from artstudio.weights import load_weights, record_weights, weights_sha
from training.common import (ProgressLog, RecipeLog, cosine_lr, load_checkpoint, save_checkpoint, set_up,
                             standard_arguments)
from training.data import DATA_DIR, list_images, split
from training.degradations import downscale, noise_and_blocks, to_tensor
from training.grow import grown_upscaler

SCALE = 4
WEIGHTS = {"denoise": "restore_denoise.pt", "upscale": "restore_upscale_x4.pt"}
VALIDATION_CROPS = 32


def source_paths(validation: bool, limit: int, photo_repeat: int = 4) -> list[Path]:
    """Photos (`photo_repeat` times over in training: they are few and large) and paintings of both
    collections."""
    part = 1 if validation else 0
    photos = split(list_images(DATA_DIR / "photos"))[part]
    paintings = split(list_images(DATA_DIR / "wikiart-styles"))[part][::2] + \
        split(list_images(DATA_DIR / "impressionism-128"))[part][::6]
    paths = photos * (1 if validation else photo_repeat) + paintings
    return paths[:limit] if limit else paths


def add_photo_repeat(parser: argparse.ArgumentParser, default: int = 4) -> None:
    """The --photo-repeat option of every script that draws its pool from source_paths."""
    parser.add_argument("--photo-repeat", type=int, default=default,
                        help="how many times each training photo is in the pool (paintings once)")


def load_pool(paths: list[Path]) -> list[Image.Image]:
    """Decoded once per file; repeated paths share the image."""
    decoded = {p: Image.open(p).convert("RGB") for p in set(paths)}
    return [decoded[p] for p in paths]


def random_crop(image: Image.Image, size: int, rng: random.Random) -> Image.Image:
    """A size x size crop, from a randomly shrunk copy of large images (sharper detail), flipped at random."""
    if min(image.size) >= 2 * size and rng.random() < 0.5:
        scale = rng.uniform(max(size / min(image.size), 0.5), 1.0)
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.BICUBIC)
    if min(image.size) < size:
        image = image.resize((max(size, image.width), max(size, image.height)), Image.BICUBIC)
    left, top = rng.randint(0, image.width - size), rng.randint(0, image.height - size)
    crop = image.crop((left, top, left + size, top + size))
    if rng.random() < 0.5:
        crop = crop.transpose(Image.FLIP_LEFT_RIGHT)
    return crop.rotate(90 * rng.randint(0, 3))


def make_pair(task: str, image: Image.Image, size: int, rng: random.Random,
              generator: torch.Generator, bicubic_share: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """(damaged input, clean target) for one crop."""
    crop = random_crop(image, size, rng)
    if task == "denoise":
        damaged = noise_and_blocks(crop, rng, generator)
    elif rng.random() < bicubic_share:
        damaged = to_tensor(crop.resize((size // SCALE, size // SCALE), Image.BICUBIC))
    else:
        damaged = downscale(crop, SCALE, rng, generator)
    return damaged, to_tensor(crop)


def make_batch(task: str, pool: list[Image.Image], size: int, count: int, rng: random.Random,
               generator: torch.Generator, bicubic_share: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    pairs = [make_pair(task, rng.choice(pool), size, rng, generator, bicubic_share) for _ in range(count)]
    return torch.stack([p[0] for p in pairs]), torch.stack([p[1] for p in pairs])


def shipped_upscaler() -> tuple[UpscaleNet, str]:
    """The shipped x4 enlarger, at the width and depth its file holds, to train on; and its recipe words."""
    state = {k: v.float() for k, v in load_weights(WEIGHTS["upscale"]).items()}
    shipped = UpscaleNet.sized_for(state)
    shipped.load_state_dict(state)
    return shipped, (f"{WEIGHTS['upscale']} {shipped.width}x{shipped.convs} "
                     f"(sha256 {weights_sha(WEIGHTS['upscale'])[:12]})")


def grown_shipped_upscaler(width: int, convs: int) -> tuple[UpscaleNet, str]:
    """The shipped x4 enlarger grown to width x convs (computing what it computed); and the recipe words."""
    shipped, words = shipped_upscaler()
    return grown_upscaler(shipped, width, convs), f"grown from {words} to {width}x{convs}"


def psnr(output: torch.Tensor, target: torch.Tensor) -> float:
    mse = F.mse_loss(output.clamp(0, 1), target).item()
    return 10 * math.log10(1 / max(mse, 1e-10))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", choices=sorted(WEIGHTS), required=True)
    standard_arguments(parser, steps=6000, batch=16, lr=5e-4, run_dir="runs/restore", size=None)
    parser.add_argument("--size", type=int, help="crop side of the clean target (default 96 denoise, 128 upscale)")
    parser.add_argument("--grow-to", help="upscale: start from the shipped enlarger grown to WIDTHxCONVS, e.g. 64x16")
    add_photo_repeat(parser)
    parser.add_argument("--bicubic-share", type=float, default=0.0,
                        help="upscale: share of the small copies that are a plain bicubic downscale")
    args = parser.parse_args()
    args.size = args.size or (96 if args.task == "denoise" else 128)
    args.run_dir = args.run_dir / args.task
    rng = set_up(args)
    generator = torch.Generator().manual_seed(args.seed)

    pool = load_pool(source_paths(False, args.limit, args.photo_repeat))
    val_rng, val_gen = random.Random(1234), torch.Generator().manual_seed(1234)
    val_pool = load_pool(source_paths(True, args.limit)) or pool     # a tiny smoke-run pool may hold no validation image
    val_inputs, val_targets = make_batch(args.task, val_pool, args.size, VALIDATION_CROPS, val_rng, val_gen)
    print(f"{len(pool)} training images, {len(val_pool)} validation images", flush=True)

    recipe_log = RecipeLog()
    net = DenoiseUNet() if args.task == "denoise" else UpscaleNet()
    if args.grow_to:
        net, recipe_log.init = grown_shipped_upscaler(*(int(n) for n in args.grow_to.split("x")))
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    parts = {"net": net, "opt": opt, "recipe_log": recipe_log}
    ckpt = args.run_dir / "last.pt"
    step, rng = load_checkpoint(ckpt, parts, rng)
    settings = (f"--steps {args.steps} --batch {args.batch} --size {args.size} --lr {args.lr} --seed {args.seed}"
                f" --bicubic-share {args.bicubic_share} --photo-repeat {args.photo_repeat}"
                + (f" --grow-to {args.grow_to}" if args.grow_to else ""))
    if step < args.steps:
        recipe_log.start(step, settings)
    baseline = psnr(F.interpolate(val_inputs, scale_factor=SCALE, mode="bicubic") if args.task == "upscale"
                    else val_inputs, val_targets)
    print(f"validation PSNR of the {'bicubic' if args.task == 'upscale' else 'damaged'} input: {baseline:.2f} dB",
          flush=True)
    log = ProgressLog(every=50)
    while step < args.steps:
        cosine_lr(opt, args.lr, step, args.steps, warmup=200)
        inputs, targets = make_batch(args.task, pool, args.size, args.batch, rng, generator, args.bicubic_share)
        loss = (net(inputs) - targets).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        log(step, l1=loss.item())
        if step % 250 == 0 or step == args.steps:
            with torch.no_grad():
                out = net.eval()(val_inputs)
            net.train()
            val_psnr = psnr(out, val_targets)
            print(f"step {step} validation PSNR {val_psnr:.2f} dB (input {baseline:.2f})", flush=True)
            save_image(torch.cat([F.interpolate(val_inputs[:8], size=args.size), out[:8].clamp(0, 1), val_targets[:8]]),
                       args.run_dir / f"grid_{step:05d}.png", nrow=8)
            save_checkpoint(ckpt, parts, step, rng)
    with torch.no_grad():
        val_psnr = psnr(net.eval()(val_inputs), val_targets)
    record_weights(WEIGHTS[args.task], {k: v.half() for k, v in net.state_dict().items()},
                   source="trained by training/train_restore.py", licence="weights: project's own; "
                   "trained partly on WikiArt images (non-commercial research terms) and BSDS500 (non-commercial)",
                   data="../shared/data photos, wikiart-styles, impressionism-128 (train splits)",
                   recipe=f"training/train_restore.py --task {args.task} ({recipe_log})",
                   metrics={"train_steps": step, "validation_crops_psnr_db": val_psnr,
                            "validation_crops_input_psnr_db": baseline}, weights_dir=args.weights_dir)


if __name__ == "__main__":
    main()
