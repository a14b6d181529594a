"""Building an index from a small invented catalogue with the real models, then querying it."""

from __future__ import annotations

import csv
import gzip
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from engine.catalogue import Catalogue, build_index, read_songs, spotify_url
from engine.errors import ArtifactError, InputError
from engine.labels import EMOTIONS
from engine.playlist import PlaylistEngine
from tests.conftest import SHARED_DATA, requires_shared_data

# Invented lyric lines (no real songs), a few per mood.
SAD = "the rain keeps falling on my empty room\nI cry alone, the letters that you wrote are gone"
HAPPY = "sunshine on the highway, dancing with my friends\nwe laugh and sing, the party never ends"
SCARED = (
    "footsteps in the dark behind me, I am shaking\nsomething in the shadows and my heart is breaking in fear"
)
ANGRY = "you lied to me again, I'm furious and done\nslam the door, I hate the things you've done"
LOVING = "I adore you, darling, hold me close tonight\nyour tender kiss, my sweetest love, my light"

ROWS = [
    ("Rainy Band", "Grey Window", SAD, "https://open.spotify.com/track/0123456789abcdefghijkl", "1999"),
    ("Rainy Band", "Wet Letters", SAD + "\nmy tears will never dry", "", "2001"),
    ("Rainy Band", "Alone Again", "so lonely in the rain, I weep and cry\n" + SAD, "", ""),
    ("Rainy Band", "Empty Room", "[Chorus]\nempty room and empty heart, I cry\n" + SAD, "", "2003"),
    ("Sun Crew", "Highway Party", HAPPY, "", "2010"),
    ("Sun Crew", "Laughing Friends", "we laugh all day\n" + HAPPY, "", "2011"),
    ("Night Owls", "Shadows", SCARED, "", "1985"),
    ("Storm", "Slammed Door", ANGRY, "", "1977"),
    ("Velvet", "Darling", LOVING, "", "1965"),
    ("Velvet", "", LOVING, "", "1966"),  # no title: skipped
    ("", "Nameless", HAPPY, "", ""),  # no artist: skipped
    ("Sun Crew", "No Words", "", "", ""),  # no lyrics: skipped
    ("sun crew", "HIGHWAY PARTY", HAPPY, "", "2012"),  # duplicate of a song above: merged
]


def write_csv(path, rows, header=("artist", "song", "text", "link", "year")) -> None:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wt", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture(scope="module")
def tiny_index(tmp_path_factory, emotion_model, sentence_encoder):
    directory = tmp_path_factory.mktemp("index")
    songs = directory / "songs.csv.gz"
    write_csv(songs, ROWS)
    manifest = build_index(songs, directory / "catalogue", emotion_model, sentence_encoder, progress=False)
    return directory, manifest


@pytest.fixture(scope="module")
def tiny_engine(tiny_index, emotion_model, sentence_encoder):
    directory, _ = tiny_index
    return PlaylistEngine(emotion_model, sentence_encoder, Catalogue.load(directory / "catalogue"))


def test_build_counts_skips_and_merges(tiny_index):
    _, manifest = tiny_index
    assert manifest["counts"]["songs"] == 9
    assert manifest["counts"]["no_title"] == 1
    assert manifest["counts"]["no_artist"] == 1
    assert manifest["counts"]["no_lyrics"] == 1
    assert manifest["counts"]["duplicates_merged"] == 1
    assert manifest["complete"] is True
    assert len(manifest["source"]["sha256"]) == 64


def test_index_files_hold_scores_and_vectors_but_no_lyrics(tiny_index):
    directory, _ = tiny_index
    songs = pd.read_parquet(directory / "catalogue" / "songs.parquet")
    for column in ("artist", "song", "year", "spotify_id", "url", *EMOTIONS):
        assert column in songs.columns
    np.testing.assert_allclose(songs[list(EMOTIONS)].sum(axis=1), 1.0, atol=1e-4)
    embeddings = np.load(directory / "catalogue" / "embeddings.npy")
    assert embeddings.dtype == np.float16 and embeddings.shape == (9, 384)
    text = songs.astype(str).to_csv()
    assert "rain keeps falling" not in text and "footsteps in the dark" not in text
    grey = songs[songs["song"] == "Grey Window"].iloc[0]
    assert grey["url"] == "https://open.spotify.com/track/0123456789abcdefghijkl"
    assert grey["dominant"] == "sadness"


def test_both_modes_return_n_linked_tracks_with_at_most_two_per_artist(tiny_engine):
    mood = tiny_engine.mood("I feel so sad and lonely tonight", n=4, seed=1)
    assert mood.emotion == "sadness"
    assert len(mood.tracks) == 4
    assert all(t.url.startswith("https://open.spotify.com/") for t in mood.tracks)
    assert sum(t.artist == "Rainy Band" for t in mood.tracks) == 2
    assert mood.tracks[0].reason.startswith("sadness ")

    like = tiny_engine.likesong("tears on my pillow, I cry alone in the rain\nyou left and I am lonely", n=3)
    assert len(like.tracks) == 3
    assert sum(t.artist == "Rainy Band" for t in like.tracks) <= 2
    assert "lyrics similarity" in like.tracks[0].reason


def test_likesong_leaves_out_the_input_song_itself(tiny_engine):
    playlist = tiny_engine.likesong(SCARED, n=8)
    assert "Shadows" not in [t.song for t in playlist.tracks]


def test_mood_seed_makes_the_draw_repeatable(tiny_engine):
    first = tiny_engine.mood("happy happy day with friends", n=3, seed=7)
    again = tiny_engine.mood("happy happy day with friends", n=3, seed=7)
    assert first.tracks == again.tracks


def test_rebuild_reuses_vectors_of_unchanged_songs(tiny_index, emotion_model, sentence_encoder, tmp_path):
    directory, _ = tiny_index
    rows = [*ROWS, ("New Artist", "Fresh Song", HAPPY + "\nbrand new line of joy", "", "2024")]
    songs = tmp_path / "more.csv"
    write_csv(songs, rows)
    out = tmp_path / "catalogue"
    shutil.copytree(directory / "catalogue", out)
    manifest = build_index(songs, out, emotion_model, sentence_encoder, progress=False)
    assert manifest["counts"]["scored"] == 1
    assert manifest["counts"]["reused"] == 9
    assert [(b["scored"], b["reused"]) for b in manifest["builds"]] == [(9, 0), (1, 9)]
    assert len(Catalogue.load(out).songs) == 10


@pytest.mark.parametrize(
    ("changed", "scored", "embedded"),
    [("emotion_weights_sha256", 9, 0), ("sentence_model", 0, 9)],
)
def test_swapping_one_model_reruns_only_that_model(
    tiny_index, emotion_model, sentence_encoder, tmp_path, changed, scored, embedded
):
    directory, _ = tiny_index
    out = tmp_path / "catalogue"
    shutil.copytree(directory / "catalogue", out)
    before = Catalogue.load(out)
    manifest = build_index(
        directory / "songs.csv.gz",
        out,
        emotion_model,
        sentence_encoder,
        progress=False,
        model_info={changed: "another model"},
    )
    assert (manifest["counts"]["scored"], manifest["counts"]["embedded"]) == (scored, embedded)
    assert manifest["counts"]["reused"] == 0
    after = Catalogue.load(out)
    assert np.allclose(after.embeddings.astype(np.float32), before.embeddings.astype(np.float32), atol=2e-3)
    assert np.allclose(after.probabilities, before.probabilities, atol=1e-3)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("artist,title,text\na,b,c\n", "missing required column"),
        ("artist,song,text\n,,\n", "no usable songs"),
    ],
)
def test_bad_csvs_fail_clearly(tmp_path, emotion_model, sentence_encoder, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        build_index(path, tmp_path / "out", emotion_model, sentence_encoder, progress=False)


def test_missing_file_and_binary_file_fail_clearly(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_songs(tmp_path / "nope.csv")
    binary = tmp_path / "songs.csv.gz"
    binary.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(InputError, match="not a readable CSV"):
        read_songs(binary)


def test_missing_or_corrupt_index_names_the_file(tmp_path, tiny_index):
    with pytest.raises(ArtifactError, match=r"songs\.parquet is missing.*build-index"):
        Catalogue.load(tmp_path)
    directory, _ = tiny_index
    broken = tmp_path / "broken"
    shutil.copytree(directory / "catalogue", broken)
    (broken / "embeddings.npy").write_bytes(b"junk")
    with pytest.raises(ArtifactError, match="unreadable"):
        Catalogue.load(broken)


def test_spotify_url_falls_back_to_search():
    assert spotify_url("", "AC/DC", "T.N.T.") == "https://open.spotify.com/search/AC%2FDC%20T.N.T."
    assert spotify_url("abc", "x", "y") == "https://open.spotify.com/track/abc"


def test_manifest_is_json(tiny_index):
    directory, _ = tiny_index
    assert json.loads((directory / "catalogue" / "manifest.json").read_text())["counts"]["songs"] == 9


def test_invisible_characters_and_non_spotify_links_are_cleaned(tmp_path):
    path = tmp_path / "songs.csv"
    write_csv(path, [("Taylor\u200b", "\u200bmy tears", SAD, "/a/abba/some_lyrics_page.html", "2020 ")])
    song = read_songs(path).songs.iloc[0]
    assert (song["artist"], song["song"], song["year"]) == ("Taylor", "my tears", 2020)
    assert song["url"] == "https://open.spotify.com/search/Taylor%20my%20tears"


@requires_shared_data
def test_shipped_index_covers_the_shared_catalogue_song_for_song(playlist_engine):
    table = read_songs(SHARED_DATA / "songs" / "catalogue.csv.gz")
    shipped = playlist_engine.catalogue.songs
    assert len(table.songs) == len(shipped) == 22_870
    assert list(table.songs["lyrics_sha256"]) == list(shipped["lyrics_sha256"])
    assert list(table.songs["url"]) == list(shipped["url"])
