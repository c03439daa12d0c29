"""The 2020 Jogorku Kenesh under national thresholds from 0 % to 10 %: a reproduction and a sweep.

What it reproduces
------------------
The composition of Kyrgyzstan's annulled parliament of 4 October 2020 (120 seats, Hare largest
remainder, 65-seat cap) at national thresholds 0 %, 0.5 %, ..., 10 % -- which include the legal
values 3 % (October 2020 bill), 5 % (2010/2011 and 2021 laws), 7 % (2015 and 2020 laws) and 9 %
(2017 amendment) -- computed as exact fractions ``Fraction(k, 200)``:

* for two threshold bases: ``ballots`` (voters who took part, the base of the 2020 law) and
  ``valid`` (party votes + against all, the Venice Commission's recommendation).  The regional
  threshold, when on, uses the same base as the national one;
* with and without the regional threshold of 0.7 % in each of the nine oblasts/cities;
* on two data sets:

  - ``kloop_precincts_invalid_<rate>``: Kloop Media's precinct count of 29 Oct 2020 aggregated to
    the nine regions + abroad (``electsim.datasets.kyrgyzstan_2020_regions``).  It has no invalid
    ballots, so a rate must be assumed (``--invalid-rate``, default 1.5 %: the assumption of
    Kloop's own calculator, ``damagedBulletin: 1.5`` in ``src/electionsConfig.js`` of
    ``KloopMedia/ParliamentCalculatorV2``; docs/data.md §1.4);
  - ``cec_national``: the CEC's preliminary national figures of 5 Oct 2020
    (``electsim.datasets.kyrgyzstan_2020``).  They have no regional breakdown, so only the rows
    without the regional threshold exist.

Equal remainders for the last seat are resolved by ``tie_break="lowest_index"`` (the 2020 law
has no tie rule); every tie met is printed.  At 7 % the rows reproduce the published/derived
parliaments: 46/44/16/14 (precincts, 1.5 % invalid, base ballots), 41/40/15/12/12 (precincts,
base valid) and 46/45/16/13 (CEC, base ballots) -- docs/data.md §1.1 and §1.4;
``tests/scripts/test_benchmarks_smoke.py`` checks them.

Output
------
``benchmarks/results/threshold_scenarios.csv`` (``--out``): columns ``dataset, base, regional,
threshold_percent``, one column per party short code (seats), then ``n_parties_passing``
(parties that passed every threshold), ``pro_government_seats``
(:func:`electsim.metrics.bloc_seats` of the ``"pro-government"`` bloc) and ``wasted_vote_share``
(:func:`electsim.metrics.wasted_vote_share`: ballots for seatless parties + against all +
invalid, as a fraction of all ballots whatever the threshold base).  A compact table per
(dataset, base, regional) block is printed.

Run::

    python benchmarks/threshold_scenarios.py [--invalid-rate 1.5%] [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Literal

import electsim as es
from electsim import metrics

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_OUT = RESULTS_DIR / "threshold_scenarios.csv"

#: Kloop's calculator assumes 1.5 % invalid ballots (``damagedBulletin: 1.5``).
DEFAULT_INVALID_RATE = "1.5%"
#: National thresholds that have been law in Kyrgyzstan (election law Art. 64; 2021 law).
LEGAL_THRESHOLDS: tuple[Fraction, ...] = tuple(Fraction(p, 100) for p in (3, 5, 7, 9))
REGIONAL_RATE = Fraction(7, 1000)
Base = Literal["ballots", "valid"]
BASES: tuple[Base, ...] = ("ballots", "valid")
TIE_BREAK = "lowest_index"
CAP = 65
PRO_GOVERNMENT = "pro-government"


def thresholds() -> list[Fraction]:
    """0 % to 10 % in steps of 0.5 points, plus the legal values, exact and deduplicated."""
    return sorted({Fraction(k, 200) for k in range(21)} | set(LEGAL_THRESHOLDS))


def percent_text(rate: Fraction) -> str:
    """``Fraction(7, 100)`` -> ``"7.0"``: the rate in percent as an exact decimal string."""
    p = rate * 100
    d = Decimal(p.numerator) / Decimal(p.denominator)
    if Fraction(d) != p:
        return f"{p.numerator}/{p.denominator}"
    text = format(d.normalize(), "f")
    return text if "." in text else text + ".0"


@dataclass(frozen=True)
class Dataset:
    """An election to sweep and whether a regional threshold can be applied to it."""

    label: str
    election: es.Election
    regional_options: tuple[bool, ...]


@dataclass(frozen=True)
class Row:
    """One scenario: a data set, a base, regional threshold on/off and a national threshold."""

    dataset: str
    base: str
    regional: bool
    threshold: Fraction
    seats: tuple[int, ...]
    n_parties_passing: int
    pro_government_seats: int
    wasted_vote_share: float
    ties: tuple[str, ...]


def datasets(invalid_rate: str) -> list[Dataset]:
    """The precinct count (with the stated invalid-ballot assumption) and the CEC figures."""
    rate = es.Threshold(invalid_rate).rate  # the public exact rate parser
    regions = es.datasets.kyrgyzstan_2020_regions(invalid_rate=rate)
    return [
        Dataset(f"kloop_precincts_invalid_{percent_text(rate)}%", regions, (True, False)),
        Dataset("cec_national", es.datasets.kyrgyzstan_2020(), (False,)),
    ]


def system(base: Base, regional: bool, threshold: Fraction) -> es.ElectoralSystem:
    """The 2020 rules (120 seats, Hare, cap 65) with the national threshold and base changed."""
    law = es.presets.kyrgyzstan_2020()
    return law.replace(
        national=es.Threshold(threshold, base=base),
        regional=es.Threshold(REGIONAL_RATE, base=base) if regional else None,
        cap=CAP,
        tie_break=TIE_BREAK,
    )


def run(invalid_rate: str = DEFAULT_INVALID_RATE) -> tuple[list[Row], tuple[str, ...]]:
    """Every scenario, in output order, and the party short codes (column order)."""
    rows: list[Row] = []
    shorts: tuple[str, ...] = ()
    for ds in datasets(invalid_rate):
        shorts = tuple(p.short for p in ds.election.parties)
        for base in BASES:
            for regional in ds.regional_options:
                for t in thresholds():
                    a = es.allocate(ds.election, system(base, regional, t))
                    rows.append(
                        Row(
                            dataset=ds.label,
                            base=base,
                            regional=regional,
                            threshold=t,
                            seats=tuple(int(s) for s in a.seats),
                            n_parties_passing=int(a.eligible.sum()),
                            pro_government_seats=int(metrics.bloc_seats(a, PRO_GOVERNMENT)),
                            wasted_vote_share=float(metrics.wasted_vote_share(a)),
                            ties=tuple(str(tie) for tie in a.ties),
                        )
                    )
    return rows, shorts


def write_csv(rows: Sequence[Row], shorts: Sequence[str], path: Path) -> None:
    """Write the scenarios to ``path`` (parent directories are created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "dataset",
                "base",
                "regional",
                "threshold_percent",
                *shorts,
                "n_parties_passing",
                "pro_government_seats",
                "wasted_vote_share",
            ]
        )
        for r in rows:
            w.writerow(
                [
                    r.dataset,
                    r.base,
                    "with" if r.regional else "without",
                    percent_text(r.threshold),
                    *r.seats,
                    r.n_parties_passing,
                    r.pro_government_seats,
                    f"{r.wasted_vote_share:.6f}",
                ]
            )


def format_tables(rows: Sequence[Row], shorts: Sequence[str]) -> str:
    """One compact table per (dataset, base, regional): a row per threshold, a column per party
    that wins a seat at any threshold of the block."""
    lines: list[str] = []
    blocks: dict[tuple[str, str, bool], list[Row]] = {}
    for r in rows:
        blocks.setdefault((r.dataset, r.base, r.regional), []).append(r)
    for (dataset, base, regional), block in blocks.items():
        cols = [i for i in range(len(shorts)) if any(r.seats[i] for r in block)]
        reg = f"regional {percent_text(REGIONAL_RATE)}% of {base}" if regional else "no regional"
        lines.append(f"{dataset} | national threshold of {base} | {reg}")
        head = (
            f"{'thr %':>6} "
            + " ".join(f"{shorts[i]:>4}" for i in cols)
            + f" {'pass':>4} {'pro':>4} {'wasted':>7}"
        )
        lines.append(head)
        lines.append("-" * len(head))
        for r in block:
            mark = "*" if r.threshold in LEGAL_THRESHOLDS else " "
            lines.append(
                f"{percent_text(r.threshold):>5}{mark} "
                + " ".join(f"{r.seats[i]:>4}" for i in cols)
                + f" {r.n_parties_passing:>4} {r.pro_government_seats:>4}"
                + f" {r.wasted_vote_share:>7.1%}"
            )
        ties = [f"  {percent_text(r.threshold)} %: {t}" for r in block for t in r.ties]
        lines.append("ties: " + ("none" if not ties else f"{len(ties)}"))
        lines.extend(ties)
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(
            "Seats of the 2020 Jogorku Kenesh at national thresholds 0-10 %, bases ballots/valid, "
            "with and without the 0.7 % regional threshold."
        )
    )
    parser.add_argument(
        "--invalid-rate",
        default=DEFAULT_INVALID_RATE,
        help=(
            "assumed share of invalid ballots among voters who took part, for the precinct data "
            "(default %(default)s: Kloop's calculator, damagedBulletin: 1.5)"
        ),
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="CSV to write (default %(default)s)"
    )
    args = parser.parse_args(argv)

    rows, shorts = run(args.invalid_rate)
    write_csv(rows, shorts, args.out)
    n_ties = sum(len(r.ties) for r in rows)
    print(
        "Jogorku Kenesh 2020: 120 seats, Hare largest remainder, cap 65; "
        f"ties broken by {TIE_BREAK!r} ({n_ties} tie(s) met)."
    )
    print(
        f"Precinct data (Kloop, 29 Oct 2020): invalid ballots ASSUMED at {args.invalid_rate} of "
        "voters who took part (Kloop's calculator: 1.5 %). CEC data: national only (5 Oct 2020)."
    )
    print(
        "Columns: seats per party; pass = parties passing every threshold; pro = pro-government "
        "bloc seats;\nwasted = share of all ballots that elected nobody. * = a threshold that "
        "has been law (3, 5, 7, 9 %).\n"
    )
    print(format_tables(rows, shorts))
    print(f"wrote {len(rows)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
