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


@pytest.fixture
def data_home(tmp_path):
    """A writable copy of the fixture data home; any download fails loudly."""
    shutil.copytree(FIXTURES, tmp_path / "data_home")
    return tmp_path / "data_home"


def sha256(data) -> str:
    return hashlib.sha256(
        data if isinstance(data, bytes) else data.encode()
    ).hexdigest()


def record_checksum(path: Path) -> None:
    """Do what ``sha256sum file > file.sha256`` does."""
    path.with_name(path.name + ".sha256").write_text(
        f"{sha256(path.read_bytes())}  {path.name}\n"
    )


def remote_copy(tmp_path, name: str, content: bytes, algorithm="sha256"):
    """A RemoteFile served from a local file with that content."""
    source = tmp_path / "source" / name
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(content)
    digest = f"{algorithm}:{hashlib.new(algorithm, content).hexdigest()}"
    return _base.RemoteFile(name, source.as_uri(), digest)


def serve_ag_train(tmp_path, monkeypatch, url=None):
    """Serve the fixture train.csv as AG News' training split (or ``url``)."""
    remote = remote_copy(tmp_path, "train.csv", AG_TRAIN, "md5")
    monkeypatch.setitem(
        _ag_news._REMOTES, "train", remote._replace(url=url or remote.url)
    )


def assert_names(error, path):
    """The error is an OSError and a ValueError naming the file."""
    assert isinstance(error, OSError) and isinstance(error, ValueError)
    assert str(path) in str(error)


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


def test_fetch_ag_news_reads_plain_and_xz_files_and_decodes(data_home):
    bunch = fetch_ag_news("train", data_home=data_home, download_if_missing=False)
    assert (
        bunch.target.tolist() == [2, 3, 0, 1, 0, 1] and bunch.target.dtype == np.int64
    )
    assert bunch.target_names == ["World", "Sports", "Business", "Sci/Tech"]
    assert bunch.data[1] == (
        "Mars Rover's Wheel Fails NASA said the $820 million rover\ncan still move."
    )
    assert (
        bunch.data[2]
        == 'Talks on $2B Aid In "good faith," officials said <b>Tuesday</b>.'
    )
    assert "Zhang" in bunch.DESCR and "NIPS 2015" in bunch.DESCR
    raw, _ = fetch_ag_news(
        "train", data_home=data_home, unescape=False, return_X_y=True
    )
    assert raw[1].startswith("Mars Rover #39;s Wheel Fails NASA said the  #36;820")
    data, target = fetch_ag_news("all", data_home=data_home, return_X_y=True)
    assert data[-1] == "New Chip Unveiled Intel showed a faster chip."  # test.csv.xz
    assert target.tolist() == [2, 3, 0, 1, 0, 1, 2, 3]  # train, then test
    shuffled = fetch_ag_news("all", data_home=data_home, shuffle=True, random_state=0)
    again = fetch_ag_news("all", data_home=data_home, shuffle=True, random_state=0)
    assert shuffled.data == again.data and shuffled.data != data
    pairs = set(zip(shuffled.data, shuffled.target.tolist(), strict=True))
    assert pairs == set(zip(data, target.tolist(), strict=True))


def test_ag_news_test_split_is_embedded_or_its_published_copy(tmp_path, monkeypatch):
    bunch = load_ag_news()
    assert len(bunch.data) == 7600 and np.bincount(bunch.target).tolist() == [1900] * 4
    # First row of the original test.csv: class 3 (Business).
    assert bunch.target[0] == 2 and bunch.data[0].startswith("Fears for T N pension")
    text = "\n".join(bunch.data)
    assert "\\" not in text and "#39;" not in text and "&lt;" not in text
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
    assert_names(excinfo.value, damaged)


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


def imdb_folder(folder: Path) -> None:
    for name, text in REVIEWS.items():
        (folder / "aclImdb" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "aclImdb" / name).write_text(text)


@pytest.fixture
def tiny_imdb(monkeypatch):
    """Make the conversion of REVIEWS the published IMDB CSV files."""
    for split, content in [("train", TRAIN_CSV), ("test", TEST_CSV)]:
        spec = _movie_reviews._IMDB_FILES[split]
        spec = spec._replace(checksum=f"sha256:{sha256(content)}")
        monkeypatch.setitem(_movie_reviews._IMDB_FILES, split, spec)


def test_fetch_imdb_reads_csv_and_xz_as_lists_or_frames(data_home):
    train = fetch_imdb("train", data_home=data_home, download_if_missing=False)
    assert train.target.tolist() == [0, 0, 1, 1]
    assert train.target_names == ["neg", "pos"] and "Maas" in train.DESCR
    assert train.data[0] == "Dull, slow and far too long.<br /><br />Skip it."
    assert train.data[3] == 'A "perfect" film, funny and kind.'
    data, target = fetch_imdb("all", data_home=data_home, return_X_y=True)
    assert data[-2:] == ["Not good.", "Very good."]
    assert target.tolist() == [0, 0, 1, 1, 0, 1]
    pd = pytest.importorskip("pandas")
    bunch = fetch_imdb("train", data_home=data_home, as_frame=True)
    assert isinstance(bunch.data, pd.DataFrame) and list(bunch.data.columns) == ["text"]
    assert isinstance(bunch.target, pd.Series) and bunch.target.name == "target"
    assert bunch.frame.shape == (4, 2) and bunch.feature_names == ["text"]
    assert load_ag_news().frame is None


@pytest.mark.parametrize("source", ["archive", "folder", "download"])
def test_fetch_imdb_converts_the_original_reviews(
    tmp_path, monkeypatch, tiny_imdb, source
):
    folder, kept = tmp_path / "imdb", []
    if source == "archive":
        kept = [imdb_archive(folder / "aclImdb_v1.tar.gz").name]
    elif source == "folder":
        imdb_folder(folder)
        kept = ["aclImdb"]
    else:  # the downloaded archive is removed once converted
        content = imdb_archive(tmp_path / "archive.tar.gz").read_bytes()
        remote = remote_copy(tmp_path, "aclImdb_v1.tar.gz", content, "md5")
        monkeypatch.setattr(_movie_reviews, "_ARCHIVE", remote)
    data, target = fetch_imdb("train", data_home=tmp_path, return_X_y=True)
    assert data == ["Awful.", "Good.<br />Fine.", 'Great, "really" great.']
    assert target.tolist() == [0, 1, 1]
    assert (folder / "train.csv").read_text() == TRAIN_CSV
    assert (folder / "test.csv").read_text() == TEST_CSV
    recorded = (folder / "train.csv.sha256").read_text()
    assert recorded == f"{sha256(TRAIN_CSV)}  train.csv\n"
    written = ["test.csv", "test.csv.sha256", "train.csv", "train.csv.sha256"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(kept + written)
    if source != "download":  # a damaged conversion is rebuilt from the source
        (folder / "train.csv").write_text(TRAIN_CSV[:30])
        with pytest.warns(UserWarning, match="train.csv does not match its checksum"):
            assert fetch_imdb("train", data_home=tmp_path).data == data
        assert (folder / "train.csv").read_text() == TRAIN_CSV


def test_incomplete_or_cut_imdb_source_is_an_error_and_writes_nothing(tmp_path):
    # The real data set's digests: 3 reviews do not convert to its files.
    folder = tmp_path / "imdb"
    imdb_folder(folder)
    with pytest.raises(DataFileError) as excinfo:
        fetch_imdb("train", data_home=tmp_path)
    assert_names(excinfo.value, folder / "aclImdb")
    assert "3 train reviews where the data set has 25,000" in str(excinfo.value)
    shutil.rmtree(folder / "aclImdb")
    archive = imdb_archive(folder / "aclImdb_v1.tar.gz")
    archive.write_bytes(archive.read_bytes()[:-60])
    with pytest.raises(DataFileError, match="damaged or cut short") as excinfo:
        fetch_imdb("train", data_home=tmp_path)
    assert_names(excinfo.value, archive)
    assert [p.name for p in folder.iterdir()] == ["aclImdb_v1.tar.gz"]


@pytest.mark.parametrize(
    "fetch, files",
    [
        (fetch_imdb, ["train.csv and test.csv", "aclImdb_v1.tar.gz", "imdb"]),
        (fetch_mr, ["rt-polarity.neg and rt-polarity.pos", "mr"]),
        (fetch_goemotions, ["train.tsv", "goemotions"]),
    ],
)
def test_missing_files_error_says_what_to_put_where(tmp_path, fetch, files):
    with pytest.raises(OSError, match="download_if_missing=False") as excinfo:
        fetch(data_home=tmp_path, download_if_missing=False)
    assert all(name in str(excinfo.value) for name in files)
    assert str(tmp_path / files[-1]) in str(excinfo.value)


def test_fetch_mr_reads_or_downloads_the_sentence_files_or_the_csv_layout(
    data_home, tmp_path, monkeypatch
):
    bunch = fetch_mr(data_home=data_home, download_if_missing=False)
    assert bunch.data == [
        "simplistic , silly and tedious .",
        "it's so laddish and juvenile .",
        'the rock is destined to be the 21st century\'s new " conan " .',
        "a caf\u00e9 of a film .",  # a recorded Windows-1252 file, decoded
    ]
    assert bunch.target.tolist() == [0, 0, 1, 1] and "Pang" in bunch.DESCR
    path = tmp_path / "mr" / "rt-polarity.csv.xz"
    path.parent.mkdir()
    path.write_bytes(lzma.compress(b'label,text\n0,"bad , bad ."\n1,good .\n'))
    record_checksum(path)  # a variant of one's own
    data, target = fetch_mr(data_home=tmp_path, return_X_y=True)
    assert data == ["bad , bad .", "good ."] and target.tolist() == [0, 1]
    remotes = [
        remote_copy(tmp_path, f"rt-polarity.{name}", text)
        for name, text in [("neg", b"dull .\n"), ("pos", b"fun .\n")]
    ]
    monkeypatch.setattr(_movie_reviews, "_MR_FILES", remotes)
    data, target = fetch_mr(data_home=tmp_path / "home", return_X_y=True)
    assert data == ["dull .", "fun ."] and target.tolist() == [0, 1]


def test_fetch_goemotions_downloads_and_reads_the_tsv_as_multi_label(
    tmp_path, monkeypatch
):
    # Header-less, tab-separated, unquoted: a comment may start with '"'.
    tsv = b'"Wow" he said.\t13,26\tid1\nThank you [NAME]!\t15\tid2\nok\t27\tid3\n'
    monkeypatch.setitem(
        _goemotions._FILES, "dev", remote_copy(tmp_path, "dev.tsv", tsv)
    )
    bunch = fetch_goemotions("dev", data_home=tmp_path)
    assert bunch.data == ['"Wow" he said.', "Thank you [NAME]!", "ok"]
    assert bunch.target.shape == (3, 28) and bunch.target.dtype == np.uint8
    labels = [[bunch.target_names[j] for j in np.flatnonzero(t)] for t in bunch.target]
    assert labels == [["excitement", "surprise"], ["gratitude"], ["neutral"]]
    assert "Demszky" in bunch.DESCR and "Apache" in bunch.DESCR
    assert (tmp_path / "goemotions" / "dev.tsv.sha256").exists()
    pd = pytest.importorskip("pandas")
    X, y = fetch_goemotions("dev", data_home=tmp_path, as_frame=True, return_X_y=True)
    assert isinstance(y, pd.DataFrame) and list(y.columns) == bunch.target_names
    assert y["neutral"].tolist() == [0, 0, 1] and X["text"].tolist() == bunch.data


@pytest.mark.parametrize(
    "failures, code, n_calls, raised",
    [
        (2, 503, 3, None),
        (10, 503, 2, "failed .HTTP Error 503"),
        (10, 404, 1, "404"),
        (0, None, 1, "checksum .* not md5:0+; it was not saved"),
    ],
)
def test_download_retries_server_errors_only_and_keeps_only_good_files(
    tmp_path, monkeypatch, recwarn, failures, code, n_calls, raised
):
    serve_ag_train(tmp_path, monkeypatch)
    if code is None:  # the source has changed
        bad = _ag_news._REMOTES["train"]._replace(checksum="md5:" + "0" * 32)
        monkeypatch.setitem(_ag_news._REMOTES, "train", bad)
    calls, urlopen = [], _base.urllib.request.urlopen

    def flaky_urlopen(url, *args, **kwargs):
        calls.append(url)
        if len(calls) <= failures:
            raise urllib.error.HTTPError(url, code, f"HTTP Error {code}", {}, None)
        return urlopen(url, *args, **kwargs)

    monkeypatch.setattr(_base.urllib.request, "urlopen", flaky_urlopen)
    home = tmp_path / "home"
    if raised is None:
        assert len(fetch_ag_news(data_home=home, n_retries=2, delay=0.01).data) == 6
        recorded = (home / "ag_news" / "train.csv.sha256").read_text()
        assert recorded == f"{sha256(AG_TRAIN)}  train.csv\n"
    else:
        with pytest.raises(OSError, match=raised) as excinfo:
            fetch_ag_news(data_home=home, n_retries=1, delay=0.01)
        if code is not None:
            assert str(home / "ag_news") in str(excinfo.value)  # where to put it
        assert list((home / "ag_news").iterdir()) == []  # nothing partial
    assert len(calls) == n_calls
    assert len(recwarn) == n_calls - 1  # one warning per retry
    assert all("retrying in 0.01 s" in str(w.message) for w in recwarn)


def test_unreachable_source_fails_within_the_timeout(tmp_path, monkeypatch):
    # A server that accepts connections and never answers.
    with socket.create_server(("127.0.0.1", 0)) as server:
        url = f"http://127.0.0.1:{server.getsockname()[1]}/train.csv"
        serve_ag_train(tmp_path, monkeypatch, url)
        monkeypatch.setattr(_base, "_TIMEOUT", 0.2)
        start = time.monotonic()
        with pytest.warns(UserWarning, match="retrying"):
            with pytest.raises(OSError, match="timed out"):
                fetch_ag_news("train", data_home=tmp_path, n_retries=1, delay=0.01)
        assert time.monotonic() - start < 10  # two attempts of 0.2 s, not 60 s
    assert list((tmp_path / "ag_news").iterdir()) == []


GARBAGE = bytes(range(256)) * 8 + b"\x00\xff" * 100
LOADS = {
    "ag_news/train.csv": lambda **kw: fetch_ag_news("train", **kw),
    "ag_news/test.csv.xz": lambda **kw: fetch_ag_news("test", **kw),
    "imdb/train.csv": lambda **kw: fetch_imdb("train", **kw),
    "imdb/test.csv.xz": lambda **kw: fetch_imdb("test", **kw),
    "mr/rt-polarity.neg": lambda **kw: fetch_mr(**kw),
}


@pytest.mark.parametrize(
    "relative, damage, recorded",
    [(name, lambda _: GARBAGE, recorded) for name in LOADS for recorded in (1, 0)]
    + [  # cut inside the first (quoted) review, the last one, or the xz stream
        ("imdb/train.csv", lambda c: c[: c.index(b"far too long")], True),
        ("imdb/train.csv", lambda c: c[: c.index(b"kind.")], False),
        ("imdb/test.csv.xz", lambda c: c[:-10], True),
    ],
)
def test_damaged_or_cut_file_names_itself_and_the_call(
    data_home, relative, damage, recorded
):
    path = data_home / relative
    path.write_bytes(damaged := damage(path.read_bytes()))
    if not recorded:
        path.with_name(path.name + ".sha256").unlink()
    # A file placed by hand is never replaced, even when downloads are
    # allowed; one the fetcher wrote would be, so downloads are refused here.
    with pytest.raises(DataFileError) as excinfo:
        LOADS[relative](data_home=data_home, download_if_missing=not recorded)
    assert_names(excinfo.value, path)
    assert "fetch_" in str(excinfo.value) and path.read_bytes() == damaged
    expected = "does not match its checksum file" if recorded else "sha256sum"
    assert expected in str(excinfo.value)


def test_recorded_variant_loads_and_its_bad_rows_name_their_line(data_home):
    path = data_home / "ag_news" / "train.csv"
    (data_home / "ag_news" / "train.csv.sha256").unlink()  # placed by hand
    with pytest.raises(DataFileError, match="is not the published train.csv"):
        fetch_ag_news("train", data_home=data_home)
    record_checksum(path)
    assert len(fetch_ag_news("train", data_home=data_home).data) == 6
    path.write_text('"1","title","text"\n"5","title","text"\n')
    record_checksum(path)
    with pytest.raises(DataFileError, match="line 2: the class index '5' is not 1-4"):
        fetch_ag_news("train", data_home=data_home)
    path = data_home / "imdb" / "train.csv"
    path.write_bytes(path.read_bytes() + b"1,8\n")
    record_checksum(path)
    with pytest.raises(DataFileError, match="line 6: 2 fields where the header"):
        fetch_imdb("train", data_home=data_home)


def test_damaged_download_is_fetched_again_with_a_warning(tmp_path, monkeypatch):
    serve_ag_train(tmp_path, monkeypatch)
    home = tmp_path / "home"
    assert len(fetch_ag_news("train", data_home=home).data) == 6
    cached = home / "ag_news" / "train.csv"
    cached.write_bytes(AG_TRAIN[:100])
    with pytest.raises(DataFileError, match="train.csv"):
        fetch_ag_news("train", data_home=home, download_if_missing=False)
    with pytest.warns(UserWarning, match="deleted and fetched again"):
        assert len(fetch_ag_news("train", data_home=home).data) == 6
    assert cached.read_bytes() == AG_TRAIN


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


def test_read_only_data_home_loads_every_data_set(
    data_home, tmp_path, tiny_imdb, read_only, caplog
):
    before = sorted(data_home.rglob("*"))
    read_only(data_home, *[p for p in data_home.iterdir() if p.is_dir()])
    assert len(fetch_ag_news("all", data_home=data_home).data) == 8
    assert len(fetch_mr(data_home=data_home).data) == 4
    assert sorted(data_home.rglob("*")) == before
    with pytest.raises(OSError, match="read-only"):
        fetch_goemotions(data_home=data_home)
    # The IMDB archive is converted in memory.
    folder = imdb_archive(tmp_path / "imdb" / "aclImdb_v1.tar.gz").parent
    read_only(folder)
    with caplog.at_level(logging.INFO, logger="sklearn_charcnn"):
        data, target = fetch_imdb("test", data_home=tmp_path, return_X_y=True)
    assert data == ["Meh.", "Wonderful."] and target.tolist() == [0, 1]
    assert [p.name for p in folder.iterdir()] == ["aclImdb_v1.tar.gz"]
    assert "read-only" in caplog.text


INVALID = dict(n_retries=0, delay=0, as_frame="yes", data_home=3, random_state="x")


@pytest.mark.parametrize(
    "fetch, name",
    [
        (fetch, name)
        for fetch in [fetch_ag_news, fetch_imdb, fetch_mr, fetch_goemotions]
        for name in [*INVALID, "subset"]
        if (fetch, name) != (fetch_mr, "subset")  # MR has a single split
    ],
)
def test_fetchers_validate_their_parameters(fetch, name):
    match = f"'{name}' parameter of {fetch.__name__}"
    with pytest.raises(InvalidParameterError, match=match):
        fetch(**{name: INVALID.get(name, "val")})


@pytest.mark.shared_data
def test_fetchers_read_the_shared_data_folder(shared_data):
    ag = fetch_ag_news("test", data_home=shared_data, download_if_missing=False)
    assert ag.data == load_ag_news().data
    mr = fetch_mr(data_home=shared_data, download_if_missing=False)
    assert np.bincount(mr.target).tolist() == [5331, 5331]
    assert mr.data[0] == "simplistic , silly and tedious ."
    imdb = fetch_imdb("test", data_home=shared_data, download_if_missing=False)
    assert np.bincount(imdb.target).tolist() == [12500, 12500]
    splits = {
        subset: fetch_goemotions(subset, data_home=shared_data)
        for subset in ("train", "dev", "test")
    }
    # The data set's sizes, and its comments with two or more labels.
    sizes = {
        s: (len(b.data), int((b.target.sum(1) > 1).sum())) for s, b in splits.items()
    }
    assert sizes == {"train": (43410, 7102), "dev": (5426, 878), "test": (5427, 837)}
    assert all(b.target.sum(1).min() == 1 for b in splits.values())
    labels = (shared_data / "goemotions" / "labels.txt").read_text().split()
    assert splits["train"].target_names == labels and len(labels) == 28
    # First row of dev.tsv: "Is this in New Orleans?? ...", label 27 (neutral).
    assert splits["dev"].data[0].startswith("Is this in New Orleans??")
    assert np.flatnonzero(splits["dev"].target[0]).tolist() == [27]
    data, _ = fetch_goemotions("all", data_home=shared_data, return_X_y=True)
    assert len(data) == 54263 and data[43410] == splits["dev"].data[0]


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
