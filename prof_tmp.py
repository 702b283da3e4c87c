import time, torch
from PIL import Image
from artstudio.models import registry
from bench.bench_speed import stroke_mask
torch.set_num_threads(2)
n = registry.get("inpainter")
for size in (512, 1024):
    img = Image.open("tests/fixtures/caravaggio_tooth-puller-1609.jpg").convert("RGB").resize((size, size))
    mask = stroke_mask(size, 0.15)
    n.fill(img, mask)
    ts = []
    for _ in range(3):
        t = time.time(); n.fill(img, mask); ts.append(time.time() - t)
    print(size, sorted(ts)[1])
