"""Record linkage of cadres and relatives to registry persons (issue 10, item 2).

Pure Python over Polars frames: no Django models, no database. The matching app reads the rows,
calls `link()`, and stores what comes back. See engine.py for the interface, blocking.py for which
pairs are compared, scoring.py for the Fellegi–Sunter scores with name-frequency-aware u.
"""

from .engine import (
    CONFIRMED,
    LINK,
    OUTPUT_SCHEMA,
    REJECTED,
    REVIEW,
    Params,
    Reference,
    link,
    link_fitted,
    reference_dump,
    reference_load,
    stats,
)
from .normalise import fold, fold_series, pinyin_key
from .prepare import InputError

__all__ = [
    "CONFIRMED",
    "LINK",
    "OUTPUT_SCHEMA",
    "REJECTED",
    "REVIEW",
    "InputError",
    "Params",
    "Reference",
    "fold",
    "fold_series",
    "link",
    "link_fitted",
    "pinyin_key",
    "reference_dump",
    "reference_load",
    "stats",
]
