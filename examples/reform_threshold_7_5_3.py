"""Reform: the national threshold 7 % -> 5 % -> 3 % (the bills of October 2020 and 2021).

Run: ``python examples/reform_threshold_7_5_3.py [--plot FILE]``

The 2020 law required 7 % of the voters who took part nationally and 0.7 % in each of the nine
regions.  The bill passed on 22 October 2020 lowered the national threshold to 3 %; the July
2021 draft raised it back to 5 % and the regional one from 0.3 % to 0.5 % (2021 law;
https://www.urdupoint.com/en/world/kyrgyz-parliament-lowers-electoral-threshold-1064448.html ,
https://24.kg/english/202399_Parties_registered_six_months_before_elections_to_be_able_to_run/ ).
Everything else is the 2020 law: 120 seats, Hare largest remainder, 65-seat cap, base ballots.

* CEC preliminary national figures of 5 Oct 2020 (no regional breakdown: national test only).
* Kloop's precinct count aggregated to regions, with 1.5 % invalid ballots ASSUMED (the count
  does not report them; Kloop's own calculator assumes 1.5 %), once with the 0.7 % regional
  threshold kept and once with the regional threshold lowered with the national one (x / 10).

``--plot FILE`` saves side-by-side hemicycles of the CEC rows (needs matplotlib).
"""

from __future__ import annotations

import argparse
import math

import electsim as es

INVALID_RATE = "1.5%"


def row(label: str, a: es.Allocation) -> str:
    """One table row: seats per party, pro-government seats, wasted votes, majorities."""
    seats, pro, simple, two, wasted = es.report.summary(a)
    return f"{label:<30} {seats:<58} {pro:>4} {wasted:>7.1%} {simple:>4} {two:>4}"


def header() -> str:
    h = f"{'scenario':<30} {'seats':<58} {'pro':>4} {'wasted':>7} {'61?':>4} {'80?':>4}"
    return h + "\n" + "-" * len(h)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plot", metavar="FILE", help="save side-by-side hemicycles to FILE")
    args = ap.parse_args()

    law = es.presets.kyrgyzstan_2020()
    cec = es.datasets.kyrgyzstan_2020()
    regional = es.datasets.kyrgyzstan_2020_regions(invalid_rate=INVALID_RATE)

    print("National threshold 7 % -> 5 % -> 3 % of ballots (120 seats, Hare, cap 65)")
    print("pro = pro-government bloc (BRM + MKK + KYR); wasted = ballots electing nobody")
    print("(incl. against all and invalid) of all ballots; 61? / 80? = simple / two-thirds")
    print("majority of 120 for the pro-government bloc.\n")

    print(f"1. {cec.name}: national test only (no regional breakdown)\n")
    print(header())
    plots: dict[str, es.Allocation] = {}
    for rate in ("7%", "5%", "3%"):
        a = es.allocate(cec, law.replace(national=es.Threshold(rate), regional=None))
        assert a.national_base is not None  # a national threshold is set
        need = math.ceil(es.Threshold(rate).rate * int(a.national_base))  # exact, inclusive
        print(row(f"{rate} of ballots (>= {need:,})", a))
        plots[f"{rate} (CEC)"] = a

    print(f"\n2. {regional.name}")
    print(
        f"   ASSUMPTION: {INVALID_RATE} of ballots invalid (not reported in the precinct count)\n"
    )
    print(header())
    for rate, reg in (
        ("7%", "0.7%"),
        ("5%", "0.7%"),
        ("3%", "0.7%"),
        ("5%", "0.5%"),
        ("3%", "0.3%"),
    ):
        system = law.replace(national=es.Threshold(rate), regional=es.Threshold(reg))
        print(row(f"{rate} + {reg} per region", es.allocate(regional, system)))
    print("\n7 % + 0.7 %: the 2020 law; 5 % + 0.5 %: the July 2021 draft's thresholds;")
    print("3 % + 0.3 %: the October 2020 bill (regional 0.3 % as the 2021 draft implies).")

    if args.plot:
        from electsim.plotting import compare

        fig = compare(plots)
        fig.savefig(args.plot)


if __name__ == "__main__":
    main()
