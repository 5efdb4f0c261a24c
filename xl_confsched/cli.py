"""Command line: ``xl-confsched solve|check|clear|publish|new|build-addin``.

Every subcommand that reads a workbook dispatches on its kind (``kinds.detect_kind``),
so the same workflow serves the CSPLib conference template, the talk survey, the
personalised-scheduling and the budget workbooks.  Bad input never produces a
traceback: the cell-naming messages are printed and the exit code is 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import InputError
from .kinds import KINDS, SolveSettings, detect_kind, kind_by_name, unknown_kind_message
from .report import Report, write_report_file
from .tables import load_workbook_data

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_NO_SOLUTION = 3


def _print_issues(err: InputError) -> None:
    print(err.describe(), file=sys.stderr)
    warnings = [i for i in err.issues if i.severity == "warning"]
    if warnings:
        print("Warnings:", file=sys.stderr)
        for w in warnings:
            print(f"  - {w}", file=sys.stderr)


def _load(path: str):
    p = Path(path)
    if not p.exists():
        raise InputError([_issue(path, f"file not found: {path}. Give the path of an .xlsx/.xlsm workbook.")])
    try:
        return load_workbook_data(p)
    except InputError:
        raise
    except Exception as exc:  # unreadable zip, not a workbook…
        raise InputError([_issue(path, f"cannot open {path} as an Excel workbook ({exc}). Save it as .xlsx and try again.")]) from exc


def _issue(where: str, msg: str):
    from .errors import InputIssue
    return InputIssue(where, msg)


def _kind_for(data, forced: str | None):
    if forced:
        return kind_by_name(forced)
    kind = detect_kind(data)
    if kind is None:
        raise InputError([_issue(data.source or "workbook", unknown_kind_message(data))])
    return kind


def _print_report(report: Report, as_json: bool) -> None:
    from .report_text import report_as_dict, report_as_text

    if as_json:
        print(json.dumps(report_as_dict(report), indent=2, default=str))
    else:
        print(report_as_text(report))


def cmd_solve(args) -> int:
    data = _load(args.workbook)
    kind = _kind_for(data, args.kind)
    extra = {k: v for k, v in {
        "fix": args.fix, "from": args.start_from, "max_changes": args.max_changes, "hard_rules": args.hard_rules,
        "work": args.work,
    }.items() if v is not None}
    settings = SolveSettings(
        model=args.model, time_limit=args.time_limit, solver=args.solver, seed=args.seed,
        verbose=args.verbose, progress=(lambda msg: print(msg, file=sys.stderr, flush=True)) if not args.quiet else None,
        extra=extra,
    )
    report = kind.solve(data, settings)
    _print_report(report, args.json)
    if not report.ok:
        print("\nNo result was written; any previous results are unchanged.", file=sys.stderr)
        return EXIT_NO_SOLUTION
    out = Path(args.output) if args.output else Path(args.workbook).with_name(Path(args.workbook).stem + "_solved" + Path(args.workbook).suffix)
    write_report_file(args.workbook, report, out, result_sheets=list(kind.result_sheets))
    for write_side_file in report.side_files:
        for p in write_side_file(out):
            print(f"Also wrote {p}", file=sys.stderr)
    print(f"\nResults written to {out} (sheets: {', '.join(report.sheet_names)})", file=sys.stderr)
    return EXIT_OK


def cmd_check(args) -> int:
    data = _load(args.workbook)
    kind = _kind_for(data, args.kind)
    if kind.name == "csplib":
        from .csplib.workflow import check_solution_file
        report = check_solution_file(data, args.solution) if args.solution else kind.check(data)
    else:
        report = kind.check(data)
    _print_report(report, args.json)
    if args.output:
        # only the check's own sheets are replaced: a hand-edited schedule stays as it is
        write_report_file(args.workbook, report, args.output)
    return EXIT_OK


def cmd_publish(args) -> int:
    """Write the programme of the workbook's schedule as a web page and calendars into a folder."""
    from .publish.calendars import parse_zone
    from .publish.files import outputs, write_outputs

    data = _load(args.workbook)
    kind = _kind_for(data, args.kind)
    if not kind.publishes:
        raise InputError([_issue(args.workbook, f"a {kind.title} has no programme of talks to publish.")])
    prog, zone, extra, warnings = kind.programme(data)
    if args.time_zone:
        zone = parse_zone(args.time_zone)
        if zone is None:
            raise InputError([_issue("--time-zone", f"cannot read the time zone '{args.time_zone}'. Give an IANA "
                                                    f"name such as Europe/Brussels, or UTC+2 / GMT-5.")])
    pub = outputs(prog, zone, extra)
    out = Path(args.output) if args.output else Path(args.workbook).with_name(Path(args.workbook).stem + "_programme")
    write_outputs(out, pub.files)
    for w in warnings + pub.warnings:
        print(f"warning: {w}", file=sys.stderr)
    n_cal = sum(1 for f in pub.files if f.endswith(".ics"))
    print(f"Published {len(prog.talks)} talks to {out}: index.html and {n_cal} calendar(s).")
    return EXIT_OK


def cmd_clear(args) -> int:
    from openpyxl import load_workbook

    data = _load(args.workbook)
    kind = _kind_for(data, args.kind)
    path = Path(args.workbook)
    wb = load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    removed = [n for n in wb.sheetnames if n in kind.result_sheets]
    for n in removed:
        del wb[n]
    wb.save(args.output or path)
    print(f"Removed result sheets: {', '.join(removed) or 'none'}")
    return EXIT_OK


def cmd_new(args) -> int:
    import importlib

    kind = kind_by_name(args.kind)
    mod = importlib.import_module(kind.module.rsplit(".", 1)[0] + ".template")
    fn = mod.example_workbook if args.example else mod.blank_workbook
    path = fn(args.output)
    print(f"Wrote {'example' if args.example else 'blank'} {kind.title} workbook: {path}")
    return EXIT_OK


def cmd_build_addin(args) -> int:
    from .addin_build import build_all

    paths = build_all(Path(args.output_dir))
    for p in paths:
        print(f"built {p}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="xl-confsched", description="Conference planning that lives in Excel.")
    sub = p.add_subparsers(dest="command", required=True)
    kinds = [k.name for k in KINDS]

    s = sub.add_parser("solve", help="solve a workbook and write the result sheets")
    s.add_argument("workbook")
    s.add_argument("-o", "--output", help="output workbook (default: <name>_solved.xlsx next to the input)")
    s.add_argument("--kind", choices=kinds, help="workbook kind (default: detected from the sheets)")
    s.add_argument("--model", help="model variant: for conference schedules full|exact|extended")
    s.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    s.add_argument("--solver", choices=["cbc", "highs"], default="cbc")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--fix", help="solution workbook whose schedule is kept fixed")
    s.add_argument("--from", dest="start_from", help="solution workbook to start from (warm start)")
    s.add_argument("--max-changes", type=int, help="with --from: move at most this many submissions")
    s.add_argument("--work", type=int, metavar="N",
                   help="conference schedules: a fixed amount of search (N neighbourhood sub-problems, node-limited) "
                        "instead of searching until the time limit, so the same seed gives the same schedule")
    s.add_argument("--hard-rules", choices=["presenters", "all", "none"],
                   help="conference schedules: which of the paper's hard rules hold besides the weighted objective "
                        "(default all: no presenter in two places and one room per track, as in the paper's exact "
                        "model; presenters: only the first, rooms per track as the instance weighs them; "
                        "none: only the weights)")
    s.add_argument("--json", action="store_true", help="print the result as JSON")
    s.add_argument("--quiet", action="store_true", help="no progress lines")
    s.add_argument("--verbose", action="store_true", help="show the solver's own log")
    s.set_defaults(func=cmd_solve)

    c = sub.add_parser("check", help="score a schedule term by term")
    c.add_argument("workbook")
    c.add_argument("solution", nargs="?", help="CSPLib solution workbook (sheet 'sol'); default: the workbook's own Schedule")
    c.add_argument("--kind", choices=kinds)
    c.add_argument("--json", action="store_true")
    c.add_argument("-o", "--output", help="also write the check's result sheets to this workbook")
    c.set_defaults(func=cmd_check)

    cl = sub.add_parser("clear", help="remove result sheets, keep the input sheets")
    cl.add_argument("workbook")
    cl.add_argument("-o", "--output")
    cl.add_argument("--kind", choices=kinds)
    cl.set_defaults(func=cmd_clear)

    pb = sub.add_parser("publish", help="write the programme as a web page (index.html) and .ics calendars")
    pb.add_argument("workbook")
    pb.add_argument("-o", "--output", help="folder to write (default: <name>_programme next to the workbook)")
    pb.add_argument("--kind", choices=kinds)
    pb.add_argument("--time-zone", help="the conference's time zone for the calendars (e.g. Europe/Brussels, "
                                        "UTC+2), when the workbook does not say")
    pb.set_defaults(func=cmd_publish)

    n = sub.add_parser("new", help="write a blank or example workbook")
    n.add_argument("output")
    n.add_argument("--kind", choices=kinds, default="csplib")
    n.add_argument("--example", action="store_true", help="filled example instead of a blank template")
    n.set_defaults(func=cmd_new)

    b = sub.add_parser("build-addin", help="build the .xlam add-in and .xlsm templates from vba/")
    b.add_argument("--output-dir", default="dist")
    b.set_defaults(func=cmd_build_addin)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as err:
        _print_issues(err)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
