"""Train the inpainting U-Net (artstudio/nets/inpaint_unet.py); seeded, resumable, sample grids logged.

Data: 128 px crops of Impressionist paintings, WikiArt paintings and photos (train splits), holes
from artstudio/masks.py (thin scribbles, thick strokes, boxes and, with --large-masks, LaMa's wide masks,
in equal shares). --fourier-blocks adds LaMa's Fourier residual blocks at the bottleneck (zero-initialised,
so a warm start keeps the shipped network's function). Loss: L1 (holes
weighted 6x), a VGG16 relu2_1 + relu3_1 perceptual loss and, with --adv-weight, a hinge adversarial
loss from a PatchGAN discriminator (training/patch_discriminator.py) that counts as fake only the
patches touching the hole (LaMa's recipe). Checkpoints and grids go to the run folder; running again with --steps at or below the checkpoint's step only exports
weights/inpaint_unet.pt and its manifest entry.

    python -m training.train_inpainter [--steps 2000] [--batch 6] [--threads 2] [--adv-weight W] [--init FILE]
                                       [--fourier-blocks N] [--large-masks]
"""
import argparse
from pathlib import Path

import torch
from torchvision.utils import save_image

from artstudio.masks import KINDS, TRAINING_KINDS, random_mask
from artstudio.nets.inpaint_unet import InpaintUNet
from artstudio.weights import record_weights
from training.common import (ProgressLog, RecipeLog, cosine_lr, load_checkpoint, save_checkpoint, set_up,
                             standard_arguments)
from training.data import DATA_DIR, list_images, split
from training.patch_discriminator import PatchDiscriminator, hole_patches, masked_mean
from training.train_stylizer import load_vgg, random_crop

PERCEPTUAL_TAPS = ("relu2_1", "relu3_1")
WARMUP_STEPS = 100     # the zero-initialised output layer jumps under Adam's first full-size steps


def training_pool(limit: int) -> list[Path]:
    pool = (split(list_images(DATA_DIR / "impressionism-128"))[0] + split(list_images(DATA_DIR / "wikiart-styles"))[0]
            + split(list_images(DATA_DIR / "photos"))[0] * 6)
    return pool[:limit] if limit else pool


def discriminator_step(disc: PatchDiscriminator, opt: torch.optim.Optimizer, real: torch.Tensor,
                       fake: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
    """One hinge-loss update: every patch of a real image is real; patches touching a fill are fake."""
    real_logits, fake_logits = disc(real), disc(fake)
    loss = (torch.relu(1 - real_logits).mean()
            + masked_mean(torch.relu(1 + fake_logits), hole_patches(masks, fake_logits)))
    opt.zero_grad(); loss.backward(); opt.step()
    return loss.detach()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    standard_arguments(parser, steps=2000, batch=6, lr=1e-3, size=128, run_dir="runs/inpainter")
    parser.add_argument("--init", type=Path, help="warm start from an inpaint_unet.pt")
    parser.add_argument("--adv-weight", type=float, default=0.05, help="adversarial loss weight (0 = none)")
    parser.add_argument("--fourier-blocks", type=int, default=0, help="Fourier residual blocks at the bottleneck")
    parser.add_argument("--large-masks", action="store_true", help="add LaMa's wide masks as a fourth kind")
    args = parser.parse_args()
    rng = set_up(args)

    pool = training_pool(args.limit)
    print(f"{len(pool)} source images", flush=True)
    vgg, net, disc = load_vgg(), InpaintUNet(fourier_blocks=args.fourier_blocks), PatchDiscriminator()
    kinds = TRAINING_KINDS if args.large_masks else KINDS
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    opt_disc = torch.optim.Adam(disc.parameters(), lr=2 * args.lr, betas=(0.5, 0.999))
    ckpt = args.run_dir / "last.pt"
    recipe = RecipeLog()
    parts = {"net": net, "opt": opt, "disc": disc, "opt_disc": opt_disc, "recipe": recipe}
    step, rng = load_checkpoint(ckpt, parts, rng)
    if step == 0 and args.init:
        recipe.warm_start(net, args.init)
    if step < args.steps:
        recipe.start(step, f"--steps {args.steps} --size {args.size} --batch {args.batch} --lr {args.lr} "
                           f"--adv-weight {args.adv_weight} --fourier-blocks {args.fourier_blocks}"
                           f"{' --large-masks' if args.large_masks else ''} --seed {args.seed}")
    log = ProgressLog()
    while step < args.steps:
        cosine_lr(opt, args.lr, step, args.steps, warmup=WARMUP_STEPS)
        images = torch.stack([random_crop(rng.choice(pool), args.size, rng) for _ in range(args.batch)])
        # kinds by place in the batch, as the three-kind recipes drew them; with wide masks they also rotate
        # across steps, so a batch smaller than four still sees every kind
        first = step * args.batch if args.large_masks else 0
        batch_kinds = [kinds[(first + i) % len(kinds)] for i in range(args.batch)]
        masks = torch.stack([random_mask(args.size, kind, rng) for kind in batch_kinds])
        out = net(images, masks)
        merged = images * (1 - masks) + out * masks
        l1 = ((out - images).abs() * (1 + 5 * masks)).mean()
        with torch.no_grad():
            target = vgg(images, PERCEPTUAL_TAPS)
        got = vgg(merged, PERCEPTUAL_TAPS)
        perceptual = sum(torch.nn.functional.mse_loss(got[t], target[t]) for t in PERCEPTUAL_TAPS) / 1000.0
        losses = {"l1": l1, "perceptual": perceptual}
        if args.adv_weight:
            losses["d"] = discriminator_step(disc, opt_disc, images, merged.detach(), masks)
            fake_logits = disc(merged)
            losses["adv"] = -masked_mean(fake_logits, hole_patches(masks, fake_logits))
        loss = l1 + perceptual + args.adv_weight * losses.get("adv", 0.0)
        opt.zero_grad(); loss.backward(); opt.step()
        step += 1
        log(step, **{name: value.item() for name, value in losses.items()})
        if step % 200 == 0 or step == args.steps:
            save_image(torch.cat([images * (1 - masks), merged.clamp(0, 1), images]), args.run_dir / f"grid_{step:05d}.png",
                       nrow=args.batch)
            save_checkpoint(ckpt, parts, step, rng)
    record_weights("inpaint_unet.pt", {k: v.half() for k, v in net.state_dict().items()},
                   source="trained by training/train_inpainter.py", licence="weights: project's own",
                   data="../shared/data impressionism-128, wikiart-styles, photos (train splits)",
                   recipe=f"training/train_inpainter.py to step {step} ({recipe})",
                   metrics={"train_steps": recipe.earlier_steps + step, "warm_start_steps": recipe.earlier_steps},
                   weights_dir=args.weights_dir)


if __name__ == "__main__":
    main()
