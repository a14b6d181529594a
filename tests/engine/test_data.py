from __future__ import annotations

import pytest

from engine.data import DataError, balance, load_labelled, stratified_split
from engine.labels import EMOTIONS, label_id


def test_label_order_is_the_datasets():
    assert EMOTIONS == ("sadness", "joy", "love", "anger", "fear", "surprise")
    assert label_id("Fear") == 4
    assert label_id("5") == 5
    with pytest.raises(ValueError, match="unknown emotion"):
        label_id("boredom")


def test_semicolon_file_loads_names_and_ids(tmp_path):
    path = tmp_path / "train.txt"
    path.write_text("i feel great;joy\ni am so scared;4\n\ni feel lonely; sadness\n")
    data = load_labelled(path)
    assert data.texts == ["i feel great", "i am so scared", "i feel lonely"]
    assert data.labels == [1, 4, 0]


def test_malformed_line_names_file_and_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("i feel great;joy\nno label here\n")
    with pytest.raises(DataError, match=r"bad\.txt:2"):
        load_labelled(path)


def test_unknown_label_names_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("i feel great;joy\ni feel meh;joy\ni feel odd;bored\n")
    with pytest.raises(DataError, match=r"bad\.txt:3: unknown emotion label"):
        load_labelled(path)


def test_csv_and_tsv_with_text_and_label_columns(tmp_path):
    csv_path = tmp_path / "d.csv"
    csv_path.write_text('text,label\n"i feel great, really",joy\nso angry,anger\n')
    assert load_labelled(csv_path).labels == [1, 3]
    tsv_path = tmp_path / "d.tsv"
    tsv_path.write_text("label\ttext\nlove\ti adore you\n")
    assert load_labelled(tsv_path).texts == ["i adore you"]
    missing = tmp_path / "m.csv"
    missing.write_text("sentence,label\nhi,joy\n")
    with pytest.raises(DataError, match=r"m\.csv:1: needs 'text' and 'label'"):
        load_labelled(missing)


def test_hub_source_without_datasets_package_is_a_clear_error():
    pytest.importorskip("engine.data")
    try:
        import datasets  # noqa: F401
    except ImportError:
        with pytest.raises(DataError, match="pip install datasets"):
            load_labelled("hf:dair-ai/emotion:train")


def test_balance_and_stratified_split_keep_every_class(tmp_path):
    lines = [f"text {i};{EMOTIONS[i % 6]}" for i in range(120)] + [f"extra {i};joy" for i in range(60)]
    path = tmp_path / "d.txt"
    path.write_text("\n".join(lines))
    data = load_labelled(path)
    balanced = balance(data, per_class=10, seed=1)
    assert set(balanced.counts().values()) == {10}
    train, test = stratified_split(data, 0.25, seed=1)
    assert len(train) + len(test) == len(data)
    assert all(count > 0 for count in test.counts().values())
    assert not set(train.texts) & set(test.texts)
