"""Train the blind restorer (artstudio/nets/restore_nets.py BlindRestorer): clean and enlarge in one call.

    python -m training.train_blind_restore [--steps 4000] [--batch 16] [--threads 2] [--grow-to 64x16]

Warm-started from the shipped cleaner (all three of its cleaners) and x4 enlarger (its x2 enlarger starts as
the x4 one halved), or with --grow-to from the shipped blind restorer, its enlarger grown wider and deeper
(training/grow.py; at its own size it simply continues); then trained end to end on random real-world
damage chains (training/degradations.py damage_chain). Steps cycle through the scales x2, x1, x2, x4, x2, x1 (x2 most: old web copies are mostly
enlarged by two; x1 steps are cheap), or those --scales names (1 alone trains the x1 cleaner, which
--grow-cleaner-to can widen first). Inputs are 48 px crops for x2 and x4 and 96 px for x1. The x1
batches mix three kinds (equally by default, --x1-mix):
- the cleaner's old noise-and-JPEG damage, so sigma-25 denoising does not regress;
- JPEG alone at quality 10-50;
- the chain.
15% of the x2 and x4 crops are a clean downscale, so plain enlargement stays sharp; of the chains, the
share --web-copy is a typical old web copy (every damage of one round, each mild), the share --mild one
mild round, the rest the full chain. Loss: L1.

Every 250 steps the PSNR on fixed validation crops is logged per scale (with the bicubic of the input
beside it) and a checkpoint written under the run folder. Running again with --steps at or below the
checkpoint's step only exports the weights (fp16) and their manifest entry.
"""
import argparse
import random

import torch
import torch.nn.functional as F
from PIL import Image

from artstudio.nets.restore_nets import BlindRestorer, UpscaleNet
from artstudio.weights import WEIGHTS_DIR, load_weights, record_weights, sha256_of, weights_sha
from training.common import (ProgressLog, RecipeLog, cosine_lr, load_checkpoint, save_checkpoint, set_up,
                             standard_arguments)
from training.degradations import damage_chain, downscale, gaussian_noise, jpeg, noise_and_blocks, to_tensor
from training.grow import grown_restorer
from training.train_restore import add_photo_repeat, load_pool, psnr, random_crop, source_paths

WEIGHTS_FILE = "restore_blind.pt"
SCALE_CYCLE = (2, 1, 2, 4, 2, 1)
INPUT_SIDE = {1: 96, 2: 48, 4: 48}
VALIDATION_CROPS = 24


def damaged(crop: Image.Image, scale: int, rng: random.Random, generator: torch.Generator,
            mild: float, x1_mix: tuple[float, float, float] = (1, 1, 1), web_copy: float = 0.0) -> torch.Tensor:
    """The training input for one clean crop at one scale; `web_copy` and `mild`: the shares of enlarging
    chains that are a web copy and a mild round; `x1_mix`: the weights of the three x1 kinds (noise and
    JPEG, JPEG alone, the chain)."""
    if scale == 1:
        kind = rng.choices(range(3), weights=x1_mix)[0]
        if kind == 0:
            return noise_and_blocks(crop, rng, generator)
        if kind == 1:
            return to_tensor(jpeg(crop, rng.randint(10, 50)))
    elif rng.random() < 0.15:
        return downscale(crop, scale, rng, generator)
    roll = rng.random() if scale > 1 else 1.0
    return damage_chain(crop, scale, rng, generator, mild=web_copy <= roll < web_copy + mild, web_copy=roll < web_copy)


def make_batch(pool: list[Image.Image], scale: int, count: int, rng: random.Random,
               generator: torch.Generator, mild: float = 0.0, x1_mix: tuple[float, float, float] = (1, 1, 1),
               web_copy: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    side = INPUT_SIDE[scale] * scale
    crops = [random_crop(rng.choice(pool), side, rng) for _ in range(count)]
    return (torch.stack([damaged(c, scale, rng, generator, mild, x1_mix, web_copy) for c in crops]),
            torch.stack([to_tensor(c) for c in crops]))


def fixed_sets(pool: list[Image.Image]) -> dict[str, tuple[int, torch.Tensor, torch.Tensor]]:
    """Validation crops, the same every run: each scale's full chains, x2 mild chains, x2 web copies, and x1
    sigma-25 noise and JPEG q20."""
    sets = {}
    for scale in (1, 2, 4):
        sets[f"x{scale}"] = (scale, *make_batch(pool, scale, VALIDATION_CROPS, random.Random(1234 + scale),
                                                torch.Generator().manual_seed(1234 + scale)))
    sets["x2mild"] = (2, *make_batch(pool, 2, VALIDATION_CROPS, random.Random(1240), torch.Generator().manual_seed(1240),
                                     mild=1.0))
    sets["x2web"] = (2, *make_batch(pool, 2, VALIDATION_CROPS, random.Random(1241), torch.Generator().manual_seed(1241),
                                    web_copy=1.0))
    rng, generator = random.Random(99), torch.Generator().manual_seed(99)
    crops = [random_crop(rng.choice(pool), INPUT_SIDE[1], rng) for _ in range(VALIDATION_CROPS)]
    clean = torch.stack([to_tensor(c) for c in crops])
    sets["sigma25"] = (1, torch.stack([gaussian_noise(to_tensor(c), 25, generator) for c in crops]), clean)
    sets["jpeg20"] = (1, torch.stack([to_tensor(jpeg(c, 20)) for c in crops]), clean)
    return sets


def validate(net: BlindRestorer, sets: dict) -> dict[str, float]:
    with torch.no_grad():
        scores = {name: psnr(net.eval()(inputs, scale), targets) for name, (scale, inputs, targets) in sets.items()}
    net.train()
    return scores


def baselines(sets: dict) -> dict[str, float]:
    return {name: psnr(F.interpolate(inputs, scale_factor=scale, mode="bicubic") if scale > 1 else inputs, targets)
            for name, (scale, inputs, targets) in sets.items()}


def own_x2_path(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """A blind restorer's state dict in today's layout. Until session 24 the x2 path shared the x4 path's
    cleaner and enlarger body, with a x2 tail of its own (`to_x2`); its own networks start as those."""
    if "to_x2.0.weight" not in state:
        return state
    tail_index = 2 + 2 * UpscaleNet.shape_of(state, "enlarger.")[1]
    upgraded = {k: v for k, v in state.items() if not k.startswith("to_x2.")}
    upgraded.update({"x2_" + k: v for k, v in state.items() if k.startswith("pre_cleaner.") or
                     (k.startswith("enlarger.body.") and int(k.split(".")[2]) < tail_index)})
    upgraded.update({f"x2_enlarger.body.{tail_index}.{p}": state[f"to_x2.0.{p}"] for p in ("weight", "bias")})
    return upgraded


def grown_shipped_restorer(width: int, convs: int, cleaner_width: int | None,
                           x2_size: tuple[int, int, int] | None) -> tuple[BlindRestorer, str]:
    """The shipped blind restorer grown (training/grow.py grown_restorer); and the recipe words."""
    state = own_x2_path({k: v.float() for k, v in load_weights(WEIGHTS_FILE).items()})
    shipped = BlindRestorer(*BlindRestorer.shape_of(state))
    shipped.load_state_dict(state)
    words = (f"grown from {WEIGHTS_FILE} (sha256 {weights_sha(WEIGHTS_FILE)[:12]}, enlarger "
             f"{shipped.enlarger.width}x{shipped.enlarger.convs}) to an enlarger of {width}x{convs}"
             + (f" and a cleaner of width {cleaner_width}" if cleaner_width else "")
             + (" and its x2 path to an enlarger of {}x{} after a cleaner of width {}".format(*x2_size)
                if x2_size else ""))
    return grown_restorer(shipped, width, convs, cleaner_width, x2_size), words


def warm_start(net: BlindRestorer) -> str:
    """The shipped cleaner and x4 enlarger (weights/); returns the recipe words."""
    words = []
    for part, file in ((net.cleaner, "restore_denoise.pt"), (net.pre_cleaner, "restore_denoise.pt"),
                       (net.enlarger, "restore_upscale_x4.pt")):
        path = WEIGHTS_DIR / file
        part.load_state_dict({k: v.float() for k, v in torch.load(path, weights_only=True).items()})
        words.append(f"{file} (sha256 {sha256_of(path)[:12]})")
    net.x2_from_x4()
    return "warm start from " + ", ".join(words) + " (all three cleaners) and the x2 enlarger from the x4 one"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    standard_arguments(parser, steps=4000, batch=16, lr=2e-4, run_dir="runs/blind_restore")
    parser.add_argument("--mild", type=float, default=0.0,
                        help="share of the x2 and x4 damage chains that are one mild round (damage_chain mild)")
    parser.add_argument("--web-copy", type=float, default=0.0,
                        help="share of the x2 and x4 damage chains that are a typical web copy (damage_chain web_copy)")
    parser.add_argument("--grow-to", help="start from the shipped blind restorer, its enlarger grown to "
                        "WIDTHxCONVS (e.g. 64x16); its own size continues it")
    parser.add_argument("--grow-cleaner-to", type=int, help="with --grow-to: widen the x1 cleaner to this width")
    parser.add_argument("--grow-x2-to", help="with --grow-to: grow the x2 path alone to an enlarger of "
                        "WIDTHxCONVS after a cleaner of width CLEANER, written WIDTHxCONVSxCLEANER (e.g. 64x16x48)")
    parser.add_argument("--scales", default=",".join(map(str, SCALE_CYCLE)),
                        help="the cycle of scales the steps go through (1 alone trains only the x1 cleaner)")
    add_photo_repeat(parser)
    parser.add_argument("--x1-mix", default="1,1,1",
                        help="weights of the x1 kinds: noise and JPEG, JPEG alone (quality 10-50), the chain")
    args = parser.parse_args()
    x1_mix = tuple(float(w) for w in args.x1_mix.split(","))
    scales = [int(n) for n in args.scales.split(",")]
    rng = set_up(args)
    generator = torch.Generator().manual_seed(args.seed)

    pool = load_pool(source_paths(False, args.limit, args.photo_repeat))
    pools = {scale: [im for im in pool if min(im.size) >= INPUT_SIDE[scale] * scale] or pool for scale in (1, 2, 4)}
    val_pool = load_pool(source_paths(True, args.limit)) or pool
    sets = fixed_sets([im for im in val_pool if min(im.size) >= 192] or val_pool)
    print(f"{len(pool)} training images ({len(pools[4])} large enough for x4), {len(val_pool)} validation images",
          flush=True)

    recipe_log = RecipeLog()
    if args.grow_to:
        x2_size = tuple(int(n) for n in args.grow_x2_to.split("x")) if args.grow_x2_to else None
        net, recipe_log.init = grown_shipped_restorer(*(int(n) for n in args.grow_to.split("x")),
                                                      args.grow_cleaner_to, x2_size)
    else:
        net = BlindRestorer(*UpscaleNet.shape_of(load_weights("restore_upscale_x4.pt")))
        recipe_log.init = warm_start(net)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    parts = {"net": net, "opt": opt, "recipe_log": recipe_log}
    ckpt = args.run_dir / "last.pt"
    step, rng = load_checkpoint(ckpt, parts, rng)
    settings = " ".join([f"--steps {args.steps} --batch {args.batch} --lr {args.lr} --mild {args.mild} "
                         f"--x1-mix {args.x1_mix} --seed {args.seed}"]
                        + [f"--{name.replace('_', '-')} {value}" for name, value in
                           (("web_copy", args.web_copy), ("scales", args.scales), ("photo_repeat", args.photo_repeat),
                            ("grow_to", args.grow_to),
                            ("grow_cleaner_to", args.grow_cleaner_to), ("grow_x2_to", args.grow_x2_to)) if value != parser.get_default(name)])
    if step < args.steps:
        recipe_log.start(step, settings)
    reference = baselines(sets)
    print("validation PSNR of the bicubic input: " + ", ".join(f"{k} {v:.2f}" for k, v in reference.items()), flush=True)
    if step == 0:
        print("at the warm start: " + ", ".join(f"{k} {v:.2f}" for k, v in validate(net, sets).items()), flush=True)
    log = ProgressLog(every=20)
    while step < args.steps:
        cosine_lr(opt, args.lr, step, args.steps, warmup=200)
        scale = scales[step % len(scales)]
        inputs, targets = make_batch(pools[scale], scale, args.batch, rng, generator, args.mild, x1_mix,
                                     args.web_copy)
        loss = (net(inputs, scale) - targets).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        log(step, l1=loss.item())
        if step % 250 == 0 or step == args.steps:
            scores = validate(net, sets)
            print(f"step {step} validation PSNR " + ", ".join(f"{k} {v:.2f}" for k, v in scores.items()), flush=True)
            save_checkpoint(ckpt, parts, step, rng)
    scores = validate(net, sets)
    record_weights(WEIGHTS_FILE, {k: v.half() for k, v in net.state_dict().items()},
                   source="trained by training/train_blind_restore.py", licence="weights: project's own; "
                   "trained partly on WikiArt images (non-commercial research terms) and BSDS500 (non-commercial)",
                   data="../shared/data photos, wikiart-styles, impressionism-128 (train splits)",
                   recipe=f"python -m training.train_blind_restore ({recipe_log})",
                   metrics={"train_steps": step, **{f"validation_{k}_psnr_db": round(v, 3) for k, v in scores.items()},
                            **{f"validation_{k}_bicubic_psnr_db": round(v, 3) for k, v in reference.items()}},
                   weights_dir=args.weights_dir)


if __name__ == "__main__":
    main()
