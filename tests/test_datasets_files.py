"""Tests of load_text_file and iter_text_file, on small files written in tmp_path."""

import bz2
import codecs
import gzip
import json
import lzma
import tracemalloc

import pytest

from sklearn_charcnn._compat import InvalidParameterError
from sklearn_charcnn.datasets import DataFileError, iter_text_file, load_text_file


def write(path, text: str, encoding="utf-8", newline="\n"):
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


# ---------------------------------------------------------------------- CSV


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
    path = write(tmp_path / "data.tsv", "a, b, c, d\tx\n")
    bunch = load_text_file(path, columns=["text", "label"])
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


def test_unquoted_file_reads_stray_quotes(tmp_path):
    path = write(tmp_path / "data.tsv", '"Wow" he said.\t13\n')
    with pytest.raises(DataFileError, match="line 1: .* pass quoting=False"):
        load_text_file(path, columns=["text", "label"])
    bunch = load_text_file(path, columns=["text", "label"], quoting=False)
    assert bunch.data == ['"Wow" he said.']


# ---------------------------------------------------------------- encodings


def test_latin1_file(tmp_path):
    path = write(tmp_path / "data.csv", "text;label\nun café;a\n", encoding="latin-1")
    with pytest.raises(DataFileError) as excinfo:
        load_text_file(path)
    assert f"{path}, line 2: not utf-8 text" in str(excinfo.value)
    assert "encoding='latin-1'" in str(excinfo.value)
    assert load_text_file(path, encoding="latin-1").data == ["un café"]


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_bom_is_removed_from_the_first_column_name(tmp_path, encoding):
    path = tmp_path / "data.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"title,label\nHello,a\n")
    bunch = load_text_file(path, text_column="title", encoding=encoding)
    assert bunch.data == ["Hello"]


def test_utf16_file_needs_its_encoding(tmp_path):
    path = write(tmp_path / "data.csv", "text\tlabel\nthé\ta\n", encoding="utf-16")
    with pytest.raises(DataFileError, match="UTF-16 .* Pass encoding='utf-16'"):
        load_text_file(path)
    bunch = load_text_file(path, encoding="utf-16")
    assert bunch.data == ["thé"] and bunch.sep == "\t"


def test_unknown_encoding_names_the_parameter(tmp_path):
    path = write(tmp_path / "data.csv", "text,label\na,b\n")
    with pytest.raises(ValueError, match="Unknown encoding='utf-9'"):
        load_text_file(path, encoding="utf-9")


# ------------------------------------------------------------- JSON Lines


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


def test_json_lines_label_lists_are_multi_label(tmp_path):
    path = write(tmp_path / "data.jsonl", '{"text": "t", "label": ["x", "y"]}\n')
    with pytest.raises(DataFileError, match="label is a list. Pass label_sep"):
        load_text_file(path)
    assert load_text_file(path, label_sep=",").target.tolist() == [[1, 1]]


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"body": "t", "label": "a"}', r"line 1 has no key\(s\) \['text'\]"),
        ('["t", "a"]', "line 1: not a JSON object"),
        ('{"text": "t", ', "line 1: not a JSON object"),
    ],
)
def test_json_lines_errors_name_the_line(tmp_path, line, message):
    with pytest.raises(DataFileError, match=message):
        load_text_file(write(tmp_path / "data.jsonl", line + "\n"))


# ------------------------------------------------------------------ folders


def test_folder_per_class(tmp_path):
    for label, name, text in [("neg", "1.txt", "bad"), ("pos", "2.txt", "good")]:
        (tmp_path / label).mkdir(exist_ok=True)
        write(tmp_path / label / name, text)
    bunch = load_text_file(tmp_path)
    assert bunch.format == "folder" and bunch.data == ["bad", "good"]
    assert bunch.target.tolist() == ["neg", "pos"] and bunch.target_names == [
        "neg",
        "pos",
    ]
    assert bunch.filenames == [
        str(tmp_path / "neg" / "1.txt"),
        str(tmp_path / "pos" / "2.txt"),
    ]
    assert load_text_file(tmp_path, label_column=None).target is None


def test_empty_folder_says_what_layout_is_expected(tmp_path):
    with pytest.raises(DataFileError, match="sub-folder named after the class"):
        load_text_file(tmp_path)


# ---------------------------------------------------------------- bad files


def test_missing_column_lists_the_header(tmp_path):
    path = write(tmp_path / "data.csv", "text,label\na,b\n")
    with pytest.raises(DataFileError) as excinfo:
        load_text_file(path, text_column="body")
    assert str(excinfo.value).startswith(
        f"{path} has no column(s) ['body']; its header is ['text', 'label']."
    )
    assert "text_column=" in str(excinfo.value)


def test_file_without_header_says_to_name_its_columns(tmp_path):
    path = write(tmp_path / "data.csv", "3,Oil prices rise,Crude rose to 46 dollars.\n")
    with pytest.raises(DataFileError, match=r"has no header row.*columns=\[\.\.\.\]"):
        load_text_file(path)


def test_row_with_wrong_number_of_fields_names_the_line(tmp_path):
    path = write(tmp_path / "data.csv", "text,label\na,b\nHello, world,c\n")
    with pytest.raises(DataFileError) as excinfo:
        load_text_file(path)
    message = str(excinfo.value)
    assert f"{path}, line 3: 3 fields where the header name 2" in message
    assert "Quote the fields" in message and "\n" not in message


@pytest.mark.parametrize("name", ["data.xlsx", "data.ods", "data.xls"])
def test_workbook_says_save_as_csv(tmp_path, name):
    with pytest.raises(DataFileError, match="workbook.*Save it as CSV"):
        load_text_file(write(tmp_path / name, "anything"))


def test_workbook_renamed_to_csv_is_recognised(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(DataFileError, match="workbook.*Save it as CSV"):
        load_text_file(path)


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "model.csv"
    path.write_bytes(b"\x80\x04\x95\x00\x00\x00binary")
    with pytest.raises(DataFileError, match="is a binary file, not text"):
        load_text_file(path)


def test_damaged_compressed_file_names_it(tmp_path):
    path = tmp_path / "data.csv.gz"
    rows = "".join(f"document {i},{i % 7}\n" for i in range(20_000))
    compressed = gzip.compress(f"text,label\n{rows}".encode())
    path.write_bytes(compressed[: len(compressed) // 2])
    with pytest.raises(DataFileError, match="cannot be decompressed.*cut short"):
        load_text_file(path)


def test_parameters_are_validated(tmp_path):
    path = write(tmp_path / "data.csv", "text,label\na,b\n")
    with pytest.raises(InvalidParameterError, match="'missing_labels' parameter"):
        load_text_file(path, missing_labels="keep")
    with pytest.raises(ValueError, match="sep must be one character"):
        load_text_file(path, sep="::")
    with pytest.raises(InvalidParameterError, match="'chunk_size' parameter"):
        iter_text_file(path, chunk_size=0)


# --------------------------------------------------------------- streaming


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
