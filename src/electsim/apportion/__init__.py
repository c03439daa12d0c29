"""Apportionment methods: a registry of quota and divisor methods.

Every method has a vectorised batch kernel over ``(N, P)`` and a slow exact reference.
Look one up with :func:`get_method` by name, alias or callable; :func:`available_methods`
lists the names.  Parametrised families: :func:`sainte_lague` (first divisor, e.g. 1.2 or 1.4),
:func:`divisor_method` (``d(s) = s + delta``, optional first divisor) and
:func:`largest_remainder` (quota and its rounding as written in law).
"""

from . import divisor, quota
from ._base import (
    TIE_POLICIES,
    Method,
    ParametrizedMethod,
    TieBreak,
    TieRecord,
    available_methods,
    get_method,
    register,
    resolve_tie,
)
from .divisor import divisor_method, sainte_lague
from .quota import ROUNDINGS, largest_remainder

__all__ = [
    "ROUNDINGS",
    "TIE_POLICIES",
    "Method",
    "ParametrizedMethod",
    "TieBreak",
    "TieRecord",
    "available_methods",
    "divisor",
    "divisor_method",
    "get_method",
    "largest_remainder",
    "quota",
    "register",
    "resolve_tie",
    "sainte_lague",
]
