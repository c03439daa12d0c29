"""Bundled election data, each file with its source.

Kyrgyzstan, parliamentary election of 4 October 2020 (annulled on 6 October 2020):

* :func:`kyrgyzstan_2020` -- the CEC's preliminary national figures of 5 October 2020
  (``data/kyrgyzstan_2020_national.csv``);
* :func:`kyrgyzstan_2020_precincts` -- Kloop Media's later precinct-level file of 29 October 2020,
  2,413 polling stations (``data/kyrgyzstan_2020_precincts.csv``);
* :func:`kyrgyzstan_2020_regions` -- the precinct file aggregated to regions, under a stated
  assumption about the (unpublished) invalid ballots;
* :func:`kyrgyzstan_2020_parties` -- the 16 party lists (names, short codes, colours, blocs).

The two data sets are different counts and disagree slightly (the precinct file has 71,585 fewer
valid ballots and no invalid ballots); ``data/SOURCES.md`` gives the provenance of every file and
every derived number.  The party order is the CEC's (Birimdik first) in both.  Every loader returns
a fresh object whose arrays are read-only.
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from electsim._exact import RateLike
from electsim.datasets._kyrgyzstan_2020 import PARTIES, REGIONS
from electsim.election import Election, Party, PrecinctResults
from electsim.errors import ElectsimError

__all__ = [
    "kyrgyzstan_2020",
    "kyrgyzstan_2020_parties",
    "kyrgyzstan_2020_precincts",
    "kyrgyzstan_2020_regions",
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
    * ``name``: English transliteration as in ``reference/kyrgyzstan.md`` (table 1.1).
    * ``short``: a short code chosen by electsim (``"BRM"``, ``"MKK"``, ``"KYR"``, ``"BUT"``,
      ``"MCH"``, ...); it heads the party's column in the bundled CSV files.
    * ``color``: a distinct matplotlib colour from the ``tab20`` palette, chosen for contrast --
      not the party's own colour.
    * ``bloc``: ``"pro-government"`` for Birimdik, Mekenim Kyrgyzstan and Kyrgyzstan
      ("loyal to the government"), ``"opposition"`` for Butun Kyrgyzstan and Mekenchil, as the
      description of the Kloop data (``data/kyrgyzstan_2020/README.md`` of the project's shared
      references) names them; ``None`` for the other eleven parties, which no source in the
      references classifies.

    Examples
    --------
    >>> parties = kyrgyzstan_2020_parties()
    >>> len(parties), parties[0].name, parties[0].short, parties[0].bloc
    (16, 'Birimdik', 'BRM', 'pro-government')
    >>> [p.short for p in parties if p.bloc == "opposition"]
    ['BUT', 'MCH']
    """
    return PARTIES


def kyrgyzstan_2020() -> Election:
    """CEC preliminary national results of 5 October 2020 (national only, ``R = 1``).

    Source: the Central Commission for Elections and Referenda (CEC), preliminary results of
    5 October 2020, 11:00, from the automatic ballot-reading boxes (98 % of ballot boxes; 46 of
    2,475 polling stations had not reported, among them the 45 abroad), as published by
    akipress.kg and reproduced at https://for.kg/news-669682-ru.html (identical text at
    https://ea-news.kz/?p=3840); ``reference/kyrgyzstan.md`` table 1.1.

    Returns
    -------
    Election
        One non-regional unit (``National``, ``in_regional_threshold=False``),
        16 parties (:func:`kyrgyzstan_2020_parties`), ``against_all`` = 35,714,
        ``registered`` = 3,523,554 and ``invalid`` = 31,823.

    Notes
    -----
    Published: each party's votes, against all, registered voters and the 1,990,753 voters
    who took part (56.50 %).  **Derived:** ``invalid`` = 1,990,753 - 1,958,930 (the sum of the
    16 party lines and against all) = 31,823; the CEC did not publish invalid ballots, and the
    difference may also absorb reporting gaps.  With it, ``national_ballots`` reproduces the
    published 1,990,753, the base of the CEC's percentages and of the 7 % threshold.

    On these figures Hare/largest remainder with the 7 % threshold gives the published
    allocation Birimdik 46, Mekenim Kyrgyzstan 45, Kyrgyzstan 16, Butun Kyrgyzstan 13
    (Mekenchil's 136,276 votes fall short of 7 % of 1,990,753 = 139,352.71).  The regional 0.7 %
    threshold cannot be checked: there is no regional breakdown (see
    :func:`kyrgyzstan_2020_regions` for a later count that has one).

    Examples
    --------
    >>> e = kyrgyzstan_2020()
    >>> e.n_regions, e.n_parties, e.has_regional_breakdown
    (1, 16, False)
    >>> e.national_ballots.item(), e.national_valid.item(), e.national_invalid.item()
    (1990753, 1958930, 31823)
    >>> e.votes[0, e.party_index("Birimdik")].item()
    487685
    """
    votes, against_all, invalid, registered = _national_table()
    return Election(
        votes,
        against_all=[against_all],
        invalid=[invalid],
        registered=[registered],
        parties=PARTIES,
        name=_NATIONAL_NAME,
        source=_NATIONAL_SOURCE,
    )


def kyrgyzstan_2020_precincts() -> PrecinctResults:
    """Kloop Media's precinct-level results (2,413 polling stations, snapshot of 29 Oct 2020).

    Source: Kloop Media's "parliament calculator", GitHub ``KloopMedia/ParliamentCalculatorV2``,
    file ``src/data/PARTIES_RESULTS_REACT_LEVEL_ONE_NEW.csv`` at commit
    ``9ef5a011e62490bf2c22f9b9a3f09b0f9d2dc3c4`` (2020-10-29), which Kloop built from the CEC's
    precinct protocols (``reference/kyrgyzstan.md`` sections 1.4, 2.1 and 7).

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

    This is a later and less complete count than :func:`kyrgyzstan_2020`: 1,887,345 valid ballots
    (the CEC's 5 October figure is 1,958,930 without the stations abroad), and it lacks the
    invalid ballots, so Mekenchil's 7.04 % of valid ballots falls below 7 % of the voters who
    took part once 9,898 or more invalid ballots are assumed
    (132,807 / 0.07 − 1,887,345 = 9,897.86).

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


def kyrgyzstan_2020_regions(invalid_rate: RateLike) -> Election:
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
    Source and derivations: see :func:`kyrgyzstan_2020_precincts`.  Regional sums reproduce
    ``reference/kyrgyzstan.md`` table 2.1.

    Examples
    --------
    >>> e = kyrgyzstan_2020_regions(invalid_rate=0)
    >>> e.n_regions, e.national_valid.item(), e.national_ballots.item()
    (10, 1887345, 1887345)
    >>> e = kyrgyzstan_2020_regions(invalid_rate="1.5%")
    >>> e.national_invalid.item()
    28741
    """
    election = kyrgyzstan_2020_precincts().to_election(invalid_rate=invalid_rate)
    return election.replace(
        name=f"{_PRECINCT_NAME}, invalid_rate={invalid_rate!r} assumed",
        source=(
            f"{_PRECINCT_SOURCE} Aggregated to regions; invalid ballots ASSUMED with "
            f"invalid_rate={invalid_rate!r} of voters who took part "
            "(invalid = round(valid * r / (1 - r)) per region)."
        ),
    )
