"""Classification metrics and plots for the emotion model (the design's evaluation protocol)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

from engine.labels import EMOTIONS


def classification_report(y_true: list[int] | np.ndarray, y_pred: list[int] | np.ndarray) -> dict:
    """Accuracy, macro-F1, per-class precision/recall/F1/support and the confusion matrix.

    Rows of the confusion matrix are true labels, columns predictions, both in `EMOTIONS` order.
    """
    labels = list(range(len(EMOTIONS)))
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    per_class = {
        name: {
            "precision": round(float(precision[i]), 4),
            "recall": round(float(recall[i]), 4),
            "f1": round(float(f1[i]), 4),
            "support": int(support[i]),
        }
        for i, name in enumerate(EMOTIONS)
    }
    return {
        "n": len(y_true),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(np.mean(f1)), 4),
        "per_class": per_class,
        "labels": list(EMOTIONS),
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }


def format_report(report: dict) -> str:
    """A plain-text table of a `classification_report` result."""
    lines = [f"{'emotion':<10} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"]
    for name, row in report["per_class"].items():
        lines.append(
            f"{name:<10} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f} {row['support']:>8}"
        )
    lines.append(f"accuracy {report['accuracy']:.4f}   macro-F1 {report['macro_f1']:.4f}   n={report['n']}")
    lines.append("confusion matrix (rows true, columns predicted): " + " ".join(EMOTIONS))
    lines.extend("  " + " ".join(f"{v:>5}" for v in row) for row in report["confusion_matrix"])
    return "\n".join(lines)


def plot_confusion_matrix(report: dict, path: str | Path, title: str = "Confusion matrix") -> None:
    """Save the confusion matrix as a PNG heat map with counts in each cell."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matrix = np.array(report["confusion_matrix"])
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(EMOTIONS)), EMOTIONS, rotation=45, ha="right")
    ax.set_yticks(range(len(EMOTIONS)), EMOTIONS)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    threshold = matrix.max() / 2 if matrix.size else 0
    for (row, col), value in np.ndenumerate(matrix):
        ax.text(
            col, row, str(value), ha="center", va="center", color="white" if value > threshold else "black"
        )
    ax.set_title(f"{title} (accuracy {report['accuracy']:.3f}, macro-F1 {report['macro_f1']:.3f})")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_grid(grid: list[dict], path: str | Path, metric: str = "macro_f1") -> None:
    """Save the grid search (learning rate x epochs) as a heat map of `metric`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rates = sorted({row["lr"] for row in grid})
    epochs = sorted({row["epochs"] for row in grid})
    values = np.full((len(rates), len(epochs)), np.nan)
    for row in grid:
        values[rates.index(row["lr"]), epochs.index(row["epochs"])] = row[metric]
    fig, ax = plt.subplots(figsize=(1.6 * len(epochs) + 2, 0.9 * len(rates) + 1.8))
    ax.imshow(values, cmap="viridis")
    ax.set_xticks(range(len(epochs)), [str(e) for e in epochs])
    ax.set_yticks(range(len(rates)), [f"{r:g}" for r in rates])
    ax.set_xlabel("epochs")
    ax.set_ylabel("learning rate")
    for (row, col), value in np.ndenumerate(values):
        if not np.isnan(value):
            ax.text(col, row, f"{value:.3f}", ha="center", va="center", color="white")
    ax.set_title(f"validation {metric} per grid cell")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
