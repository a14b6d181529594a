"""Fine-tuning the emotion model: the design's grid search over learning rate x epochs."""

from __future__ import annotations

import copy
import json
import random
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
from torch.nn.functional import cross_entropy
from tqdm.auto import tqdm
from transformers import AutoTokenizer, get_linear_schedule_with_warmup

from engine.classifier import classifier_class
from engine.data import LabelledTexts
from engine.labels import EMOTIONS
from engine.metrics import classification_report, plot_confusion_matrix, plot_grid


@dataclass
class TrainConfig:
    """Hyper-parameters of one training job; `learning_rates` x `epochs` is the grid."""

    base_model: str
    learning_rates: list[float] = field(default_factory=lambda: [5e-5])
    epochs: list[int] = field(default_factory=lambda: [3])
    batch_size: int = 32
    max_tokens: int = 128
    weight_decay: float = 0.01
    warmup_fraction: float = 0.06
    seed: int = 42
    fresh_runs: bool = False
    """Train every (lr, epochs) cell from scratch; otherwise each lr trains once for the largest
    epoch count and the smaller counts are read off that run's epoch checkpoints (much cheaper)."""
    max_steps: int | None = None
    """Stop each run after this many optimiser steps (smoke tests)."""
    pooling: str = "cls"
    """How token vectors become one text vector: "cls" (BERT's [CLS] pooler, the shipped model) or
    "mean" (as the sentence model was trained; learns faster from little data); see
    `engine.classifier`."""


@dataclass
class TrainResult:
    model: torch.nn.Module
    tokenizer: object
    grid: list[dict]
    best: dict
    report: dict
    seconds: float
    step_losses: list[float]


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def length_sorted_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar-length examples: little padding, still random order.

    Examples are shuffled, sorted by length inside pools of 50 batches, cut into batches, and the
    batches shuffled.
    """
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = batch_size * 50
    batches: list[list[int]] = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: lengths[i])
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def load_base(base_model: str, pooling: str = "cls"):
    """Tokenizer and a fresh six-way classification model on top of `base_model`."""
    tokenizer = AutoTokenizer.from_pretrained(base_model)
    model = classifier_class(pooling).from_pretrained(
        base_model,
        num_labels=len(EMOTIONS),
        id2label=dict(enumerate(EMOTIONS)),
        label2id={name: i for i, name in enumerate(EMOTIONS)},
        dtype=torch.float32,
    )
    return tokenizer, model


@torch.inference_mode()
def evaluate_logits(model, tokenizer, texts: list[str], max_tokens: int, batch_size: int = 128) -> np.ndarray:
    """Logits for short texts (each within the window), batched by length."""
    model.eval()
    out = np.zeros((len(texts), len(EMOTIONS)), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        encoded = tokenizer(
            [texts[i] for i in batch],
            padding=True,
            truncation=True,
            max_length=max_tokens,
            return_tensors="pt",
        )
        out[batch] = model(**encoded).logits.float().numpy()
    return out


def validation_scores(model, tokenizer, val: LabelledTexts, max_tokens: int) -> tuple[dict, np.ndarray]:
    logits = evaluate_logits(model, tokenizer, val.texts, max_tokens)
    loss = float(cross_entropy(torch.from_numpy(logits), torch.tensor(val.labels)).item())
    report = classification_report(val.labels, logits.argmax(axis=1))
    return {
        "val_loss": round(loss, 4),
        "accuracy": report["accuracy"],
        "macro_f1": report["macro_f1"],
    }, logits


def train_grid(
    train: LabelledTexts, val: LabelledTexts, config: TrainConfig, progress: bool = True
) -> TrainResult:
    """Run the grid; return the model of the best cell by validation macro-F1, with the grid table."""
    started = time.time()
    schedules = sorted(config.epochs) if config.fresh_runs else [max(config.epochs)]
    grid: list[dict] = []
    best: dict | None = None
    best_state: dict | None = None
    step_losses: list[float] = []
    tokenizer = None
    for lr in config.learning_rates:
        for total_epochs in schedules:
            seed_everything(config.seed)
            tokenizer, model = load_base(config.base_model, config.pooling)
            lengths = [
                len(ids)
                for ids in tokenizer(train.texts, truncation=True, max_length=config.max_tokens)["input_ids"]
            ]
            steps_per_epoch = -(-len(train) // config.batch_size)
            total_steps = steps_per_epoch * total_epochs
            if config.max_steps is not None:
                total_steps = min(total_steps, config.max_steps)
            optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=config.weight_decay)
            scheduler = get_linear_schedule_with_warmup(
                optimizer, int(config.warmup_fraction * total_steps), max(1, total_steps)
            )
            rng = random.Random(config.seed)
            step = 0
            for epoch in range(1, total_epochs + 1):
                model.train()
                batches = length_sorted_batches(lengths, config.batch_size, rng)
                bar = tqdm(batches, desc=f"lr {lr:g} epoch {epoch}/{total_epochs}", disable=not progress)
                running = None
                for batch in bar:
                    if step >= total_steps:
                        break
                    encoded = tokenizer(
                        [train.texts[i] for i in batch],
                        padding=True,
                        truncation=True,
                        max_length=config.max_tokens,
                        return_tensors="pt",
                    )
                    labels = torch.tensor([train.labels[i] for i in batch])
                    loss = cross_entropy(model(**encoded).logits, labels)
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                    optimizer.step()
                    scheduler.step()
                    optimizer.zero_grad()
                    step += 1
                    value = float(loss.item())
                    step_losses.append(value)
                    running = value if running is None else 0.95 * running + 0.05 * value
                    bar.set_postfix(loss=f"{running:.4f}")
                bar.close()
                if epoch not in config.epochs or (config.fresh_runs and epoch != total_epochs):
                    continue
                scores, _ = validation_scores(model, tokenizer, val, config.max_tokens)
                row = {"lr": lr, "epochs": epoch, **scores, "train_loss": round(running or 0.0, 4)}
                grid.append(row)
                if progress:
                    tqdm.write(json.dumps(row))
                if best is None or row["macro_f1"] > best["macro_f1"]:
                    best = row
                    best_state = copy.deepcopy(model.state_dict())
    assert best is not None and best_state is not None and tokenizer is not None
    _, model = load_base(config.base_model, config.pooling)
    model.load_state_dict(best_state)
    model.eval()
    _, logits = validation_scores(model, tokenizer, val, config.max_tokens)
    report = classification_report(val.labels, logits.argmax(axis=1))
    return TrainResult(model, tokenizer, grid, best, report, time.time() - started, step_losses)


def save_trained(result: TrainResult, config: TrainConfig, out_dir: str | Path, data_info: dict) -> Path:
    """Save weights (float16 safetensors), tokenizer, metrics, plots and a manifest to `out_dir`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    half = copy.deepcopy(result.model).half()
    half.save_pretrained(out, safe_serialization=True)
    result.tokenizer.save_pretrained(out)
    (out / "inference.json").write_text(json.dumps({"max_tokens": config.max_tokens}) + "\n")
    (out / "labels.json").write_text(json.dumps(list(EMOTIONS)) + "\n")
    (out / "metrics.json").write_text(json.dumps(result.report, indent=2) + "\n")
    (out / "grid.json").write_text(json.dumps(result.grid, indent=2) + "\n")
    plot_confusion_matrix(result.report, out / "confusion_matrix.png", title="Validation")
    plot_grid(result.grid, out / "grid_macro_f1.png")
    manifest = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "base_model": config.base_model,
        "data": data_info,
        "hyper_parameters": asdict(config),
        "grid": result.grid,
        "best_cell": result.best,
        "validation": {k: result.report[k] for k in ("n", "accuracy", "macro_f1")},
        "training_seconds": round(result.seconds, 1),
        "torch": torch.__version__,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return out
