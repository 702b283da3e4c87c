"""Art-movement classifier: probabilities, Grad-CAM heat maps and embeddings for custom labels.

Three heads, over MobileNetV2, EfficientNet-Lite0 and EfficientNet-Lite2, are averaged in log-probability
with the weights and temperature `training/fuse_classifiers.py` fitted on the validation split. Heat maps
and custom-label embeddings come from the MobileNetV2 head, so label sets taught earlier stay valid.
When the attribution head is installed (artstudio/models/attribution.py), the same network passes also
say who painted a picture and when, from the first two heads' features.
"""
from collections.abc import Sequence
from functools import partial

import torch
from PIL import Image

from artstudio.classes import MOVEMENTS
from artstudio.models import attribution
from artstudio.models.attribution import Attribution
from artstudio.models.base import StudioModel
from artstudio.models.tensors import to_tensor
from artstudio.models.custom_labels import LabelSet
from artstudio.nets.movement_net import LITE2, STAT_CHANNELS, EfficientMovementNet, MovementNet
from artstudio.weights import load_weights, weights_sha

BACKBONES = {  # name -> (network, ImageNet weights, trained head)
    "mobilenet_v2": (MovementNet, "mobilenet_v2_imagenet.pt", "movement_classifier.pt"),
    "efficientnet_lite0": (EfficientMovementNet, "efficientnet_lite0_imagenet.pt", "movement_classifier_efficientnet.pt"),
    "efficientnet_lite2": (partial(EfficientMovementNet, layout=LITE2), "efficientnet_lite2_imagenet.pt",
                           "movement_classifier_efficientnet_lite2.pt"),
}
ATTRIBUTION_BACKBONES = ("mobilenet_v2", "efficientnet_lite0")   # whose features the attribution head reads
ENSEMBLE_FILE = "movement_ensemble.pt"
TUNED_TRUNK = "trunk."    # head-file keys of trunk blocks fine-tuned with the head (train_classifier.py --tune-from)
INPUT_SIZE = 224
EMBEDDING_DIM = 1280 + 2 * STAT_CHANNELS


def load_backbone_net(name: str, device: torch.device) -> MovementNet | EfficientMovementNet:
    """One backbone with its trained head, ready for inference."""
    network, backbone_file, head_file = BACKBONES[name]
    net = network(len(MOVEMENTS))
    net.load_backbone(load_weights(backbone_file))
    trained = {k: v.float() for k, v in load_weights(head_file).items()}
    net.load_tuned_trunk({k.removeprefix(TUNED_TRUNK): v for k, v in trained.items() if k.startswith(TUNED_TRUNK)})
    net.head.load_state_dict({k: v for k, v in trained.items() if not k.startswith(TUNED_TRUNK)})
    return net.eval().to(device)


def fuse(head_logits: Sequence[torch.Tensor], weights: Sequence[float], temperature: float) -> torch.Tensor:
    """Ensemble logits: a weighted mean of the heads' log-probabilities (BACKBONES order), over a fitted
    temperature."""
    return sum(w * logits.log_softmax(1) for w, logits in zip(weights, head_logits)) / temperature


class MovementClassifier(StudioModel):
    name = "movement-classifier"
    files = tuple(f for _, backbone, head in BACKBONES.values() for f in (backbone, head)) + (ENSEMBLE_FILE,)

    def __init__(self, device: torch.device) -> None:
        super().__init__(device, weights_sha(ENSEMBLE_FILE))
        self.nets = {name: load_backbone_net(name, device) for name in BACKBONES}
        self.net = self.nets["mobilenet_v2"]
        ensemble = load_weights(ENSEMBLE_FILE)
        self.weights = ensemble["weights"].tolist()
        self.temperature = float(ensemble["temperature"])
        self.labels = list(MOVEMENTS)
        self.attributor = attribution.Attributor(device) if attribution.installed() else None

    def _batch(self, images: list[Image.Image]) -> torch.Tensor:
        return torch.cat([to_tensor(img.convert("RGB").resize((INPUT_SIZE, INPUT_SIZE), Image.BICUBIC), self.device)
                          for img in images])

    @torch.no_grad()
    def describe(self, images: list[Image.Image]) -> tuple[torch.Tensor, torch.Tensor]:
        """(N, 11) calibrated ensemble logits and (N, D) attribution features, from one pass of each backbone:
        the features are the ATTRIBUTION_BACKBONES' linear layers' inputs, side by side."""
        x = self._batch(images)
        logits, features = [], []
        for name, net in self.nets.items():
            described = net.head.describe(*net.trunk_and_stats(x))
            if name in ATTRIBUTION_BACKBONES:
                features.append(described)
            logits.append(net.head.fc(described) / net.head.temperature)
        return fuse(logits, self.weights, self.temperature).cpu(), torch.cat(features, 1).cpu()

    def logits(self, images: list[Image.Image]) -> torch.Tensor:
        """(N, 11) calibrated ensemble logits."""
        return self.describe(images)[0]

    def probabilities(self, images: list[Image.Image]) -> torch.Tensor:
        """(N, 11) calibrated probabilities."""
        return self.logits(images).softmax(1)

    def _top(self, probs: torch.Tensor, k: int) -> list[tuple[str, float]]:
        values, indices = probs.topk(min(k, len(self.labels)))
        return [(self.labels[i], float(v)) for v, i in zip(values, indices)]

    def top(self, image: Image.Image, k: int = 5) -> list[tuple[str, float]]:
        return self._top(self.probabilities([image])[0], k)

    def analyse(self, image: Image.Image, k: int = 5) -> tuple[list[tuple[str, float]], Attribution | None]:
        """The top-k movements and, when the attribution head is installed, artist and year: one pass."""
        logits, features = self.describe([image])
        found = self.attributor.attribute(features)[0] if self.attributor else None
        return self._top(logits.softmax(1)[0], k), found

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
        """Grad-CAM over MobileNetV2's last feature map: where the evidence for the movement (default: the
        ensemble's top) lies."""
        index = int(self.logits([image]).argmax()) if label_index is None else label_index
        return self.heatmaps(image, index)[0]

    def heatmaps(self, image: Image.Image, label_index: int,
                 artist_index: int | None = None) -> tuple[Image.Image, Image.Image | None]:
        """Grad-CAM for a movement and, with `artist_index` (and the attribution head), for that artist,
        from one forward pass: MobileNetV2's last feature map carries both scores' gradients."""
        x = self._batch([image])
        with torch.no_grad():
            trunk, stats = self.net.trunk_and_stats(x)
            other = None
            if artist_index is not None and self.attributor is not None:
                second = self.nets[ATTRIBUTION_BACKBONES[1]]     # the first is self.net
                other = second.head.describe(*second.trunk_and_stats(x))
        feature_map = self.net.head.tail(trunk).detach().requires_grad_(True)
        described = torch.cat([feature_map.mean((2, 3)), stats], 1)
        movement = self._cam(feature_map, self.net.head.fc(described)[0, label_index], image.size,
                             retain=other is not None)
        if other is None:
            return movement, None
        score = self.attributor.artist_logit(torch.cat([described, other], 1), artist_index)[0]
        return movement, self._cam(feature_map, score, image.size, retain=False)

    @staticmethod
    def _cam(feature_map: torch.Tensor, score: torch.Tensor, size: tuple[int, int], retain: bool) -> Image.Image:
        (grad,) = torch.autograd.grad(score, feature_map, retain_graph=retain)
        cam = torch.relu((grad.mean((2, 3), keepdim=True) * feature_map).sum(1, keepdim=True))
        cam = cam / cam.max().clamp(min=1e-8)
        cam = torch.nn.functional.interpolate(cam, size=(size[1], size[0]), mode="bilinear",
                                              antialias=True)[0, 0].clamp(0, 1)
        return Image.fromarray((cam * 255).round().to(torch.uint8).cpu().numpy())
