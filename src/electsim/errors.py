"""Exceptions and warnings raised by electsim.

Every error electsim raises on bad input is an :class:`ElectsimError`, itself a :class:`ValueError`,
so ``except ValueError`` keeps working.  Messages name the parameter, the bad value and what is
allowed.
"""

from __future__ import annotations

__all__ = [
    "AmbiguousRateWarning",
    "ElectsimError",
    "ElectsimWarning",
    "InvalidCountsError",
    "MissingDataError",
    "ShapeMismatchError",
    "TieError",
    "UnknownMethodError",
    "UnknownNameError",
    "UnseededLotWarning",
]


class ElectsimError(ValueError):
    """Base class of every error electsim raises on bad input or an undecidable result."""


class InvalidCountsError(ElectsimError):
    """Counts that are negative, non-integer, NaN/inf or of a non-numeric type."""


class ShapeMismatchError(ElectsimError):
    """Arrays whose shapes do not fit together (batch, region or party axes)."""


class UnknownMethodError(ElectsimError):
    """An apportionment method, tie policy, base or option name that electsim does not know."""


class UnknownNameError(ElectsimError):
    """A party or region name that is not in the election (or a duplicate name)."""


class MissingDataError(ElectsimError):
    """A rule needs data the election does not have (e.g. registered voters, regional breakdown)."""


class TieError(ElectsimError):
    """A tie for the last seat(s) that the ``"raise"`` tie policy refuses to break."""


class ElectsimWarning(UserWarning):
    """A result that is defined but deserves attention (e.g. a rule explicitly skipped)."""


class AmbiguousRateWarning(ElectsimWarning):
    """A threshold rate given as a bare number above one half, e.g. ``Threshold(0.7)``.

    Rates are fractions of the base, so ``0.7`` means 70 %, not 0.7 %: write ``"0.7%"`` for
    0.7 %, or ``"70%"`` / ``Fraction(7, 10)`` to say that 70 % is meant (neither warns).
    """


class UnseededLotWarning(ElectsimWarning):
    """Lots were drawn (``tie_break="lot"``) without an ``rng``: the result is not reproducible.

    The message and :attr:`electsim.Allocation.lot_seed` give the seed that was drawn, so the
    result can be repeated with ``allocate(..., rng=seed)``.
    """
