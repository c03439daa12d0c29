"""One apportionment with per-party caps, shared by the alliance and majority rules."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..apportion import Method, TieRecord

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def apportion_capped(
    votes: IntArray,
    seats: IntArray,
    eligible: BoolArray,
    method: Method,
    cap: IntArray | None,
    tie_break: str,
    rng: Any,
) -> tuple[IntArray, BoolArray, list[TieRecord]]:
    """The apportionment stage (:func:`electsim.stages.apportion`'s core, no raising on ties)
    on flat ``(N, P)`` arrays with per-party caps ``cap (N, P)``.

    Returns ``(alloc (N, P), capped (N, P), ties)``.
    """
    from ..stages import _apportion

    N = votes.shape[0]
    ap = _apportion(
        np.ascontiguousarray(votes, dtype=np.int64),
        np.ascontiguousarray(seats, dtype=np.int64),
        np.ascontiguousarray(eligible, dtype=bool),
        method,
        None if cap is None else np.ascontiguousarray(cap, dtype=np.int64),
        tie_break,
        rng,
        (N,),
    )
    return np.array(ap.seats), np.array(ap.capped), list(ap.ties)
