"""Reform: the per-party seat cap -- 65 (2020 law), none, or half the house (60).

Run: ``python examples/reform_seat_cap.py [--plot FILE]``

No party could win more than 65 of the 120 seats in 2020 (RFE/RL's 2020 party guide;
election law Art. 64); the 2021 list tier has no cap ("one party can take 54 seats", §5),
and a cap of half the house (60) would deny any single party a majority.  How seats above the
cap are redistributed is not in the law text found: electsim re-allocates them among the other
qualifying parties by the same method (:class:`electsim.SeatCap`, policy ``"reallocate"``).

On the 2020 votes the largest list wins 46 seats, so no cap binds; the table therefore also
shows a hypothetical, the two largest lists merged (BRM + MKK as one list, shown as BRM: their
votes summed, a simple upper bound of what a joint list would have won), where the cap decides
whether one party alone holds a majority.

* CEC preliminary national figures of 5 Oct 2020 (no regional breakdown: national test only).
* Kloop's precinct count aggregated to regions, 1.5 % invalid ballots ASSUMED (not reported;
  Kloop's own calculator assumes 1.5 %), with the 0.7 % regional threshold.

120 seats, Hare, 7 % of ballots unless stated.  ``--plot FILE`` saves side-by-side hemicycles of
the merged-list rows on the CEC data (needs matplotlib).
"""

from __future__ import annotations

import argparse

import numpy as np

import electsim as es
from electsim import metrics

INVALID_RATE = "1.5%"
CAPS: tuple[tuple[str, int | None], ...] = (("cap 65", 65), ("no cap", None), ("cap 60", 60))


def row(label: str, a: es.Allocation) -> str:
    """One table row: seats, pro-government seats, wasted votes, majorities, capped parties."""
    top = int(np.max(a.seats))
    alone = "yes" if metrics.has_majority(top, a.system.seats) else "no"
    parties = a.election.parties
    seats, pro, simple, two, wasted = es.report.summary(a)
    capped = ", ".join(p.short for p, c in zip(parties, a.capped, strict=True) if c) or "-"
    return (
        f"{label:<32} {seats:<28} {pro:>4} {wasted:>7.1%} {simple:>4} {two:>4} {alone:>6}  {capped}"
    )


def header() -> str:
    h = (
        f"{'scenario':<32} {'seats':<28} {'pro':>4} {'wasted':>7} {'61?':>4} {'80?':>4} "
        f"{'alone?':>6}  capped"
    )
    return h + "\n" + "-" * len(h)


def merge_two_largest(e: es.Election) -> es.Election:
    """BRM and MKK as one list: MKK's votes added to BRM's in every region, MKK left empty."""
    votes = e.votes.copy()
    brm, mkk = e.party_index("BRM"), e.party_index("MKK")
    votes[..., brm] += votes[..., mkk]
    votes[..., mkk] = 0
    return e.replace(votes=votes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plot", metavar="FILE", help="save side-by-side hemicycles to FILE")
    args = ap.parse_args()

    law = es.presets.kyrgyzstan_2020()
    cec = es.datasets.kyrgyzstan_2020()
    regional = es.datasets.kyrgyzstan_2020_regions(invalid_rate=INVALID_RATE)

    print("The per-party seat cap: 65 (2020 law), none, 60 (half the house)")
    print("120 seats.  pro = pro-government bloc (BRM + MKK + KYR); wasted = ballots electing")
    print("nobody (incl. against all and invalid) of all ballots; 61? / 80? = simple /")
    print("two-thirds majority of 120 for the pro-government bloc; alone? = the largest party")
    print("alone holds 61; capped = parties held at the cap (excess re-allocated by the same")
    print("method).")
    print(f"Precinct data: ASSUMPTION {INVALID_RATE} of ballots invalid (not reported).\n")
    print(header())
    plots: dict[str, es.Allocation] = {}
    for data, election, regional_rule in (
        ("CEC", cec, None),
        ("precincts", regional, es.Threshold("0.7%")),
    ):
        base = law.replace(regional=regional_rule)
        variants = (
            ("7%", election, base),
            ("7% BRM+MKK", merge_two_largest(election), base),
        )
        for label, e, system in variants:
            for cap_label, cap in CAPS:
                a = es.allocate(e, system.replace(cap=cap))
                print(row(f"{data}: {label}, {cap_label}", a))
                if data == "CEC" and label == "7% BRM+MKK":
                    plots[f"BRM+MKK, {cap_label}"] = a
            print()
    a = es.allocate(cec, law.replace(regional=None))
    qualifying = a.votes[a.eligible]
    brm = int(a.votes[cec.party_index("BRM")])
    print(f"CEC: BRM has {brm / qualifying.sum():.1%} of the qualifying lists' votes; under Hare")
    print("a list hits the cap at about cap / 120 of them (65: 54.2 %, 60: 50.0 %).")
    print("CEC: national test only (no regional breakdown); precincts: 0.7 % in every region.")

    if args.plot:
        from electsim.plotting import compare

        fig = compare(plots)
        fig.savefig(args.plot)


if __name__ == "__main__":
    main()
