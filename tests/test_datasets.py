"""Tests of the fetchers on the small files of tests/fixtures/data_home.

Nothing here reaches the network: downloads read ``file://`` URLs or a
server on the loopback interface.
"""

import csv
import hashlib
import io
import logging
import lzma
import os
import shutil
import socket
import tarfile
import time
import urllib.error
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import sklearn.datasets

from sklearn_charcnn._compat import InvalidParameterError
from sklearn_charcnn.datasets import (
    DataFileError,
    _ag_news,
    _base,
    _goemotions,
    _movie_reviews,
    fetch_ag_news,
    fetch_goemotions,
    fetch_imdb,
    fetch_mr,
    get_data_home,
    load_ag_news,
    unescape_ag_news,
)

FIXTURES = Path(__file__).parent / "fixtures" / "data_home"
AG_TRAIN = (FIXTURES / "ag_news" / "train.csv").read_bytes()
# Header-less, tab-separated, unquoted: a comment may start with '"'.
GOEMOTIONS = {
    "train": b'"Wow" he said.\t13,26\tid1\nThank you [NAME]!\t15\tid2\n',
    "dev": b"ok\t27\tid3\n",
    "test": b"Sad :(\t25\tid4\n",
}
FETCHERS = {
    "ag_news": fetch_ag_news,
    "imdb": fetch_imdb,
    "mr": fetch_mr,
    "goemotions": fetch_goemotions,
}
NAMES = {  # label i is names[i]
    "ag_news": ["World", "Sports", "Business", "Sci/Tech"],  # classes.txt
    "imdb": ["neg", "pos"],
    "mr": ["neg", "pos"],
    "goemotions": (  # emotions.txt
        "admiration amusement anger annoyance approval caring confusion curiosity "
        "desire disappointment disapproval disgust embarrassment excitement fear "
        "gratitude grief joy love nervousness optimism pride realization relief "
        "remorse sadness surprise neutral"
    ).split(),
}
DATA_HOME_FILES = [  # each with its .sha256 file in the data_home fixture
    "ag_news/train.csv",
    "ag_news/test.csv.xz",
    "imdb/train.csv",
    "imdb/test.csv.xz",
    "mr/rt-polarity.neg",
    "goemotions/train.tsv",
]


def fetch_all(name, **kwargs):
    """Every document of data set ``name`` (MR has a single split)."""
    fetch = FETCHERS[name]
    return fetch(**kwargs) if fetch is fetch_mr else fetch("all", **kwargs)


def labels_of(target):
    """Each document's class, or its labels' indices for a multi-label target."""
    if target.ndim == 2:
        return [np.flatnonzero(row).tolist() for row in target]
    return target.tolist()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_checksum(path: Path) -> None:
    """Do what ``sha256sum file > file.sha256`` does."""
    sidecar = path.with_name(path.name + ".sha256")
    sidecar.write_text(f"{sha256(path.read_bytes())}  {path.name}\n")


@pytest.fixture
def data_home(tmp_path):
    """A copy of the fixture data home, with GoEmotions files recorded by hand."""
    home = tmp_path / "data_home"
    shutil.copytree(FIXTURES, home)
    (home / "goemotions").mkdir()
    for split, tsv in GOEMOTIONS.items():
        (home / "goemotions" / f"{split}.tsv").write_bytes(tsv)
        record_checksum(home / "goemotions" / f"{split}.tsv")
    return home


REVIEWS = {
    "train/pos/10_9.txt": 'Great, "really" great.',
    "train/pos/2_7.txt": "Good.<br />Fine.",
    "train/neg/5_1.txt": "Awful.",
    "train/unsup/0_0.txt": "unlabelled, skipped",
    "test/neg/0_4.txt": "Meh.",
    "test/pos/1_10.txt": "Wonderful.",
    "train/labeledBow.feat": "0:1 1:2",
}
# Their conversion, by hand: sorted by label, then id.
TRAIN_CSV = (
    "label,rating,id,text\n0,1,5,Awful.\n1,7,2,Good.<br />Fine.\n"
    '1,9,10,"Great, ""really"" great."\n'
)
TEST_CSV = "label,rating,id,text\n0,4,0,Meh.\n1,10,1,Wonderful.\n"


def imdb_archive(path: Path, reviews=REVIEWS, compresslevel=9) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz", compresslevel=compresslevel) as archive:
        for name, text in reviews.items():
            info = tarfile.TarInfo(f"aclImdb/{name}")
            info.size = len(text.encode())
            archive.addfile(info, io.BytesIO(text.encode()))
    return path


@pytest.fixture
def tiny_imdb(monkeypatch):
    """Make the conversion of REVIEWS the published IMDB CSV files."""
    for split, content in [("train", TRAIN_CSV), ("test", TEST_CSV)]:
        spec = _movie_reviews._IMDB_FILES[split]
        spec = spec._replace(checksum=f"sha256:{sha256(content.encode())}")
        monkeypatch.setitem(_movie_reviews._IMDB_FILES, split, spec)


def serve(tmp_path, spec, content: bytes, algorithm="sha256"):
    """Return ``spec`` downloaded from a local file holding ``content``."""
    source = tmp_path / "source" / spec.filename
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(content)
    digest = f"{algorithm}:{hashlib.new(algorithm, content).hexdigest()}"
    return spec._replace(url=source.as_uri(), checksum=digest)


@pytest.fixture
def served(tmp_path, monkeypatch, tiny_imdb):
    """Every fetcher downloads the files above from local copies."""
    ag = serve(tmp_path, _ag_news._REMOTES["train"], AG_TRAIN, "md5")
    monkeypatch.setitem(_ag_news._REMOTES, "train", ag)
    for split, tsv in GOEMOTIONS.items():
        spec = serve(tmp_path, _goemotions._FILES[split], tsv)
        monkeypatch.setitem(_goemotions._FILES, split, spec)
    mr = [
        serve(tmp_path, spec, (FIXTURES / "mr" / spec.filename).read_bytes())
        for spec in _movie_reviews._MR_FILES
    ]
    monkeypatch.setattr(_movie_reviews, "_MR_FILES", mr)
    archive = imdb_archive(tmp_path / "archive.tar.gz").read_bytes()
    spec = serve(tmp_path, _movie_reviews._ARCHIVE, archive, "md5")
    monkeypatch.setattr(_movie_reviews, "_ARCHIVE", spec)


def test_get_data_home_prefers_argument_then_environment_then_sklearns(
    data_home, tmp_path, monkeypatch
):
    monkeypatch.setenv("SKLEARN_CHARCNN_DATA", str(data_home))
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "sk"))
    assert get_data_home("/explicit") == "/explicit"
    assert get_data_home() == str(data_home)  # the package's variable wins
    assert len(fetch_ag_news("train").data) == 6
    monkeypatch.delenv("SKLEARN_CHARCNN_DATA")
    home = os.path.join(sklearn.datasets.get_data_home(), "sklearn_charcnn")
    assert get_data_home() == home
    shutil.copytree(data_home, home)
    assert len(fetch_mr(download_if_missing=False).data) == 4


@pytest.mark.parametrize(  # the docstring's examples: \$, \, #36;, quot;, amp;, &lt;
    "raw, expected",
    [
        (r"gold.\\Again.", "gold.\n\nAgain."),
        ("the case #151;briefly", "the case\u2014briefly"),  # cp1252 151: em dash
        ("Newsday #146;s", "Newsday\u2019s"),  # cp1252 146: right quote
        ("a fault; the plot;", "a fault; the plot;"),  # no entity
        ("Turner   Newall", "Turner   Newall"),  # spaces kept
    ],
)
def test_unescape_ag_news(raw, expected):
    assert unescape_ag_news(raw) == expected


READS = [  # subset="all" of the data home: each document's class (or labels)
    ("ag_news", [2, 3, 0, 1, 0, 1, 2, 3], 1, "Rover's Wheel Fails NASA said the $820"),
    ("imdb", [0, 0, 1, 1, 0, 1], 3, 'A "perfect" film, funny and kind.'),
    ("mr", [0, 0, 1, 1], 3, "a caf\u00e9 of a film ."),  # a Windows-1252 file
    ("goemotions", [[13, 26], [15], [27], [25]], 0, '"Wow" he said.'),
]


@pytest.mark.parametrize("name, labels, index, text", READS)
def test_fetchers_read_the_data_home_as_lists_frames_or_shuffled(
    data_home, name, labels, index, text
):
    fetch = partial(fetch_all, name, data_home=data_home, download_if_missing=False)
    bunch = fetch()
    assert labels_of(bunch.target) == labels and text in bunch.data[index]
    assert bunch.target_names == NAMES[name] and bunch.frame is None
    assert bunch.target.dtype == (np.uint8 if name == "goemotions" else np.int64)
    cited = {"ag_news": "Zhang", "imdb": "Maas", "mr": "Pang", "goemotions": "Demszky"}
    assert cited[name] in bunch.DESCR and bunch.feature_names == ["text"]
    data, target = fetch(return_X_y=True)
    assert data == bunch.data and np.array_equal(target, bunch.target)
    shuffled = fetch(shuffle=True, random_state=0)
    assert shuffled.data == fetch(shuffle=True, random_state=0).data != data
    pairs = sorted(zip(shuffled.data, shuffled.target.tolist(), strict=True))
    assert pairs == sorted(zip(data, target.tolist(), strict=True))
    pd = pytest.importorskip("pandas")
    X, y = fetch(as_frame=True, return_X_y=True)
    assert isinstance(X, pd.DataFrame) and X["text"].tolist() == data
    assert np.array_equal(y, target)  # a Series, or a DataFrame of the labels
    columns = fetch(as_frame=True).frame.columns.tolist()
    assert columns == ["text", *(NAMES[name] if y.ndim == 2 else ["target"])]


def test_ag_news_test_split_is_embedded_or_its_published_copy(tmp_path, monkeypatch):
    bunch = load_ag_news()
    assert len(bunch.data) == 7600 and np.bincount(bunch.target).tolist() == [1900] * 4
    # First row of the original test.csv: class 3 (Business).
    assert bunch.target[0] == 2 and bunch.data[0].startswith("Fears for T N pension")
    text, raw = "\n".join(bunch.data), "\n".join(load_ag_news(unescape=False).data)
    assert "\\" not in text and "#39;" not in text and "&lt;" not in text
    assert "\\" in raw and "#39;" in raw and "&lt;" in raw  # the fields as stored
    fetched = fetch_ag_news("test", data_home=tmp_path, download_if_missing=False)
    assert fetched.data == bunch.data and not (tmp_path / "ag_news").exists()
    content = lzma.decompress(_ag_news._EMBEDDED.read_bytes())
    assert sha256(content) == _ag_news._TEST.checksum.removeprefix("sha256:")
    (tmp_path / "ag_news").mkdir()
    shutil.copy(_ag_news._EMBEDDED, tmp_path / "ag_news" / "test.csv.xz")  # no .sha256
    assert fetch_ag_news("test", data_home=tmp_path).data == bunch.data
    # A damaged copy in the package says to reinstall it.
    damaged = tmp_path / "ag_news_test.csv.xz"
    damaged.write_bytes(lzma.compress(content.replace(b"Fears", b"Feats", 1)))
    monkeypatch.setattr(_ag_news, "_EMBEDDED", damaged)
    with pytest.raises(DataFileError, match="pip install --force-reinstall") as excinfo:
        load_ag_news()
    assert str(damaged) in str(excinfo.value)


def test_fetch_imdb_converts_the_original_reviews(tmp_path, request):
    archive = imdb_archive(tmp_path / "imdb" / "aclImdb_v1.tar.gz")
    archive.write_bytes((whole := archive.read_bytes())[:-60])
    with pytest.raises(DataFileError, match="damaged or cut short") as excinfo:
        fetch_imdb("train", data_home=tmp_path)
    assert str(archive) in str(excinfo.value)
    archive.write_bytes(whole)  # against the real digests, 3 reviews are too few
    with pytest.raises(DataFileError, match="3 train reviews where the") as excinfo:
        fetch_imdb("train", data_home=tmp_path)
    assert str(archive) in str(excinfo.value)
    folder = archive.parent
    assert [p.name for p in folder.iterdir()] == [archive.name]  # nothing written
    request.getfixturevalue("tiny_imdb")
    data, target = fetch_imdb("train", data_home=tmp_path, return_X_y=True)
    assert data == ["Awful.", "Good.<br />Fine.", 'Great, "really" great.']
    assert target.tolist() == [0, 1, 1]
    assert (folder / "train.csv").read_text() == TRAIN_CSV
    assert (folder / "test.csv").read_text() == TEST_CSV
    written = ["test.csv", "test.csv.sha256", "train.csv", "train.csv.sha256"]
    assert sorted(p.name for p in folder.iterdir()) == [archive.name, *written]
    (folder / "train.csv").write_text(TRAIN_CSV[:30])  # rebuilt from the source
    with pytest.warns(UserWarning, match="train.csv does not match its checksum"):
        assert fetch_imdb("train", data_home=tmp_path).data == data
    assert (folder / "train.csv").read_text() == TRAIN_CSV


@pytest.mark.parametrize("relative", [f for f in DATA_HOME_FILES if ".xz" not in f])
def test_missing_file_is_downloaded_recorded_and_fetched_again_once_damaged(
    tmp_path, served, relative
):
    home, (name, filename) = tmp_path / "home", relative.split("/")
    with pytest.raises(OSError, match="download_if_missing=False") as excinfo:
        fetch_all(name, data_home=home, download_if_missing=False)
    assert filename in str(excinfo.value) and str(home / name) in str(excinfo.value)
    bunch = fetch_all(name, data_home=home)
    # Only the downloaded or converted files, each with its SHA-256 recorded.
    files = sorted(p for p in (home / name).iterdir() if p.suffix != ".sha256")
    sidecars = sorted((home / name).glob("*.sha256"))
    assert sidecars == [p.with_name(p.name + ".sha256") for p in files]
    for path, sidecar in zip(files, sidecars, strict=True):
        assert sidecar.read_text() == f"{sha256(path.read_bytes())}  {path.name}\n"
    path = home / relative
    path.write_bytes((content := path.read_bytes())[:5])
    with pytest.warns(UserWarning, match="deleted and fetched again"):
        assert fetch_all(name, data_home=home).data == bunch.data
    assert path.read_bytes() == content


@pytest.mark.parametrize(
    "failures, code, n_calls, raised",
    [
        (2, 503, 3, None),
        (10, 503, 2, "failed .HTTP Error 503"),
        (10, 404, 1, "404"),
        (0, None, 1, "checksum .* not md5:0+; it was not saved"),
        (0, "no answer", 2, "timed out"),  # within the timeout, not 60 s
    ],
)
def test_download_retries_network_errors_only_and_keeps_only_good_files(
    tmp_path, monkeypatch, served, request, recwarn, failures, code, n_calls, raised
):
    remote, server = _ag_news._REMOTES["train"], socket.create_server(("127.0.0.1", 0))
    request.addfinalizer(server.close)  # it accepts connections and never answers
    if code is None:  # the source has changed
        remote = remote._replace(checksum="md5:" + "0" * 32)
    elif code == "no answer":
        remote = remote._replace(url=f"http://127.0.0.1:{server.getsockname()[1]}/")
    monkeypatch.setitem(_ag_news._REMOTES, "train", remote)
    monkeypatch.setattr(_base, "_TIMEOUT", 0.2)
    calls, urlopen = [], _base.urllib.request.urlopen

    def flaky_urlopen(url, *args, **kwargs):
        calls.append(url)
        if len(calls) <= failures:
            raise urllib.error.HTTPError(url, code, f"HTTP Error {code}", {}, None)
        return urlopen(url, *args, **kwargs)

    monkeypatch.setattr(_base.urllib.request, "urlopen", flaky_urlopen)
    home, start = tmp_path / "home", time.monotonic()
    if raised is None:
        assert len(fetch_ag_news(data_home=home, n_retries=2, delay=0.01).data) == 6
    else:
        with pytest.raises(OSError, match=raised) as excinfo:
            fetch_ag_news(data_home=home, n_retries=1, delay=0.01)
        if code is not None:
            assert str(home / "ag_news") in str(excinfo.value)  # where to put it
        assert list((home / "ag_news").iterdir()) == []  # nothing partial
    assert len(calls) == n_calls and time.monotonic() - start < 10
    assert len(recwarn) == n_calls - 1  # one warning per retry
    assert all("retrying in 0.01 s" in str(w.message) for w in recwarn)


@pytest.mark.parametrize("cut", [True, False])
@pytest.mark.parametrize("recorded", [True, False])
@pytest.mark.parametrize("relative", DATA_HOME_FILES)
def test_damaged_or_cut_file_names_itself_and_the_call(
    data_home, relative, recorded, cut
):
    path = data_home / relative
    content = path.read_bytes()
    damaged = content[: len(content) // 2] if cut else bytes(range(256)) * 8
    path.write_bytes(damaged)
    if not recorded:
        path.with_name(path.name + ".sha256").unlink()
    # A file placed by hand is never replaced, even when downloads are
    # allowed; one the fetcher wrote would be, so downloads are refused here.
    with pytest.raises(DataFileError) as excinfo:
        fetch_all(
            path.parent.name, data_home=data_home, download_if_missing=not recorded
        )
    assert str(path) in str(excinfo.value)
    assert "fetch_" in str(excinfo.value) and path.read_bytes() == damaged
    assert isinstance(excinfo.value, OSError) and isinstance(excinfo.value, ValueError)
    expected = "does not match its checksum file" if recorded else "sha256sum"
    assert expected in str(excinfo.value)


BAD_ROWS = [  # a variant of one's own, recorded, and what its error says
    ("ag_news/train.csv", '"1","a","b"\n"5","a","b"\n', "line 2: the class index '5'"),
    ("imdb/train.csv", "label,rating,id,text\n1,8\n", "line 2: 2 fields where"),
    ("mr/rt-polarity.csv", "label,text\n0,bad .\n2,good .\n", "label(s) ['2'], not"),
    ("goemotions/train.tsv", "ok\t27\tid1\nhm\t28\tid2\n", "line 2: the labels '28'"),
]


@pytest.mark.parametrize("relative, content, message", BAD_ROWS)
def test_bad_rows_of_a_recorded_variant_name_their_line(
    data_home, relative, content, message
):
    path = data_home / relative
    path.write_text(content)
    record_checksum(path)
    with pytest.raises(DataFileError) as excinfo:
        fetch_all(path.parent.name, data_home=data_home)
    assert str(path) in str(excinfo.value) and message in str(excinfo.value)


def test_read_only_data_home_loads_every_data_set(
    data_home, tmp_path, tiny_imdb, caplog
):
    before = [(p, p.stat().st_mtime_ns) for p in sorted(data_home.rglob("*"))]
    folder = tmp_path / "imdb"
    for name, text in REVIEWS.items():  # the extracted archive
        (folder / "aclImdb" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "aclImdb" / name).write_text(text)
    (empty := tmp_path / "empty").mkdir()
    for path in [data_home, *data_home.iterdir(), folder, empty]:
        path.chmod(0o555)  # chmod a-w; pytest's clean-up copes with it
    sizes = [len(fetch_all(name, data_home=data_home).data) for name in FETCHERS]
    after = [(p, p.stat().st_mtime_ns) for p in sorted(data_home.rglob("*"))]
    assert sizes == [8, 6, 4, 4] and after == before  # nothing written
    with pytest.raises(OSError, match="read-only"):
        fetch_goemotions(data_home=empty)
    # The IMDB reviews are converted in memory.
    with caplog.at_level(logging.INFO, logger="sklearn_charcnn"):
        data, target = fetch_imdb("test", data_home=tmp_path, return_X_y=True)
    assert data == ["Meh.", "Wonderful."] and target.tolist() == [0, 1]
    assert [p.name for p in folder.iterdir()] == ["aclImdb"]
    assert "read-only" in caplog.text


INVALID = dict(n_retries=0, delay=0, as_frame="yes", data_home=3, random_state="x")


@pytest.mark.parametrize("parameter", ["subset", *INVALID])
@pytest.mark.parametrize("fetch", FETCHERS.values())
def test_fetchers_validate_their_parameters(fetch, parameter):
    single_split = fetch is fetch_mr and parameter == "subset"  # takes no subset
    with pytest.raises(TypeError if single_split else InvalidParameterError) as excinfo:
        fetch(**{parameter: INVALID.get(parameter, "val")})
    assert f"'{parameter}'" in str(excinfo.value)


SHARED = {  # documents per class (GoEmotions: with one label, with several)
    "ag_news": {"test": [1900] * 4},
    "imdb": {"train": [12500] * 2, "test": [12500] * 2},
    "mr": {None: [5331] * 2},
    "goemotions": {"train": [36308, 7102], "dev": [4548, 878], "test": [4590, 837]},
}
KNOWN = {  # a document of each data set's readme or first release, its labels
    "ag_news": ("test", 0, "Fears for T N pension", 2),
    "imdb": ("train", 12500, "Bromwell High is a cartoon comedy.", 1),  # pos/0_9
    "mr": (None, 0, "simplistic , silly and tedious .", 0),
    "goemotions": ("dev", 0, "Is this in New Orleans??", [27]),
}


@pytest.mark.shared_data
@pytest.mark.parametrize("name", SHARED)
def test_fetchers_read_the_shared_data_folder(shared_data, name):
    fetch = partial(FETCHERS[name], data_home=shared_data, download_if_missing=False)
    subsets = {s: {"subset": s} if s else {} for s in SHARED[name]}  # MR: no subset
    splits = {s: fetch(**kwargs) for s, kwargs in subsets.items()}
    for subset, bunch in splits.items():
        if bunch.target.ndim == 1:
            counts = np.bincount(bunch.target).tolist()
        else:  # comments with one label, with several (none without)
            n_labels = bunch.target.sum(axis=1)
            counts = [int((n_labels == 1).sum()), int((n_labels > 1).sum())]
        assert counts == SHARED[name][subset] and bunch.target_names == NAMES[name]
        assert sum(counts) == len(bunch.target) == len(bunch.data)
    subset, index, start, labels = KNOWN[name]
    assert splits[subset].data[index].startswith(start)
    assert labels_of(splits[subset].target[index : index + 1]) == [labels]
    every = {"subset": "all"} if len(splits) > 1 else subsets[subset]
    data, target = fetch(**every, return_X_y=True)
    assert data == [text for bunch in splits.values() for text in bunch.data]
    assert np.array_equal(target, np.concatenate([b.target for b in splits.values()]))


@pytest.mark.shared_data
def test_imdb_conversion_reproduces_the_published_csv(shared_data, tmp_path):
    """Turn the 25,000 shared training reviews back into an aclImdb archive,
    convert it, and check the result against the published SHA-256."""
    with lzma.open(shared_data / "imdb" / "train.csv.xz", "rt", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    reviews = {
        f"train/{'pos' if label == '1' else 'neg'}/{i}_{rating}.txt": text
        for label, rating, i, text in rows
    }
    reviews["test/neg/0_1.txt"] = "placeholder"
    imdb_archive(tmp_path / "imdb" / "aclImdb_v1.tar.gz", reviews, compresslevel=1)
    fetch_imdb("train", data_home=tmp_path, download_if_missing=False)
    assert sha256((tmp_path / "imdb" / "train.csv").read_bytes()) == (
        "3b9ea9ea967d4492154b1b0a21a971da6d8d2ccb258becfef4f1087fc1495399"
    )
