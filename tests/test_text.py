import numpy as np
import pytest

from sklearn_charcnn._text import validate_documents


def test_returns_list_of_str_in_order():
    assert validate_documents(("b", "a", b"c")) == ["b", "a", "c"]


def test_single_column_2d_array_is_flattened():
    assert validate_documents(np.array([["x"], ["y"]], dtype=object)) == ["x", "y"]


def test_dataframe_with_several_columns_names_the_fix():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": ["x"], "b": ["y"]})
    with pytest.raises(ValueError, match="2 columns. Select the text column"):
        validate_documents(frame)


def test_unknown_encoding_is_named():
    with pytest.raises(ValueError, match="Unknown encoding 'nope'"):
        validate_documents([b"a"], encoding="nope")


def test_estimator_name_appears_in_messages():
    with pytest.raises(TypeError, match="Thing expects str or bytes"):
        validate_documents([1.5], estimator_name="Thing")


def test_pandas_missing_values_are_reported():
    pd = pytest.importorskip("pandas")
    with pytest.raises(ValueError, match="index 1 is missing"):
        validate_documents(pd.Series(["a", None], dtype=object))
    with pytest.raises(ValueError, match="index 0 is missing"):
        validate_documents(pd.array([pd.NA, "b"], dtype="string"))
