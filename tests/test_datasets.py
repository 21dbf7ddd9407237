"""Tests of the data set loaders, on the small files of tests/fixtures/data_home.

Nothing here touches the network: downloads are tested with ``file://`` URLs
to local files.
"""

import csv
import dataclasses
import gzip
import hashlib
import io
import logging
import lzma
import os
import shutil
import tarfile
from pathlib import Path

import numpy as np
import pytest
import sklearn.datasets
from sklearn.utils import Bunch

from sklearn_charcnn._compat import InvalidParameterError
from sklearn_charcnn.datasets import (
    _ag_news,
    _base,
    _imdb,
    _mr,
    fetch_ag_news,
    fetch_imdb,
    fetch_mr,
    get_data_home,
    load_ag_news,
    unescape_ag_news,
)
from sklearn_charcnn.datasets._base import DataFileError, RemoteFile, _fetch_remote

FIXTURES = Path(__file__).parent / "fixtures" / "data_home"


@pytest.fixture
def data_home(tmp_path):
    """A writable copy of the fixture data home."""
    home = tmp_path / "data_home"
    shutil.copytree(FIXTURES, home)
    return home


@pytest.fixture
def no_network(monkeypatch):
    """Make any accidental download fail loudly instead of reaching the network."""

    def refuse(url, *args, **kwargs):
        raise AssertionError(f"unexpected download of {url}")

    monkeypatch.setattr(_base.urllib.request, "urlopen", refuse)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------- data home


def test_get_data_home_prefers_argument_then_environment_then_home(monkeypatch):
    monkeypatch.setenv("SKLEARN_CHARCNN_DATA", "/somewhere/else")
    monkeypatch.setenv("SCIKIT_LEARN_DATA", "/sklearn/home")
    assert get_data_home("/explicit") == "/explicit"
    assert get_data_home() == "/somewhere/else"  # the package's variable wins
    monkeypatch.delenv("SKLEARN_CHARCNN_DATA")
    assert get_data_home() == os.path.join("/sklearn/home", "sklearn_charcnn")
    monkeypatch.delenv("SCIKIT_LEARN_DATA")
    assert get_data_home() == os.path.expanduser(
        os.path.join("~", "scikit_learn_data", "sklearn_charcnn")
    )


def test_default_data_home_is_a_folder_of_sklearns_data_home(tmp_path, monkeypatch):
    monkeypatch.delenv("SKLEARN_CHARCNN_DATA", raising=False)
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "sk"))
    assert get_data_home() == os.path.join(
        sklearn.datasets.get_data_home(), "sklearn_charcnn"
    )


def test_default_data_home_is_used_by_loaders(data_home, tmp_path, monkeypatch):
    monkeypatch.delenv("SKLEARN_CHARCNN_DATA", raising=False)
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "sk"))
    shutil.copytree(data_home, tmp_path / "sk" / "sklearn_charcnn")
    assert len(fetch_mr(download_if_missing=False).data) == 4


def test_data_home_from_environment_is_used_by_loaders(data_home, monkeypatch):
    monkeypatch.setenv("SKLEARN_CHARCNN_DATA", str(data_home))
    assert len(fetch_ag_news("train").data) == 6


# ------------------------------------------------------------------- AG News


@pytest.mark.parametrize(
    "raw, expected",
    [
        (r"Wall Street's dwindling\band", "Wall Street's dwindling\nband"),
        (r"gold.\\Again.", "gold.\n\nAgain."),
        (r"Talks on \$2B Aid", "Talks on $2B Aid"),
        ("the  #36;820 million", "the $820 million"),
        ("Mars Rover #39;s Wheel", "Mars Rover's Wheel"),
        ("In  quot;good faith, quot; officials", 'In "good faith," officials'),
        ("said &lt;b&gt;Tuesday&lt;/b&gt;.", "said <b>Tuesday</b>."),
        ("Johnson  amp; Johnson", "Johnson & Johnson"),
        ("the case #151;briefly", "the case\u2014briefly"),  # cp1252 151: em dash
        ("Newsday #146;s", "Newsday\u2019s"),  # cp1252 146: right quote
        ("a fault; the plot;", "a fault; the plot;"),  # no entity
        ("Turner   Newall", "Turner   Newall"),  # spaces kept
    ],
)
def test_unescape_ag_news(raw, expected):
    assert unescape_ag_news(raw) == expected


def test_fetch_ag_news_train_reads_plain_csv_and_decodes(data_home, no_network):
    bunch = fetch_ag_news("train", data_home=data_home, download_if_missing=False)
    assert isinstance(bunch, Bunch)
    assert bunch.target.tolist() == [2, 3, 0, 1, 0, 1]
    assert bunch.target.dtype == np.int64
    assert bunch.target_names == ["World", "Sports", "Business", "Sci/Tech"]
    assert bunch.data[1] == (
        "Mars Rover's Wheel Fails NASA said the $820 million rover\ncan still move."
    )
    assert bunch.data[2] == (
        'Talks on $2B Aid In "good faith," officials said <b>Tuesday</b>.'
    )
    assert "Zhang" in bunch.DESCR and "NIPS 2015" in bunch.DESCR


def test_fetch_ag_news_unescape_false_returns_fields_as_stored(data_home):
    data, _ = fetch_ag_news(
        "train", data_home=data_home, unescape=False, return_X_y=True
    )
    assert data[1] == (
        "Mars Rover #39;s Wheel Fails NASA said the  #36;820 million rover\\can "
        "still move."
    )


def test_fetch_ag_news_test_reads_xz_from_data_home(data_home, no_network):
    data, target = fetch_ag_news("test", data_home=data_home, return_X_y=True)
    assert data == [
        "Oil Prices Rise Crude rose to $46 a barrel.",
        "New Chip Unveiled Intel showed a faster chip.",
    ]
    assert target.tolist() == [2, 3]


def test_fetch_ag_news_all_is_train_then_test(data_home):
    data, target = fetch_ag_news("all", data_home=data_home, return_X_y=True)
    assert len(data) == 8
    assert target.tolist() == [2, 3, 0, 1, 0, 1, 2, 3]


def test_fetch_ag_news_test_falls_back_to_embedded_split(tmp_path, no_network):
    bunch = fetch_ag_news("test", data_home=tmp_path, download_if_missing=False)
    assert len(bunch.data) == 7600
    assert not (tmp_path / "ag_news").exists()


def test_fetch_ag_news_shuffle_is_a_seeded_permutation(data_home):
    plain = fetch_ag_news("train", data_home=data_home)
    shuffled = fetch_ag_news("train", data_home=data_home, shuffle=True, random_state=0)
    again = fetch_ag_news("train", data_home=data_home, shuffle=True, random_state=0)
    assert shuffled.data == again.data
    assert sorted(shuffled.data) == sorted(plain.data)
    pairs = dict(zip(plain.data, plain.target.tolist(), strict=True))
    assert all(
        pairs[d] == t
        for d, t in zip(shuffled.data, shuffled.target.tolist(), strict=True)
    )


def test_fetch_ag_news_rejects_unknown_subset():
    with pytest.raises(InvalidParameterError, match="'subset' parameter of fetch_ag"):
        fetch_ag_news("validation")


def test_fetch_ag_news_missing_train_without_download_names_file_and_folder(tmp_path):
    with pytest.raises(OSError) as excinfo:
        fetch_ag_news("train", data_home=tmp_path, download_if_missing=False)
    message = str(excinfo.value)
    assert "train.csv" in message
    assert str(tmp_path / "ag_news") in message


def test_fetch_ag_news_malformed_row_is_reported(tmp_path):
    folder = tmp_path / "ag_news"
    folder.mkdir()
    (folder / "train.csv").write_text('"5","title","text"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="row 1: expected 3 fields"):
        fetch_ag_news("train", data_home=tmp_path)


def test_load_ag_news_is_the_embedded_test_split():
    bunch = load_ag_news()
    assert len(bunch.data) == 7600
    assert np.bincount(bunch.target).tolist() == [1900] * 4
    # First row of the original test.csv: class 3 (Business).
    assert bunch.target[0] == 2
    assert bunch.data[0].startswith(
        "Fears for T N pension after talks Unions representing workers at Turner"
    )
    assert bunch.target_names[2] == "Business"
    X, y = load_ag_news(return_X_y=True)
    assert X == bunch.data and np.array_equal(y, bunch.target)


def test_embedded_file_is_the_published_test_csv():
    path = _base._package_file(_ag_news._EMBEDDED_TEST)
    assert sha256(lzma.decompress(path.read_bytes())) == (
        "521465c2428ed7f02f8d6db6ffdd4b5447c1c701962353eb2c40d548c3c85699"
    )


def test_load_ag_news_leaves_no_escape_behind():
    text = "\n".join(load_ag_news().data)
    assert "\\" not in text
    assert "#39;" not in text and "quot;" not in text and "&lt;" not in text


# ---------------------------------------------------------------------- IMDB


def test_fetch_imdb_reads_csv_and_xz(data_home, no_network):
    train = fetch_imdb("train", data_home=data_home, download_if_missing=False)
    assert train.target.tolist() == [0, 0, 1, 1]
    assert train.data[0] == "Dull, slow and far too long.<br /><br />Skip it."
    assert train.data[3] == 'A "perfect" film, funny and kind.'
    assert train.target_names == ["neg", "pos"]
    assert "Maas" in train.DESCR
    data, target = fetch_imdb("all", data_home=data_home, return_X_y=True)
    assert data[-2:] == ["Not good.", "Very good."]
    assert target.tolist() == [0, 0, 1, 1, 0, 1]


def _write_imdb_tar(path: Path, reviews: dict, compresslevel: int = 9) -> None:
    with tarfile.open(path, "w:gz", compresslevel=compresslevel) as archive:
        for name, text in reviews.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(f"aclImdb/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


REVIEWS = {
    "train/pos/10_9.txt": 'Great, "really" great.',
    "train/pos/2_7.txt": "Good.<br />Fine.",
    "train/neg/5_1.txt": "Awful.",
    "train/unsup/0_0.txt": "unlabelled, skipped",
    "test/neg/0_4.txt": "Meh.",
    "test/pos/1_10.txt": "Wonderful.",
    "train/labeledBow.feat": "0:1 1:2",
}


@pytest.fixture
def tiny_imdb(monkeypatch):
    """Define IMDB as the REVIEWS below: (negative, positive) per split."""
    monkeypatch.setattr(_imdb, "_LABEL_COUNTS", {"train": (1, 2), "test": (1, 1)})


def test_fetch_imdb_builds_csv_files_from_the_original_archive(
    tmp_path, no_network, tiny_imdb
):
    folder = tmp_path / "imdb"
    folder.mkdir()
    _write_imdb_tar(folder / "aclImdb_v1.tar.gz", REVIEWS)
    data, target = fetch_imdb("train", data_home=tmp_path, return_X_y=True)
    # Sorted by label, then by id: neg 5, pos 2, pos 10.
    assert data == ["Awful.", "Good.<br />Fine.", 'Great, "really" great.']
    assert target.tolist() == [0, 1, 1]
    written = (folder / "train.csv").read_text(encoding="utf-8")
    assert written == (
        "label,rating,id,text\n"
        "0,1,5,Awful.\n"
        "1,7,2,Good.<br />Fine.\n"
        '1,9,10,"Great, ""really"" great."\n'
    )
    assert (folder / "test.csv").read_text(encoding="utf-8") == (
        "label,rating,id,text\n0,4,0,Meh.\n1,10,1,Wonderful.\n"
    )
    # The user's archive is kept; no temporary file is left; each CSV file
    # has its checksum file, in sha256sum's format.
    assert sorted(p.name for p in folder.iterdir()) == [
        "aclImdb_v1.tar.gz",
        "test.csv",
        "test.csv.sha256",
        "train.csv",
        "train.csv.sha256",
    ]
    assert (folder / "train.csv.sha256").read_text() == (
        f"{sha256((folder / 'train.csv').read_bytes())}  train.csv\n"
    )


def test_fetch_imdb_reads_an_extracted_folder(tmp_path, tiny_imdb):
    for name, text in REVIEWS.items():
        path = tmp_path / "imdb" / "aclImdb" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    data, target = fetch_imdb("test", data_home=tmp_path, return_X_y=True)
    assert data == ["Meh.", "Wonderful."] and target.tolist() == [0, 1]


def test_fetch_imdb_downloads_and_converts_the_archive(tmp_path, monkeypatch):
    source = tmp_path / "source" / "aclImdb_v1.tar.gz"
    source.parent.mkdir()
    _write_imdb_tar(source, REVIEWS)
    digest = hashlib.md5(source.read_bytes()).hexdigest()
    remote = RemoteFile("aclImdb_v1.tar.gz", source.as_uri(), f"md5:{digest}")
    monkeypatch.setattr(_imdb, "_ARCHIVE", remote)
    home = tmp_path / "home"
    data, _ = fetch_imdb("test", data_home=home, return_X_y=True)
    assert data == ["Meh.", "Wonderful."]
    # The downloaded archive is removed once converted.
    assert sorted(p.name for p in (home / "imdb").iterdir()) == [
        "test.csv",
        "test.csv.sha256",
        "train.csv",
        "train.csv.sha256",
    ]


def test_fetch_imdb_missing_files_error_says_what_to_put_where(tmp_path):
    with pytest.raises(OSError) as excinfo:
        fetch_imdb(data_home=tmp_path, download_if_missing=False)
    message = str(excinfo.value)
    assert "train.csv and test.csv" in message and "aclImdb_v1.tar.gz" in message
    assert str(tmp_path / "imdb") in message


# ------------------------------------------------------------------------ MR


def test_fetch_mr_reads_the_original_files(data_home, no_network):
    bunch = fetch_mr(data_home=data_home, download_if_missing=False)
    assert bunch.data == [
        "simplistic , silly and tedious .",
        "it's so laddish and juvenile .",
        'the rock is destined to be the 21st century\'s new " conan " .',
        "a caf\u00e9 of a film .",  # Windows-1252 input decoded
    ]
    assert bunch.target.tolist() == [0, 0, 1, 1]
    assert "Pang" in bunch.DESCR


def test_fetch_mr_prefers_the_csv_layout(tmp_path, monkeypatch):
    monkeypatch.setattr(_mr, "_SENTENCES_PER_LABEL", 1)  # a 2-sentence MR
    folder = tmp_path / "mr"
    folder.mkdir()
    with lzma.open(folder / "rt-polarity.csv.xz", "wt", encoding="utf-8") as f:
        f.write('label,text\n0,"bad , bad ."\n1,good .\n')
    data, target = fetch_mr(data_home=tmp_path, return_X_y=True)
    assert data == ["bad , bad .", "good ."] and target.tolist() == [0, 1]


def test_fetch_mr_downloads_with_checksums(tmp_path, monkeypatch):
    source = tmp_path / "source"
    source.mkdir()
    contents = {"rt-polarity.neg": b"dull .\n", "rt-polarity.pos": b"fun .\n"}
    remotes = []
    for name, content in contents.items():
        (source / name).write_bytes(content)
        remotes.append(
            RemoteFile(name, (source / name).as_uri(), f"sha256:{sha256(content)}")
        )
    monkeypatch.setattr(_mr, "_REMOTES", remotes)
    data, target = fetch_mr(data_home=tmp_path / "home", return_X_y=True)
    assert data == ["dull .", "fun ."] and target.tolist() == [0, 1]


# ------------------------------------------------------------------ download


def test_fetch_remote_checks_sha256_and_writes_atomically(tmp_path):
    source = tmp_path / "remote.csv"
    content = b"1,2\n"
    source.write_bytes(content)
    remote = RemoteFile("local.csv", source.as_uri(), f"sha256:{sha256(content)}")
    path = _fetch_remote(remote, tmp_path / "out")
    assert path == tmp_path / "out" / "local.csv"
    assert path.read_bytes() == b"1,2\n"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["local.csv"]


def test_fetch_remote_checksum_mismatch_raises_and_leaves_no_file(tmp_path):
    source = tmp_path / "remote.csv"
    source.write_bytes(b"tampered\n")
    remote = RemoteFile("local.csv", source.as_uri(), "sha256:" + "0" * 64)
    with pytest.raises(OSError, match="sha256 checksum .* was expected; it was not"):
        _fetch_remote(remote, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_failed_download_error_names_files_and_folder(tmp_path, monkeypatch):
    missing = (tmp_path / "nowhere" / "train.csv").as_uri()
    monkeypatch.setitem(
        _ag_news._REMOTES, "train", RemoteFile("train.csv", missing, "md5:" + "0" * 32)
    )
    with pytest.raises(OSError) as excinfo:
        fetch_ag_news("train", data_home=tmp_path)
    message = str(excinfo.value)
    assert "downloading" in message and "failed" in message
    assert "train.csv" in message and str(tmp_path / "ag_news") in message
    assert list((tmp_path / "ag_news").iterdir()) == []


# ----------------------------------------------------------- the real files


@pytest.mark.shared_data
def test_loaders_read_the_shared_data_folder(shared_data):
    ag = fetch_ag_news("test", data_home=shared_data, download_if_missing=False)
    assert ag.data == load_ag_news().data
    mr = fetch_mr(data_home=shared_data, download_if_missing=False)
    assert len(mr.data) == 10662 and np.bincount(mr.target).tolist() == [5331, 5331]
    assert mr.data[0] == "simplistic , silly and tedious ."
    imdb = fetch_imdb("test", data_home=shared_data, download_if_missing=False)
    assert len(imdb.data) == 25000
    assert np.bincount(imdb.target).tolist() == [12500, 12500]


@pytest.mark.shared_data
def test_imdb_conversion_reproduces_the_published_csv(shared_data, tmp_path):
    """Turn the 25,000 shared training reviews back into an aclImdb archive,
    convert it, and check the result against the published SHA-256."""
    with lzma.open(
        shared_data / "imdb" / "train.csv.xz", "rt", encoding="utf-8", newline=""
    ) as handle:
        rows = list(csv.reader(handle))[1:]
    reviews = {
        f"train/{'pos' if label == '1' else 'neg'}/{i}_{rating}.txt": text
        for label, rating, i, text in rows
    }
    reviews["test/neg/0_1.txt"] = "placeholder"
    folder = tmp_path / "imdb"
    folder.mkdir()
    _write_imdb_tar(folder / "aclImdb_v1.tar.gz", reviews, compresslevel=1)
    fetch_imdb("train", data_home=tmp_path, download_if_missing=False)
    assert sha256((folder / "train.csv").read_bytes()) == (
        "3b9ea9ea967d4492154b1b0a21a971da6d8d2ccb258becfef4f1087fc1495399"
    )


# ------------------------------------------------------------ data integrity
#
# Every fault below loaded silently or raised a bare LZMAError, EOFError or
# IndexError before files were verified.


def _is_data_file_error(error, path):
    """The error is an OSError and a ValueError naming the file."""
    assert isinstance(error, OSError) and isinstance(error, ValueError)
    assert str(path) in str(error)


def test_garbage_xz_names_the_file_and_the_fix(data_home):
    path = data_home / "ag_news" / "test.csv.xz"
    path.write_bytes(b"\xfd7zXZ\x00 this is not an xz stream " * 10)
    (data_home / "ag_news" / "test.csv.xz.sha256").unlink()  # placed by hand
    with pytest.raises(DataFileError) as excinfo:
        fetch_ag_news("test", data_home=data_home)
    _is_data_file_error(excinfo.value, path)
    assert path.exists()  # a file placed by hand is never deleted
    assert "LZMAError" in str(excinfo.value) and "Delete it" in str(excinfo.value)


GARBAGE = bytes(range(256)) * 8 + b"\x00\xff" * 100


@pytest.mark.parametrize("keep_checksum_file", [True, False])
@pytest.mark.parametrize(
    "relative, load",
    [
        ("ag_news/train.csv", lambda **kw: fetch_ag_news("train", **kw)),
        ("imdb/train.csv", lambda **kw: fetch_imdb("train", **kw)),
        ("mr/rt-polarity.neg", lambda **kw: fetch_mr(**kw)),
    ],
)
def test_garbage_file_is_an_error_naming_it(
    data_home, relative, load, keep_checksum_file
):
    path = data_home / relative
    path.write_bytes(GARBAGE)
    if not keep_checksum_file:
        path.with_name(path.name + ".sha256").unlink()
    # A file placed by hand is never replaced, even when downloads are
    # allowed; one the loader wrote would be, so downloads are refused here.
    with pytest.raises(DataFileError) as excinfo:
        load(data_home=data_home, download_if_missing=not keep_checksum_file)
    _is_data_file_error(excinfo.value, path)
    assert path.read_bytes() == GARBAGE


def test_truncated_xz_names_the_file(data_home):
    path = data_home / "imdb" / "test.csv.xz"
    path.write_bytes(path.read_bytes()[:60])
    with pytest.raises(DataFileError) as excinfo:
        fetch_imdb("test", data_home=data_home, download_if_missing=False)
    _is_data_file_error(excinfo.value, path)
    assert "cut short" in str(excinfo.value)
    assert "fetch_imdb(subset='test')" in str(excinfo.value)


@pytest.mark.parametrize("keep_checksum_file", [True, False])
def test_imdb_csv_cut_inside_a_quoted_review_is_an_error(data_home, keep_checksum_file):
    path = data_home / "imdb" / "train.csv"
    content = path.read_bytes()
    cut = content.index(b"far too long")  # inside the first, quoted review
    path.write_bytes(content[:cut])
    if not keep_checksum_file:
        (data_home / "imdb" / "train.csv.sha256").unlink()
    with pytest.raises(DataFileError) as excinfo:
        fetch_imdb("train", data_home=data_home, download_if_missing=False)
    _is_data_file_error(excinfo.value, path)


@pytest.mark.parametrize("keep_checksum_file", [True, False])
def test_imdb_csv_cut_inside_the_last_review_is_an_error(data_home, keep_checksum_file):
    # Every row is there but the last review ends early: "... funny and ".
    path = data_home / "imdb" / "train.csv"
    content = path.read_bytes()
    path.write_bytes(content[: content.index(b"kind.")])
    if not keep_checksum_file:
        (data_home / "imdb" / "train.csv.sha256").unlink()
    with pytest.raises(DataFileError, match="train.csv"):
        fetch_imdb("train", data_home=data_home, download_if_missing=False)


def test_imdb_row_with_missing_fields_names_the_row(data_home):
    path = data_home / "imdb" / "train.csv"
    path.write_bytes(path.read_bytes() + b"1,8\n")
    (data_home / "imdb" / "train.csv.sha256").unlink()
    with pytest.raises(DataFileError, match="row 5 after the header: expected 4"):
        fetch_imdb("train", data_home=data_home, download_if_missing=False)


def test_changed_file_is_caught_by_its_checksum_file(data_home):
    # Same rows, same length, one word changed: only the checksum can tell.
    path = data_home / "ag_news" / "train.csv"
    path.write_bytes(path.read_bytes().replace(b"Wheel Fails", b"Wheel Falls"))
    with pytest.raises(DataFileError) as excinfo:
        fetch_ag_news("train", data_home=data_home, download_if_missing=False)
    _is_data_file_error(excinfo.value, path)
    assert "does not match its checksum file train.csv.sha256" in str(excinfo.value)


def test_file_placed_by_hand_needs_the_data_sets_row_count(data_home):
    # Six rows and no checksum file: not the 120,000-row training split.
    (data_home / "ag_news" / "train.csv.sha256").unlink()
    path = data_home / "ag_news" / "train.csv"
    with pytest.raises(DataFileError) as excinfo:
        fetch_ag_news("train", data_home=data_home)
    _is_data_file_error(excinfo.value, path)
    message = str(excinfo.value)
    assert "6 rows where the published train.csv has 120,000" in message
    assert "fetch_ag_news(subset='train')" in message
    assert path.read_bytes()  # a file placed by hand is never deleted


def test_file_placed_by_hand_loads_by_strict_parse(data_home, monkeypatch):
    # A file with the data set's row count, ending with a line break, loads
    # without a checksum file; one whose last row is cut does not.
    spec = _ag_news._SPECS["train"]
    monkeypatch.setitem(
        _ag_news._SPECS, "train", dataclasses.replace(spec, n_records=6)
    )
    (data_home / "ag_news" / "train.csv.sha256").unlink()
    assert len(fetch_ag_news("train", data_home=data_home).data) == 6
    path = data_home / "ag_news" / "train.csv"
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    with pytest.raises(DataFileError, match="does not end with a line break"):
        fetch_ag_news("train", data_home=data_home)


def test_published_file_placed_by_hand_loads_by_its_checksum(tmp_path):
    # The published test.csv, compressed by the user with another tool setting,
    # and no checksum file: its content matches the published SHA-256.
    content = lzma.decompress(_base._package_file(_ag_news._EMBEDDED_TEST).read_bytes())
    (tmp_path / "ag_news").mkdir()
    (tmp_path / "ag_news" / "test.csv.gz").write_bytes(gzip.compress(content))
    data, target = fetch_ag_news("test", data_home=tmp_path, return_X_y=True)
    assert len(data) == 7600 and np.bincount(target).tolist() == [1900] * 4


def test_damaged_embedded_file_says_reinstall(tmp_path, monkeypatch):
    content = lzma.decompress(_base._package_file(_ag_news._EMBEDDED_TEST).read_bytes())
    damaged = tmp_path / "ag_news_test.csv.xz"
    damaged.write_bytes(lzma.compress(content.replace(b"Fears", b"Feats", 1), preset=0))
    original = _base._package_file
    monkeypatch.setattr(
        _ag_news,
        "_package_file",
        lambda name: damaged if name == _ag_news._EMBEDDED_TEST else original(name),
    )
    with pytest.raises(DataFileError) as excinfo:
        load_ag_news()
    _is_data_file_error(excinfo.value, damaged)
    assert "shipped with sklearn-charcnn is damaged" in str(excinfo.value)
    assert "pip install --force-reinstall" in str(excinfo.value)


def test_embedded_files_match_the_checksums_in_the_code():
    for spec in _ag_news._EMBEDDED_SPECS.values():
        path = _base._package_file(spec.name)
        raw = path.read_bytes()
        if path.suffix == ".xz":
            raw = lzma.decompress(raw)
        assert f"sha256:{sha256(raw)}" in spec.digests


def test_damaged_download_is_fetched_again_with_a_warning(tmp_path, monkeypatch):
    source = tmp_path / "source" / "train.csv"
    source.parent.mkdir()
    shutil.copy(FIXTURES / "ag_news" / "train.csv", source)
    digest = hashlib.md5(source.read_bytes()).hexdigest()
    remote = RemoteFile("train.csv", source.as_uri(), f"md5:{digest}")
    monkeypatch.setitem(_ag_news._REMOTES, "train", remote)
    home = tmp_path / "home"
    assert len(fetch_ag_news("train", data_home=home).data) == 6
    cached = home / "ag_news" / "train.csv"
    assert (
        (home / "ag_news" / "train.csv.sha256")
        .read_text()
        .startswith(sha256(cached.read_bytes()))
    )
    cached.write_bytes(cached.read_bytes()[:100])
    with pytest.raises(DataFileError, match="train.csv"):
        fetch_ag_news("train", data_home=home, download_if_missing=False)
    with pytest.warns(UserWarning, match="deleted and fetched again"):
        data = fetch_ag_news("train", data_home=home).data
    assert len(data) == 6
    assert cached.read_bytes() == source.read_bytes()


def test_damaged_converted_csv_is_rebuilt_from_the_archive(tmp_path, tiny_imdb):
    folder = tmp_path / "imdb"
    folder.mkdir()
    _write_imdb_tar(folder / "aclImdb_v1.tar.gz", REVIEWS)
    fetch_imdb("train", data_home=tmp_path)
    good = (folder / "train.csv").read_bytes()
    (folder / "train.csv").write_bytes(good[:30])
    with pytest.warns(UserWarning, match="train.csv does not match its checksum"):
        data = fetch_imdb("train", data_home=tmp_path).data
    assert data == ["Awful.", "Good.<br />Fine.", 'Great, "really" great.']
    assert (folder / "train.csv").read_bytes() == good


def test_incomplete_imdb_extraction_is_an_error(tmp_path):
    # An aclImdb/ folder whose extraction stopped early: 3 of 25,000 reviews.
    for name, text in REVIEWS.items():
        path = tmp_path / "imdb" / "aclImdb" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as excinfo:
        fetch_imdb("train", data_home=tmp_path)
    message = str(excinfo.value)
    assert "1 negative and 2 positive train reviews" in message
    assert "12,500 and 12,500" in message and str(tmp_path / "imdb") in message
    assert not (tmp_path / "imdb" / "train.csv").exists()


def test_truncated_imdb_archive_names_the_archive(tmp_path, tiny_imdb):
    folder = tmp_path / "imdb"
    folder.mkdir()
    archive = folder / "aclImdb_v1.tar.gz"
    _write_imdb_tar(archive, REVIEWS)
    archive.write_bytes(archive.read_bytes()[:-40])
    with pytest.raises(DataFileError) as excinfo:
        fetch_imdb("train", data_home=tmp_path)
    _is_data_file_error(excinfo.value, archive)
    assert "damaged or cut short" in str(excinfo.value)


def test_mr_sentence_file_placed_by_hand_is_checked(data_home):
    path = data_home / "mr" / "rt-polarity.pos"
    (data_home / "mr" / "rt-polarity.pos.sha256").unlink()
    with pytest.raises(DataFileError, match="2 non-empty lines where the published"):
        fetch_mr(data_home=data_home)
    assert path.exists()


@pytest.fixture
def read_only():
    """Make folders read-only (chmod a-w) for the test, then writable again."""
    folders = []

    def make(*paths):
        for path in paths:
            folders.append((path, path.stat().st_mode))
            path.chmod(0o555)

    yield make
    for path, mode in reversed(folders):
        path.chmod(mode)


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_read_only_data_home_loads_every_data_set(data_home, read_only):
    before = _listing(data_home)
    read_only(data_home, *[p for p in data_home.iterdir() if p.is_dir()])
    assert len(fetch_ag_news("all", data_home=data_home).data) == 8
    assert len(fetch_imdb("all", data_home=data_home).data) == 6
    assert len(fetch_mr(data_home=data_home).data) == 4
    assert _listing(data_home) == before


def test_read_only_data_home_converts_the_imdb_archive_in_memory(
    tmp_path, tiny_imdb, read_only, caplog
):
    folder = tmp_path / "imdb"
    folder.mkdir()
    _write_imdb_tar(folder / "aclImdb_v1.tar.gz", REVIEWS)
    read_only(folder)
    with caplog.at_level(logging.INFO, logger="sklearn_charcnn"):
        data, target = fetch_imdb("test", data_home=tmp_path, return_X_y=True)
    assert data == ["Meh.", "Wonderful."] and target.tolist() == [0, 1]
    assert [p.name for p in folder.iterdir()] == ["aclImdb_v1.tar.gz"]
    assert "read-only" in caplog.text


def test_download_into_read_only_data_home_says_so(tmp_path, read_only):
    (tmp_path / "ag_news").mkdir()
    read_only(tmp_path / "ag_news")
    with pytest.raises(OSError, match="read-only") as excinfo:
        fetch_ag_news("train", data_home=tmp_path)
    assert str(tmp_path / "ag_news") in str(excinfo.value)


# ------------------------------------------------------ fetcher conventions


def test_as_frame_returns_pandas_objects(data_home):
    pd = pytest.importorskip("pandas")
    bunch = fetch_imdb("train", data_home=data_home, as_frame=True)
    assert isinstance(bunch.data, pd.DataFrame) and list(bunch.data.columns) == ["text"]
    assert isinstance(bunch.target, pd.Series) and bunch.target.name == "target"
    assert bunch.frame.shape == (4, 2) and bunch.feature_names == ["text"]
    assert bunch.data["text"].tolist() == fetch_imdb("train", data_home=data_home).data
    X, y = fetch_mr(data_home=data_home, as_frame=True, return_X_y=True)
    assert isinstance(X, pd.DataFrame) and y.tolist() == [0, 0, 1, 1]
    assert load_ag_news().frame is None


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"n_retries": 0}, "n_retries"),
        ({"delay": 0}, "delay"),
        ({"as_frame": "yes"}, "as_frame"),
        ({"data_home": 3}, "data_home"),
        ({"random_state": "seed"}, "random_state"),
    ],
)
@pytest.mark.parametrize("fetch", [fetch_ag_news, fetch_imdb, fetch_mr])
def test_fetchers_validate_their_parameters(fetch, kwargs, name):
    with pytest.raises(
        InvalidParameterError, match=f"'{name}' parameter of {fetch.__name__}"
    ):
        fetch(**kwargs)


class _FlakyServer:
    """A local HTTP server: ``failures`` answers 503, then serves ``content``."""

    def __init__(self, content: bytes, failures: int = 0, status: int = 503):
        import http.server
        import threading

        server_self = self
        self.requests = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server_self.requests += 1
                if server_self.requests <= failures:
                    self.send_error(status)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/train.csv"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_download_retries_on_server_errors(tmp_path, monkeypatch):
    content = (FIXTURES / "ag_news" / "train.csv").read_bytes()
    with _FlakyServer(content, failures=2) as server:
        remote = RemoteFile(
            "train.csv", server.url, f"md5:{hashlib.md5(content).hexdigest()}"
        )
        monkeypatch.setitem(_ag_news._REMOTES, "train", remote)
        with pytest.warns(UserWarning, match="503.*retrying in 0.01 s") as record:
            data = fetch_ag_news(
                "train", data_home=tmp_path, n_retries=2, delay=0.01
            ).data
    assert len(data) == 6 and server.requests == 3 and len(record) == 2


def test_download_gives_up_after_n_retries(tmp_path, monkeypatch):
    with _FlakyServer(b"", failures=10) as server:
        monkeypatch.setitem(
            _ag_news._REMOTES, "train", RemoteFile("train.csv", server.url, "md5:0")
        )
        with pytest.warns(UserWarning, match="retrying"):
            with pytest.raises(OSError, match="downloading .* failed"):
                fetch_ag_news("train", data_home=tmp_path, n_retries=1, delay=0.01)
    assert server.requests == 2
    assert list((tmp_path / "ag_news").iterdir()) == []


def test_download_does_not_retry_a_missing_file(tmp_path, monkeypatch, recwarn):
    with _FlakyServer(b"", failures=10, status=404) as server:
        monkeypatch.setitem(
            _ag_news._REMOTES, "train", RemoteFile("train.csv", server.url, "md5:0")
        )
        with pytest.raises(OSError, match="Not Found"):
            fetch_ag_news("train", data_home=tmp_path, delay=0.01)
    assert server.requests == 1 and not recwarn.list


def test_download_logs_start_size_and_end(tmp_path, caplog, capsys):
    content = b"x" * 2500
    source = tmp_path / "remote.csv"
    source.write_bytes(content)
    remote = RemoteFile("local.csv", source.as_uri(), f"sha256:{sha256(content)}")
    with caplog.at_level(logging.INFO, logger="sklearn_charcnn"):
        _base._download([remote], tmp_path / "out", "Test", "nowhere")
    start, end = caplog.messages
    assert start == f"Downloading local.csv (2.5 kB) from {source.as_uri()}"
    assert end.startswith(f"Downloaded {tmp_path / 'out' / 'local.csv'} (2.5 kB) in ")
    assert end.endswith("sha256 checksum verified")
    # stderr is not a terminal under pytest: no progress line is drawn.
    assert capsys.readouterr().err == ""


def test_download_progress_line_on_a_stream(tmp_path):
    content = b"y" * 3_000_000  # three blocks of 1 MiB or less
    source = tmp_path / "remote.bin"
    source.write_bytes(content)
    remote = RemoteFile("big.bin", source.as_uri(), f"sha256:{sha256(content)}")
    stream = io.StringIO()
    _fetch_remote(remote, tmp_path / "out", progress=stream)
    drawn = stream.getvalue()
    assert drawn.startswith("\rbig.bin: ") and drawn.endswith("\n")
    assert "\rbig.bin: 3.0 MB of 3.0 MB (100%)\n" in drawn
