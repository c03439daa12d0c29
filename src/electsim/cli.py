"""The ``electsim`` command: allocate, compare, breakpoints, tipping and simulate.

Every subcommand prints a readable table by default; ``--format csv`` and ``--format json``
print machine-readable output instead, and ``--plot FILE`` also saves a figure (drawn with
:mod:`electsim.plotting`, imported only then).  Bad input prints one line
``electsim: error: ...`` on stderr: exit status 2 for a malformed command line (argparse), 1 for
input electsim refuses (:class:`~electsim.errors.ElectsimError`) or a file that cannot be read
or written (:class:`OSError`).  Never a traceback.

Data (every subcommand): ``--dataset kyrgyzstan_2020`` (the CEC's national figures of
5 October 2020, the default), ``--dataset kyrgyzstan_2020_regions --invalid-rate 1.5%`` (Kloop's
precinct data by region, with an assumed share of invalid ballots), or ``--csv FILE`` in the
format of :meth:`electsim.Election.from_csv`.

Rules (every subcommand): start from ``--preset`` (default ``kyrgyzstan_2020``: 120 seats,
Hare, 7 % of ballots, 0.7 % in every region, cap 65; ``--preset none``: 120 seats, Hare, no
threshold, no cap) and override single rules with ``--seats``, ``--method``, ``--threshold``,
``--base``, ``--strict``, ``--regional``/``--no-regional``, ``--regional-base``,
``--cap``/``--no-cap``, ``--ties`` and ``--seed`` (for ``--ties lot``).

Examples
--------
>>> main(["allocate", "--dataset", "kyrgyzstan_2020", "--no-regional", "--format", "csv"])
... # doctest: +ELLIPSIS
party,short,bloc,votes,share_of_base,passes_national,passes_regional,...
Birimdik,BRM,pro-government,487685,...,46
...
0
"""

from __future__ import annotations

import argparse
import csv
import importlib
import io
import itertools
import json
import sys
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, NoReturn

from . import datasets, presets
from .allocate import Allocation, allocate
from .apportion import TIE_POLICIES, available_methods
from .election import Election
from .errors import ElectsimError
from .system import BASES, ElectoralSystem, Threshold

__all__ = ["build_parser", "main"]

PROG = "electsim"
DATASETS = ("kyrgyzstan_2020", "kyrgyzstan_2020_regions")
FORMATS = ("table", "csv", "json")


class CLIError(ElectsimError):
    """A command-line value electsim refuses (reported as one line, exit status 1)."""


# ----------------------------------------------------------------------------- argument types
def _rate(text: str) -> Fraction:
    """An argparse type: a rate such as ``7%``, ``0.07`` or ``7/100``."""
    try:
        return Threshold(text).rate
    except ElectsimError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a rate; give e.g. '7%', '0.7%', '0.07' or '7/100'"
        ) from exc


def _rate_text(text: str) -> str:
    """A rate kept as the text typed (validated), for labels such as ``invalid_rate='1.5%'``."""
    _rate(text)
    return text


def _rate_or_none(text: str) -> Fraction | None:
    """A rate, or ``none`` (no threshold)."""
    if text.strip().lower() in ("none", "off", "no"):
        return None
    return _rate(text)


def _cap_or_none(text: str) -> int | None:
    """A positive integer seat cap, or ``none``."""
    if text.strip().lower() in ("none", "off", "no"):
        return None
    return _positive_int(text)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _nonneg_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be non-negative")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be positive")
    return value


def _method(text: str) -> str:
    methods = available_methods()
    names = list(methods) if not isinstance(methods, dict) else list(methods.keys())
    if text not in names:
        raise argparse.ArgumentTypeError(f"unknown method {text!r}; use one of {', '.join(names)}")
    return text


# ----------------------------------------------------------------------------- parser
class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (no usage block), without abbreviations."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: error: {message} (see '{self.prog} --help')\n")


def _add_data(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("data")
    src = g.add_mutually_exclusive_group()
    src.add_argument(
        "--dataset",
        choices=DATASETS,
        help="bundled data (default kyrgyzstan_2020: CEC national figures, 5 Oct 2020)",
    )
    src.add_argument("--csv", metavar="FILE", help="an election in Election.from_csv format")
    g.add_argument(
        "--invalid-rate",
        type=_rate_text,
        metavar="RATE",
        help="assumed invalid ballots per voter for kyrgyzstan_2020_regions (e.g. 1.5%%)",
    )


def _add_rules(p: argparse.ArgumentParser, *, multi: bool = False) -> None:
    """Rule options; with ``multi`` the varying rules take several values (``compare``)."""
    g = p.add_argument_group(
        "rules",
        "start from --preset and override single rules"
        + ("; options with several values make several scenarios" if multi else ""),
    )
    nargs: Any = "+" if multi else None
    g.add_argument(
        "--preset",
        choices=[*presets.PRESETS, "none"],
        default="kyrgyzstan_2020",
        help="starting rules (default kyrgyzstan_2020; none = 120 seats, Hare, no threshold)",
    )
    g.add_argument("--seats", type=_positive_int, nargs=nargs, help="house size")
    g.add_argument(
        "--method", type=_method, nargs=nargs, help="apportionment method (hare, dhondt, ...)"
    )
    g.add_argument(
        "--threshold",
        type=_rate_or_none,
        nargs=nargs,
        metavar="RATE",
        help="national threshold (7%%, 0.05, 1/20, or none)",
    )
    g.add_argument(
        "--base", choices=list(BASES), nargs=nargs, help="base of the national threshold"
    )
    g.add_argument(
        "--strict", action="store_true", help="thresholds must be exceeded (default: reached)"
    )
    g.add_argument(
        "--regional",
        type=_rate_or_none,
        nargs=nargs,
        metavar="RATE",
        help="regional threshold in every region (0.7%%, or none)",
    )
    g.add_argument("--no-regional", action="store_true", help="no regional threshold")
    g.add_argument("--regional-base", choices=list(BASES), help="base of the regional threshold")
    g.add_argument(
        "--cap", type=_cap_or_none, nargs=nargs, metavar="N", help="seat cap per party (or none)"
    )
    g.add_argument("--no-cap", action="store_true", help="no seat cap")
    g.add_argument("--ties", choices=list(TIE_POLICIES), help="tie policy")
    g.add_argument("--seed", type=int, help="random seed (tie lots, Monte Carlo draws)")


def _add_output(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("output")
    g.add_argument("--format", choices=FORMATS, default="table", help="output format")
    g.add_argument("--plot", metavar="FILE", help="also save a figure (PNG, PDF, SVG ...)")


def build_parser() -> argparse.ArgumentParser:
    """The ``electsim`` argument parser (subcommands with their options)."""
    parser = _Parser(
        prog=PROG,
        description="Exact election-integrity simulation for list-PR parliaments.",
        epilog="Run 'electsim COMMAND --help' for the options of a command.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("allocate", help="seats under one rule set")
    _add_data(p)
    _add_rules(p)
    _add_output(p)

    p = sub.add_parser(
        "compare",
        help="several rule sets side by side",
        description=(
            "Several rule sets side by side, one column per scenario.  Each of --seats, "
            "--method, --threshold, --base, --regional and --cap may take several values; the "
            "scenarios are all their combinations (cartesian product, in the order given), or "
            "with --zip the i-th value of each list together (lists of one value are repeated)."
        ),
    )
    _add_data(p)
    _add_rules(p, multi=True)
    p.add_argument("--zip", action="store_true", help="pair the value lists instead of crossing")
    _add_output(p)

    p = sub.add_parser("breakpoints", help="seats as an exact step function of a threshold")
    _add_data(p)
    _add_rules(p)
    g = p.add_argument_group("breakpoints")
    g.add_argument("--which", choices=["national", "regional"], default="national")
    g.add_argument("--from", dest="lo", type=_rate, default=Fraction(0), metavar="RATE")
    g.add_argument("--to", dest="hi", type=_rate, default=Fraction(15, 100), metavar="RATE")
    g.add_argument(
        "--no-merge", action="store_true", help="one piece per eligible set (do not merge)"
    )
    _add_output(p)

    p = sub.add_parser(
        "tipping",
        help="the cheapest manipulation that reaches a target",
        description=(
            "Targets: passes:PARTY[,PARTY...][@REGION], fails:..., qualifies:PARTY, "
            "gains-seat:PARTY, loses-seat:PARTY, bloc-reaches:BLOC:SEATS, "
            "bloc-loses:BLOC:SEATS, any-change.  Actions: switch:FROM:TO, add:PARTY, "
            "remove:PARTY, invalidate:PARTY, each optionally @REGION.  Parties by name or "
            "short code (e.g. BUT or 'Butun Kyrgyzstan')."
        ),
    )
    _add_data(p)
    _add_rules(p)
    g = p.add_argument_group("tipping point")
    g.add_argument("--target", nargs="+", required=True, metavar="TARGET")
    g.add_argument("--action", nargs="+", required=True, metavar="ACTION")
    g.add_argument("--minimise", choices=["votes", "som"], default="votes")
    g.add_argument("--max-votes", type=_nonneg_int, metavar="N")
    g.add_argument(
        "--som", type=_nonneg_int, metavar="SOM", help="price of one vote (default 2,000 som)"
    )
    _add_output(p)

    p = sub.add_parser(
        "simulate",
        help="Monte Carlo of the seats, optionally with vote buying",
        description=(
            "Monte Carlo of the seats.  The tie policy defaults to 'lot' here (a tie in one "
            "draw would otherwise stop the run); --seed makes the run reproducible."
        ),
    )
    _add_data(p)
    _add_rules(p)
    g = p.add_argument_group("Monte Carlo")
    g.add_argument("--draws", type=_positive_int, default=1000, metavar="N")
    g.add_argument(
        "--uncertainty", choices=["multinomial", "dirichlet", "none"], default="multinomial"
    )
    g.add_argument("--concentration", type=_positive_float, help="Dirichlet concentration (alpha)")
    g.add_argument("--chunk-size", type=_positive_int, default=10_000, metavar="N")
    prog = g.add_mutually_exclusive_group()
    prog.add_argument("--progress", dest="progress", action="store_true", default=None)
    prog.add_argument("--no-progress", dest="progress", action="store_false")
    g = p.add_argument_group("vote buying (with --buyer)")
    g.add_argument("--buyer", metavar="PARTY", help="the buying party (name or short code)")
    g.add_argument("--budget", type=float, metavar="SOM", help="budget in som (default none)")
    g.add_argument(
        "--strategy", choices=["turnout", "switch", "double", "abstention"], default="turnout"
    )
    g.add_argument(
        "--turnout",
        type=_rate,
        metavar="RATE",
        help="assumed turnout when registered voters are unknown (turnout/double buying)",
    )
    _add_output(p)
    for module in _COMMAND_MODULES:
        COMMANDS.update(importlib.import_module(module).add_commands(sub))
    return parser


# ----------------------------------------------------------------------------- data and rules
def _load_election(args: argparse.Namespace) -> Election:
    if args.csv is not None:
        if args.invalid_rate is not None:
            raise CLIError("--invalid-rate applies to --dataset kyrgyzstan_2020_regions only")
        return Election.from_csv(args.csv)
    name = args.dataset or "kyrgyzstan_2020"
    if name == "kyrgyzstan_2020_regions":
        if args.invalid_rate is None:
            raise CLIError(
                "--dataset kyrgyzstan_2020_regions needs --invalid-rate (e.g. 1.5%: the data "
                "have no invalid ballots)"
            )
        return datasets.kyrgyzstan_2020_regions(invalid_rate=args.invalid_rate)
    if args.invalid_rate is not None:
        raise CLIError(f"--invalid-rate does not apply to --dataset {name}")
    return datasets.kyrgyzstan_2020()


def _base_system(args: argparse.Namespace) -> ElectoralSystem:
    if args.preset == "none":
        return ElectoralSystem(120, "hare", name="custom")
    return presets.PRESETS[args.preset]()


def _system(
    args: argparse.Namespace,
    *,
    seats: int | None = None,
    method: str | None = None,
    threshold: Any = ...,
    base: Any = None,
    regional: Any = ...,
    cap: Any = ...,
) -> ElectoralSystem:
    """The preset with the command-line overrides (``...``: not given)."""
    s = _base_system(args)
    changes: dict[str, Any] = {}
    if seats is not None:
        changes["seats"] = seats
    if method is not None:
        changes["method"] = method
    inclusive = not args.strict
    # national threshold
    nat = s.national
    if threshold is not ...:
        nat = None if threshold is None else Threshold(threshold, base or "ballots", inclusive)
    if nat is not None:
        nat = Threshold(nat.rate, base or nat.base, inclusive and nat.inclusive)
    elif base is not None and threshold is ...:
        raise CLIError("--base needs a national threshold (--threshold RATE)")
    changes["national"] = nat
    # regional threshold
    reg = s.regional
    if args.no_regional:
        if regional is not ...:
            raise CLIError("--regional and --no-regional contradict each other")
        reg = None
    elif regional is not ...:
        reg = None if regional is None else Threshold(regional, "ballots", inclusive)
    if reg is not None:
        reg = Threshold(reg.rate, args.regional_base or reg.base, inclusive and reg.inclusive)
    changes["regional"] = reg
    # cap
    if args.no_cap:
        if cap is not ...:
            raise CLIError("--cap and --no-cap contradict each other")
        changes["cap"] = None
    elif cap is not ...:
        changes["cap"] = cap
    if args.ties is not None:
        changes["tie_break"] = args.ties
    return s.replace(**changes)


def _single_system(args: argparse.Namespace) -> ElectoralSystem:
    kw: dict[str, Any] = {"seats": args.seats, "method": args.method, "base": args.base}
    if args.threshold is not None or "--threshold" in _given(args):
        kw["threshold"] = args.threshold
    if args.regional is not None or "--regional" in _given(args):
        kw["regional"] = args.regional
    if args.cap is not None or "--cap" in _given(args):
        kw["cap"] = args.cap
    return _system(args, **kw)


def _given(args: argparse.Namespace) -> list[str]:
    """Options present on the command line, in order (to tell ``--threshold none`` from none)."""
    return list(getattr(args, "_given", ()))


def _check_regional(election: Election, system: ElectoralSystem) -> None:
    """Refuse a regional threshold on national-only data with a hint (before any work)."""
    if system.regional is not None and not any(r.in_regional_threshold for r in election.regions):
        raise CLIError(
            f"the rules have a regional threshold ({system.regional}) but this data set has no "
            "regions: add --no-regional, or use --dataset kyrgyzstan_2020_regions "
            "--invalid-rate RATE"
        )


def _allocate(election: Election, system: ElectoralSystem, seed: int | None) -> Allocation:
    _check_regional(election, system)
    return allocate(election, system, rng=seed)


# ----------------------------------------------------------------------------- output helpers
def _csv_text(rows: Sequence[dict[str, Any]]) -> str:
    buf = io.StringIO()
    if not rows:
        return ""
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _csv_cell(v) for k, v in r.items()})
    return buf.getvalue().rstrip("\n")


def _csv_cell(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return ";".join(map(str, v))
    if v is None:
        return ""
    return v


def _json_default(obj: Any) -> Any:
    if isinstance(obj, Fraction):
        return f"{obj.numerator}/{obj.denominator}"
    if hasattr(obj, "item"):
        return obj.item()
    return str(obj)


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default)


def _save_plot(path: str, draw: Callable[[Any], Any]) -> None:
    """Import :mod:`electsim.plotting` lazily, draw with it and save the figure to ``path``."""
    try:
        from . import plotting
    except ImportError as exc:
        raise CLIError(f"--plot needs electsim.plotting and matplotlib ({exc})") from exc
    import matplotlib.pyplot as plt

    out = draw(plotting)
    fig = out if hasattr(out, "savefig") else out.figure
    try:
        fig.savefig(path, bbox_inches="tight", dpi=120)
    except OSError as exc:
        raise CLIError(f"cannot write the figure to {path!r}: {exc.strerror or exc}") from exc
    finally:
        plt.close(fig)
    print(f"{PROG}: figure saved to {path}", file=sys.stderr)


# ----------------------------------------------------------------------------- commands
def _cmd_allocate(args: argparse.Namespace) -> str:
    e = _load_election(args)
    a = _allocate(e, _single_system(args), args.seed)
    if args.plot:
        _save_plot(args.plot, lambda pl: pl.hemicycle(a, title=f"{e.name}\n{a.system}"))
    if args.format == "json":
        return a.to_json(indent=2)
    if args.format == "csv":
        return _csv_text(a.to_records())
    return a.table()


def _scenarios(args: argparse.Namespace) -> list[tuple[str, ElectoralSystem]]:
    given = _given(args)
    lists: dict[str, list[Any]] = {}
    for opt, key in (
        ("--seats", "seats"),
        ("--method", "method"),
        ("--threshold", "threshold"),
        ("--base", "base"),
        ("--regional", "regional"),
        ("--cap", "cap"),
    ):
        vals = getattr(args, key)
        if vals is not None or opt in given:
            lists[key] = list(vals) if vals is not None else [None]
    if not lists:
        raise CLIError("compare needs several values of a rule, e.g. --threshold 7% 5% 3%")
    order = _given(args)
    keys = sorted(lists, key=lambda k: order.index(f"--{k}") if f"--{k}" in order else 99)
    lists = {k: lists[k] for k in keys}
    if args.zip:
        n = max(len(v) for v in lists.values())
        bad = [k for k, v in lists.items() if len(v) not in (1, n)]
        if bad:
            raise CLIError(
                f"--zip: --{bad[0]} has {len(lists[bad[0]])} values; give 1 or {n} values"
            )
        combos = [tuple(v[i] if len(v) > 1 else v[0] for v in lists.values()) for i in range(n)]
    else:
        combos = list(itertools.product(*lists.values()))
    out = []
    for combo in combos:
        kw = dict(zip(keys, combo, strict=True))
        system = _system(args, **kw)
        out.append((_label(kw, keys, lists), system))
    return out


def _label(kw: dict[str, Any], keys: list[str], lists: dict[str, list[Any]]) -> str:
    parts = []
    for k in keys:
        if len(lists[k]) == 1 and len(keys) > 1:
            continue  # the same in every scenario
        v = kw[k]
        if isinstance(v, Fraction):
            text = Threshold(v).percent
        elif v is None:
            text = "none"
        else:
            text = str(v)
        if k == "regional":
            text = f"reg {text}"
        elif k == "cap":
            text = f"cap {text}"
        elif k == "seats":
            text = f"{text} seats"
        parts.append(text)
    return " ".join(parts) or "baseline"


def _cmd_compare(args: argparse.Namespace) -> str:
    e = _load_election(args)
    runs = [(label, _allocate(e, s, args.seed)) for label, s in _scenarios(args)]
    if args.plot:
        _save_plot(args.plot, lambda pl: pl.compare(runs))
    parties = e.parties
    if args.format == "json":
        return _json(
            {
                "election": e.name,
                "scenarios": [{"label": lab, **a.to_dict()} for lab, a in runs],
            }
        )
    if args.format == "csv":
        rows = [
            {"party": p.name, "short": p.short, **{lab: int(a.seats[i]) for lab, a in runs}}
            for i, p in enumerate(parties)
        ]
        return _csv_text(rows)
    shown = [i for i, _ in enumerate(parties) if any(int(a.seats[i]) for _, a in runs)]
    width = max(12, *(len(parties[i].name[:30]) for i in shown)) if shown else 12
    cols = [max(6, len(lab)) for lab, _ in runs]
    head = f"{'Party':<{width}}  " + "  ".join(
        f"{lab:>{w}}" for (lab, _), w in zip(runs, cols, strict=True)
    )
    lines = [f"{e.name or 'Election'}: seats by scenario", head, "-" * len(head)]
    for i in shown:
        cells = "  ".join(f"{int(a.seats[i]):>{w}}" for (_, a), w in zip(runs, cols, strict=True))
        lines.append(f"{parties[i].name[:30]:<{width}}  {cells}")
    lines.append("-" * len(head))
    totals = "  ".join(f"{int(a.seats.sum()):>{w}}" for (_, a), w in zip(runs, cols, strict=True))
    lines.append(f"{'Total':<{width}}  {totals}")
    passing = "  ".join(
        f"{int(a.eligible.sum()):>{w}}" for (_, a), w in zip(runs, cols, strict=True)
    )
    lines.append(f"{'Parties in':<{width}}  {passing}")
    hidden = len(parties) - len(shown)
    if hidden:
        lines.append(f"({hidden} other parties: 0 seats in every scenario)")
    lines.append("Scenarios:")
    lines += [f"  {lab}: {a.system.describe()}" for lab, a in runs]
    return "\n".join(lines)


def _cmd_breakpoints(args: argparse.Namespace) -> str:
    from .sensitivity import threshold_steps

    if args.lo > args.hi:
        raise CLIError(f"--from {float(args.lo * 100):g}% is above --to {float(args.hi * 100):g}%")
    e = _load_election(args)
    system = _single_system(args)
    _check_regional(e, system)
    f = threshold_steps(
        e, system, which=args.which, lo=args.lo, hi=args.hi, merge=not args.no_merge
    )
    if args.plot:
        _save_plot(args.plot, lambda pl: pl.step_plot(f))
    if args.format == "json":
        return _json(
            {
                "which": f.which,
                "base": f.base,
                "inclusive": f.inclusive,
                "breakpoints": [{"rate": b, "percent": float(b * 100)} for b in f.breakpoints],
                "pieces": f.to_records(),
            }
        )
    if args.format == "csv":
        rows = []
        for r in f.to_records():
            row = {
                "lo": _json_default(r["lo"]),
                "hi": _json_default(r["hi"]),
                "lo_closed": r["lo_closed"],
                "hi_closed": r["hi_closed"],
                "lo_percent": r["lo_percent"],
                "hi_percent": r["hi_percent"],
            }
            row.update(r["seats"])
            rows.append(row)
        return _csv_text(rows)
    lines = [str(f), "Breakpoints (exact rates where the seats change):"]
    for b in f.breakpoints:
        lines.append(f"  {b.numerator}/{b.denominator} = {float(b * 100):.6f}%")
    if not f.breakpoints:
        lines.append("  none in this range")
    return "\n".join(lines)


def _party_list(text: str) -> tuple[str, ...]:
    parts = tuple(p.strip() for p in text.split(",") if p.strip())
    if not parts:
        raise CLIError(f"{text!r}: no party given")
    return parts


def _split_region(text: str) -> tuple[str, str | None]:
    if "@" in text:
        head, region = text.rsplit("@", 1)
        return head, region.strip() or None
    return text, None


def _check_parties(e: Election, names: Sequence[str]) -> None:
    for n in names:
        e.party_index(n)


def _parse_target(text: str, e: Election) -> Any:
    from .sensitivity import tipping as tp

    head, region = _split_region(text.strip())
    kind, _, rest = head.partition(":")
    kind = kind.strip().lower().replace("_", "-")
    if kind in ("passes", "fails"):
        parties = _party_list(rest)
        _check_parties(e, parties)
        if region is not None:
            e.region_index(region)
        return (tp.passes if kind == "passes" else tp.fails)(list(parties), region)
    if kind == "qualifies":
        parties = _party_list(rest)
        _check_parties(e, parties)
        return tp.qualifies(list(parties))
    if kind in ("gains-seat", "loses-seat"):
        (party,) = _party_list(rest)[:1]
        e.party_index(party)
        return (tp.gains_seat if kind == "gains-seat" else tp.loses_seat)(party)
    if kind in ("bloc-reaches", "bloc-loses"):
        bloc, _, seats = rest.rpartition(":")
        try:
            n = int(seats)
        except ValueError:
            raise CLIError(f"target {text!r}: give {kind}:BLOC:SEATS") from None
        return (tp.bloc_reaches if kind == "bloc-reaches" else tp.bloc_loses)(bloc, n)
    if kind == "any-change" and not rest:
        return tp.any_change()
    raise CLIError(
        f"unknown target {text!r}; use passes:PARTY, fails:PARTY, qualifies:PARTY, "
        "gains-seat:PARTY, loses-seat:PARTY, bloc-reaches:BLOC:N, bloc-loses:BLOC:N or any-change"
    )


def _parse_action(text: str, e: Election, som: int | None) -> Any:
    from .sensitivity import tipping as tp

    head, region = _split_region(text.strip())
    kind, _, rest = head.partition(":")
    kind = kind.strip().lower()
    if region is not None:
        e.region_index(region)
    extra: dict[str, Any] = {} if som is None else {"som": som}
    if kind == "switch":
        a, sep, b = rest.partition(":")
        if not sep or not a.strip() or not b.strip():
            raise CLIError(f"action {text!r}: give switch:FROM:TO")
        e.party_index(a.strip())
        e.party_index(b.strip())
        return tp.Switch(a.strip(), b.strip(), region, **extra)
    if kind in ("add", "remove", "invalidate") and rest.strip():
        party = rest.strip()
        e.party_index(party)
        if kind == "add":
            return tp.Add(party, region, **extra)
        return tp.Remove(party, region, invalidate=kind == "invalidate", **extra)
    raise CLIError(
        f"unknown action {text!r}; use switch:FROM:TO, add:PARTY, remove:PARTY or "
        "invalidate:PARTY (optionally @REGION)"
    )


def _cmd_tipping(args: argparse.Namespace) -> str:
    from .sensitivity import tipping_point

    e = _load_election(args)
    system = _single_system(args)
    _check_regional(e, system)
    targets = [_parse_target(t, e) for t in args.target]
    actions = [_parse_action(a, e, args.som) for a in args.action]
    points = [
        tipping_point(e, system, t, actions, minimise=args.minimise, max_votes=args.max_votes)
        for t in targets
    ]
    if args.plot:
        labels = [str(p.target) for p in points]
        _save_plot(args.plot, lambda pl: pl.tipping_plot(points, labels=labels))
    records: list[dict[str, Any]] = [
        {
            "target": str(p.target),
            "achievable": p.achievable,
            "votes": p.votes,
            "percent_of_ballots": p.percent_of_ballots,
            "som": p.som,
            "plan": "; ".join(str(s) for s in p.plan),
            "seats_before": p.before.by_party(),
            "seats_after": None if p.after is None else p.after.by_party(),
            "optimal_over": p.optimal_over,
        }
        for p in points
    ]
    if args.format == "json":
        for r, p in zip(records, points, strict=True):
            r["plan"] = p.to_records()
        return _json(records)
    if args.format == "csv":
        for r in records:
            del r["seats_before"], r["seats_after"]
        return _csv_text(records)
    head = f"{e.name or 'Election'} -- {system}"
    return "\n\n".join([head, *(str(p) for p in points)])


def _cmd_simulate(args: argparse.Namespace) -> str:
    from .simulate import DirichletMultinomial, Multinomial, simulate

    e = _load_election(args)
    system = _single_system(args)
    _check_regional(e, system)
    if args.ties is None:
        system = system.replace(tie_break="lot")
    uncertainty: Any
    if args.uncertainty == "dirichlet":
        if args.concentration is None:
            raise CLIError("--uncertainty dirichlet needs --concentration ALPHA")
        uncertainty = DirichletMultinomial(args.concentration)
    elif args.concentration is not None:
        raise CLIError("--concentration applies to --uncertainty dirichlet only")
    else:
        uncertainty = Multinomial() if args.uncertainty == "multinomial" else None
    perturbation = None
    if args.buyer is not None:
        from .manipulation import VoteBuying

        e.party_index(args.buyer)
        perturbation = VoteBuying(
            args.buyer,
            strategy=args.strategy,
            budget_som=args.budget,
            assumed_turnout=args.turnout,
        )
    elif args.budget is not None or args.turnout is not None:
        raise CLIError("--budget and --turnout need --buyer PARTY")
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    res = simulate(
        e,
        system,
        args.draws,
        uncertainty=uncertainty,
        perturbation=perturbation,
        rng=args.seed,
        chunk_size=args.chunk_size,
        progress=progress,
    )
    if args.plot:
        _save_plot(args.plot, lambda pl: pl.seat_distributions(res))
    if args.format == "json":
        return _json(
            {
                "election": e.name,
                "system": str(system),
                "draws": res.n,
                "ties": res.n_ties,
                "parties": res.to_records(),
            }
        )
    if args.format == "csv":
        return _csv_text(res.to_records())
    lines = [f"{e.name or 'Election'} -- {system}"]
    if perturbation is not None:
        budget = "unlimited" if args.budget is None else f"{args.budget:,.0f} som"
        lines.append(f"Vote buying: {args.buyer}, strategy {args.strategy}, budget {budget}")
    lines.append(str(res))
    return "\n".join(lines)


# Subcommands that live next to their subject: each module defines
# ``add_commands(sub) -> dict[str, handler]``, adding its parsers to ``sub`` (it may reuse this
# module's ``_add_data``, ``_add_rules``, ``_add_output``, ``_load_election``, ``_single_system``,
# ``_csv_text``, ``_json`` and ``_save_plot``, imported inside the function).
_COMMAND_MODULES: tuple[str, ...] = ("electsim.audit._cli",)

COMMANDS: dict[str, Callable[[argparse.Namespace], str]] = {
    "allocate": _cmd_allocate,
    "compare": _cmd_compare,
    "breakpoints": _cmd_breakpoints,
    "tipping": _cmd_tipping,
    "simulate": _cmd_simulate,
}


# ----------------------------------------------------------------------------- entry point
def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def main(argv: list[str] | None = None) -> int:
    """Run the ``electsim`` command; return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 for input electsim refuses or a file error, 2 for a malformed command
        line (argparse).
    """
    args_list = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    args._given = [a.split("=", 1)[0] for a in args_list if a.startswith("--")]
    try:
        text = COMMANDS[args.command](args)
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except (ElectsimError, OSError) as exc:
        if isinstance(exc, BrokenPipeError):
            return 0
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback: report the unexpected error on one line
        print(f"{PROG}: error: unexpected {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return 1
    return 0
