from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from torch.nn.functional import cross_entropy

from engine.classifier import saved_pooling
from engine.cli import main
from engine.emotion import EmotionModel
from engine.labels import EMOTIONS
from engine.train import evaluate_logits, load_base

INVENTED = {
    "sadness": ["i feel so down and alone", "everything is grey and i cry", "i miss him and feel hopeless"],
    "joy": ["i feel wonderful and bright", "what a fantastic happy day", "i am cheerful and glad"],
    "love": ["i adore my sweet partner", "i feel tender and loving", "my heart is warm for her"],
    "anger": ["i am furious at that liar", "this makes me so mad", "i feel irritated and hostile"],
    "fear": ["i am terrified of the dark", "i feel anxious and scared", "my hands shake with dread"],
    "surprise": ["wow i did not expect that", "i am amazed and stunned", "what a shocking twist"],
}


def _write_tiny_dataset(path) -> None:
    lines = [f"{text};{emotion}" for emotion, texts in INVENTED.items() for text in texts for _ in range(2)]
    path.write_text("\n".join(lines) + "\n")


def _training_loss(model, tokenizer, texts, labels) -> float:
    logits = evaluate_logits(model, tokenizer, texts, max_tokens=32)
    return float(cross_entropy(torch.from_numpy(logits), torch.tensor(labels)))


@pytest.mark.parametrize("pooling", ["cls", "mean"])
def test_tiny_training_run_lowers_loss_and_reloads_identically(tmp_path, pooling):
    data = tmp_path / "tiny.txt"
    _write_tiny_dataset(data)
    texts = [t for ts in INVENTED.values() for t in ts]
    labels = [EMOTIONS.index(e) for e, ts in INVENTED.items() for _ in ts]
    from engine.paths import default_sentence_model

    tokenizer, base = load_base(default_sentence_model(), pooling)
    torch.manual_seed(0)
    before = _training_loss(base, tokenizer, texts, labels)

    out = tmp_path / "model"
    args = ["train-emotion", "--train", str(data), "--val", str(data), "--out", str(out)]
    args += ["--lr", "3e-4", "--epochs", "1,3", "--batch-size", "8", "--max-tokens", "32", "--quiet"]
    args += ["--pooling", pooling]
    assert main(args) == 0

    model = EmotionModel.load(out)
    after = _training_loss(model.model, model.tokenizer, texts, labels)
    assert after < before
    grid = json.loads((out / "grid.json").read_text())
    assert [(row["lr"], row["epochs"]) for row in grid] == [(3e-4, 1), (3e-4, 3)]
    for name in (
        "metrics.json",
        "manifest.json",
        "confusion_matrix.png",
        "grid_macro_f1.png",
        "model.safetensors",
    ):
        assert (out / name).is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["data"]["train"]["sha256"]
    assert manifest["hyper_parameters"]["learning_rates"] == [3e-4]
    assert manifest["hyper_parameters"]["pooling"] == pooling
    assert saved_pooling(model.model.config) == pooling

    again = EmotionModel.load(out)
    np.testing.assert_array_equal(model.predict(texts), again.predict(texts))


def test_baseline_trains_and_reports_like_the_transformer(tmp_path, capsys):
    data = tmp_path / "tiny.txt"
    _write_tiny_dataset(data)
    assert main(["baseline", "--train", str(data), "--val", str(data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["accuracy"] > 0.9  # it has seen these very sentences
    assert set(report["per_class"]) == set(EMOTIONS)
