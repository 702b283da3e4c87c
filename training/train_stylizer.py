"""Train the relu3_1 decoder used by fast style transfer (artstudio/nets/feature_transforms.py).

The decoder learns to invert frozen VGG16 relu3_1 features (pixel L1 plus a relu2_1 perceptual
loss) on photos, Impressionist paintings and WikiArt paintings, so that any style's features can
be decoded later. Seeded and resumable: checkpoints and sample grids (input over reconstruction)
go to runs/stylizer/. Running again with --steps at or below the checkpoint's step only exports
weights/style_decoder.pt and its manifest entry.

    python -m training.train_stylizer [--steps 1500] [--size 128] [--batch 4] [--threads 2]
"""
import argparse
import random
from pathlib import Path

import torch
import torchvision.transforms.v2.functional as TF
from PIL import Image
from torchvision.utils import save_image

from artstudio.nets.feature_transforms import ENCODER_TAP, Decoder
from artstudio.nets.vgg import VGGFeatures
from artstudio.weights import load_into, record_weights
from training.common import ProgressLog, load_checkpoint, save_checkpoint, set_up, standard_arguments
from training.data import DATA_DIR, list_images, split



def load_vgg() -> VGGFeatures:
    return load_into(VGGFeatures(), "vgg16_hed_conv4_2.pt")


def random_crop(path: Path, size: int, rng: random.Random) -> torch.Tensor:
    img = Image.open(path).convert("RGB")
    short = rng.randint(size, int(size * 2))
    scale = short / min(img.size)
    img = img.resize((max(size, round(img.width * scale)), max(size, round(img.height * scale))), Image.BICUBIC)
    left, top = rng.randint(0, img.width - size), rng.randint(0, img.height - size)
    return TF.to_dtype(TF.to_image(img.crop((left, top, left + size, top + size))), torch.float32, scale=True)


def training_pool(limit: int) -> list[Path]:
    pool = (split(list_images(DATA_DIR / "photos"))[0] * 4 + split(list_images(DATA_DIR / "impressionism-128"))[0][:2000]
            + split(list_images(DATA_DIR / "wikiart-styles"))[0])
    return pool[:limit] if limit else pool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    standard_arguments(parser, steps=1500, batch=4, lr=5e-4, size=128, run_dir="runs/stylizer")
    args = parser.parse_args()
    rng = set_up(args)

    pool = training_pool(args.limit)
    print(f"{len(pool)} training crops' source images", flush=True)
    vgg, decoder = load_vgg(), Decoder()
    opt = torch.optim.Adam(decoder.parameters(), lr=args.lr)
    ckpt = args.run_dir / "last.pt"
    step, rng = load_checkpoint(ckpt, {"decoder": decoder, "opt": opt}, rng)
    log = ProgressLog()
    while step < args.steps:
        for group in opt.param_groups:
            group["lr"] = args.lr * (0.1 + 0.9 * (1 - step / args.steps))
        images = torch.stack([random_crop(rng.choice(pool), args.size, rng) for _ in range(args.batch)])
        with torch.no_grad():
            feat = vgg(images, (ENCODER_TAP,))[ENCODER_TAP]
            target_low = vgg(images, ("relu2_1",))["relu2_1"]
        out = decoder(feat)
        loss_pixel = (out - images).abs().mean()
        loss_perceptual = torch.nn.functional.mse_loss(vgg(out, ("relu2_1",))["relu2_1"], target_low) / 1000.0
        loss = loss_pixel + loss_perceptual
        opt.zero_grad(); loss.backward(); opt.step()
        step += 1
        log(step, pixel_l1=loss_pixel.item(), perceptual=loss_perceptual.item())
        if step % 100 == 0 or step == args.steps:
            save_image(torch.cat([images, out.clamp(0, 1)]), args.run_dir / f"grid_{step:05d}.png", nrow=args.batch)
            save_checkpoint(ckpt, {"decoder": decoder, "opt": opt}, step, rng)
    record_weights("style_decoder.pt", {k: v.half() for k, v in decoder.state_dict().items()},
                   source="trained by training/train_stylizer.py", licence="weights: project's own",
                   data="../shared/data photos, impressionism-128, wikiart-styles (train splits)",
                   recipe=f"training/train_stylizer.py --steps {step} --size {args.size} --batch {args.batch} "
                          f"--lr {args.lr} --seed {args.seed}",
                   metrics={"train_steps": step}, weights_dir=args.weights_dir)


if __name__ == "__main__":
    main()
