"""Reform: the threshold on valid votes instead of all ballots (Venice Commission).

Run: ``python examples/reform_valid_base.py [--plot FILE]``

The 2020 law counts the 7 % (and the 0.7 % per region) against the voters who *took part*:
party votes + "against all" + invalid ballots.  The Venice Commission and ODIHR (2011)
recommended the number of *valid* votes cast instead (party votes + against all), which
lowers the bar by the invalid ballots (election law Art. 64;
https://www.te.gob.mx/vota_elections/thesaurus/article/17126/16196/200 ).  Everything else is
the 2020 law: 120 seats, Hare largest remainder, 65-seat cap.

* CEC preliminary national figures of 5 Oct 2020: 31,823 invalid ballots (derived, 1,990,753
  took part - 1,958,930 valid).  No regional breakdown: national test only.
* Kloop's precinct count aggregated to regions, 1.5 % invalid ballots ASSUMED (not reported;
  Kloop's own calculator assumes 1.5 %); the regional 0.7 % uses the same base as the national.

``--plot FILE`` saves side-by-side hemicycles of the four 7 % rows (needs matplotlib).
"""

from __future__ import annotations

import argparse
import math

import electsim as es

INVALID_RATE = "1.5%"


def row(label: str, a: es.Allocation) -> str:
    """One table row: seats per party, pro-government seats, wasted votes, majorities."""
    seats, pro, simple, two, wasted = es.report.summary(a)
    return f"{label:<38} {seats:<46} {pro:>4} {wasted:>7.1%} {simple:>4} {two:>4}"


def header() -> str:
    h = f"{'scenario':<38} {'seats':<46} {'pro':>4} {'wasted':>7} {'61?':>4} {'80?':>4}"
    return h + "\n" + "-" * len(h)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plot", metavar="FILE", help="save side-by-side hemicycles to FILE")
    args = ap.parse_args()

    law = es.presets.kyrgyzstan_2020()
    cec = es.datasets.kyrgyzstan_2020()
    regional = es.datasets.kyrgyzstan_2020_regions(invalid_rate=INVALID_RATE)

    print("Threshold base: ballots (2020 law) vs valid votes (Venice Commission)")
    print("120 seats, Hare, cap 65.  pro = pro-government bloc (BRM + MKK + KYR); wasted =")
    print("ballots electing nobody (incl. against all and invalid) of all ballots; 61? / 80? =")
    print("simple / two-thirds majority of 120 for the pro-government bloc.")
    print(f"Precinct data: ASSUMPTION {INVALID_RATE} of ballots invalid (not reported).\n")
    print(header())
    plots: dict[str, es.Allocation] = {}
    for data, election, regional_rate in (("CEC", cec, None), ("precincts", regional, "0.7%")):
        for rate in ("7%", "5%"):
            for base in ("ballots", "valid"):
                reg = None if regional_rate is None else es.Threshold(regional_rate, base=base)
                system = law.replace(national=es.Threshold(rate, base=base), regional=reg)
                a = es.allocate(election, system)
                assert a.national_base is not None  # a national threshold is set
                need = math.ceil(es.Threshold(rate).rate * int(a.national_base))
                print(row(f"{data}: {rate} of {base} (>= {need:,})", a))
                if rate == "7%":
                    plots[f"{data}, 7% of {base}"] = a
        print()
    print("CEC: national test only (no regional breakdown); precincts: 0.7 % in every region,")
    print("on the same base as the national threshold.")

    if args.plot:
        from electsim.plotting import compare

        fig = compare(plots)
        fig.savefig(args.plot)


if __name__ == "__main__":
    main()
