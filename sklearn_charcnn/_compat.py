"""Private scikit-learn names, imported in one place.

scikit-learn moves its private helpers between releases (1.6 moved several);
every module of this package imports them from here, so that the next move is
a one-line fix.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
    validate_params,
)

__all__ = [
    "HasMethods",
    "Interval",
    "InvalidParameterError",
    "StrOptions",
    "_fit_context",
    "validate_params",
]
