"""Text classification data sets, in the style of :mod:`sklearn.datasets`.

- :func:`load_ag_news`: the AG News test split that ships with the package
  (7,600 news articles, 4 topics), the default corpus of the ``compare``
  command;
- :func:`fetch_ag_news`, :func:`fetch_imdb`, :func:`fetch_mr`: data sets read
  from the data home (:func:`get_data_home`), downloaded from their public
  source when missing.

Every loader returns a :class:`~sklearn.utils.Bunch` with ``data`` (list of
str), ``target``, ``target_names`` and ``DESCR`` (with the citation), or
``(data, target)`` with ``return_X_y=True``; ``as_frame=True`` gives pandas
objects instead.

Every file is verified when it is read: against the data set's published
checksum, the ``<file>.sha256`` checksum file the loader writes beside the
files it downloads or converts, or, for a file placed by hand without one,
the data set's exact number of records. A damaged file raises
:class:`DataFileError`, naming the file and how to fix it.
"""

from sklearn_charcnn.datasets._ag_news import (
    fetch_ag_news,
    load_ag_news,
    unescape_ag_news,
)
from sklearn_charcnn.datasets._base import DataFileError, get_data_home
from sklearn_charcnn.datasets._imdb import fetch_imdb
from sklearn_charcnn.datasets._mr import fetch_mr

__all__ = [
    "DataFileError",
    "fetch_ag_news",
    "fetch_imdb",
    "fetch_mr",
    "get_data_home",
    "load_ag_news",
    "unescape_ag_news",
]
