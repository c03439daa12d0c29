"""Risk-limiting audits of the 2020 parliament: how many paper ballots prove the allocation?

Run: ``python examples/audit_2020.py [--plot FILE]``

The CEC's preliminary national figures of 5 Oct 2020 (1,990,753 ballots; no regional
breakdown, so the national rules only) are reduced to assertions (thresholds, largest-remainder
seat order) whose truth implies the reported seats; each is tested by the ALPHA
supermartingale (Stark 2023) on a sample of paper ballots.  Two audit kinds: ballot polling
(read the paper ballot) and ballot-level comparison (compare it with the electronic record of
the automatic ballot box).  Sizes at risk limits 5 % and 1 %, for the 2020 law and three
reforms (5 % and 3 % thresholds, D'Hondt):

* ``initial`` -- the sample looks exactly like the report (no discrepancy);
* ``at 0.01 % err`` -- one maximal overstatement per 10,000 ballots (an ASSUMPTION).

A size of 1,990,753 is a full hand count.  Section 3 audits *polling stations* as batches
(batch-level comparison: hand count a sampled station, compare with its reported tally) on
Kloop's 2,413 station tallies with the full 2020 law (regional thresholds included); the
tallies have no invalid ballots, so 1.5 % is ASSUMED.  Stations are drawn with replacement
(uniformly, or with probability proportional to size or to error bound); the table gives the
draws, and the expected distinct stations and ballots to count by hand.  ``--plot FILE``
saves the sample size against the risk limit for the assertions that need the most ballots
(comparison audit, 2020 law).
"""

from __future__ import annotations

import argparse

import electsim as es
from electsim import audit


def systems() -> dict[str, es.ElectoralSystem]:
    law = es.presets.kyrgyzstan_2020().replace(regional=None)  # national data
    return {
        "2020 law (7 %, Hare)": law,
        "threshold 5 %": law.replace(national=es.Threshold("5%")),
        "threshold 3 %": law.replace(national=es.Threshold("3%")),
        "D'Hondt (7 %)": law.replace(method="dhondt"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plot", metavar="FILE", help="save sample size vs risk limit to FILE")
    args = ap.parse_args()

    cec = es.datasets.kyrgyzstan_2020()
    rules = systems()
    law = rules["2020 law (7 %, Hare)"]
    A = audit.assertions(cec, law)
    print(f"1. The {len(A)} assertions of the 2020 parliament (CEC figures), closest first\n")
    print("\n".join(str(A).splitlines()[:14]))
    print(f"... and {len(A) - 11} more with larger margins\n")

    print("2. Ballots to examine (ALPHA, sampling without replacement)\n")
    head = f"{'kind':<11} {'risk':>5} {'initial':>11} {'at 0.01% err':>13}  driving assertion"
    for label, system in rules.items():
        S = audit.assertions(cec, system)
        a = S.allocation
        seats = " ".join(
            f"{p.short} {int(s)}" for p, s in zip(cec.parties, a.seats, strict=True) if s
        )
        print(f"{label}: {seats}")
        print(head)
        print("-" * (len(head) + 50))
        for kind in ("comparison", "polling"):
            for p in audit.plans(cec, system, [0.05, 0.01], kind=kind, assertion_set=S):
                full = " (FULL COUNT)" if p.full_count else ""
                print(
                    f"{kind:<11} {100 * p.risk_limit:>4g}% {p.initial:>11,} {p.expected:>13,}  "
                    f"{p.driver.description}{full}"
                )
        print()
    print(
        f"{cec.national_ballots.item():,} ballots were cast; polling needs a large share of "
        "them because the closest assertions\nhave margins near 0.1 % of ballots.\n"
    )

    print("3. Batch-level comparison: polling stations as batches (Kloop's tallies, 1.5 % invalid")
    print(
        "   ASSUMED, full 2020 law; ALPHA; stations drawn with replacement; at most 50,000 draws)\n"
    )
    pr = es.datasets.kyrgyzstan_2020_precincts()
    full_law = es.presets.kyrgyzstan_2020()
    head = f"{'sampling':<10} {'risk':>5} {'draws':>8} {'stations':>9} {'ballots':>11}  driver"
    print(head)
    print("-" * (len(head) + 30))
    S2 = None
    for sampling in ("pps_error", "pps_size", "uniform"):
        design = audit.batch_design(
            pr, full_law, sampling=sampling, invalid_rate="1.5%", assertion_set=S2
        )
        S2 = design.assertions
        for p in audit.plans(pr, full_law, [0.05, 0.01], kind="batch", design=design,
                             max_draws=50_000):  # fmt: skip
            full = " (FULL COUNT)" if p.full_count else ""
            print(
                f"{sampling:<10} {100 * p.risk_limit:>4g}% {p.initial:>8,} "
                f"{p.initial_stations:>9,.0f} {p.initial_ballots:>11,}  "
                f"{p.driver.description}{full}"
            )
    print(
        f"\nof {design.n_stations:,} stations and {S2.n_ballots:,} ballots: Mekenchil's 7.04 % of "
        "valid ballots is\njust below 7 % of the voters who took part once 1.5 % invalid "
        "ballots are assumed, so a batch\naudit must count most stations."
    )

    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        from electsim import plotting

        plans = audit.plans(
            cec, law, [0.001, 0.005, 0.01, 0.05, 0.1, 0.2], kind="comparison", assertion_set=A
        )
        ax = plotting.audit_sample_sizes(plans, top=6)
        ax.figure.savefig(args.plot, dpi=120, bbox_inches="tight")
        print(f"saved {args.plot}")


if __name__ == "__main__":
    main()
