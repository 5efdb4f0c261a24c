"""Command line: ``xl-confsched solve|check|clear|publish|new|build-addin|addin``.

Every subcommand that reads a workbook dispatches on its kind (``kinds.detect_kind``),
so the same workflow serves the CSPLib conference template, the talk survey, the
personalised-scheduling and the budget workbooks.

Nothing the organiser types produces a traceback.  Every argument and every path is
checked *before* any solving starts; every problem is one sentence naming the file, sheet
or cell and what to do.  Exit codes:

====  =====================================================================
 0    done (solved, checked, cleared, written)
 1    internal error (a bug: the message says how to report it)
 2    bad input: an argument, a file, or the workbook's content (every problem listed)
 3    no schedule: the solve found no usable result; nothing was written
 4    an output could not be written (permissions, full disk…); nothing was changed
130   cancelled (Ctrl-C or a termination signal); nothing was written
====  =====================================================================

All outputs of a command (workbook, ``_sol.xlsx``, calendars…) are written together
through :mod:`xl_confsched.writing`, or none of them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
from pathlib import Path

from .errors import InputError, InputIssue
from .kinds import KINDS, SolveSettings, WorkbookKind, detect_kind, kind_by_name, unknown_kind_message
from .report import Report, write_report_file, write_result_files
from .tables import load_workbook_data
from .writing import OutputError, check_output_path

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_NO_SOLUTION = 3
EXIT_WRITE_FAILED = 4
EXIT_CANCELLED = 130

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
MAX_TIME_LIMIT = 7 * 24 * 3600.0  # a week
MAX_SEED = 2**31 - 1  # CBC and HiGHS take 32-bit seeds

# kind-specific CLI options: (settings key, flag shown in messages)
_KIND_OPTIONS = (("fix", "--fix"), ("from", "--from"), ("max_changes", "--max-changes"),
                 ("hard_rules", "--hard-rules"), ("work", "--work"))


class Cancelled(BaseException):
    """A termination signal (SIGTERM, SIGHUP): the run is cancelled, nothing is written.

    Not a KeyboardInterrupt on purpose: a conference solve treats Ctrl-C as "stop searching and
    keep the best schedule", but a termination must not write anything; unwinding through every
    ``finally`` stops the solver processes on the way."""


# --------------------------------------------------------------------------------------
# argument types (argparse reports their errors as "argument --x: …", exit code 2)
# --------------------------------------------------------------------------------------

def _seconds(text: str) -> float:
    try:
        x = float(text.strip().replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds (e.g. 60)") from None
    if not math.isfinite(x) or x <= 0:
        raise argparse.ArgumentTypeError(f"the time limit must be a positive number of seconds, not '{text}'")
    if x > MAX_TIME_LIMIT:
        raise argparse.ArgumentTypeError(f"the time limit {text} s is more than a week ({MAX_TIME_LIMIT:.0f} s); "
                                         "give at most that")
    return x


def _whole(lo: int, hi: int, what: str):
    def parse(text: str) -> int:
        s = text.strip()
        try:
            x = int(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, not '{text}'") from None
        if not lo <= x <= hi:
            raise argparse.ArgumentTypeError(f"{what} must be from {lo:,} to {hi:,}, not {x:,}")
        return x
    return parse


# --------------------------------------------------------------------------------------
# checks before any work
# --------------------------------------------------------------------------------------

def _issue(where: str, msg: str) -> InputIssue:
    return InputIssue(where, msg)


def _load(path: str):
    """The workbook's data; a file that is missing or not a workbook is one clear sentence (exit 2)."""
    return load_workbook_data(Path(path))


def _kind_for(data, forced: str | None) -> WorkbookKind:
    if forced:
        return kind_by_name(forced)
    kind = detect_kind(data)
    if kind is None:
        raise InputError([_issue(data.source or "workbook", unknown_kind_message(data))])
    return kind


def _check_output(path: str | Path, source: str | Path | None, what: str = "output") -> None:
    why = check_output_path(path, suffixes=WORKBOOK_SUFFIXES, what=what)
    if why is None and source is not None and Path(path).suffix.lower() == ".xlsm" \
            and Path(source).suffix.lower() != ".xlsm":
        why = (f"the {what} {path} is a macro-enabled .xlsm file but {source} has no macros; "
               "write an .xlsx file instead.")
    if why:
        raise InputError([_issue(str(path), why)])


def _default_output(workbook: str) -> Path:
    p = Path(workbook)
    return p.with_name(p.stem + "_solved" + p.suffix)


def _check_solve_args(args, kind: WorkbookKind) -> list[InputIssue]:
    """Every kind-specific argument of ``solve`` checked against the workbook's kind."""
    problems: list[InputIssue] = []
    if args.model is not None:
        if not kind.models:
            problems.append(_issue("--model", f"a {kind.title} has no model variants; leave out --model."))
        elif args.model.strip().lower() not in kind.models:
            problems.append(_issue("--model", f"unknown model '{args.model}' for a {kind.title}. "
                                              f"Use one of: {', '.join(kind.models)}."))
    for key, flag in _KIND_OPTIONS:
        value = getattr(args, "start_from" if key == "from" else key)
        if value is not None and key not in kind.options:
            owners = [k.title for k in KINDS if key in k.options]
            problems.append(_issue(flag, f"{flag} applies to {' and '.join(owners) or 'no workbook kind'} only, "
                                         f"not to a {kind.title}; leave it out."))
    for flag, path in (("--fix", args.fix), ("--from", args.start_from)):
        if path is not None and "fix" in kind.options:
            try:
                load_workbook_data(path)
            except InputError as err:
                problems.extend(_issue(flag, f"{flag} {path}: {i.message}") for i in err.errors)
    if args.max_changes is not None and args.start_from is None and args.fix is None and "fix" in kind.options:
        pass  # the schedule already in the workbook (Locked column) is the start; the optimiser says if there is none
    return problems


# --------------------------------------------------------------------------------------
# commands
# --------------------------------------------------------------------------------------

def _print_issues(err: InputError) -> None:
    print(err.describe(), file=sys.stderr)
    warnings = [i for i in err.issues if i.severity == "warning"]
    if warnings:
        print("Warnings:", file=sys.stderr)
        for w in warnings:
            print(f"  - {w}", file=sys.stderr)


def _print_report(report: Report, as_json: bool) -> None:
    from .report_text import report_as_dict, report_as_text

    if as_json:
        print(json.dumps(report_as_dict(report), indent=2, default=str))
    else:
        print(report_as_text(report))


def _stored_hard_rules(data) -> str:
    """The hard rules stored in the workbook by Conference ▸ Settings (so the command line and Excel
    solve alike), else the default."""
    from .csplib.model import DEFAULT_HARD_RULES
    from .csplib.workflow import stored_hard_rules

    choice, problem = stored_hard_rules(data)
    if problem:
        print(problem, file=sys.stderr)
    return choice or DEFAULT_HARD_RULES


def cmd_solve(args) -> int:
    data = _load(args.workbook)
    kind = _kind_for(data, args.kind)
    out = Path(args.output) if args.output else _default_output(args.workbook)
    problems = _check_solve_args(args, kind)
    try:
        _check_output(out, args.workbook)
    except InputError as err:
        problems.extend(err.issues)
    if problems:
        raise InputError(problems)
    settings = SolveSettings(
        model=args.model.strip().lower() if args.model else None, time_limit=args.time_limit, solver=args.solver,
        seed=args.seed, verbose=args.verbose,
        progress=(lambda msg: print(msg, file=sys.stderr, flush=True)) if not args.quiet else None,
        started=args.started, hard_rules=args.hard_rules or _stored_hard_rules(data), work=args.work, fix=args.fix,
        start_from=args.start_from, max_changes=args.max_changes,
    )
    report = kind.solve(data, settings)
    _print_report(report, args.json)
    if not report.ok or not report.sheets:
        print("\nNo result was written; any previous results are unchanged.", file=sys.stderr)
        return EXIT_NO_SOLUTION
    written = write_result_files(args.workbook, report, out, result_sheets=list(kind.result_sheets))
    for p in written[1:]:
        print(f"Also wrote {p}", file=sys.stderr)
    print(f"\nResults written to {out} (sheets: {', '.join(report.sheet_names)})", file=sys.stderr)
    return EXIT_OK


def cmd_check(args) -> int:
    data = _load(args.workbook)
    kind = _kind_for(data, args.kind)
    problems: list[InputIssue] = []
    if args.solution is not None:
        if "solution" not in kind.options:
            problems.append(_issue(args.solution, f"a solution file applies to conference schedules only, not to a "
                                                  f"{kind.title}; leave it out (Check scores the workbook's own "
                                                  "schedule)."))
        else:
            try:
                load_workbook_data(args.solution)
            except InputError as err:
                problems.extend(err.errors)
    if args.output:
        try:
            _check_output(args.output, args.workbook)
        except InputError as err:
            problems.extend(err.issues)
    if problems:
        raise InputError(problems)
    if args.solution is not None:
        from .csplib.workflow import check_solution_file

        report = check_solution_file(data, args.solution)
    else:
        report = kind.check(data)
    _print_report(report, args.json)
    if args.output:
        # only the check's own sheets are replaced: a hand-edited schedule stays as it is
        write_report_file(args.workbook, report, args.output)
        print(f"\nCheck results written to {args.output}", file=sys.stderr)
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
    out = Path(args.output) if args.output else Path(args.workbook).with_name(Path(args.workbook).stem + "_programme")
    why = None
    if out.exists() and not out.is_dir():
        why = f"{out} is a file; give a folder for the published programme (it is created if missing)."
    elif not (out.parent if str(out.parent) else Path(".")).is_dir():
        why = f"the folder {out.parent} does not exist; create it first or choose another place for {out.name}."
    elif not os.access(out.parent if str(out.parent) else Path("."), os.W_OK | os.X_OK):
        why = f"the folder {out.parent.resolve()} is not writable (permission denied); choose another place."
    if why:
        raise InputError([_issue(str(out), why)])
    pub = outputs(prog, zone, extra)
    write_outputs(out, pub.files)
    for w in warnings + pub.warnings:
        print(f"warning: {w}", file=sys.stderr)
    n_cal = sum(1 for f in pub.files if f.endswith(".ics"))
    print(f"Published {len(prog.talks)} talks to {out}: index.html and {n_cal} calendar(s).")
    return EXIT_OK


def cmd_clear(args) -> int:
    data = _load(args.workbook)
    kind = _kind_for(data, args.kind)
    out = Path(args.output or args.workbook)
    _check_output(out, args.workbook)
    present = {n.casefold(): n for n in data.names()}
    removed = [present[n.casefold()] for n in kind.result_sheets if n.casefold() in present
               and n.casefold() not in {s.casefold() for s in kind.signature}]
    if not removed and not args.output:
        print("There are no result sheets to remove; the workbook was not touched.")
        return EXIT_OK
    write_report_file(args.workbook, Report(kind=kind.name), out,
                      result_sheets=[n for n in kind.result_sheets if n not in kind.signature])
    print(f"Removed result sheets: {', '.join(removed) or 'none'}" + (f" (written to {out})" if args.output else ""))
    return EXIT_OK


def cmd_new(args) -> int:
    import importlib

    from .writing import Outputs

    kind = kind_by_name(args.kind)
    target = Path(args.output)
    why = check_output_path(target, suffixes=(".xlsx",), what="new workbook")
    if why is None and target.exists() and not args.force:
        why = (f"{target} already exists; choose another name, or add --force to replace it "
               "(its contents would be lost).")
    if why:
        raise InputError([_issue(str(target), why)])
    if args.euro and (kind.name != "csplib" or args.example):
        raise InputError([_issue("--euro", "--euro writes a generated EURO-sized conference workbook: use it with "
                                           "--kind csplib and without --example.")])
    mod = importlib.import_module(kind.module.rsplit(".", 1)[0] + ".template")
    fn = mod.example_workbook if args.example else mod.blank_workbook
    if args.euro:
        from .csplib.generator import write_euro as fn
    with Outputs() as files:
        fn(files.temp_path(target))
        files.commit()
    what = "EURO-sized (generated)" if args.euro else "example" if args.example else "blank"
    print(f"Wrote {what} {kind.title} workbook: {target}")
    return EXIT_OK


def cmd_build_addin(args) -> int:
    from .addin_build import build_all

    folder = Path(args.output_dir)
    if folder.exists() and not folder.is_dir():
        raise InputError([_issue(str(folder), f"{folder} is a file, not a folder; give a folder for the add-in.")])
    paths = build_all(folder)
    for p in paths:
        print(f"built {p}")
    return EXIT_OK


def cmd_addin(args) -> int:
    """``addin install|remove [--dir]``: the add-in in Excel's start-up folder (or ``--dir``)."""
    from .addin_build import BuildError, install, remove

    try:
        if args.action == "install":
            print(install(args.dir).describe())
        else:
            gone = remove(args.dir)
            print(f"Removed the Conference add-in: {gone}" if gone else
                  "The Conference add-in was not installed there; nothing to remove.")
    except BuildError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_WRITE_FAILED
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="xl-confsched", description="Conference planning that lives in Excel.",
        epilog="Exit codes: 0 done, 1 internal error, 2 bad input (arguments, files or workbook content), "
               "3 no schedule found (nothing written), 4 an output could not be written (nothing changed), "
               "130 cancelled.")
    sub = p.add_subparsers(dest="command", required=True)
    kinds = [k.name for k in KINDS]

    s = sub.add_parser("solve", help="solve a workbook and write the result sheets")
    s.add_argument("workbook")
    s.add_argument("-o", "--output", help="output workbook (default: <name>_solved.xlsx next to the input)")
    s.add_argument("--kind", choices=kinds, help="workbook kind (default: detected from the sheets)")
    s.add_argument("--model", help="model variant: conference schedules full|exact|extended, "
                                   "talk schedules groups|pairs|direct")
    s.add_argument("--time-limit", type=_seconds, default=60.0, help="seconds (default 60, at most a week)")
    s.add_argument("--solver", choices=["cbc", "highs"], default="cbc")
    s.add_argument("--seed", type=_whole(0, MAX_SEED, "the seed"), default=0)
    s.add_argument("--fix", help="solution workbook whose schedule is kept fixed")
    s.add_argument("--from", dest="start_from", help="solution workbook to start from (warm start)")
    s.add_argument("--max-changes", type=_whole(0, 10_000_000, "--max-changes"),
                   help="with --from: move at most this many submissions")
    s.add_argument("--work", type=_whole(1, 1_000_000, "--work"), metavar="N",
                   help="conference schedules: a fixed amount of search (N neighbourhood sub-problems, node-limited) "
                        "instead of searching until the time limit, so the same seed gives the same schedule")
    s.add_argument("--hard-rules", choices=["presenters", "all", "none"],
                   help="conference schedules: which of the paper's hard rules hold besides the weighted objective "
                        "(none: only the weights; presenters: no presenter in two places; all: also one room per "
                        "track, as in the paper's exact model; default: the workbook's stored setting "
                        "(Conference > Settings), else none)")
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
    n.add_argument("--force", action="store_true", help="replace an existing file of that name")
    n.add_argument("--euro", action="store_true",
                   help="conference (csplib): a generated EURO-sized conference (1,850 submissions, 120 tracks, "
                        "50 rooms, 20 sessions; fixed seed), e.g. for benchmarks")
    n.set_defaults(func=cmd_new)

    b = sub.add_parser("build-addin", help="build the .xlam add-in and the .xlsm templates (to distribute them)")
    b.add_argument("--output-dir", default="dist")
    b.set_defaults(func=cmd_build_addin)

    a = sub.add_parser("addin", help="install or remove the Conference add-in (built against the installed xlwings)")
    a.add_argument("action", choices=["install", "remove"])
    a.add_argument("--dir", help="folder to install into / remove from (default: Excel's start-up folder, XLSTART)")
    a.set_defaults(func=cmd_addin)
    return p


def _stop_children() -> None:
    """Stop worker processes a cancelled solve left running (e.g. a search on the second core), so the
    program ends now instead of waiting for them."""
    try:
        import multiprocessing

        children = multiprocessing.active_children()
    except Exception:  # noqa: BLE001
        return
    for c in children:
        try:
            c.terminate()
        except Exception:  # noqa: BLE001
            pass
    for c in children:
        try:
            c.join(timeout=5)
            if c.is_alive():
                c.kill()
        except Exception:  # noqa: BLE001
            pass


def _internal(exc: BaseException) -> int:
    if os.environ.get("XL_CONFSCHED_DEBUG"):
        raise exc
    print(f"Internal error ({type(exc).__name__}: {exc}). Nothing was written. This is a bug in xl-confsched: "
          "please report it with the command you ran (set XL_CONFSCHED_DEBUG=1 to see the details).",
          file=sys.stderr)
    return EXIT_INTERNAL


def _terminate(signum, _frame):
    raise Cancelled(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    import time

    started = time.perf_counter()  # --time-limit counts from here: reading and writing included
    args = build_parser().parse_args(argv)
    args.started = started
    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                previous[sig] = signal.signal(sig, _terminate)
            except (ValueError, OSError):  # not the main thread
                pass
    try:
        return args.func(args)
    except InputError as err:
        _print_issues(err)
        return EXIT_BAD_INPUT
    except OutputError as err:
        print(f"Error: {err}", file=sys.stderr)
        return EXIT_WRITE_FAILED
    except (KeyboardInterrupt, Cancelled):
        _stop_children()
        print("Cancelled. Nothing was written; any previous results are unchanged.", file=sys.stderr)
        return EXIT_CANCELLED
    except OSError as exc:
        import errno

        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            print(f"Error: permission denied for {exc.filename or 'a file'}. Nothing was written; any previous "
                  "results are unchanged. Choose a folder you can write to.", file=sys.stderr)
            return EXIT_WRITE_FAILED
        if exc.errno not in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1)):
            return _internal(exc)
        print("Error: the disk is full or a file size limit or quota was reached while working "
              f"({exc.filename or 'a temporary file'}). Nothing was written; any previous results are unchanged. "
              "Free some space and try again.", file=sys.stderr)
        return EXIT_WRITE_FAILED
    except MemoryError:
        print("Error: the computer ran out of memory. Nothing was written. Reduce the size of the problem "
              "(fewer submissions, sessions or time slots) or use a computer with more memory.", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # noqa: BLE001 - a bug: say so in one sentence, traceback on request
        return _internal(exc)
    finally:
        for sig, handler in previous.items():
            try:
                signal.signal(sig, handler)
            except (ValueError, OSError):
                pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
