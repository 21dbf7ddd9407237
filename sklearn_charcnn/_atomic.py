"""Writing a file so that it appears complete or not at all."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


@contextlib.contextmanager
def atomic_write(path, mode: str = "wb", **open_kwargs):
    """Yield a new file beside ``path`` that replaces ``path`` once the block ends.

    On any error (or Ctrl-C) inside the block the new file is removed and
    ``path`` is left as it was. The file is made by :func:`open`, so it gets
    the usual permissions (those of the umask), not a temporary file's
    private ones.

    Parameters
    ----------
    path : str or path
        The file to write.
    mode : {"wb", "w"}, default="wb"
        Binary or text.
    **open_kwargs
        Passed to :func:`open` (``encoding``, ``newline``...).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_charcnn._atomic import atomic_write
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     with atomic_write(Path(folder) / "out.txt", "w") as handle:
    ...         _ = handle.write("done")
    ...     sorted(p.name for p in Path(folder).iterdir())
    ['out.txt']
    """
    path = Path(path)
    part = path.with_name(f".{path.name}.{secrets.token_hex(6)}.part")
    created = False
    try:
        with open(part, mode.replace("w", "x"), **open_kwargs) as handle:
            created = True
            yield handle
        os.replace(part, path)
    except BaseException:
        if created:
            part.unlink(missing_ok=True)
        raise
