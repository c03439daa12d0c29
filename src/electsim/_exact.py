"""Exact-arithmetic helpers: rates as :class:`~fractions.Fraction`, integer threshold tests.

Decisions in electsim (who passes a threshold, who gets a seat) are made with integers or
``Fraction``; floats only describe results.  This module holds the two primitives everything else
uses: :func:`parse_rate` turns user input into an exact ``Fraction`` once, and
:func:`passes_threshold` compares vote counts with a rate of a base by integer cross-multiplication.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Rational
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import ElectsimError, InvalidCountsError

__all__ = ["RateLike", "as_count_array", "parse_rate", "passes_threshold", "votes_needed"]

RateLike = Fraction | Decimal | str | float | int
"""A rate: ``Fraction(7, 100)``, ``Decimal("0.07")``, ``"7%"``, ``"7/100"``, ``"0.07"``, 0.07."""

#: Products above this bound are computed with Python integers (object arrays) instead of int64.
_INT64_SAFE = 2**62


def parse_rate(rate: Any, name: str = "rate", *, allow_above_one: bool = False) -> Fraction:
    """Convert a rate to an exact :class:`~fractions.Fraction`, once.

    Parameters
    ----------
    rate : Fraction, Decimal, int, float or str
        ``Fraction`` and ``Decimal`` are exact.  Strings may be a percentage (``"7%"``,
        ``"0.7 %"``), a fraction (``"7/100"``) or a decimal (``"0.07"``).  A float is converted
        through its shortest decimal representation (``repr``), so ``0.07`` becomes exactly
        ``7/100`` -- the number the user typed, not the binary double ``0.07000000000000000666...``.
        ``bool`` is refused.
    name : str
        The parameter name used in error messages.
    allow_above_one : bool
        Whether rates above 1 are allowed (they never are for thresholds).

    Returns
    -------
    Fraction
        The rate, in ``[0, 1]`` unless ``allow_above_one``.

    Raises
    ------
    ElectsimError
        If the value cannot be parsed, is NaN/infinite, negative or above 1.

    Examples
    --------
    >>> parse_rate("7%")
    Fraction(7, 100)
    >>> parse_rate(0.07)
    Fraction(7, 100)
    >>> parse_rate("0.7 %")
    Fraction(7, 1000)
    """
    value: Fraction
    if isinstance(rate, bool) or rate is None:
        raise ElectsimError(
            f"{name}={rate!r} is not a rate; give e.g. '7%', Fraction(7, 100) or 0.07"
        )
    if isinstance(rate, Fraction):
        value = rate
    elif isinstance(rate, int | np.integer):
        value = Fraction(int(rate))
    elif isinstance(rate, Rational):
        value = Fraction(int(rate.numerator), int(rate.denominator))
    elif isinstance(rate, Decimal):
        value = _decimal_fraction(rate, rate, name)
    elif isinstance(rate, float | np.floating):
        if not math.isfinite(float(rate)):
            raise ElectsimError(f"{name}={rate!r} is not finite")
        value = Fraction(Decimal(repr(float(rate))))
    elif isinstance(rate, str):
        text = rate.strip().replace(" ", "")
        percent = text.endswith("%")
        if percent:
            text = text[:-1]
        if len(text) > _MAX_RATE_CHARS:
            raise ElectsimError(
                f"{name}: a rate string of {len(text)} characters is refused (at most "
                f"{_MAX_RATE_CHARS}); give e.g. '7%', '7/100' or '0.07'"
            )
        try:
            if "/" in text:
                num, den = text.split("/")
                value = _decimal_fraction(Decimal(num), rate, name) / _decimal_fraction(
                    Decimal(den), rate, name
                )
            else:
                value = _decimal_fraction(Decimal(text), rate, name)
        except ElectsimError:
            raise
        except (InvalidOperation, ValueError, ZeroDivisionError) as exc:
            raise ElectsimError(
                f"{name}={rate!r} cannot be parsed as a rate; use e.g. '7%', '7/100' or '0.07'"
            ) from exc
        if percent:
            value /= 100
    else:
        raise ElectsimError(
            f"{name}={rate!r} has type {type(rate).__name__}; "
            "give a Fraction, Decimal, int, float or a string such as '7%'"
        )
    if value < 0 or (value > 1 and not allow_above_one):
        bound = "non-negative" if allow_above_one else "in [0, 1] (0 % to 100 %)"
        raise ElectsimError(f"{name}={_short_repr(rate)} must be {bound}")
    if max(value.numerator.bit_length(), value.denominator.bit_length()) > _MAX_RATE_BITS:
        raise ElectsimError(
            f"{name}={_short_repr(rate)} has a numerator or denominator above 2**{_MAX_RATE_BITS}"
            "; electsim refuses rates that precise (no election needs them)"
        )
    return value


#: Bounds on rates, checked *before* any exact arithmetic: a ``Decimal`` such as ``1e-999999999``
#: would otherwise become a Fraction with a billion-digit denominator (a hang).  A rate needs at
#: most ``_MAX_RATE_DIGITS`` significant digits and a decimal exponent within
#: ``±_MAX_RATE_EXPONENT``; a ``Fraction`` at most ``_MAX_RATE_BITS`` bits in each part.
_MAX_RATE_DIGITS = 60
_MAX_RATE_EXPONENT = 60
_MAX_RATE_BITS = 1024
_MAX_RATE_CHARS = 200


def _short_repr(x: Any) -> str:
    """``repr(x)``, shortened for messages (a huge Fraction must not flood or crash them)."""
    if isinstance(x, Fraction) and max(x.numerator.bit_length(), x.denominator.bit_length()) > 256:
        return f"<Fraction of {x.numerator.bit_length()}/{x.denominator.bit_length()} bits>"
    text = repr(x)
    return text if len(text) <= 80 else text[:77] + "..."


def _decimal_fraction(dec: Decimal, rate: Any, name: str) -> Fraction:
    """A finite ``Decimal`` as a Fraction, refusing huge exponents/digits before the conversion."""
    if not dec.is_finite():
        raise ElectsimError(f"{name}={_short_repr(rate)} is not finite")
    if dec.is_zero():
        return Fraction(0)
    digits = dec.as_tuple().digits
    if len(digits) > _MAX_RATE_DIGITS or dec.adjusted() < -_MAX_RATE_EXPONENT:
        raise ElectsimError(
            f"{name}={_short_repr(rate)} is too precise: electsim accepts rates with at most "
            f"{_MAX_RATE_DIGITS} significant digits down to 1e-{_MAX_RATE_EXPONENT}"
        )
    if dec.adjusted() > _MAX_RATE_EXPONENT:
        raise ElectsimError(
            f"{name}={_short_repr(rate)} is out of range: rates are in [0, 1] (0 % to 100 %)"
        )
    return Fraction(dec)


def as_count_array(values: ArrayLike, name: str) -> NDArray[np.int64]:
    """Validate counts and return them as a new, read-only ``int64`` array.

    Accepts integer arrays, and float arrays whose values are exact integers (e.g. ``85.0``).
    Refuses negative values, NaN, infinities, fractional values, booleans, strings and objects
    that are not integers.  The input is never modified (a copy is always made).

    Raises
    ------
    InvalidCountsError
        Naming ``name`` and the first offending value.
    """
    if isinstance(values, list | tuple) and _contains_bool(values):
        raise InvalidCountsError(f"{name} contains a boolean; counts must be integers")
    if isinstance(values, np.ma.MaskedArray):
        if np.ma.is_masked(values):
            raise InvalidCountsError(
                f"{name} is a masked array with masked entries; counts cannot be missing "
                "(fill them explicitly, e.g. values.filled(0), or drop those rows)"
            )
        values = np.ma.getdata(values)
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise InvalidCountsError(f"{name} could not be read as an array of counts: {exc}") from exc
    if arr.dtype == bool:
        raise InvalidCountsError(f"{name} is boolean; counts must be integers")
    if arr.dtype.kind in "iu":
        if arr.dtype.kind == "u" and arr.size and int(arr.max()) > np.iinfo(np.int64).max:
            raise InvalidCountsError(f"{name} has counts too large for int64")
        out = arr.astype(np.int64, copy=True)
    elif arr.dtype.kind == "f":
        bad = ~np.isfinite(arr)
        if bad.any():
            raise InvalidCountsError(
                f"{name} contains {arr[bad].flat[0]!r} (NaN or infinite); counts must be finite"
            )
        frac = arr != np.floor(arr)
        if frac.any():
            raise InvalidCountsError(
                f"{name} contains the non-integer count {arr[frac].flat[0]!r}; "
                "round explicitly before passing counts"
            )
        if arr.size and float(np.abs(arr).max()) >= 2.0**62:
            raise InvalidCountsError(f"{name} has counts too large for int64")
        out = arr.astype(np.int64)
    elif arr.dtype == object:
        flat = arr.ravel()
        for v in flat:
            if isinstance(v, bool) or not isinstance(v, int | np.integer):
                raise InvalidCountsError(f"{name} contains {v!r}; counts must be integers")
        try:
            out = arr.astype(np.int64)
        except OverflowError as exc:
            raise InvalidCountsError(f"{name} has counts too large for int64") from exc
    else:
        raise InvalidCountsError(f"{name} has dtype {arr.dtype}; counts must be integers")
    if out.size and int(out.min()) < 0:
        raise InvalidCountsError(f"{name} contains the negative count {int(out.min())}")
    out.setflags(write=False)
    return out


def _contains_bool(values: list[Any] | tuple[Any, ...]) -> bool:
    for v in values:
        if isinstance(v, bool | np.bool_):
            return True
        if isinstance(v, list | tuple) and _contains_bool(v):
            return True
    return False


def passes_threshold(
    votes: ArrayLike,
    base: ArrayLike,
    rate: RateLike,
    inclusive: bool = True,
) -> NDArray[np.bool_]:
    """Exact threshold test ``votes >= rate * base`` (or ``>`` when not inclusive).

    Decided by integer cross-multiplication ``votes * den >= num * base`` where
    ``rate = num / den``; products that could overflow int64 are computed with Python integers.

    Parameters
    ----------
    votes : array_like of int, shape ``(..., P)`` or broadcastable with ``base``
    base : array_like of int
        The threshold base (ballots, valid votes, ...), broadcastable against ``votes``.
    rate : Fraction or anything :func:`parse_rate` accepts
    inclusive : bool
        ``True``: a party exactly at the threshold passes ("rate or more").  ``False``: it must
        exceed it ("more than rate").

    Returns
    -------
    ndarray of bool
        Broadcast shape of ``votes`` and ``base``.

    Examples
    --------
    >>> passes_threshold([7000, 6999, 7001], 100_000, "7%").tolist()
    [True, False, True]
    >>> passes_threshold([7000], 100_000, "7%", inclusive=False).tolist()
    [False]
    """
    r = parse_rate(rate)
    v = np.asarray(votes, dtype=np.int64)
    b = np.asarray(base, dtype=np.int64)
    num, den = r.numerator, r.denominator
    vmax = int(v.max()) if v.size else 0
    bmax = int(b.max()) if b.size else 0
    if (
        den < _INT64_SAFE
        and num < _INT64_SAFE
        and vmax * den < _INT64_SAFE
        and bmax * num < _INT64_SAFE
    ):
        lhs = v * np.int64(den)
        rhs = b * np.int64(num)
    else:  # exact but slow: Python integers
        lhs = v.astype(object) * den
        rhs = b.astype(object) * num
    out = lhs >= rhs if inclusive else lhs > rhs
    return np.asarray(out, dtype=bool)


def votes_needed(base: ArrayLike, rate: RateLike, inclusive: bool = True) -> NDArray[np.int64]:
    """The fewest (integer) votes that pass ``rate`` of ``base``, exactly.

    ``ceil(num * base / den)`` when inclusive, ``floor(num * base / den) + 1`` when strict, with
    ``rate = num / den``.  For integer votes, ``votes >= votes_needed(base, rate, inclusive)``
    is the same test as :func:`passes_threshold`, but costs one comparison per party: the
    cross-multiplication happens once per base, not once per party.

    Examples
    --------
    >>> votes_needed([100_000, 1_990_753], "7%").tolist()
    [7000, 139353]
    >>> votes_needed([100_000], "7%", inclusive=False).tolist()
    [7001]
    """
    r = parse_rate(rate)
    b = np.asarray(base, dtype=np.int64)
    num, den = r.numerator, r.denominator
    bmax = int(b.max()) if b.size else 0
    if num < _INT64_SAFE and bmax * num + den < _INT64_SAFE:
        prod = b * np.int64(num)
        dd = np.int64(den)
        out = -((-prod) // dd) if inclusive else prod // dd + 1
        return np.asarray(out, dtype=np.int64)
    prod_o = b.astype(object) * num
    out_o = -((-prod_o) // den) if inclusive else prod_o // den + 1
    return np.asarray(out_o.astype(np.int64) if b.ndim else int(out_o), dtype=np.int64)
