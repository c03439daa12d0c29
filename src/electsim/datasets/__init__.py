"""Bundled election data, each file with its source.

Kyrgyzstan, parliamentary election of 4 October 2020 (annulled on 6 October 2020):

* :func:`kyrgyzstan_2020` -- the CEC's preliminary national figures of 5 October 2020
  (``data/kyrgyzstan_2020_national.csv``), without the 45 stations abroad; with ``abroad=True``
  the stations abroad from the precinct file are added as a second unit;
* :func:`kyrgyzstan_2020_precincts` -- Kloop Media's precinct-level file of 29 October 2020,
  2,413 polling stations (2,368 domestic, 45 abroad; ``data/kyrgyzstan_2020_precincts.csv``);
* :func:`kyrgyzstan_2020_regions` -- the precinct file aggregated to regions, under a stated
  assumption about the (unpublished) invalid ballots;
* :func:`kyrgyzstan_2020_reconciliation` -- the precinct file against the CEC's count, by party;
* :func:`kyrgyzstan_2020_parties` -- the 16 party lists (names, short codes, colours, blocs);
* :func:`synthetic_districts` -- a seeded, documented SYNTHETIC layer of single-member
  districts built from the precinct file (for mixed systems; not real district results).

The precinct file is an *incomplete* count: its 2,368 domestic stations are 61 fewer than the
2,429 of the CEC's count, with 80,749 (4.1 %) fewer domestic valid votes, and the shortfall
differs by party (:func:`kyrgyzstan_2020_reconciliation`); it has no invalid ballots.  The CEC's
figures leave out the 45 stations abroad.  ``data/SOURCES.md`` and ``docs/data.md`` give the
provenance of every file and every derived number.  The party order is the CEC's (Birimdik
first) in both.  Every loader returns a fresh object whose arrays are read-only.
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from electsim._exact import RateLike, parse_rate
from electsim.datasets._kyrgyzstan_2020 import (
    CEC_STATIONS_NOT_REPORTED,
    CEC_STATIONS_TOTAL,
    PARTIES,
    REGIONS,
    REGISTERED_ABROAD,
)
from electsim.datasets._reconciliation import Reconciliation, ReconciliationRow
from electsim.datasets._synthetic_districts import synthetic_districts
from electsim.election import Election, Party, PrecinctResults, Region
from electsim.errors import ElectsimError, MissingDataError

__all__ = [
    "Reconciliation",
    "ReconciliationRow",
    "kyrgyzstan_2020",
    "kyrgyzstan_2020_parties",
    "kyrgyzstan_2020_precincts",
    "kyrgyzstan_2020_reconciliation",
    "kyrgyzstan_2020_regions",
    "synthetic_districts",
]

_NATIONAL_FILE = "kyrgyzstan_2020_national.csv"
_PRECINCT_FILE = "kyrgyzstan_2020_precincts.csv"

_NATIONAL_NAME = "Kyrgyzstan 2020 (CEC preliminary, 5 Oct 2020)"
_NATIONAL_SOURCE = (
    "CEC of the Kyrgyz Republic, preliminary results of 5 Oct 2020, 11:00 (automatic "
    "ballot-reading boxes, 98 % of ballot boxes; 46 of 2,475 stations missing, incl. the 45 "
    "abroad), as published by akipress.kg: https://for.kg/news-669682-ru.html (identical text: "
    "https://ea-news.kz/?p=3840). Party votes, against all (35,714), registered voters "
    "(3,523,554) and voters who took part (1,990,753) are published; invalid ballots "
    "(31,823) are DERIVED = 1,990,753 took part - 1,958,930 party + against-all votes."
)
_PRECINCT_NAME = "Kyrgyzstan 2020 (Kloop precinct data, 29 Oct 2020)"
_PRECINCT_SOURCE = (
    "Kloop Media, https://github.com/KloopMedia/ParliamentCalculatorV2 , file "
    "src/data/PARTIES_RESULTS_REACT_LEVEL_ONE_NEW.csv at commit "
    "9ef5a011e62490bf2c22f9b9a3f09b0f9d2dc3c4 (2020-10-29), built by Kloop from the CEC's "
    "precinct protocols. Vote counts rounded from floats (each within 1e-12 of an integer); "
    "form2_share = form2_percent / 100; station = row number in the source. Invalid ballots and "
    "registered voters are not in the source (unknown)."
)


# ----------------------------------------------------------------------------- reading
def _read_table(filename: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a bundled CSV file, located with :mod:`importlib.resources`."""
    text = (resources.files(__name__) / "data" / filename).read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    rows = [row for row in reader if row]
    for i, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise ElectsimError(
                f"bundled file {filename}, line {i}: {len(row)} fields, header has {len(header)}"
            )
    return header, rows


def _expect_header(filename: str, header: list[str], expected: list[str]) -> None:
    if header != expected:
        raise ElectsimError(
            f"bundled file {filename} has the header {header}; expected {expected} "
            "(the installation is damaged or out of date)"
        )


def _counts(rows: list[list[str]], start: int, stop: int, filename: str) -> NDArray[np.int64]:
    """Columns ``start:stop`` of ``rows`` as a read-only int64 array (plain decimal integers)."""
    try:
        out = np.array([[int(x) for x in row[start:stop]] for row in rows], dtype=np.int64)
    except ValueError as exc:
        raise ElectsimError(f"bundled file {filename}: a count is not an integer ({exc})") from exc
    if (out < 0).any():
        raise ElectsimError(f"bundled file {filename}: a count is negative")
    out.setflags(write=False)
    return out


class _PrecinctTable(NamedTuple):
    votes: NDArray[np.int64]  # (K, P)
    against_all: NDArray[np.int64]  # (K,)
    region: NDArray[np.int64]  # (K,)
    form2_share: NDArray[np.float64]  # (K,)
    station_ids: tuple[str, ...]


@functools.cache
def _national_table() -> tuple[NDArray[np.int64], int, int, int]:
    header, rows = _read_table(_NATIONAL_FILE)
    shorts = [p.short for p in PARTIES]
    _expect_header(_NATIONAL_FILE, header, [*shorts, "against_all", "invalid", "registered"])
    if len(rows) != 1:
        raise ElectsimError(f"bundled file {_NATIONAL_FILE} must have one data row")
    counts = _counts(rows, 0, len(header), _NATIONAL_FILE)[0]
    P = len(shorts)
    votes = counts[:P].copy()
    votes.setflags(write=False)
    return votes, int(counts[P]), int(counts[P + 1]), int(counts[P + 2])


@functools.cache
def _precinct_table() -> _PrecinctTable:
    header, rows = _read_table(_PRECINCT_FILE)
    shorts = [p.short for p in PARTIES]
    _expect_header(
        _PRECINCT_FILE, header, ["station", "region", *shorts, "against_all", "form2_share"]
    )
    P = len(shorts)
    counts = _counts(rows, 2, 2 + P + 1, _PRECINCT_FILE)
    votes = counts[:, :P].copy()
    against_all = counts[:, P].copy()
    index = {r.name: i for i, r in enumerate(REGIONS)}
    try:
        region = np.array([index[row[1]] for row in rows], dtype=np.int64)
    except KeyError as exc:
        raise ElectsimError(f"bundled file {_PRECINCT_FILE}: unknown region {exc}") from exc
    form2 = np.array([float(row[-1]) for row in rows], dtype=np.float64)
    if not ((form2 >= 0) & (form2 <= 1)).all():
        raise ElectsimError(f"bundled file {_PRECINCT_FILE}: form2_share outside [0, 1]")
    for a in (votes, against_all, region, form2):
        a.setflags(write=False)
    return _PrecinctTable(votes, against_all, region, form2, tuple(row[0] for row in rows))


# ----------------------------------------------------------------------------- loaders
def kyrgyzstan_2020_parties() -> tuple[Party, ...]:
    """The 16 party lists of Kyrgyzstan's parliamentary election of 4 October 2020.

    Returns
    -------
    tuple of Party, length 16
        In the order of the CEC's preliminary table of 5 October 2020 (by votes: Birimdik,
        Mekenim Kyrgyzstan, Kyrgyzstan, Butun Kyrgyzstan, Mekenchil, Respublika, Ata Meken,
        Yiman Nuru, Bir Bol, Chon Kazat, Zamandash, Social Democrats, Reforma, Meken Yntymagy,
        Ordo, the party of veterans of the war in Afghanistan) -- the column order of every
        Kyrgyzstan 2020 data set in electsim.

    Notes
    -----
    * ``name``: English transliteration.
    * ``short``: a short code chosen by electsim (``"BRM"``, ``"MKK"``, ``"KYR"``, ``"BUT"``,
      ``"MCH"``, ...); it heads the party's column in the bundled CSV files.
    * ``color``: a distinct matplotlib colour from the ``tab20`` palette, chosen for contrast --
      not the party's own colour.
    * ``bloc``: ``"pro-government"`` for Birimdik, Mekenim Kyrgyzstan and Kyrgyzstan,
      ``"opposition"`` for Butun Kyrgyzstan and Mekenchil, as contemporary press coverage
      described them (``docs/data.md``); ``None`` for the other eleven parties.

    Examples
    --------
    >>> parties = kyrgyzstan_2020_parties()
    >>> len(parties), parties[0].name, parties[0].short, parties[0].bloc
    (16, 'Birimdik', 'BRM', 'pro-government')
    >>> [p.short for p in parties if p.bloc == "opposition"]
    ['BUT', 'MCH']
    """
    return PARTIES


def kyrgyzstan_2020(
    abroad: bool = False, *, abroad_invalid_rate: RateLike | None = None
) -> Election:
    """CEC preliminary national results of 5 October 2020, optionally with the stations abroad.

    Source: the Central Commission for Elections and Referenda (CEC), preliminary results of
    5 October 2020, 11:00, from the automatic ballot-reading boxes (98 % of ballot boxes; 46 of
    2,475 polling stations had not reported, among them the 45 abroad), as published by
    akipress.kg and reproduced at https://for.kg/news-669682-ru.html (identical text at
    https://ea-news.kz/?p=3840).

    Parameters
    ----------
    abroad : bool, default False
        False: the CEC's figures as published (``R = 1``, the 2,429 domestic stations that had
        reported).  True: two units, ``"Kyrgyzstan (CEC)"`` (the CEC's figures) and ``"Abroad"``
        (the 45 stations abroad of the precinct file, 9,164 valid votes, of which Butun
        Kyrgyzstan 4,125), both outside the regional threshold.
    abroad_invalid_rate : rate, optional
        Required with ``abroad=True``: the precinct file has no invalid ballots, so the share of
        invalid ballots abroad is an assumption (``0``; or ``"1.6%"``, about the CEC's domestic
        ratio), applied as in :func:`kyrgyzstan_2020_regions`.

    Returns
    -------
    Election
        16 parties (:func:`kyrgyzstan_2020_parties`).  ``abroad=False``: one non-regional unit
        (``National``), ``against_all`` = 35,714, ``registered`` =
        3,523,554, ``invalid`` = 31,823.  ``abroad=True``: the CEC unit with the same counts but
        ``registered`` = 3,490,952, and the abroad unit with ``registered`` = 32,602 (the voters
        on the lists abroad, part of the CEC's 3,523,554).

    Raises
    ------
    MissingDataError
        ``abroad=True`` without ``abroad_invalid_rate``.

    Notes
    -----
    Published: each party's votes, against all, registered voters and the 1,990,753 voters
    who took part (56.50 %).  **Derived:** ``invalid`` = 1,990,753 - 1,958,930 (the sum of the
    16 party lines and against all) = 31,823; the CEC did not publish invalid ballots, and the
    difference may also absorb reporting gaps.  With it, ``national_ballots`` reproduces the
    published 1,990,753, the base of the CEC's percentages and of the 7 % threshold.

    On these figures Hare/largest remainder with the 7 % threshold gives the published
    allocation Birimdik 46, Mekenim Kyrgyzstan 45, Kyrgyzstan 16, Butun Kyrgyzstan 13
    (Mekenchil's 136,276 votes fall short of 7 % of 1,990,753 = 139,352.71).  Butun Kyrgyzstan
    clears 7 % by 2,587.29 votes; with the stations abroad (no invalid ballots there) by
    146,065 - 0.07 x 1,999,917 = 6,070.81.  The regional 0.7 % threshold cannot be checked:
    there is no regional breakdown (see :func:`kyrgyzstan_2020_regions`).

    Examples
    --------
    >>> e = kyrgyzstan_2020()
    >>> e.n_regions, e.n_parties, e.has_regional_breakdown
    (1, 16, False)
    >>> e.national_ballots.item(), e.national_valid.item(), e.national_invalid.item()
    (1990753, 1958930, 31823)
    >>> e.votes[0, e.party_index("Birimdik")].item()
    487685
    >>> w = kyrgyzstan_2020(abroad=True, abroad_invalid_rate=0)
    >>> w.national_ballots.item(), w.votes[:, w.party_index("Butun Kyrgyzstan")].tolist()
    (1999917, [141940, 4125])
    """
    votes, against_all, invalid, registered = _national_table()
    if not abroad:
        if abroad_invalid_rate is not None:
            raise ElectsimError("abroad_invalid_rate applies to abroad=True only")
        return Election(
            votes,
            against_all=[against_all],
            invalid=[invalid],
            registered=[registered],
            parties=PARTIES,
            name=_NATIONAL_NAME,
            source=_NATIONAL_SOURCE,
        )
    if abroad_invalid_rate is None:
        raise MissingDataError(
            "kyrgyzstan_2020(abroad=True) needs abroad_invalid_rate=...: the precinct file has no "
            "invalid ballots for the stations abroad (e.g. 0, or '1.6%' like the CEC's ratio)"
        )
    parse_rate(abroad_invalid_rate, "abroad_invalid_rate")
    regional = kyrgyzstan_2020_precincts().to_election(invalid_rate=abroad_invalid_rate)
    k = [r.name for r in regional.regions].index("Abroad")
    return Election(
        np.stack([votes, regional.votes[k]]),
        against_all=[against_all, int(regional.against_all[k])],  # type: ignore[index]
        invalid=[invalid, int(regional.invalid[k])],  # type: ignore[index]
        registered=[registered - REGISTERED_ABROAD, REGISTERED_ABROAD],
        parties=PARTIES,
        regions=[Region("Kyrgyzstan (CEC)", False), Region("Abroad", False)],
        name=f"{_NATIONAL_NAME} + stations abroad (Kloop precinct file)",
        source=(
            f"{_NATIONAL_SOURCE} Stations abroad: {_PRECINCT_SOURCE} Invalid ballots abroad "
            f"ASSUMED with abroad_invalid_rate={abroad_invalid_rate!r}. Registered voters abroad "
            "32,602 (vb.kg, https://vb.kg/doc/392589_vybory_2020._karta_osnovnyh_yik_po_bishkeky"
            ".html), subtracted from the CEC's 3,523,554 for the domestic unit."
        ),
    )


def kyrgyzstan_2020_reconciliation() -> Reconciliation:
    """The precinct file against the CEC's count of 5 October 2020: stations and votes by party.

    Compares the CEC's preliminary figures (:func:`kyrgyzstan_2020`; 2,429 domestic stations:
    2,475 - 46 not yet reported) with the sums of Kloop's precinct file
    (:func:`kyrgyzstan_2020_precincts`) over its 2,368 domestic stations, and lists the file's
    45 stations abroad separately (the CEC's figures leave them out).

    Returns
    -------
    Reconciliation
        Rows for the 16 parties, against all and all valid votes; ``str()`` prints the table,
        ``to_records()`` gives plain dicts.

    Notes
    -----
    The file has 61 domestic stations fewer and 80,749 (4.12 %) fewer domestic valid votes than
    the CEC's count, and the shortfall differs by party: Mekenim Kyrgyzstan -4.75 %, Butun
    Kyrgyzstan -4.46 %, Birimdik -3.90 %, Mekenchil -3.40 %.  The missing votes are 5.7 %
    Mekenchil, against 7.0 % in the file.  Whether the difference is only the missing stations
    or also differences between the machine count and the protocols cannot be told from the two
    files.

    Examples
    --------
    >>> rec = kyrgyzstan_2020_reconciliation()
    >>> rec.stations_cec, rec.stations_file_domestic, rec.stations_missing
    (2429, 2368, 61)
    >>> r = rec.row("valid (total)")
    >>> r.cec, r.file_domestic, r.difference, r.file_abroad
    (1958930, 1878181, -80749, 9164)
    >>> round(rec.row("Mekenim Kyrgyzstan").difference_percent, 2)
    -4.75
    """
    votes, against_all, _, _ = _national_table()
    t = _precinct_table()
    domestic = np.array([REGIONS[r].in_regional_threshold for r in t.region])
    fd = t.votes[domestic].sum(axis=0)
    fa = t.votes[~domestic].sum(axis=0)
    rows = [
        ReconciliationRow(p.name, int(votes[j]), int(fd[j]), int(fa[j]))
        for j, p in enumerate(PARTIES)
    ]
    aa_d, aa_a = int(t.against_all[domestic].sum()), int(t.against_all[~domestic].sum())
    rows.append(ReconciliationRow("against all", against_all, aa_d, aa_a))
    rows.append(
        ReconciliationRow(
            "valid (total)",
            int(votes.sum()) + against_all,
            int(fd.sum()) + aa_d,
            int(fa.sum()) + aa_a,
        )
    )
    return Reconciliation(
        tuple(rows),
        stations_cec=CEC_STATIONS_TOTAL - CEC_STATIONS_NOT_REPORTED,
        stations_file_domestic=int(domestic.sum()),
        stations_file_abroad=int((~domestic).sum()),
    )


def kyrgyzstan_2020_precincts() -> PrecinctResults:
    """Kloop Media's precinct-level results (2,413 polling stations, snapshot of 29 Oct 2020).

    Source: Kloop Media's "parliament calculator", GitHub ``KloopMedia/ParliamentCalculatorV2``,
    file ``src/data/PARTIES_RESULTS_REACT_LEVEL_ONE_NEW.csv`` at commit
    ``9ef5a011e62490bf2c22f9b9a3f09b0f9d2dc3c4`` (2020-10-29), which Kloop built from the CEC's
    precinct protocols (``docs/data.md``).

    Returns
    -------
    PrecinctResults
        ``K = 2413`` stations in the source's row order; 16 parties
        (:func:`kyrgyzstan_2020_parties`); ``against_all``; 10 regions -- Bishkek city, Osh city,
        Batken, Jalal-Abad, Issyk-Kul, Naryn, Osh oblast, Talas, Chui (the nine units of the 0.7 %
        regional threshold) and ``Abroad`` (45 stations, ``in_regional_threshold=False``);
        ``extra["form2_share"]`` (float, ``(K,)``); ``station_ids`` ``"1"`` to ``"2413"``.
        ``invalid`` and ``registered`` are ``None``: the source has neither, so they are
        **unknown** (not zero) and :meth:`~electsim.election.PrecinctResults.to_election` asks for
        an explicit ``invalid_rate``.

    Notes
    -----
    Derived from the source (by ``tools/convert_kloop_2020.py``, checked by the tests):

    * vote counts are the source's floats (e.g. ``84.99999999999999``) rounded to integers; every
      value is within 1e-12 of an integer and the rounded party + against-all votes equal the
      source's ``total`` on every row;
    * ``form2_share`` = ``form2_percent / 100``: the share of the station's voter list added
      through "Form No. 2" (voters re-registered away from home), Kloop's definition; it is
      descriptive and never enters a seat decision (median 0.0465);
    * ``station_ids`` are the 1-based data-row numbers in the source, which has no station ids;
    * regions are the source's ``level_one`` labels translated (``МИД КР`` = Abroad).

    This is an *incomplete* count, not a later and better one: 2,368 domestic stations against
    the 2,429 of the CEC's count of 5 October, 1,878,181 domestic valid ballots against the CEC's
    1,958,930 (80,749 or 4.1 % fewer), with party-specific shortfalls
    (:func:`kyrgyzstan_2020_reconciliation`); plus 45 stations abroad (9,164 valid ballots) that
    the CEC's figures leave out.  It lacks the invalid ballots, so Mekenchil's 7.04 % of valid
    ballots falls below 7 % of the voters who took part once 9,898 or more invalid ballots are
    assumed (132,807 / 0.07 − 1,887,345 = 9,897.86).

    Examples
    --------
    >>> pr = kyrgyzstan_2020_precincts()
    >>> pr.n_stations, len(pr.parties), pr.regions[-1]
    (2413, 16, Region(name='Abroad', in_regional_threshold=False))
    >>> pr.valid.sum().item(), pr.invalid is None
    (1887345, True)
    >>> round(float(np.median(pr.extra["form2_share"])), 4)
    0.0465
    """
    t = _precinct_table()
    return PrecinctResults(
        t.votes,
        t.region,
        REGIONS,
        PARTIES,
        against_all=t.against_all,
        invalid=None,
        registered=None,
        extra={"form2_share": t.form2_share},
        station_ids=t.station_ids,
        name=_PRECINCT_NAME,
        source=_PRECINCT_SOURCE,
    )


def kyrgyzstan_2020_regions(invalid_rate: RateLike, *, complete: bool = False) -> Election:
    """Kloop's precinct results aggregated to the 10 regions, with assumed invalid ballots.

    Equivalent to ``kyrgyzstan_2020_precincts().to_election(invalid_rate=invalid_rate)``, with
    the assumption recorded in ``name`` and ``source``.

    Parameters
    ----------
    invalid_rate : Fraction, Decimal, str, float or int
        **Required** (no default: the source has no invalid ballots, and the choice decides
        whether Mekenchil passes 7 %).  The assumed share of invalid ballots among the voters who
        took part, the same in every region: ``invalid = round(valid * r / (1 - r))`` per region,
        rounded half up.  E.g. ``0`` (none), ``"1.5%"`` (the assumption of Kloop's own
        calculator) or ``"1.6%"`` (about the CEC's 5 October ratio, 31,823 / 1,990,753).
    complete : bool, default False
        True: complete the file's incomplete domestic count to the CEC's national totals.  Each
        list's (and against all's) shortfall, CEC minus the file's domestic sum
        (:func:`kyrgyzstan_2020_reconciliation`), is added to the nine domestic regions in
        proportion to that list's votes there (exact integer largest-remainder split, ties to
        the first region).  ASSUMPTION: the missing votes are distributed over the regions like
        the list's votes in the file; only the regional split is assumed -- the domestic
        national totals equal the CEC's exactly.  The abroad unit is the file's.

    Returns
    -------
    Election
        ``R = 10`` regions (nine with ``in_regional_threshold=True``, then ``Abroad``), 16
        parties, ``against_all``, derived ``invalid``; ``registered`` is ``None`` (unknown).

    Raises
    ------
    ElectsimError
        If ``invalid_rate`` is not a rate in ``[0, 1)``
        (:class:`~electsim.errors.MissingDataError` if it is ``None``).

    Notes
    -----
    Source and derivations: see :func:`kyrgyzstan_2020_precincts`.  On these data Mekenchil
    passes 7 % of the voters who took part if and only if ``invalid_rate`` is at most about
    0.5217 % (at most 9,897 invalid ballots; 0.52 % passes, 0.522 % does not).

    Examples
    --------
    >>> e = kyrgyzstan_2020_regions(invalid_rate=0)
    >>> e.n_regions, e.national_valid.item(), e.national_ballots.item()
    (10, 1887345, 1887345)
    >>> e = kyrgyzstan_2020_regions(invalid_rate="1.5%")
    >>> e.national_invalid.item()
    28741
    >>> c = kyrgyzstan_2020_regions(0, complete=True)   # CEC totals + the stations abroad
    >>> c.national_valid.item(), c.national_votes[4].item()
    (1968094, 137436)
    """
    precincts = kyrgyzstan_2020_precincts()
    name = f"{_PRECINCT_NAME}, invalid_rate={invalid_rate!r} assumed"
    if complete:
        base = precincts.to_election(invalid_rate=0)
        counts = np.concatenate([base.votes, np.asarray(base.against_all)[:, None]], axis=1)
        rec = kyrgyzstan_2020_reconciliation()
        short = np.array([r.cec - r.file_domestic for r in rec.rows[:-1]], dtype=np.int64)
        dom = np.array([r.in_regional_threshold for r in base.regions])
        counts[dom] += _split_largest_remainder(short, counts[dom])
        P = base.n_parties
        # one "station" per region: to_election applies the invalid-rate rule exactly as above
        by_region = PrecinctResults(
            counts[:, :P],
            np.arange(base.n_regions),
            base.regions,
            base.parties,
            against_all=counts[:, P],
        )
        election = by_region.to_election(invalid_rate=invalid_rate)
        name = f"{name}, completed to the CEC's totals"
    else:
        election = precincts.to_election(invalid_rate=invalid_rate)
    return election.replace(
        name=name,
        source=(
            f"{_PRECINCT_SOURCE} Aggregated to regions; invalid ballots ASSUMED with "
            f"invalid_rate={invalid_rate!r} of voters who took part "
            "(invalid = round(valid * r / (1 - r)) per region)."
            + (
                " COMPLETED to the CEC's 5 Oct national totals: each list's domestic shortfall "
                "split over the nine regions in proportion to its votes there (ASSUMPTION)."
                if complete
                else ""
            )
        ),
    )


def _split_largest_remainder(totals: NDArray[np.int64], weights: NDArray[np.int64]) -> NDArray:
    """Split ``totals (C,)`` over rows in proportion to ``weights (R, C)``, exactly.

    Hare largest remainder per column: ``floor(t w_r / W)``, then one more to the rows with the
    largest remainders ``t w_r mod W`` (ties to the first row).
    """
    if (totals < 0).any():
        raise ElectsimError("the precinct file has more votes than the CEC for some list")
    W = weights.sum(axis=0)
    prod = totals[None, :] * weights
    out = prod // np.maximum(W, 1)
    rem = prod - out * np.maximum(W, 1)
    left = totals - out.sum(axis=0)
    order = np.argsort(-rem, axis=0, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(weights.shape[0])[:, None], axis=0)
    return np.asarray(out + (rank < left[None, :]), dtype=np.int64)
