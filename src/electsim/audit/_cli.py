"""``electsim audit``: the assertions and sample sizes of a risk-limiting audit.

Registered through ``electsim.cli._COMMAND_MODULES``.  Options: the data and rule options of
every subcommand, ``--kind comparison|polling|batch`` (batch: polling stations of
``--dataset kyrgyzstan_2020_regions --invalid-rate RATE`` as batches, with
``--sampling pps_error|pps_size|uniform`` and ``--max-draws N``),
``--test alpha|kaplan_wald|kaplan_markov|kaplan_kolmogorov``, ``--risk-limit RATE`` (default
5%), ``--error-rate RATE`` (default 0.01%),
``--format table|csv|json`` and ``--plot FILE`` (sample size against the risk limit).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from .. import cli, datasets
from ._batch import SAMPLINGS
from ._plan import KINDS, plans
from ._sequential import TESTS

__all__ = ["add_commands"]


def _flat(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records with list cells joined by ``;`` (one CSV cell each)."""
    return [
        {k: ";".join(map(str, v)) if isinstance(v, list | tuple) else v for k, v in r.items()}
        for r in rows
    ]


def _cmd_audit(args: argparse.Namespace) -> str:
    e = cli._load_election(args)
    system = cli._single_system(args)
    cli._check_regional(e, system)
    risk = float(args.risk_limit)
    err = float(args.error_rate)
    levels = [risk]
    if args.plot:
        levels = sorted({risk, 0.001, 0.005, 0.01, 0.05, 0.1, 0.2})
    if args.kind == "batch":
        if args.plot:
            raise cli.CLIError(
                "--plot draws ballots per assertion; batch plans count station draws "
                "(not plotted yet): drop --plot"
            )
        if args.dataset != "kyrgyzstan_2020_regions" or args.csv is not None:
            raise cli.CLIError(
                "--kind batch audits polling stations: use --dataset kyrgyzstan_2020_regions "
                "--invalid-rate RATE (Kloop's station tallies)"
            )
        out = plans(
            datasets.kyrgyzstan_2020_precincts(),
            system,
            levels,
            kind="batch",
            test=args.test,
            error_rate=err,
            sampling=args.sampling or "pps_error",
            invalid_rate=args.invalid_rate,
            max_draws=args.max_draws,
        )
    else:
        if args.sampling is not None or args.max_draws is not None:
            raise cli.CLIError("--sampling and --max-draws apply to --kind batch only")
        out = plans(e, system, levels, kind=args.kind, test=args.test, error_rate=err)
    p = out[levels.index(risk)]
    if args.plot:
        cli._save_plot(args.plot, lambda pl: pl.audit_sample_sizes(list(out)))
    model = {
        "kind": args.kind,
        "test": args.test,
        "risk_limit": str(args.risk_limit),
        "error_rate": f"{args.error_rate} (ASSUMPTION: maximal overstatements per ballot)",
        "sampling": args.sampling,
        "max_draws": args.max_draws,
    }
    prov = cli._provenance(args, e, cli._rules(system), model)
    return cli._emit(
        args,
        prov,
        table=lambda: str(p),
        records=lambda: _flat(p.to_records()),
        obj=lambda: json.loads(p.to_json()),
    )


def add_commands(sub: Any) -> dict[str, Callable[[argparse.Namespace], str]]:
    """Add ``audit`` to the subparsers ``sub``; return ``{name: handler}``."""
    p = sub.add_parser(
        "audit",
        help="risk-limiting audit: assertions and sample sizes",
        description=(
            "Reduce the reported allocation to assertions and plan a risk-limiting audit: "
            "ballots to examine per assertion when the sample matches the report and at a "
            "stated rate of maximal overstatements."
        ),
    )
    cli._add_data(p)
    cli._add_rules(p)
    g = p.add_argument_group("audit")
    g.add_argument(
        "--kind",
        choices=sorted(KINDS),
        default="comparison",
        help="ballot-level comparison, ballot polling, or batch-level comparison with polling "
        "stations as batches (default comparison)",
    )
    g.add_argument(
        "--test", choices=sorted(TESTS), default="alpha", help="sequential test (default alpha)"
    )
    g.add_argument(
        "--sampling",
        choices=sorted(SAMPLINGS),
        default=None,
        help="--kind batch: how stations are drawn (with replacement; default pps_error)",
    )
    g.add_argument(
        "--max-draws",
        type=int,
        default=None,
        metavar="N",
        help="--kind batch: draws before a full hand count (default: the number of stations)",
    )
    g.add_argument(
        "--risk-limit",
        type=cli._rate,
        default=cli._rate("5%"),
        metavar="RATE",
        help="risk limit (default 5%%)",
    )
    g.add_argument(
        "--error-rate",
        type=cli._rate,
        default=cli._rate("0.01%"),
        metavar="RATE",
        help="rate of maximal overstatements for the 'expected' size (default 0.01%%)",
    )
    cli._add_output(p)
    return {"audit": _cmd_audit}
