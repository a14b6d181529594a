"""Small vector helpers shared by the encoder, the index and the playlist engine."""

from __future__ import annotations

import numpy as np


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Scale each row to unit length (rows of zeros stay zero), so dot products are cosines."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def mean_by_owner(values: np.ndarray, owners: list[int], n_owners: int) -> np.ndarray:
    """Average the rows of `values` that belong to each owner (0..n_owners-1) into one row each."""
    total = np.zeros((n_owners, values.shape[1]), dtype=np.float32)
    counts = np.zeros(n_owners, dtype=np.float32)
    np.add.at(total, owners, values)
    np.add.at(counts, owners, 1.0)
    return total / np.maximum(counts, 1.0)[:, None]
