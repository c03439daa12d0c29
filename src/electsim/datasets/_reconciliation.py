"""The Kloop precinct file against the CEC's preliminary count of 5 October 2020, by party.

:func:`kyrgyzstan_2020_reconciliation` returns a :class:`Reconciliation`: the stations and the
votes of each party (and against all) in the CEC's figures and in the domestic part of the
precinct file, their difference, and the votes cast abroad (in the file, not in the CEC's
figures).  Every number is computed from the two bundled CSV files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from electsim._display import HTMLReprMixin

__all__ = ["Reconciliation", "ReconciliationRow"]


@dataclass(frozen=True)
class ReconciliationRow:
    """One line of the reconciliation: a party, against all, or all valid votes.

    Attributes
    ----------
    name : str
    cec : int
        The CEC's preliminary figure of 5 October 2020 (domestic stations only).
    file_domestic : int
        The precinct file's sum over its domestic stations.
    file_abroad : int
        The precinct file's sum over its stations abroad.
    """

    name: str
    cec: int
    file_domestic: int
    file_abroad: int

    @property
    def difference(self) -> int:
        """``file_domestic - cec`` (negative: the file has fewer)."""
        return self.file_domestic - self.cec

    @property
    def difference_percent(self) -> float:
        """``100 * difference / cec`` (a description; nan when the CEC figure is 0)."""
        return 100.0 * self.difference / self.cec if self.cec else float("nan")


@dataclass(frozen=True)
class Reconciliation(HTMLReprMixin):
    """Precinct file vs the CEC's count: stations and votes by party.

    Attributes
    ----------
    rows : tuple of ReconciliationRow
        The 16 parties in the CEC's order, then ``"against all"``, then ``"valid (total)"``.
    stations_cec : int
        Stations in the CEC's figures of 5 October: 2,475 - 46 not yet reported = 2,429.
    stations_file_domestic, stations_file_abroad : int
        Rows of the precinct file in the nine domestic regions, and abroad.
    """

    rows: tuple[ReconciliationRow, ...]
    stations_cec: int
    stations_file_domestic: int
    stations_file_abroad: int

    @property
    def stations_missing(self) -> int:
        """Domestic stations in the CEC's count but not in the file."""
        return self.stations_cec - self.stations_file_domestic

    def row(self, name: str) -> ReconciliationRow:
        """The row of a party (name or ``"against all"``/``"valid (total)"``)."""
        for r in self.rows:
            if r.name == name:
                return r
        from electsim.errors import UnknownNameError

        raise UnknownNameError(f"{name!r} is not a row; rows are {[r.name for r in self.rows]}")

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per row (JSON-serialisable), stations first."""
        out: list[dict[str, Any]] = [
            {
                "name": "stations",
                "cec": self.stations_cec,
                "file_domestic": self.stations_file_domestic,
                "file_abroad": self.stations_file_abroad,
                "difference": -self.stations_missing,
                "difference_percent": -100.0 * self.stations_missing / self.stations_cec,
            }
        ]
        for r in self.rows:
            out.append(
                {
                    "name": r.name,
                    "cec": r.cec,
                    "file_domestic": r.file_domestic,
                    "file_abroad": r.file_abroad,
                    "difference": r.difference,
                    "difference_percent": r.difference_percent,
                }
            )
        return out

    def to_json(self) -> str:
        """The records as JSON."""
        return json.dumps(self.to_records(), indent=2)

    def __str__(self) -> str:
        head = (
            f"{'':<22}{'CEC 5 Oct':>11}{'file, domestic':>16}{'difference':>12}{'%':>8}"
            f"{'file, abroad':>14}"
        )
        lines = [
            "Kloop precinct file (29 Oct 2020) vs CEC preliminary count (5 Oct 2020)",
            head,
            "-" * len(head),
        ]
        for r in self.to_records():
            lines.append(
                f"{r['name'][:21]:<22}{r['cec']:>11,}{r['file_domestic']:>16,}"
                f"{r['difference']:>+12,}{r['difference_percent']:>+8.2f}{r['file_abroad']:>14,}"
            )
        return "\n".join(lines)
