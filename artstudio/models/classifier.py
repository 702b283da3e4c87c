"""Art-movement classifier: probabilities, Grad-CAM heat maps and embeddings for custom labels."""
import torch
from PIL import Image

from artstudio.classes import MOVEMENTS
from artstudio.models.tensors import to_tensor
from artstudio.models.custom_labels import LabelSet
from artstudio.nets.movement_net import STAT_CHANNELS, TAIL_START, MovementNet
from artstudio.weights import load_weights, weights_sha

BACKBONE_FILE = "mobilenet_v2_imagenet.pt"
HEAD_FILE = "movement_classifier.pt"
INPUT_SIZE = 224
EMBEDDING_DIM = 1280 + 2 * STAT_CHANNELS


class MovementClassifier:
    name = "movement-classifier"
    files = (BACKBONE_FILE, HEAD_FILE)    # checked by registry.availability

    def __init__(self, device: torch.device) -> None:
        self.device = device
        backbone = load_weights(BACKBONE_FILE)
        head = load_weights(HEAD_FILE)
        net = MovementNet(len(MOVEMENTS))
        net.trunk.load_state_dict({k[len("features."):]: v.float() for k, v in backbone.items()
                                   if k.startswith("features.") and int(k.split(".")[1]) < TAIL_START})
        net.head.load_state_dict({k: v.float() for k, v in head.items()})
        self.net = net.eval().to(device)
        self.sha256 = weights_sha(HEAD_FILE)
        self.labels = list(MOVEMENTS)

    def _batch(self, images: list[Image.Image]) -> torch.Tensor:
        return torch.cat([to_tensor(img.convert("RGB").resize((INPUT_SIZE, INPUT_SIZE), Image.BICUBIC), self.device)
                          for img in images])

    @torch.no_grad()
    def probabilities(self, images: list[Image.Image]) -> torch.Tensor:
        """(N, 11) calibrated probabilities, averaged over the image and its mirror image."""
        x = self._batch(images)
        return (self.net(x).softmax(1) + self.net(x.flip(3)).softmax(1)).cpu() / 2

    def top(self, image: Image.Image, k: int = 5) -> list[tuple[str, float]]:
        probs = self.probabilities([image])[0]
        values, indices = probs.topk(min(k, len(self.labels)))
        return [(self.labels[i], float(v)) for v, i in zip(values, indices)]

    @torch.no_grad()
    def embed(self, images: list[Image.Image]) -> torch.Tensor:
        """(N, D) unit-length features (pooled tail output plus style statistics) for custom labels."""
        x = self._batch(images)
        out = []
        for view in (x, x.flip(3)):
            trunk, stats = self.net.trunk_and_stats(view)
            pooled = self.net.head.tail(trunk).mean((2, 3))
            out.append(torch.cat([torch.nn.functional.normalize(pooled, dim=1),
                                  torch.nn.functional.normalize(stats, dim=1)], 1))
        return torch.nn.functional.normalize(out[0] + out[1], dim=1).cpu()

    def top_custom(self, label_set: LabelSet, image: Image.Image, k: int = 5) -> list[tuple[str, float]]:
        """Top-k of an artist's own label set."""
        probs = label_set.probabilities(self.embed([image]))[0]
        values, indices = probs.topk(min(k, len(label_set.labels)))
        return [(label_set.labels[i], float(v)) for v, i in zip(values, indices)]

    def heatmap(self, image: Image.Image, label_index: int | None = None) -> Image.Image:
        """Grad-CAM over the last feature map: where the evidence for the label (default: top) lies."""
        x = self._batch([image])
        with torch.no_grad():
            trunk, stats = self.net.trunk_and_stats(x)
        feature_map = self.net.head.tail(trunk).detach().requires_grad_(True)
        head = self.net.head
        logits = head.fc(torch.cat([feature_map.mean((2, 3)), stats], 1))
        index = int(logits.argmax()) if label_index is None else label_index
        (grad,) = torch.autograd.grad(logits[0, index], feature_map)
        cam = torch.relu((grad.mean((2, 3), keepdim=True) * feature_map).sum(1, keepdim=True))
        cam = cam / cam.max().clamp(min=1e-8)
        cam = torch.nn.functional.interpolate(cam, size=(image.height, image.width), mode="bilinear",
                                              antialias=True)[0, 0].clamp(0, 1)
        return Image.fromarray((cam * 255).round().to(torch.uint8).cpu().numpy())
