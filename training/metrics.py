"""Classification figures for model cards: top-k, macro-F1, per-class recall, confusion, ECE."""
import torch


def expected_calibration_error(probs: torch.Tensor, labels: torch.Tensor, bins: int = 15) -> float:
    conf, pred = probs.max(1)
    correct = (pred == labels).float()
    ece = 0.0
    edges = torch.linspace(0, 1, bins + 1)
    for lo, hi in zip(edges[:-1], edges[1:]):
        in_bin = (conf > lo) & (conf <= hi)
        if in_bin.any():
            ece += in_bin.float().mean().item() * abs(conf[in_bin].mean().item() - correct[in_bin].mean().item())
    return ece


def classification_report(logits: torch.Tensor, labels: torch.Tensor, names: list[str]) -> dict:
    probs = torch.softmax(logits, 1)
    pred = probs.argmax(1)
    n = len(names)
    confusion = torch.zeros(n, n, dtype=torch.long)
    for t, p in zip(labels.tolist(), pred.tolist()):
        confusion[t, p] += 1
    tp = confusion.diag().float()
    recall = tp / confusion.sum(1).clamp(min=1)
    precision = tp / confusion.sum(0).clamp(min=1)
    f1 = 2 * precision * recall / (precision + recall).clamp(min=1e-9)
    top3 = (probs.topk(3, 1).indices == labels[:, None]).any(1).float().mean().item()
    return {"top1": round((pred == labels).float().mean().item(), 4), "top3": round(top3, 4),
            "macro_f1": round(f1.mean().item(), 4),
            "ece": round(expected_calibration_error(probs, labels), 4),
            "per_class_recall": {name: round(r, 3) for name, r in zip(names, recall.tolist())},
            "confusion": confusion.tolist()}
