"""Train the relu3_1 decoder used by fast style transfer (artstudio/nets/feature_transforms.py).

Each step whitens-and-colours the relu3_1 features of content crops (photos and paintings) with
those of style crops (WikiArt paintings; the six preset styles are kept out, so evaluation uses
unseen styles) and decodes them. The losses are AdaIN's (Huang and Belongie 2017): the output's
relu3_1 features should equal the transformed features (content), and its VGG16 relu1_1..relu4_1
channel means and standard deviations should equal the style's (style). So the decoder learns to
paint the style's brush texture, not only to invert features. --init warm-starts from a decoder.

Seeded and resumable: checkpoints and sample grids (content, style, result rows) go to the run
folder. Running again with --steps at or below the checkpoint's step only exports
weights/style_decoder.pt and its manifest entry.

    python training/train_stylizer.py [--steps 1500] [--size 128] [--batch 4] [--threads 2] [--init FILE]
"""
import argparse
import random
import sys
from pathlib import Path

import torch
import torchvision.transforms.v2.functional as TF
from PIL import Image
from torchvision.utils import save_image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from artstudio.nets.feature_transforms import ENCODER_TAP, Decoder, feature_moments, whiten_colour  # noqa: E402
from artstudio.nets.vgg import VGGFeatures  # noqa: E402
from artstudio.weights import load_into, record_weights  # noqa: E402
from training.common import ProgressLog, load_checkpoint, save_checkpoint, set_up, standard_arguments  # noqa: E402
from training.data import DATA_DIR, list_images, split  # noqa: E402

STYLE_TAPS = ("relu1_1", "relu2_1", "relu3_1", "relu4_1")


def load_vgg() -> VGGFeatures:
    return load_into(VGGFeatures(), "vgg16_hed_conv4_2.pt")


def random_crop(path: Path, size: int, rng: random.Random) -> torch.Tensor:
    img = Image.open(path).convert("RGB")
    short = rng.randint(size, int(size * 2))
    scale = short / min(img.size)
    img = img.resize((max(size, round(img.width * scale)), max(size, round(img.height * scale))), Image.BICUBIC)
    left, top = rng.randint(0, img.width - size), rng.randint(0, img.height - size)
    return TF.to_dtype(TF.to_image(img.crop((left, top, left + size, top + size))), torch.float32, scale=True)


def content_pool(limit: int) -> list[Path]:
    pool = (split(list_images(DATA_DIR / "photos"))[0] * 4 + split(list_images(DATA_DIR / "impressionism-128"))[0][:2000]
            + split(list_images(DATA_DIR / "wikiart-styles"))[0])
    return pool[:limit] if limit else pool


def style_pool(limit: int) -> list[Path]:
    pool = split(list_images(DATA_DIR / "wikiart-styles"))[0]
    return pool[:limit] if limit else pool


def mean_std_loss(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    mse = torch.nn.functional.mse_loss
    return mse(out.mean((2, 3)), target.mean((2, 3))) + mse(out.std((2, 3)), target.std((2, 3)))


def stylised_targets(content_feat: torch.Tensor, style_feat: torch.Tensor) -> torch.Tensor:
    """Whitening-colouring of each content sample with the style sample at the same index."""
    return torch.cat([whiten_colour(content_feat[i:i + 1], *feature_moments(style_feat[i:i + 1])).float()
                      for i in range(len(content_feat))])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    standard_arguments(parser, steps=1500, batch=4, lr=1e-4, size=128, run_dir="runs/stylizer_wct")
    parser.add_argument("--style-weight", type=float, default=1.0)
    parser.add_argument("--init", type=Path, help="warm start from a style_decoder.pt")
    args = parser.parse_args()
    rng = set_up(args)

    contents, styles = content_pool(args.limit), style_pool(args.limit)
    print(f"{len(contents)} content and {len(styles)} style source images", flush=True)
    vgg, decoder = load_vgg(), Decoder()
    if args.init:
        decoder.load_state_dict({k: v.float() for k, v in torch.load(args.init, weights_only=True).items()})
    opt = torch.optim.Adam(decoder.parameters(), lr=args.lr)
    ckpt = args.run_dir / "last.pt"
    step, rng = load_checkpoint(ckpt, {"decoder": decoder, "opt": opt}, rng)
    log = ProgressLog()
    while step < args.steps:
        for group in opt.param_groups:
            group["lr"] = args.lr * (0.1 + 0.9 * (1 - step / args.steps))
        content = torch.stack([random_crop(rng.choice(contents), args.size, rng) for _ in range(args.batch)])
        style = torch.stack([random_crop(rng.choice(styles), args.size, rng) for _ in range(args.batch)])
        with torch.no_grad():
            style_feats = vgg(style, STYLE_TAPS)
            target = stylised_targets(vgg(content, (ENCODER_TAP,))[ENCODER_TAP], style_feats[ENCODER_TAP])
        out = decoder(target)
        out_feats = vgg(out, STYLE_TAPS)
        loss_content = torch.nn.functional.mse_loss(out_feats[ENCODER_TAP], target)
        loss_style = sum(mean_std_loss(out_feats[t], style_feats[t]) for t in STYLE_TAPS)
        loss = loss_content + args.style_weight * loss_style
        opt.zero_grad(); loss.backward(); opt.step()
        step += 1
        log(step, content=loss_content.item(), style=loss_style.item())
        if step % 100 == 0 or step == args.steps:
            save_image(torch.cat([content, style, out.clamp(0, 1)]), args.run_dir / f"grid_{step:05d}.png",
                       nrow=args.batch)
            save_checkpoint(ckpt, {"decoder": decoder, "opt": opt}, step, rng)
    record_weights("style_decoder.pt", {k: v.half() for k, v in decoder.state_dict().items()},
                   source="trained by training/train_stylizer.py", licence="weights: project's own",
                   data="../shared/data photos, impressionism-128, wikiart-styles (train splits; no preset styles)",
                   recipe=f"training/train_stylizer.py --steps {step} --size {args.size} --batch {args.batch} "
                          f"--lr {args.lr} --style-weight {args.style_weight} --seed {args.seed}"
                          + (f" --init {args.init}" if args.init else ""),
                   metrics={"train_steps": step}, weights_dir=args.weights_dir)


if __name__ == "__main__":
    main()
