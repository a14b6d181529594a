"""A tf-idf + logistic-regression emotion baseline, trained and evaluated like the transformer."""

from __future__ import annotations

import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from engine.data import LabelledTexts
from engine.metrics import classification_report


def train_baseline(train: LabelledTexts, c: float = 10.0, seed: int = 42) -> Pipeline:
    """Word 1-2 gram tf-idf features into a multinomial logistic regression."""
    pipeline = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True),
        LogisticRegression(C=c, max_iter=2000, random_state=seed),
    )
    return pipeline.fit(train.texts, train.labels)


def evaluate_baseline(train: LabelledTexts, val: LabelledTexts, c: float = 10.0, seed: int = 42) -> dict:
    """Train on `train` and return the same report as the transformer's, plus the fit time."""
    started = time.time()
    pipeline = train_baseline(train, c, seed)
    report = classification_report(val.labels, pipeline.predict(val.texts))
    report["train_seconds"] = round(time.time() - started, 1)
    return report
