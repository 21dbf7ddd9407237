"""CharQuantizer.transform_to_file: codes of a corpus bigger than memory."""

import tracemalloc

import numpy as np
import pytest

from sklearn_charcnn import CharQuantizer


def documents(n):
    for i in range(n):
        yield f"Document number {i}: {'word ' * (i % 40)}end."


@pytest.mark.parametrize("alphabet", ["paper", "bytes"])
def test_file_holds_the_codes_transform_gives(tmp_path, alphabet):
    quantizer = CharQuantizer(alphabet=alphabet, max_length=64).fit(["x"])
    codes = quantizer.transform_to_file(
        documents(1003), tmp_path / "c.npy", chunk_size=100
    )
    assert isinstance(codes, np.memmap) and not codes.flags.writeable
    assert codes.shape == (1003, 64) and codes.dtype == quantizer.dtype_
    np.testing.assert_array_equal(codes, quantizer.transform(list(documents(1003))))
    np.testing.assert_array_equal(np.load(tmp_path / "c.npy"), codes)


def test_an_empty_iterable_writes_an_empty_file(tmp_path):
    quantizer = CharQuantizer(max_length=16).fit(["x"])
    codes = quantizer.transform_to_file(iter([]), tmp_path / "c.npy")
    assert codes.shape == (0, 16)


def test_memory_stays_a_chunk_whatever_the_corpus(tmp_path):
    quantizer = CharQuantizer(max_length=1014).fit(["x"])
    n_documents, chunk_size = 20_000, 500
    output_bytes = n_documents * 1014
    tracemalloc.start()
    quantizer.transform_to_file(
        documents(n_documents), tmp_path / "c.npy", chunk_size=chunk_size
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # One chunk of codes is about 0.5 MB; the whole output is 20 MB.
    assert peak < output_bytes / 10, (peak, output_bytes)


def test_a_failure_leaves_no_file(tmp_path):
    quantizer = CharQuantizer(max_length=16).fit(["x"])
    target = tmp_path / "c.npy"
    target.write_bytes(b"an older file")

    def broken():
        yield from ["fine", "also fine"]
        yield 42  # not a document

    with pytest.raises(TypeError, match=r"index 0 is a int 42.*documents 2 to 2"):
        quantizer.transform_to_file(broken(), target, chunk_size=1)
    assert target.read_bytes() == b"an older file"
    assert [p.name for p in tmp_path.iterdir()] == ["c.npy"]


def test_a_lone_string_and_a_bad_chunk_size_are_refused(tmp_path):
    quantizer = CharQuantizer(max_length=16).fit(["x"])
    with pytest.raises(ValueError, match="Iterable over raw text documents"):
        quantizer.transform_to_file("one document", tmp_path / "c.npy")
    with pytest.raises(ValueError, match="chunk_size must be a positive integer"):
        quantizer.transform_to_file(["a"], tmp_path / "c.npy", chunk_size=0)
    assert not list(tmp_path.iterdir())
