"""Entry point of ``python -m sklearn_charcnn``; see :mod:`sklearn_charcnn.cli`."""

import sys

from sklearn_charcnn.cli import main

if __name__ == "__main__":
    sys.exit(main())
