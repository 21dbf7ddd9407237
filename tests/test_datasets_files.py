"""Tests of load_text_file and iter_text_file, on small files written in tmp_path."""

import bz2
import codecs
import gzip
import json
import lzma
import re
import tracemalloc

import pytest

from sklearn_charcnn._compat import InvalidParameterError
from sklearn_charcnn.datasets import DataFileError, iter_text_file, load_text_file


def write(path, text: str, encoding="utf-8", newline="\n"):
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def test_csv_with_quoted_line_breaks_and_crlf(tmp_path):
    path = write(
        tmp_path / "news.csv",
        'text,label\n"first line\nsecond line",a\n"said ""hi"", then left",b\n',
        newline="\r\n",
    )
    bunch = load_text_file(path)
    assert bunch.data == ["first line\r\nsecond line", 'said "hi", then left']
    assert bunch.target.tolist() == ["a", "b"] and bunch.target_names == ["a", "b"]
    # Each document's first line: the quoted line break spans lines 2 and 3.
    assert bunch.line_numbers.tolist() == [2, 4]
    assert (bunch.format, bunch.sep, bunch.encoding) == ("csv", ",", "utf-8")
    assert (bunch.n_dropped, bunch.n_empty, bunch.path) == (0, 0, str(path))


@pytest.mark.parametrize("sep", [";", "\t", "|", ","])
def test_separator_is_found(tmp_path, sep):
    text = f'text{sep}label\n"Hello, world. Again, yes."{sep}pos\nBye{sep}neg\n'
    bunch = load_text_file(write(tmp_path / "data.csv", text))
    assert bunch.sep == sep
    assert bunch.data == ["Hello, world. Again, yes.", "Bye"]


def test_tsv_suffix_means_tab(tmp_path):
    # Header-less, and the text holds more commas than the row holds tabs.
    bunch = load_text_file(
        write(tmp_path / "data.tsv", "a, b, c, d\tx\n"), columns=["text", "label"]
    )
    assert (bunch.sep, bunch.data, bunch.target.tolist()) == (
        "\t",
        ["a, b, c, d"],
        ["x"],
    )


@pytest.mark.parametrize(
    "suffix, compress",
    [(".gz", gzip.compress), (".xz", lzma.compress), (".bz2", bz2.compress)],
)
def test_compressed_files_are_read_by_suffix(tmp_path, suffix, compress):
    path = tmp_path / f"data.csv{suffix}"
    path.write_bytes(compress(b"text,label\nzipped,yes\n"))
    assert load_text_file(path).data == ["zipped"]


def test_several_text_columns_are_joined_by_a_space(tmp_path):
    path = write(tmp_path / "news.csv", "title,body,label\nBig News,Details here.,a\n")
    bunch = load_text_file(path, text_column=["title", "body"])
    assert bunch.data == ["Big News Details here."]
    assert bunch.text_columns == ["title", "body"]


def test_no_label_column_reads_documents_only(tmp_path):
    path = write(tmp_path / "new.csv", "text\nfirst\n\nsecond\n")
    bunch = load_text_file(path, label_column=None)
    assert bunch.data == ["first", "second"] and bunch.target is None
    assert bunch.target_names is None and bunch.line_numbers.tolist() == [2, 4]


def test_label_sep_gives_an_indicator_matrix(tmp_path):
    path = write(tmp_path / "tags.csv", "text,label\nt1,sports|politics\nt2,art\n")
    bunch = load_text_file(path, label_sep="|")
    assert bunch.target_names == ["art", "politics", "sports"]
    assert bunch.target.tolist() == [[0, 1, 1], [1, 0, 0]]


def test_missing_labels_raise_with_count_and_lines(tmp_path):
    rows = "".join(f"doc {i},{'' if i in (2, 5) else 'x'}\n" for i in range(8))
    path = write(tmp_path / "data.csv", "text,label\n" + rows)
    with pytest.raises(DataFileError) as excinfo:
        load_text_file(path)
    message = str(excinfo.value)
    assert "\n" not in message and str(path) in message
    assert "2 row(s) have no 'label' label (line(s) 4, 7)" in message
    assert "missing_labels='drop'" in message and "--drop-missing-labels" in message
    bunch = load_text_file(path, missing_labels="drop")
    assert bunch.n_dropped == 2 and len(bunch.data) == 6 and "doc 2" not in bunch.data


def test_empty_documents_are_kept_and_counted(tmp_path):
    bunch = load_text_file(write(tmp_path / "data.csv", "text,label\n,a\n  ,b\nok,a\n"))
    assert bunch.data == ["", "  ", "ok"] and bunch.n_empty == 2


def test_columns_name_a_file_without_header(tmp_path):
    path = write(tmp_path / "data.csv", '3,"Oil prices rise","Crude rose."\n')
    bunch = load_text_file(
        path, columns=["label", "title", "body"], text_column=["title", "body"]
    )
    assert bunch.data == ["Oil prices rise Crude rose."]
    assert bunch.target.tolist() == ["3"] and bunch.line_numbers.tolist() == [1]


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_bom_is_removed_from_the_first_column_name(tmp_path, encoding):
    path = tmp_path / "data.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"title,label\nHello,a\n")
    bunch = load_text_file(path, text_column="title", encoding=encoding)
    assert bunch.data == ["Hello"]


def test_json_lines(tmp_path):
    records = [
        {"text": "one", "label": "a"},
        {"text": "two", "label": 3},
        {"text": None, "label": "a"},
    ]
    text = "\n".join(json.dumps(r) for r in records) + "\n\n"
    path = tmp_path / "data.jsonl.gz"
    path.write_bytes(gzip.compress(text.encode()))
    bunch = load_text_file(path)
    assert bunch.format == "jsonl" and bunch.sep is None
    assert bunch.data == ["one", "two", ""] and bunch.target.tolist() == ["a", "3", "a"]
    assert bunch.n_empty == 1


def test_folder_per_class(tmp_path):
    for label, name, text in [("neg", "1.txt", "bad"), ("pos", "2.txt", "good")]:
        (tmp_path / label).mkdir(exist_ok=True)
        write(tmp_path / label / name, text)
    bunch = load_text_file(tmp_path)
    assert bunch.format == "folder" and bunch.data == ["bad", "good"]
    assert bunch.target.tolist() == ["neg", "pos"]
    assert bunch.target_names == ["neg", "pos"]
    names = [str(tmp_path / "neg" / "1.txt"), str(tmp_path / "pos" / "2.txt")]
    assert bunch.filenames == names
    assert load_text_file(tmp_path, label_column=None).target is None


ROWS = "".join(f"document {i},{i % 7}\n" for i in range(20_000))
GZIP = gzip.compress(f"text,label\n{ROWS}".encode())


@pytest.mark.parametrize(
    "name, content, kwargs, message, fix, read",
    [  # The file, how it is read, the error ({path}: the file), a fix and its result.
        ("data.csv", "text,label\na,b\n", {"text_column": "body"},
         r"^{path} has no column\(s\) \['body'\]; its header is \['text', 'label'\]\."
         r" .*text_column=", None, None),
        ("data.csv", "3,Oil prices rise,Crude rose to 46 dollars.\n", {},
         r"has no header row.*columns=\[\.\.\.\]", None, None),
        ("data.csv", "text,label\na,b\nHello, world,c\n", {},
         "{path}, line 3: 3 fields where the header name 2 .*Quote the fields",
         None, None),
        ("data.tsv", '"Wow" he said.\t13\n', {"columns": ["text", "label"]},
         "line 1: .* pass quoting=False",
         {"quoting": False}, (['"Wow" he said.'], ["13"])),
        ("data.csv", "text;label\nun café;a\n".encode("latin-1"), {},
         "{path}, line 2: not utf-8 text .*encoding='latin-1'",
         {"encoding": "latin-1"}, (["un café"], ["a"])),
        ("data.csv", "text\tlabel\nthé\ta\n".encode("utf-16"), {},
         "UTF-16 .* Pass encoding='utf-16'", {"encoding": "utf-16"}, (["thé"], ["a"])),
        ("data.jsonl", '{"text": "t", "label": ["x", "y"]}\n', {},
         "label is a list. Pass label_sep", {"label_sep": ","}, (["t"], [[1, 1]])),
        ("data.jsonl", '{"body": "t", "label": "a"}\n', {},
         r"line 1 has no key\(s\) \['text'\]", None, None),
        ("data.jsonl", '["t", "a"]\n', {}, "line 1: not a JSON object", None, None),
        ("data.jsonl", '{"text": "t", \n', {}, "line 1: not a JSON object", None, None),
        ("data.xlsx", "anything", {}, "workbook.*Save it as CSV", None, None),
        ("data.ods", "anything", {}, "workbook.*Save it as CSV", None, None),
        ("data.xls", "anything", {}, "workbook.*Save it as CSV", None, None),
        ("data.csv", b"PK\x03\x04" + bytes(100), {}, "workbook.*Save it as CSV",
         None, None),
        ("model.csv", b"\x80\x04\x95\x00\x00\x00binary", {},
         "is a binary file, not text", None, None),
        ("data.csv.gz", GZIP[: len(GZIP) // 2], {},
         "cannot be decompressed.*cut short", None, None),
    ],
)  # fmt: skip
def test_unreadable_file_error_names_it_and_the_fix(
    tmp_path, name, content, kwargs, message, fix, read
):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    pattern = message.replace("{path}", re.escape(str(path)))
    with pytest.raises(DataFileError, match=pattern) as excinfo:
        load_text_file(path, **kwargs)
    assert "\n" not in str(excinfo.value)
    if fix is not None:
        bunch = load_text_file(path, **kwargs, **fix)
        assert (bunch.data, bunch.target.tolist()) == read


def test_empty_folder_says_what_layout_is_expected(tmp_path):
    with pytest.raises(DataFileError, match="sub-folder named after the class"):
        load_text_file(tmp_path)


def test_parameters_are_validated(tmp_path):
    path = write(tmp_path / "data.csv", "text,label\na,b\n")
    with pytest.raises(InvalidParameterError, match="'missing_labels' parameter"):
        load_text_file(path, missing_labels="keep")
    with pytest.raises(ValueError, match="sep must be one character"):
        load_text_file(path, sep="::")
    with pytest.raises(ValueError, match="Unknown encoding='utf-9'"):
        load_text_file(path, encoding="utf-9")
    with pytest.raises(InvalidParameterError, match="'chunk_size' parameter"):
        iter_text_file(path, chunk_size=0)


def test_iter_text_file_yields_chunks(tmp_path):
    path = write(
        tmp_path / "data.csv", "text,label\n" + "".join(f"d{i},x\n" for i in range(5))
    )
    chunks = list(iter_text_file(path, chunk_size=2))
    assert [c.data for c in chunks] == [["d0", "d1"], ["d2", "d3"], ["d4"]]
    assert [c.line_numbers.tolist() for c in chunks] == [[2, 3], [4, 5], [6]]
    assert chunks[0].target.tolist() == ["x", "x"]
    # No empty last chunk when the rows fill the chunks exactly.
    assert len(list(iter_text_file(path, chunk_size=5))) == 1


def _peak_bytes(path) -> int:
    tracemalloc.start()
    for _ in iter_text_file(path, chunk_size=100):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_iter_text_file_memory_stays_flat_as_the_file_grows(tmp_path):
    row = "a document of some length, quoted because of its comma,label\n"
    small = write(tmp_path / "small.csv", "text,label\n" + f'"{row[:55]}",x\n' * 2_000)
    large = write(tmp_path / "large.csv", "text,label\n" + f'"{row[:55]}",x\n' * 20_000)
    # Ten times the rows: the peak stays that of one chunk, not ten times it.
    assert _peak_bytes(large) < 2 * _peak_bytes(small)
