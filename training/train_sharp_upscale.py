"""Train the x4 enlarger's "sharp" look: the shipped (faithful) enlarger fine-tuned with an adversarial term.

    python -m training.train_sharp_upscale [--steps 3000] [--batch 12] [--adversarial 0.02] [--threads 2]

An L1-trained enlarger averages every detail it cannot be sure of into blur. Here a patch discriminator
(training/patch_discriminator.py, one logit per ~46 px patch) judges the enlarged crops against real ones,
and the enlarger's loss is L1 plus --adversarial times the non-saturating GAN loss, as ESRGAN and
Real-ESRGAN fine-tune their PSNR models; L1 keeps it on the picture, the discriminator asks for strokes
and texture where L1 would settle for their average. Data as train_restore's upscale task, paintings
weighted up (photos once, --photo-repeat 1).

Every 250 steps the validation PSNR and the detail ratio (mean absolute Laplacian of the output over the
original's: 1 is as much fine detail as the original, the faithful network sits well below) are logged
with a sample grid, and a checkpoint written. Running again with --steps at or below the checkpoint's
step only exports the weights (fp16) and their manifest entry.
"""
import argparse
import random

import torch
import torch.nn.functional as F
from torchvision.utils import save_image

from artstudio.weights import record_weights
from training.common import (ProgressLog, RecipeLog, cosine_lr, load_checkpoint, save_checkpoint, set_up,
                             standard_arguments)
from training.patch_discriminator import PatchDiscriminator
from training.train_restore import (SCALE, add_photo_repeat, load_pool, make_batch, psnr, shipped_upscaler,
                                    source_paths)

WEIGHTS_FILE = "restore_upscale_x4_sharp.pt"
VALIDATION_CROPS = 32
LAPLACIAN = torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])


def detail(images: torch.Tensor) -> float:
    """Mean absolute Laplacian of the luma-like channel mean: how much fine detail a batch holds."""
    grey = images.clamp(0, 1).mean(1, keepdim=True)
    return F.conv2d(grey, LAPLACIAN[None, None]).abs().mean().item()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    standard_arguments(parser, steps=3000, batch=12, lr=5e-5, run_dir="runs/sharp_upscale", size=128)
    parser.add_argument("--adversarial", type=float, default=0.02, help="weight of the GAN term beside L1 (1)")
    add_photo_repeat(parser, default=1)
    parser.add_argument("--bicubic-share", type=float, default=0.5,
                        help="share of the small copies that are a plain bicubic downscale")
    args = parser.parse_args()
    rng = set_up(args)
    generator = torch.Generator().manual_seed(args.seed)

    pool = load_pool(source_paths(False, args.limit, args.photo_repeat))
    val_pool = load_pool(source_paths(True, args.limit)) or pool
    val_inputs, val_targets = make_batch("upscale", val_pool, args.size, VALIDATION_CROPS, random.Random(1234),
                                         torch.Generator().manual_seed(1234))
    print(f"{len(pool)} training images, {len(val_pool)} validation images; validation detail of the originals "
          f"{detail(val_targets):.4f}", flush=True)

    recipe_log = RecipeLog()
    net, words = shipped_upscaler()
    recipe_log.init = f"from {words}"
    judge = PatchDiscriminator(width=32)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr, betas=(0.9, 0.99))
    opt_judge = torch.optim.Adam(judge.parameters(), lr=2 * args.lr, betas=(0.9, 0.99))
    parts = {"net": net, "judge": judge, "opt": opt, "opt_judge": opt_judge, "recipe_log": recipe_log}
    ckpt = args.run_dir / "last.pt"
    step, rng = load_checkpoint(ckpt, parts, rng)
    settings = (f"--steps {args.steps} --batch {args.batch} --size {args.size} --lr {args.lr} --seed {args.seed} "
                f"--adversarial {args.adversarial} --photo-repeat {args.photo_repeat} "
                f"--bicubic-share {args.bicubic_share}")
    if step < args.steps:
        recipe_log.start(step, settings)

    def validate() -> dict[str, float]:
        with torch.no_grad():
            out = net.eval()(val_inputs)
        net.train()
        return {"psnr_db": psnr(out, val_targets), "detail_ratio": detail(out) / detail(val_targets), "out": out}

    log = ProgressLog(every=50)
    while step < args.steps:
        for optimiser in (opt, opt_judge):
            cosine_lr(optimiser, args.lr * (2 if optimiser is opt_judge else 1), step, args.steps, warmup=100)
        inputs, targets = make_batch("upscale", pool, args.size, args.batch, rng, generator, args.bicubic_share)
        enlarged = net(inputs)
        judge_loss = F.softplus(-judge(targets)).mean() + F.softplus(judge(enlarged.detach())).mean()
        opt_judge.zero_grad()
        judge_loss.backward()
        opt_judge.step()
        l1 = (enlarged - targets).abs().mean()
        fooled = F.softplus(-judge(enlarged)).mean()
        opt.zero_grad()
        (l1 + args.adversarial * fooled).backward()
        opt.step()
        step += 1
        log(step, l1=l1.item(), adversarial=fooled.item(), judge=judge_loss.item())
        if step % 250 == 0 or step == args.steps:
            scores = validate()
            print(f"step {step} validation PSNR {scores['psnr_db']:.2f} dB, detail ratio {scores['detail_ratio']:.3f}",
                  flush=True)
            save_image(torch.cat([F.interpolate(val_inputs[:6], scale_factor=SCALE), scores["out"][:6].clamp(0, 1),
                                  val_targets[:6]]), args.run_dir / f"grid_{step:05d}.png", nrow=6)
            save_checkpoint(ckpt, parts, step, rng)
    scores = validate()
    record_weights(WEIGHTS_FILE, {k: v.half() for k, v in net.state_dict().items()},
                   source="trained by training/train_sharp_upscale.py", licence="weights: project's own; "
                   "trained partly on WikiArt images (non-commercial research terms) and BSDS500 (non-commercial)",
                   data="../shared/data photos, wikiart-styles, impressionism-128 (train splits)",
                   recipe=f"python -m training.train_sharp_upscale ({recipe_log})",
                   metrics={"train_steps": step, "validation_crops_psnr_db": round(scores["psnr_db"], 3),
                            "validation_detail_ratio": round(scores["detail_ratio"], 3)},
                   weights_dir=args.weights_dir)


if __name__ == "__main__":
    main()
