from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.cli import main
from engine.emotion import EmotionModel
from engine.errors import ArtifactError
from engine.labels import EMOTIONS
from tests.conftest import SHARED_DATA, requires_shared_data

OBVIOUS = {
    "sadness": "i feel so lonely and heartbroken since she left",
    "joy": "i feel so happy and cheerful today, everything went great",
    "love": "i feel so loving and tender towards my sweet husband",
    "anger": "i feel furious and so irritated by his rude behaviour",
    "fear": "i feel terrified and scared of walking home alone at night",
    "surprise": "i feel amazed and shocked, i never expected that at all",
}


def test_shipped_model_gets_one_obvious_sentence_per_emotion(emotion_model):
    probabilities = emotion_model.predict(list(OBVIOUS.values()))
    assert probabilities.shape == (6, 6)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    predicted = [EMOTIONS[i] for i in probabilities.argmax(axis=1)]
    assert predicted == list(OBVIOUS)


def test_predictions_are_deterministic_and_batch_independent(emotion_model):
    texts = list(OBVIOUS.values())
    together = emotion_model.predict(texts)
    alone = np.vstack([emotion_model.predict([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_a_5000_word_text_is_read_in_chunks(emotion_model):
    verse = "tears fall on the empty pillow and i miss you every night\n"
    text = verse * 420  # about 5,000 words
    assert len(text.split()) >= 5000
    chunks = emotion_model.chunks(text)
    assert len(chunks) > 10
    scores = emotion_model.score([text, "i am thrilled"])
    assert scores.probabilities.shape == (2, 6)
    assert EMOTIONS[scores.probabilities[0].argmax()] == "sadness"
    assert scores.present()[0, EMOTIONS.index("sadness")]


def test_missing_model_names_the_rebuild_command(tmp_path):
    with pytest.raises(ArtifactError, match="python -m engine train-emotion"):
        EmotionModel.load(tmp_path)


def test_corrupt_weights_are_reported(tmp_path, emotion_model):
    emotion_model.model.config.save_pretrained(tmp_path)
    emotion_model.tokenizer.save_pretrained(tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ArtifactError, match="unreadable"):
        EmotionModel.load(tmp_path)


@requires_shared_data
def test_shipped_model_meets_the_quality_bar_on_val(capsys):
    assert main(["evaluate-emotion", "--data", str(SHARED_DATA / "emotion" / "val.txt"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["n"] == 2000
    assert report["accuracy"] >= 0.93
    assert report["macro_f1"] >= 0.89
    assert set(report["per_class"]) == set(EMOTIONS)
    assert np.array(report["confusion_matrix"]).sum() == 2000


CHAT_MOODS = Path(__file__).resolve().parents[1] / "data" / "chat_moods.txt"


def test_chat_style_check_set_reads_better_than_chance(capsys):
    # 60 invented chat lines (10 or so per emotion), unlike the training tweets; the README reports
    # the shipped model's figures on it.
    assert main(["evaluate-emotion", "--data", str(CHAT_MOODS), "--json"]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["n"] == 60
    assert all(report["per_class"][e]["support"] >= 9 for e in EMOTIONS)
    assert report["accuracy"] >= 0.5
