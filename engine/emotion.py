"""The emotion recognition (ER) model: a fine-tuned BERT-family encoder with a six-way head."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from transformers import AutoConfig, AutoTokenizer

from engine.classifier import classifier_class, saved_pooling
from engine.errors import ArtifactError
from engine.labels import EMOTIONS
from engine.paths import EMOTION_MODEL_DIR
from engine.text import chunk_texts
from engine.vectors import mean_by_owner

REBUILD_HINT = "python -m engine train-emotion --out artifacts/emotion"


@dataclass(frozen=True)
class EmotionScores:
    """Per-text outputs: chunk-averaged `logits` and `probabilities`, both shaped (N, 6)."""

    logits: np.ndarray
    probabilities: np.ndarray

    def present(self) -> np.ndarray:
        """The design's rule: an emotion is present in a text when its logit is positive."""
        return self.logits > 0


class EmotionModel:
    """Six-emotion classifier for any text: a chat line, a verse, or a whole song's lyrics.

    Text longer than the model's window is split at line or sentence boundaries; chunk outputs are
    averaged, so a 5,000-word text works the same way as a tweet.
    """

    def __init__(self, model, tokenizer, max_tokens: int = 128, batch_size: int = 64) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        config_labels = [model.config.id2label[i].lower() for i in range(model.config.num_labels)]
        if tuple(config_labels) != EMOTIONS:
            raise ArtifactError(
                f"model labels {config_labels} do not match {list(EMOTIONS)}; rebuild: {REBUILD_HINT}"
            )

    @classmethod
    def load(cls, path: str | Path | None = None, **options) -> EmotionModel:
        """Load a saved model (default: the shipped `artifacts/emotion`), upcast to float32."""
        directory = Path(path) if path is not None else EMOTION_MODEL_DIR
        if not (directory / "config.json").is_file():
            raise ArtifactError(
                f"emotion model not found at {directory}/config.json; build it with: {REBUILD_HINT}"
            )
        try:
            tokenizer = AutoTokenizer.from_pretrained(directory)
            config = AutoConfig.from_pretrained(directory)
            model_class = classifier_class(saved_pooling(config))
            model = model_class.from_pretrained(directory, config=config, dtype=torch.float32)
        except Exception as error:  # transformers raises OSError, ValueError, safetensors errors...
            raise ArtifactError(
                f"emotion model at {directory} is unreadable ({error}); rebuild it with: {REBUILD_HINT}"
            ) from error
        settings = directory / "inference.json"
        if settings.is_file() and "max_tokens" not in options:
            options["max_tokens"] = json.loads(settings.read_text())["max_tokens"]
        return cls(model, tokenizer, **options)

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Token counts without special tokens, as `engine.text.chunk_text` expects."""
        encoded = self.tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def chunks(self, text: str) -> list[str]:
        """The pieces of `text` the model reads, each within its window."""
        return chunk_texts([text], self.max_tokens - 2, self.count_tokens)[0]

    def score(self, texts: list[str]) -> EmotionScores:
        """Chunk-averaged logits and probabilities for each text, in the order of `EMOTIONS`."""
        pieces, owners = chunk_texts(texts, self.max_tokens - 2, self.count_tokens)
        chunk_logits = self.chunk_logits(pieces)
        logits = mean_by_owner(chunk_logits, owners, len(texts))
        probs = mean_by_owner(_softmax(chunk_logits), owners, len(texts))
        return EmotionScores(logits, probs)

    def predict(self, texts: list[str]) -> np.ndarray:
        """Probabilities (N, 6) of each emotion for each text."""
        return self.score(texts).probabilities

    def logits(self, texts: list[str]) -> np.ndarray:
        """Chunk-averaged logits (N, 6); positive means "present" in the design's sense."""
        return self.score(texts).logits

    @torch.inference_mode()
    def chunk_logits(self, pieces: list[str]) -> np.ndarray:
        """Raw logits for texts that already fit the window, batched by length for speed."""
        out = np.zeros((len(pieces), len(EMOTIONS)), dtype=np.float32)
        order = sorted(range(len(pieces)), key=lambda i: len(pieces[i]))
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            encoded = self.tokenizer(
                [pieces[i] for i in batch],
                padding=True,
                truncation=True,
                max_length=self.max_tokens,
                return_tensors="pt",
            )
            out[batch] = self.model(**encoded).logits.float().numpy()
        return out


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)
