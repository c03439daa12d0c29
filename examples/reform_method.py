"""Reform: D'Hondt, Sainte-Laguë or modified Sainte-Laguë instead of Hare largest remainder.

Run: ``python examples/reform_method.py [--plot FILE]``

The 2020 law divides the qualifying lists' votes by the "first electoral quotient" (their sum /
120) and gives the remaining seats to the largest fractional parts: Hare largest remainder
(Art. 64(3); election law Art. 64).  Here the same votes and thresholds are apportioned with the
divisor methods most often proposed instead: D'Hondt (divisors 1, 2, 3, ...; favours large
parties), Sainte-Laguë (1, 3, 5, ...) and modified Sainte-Laguë (1.4, 3, 5, ...), at 7 % (the
2020 law) and at 3 % (the October 2020 bill), where the method matters more.

* CEC preliminary national figures of 5 Oct 2020 (no regional breakdown: national test only).
* Kloop's precinct count aggregated to regions, 1.5 % invalid ballots ASSUMED (not reported;
  Kloop's own calculator assumes 1.5 %), with the 0.7 % regional threshold.

120 seats, threshold base ballots, 65-seat cap.  ``--plot FILE`` saves side-by-side hemicycles
of the CEC rows at 3 % (needs matplotlib).
"""

from __future__ import annotations

import argparse

import electsim as es
from electsim import metrics

INVALID_RATE = "1.5%"
METHODS = ("hare", "dhondt", "sainte_lague", "modified_sainte_lague")


def row(label: str, a: es.Allocation) -> str:
    """One table row: seats, pro-government seats, wasted votes, Gallagher, majorities."""
    seats, pro, simple, two, wasted = es.report.summary(a)
    gall = float(metrics.gallagher(a))
    return f"{label:<36} {seats:<58} {pro:>4} {wasted:>7.1%} {gall:>6.2f} {simple:>4} {two:>4}"


def header() -> str:
    h = (
        f"{'scenario':<36} {'seats':<58} {'pro':>4} {'wasted':>7} {'Gall.':>6} "
        f"{'61?':>4} {'80?':>4}"
    )
    return h + "\n" + "-" * len(h)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plot", metavar="FILE", help="save side-by-side hemicycles to FILE")
    args = ap.parse_args()

    law = es.presets.kyrgyzstan_2020()
    cec = es.datasets.kyrgyzstan_2020()
    regional = es.datasets.kyrgyzstan_2020_regions(invalid_rate=INVALID_RATE)

    print("Apportionment method: Hare largest remainder (2020 law) vs divisor methods")
    print("120 seats, cap 65.  pro = pro-government bloc (BRM + MKK + KYR); wasted = ballots")
    print("electing nobody (incl. against all and invalid) of all ballots; Gall. = Gallagher")
    print("index (percentage points); 61? / 80? = simple / two-thirds majority of 120 for the")
    print("pro-government bloc.")
    print(f"Precinct data: ASSUMPTION {INVALID_RATE} of ballots invalid (not reported).\n")
    print(header())
    plots: dict[str, es.Allocation] = {}
    for data, election, regional_rule in (
        ("CEC", cec, None),
        ("precincts", regional, es.Threshold("0.7%")),
    ):
        for rate in ("7%", "3%"):
            for method in METHODS:
                system = law.replace(
                    national=es.Threshold(rate), regional=regional_rule, method=method
                )
                a = es.allocate(election, system)
                print(row(f"{data}: {rate}, {method}", a))
                if data == "CEC" and rate == "3%":
                    plots[f"3%, {method}"] = a
            print()
    print("CEC: national test only (no regional breakdown); precincts: 0.7 % in every region.")

    if args.plot:
        from electsim.plotting import compare

        fig = compare(plots)
        fig.savefig(args.plot)


if __name__ == "__main__":
    main()
