"""``electsim detect`` and ``electsim power``: forensic tests and their power from the shell.

Registered in :data:`electsim.cli._COMMAND_MODULES`; data: the bundled 2,413 polling stations
of 2020 (``kyrgyzstan_2020_precincts``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["add_commands"]

PRECINCTS = ("kyrgyzstan_2020_precincts",)


def _detectors(names: list[str] | None) -> list[str] | None:
    from ._detectors import DETECTORS

    if names is None:
        return None
    for n in names:
        if n not in DETECTORS:
            from ..cli import CLIError

            raise CLIError(f"--detector {n!r} is unknown; choose from {', '.join(DETECTORS)}")
    return names


#: Python parameter names in error messages -> the command-line flags that set them
_FLAGS = {
    "n_datasets=": "--datasets ",
    "alpha=": "--alpha ",
    "chunk_size=": "--chunk-size ",
    "budget_som=": "--levels ",
    "employee_share=": "--levels ",
    "incremental=": "--levels ",
    "extreme=": "--levels (f_e = f_i/10) ",
    "voters=": "--levels ",
    "n_null=": "--null ",
    "n_resamples=": "--resamples ",
}


def _flag_names(message: str) -> str:
    """An error message with the Python parameter names replaced by their flags."""
    for py, flag in _FLAGS.items():
        message = message.replace(py, flag)
    return message


def _invalid_rate(text: str) -> str:
    """An invalid-ballot rate in [0, 1) (``1.5%``, ``0.015``), kept as typed."""
    from ..cli import _parse

    value = _parse(text, above_one="give e.g. '1.5%' or 0.015")
    if value >= 1:
        raise argparse.ArgumentTypeError(f"{text!r}: an invalid-ballot rate must be below 100%")
    return text.strip()


def _load() -> Any:
    from ..datasets import kyrgyzstan_2020_precincts

    return kyrgyzstan_2020_precincts()


def _provenance(args: argparse.Namespace, pr: Any, model: dict[str, Any]) -> dict[str, Any]:
    from ..cli import _provenance as provenance

    return provenance(args, pr, "none (forensic tests on station data)", model)


def _cmd_detect(args: argparse.Namespace) -> str:
    from ..cli import CLIError, _emit, _save_plot, _seed
    from ._detectors import DETECTORS, run_detector
    from ._null import NullModel

    pr = _load()
    names = _detectors(args.detector) or list(DETECTORS)
    null = NullModel.fit(pr)
    g = np.random.default_rng(_seed(args, needed=True, why="detect"))
    rows: list[dict[str, Any]] = []
    results = {}
    skipped = []
    for name in names:
        cls = DETECTORS[name]
        if cls.needs_turnout and pr.registered is None:
            skipped.append(name)
            continue
        opts: dict[str, Any] = {}
        if "n_resamples" in cls.__dataclass_fields__:
            opts["n_resamples"] = args.resamples
        if args.party is not None and "party" in cls.__dataclass_fields__:
            pr.party_index(args.party)
            opts["party"] = args.party
        try:
            res = run_detector(cls(**opts), pr, null=null, n_null=args.null, rng=g)
        except ValueError as exc:
            raise CLIError(_flag_names(str(exc))) from None
        results[name] = res
        expected = res.details.get("expected", res.details.get("null_mean"))
        rows.append(
            {
                "detector": name,
                "statistic": float(res.statistic),
                "expected": None if expected is None else float(expected),
                "pvalue": float(res.pvalue),
                "flagged_stations": len(res.flagged()),
                "null": res.null,
            }
        )
    if args.plot:
        if "second_digits" not in results:
            from ..cli import CLIError

            raise CLIError("--plot draws the second-digit test: include --detector second_digits")
        _save_plot(args.plot, lambda pl: pl.digit_plot(results["second_digits"]))
    note = (
        f"not run (the station file has no registered voters): {', '.join(skipped)}"
        if skipped
        else ""
    )
    prov = _provenance(
        args,
        pr,
        {
            "detectors": names,
            "null": str(null),
            "clean_datasets": args.null,
            "resamples": args.resamples,
            "party": args.party,
        },
    )

    def table() -> str:
        return "\n".join(lines)

    lines = [f"{pr.name}: {pr.n_stations:,} stations; null model: {args.null} clean data sets"]
    lines.append(f"{'detector':<22}{'statistic':>11}{'expected':>10}{'p-value':>10}{'flagged':>9}")
    for r in rows:
        exp = "" if r["expected"] is None else f"{r['expected']:.1f}"
        lines.append(
            f"{r['detector']:<22}{r['statistic']:>11.1f}{exp:>10}{r['pvalue']:>10.4f}"
            f"{r['flagged_stations']:>9}"
        )
    if note:
        lines.append(note)
    return _emit(
        args,
        prov,
        table=table,
        records=lambda: rows,
        obj=lambda: {"data": pr.name, "results": rows, "not_run": skipped},
    )


def _cmd_power(args: argparse.Namespace) -> str:
    from .. import presets
    from ..cli import CLIError, _emit, _save_plot, _seed
    from ..errors import ElectsimError
    from ._null import NullModel
    from ._power import power
    from ._scenarios import SCENARIOS_2020

    by_short = {short: (label, f, lv) for label, (f, lv, short) in SCENARIOS_2020.items()}
    label, factory, default_levels = by_short[args.manipulation]
    levels = [float(x) for x in (args.levels or default_levels)]
    for x in levels:  # every level builds a valid perturbation, before any simulation
        try:
            factory(x)
        except (ElectsimError, ValueError, TypeError) as exc:
            raise CLIError(
                f"--levels {x:g} is not a valid level of --manipulation {args.manipulation} "
                f"({label}): {_flag_names(str(exc))}"
            ) from None
    pr = _load()
    null = NullModel.fit(pr, turnout=args.turnout, invalid_rate=args.invalid_rate)
    system = None
    if args.seats:
        system = presets.kyrgyzstan_2020().replace(tie_break="lowest_index")
    try:
        res = power(
            _detectors(args.detector),
            null,
            factory,
            levels,
            args.datasets,
            args.alpha,
            _seed(args, needed=True, why="power"),
            chunk_size=args.chunk_size,
            progress=sys.stderr.isatty() if args.progress is None else args.progress,
            system=system,
        )
    except ValueError as exc:
        raise CLIError(_flag_names(str(exc))) from None
    if args.plot:
        _save_plot(args.plot, lambda pl: pl.power_plot(res, xlabel=label))
    prov = _provenance(
        args,
        pr,
        {
            "manipulation": f"{label}: electsim.forensics.SCENARIOS_2020[{label!r}]",
            "levels": list(levels),
            "null": str(null),
            "clean_datasets": args.datasets,
            "alpha": args.alpha,
            "seats": "2020 law" if system is not None else None,
        },
    )
    return _emit(
        args,
        prov,
        table=lambda: f"{label}, {pr.name}\n{null}\n\n{res}",
        records=res.to_records,
        obj=lambda: json.loads(res.to_json()),
    )


def add_commands(sub: Any) -> dict[str, Callable[[argparse.Namespace], str]]:
    """Add ``detect`` and ``power`` to the ``electsim`` subparsers."""
    from ..cli import _add_output, _positive_int, _seed_int, _turnout
    from ._detectors import DETECTORS
    from ._scenarios import SCENARIOS_2020

    p = sub.add_parser(
        "detect",
        help="forensic tests on the 2020 polling stations",
        description="Run forensic detectors on the 2,413 polling stations of 2020.",
    )
    p.add_argument("--dataset", choices=PRECINCTS, default=PRECINCTS[0], help="station data")
    p.add_argument("--detector", nargs="+", metavar="NAME", help=f"of {', '.join(DETECTORS)}")
    p.add_argument("--party", help="party for share-based tests (default: the winner)")
    p.add_argument("--null", type=_positive_int, default=200, help="clean data sets per null")
    p.add_argument(
        "--resamples", type=_positive_int, default=1000, help="resamples of the native nulls"
    )
    p.add_argument(
        "--seed", type=_seed_int, default=None, help="random seed (default: chosen and printed)"
    )
    _add_output(p)

    q = sub.add_parser(
        "power",
        help="power of forensic tests against a 2020 manipulation scenario",
        description=(
            "Size and power of forensic detectors (and with --seats the probability that the "
            "2020 seats change) against a manipulation of the 2020 station data."
        ),
    )
    shorts = [short for _, _, short in SCENARIOS_2020.values()]
    q.add_argument(
        "--manipulation",
        choices=shorts,
        required=True,
        help="the 2020 scenario (electsim.forensics.SCENARIOS_2020), favouring Birimdik",
    )
    defaults = "; ".join(
        f"{short}: {label[label.index('(') + 1 : -1]}, default {' '.join(f'{x:g}' for x in lv)}"
        for label, (_, lv, short) in SCENARIOS_2020.items()
    )
    q.add_argument(
        "--levels",
        nargs="+",
        type=float,
        metavar="X",
        help=f"manipulation levels, in the scenario's unit ({defaults})",
    )
    q.add_argument("--datasets", type=_positive_int, default=200, help="clean data sets")
    q.add_argument("--detector", nargs="+", metavar="NAME", help="default: all")
    q.add_argument("--alpha", type=float, default=0.05, help="significance level")
    q.add_argument(
        "--turnout",
        type=_turnout,
        default="56.5%",
        metavar="RATE",
        help="ASSUMED turnout, e.g. 56.5%% or 0.565 (the station file has no registered "
        "voters; default: %(default)s, the CEC's national figure)",
    )
    q.add_argument(
        "--invalid-rate",
        type=_invalid_rate,
        default="1.5%",
        metavar="RATE",
        help="ASSUMED invalid ballots per ballot cast, e.g. 1.5%% or 0.015 (default: %(default)s)",
    )
    q.add_argument("--seats", action="store_true", help="also P(seats change), 2020 law")
    q.add_argument(
        "--seed", type=_seed_int, default=None, help="random seed (default: chosen and printed)"
    )
    q.add_argument("--chunk-size", type=_positive_int, default=100, help="data sets per task")
    q.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: on when stderr is a terminal)",
    )
    _add_output(q)
    return {"detect": _cmd_detect, "power": _cmd_power}
