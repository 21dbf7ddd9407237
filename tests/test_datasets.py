"""Tests of the data set loaders, on the small files of tests/fixtures/data_home.

Nothing here touches the network: downloads are tested with ``file://`` URLs
to local files.
"""

import csv
import hashlib
import io
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
from sklearn_charcnn.datasets._base import RemoteFile, _fetch_remote

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
