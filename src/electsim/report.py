"""Side-by-side summaries of several scenarios (rule sets, reforms, manipulations).

One row per scenario: the seats of every party that wins any, the seats of each bloc, the
wasted-vote share, Gallagher's index, the effective number of parliamentary parties and whether
each bloc holds a simple and a two-thirds majority.  Used by the reform examples and the
``electsim compare`` command.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from . import metrics
from .allocate import Allocation
from .errors import ElectsimError

__all__ = ["Summary", "scenario_records", "scenario_table", "summary"]

Scenarios = Mapping[str, Allocation] | Sequence[tuple[str, Allocation]]


class Summary(NamedTuple):
    """The usual one-line description of one allocation (see :func:`summary`)."""

    seats: str
    bloc: int
    simple: str
    two_thirds: str
    wasted: float


def summary(allocation: Allocation, bloc: str = "pro-government") -> Summary:
    """Seats as ``"BRM 46 MKK 45 ..."`` (parties with seats), the seats of ``bloc``, whether it
    has a simple / two-thirds majority of the house (``"yes"``/``"no"``) and the wasted-vote
    share.  For one (unbatched) allocation.

    Examples
    --------
    >>> import electsim as es
    >>> a = es.allocate(es.datasets.kyrgyzstan_2020(),
    ...                 es.presets.kyrgyzstan_2020().replace(regional=None))
    >>> s = summary(a)
    >>> s.seats, s.bloc, s.simple, s.two_thirds, round(s.wasted, 3)
    ('BRM 46 MKK 45 KYR 16 BUT 13', 107, 'yes', 'yes', 0.357)
    """
    a = _items([("allocation", allocation)])[0][1]
    parties = a.election.parties
    seats = " ".join(f"{p.short} {int(n)}" for p, n in zip(parties, a.seats, strict=True) if n)
    n_bloc = int(metrics.bloc_seats(a, bloc))
    house = a.system.seats
    return Summary(
        seats,
        n_bloc,
        "yes" if metrics.has_majority(n_bloc, house) else "no",
        "yes" if metrics.has_majority(n_bloc, house, "two_thirds") else "no",
        float(metrics.wasted_vote_share(a)),
    )


def _items(scenarios: Scenarios) -> list[tuple[str, Allocation]]:
    items = list(scenarios.items()) if isinstance(scenarios, Mapping) else list(scenarios)
    if not items:
        raise ElectsimError("scenarios is empty; give at least one (label, Allocation)")
    for label, a in items:
        if not isinstance(a, Allocation):
            raise ElectsimError(f"scenario {label!r} is not an Allocation")
        if a.batch_shape:
            raise ElectsimError(
                f"scenario {label!r} is batched {a.batch_shape}; select one election first"
            )
    return items


def scenario_records(scenarios: Scenarios) -> list[dict[str, Any]]:
    """One plain-Python record per scenario.

    Keys: ``scenario``, ``seats`` (``{short: seats}`` for parties with seats), ``blocs``
    (``{bloc: seats}``), ``simple_majority`` / ``two_thirds`` (``{bloc: bool}``, thresholds from
    :func:`electsim.metrics.majority_threshold` of the house), ``wasted_share``, ``gallagher``,
    ``enp_seats`` (Laakso-Taagepera), ``unfilled``, ``ties``.
    """
    out = []
    for label, a in _items(scenarios):
        parties = a.election.parties
        house = a.system.seats
        blocs = sorted({p.bloc for p in parties if p.bloc})
        bloc_seats = {b: int(metrics.bloc_seats(a, b)) for b in blocs}
        simple = metrics.majority_threshold(house, "simple")
        two_thirds = metrics.majority_threshold(house, "two_thirds")
        out.append(
            {
                "scenario": label,
                "seats": {p.short: int(s) for p, s in zip(parties, a.seats, strict=True) if s},
                "blocs": bloc_seats,
                "simple_majority": {b: s >= simple for b, s in bloc_seats.items()},
                "two_thirds": {b: s >= two_thirds for b, s in bloc_seats.items()},
                "wasted_share": float(metrics.wasted_vote_share(a)),
                "gallagher": float(metrics.gallagher(a)),
                "enp_seats": float(metrics.laakso_taagepera(a, by="seats")),
                "unfilled": int(a.unfilled),
                "ties": len(a.ties),
            }
        )
    return out


def scenario_table(scenarios: Scenarios, *, bloc: str | None = "pro-government") -> str:
    """A fixed-width table comparing scenarios, one row each.

    Columns: seats per party short code (every party with a seat in some scenario, in the
    election's order), the seats of ``bloc`` with its simple / two-thirds majority flags, the
    wasted-vote share (ballots for seatless lists + against all + invalid, of all ballots),
    Gallagher's index and the effective number of parliamentary parties.

    Examples
    --------
    >>> import electsim as es
    >>> e = es.datasets.kyrgyzstan_2020()
    >>> law = es.presets.kyrgyzstan_2020().replace(regional=None)
    >>> print(scenario_table({"7 %": es.allocate(e, law)}))  # doctest: +NORMALIZE_WHITESPACE
    scenario  BRM  MKK  KYR  BUT  pro-government  maj  2/3  wasted  Gallagher   ENP
    -------------------------------------------------------------------------------
    7 %        46   45   16   13             107  yes  yes   35.7%      15.91  3.15
    """
    items = _items(scenarios)
    recs = scenario_records(items)
    first = items[0][1].election
    shorts = [p.short for p in first.parties if any(p.short in r["seats"] for r in recs)]
    width = max(8, *(len(r["scenario"]) for r in recs))
    head = f"{'scenario':<{width}}" + "".join(f"{s:>5}" for s in shorts)
    if bloc is not None:
        head += f"{bloc:>{max(len(bloc), 4) + 2}}  maj  2/3"
    head += f"{'wasted':>8}{'Gallagher':>11}{'ENP':>6}"
    lines = [head, "-" * len(head)]
    for r in recs:
        row = f"{r['scenario']:<{width}}" + "".join(f"{r['seats'].get(s, 0):>5}" for s in shorts)
        if bloc is not None:
            n = r["blocs"].get(bloc, 0)
            yes = {True: "yes", False: "no"}
            row += f"{n:>{max(len(bloc), 4) + 2}}"
            row += f"{yes[r['simple_majority'].get(bloc, False)]:>5}"
            row += f"{yes[r['two_thirds'].get(bloc, False)]:>5}"
        wasted = "-" if np.isnan(r["wasted_share"]) else f"{r['wasted_share']:.1%}"
        row += f"{wasted:>8}{r['gallagher']:>11.2f}{r['enp_seats']:>6.2f}"
        lines.append(row)
    return "\n".join(lines)
