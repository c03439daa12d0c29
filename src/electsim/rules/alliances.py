"""Alliances of lists (apparentment, surplus agreements): seats to blocs, then within blocs.

An alliance takes part in the allocation as one list whose votes are the sum of its *eligible*
members' votes (members that failed the thresholds bring nothing, as in Israel, where a
surplus agreement counts only between lists that passed the threshold); the seats it wins are
then divided among those members by the same method or by ``alliance_method``.  Lists outside
any alliance take part alone.  Per-list limits (``Party.candidates``, the seat cap) hold at
both levels: an alliance can hold at most the sum of its members' limits.

Laws modelled (details and sources in ``docs/rules_single.md``):

* Israel, Knesset Elections Law: surplus-vote agreements between two lists; seats by the
  Bader-Ofer method (= D'Hondt) over lists and agreements, then within each agreement.
* Denmark, European Parliament elections: electoral alliances (valgforbund), D'Hondt over
  alliances and lists, then D'Hondt within each alliance.
* Switzerland, National Council: list combinations (Listenverbindungen), Hagenbach-Bischoff
  (= D'Hondt) at both levels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..apportion import Method, TieRecord
from ..election import Party, _fold, lookup_index
from ..errors import ElectsimError, UnknownNameError
from ._apportion import apportion_capped

__all__ = ["AllianceOutcome", "apportion_alliances", "check_alliances", "resolve_alliances"]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def check_alliances(alliances: Any) -> tuple[tuple[str | int, ...], ...]:
    """Validate ``ElectoralSystem(alliances=...)`` (structure only; names are resolved per
    election by :func:`resolve_alliances`).

    >>> check_alliances([("A", "B"), ["C", "D", "E"]])
    (('A', 'B'), ('C', 'D', 'E'))
    >>> check_alliances([("A", "B"), ("b", "C")])
    Traceback (most recent call last):
    ...
    electsim.errors.ElectsimError: alliances: 'b' is in two alliances ...
    """
    if alliances is None:
        return ()
    if isinstance(alliances, str) or not isinstance(alliances, Sequence):
        raise ElectsimError(
            f"alliances={alliances!r} must be a sequence of alliances, e.g. [('A', 'B')]"
        )
    out: list[tuple[str | int, ...]] = []
    seen: dict[Any, int] = {}
    for j, group in enumerate(alliances):
        if isinstance(group, str) or not isinstance(group, Sequence):
            raise ElectsimError(
                f"alliances[{j}]={group!r} must be a sequence of party names, e.g. ('A', 'B')"
            )
        members = tuple(group)
        if len(members) < 2:
            raise ElectsimError(f"alliances[{j}]={members!r}: an alliance needs two or more lists")
        for m in members:
            if isinstance(m, bool) or not isinstance(m, str | int | np.integer):
                raise ElectsimError(f"alliances[{j}]: {m!r} is not a party name or index")
            key = _fold(m) if isinstance(m, str) else int(m)
            if key in seen:
                where = "twice in one alliance" if seen[key] == j else "in two alliances"
                raise ElectsimError(
                    f"alliances: {m!r} is {where} (alliances {seen[key]} and {j}); "
                    "a list belongs to at most one alliance"
                )
            seen[key] = j
        out.append(tuple(int(m) if isinstance(m, np.integer) else m for m in members))
    return tuple(out)


def resolve_alliances(
    parties: Sequence[Party], alliances: Sequence[Sequence[str | int]]
) -> tuple[IntArray, tuple[str, ...]]:
    """Group index of every party and the groups' labels.

    Returns ``(group (P,), labels)``: alliances are groups ``0 .. A-1`` (in the order given),
    every other list its own group after them; ``labels[g]`` is ``"A+B"`` for an alliance and
    the party's name otherwise.

    Raises
    ------
    UnknownNameError
        An unknown name, or one party named twice (also through its short code or index).

    >>> from electsim import Party
    >>> g, labels = resolve_alliances([Party(n) for n in "ABCD"], [("d", "B")])
    >>> g.tolist(), labels
    ([1, 0, 2, 0], ('D+B', 'A', 'C'))
    """
    names = [p.name for p in parties]
    shorts = [p.short for p in parties]
    P = len(parties)
    group = np.full(P, -1, dtype=np.int64)
    labels: list[str] = []
    for j, members in enumerate(alliances):
        idx = [lookup_index(names, m, "party", shorts) for m in members]
        for m, i in zip(members, idx, strict=True):
            if group[i] >= 0:
                raise UnknownNameError(
                    f"alliances: {m!r} is the party {names[i]!r}, already in alliance "
                    f"{int(group[i])}; a list belongs to at most one alliance"
                )
            group[i] = j
        labels.append("+".join(names[i] for i in idx))
    for i in range(P):
        if group[i] < 0:
            group[i] = len(labels)
            labels.append(names[i])
    return group, tuple(labels)


@dataclass(frozen=True)
class AllianceOutcome:
    """What :func:`apportion_alliances` decided.

    Attributes
    ----------
    seats : int64 ``(N, P)``
        Seats per list.
    group_seats : int64 ``(N, G)``
        Seats per group (alliances first, then the lists outside any alliance).
    group_votes : int64 ``(N, G)``
        The votes each group took part with (its eligible members' votes).
    capped : bool ``(N, P)``
        Lists held at their limit (cap or candidates) at either level.
    ties : list of TieRecord
        Ties between groups (``contenders``/``winners`` are the groups' first members, stage
        ``"alliances: ..."``) and within alliances (stage ``"within <label>: ..."``).
    """

    seats: IntArray
    group_seats: IntArray
    group_votes: IntArray
    capped: BoolArray
    ties: list[TieRecord]


def apportion_alliances(
    votes: IntArray,
    seats: IntArray,
    eligible: BoolArray,
    group: IntArray,
    labels: Sequence[str],
    method: Method,
    *,
    inner_method: Method | None = None,
    cap: IntArray | None = None,
    tie_break: str = "raise",
    rng: np.random.Generator | None = None,
) -> AllianceOutcome:
    """Seats to groups, then within each alliance, batched and exact.

    Parameters
    ----------
    votes : int64 ``(N, P)``
    seats : int64 ``(N,)``
    eligible : bool ``(N, P)``
        Lists that passed the thresholds.
    group, labels
        From :func:`resolve_alliances`.
    method : Method
        Divides the seats among groups.
    inner_method : Method, optional
        Divides an alliance's seats among its members (default ``method``).
    cap : int64 ``(N, P)``, optional
        Per-list limits; a group's limit is the sum of its eligible members' limits.
    tie_break, rng
        As in :func:`electsim.allocate`.

    Notes
    -----
    Cost: one method run over ``G`` groups plus one per alliance over its members, each
    vectorised over the batch (a Python loop over alliances, never over elections).
    """
    N, P = votes.shape
    G = len(labels)
    inner = inner_method or method
    onehot = np.zeros((P, G), dtype=np.int64)
    onehot[np.arange(P), group] = 1
    counted = eligible & (votes > 0)
    gvotes = np.where(counted, votes, 0) @ onehot
    geligible = (eligible.astype(np.int64) @ onehot) > 0
    gcap = None if cap is None else np.where(counted, cap, 0) @ onehot
    galloc, gcapped, gties = apportion_capped(
        gvotes, seats, geligible, method, gcap, tie_break, rng
    )
    first = np.array([int(np.flatnonzero(group == g)[0]) for g in range(G)], dtype=np.int64)
    ties = [
        replace(
            t,
            contenders=tuple(int(first[c]) for c in t.contenders),
            winners=tuple(int(first[c]) for c in t.winners),
            stage=f"alliances: {t.stage} between " + ", ".join(labels[c] for c in t.contenders),
        )
        for t in gties
    ]
    out = np.zeros((N, P), dtype=np.int64)
    capped = np.zeros((N, P), dtype=bool)
    for g in range(G):
        idx = np.flatnonzero(group == g)
        if idx.size == 1:
            out[:, idx[0]] = galloc[:, g]
            capped[:, idx[0]] = gcapped[:, g]
            continue
        sub_cap = None if cap is None else cap[:, idx]
        a, c, sub_ties = apportion_capped(
            votes[:, idx], galloc[:, g], eligible[:, idx], inner, sub_cap, tie_break, rng
        )
        out[:, idx] = a
        capped[:, idx] = c | (gcapped[:, [g]] & counted[:, idx])
        ties += [
            replace(
                t,
                contenders=tuple(int(idx[k]) for k in t.contenders),
                winners=tuple(int(idx[k]) for k in t.winners),
                stage=f"within {labels[g]}: {t.stage}",
            )
            for t in sub_ties
        ]
    return AllianceOutcome(out, galloc, gvotes, capped, sorted(ties, key=lambda t: t.row))
