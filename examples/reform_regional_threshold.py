"""Reform: dropping or changing the 0.7 % regional threshold.

Run: ``python examples/reform_regional_threshold.py [--plot FILE]``

Besides 7 % nationally, the 2020 law required 0.7 % of the voters who took part in *each* of
the seven oblasts and the cities of Bishkek and Osh (Art. 64(2); election law Art. 64; the
regional base is taken by analogy with the national one, see
:func:`electsim.presets.kyrgyzstan_2020`).  The 2011 law had 0.5 %, the bill of October 2020
0.3 % (as the July 2021 draft implies, 2021 law) and the 2021 list tier 0.5 %.
This example varies the regional rate -- 0 (no regional test), 0.3, 0.5, 0.7, 1 and 2 % --
with the national threshold held at 7 % and at 3 %.

Data: only the regional precinct data can carry a regional rule (the CEC's national figures have
no regional breakdown): Kloop's precinct count aggregated to the nine regions + abroad (votes
abroad count nationally but belong to no region), with 1.5 % invalid ballots ASSUMED in every
region (not reported; Kloop's own calculator assumes 1.5 %).  120 seats, Hare, cap 65.

``--plot FILE`` saves side-by-side hemicycles of the 3 % rows (needs matplotlib).
"""

from __future__ import annotations

import argparse

import electsim as es

INVALID_RATE = "1.5%"
REGIONAL_RATES = ("0%", "0.3%", "0.5%", "0.7%", "1%", "2%")


def row(label: str, a: es.Allocation) -> str:
    """One table row: seats per party, pro-government seats, wasted votes, majorities."""
    parties = a.election.parties
    seats, pro, simple, two, wasted = es.report.summary(a)
    # parties above the national threshold that fail the regional test, with regions failed
    out = a.passes_national & ~a.passes_regional
    failed = [f"{p.short} ({int(a.failed_regions[:, i].sum())})" for i, p in enumerate(parties)]
    lost = ", ".join(f for f, o in zip(failed, out, strict=True) if o) or "-"
    return f"{label:<22} {seats:<58} {pro:>4} {wasted:>7.1%} {simple:>4} {two:>4}  {lost}"


def header() -> str:
    h = (
        f"{'scenario':<22} {'seats':<58} {'pro':>4} {'wasted':>7} {'61?':>4} {'80?':>4}  "
        "out by region (regions failed)"
    )
    return h + "\n" + "-" * len(h)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plot", metavar="FILE", help="save side-by-side hemicycles to FILE")
    args = ap.parse_args()

    law = es.presets.kyrgyzstan_2020()
    regional = es.datasets.kyrgyzstan_2020_regions(invalid_rate=INVALID_RATE)

    print("The regional threshold (share of ballots in every one of 9 regions)")
    print(f"Data: {regional.name}")
    print(f"ASSUMPTION: {INVALID_RATE} of ballots invalid in every region (not reported).")
    print("120 seats, Hare, cap 65.  pro = pro-government bloc (BRM + MKK + KYR); wasted =")
    print("ballots electing nobody (incl. against all and invalid) of all ballots; 61? / 80? =")
    print("simple / two-thirds majority of 120 for the pro-government bloc.\n")
    plots: dict[str, es.Allocation] = {}
    for national in ("7%", "3%"):
        print(f"National threshold {national} of ballots\n")
        print(header())
        for rate in REGIONAL_RATES:
            reg = None if rate == "0%" else es.Threshold(rate)
            system = law.replace(national=es.Threshold(national), regional=reg)
            a = es.allocate(regional, system)
            label = f"{national} + {rate if reg else 'none'}"
            print(row(label + (" (2020 law)" if (national, rate) == ("7%", "0.7%") else ""), a))
            if national == "3%":
                plots[f"{national}, regional {rate if reg else 'none'}"] = a
        print()
    print("Regional failures only cost seats to parties above the national threshold.")

    if args.plot:
        from electsim.plotting import compare

        fig = compare(plots)
        fig.savefig(args.plot)


if __name__ == "__main__":
    main()
