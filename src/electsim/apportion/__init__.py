"""Apportionment methods: a registry of quota and divisor methods.

Every method has a vectorised batch kernel over ``(N, P)`` and a slow exact reference.
Look one up with :func:`get_method` by name, alias or callable; :func:`available_methods`
lists the names.
"""

from . import divisor, quota
from ._base import (
    TIE_POLICIES,
    Method,
    TieBreak,
    TieRecord,
    available_methods,
    get_method,
    register,
    resolve_tie,
)

__all__ = [
    "TIE_POLICIES",
    "Method",
    "TieBreak",
    "TieRecord",
    "available_methods",
    "divisor",
    "get_method",
    "quota",
    "register",
    "resolve_tie",
]
