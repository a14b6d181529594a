"""Loading, balancing and splitting labelled emotion data."""

from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from engine.labels import EMOTIONS, label_id

HF_DATASET = "dair-ai/emotion"


class DataError(ValueError):
    """A data file that cannot be read as labelled text; the message names the file and line."""


@dataclass(frozen=True)
class LabelledTexts:
    """Texts with their emotion ids (0..5, the order of `engine.labels.EMOTIONS`)."""

    texts: list[str]
    labels: list[int]

    def __post_init__(self) -> None:
        if len(self.texts) != len(self.labels):
            raise ValueError("texts and labels differ in length")

    def __len__(self) -> int:
        return len(self.texts)

    def counts(self) -> dict[str, int]:
        """Number of examples per emotion name."""
        counter = Counter(self.labels)
        return {name: counter.get(i, 0) for i, name in enumerate(EMOTIONS)}

    def subset(self, indices: list[int]) -> LabelledTexts:
        return LabelledTexts([self.texts[i] for i in indices], [self.labels[i] for i in indices])


def load_labelled(source: str | Path) -> LabelledTexts:
    """Load labelled texts from a file or, with the prefix ``hf:``, from the Hugging Face hub.

    Files: the dataset's own ``text;label`` lines (.txt), or CSV/TSV with ``text`` and ``label``
    columns. Labels may be emotion names or ids. ``hf:dair-ai/emotion:train`` loads a split through
    the optional `datasets` package (needs internet).
    """
    source_str = str(source)
    if source_str.startswith("hf:"):
        return _load_hub(source_str[3:])
    path = Path(source)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv"}:
        return _load_table(path, delimiter="\t" if suffix == ".tsv" else ",")
    return _load_semicolon_lines(path)


def _load_semicolon_lines(path: Path) -> LabelledTexts:
    texts: list[str] = []
    labels: list[int] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            text, sep, label = line.rpartition(";")
            if not sep or not text.strip():
                raise DataError(f"{path}:{number}: expected 'text;label', got {line[:60]!r}")
            try:
                labels.append(label_id(label))
            except ValueError as error:
                raise DataError(f"{path}:{number}: {error}") from None
            texts.append(text.strip())
    if not texts:
        raise DataError(f"{path}: no labelled lines")
    return LabelledTexts(texts, labels)


def _load_table(path: Path, delimiter: str) -> LabelledTexts:
    texts: list[str] = []
    labels: list[int] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        columns = {name.strip().lower(): name for name in (reader.fieldnames or [])}
        if "text" not in columns or "label" not in columns:
            raise DataError(f"{path}:1: needs 'text' and 'label' columns, found {reader.fieldnames}")
        for row in reader:
            number = reader.line_num
            text = (row.get(columns["text"]) or "").strip()
            if not text:
                raise DataError(f"{path}:{number}: empty text")
            try:
                labels.append(label_id(row.get(columns["label"]) or ""))
            except ValueError as error:
                raise DataError(f"{path}:{number}: {error}") from None
            texts.append(text)
    if not texts:
        raise DataError(f"{path}: no labelled rows")
    return LabelledTexts(texts, labels)


def _load_hub(spec: str) -> LabelledTexts:
    name, _, split = spec.rpartition(":") if spec.count(":") else (spec, "", "train")
    name = name or HF_DATASET
    try:
        import datasets
    except ImportError:
        raise DataError(
            "loading from the hub needs the optional package `datasets` (pip install datasets)"
        ) from None
    try:
        dataset = datasets.load_dataset(name, split=split or "train")
    except Exception as error:  # the hub raises many kinds: offline, missing, auth
        raise DataError(f"could not load {name}:{split} from the hub: {error}") from error
    return LabelledTexts(list(dataset["text"]), [label_id(x) for x in dataset["label"]])


def balance(data: LabelledTexts, per_class: int, seed: int = 0) -> LabelledTexts:
    """Downsample every emotion to at most `per_class` examples (the design's balanced option)."""
    rng = random.Random(seed)
    by_label: dict[int, list[int]] = {}
    for index, label in enumerate(data.labels):
        by_label.setdefault(label, []).append(index)
    chosen: list[int] = []
    for indices in by_label.values():
        chosen.extend(rng.sample(indices, min(per_class, len(indices))))
    chosen.sort()
    return data.subset(chosen)


def stratified_split(
    data: LabelledTexts, test_fraction: float = 0.15, seed: int = 0
) -> tuple[LabelledTexts, LabelledTexts]:
    """Split into (train, test) keeping each emotion's share; every class keeps one train example."""
    if not 0 < test_fraction < 1:
        raise ValueError("test_fraction must be between 0 and 1")
    rng = random.Random(seed)
    by_label: dict[int, list[int]] = {}
    for index, label in enumerate(data.labels):
        by_label.setdefault(label, []).append(index)
    train: list[int] = []
    test: list[int] = []
    for indices in by_label.values():
        rng.shuffle(indices)
        n_test = min(len(indices) - 1, round(len(indices) * test_fraction))
        test.extend(indices[:n_test])
        train.extend(indices[n_test:])
    return data.subset(sorted(train)), data.subset(sorted(test))
