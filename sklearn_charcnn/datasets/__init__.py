"""Text classification data sets, in the style of :mod:`sklearn.datasets`.

:func:`load_ag_news` (shipped with the package), the fetchers of the data
home (:func:`fetch_ag_news`, :func:`fetch_imdb`, :func:`fetch_mr`,
:func:`fetch_goemotions`), and :func:`load_text_file` and
:func:`iter_text_file` for your own labelled text files.
"""

from sklearn_charcnn.datasets._ag_news import (
    fetch_ag_news,
    load_ag_news,
    unescape_ag_news,
)
from sklearn_charcnn.datasets._base import DataFileError, get_data_home
from sklearn_charcnn.datasets._files import iter_text_file, load_text_file
from sklearn_charcnn.datasets._goemotions import fetch_goemotions
from sklearn_charcnn.datasets._movie_reviews import fetch_imdb, fetch_mr

# Tracebacks and pickles name the public path, not the private module.
DataFileError.__module__ = __name__

__all__ = [
    "DataFileError",
    "fetch_ag_news",
    "fetch_goemotions",
    "fetch_imdb",
    "fetch_mr",
    "get_data_home",
    "iter_text_file",
    "load_ag_news",
    "load_text_file",
    "unescape_ag_news",
]
