"""Workbook kinds: one entry per planning model, found from the workbook's sheets.

The CLI (``xl-confsched solve|check|clear``) and the Excel buttons
(``xl_confsched.excel``) never know about a model directly: they load the workbook
data, call :func:`detect_kind`, and use the kind's ``solve`` / ``check`` functions,
which take a :class:`~xl_confsched.tables.WorkbookData` and return a
:class:`~xl_confsched.report.Report`.  Each model registers itself here.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from .errors import InputError, InputIssue
from .report import STATUS_SHEET, Report, status_sheet
from .tables import WorkbookData

if TYPE_CHECKING:  # solvers imports PuLP: not needed to read a workbook
    from .solvers import CancelToken


@dataclass
class SolveSettings:
    """What the organiser can set (CLI flags, the Excel Settings, a Settings sheet), typed."""

    model: str | None = None  # kind-specific model variant, e.g. "exact" / "extended" / "full"
    time_limit: float = 60.0
    solver: str = "cbc"  # "cbc" or "highs"
    seed: int = 0
    threads: int | None = None
    verbose: bool = False
    progress: Callable[[str], None] | None = None  # called with one-line progress messages
    cancel: CancelToken | None = None  # cancelled (Excel's Cancel): stop and return the best schedule so far
    # when the command started (time.perf_counter()): the answer is due time_limit seconds after it,
    # reading and writing included (None: when the solve itself starts)
    started: float | None = None
    # conference schedules (csplib kind)
    hard_rules: str = "none"  # "none" | "presenters" | "all": which of the paper's hard rules hold
    work: int | None = None  # a fixed amount of search (reproducible runs)
    fix: str | None = None  # solution workbook whose schedule is kept fixed
    start_from: str | None = None  # solution workbook to start from
    max_changes: int | None = None  # with start_from: move at most this many submissions
    # talk schedules (talks kind)
    background_search: bool = True  # a local search on the second core


@dataclass
class WorkbookKind:
    name: str  # "csplib", "talks", "personal", "budget"
    title: str  # for messages, e.g. "conference schedule (CSPLib)"
    signature: tuple[str, ...]  # sheets whose presence identifies the kind
    module: str  # module path providing solve(data, settings) and check(data)
    result_sheets: tuple[str, ...]  # sheets that Clear results removes

    models: tuple[str, ...] = ()  # values of --model / Settings ▸ model this kind accepts (empty: none)
    options: tuple[str, ...] = ()  # kind-specific solve options it accepts (CLI flags, e.g. "fix", "work")

    def _mod(self):
        return importlib.import_module(self.module)

    def solve(self, data: WorkbookData, settings: SolveSettings) -> Report:
        """The kind's solve; ``settings.cancel`` reaches every solver call inside it (solvers.cancel_scope)."""
        from .solvers import cancel_scope

        with cancel_scope(settings.cancel):
            return self._with_notices(data, lambda: self._mod().solve(data, settings))

    def check(self, data: WorkbookData) -> Report:
        return self._with_notices(data, lambda: self._mod().check(data))

    def _with_notices(self, data: WorkbookData, run: Callable[[], Report]) -> Report:
        """Run the kind's solve/check; what loading the workbook noticed joins its warnings."""
        notices = data.notices(self.result_sheets)
        try:
            report = run()
        except InputError as err:
            err.issues.extend(notices)
            raise
        if notices:
            add_warnings(report, notices)
        return report

    @property
    def publishes(self) -> bool:
        """The kind schedules talks: it has a programme to publish (web page, calendars)."""
        return hasattr(self._mod(), "programme")

    def programme(self, data: WorkbookData):
        """(Programme, calendar zone or None, extra calendar groups, warnings) of the schedule the workbook holds."""
        return self._mod().programme(data)


KINDS: list[WorkbookKind] = [
    WorkbookKind(
        name="csplib",
        title="conference schedule (CSPLib template)",
        signature=("submissions", "tracks", "sessions", "rooms", "parameters"),
        module="xl_confsched.csplib.workflow",
        result_sheets=("Schedule", "Programme", "Live checks", "Violations", "Achievement", "Run", "Status"),
        models=("full", "exact", "extended"),
        options=("fix", "from", "max_changes", "hard_rules", "work", "solution"),
    ),
    WorkbookKind(
        name="talks",
        title="talk schedule from an interest survey",
        signature=("Talks", "Venues", "Timeslots", "Survey"),
        module="xl_confsched.talks.workflow",
        result_sheets=("Talk Grid", "Programme", "Talk Table", "Talk Conflicts", "Talk Pairs", "Attendee Misses", "Achievement", "Run", "Status"),
        models=("groups", "pairs", "direct"),
    ),
    WorkbookKind(
        name="personal",
        title="personalised schedule from participant profiles",
        signature=("Talks", "Profiles", "Structure"),
        module="xl_confsched.personal.workflow",
        result_sheets=("Schedule", "Programme", "Itineraries", "Chairs", "Achievement", "Run", "Status"),
    ),
    WorkbookKind(
        name="budget",
        title="attendance budget allocation",
        signature=("Conferences", "Flights", "Budget"),
        module="xl_confsched.budget.workflow",
        # "Scenarios" is an input sheet of this kind, so the scenario results get their own name
        result_sheets=("Comparison", "Allocation", "Scenario Results", "Run", "Status"),
        models=("ilp",),
    ),
    WorkbookKind(
        name="assignment",
        title="assignment of items to places × slots under rules in words",
        signature=("Items", "Places", "Slots", "Rules"),
        module="xl_confsched.assignment.workflow",
        result_sheets=("Assignment Grid", "Programme", "Assignment Table", "Rule Status", "Achievement", "Run", "Status"),
    ),
]


def add_warnings(report: Report, issues: list[InputIssue]) -> None:
    """Add warnings to a report: its issues and its Status sheet (made when it has none)."""
    report.issues = list(issues) + list(report.issues)
    for sheet in report.sheets:
        if sheet.name == STATUS_SHEET and sheet.blocks:
            fresh = status_sheet(issues).blocks[0].rows[1:]
            rows = sheet.blocks[0].rows
            rows[1:1] = fresh
            return
    report.sheets.append(status_sheet(report.issues, report.summary or "Warnings about the input"))


def detect_kind(data: WorkbookData) -> WorkbookKind | None:
    """The kind whose signature sheets are all present (most specific first); names without regard to case."""
    matches = [k for k in KINDS if all(s in data for s in k.signature)]
    if not matches:
        return None
    return max(matches, key=lambda k: len(k.signature))


def kind_by_name(name: str) -> WorkbookKind:
    for k in KINDS:
        if k.name == name:
            return k
    raise KeyError(name)


def unknown_kind_message(data: WorkbookData) -> str:
    lines = [f"{data.source or 'This workbook'} is not a workbook xl_confsched knows. It has the sheets: "
             + ", ".join(data.names()) + "."]
    for k in KINDS:
        missing = [s for s in k.signature if s not in data]
        lines.append(f"      · a {k.title} needs the sheets {', '.join(k.signature)} (missing: {', '.join(missing)})")
    lines.append("Start from a template: `xl-confsched new --kind KIND OUT.xlsx`.")
    return "\n".join(lines)


def normalise_name(name: str) -> str:
    """Sheet / Table / defined-name key: lower case, runs of other characters as ``_``."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def expected_table_names() -> list[str]:
    """Input sheet names the kinds know (signatures and, where a reader lists them, all its sheets)."""
    names: list[str] = []
    for kind in KINDS:
        names.extend(kind.signature)
        pkg = kind.module.rsplit(".", 1)[0]
        try:
            reader = importlib.import_module(pkg + ".reader")
        except Exception:  # noqa: BLE001 - kind not written yet / optional
            continue
        names.extend(s for s in getattr(reader, "SHEETS", []) if isinstance(s, str))
        names.extend(s for s in getattr(reader, "OPTIONAL_SHEETS", []) if isinstance(s, str))
    return list(dict.fromkeys(names))
