"""The attendance-budget problem as validated data, read from the workbook's input sheets.

Every value remembers the cell it came from (``refs``), so result sheets can refer to the
organiser's own input cells in live formulas and messages can name the cell to fix.

Sheets (the header row may sit below a title; it is found by its first label):

* ``Conferences``: Conference | Region | Days | Registration fee | Demand score | Flagship
* ``Flights``: Region | Flight cost per person
* ``PerDiem``: Region | Hotel per day | Food per day  (Region "All" or blank = every region)
* ``Budget``: Setting | Value  (T&E budget, Registration budget, Minimum per flagship,
  Maximum per flagship, Flagship seat target, Seat target rule, Non-flagship seat T&E cost)
* ``Strategies`` (optional): Strategy | Attendees per flagship
* ``Scenarios`` (optional): Scenario | Seat target | Min per flagship | Max per flagship |
  T&E budget | Registration budget | Non-flagship seat T&E cost | Demand adj: <conference>…
"""

from __future__ import annotations

import re
from typing import Any, Literal, Optional

from pydantic import BaseModel, Field

from .. import cells
from ..errors import InputIssue, IssueLog
from ..tables import Table, WorkbookData, is_blank

SeatRule = Literal["exactly", "at least", "at most"]

CONFERENCES = "Conferences"
FLIGHTS = "Flights"
PERDIEM = "PerDiem"
BUDGET = "Budget"
STRATEGIES = "Strategies"
SCENARIOS = "Scenarios"
INPUT_SHEETS = (CONFERENCES, FLIGHTS, PERDIEM, BUDGET, STRATEGIES, SCENARIOS)


class Conference(BaseModel):
    name: str
    region: str
    days: float = Field(ge=0)
    registration_fee: float = Field(ge=0)
    demand: float
    flagship: bool = True
    flight: float = 0.0
    hotel: float = 0.0
    food: float = 0.0
    # cell references of the inputs: name, region, days, fee, demand, flight, hotel, food
    refs: dict[str, str] = {}

    @property
    def te_per_person(self) -> float:
        """T&E per person = flight + days × (hotel + food)."""
        return self.flight + self.days * (self.hotel + self.food)


class BudgetSettings(BaseModel):
    te_budget: float
    registration_budget: float
    min_per_flagship: int = 0
    max_per_flagship: Optional[int] = None
    seat_target: Optional[int] = None
    seat_rule: SeatRule = "exactly"
    non_flagship_seat_cost: Optional[float] = None
    non_flagship_cost_note: str = ""
    refs: dict[str, str] = {}  # setting key -> Budget!B5 style cell of its value


class Strategy(BaseModel):
    name: str
    headcount: int = Field(ge=0)
    ref: str = ""


class Scenario(BaseModel):
    name: str
    seat_target: Optional[int] = None
    min_per_flagship: Optional[int] = None
    max_per_flagship: Optional[int] = None
    te_budget: Optional[float] = None
    registration_budget: Optional[float] = None
    non_flagship_seat_cost: Optional[float] = None
    demand_adjustments: dict[str, float] = {}  # conference name -> added to the demand score
    ref: str = ""


class BudgetProblem(BaseModel):
    flagships: list[Conference]
    others: list[Conference] = []  # non-flagship conferences (informative; their T&E can price a seat)
    settings: BudgetSettings
    strategies: list[Strategy] = []
    scenarios: list[Scenario] = []

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.flagships]


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------

def norm(text: Any) -> str:
    """Lower-case label with everything but letters, digits and & removed."""
    return re.sub(r"[^a-z0-9&]+", "", str(text).lower()) if text is not None else ""


def find_header(table: Table, first_labels: tuple[str, ...], scan: int = 15) -> Table | None:
    """The sub-table whose header row is the first row (of the first ``scan``) holding one of ``first_labels``."""
    wanted = {norm(x) for x in first_labels}
    for i in range(min(scan, table.n_rows)):
        if any(norm(v) in wanted for v in table.rows[i] if isinstance(v, str)):
            return Table(sheet=table.sheet, rows=table.rows[i:], origin_row=table.origin_row + i,
                         origin_col=table.origin_col)
    return None


def column(table: Table, *labels: str) -> int | None:
    want = {norm(x) for x in labels}
    for j, v in enumerate(table.header()):
        if isinstance(v, str) and norm(v) in want:
            return j
    return None


MONEY_MAX = 1e12  # budgets, fees, costs
DAYS_MAX = 366
HEADCOUNT_MAX = 1_000_000
SCORE_MAX = 1e9


def parse_number(value: Any) -> float | None:
    """A finite number from a cell: int/float, or text such as "1,200" or "$ 2,650" (the one rule of
    :mod:`xl_confsched.cells`). None if not a number."""
    try:
        return float(cells.number(value))
    except cells.CellError:
        return None


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


class _Reader:
    def __init__(self, log: IssueLog):
        self.log = log

    def number(self, t: Table, i: int, j: int, what: str, *, minimum: float | None = 0,
               integer: bool = False, required: bool = True, maximum: float | None = None) -> float | None:
        v = t.value(i, j)
        if cells.blank(v):
            if required:
                self.log.error(t.ref(i, j), f"{what} is empty; type a number.")
            return None
        x = parse_number(v)
        if x is None:
            err = cells.excel_error(v)
            self.log.error(t.ref(i, j), f"{what} must be a number, not {cells.shown(v)}"
                                        + (" (the Excel error of a formula that failed)" if err else "") + ".")
            return None
        if minimum is not None and x < minimum:
            self.log.error(t.ref(i, j), f"{what} must be at least {_fmt(minimum)}, not {_fmt(x)}.")
            return None
        top = maximum if maximum is not None else (HEADCOUNT_MAX if integer else MONEY_MAX)
        if abs(x) > top:
            self.log.error(t.ref(i, j), f"{what} is {_fmt(x)}; it must be at most {_fmt(top)}.")
            return None
        if integer and not float(x).is_integer():
            self.log.error(t.ref(i, j), f"{what} must be a whole number of attendees, not {x:g}.")
            return None
        if isinstance(v, str) and cells.is_ambiguous_thousands(v):
            self.log.warn(t.ref(i, j), f"{what}: {cells.shown(v)} is read as {_fmt(x)} (the comma as a thousands "
                                       "separator).")
        return x

    def text(self, t: Table, i: int, j: int | None) -> str:
        v = t.value(i, j) if j is not None else None
        if j is not None and cells.excel_error(v):
            self.log.error(t.ref(i, j), f"this cell is the Excel error {cells.excel_error(v)} (a formula that "
                                        "failed), not a name; fix the formula or type the name.")
            return ""
        return cells.text(v)


def _sheet(data: WorkbookData, name: str, labels: tuple[str, ...], log: IssueLog, required: bool,
           describe: str) -> Table | None:
    raw = data.get(name)
    if raw is None:
        # tolerate a different capitalisation of the sheet name
        for other in data.names():
            if norm(other) == norm(name):
                raw = data.get(other)
                break
    if raw is None:
        if required:
            log.error(name, f"the workbook has no '{name}' sheet; add one with the columns {describe} "
                            "(`xl-confsched new --kind budget` writes a template).")
        return None
    t = find_header(raw, labels)
    if t is None:
        log.error(raw.sheet, f"no header row found on '{raw.sheet}': the table needs the columns {describe} "
                             f"(the first header cell reads '{labels[0]}').")
    return t


def _is_empty_row(row: list[Any]) -> bool:
    return all(is_blank(v) for v in row)


# --------------------------------------------------------------------------------------
# Budget settings
# --------------------------------------------------------------------------------------

SETTING_ALIASES: dict[str, tuple[str, ...]] = {
    "te_budget": ("T&E budget", "TE budget", "Travel and expense budget", "Travel & expense budget"),
    "registration_budget": ("Registration budget",),
    "min_per_flagship": ("Minimum per flagship", "Min per flagship", "Minimum attendees per flagship"),
    "max_per_flagship": ("Maximum per flagship", "Max per flagship", "Maximum attendees per flagship"),
    "seat_target": ("Flagship seat target", "Seat target"),
    "seat_rule": ("Seat target rule", "Seat target means"),
    "non_flagship_seat_cost": ("Non-flagship seat T&E cost", "T&E cost of one non-flagship seat",
                               "Non-flagship seat cost"),
}
SETTING_LABELS = {k: v[0] for k, v in SETTING_ALIASES.items()}
_ALIAS_TO_KEY = {norm(a): k for k, al in SETTING_ALIASES.items() for a in al}


def parse_seat_rule(value: Any) -> SeatRule | None:
    s = norm(value)
    if s in ("", "exactly", "equal", "equals", "=", "exact"):
        return "exactly"
    if s in ("atleast", "minimum", "min", ">="):
        return "at least"
    if s in ("atmost", "maximum", "max", "<="):
        return "at most"
    if isinstance(value, str) and value.strip() in ("=", ">=", "<="):
        return {"=": "exactly", ">=": "at least", "<=": "at most"}[value.strip()]  # type: ignore[return-value]
    return None


def read_budget(data: WorkbookData, log: IssueLog) -> BudgetSettings | None:
    t = _sheet(data, BUDGET, ("Setting",), log, True, "Setting | Value")
    if t is None:
        return None
    r = _Reader(log)
    jv = column(t, "Value")
    if jv is None:
        log.error(t.ref(0, 1), "the Budget table needs a 'Value' column next to 'Setting'.")
        return None
    js = column(t, "Setting")
    vals: dict[str, Any] = {}
    refs: dict[str, str] = {}
    for i, row in t.data_rows():
        label = t.value(i, js)
        if is_blank(label):
            cells.CellReader(log).label_without_value(t, i, js, jv)
            continue
        key = _ALIAS_TO_KEY.get(norm(label))
        if key is None:
            log.warn(t.ref(i, js), f"setting '{label}' is not used (known settings: "
                                   + ", ".join(SETTING_LABELS.values()) + ").")
            continue
        if key in refs:
            log.error(t.ref(i, js), f"'{label}' is given twice (also at {refs[key]}); keep one row.")
            continue
        refs[key] = t.ref(i, jv)
        if key == "seat_rule":
            rule = parse_seat_rule(t.value(i, jv))
            if rule is None:
                log.error(t.ref(i, jv), f"seat target rule must be 'exactly', 'at least' or 'at most', not {t.value(i, jv)!r}.")
            vals[key] = rule or "exactly"
        elif key in ("min_per_flagship", "max_per_flagship", "seat_target"):
            vals[key] = r.number(t, i, jv, SETTING_LABELS[key], integer=True, required=False)
        else:
            vals[key] = r.number(t, i, jv, SETTING_LABELS[key], required=key in ("te_budget", "registration_budget"))
    for key in ("te_budget", "registration_budget"):
        if key not in refs:
            log.error(BUDGET, f"the Budget sheet has no '{SETTING_LABELS[key]}' row; add it under Setting with its amount under Value.")
    if any(k not in vals or vals[k] is None for k in ("te_budget", "registration_budget")):
        return None
    lo = vals.get("min_per_flagship")
    hi = vals.get("max_per_flagship")
    if lo is not None and hi is not None and lo > hi:
        log.error(refs["min_per_flagship"], f"the minimum per flagship ({lo:g}) is above the maximum ({hi:g}) at {refs['max_per_flagship']}.")
    return BudgetSettings(
        te_budget=vals["te_budget"], registration_budget=vals["registration_budget"],
        min_per_flagship=int(lo or 0), max_per_flagship=None if hi is None else int(hi),
        seat_target=None if vals.get("seat_target") is None else int(vals["seat_target"]),
        seat_rule=vals.get("seat_rule") or "exactly",
        non_flagship_seat_cost=vals.get("non_flagship_seat_cost"),
        refs=refs,
    )


# --------------------------------------------------------------------------------------
# Conferences, Flights, PerDiem
# --------------------------------------------------------------------------------------

def parse_yes_no(value: Any) -> bool | None:
    """Yes / No (None for an empty or unreadable cell), as :func:`xl_confsched.cells.flag` reads it."""
    try:
        return cells.flag(value, blank_value=None, yes=("flagship",),
                          no=("non-flagship", "nonflagship", "non flagship", "not flagship"))
    except cells.CellError:
        return None


def read_conferences(data: WorkbookData, log: IssueLog) -> list[Conference]:
    t = _sheet(data, CONFERENCES, ("Conference",), log, True,
               "Conference | Region | Days | Registration fee | Demand score | Flagship")
    if t is None:
        return []
    r = _Reader(log)
    cols = {
        "name": column(t, "Conference", "Name"),
        "region": column(t, "Region"),
        "days": column(t, "Days"),
        "fee": column(t, "Registration fee", "Registration", "Fee"),
        "demand": column(t, "Demand score", "Demand"),
        "flagship": column(t, "Flagship", "Flagship?", "Flagship (yes/no)"),
    }
    missing = [lbl for key, lbl in (("region", "Region"), ("days", "Days"), ("fee", "Registration fee"),
                                    ("demand", "Demand score")) if cols[key] is None]
    if missing:
        log.error(t.ref(0, 0), "the Conferences table is missing the column(s) " + ", ".join(missing)
                  + " (header row: Conference | Region | Days | Registration fee | Demand score | Flagship).")
        return []
    if cols["flagship"] is None:
        log.warn(t.ref(0, 0), "no 'Flagship' column: every conference is treated as a flagship.")
    out: list[Conference] = []
    seen: dict[str, str] = {}
    for i, row in t.data_rows():
        if _is_empty_row(row):
            continue
        name = r.text(t, i, cols["name"])
        if not name:
            log.error(t.ref(i, cols["name"]), "this row has data but no conference name; type the name or clear the row.")
            continue
        if norm(name) in seen:
            log.error(t.ref(i, cols["name"]), f"conference '{name}' is listed twice (also at {seen[norm(name)]}); keep one row.")
            continue
        seen[norm(name)] = t.ref(i, cols["name"])
        region = r.text(t, i, cols["region"])
        if not region:
            log.error(t.ref(i, cols["region"]), f"'{name}' has no region; type the region as written on the Flights sheet.")
        days = r.number(t, i, cols["days"], f"days of '{name}'", maximum=DAYS_MAX)
        fee = r.number(t, i, cols["fee"], f"registration fee of '{name}'")
        demand = r.number(t, i, cols["demand"], f"demand score of '{name}'", minimum=None, maximum=SCORE_MAX)
        flagship = True
        if cols["flagship"] is not None:
            fv = t.value(i, cols["flagship"])
            yn = parse_yes_no(fv)
            if yn is None:
                log.error(t.ref(i, cols["flagship"]), f"Flagship for '{name}' must be Yes or No, not {fv!r}.")
            else:
                flagship = yn
        if demand is not None and demand < 0:
            log.warn(t.ref(i, cols["demand"]), f"the demand score of '{name}' is negative: the plan will send as few people as allowed.")
        if region and days is not None and fee is not None and demand is not None:
            out.append(Conference(
                name=name, region=region, days=days, registration_fee=fee, demand=demand, flagship=flagship,
                refs={"name": t.ref(i, cols["name"]), "region": t.ref(i, cols["region"]),
                      "days": t.ref(i, cols["days"]), "fee": t.ref(i, cols["fee"]),
                      "demand": t.ref(i, cols["demand"])},
            ))
    if not seen:
        log.error(t.ref(1, 0), "the Conferences table is empty; list the conferences below the header row.")
    return out


def read_flights(data: WorkbookData, log: IssueLog) -> dict[str, tuple[float, str, str]]:
    """normalised region -> (cost, cell of the cost, region as written)."""
    t = _sheet(data, FLIGHTS, ("Region",), log, True, "Region | Flight cost per person")
    if t is None:
        return {}
    r = _Reader(log)
    jr = column(t, "Region")
    jc = column(t, "Flight cost per person", "Flight cost", "Cost per person", "Cost", "Flight")
    if jc is None:
        log.error(t.ref(0, (jr or 0) + 1), "the Flights table needs a 'Flight cost per person' column next to 'Region'.")
        return {}
    out: dict[str, tuple[float, str, str]] = {}
    for i, row in t.data_rows():
        if _is_empty_row(row):
            continue
        region = r.text(t, i, jr)
        if not region:
            log.error(t.ref(i, jr), "a flight cost without a region; type the region or clear the row.")
            continue
        if norm(region) in out:
            log.error(t.ref(i, jr), f"region '{region}' is listed twice (also at {out[norm(region)][1]}); keep one row.")
            continue
        cost = r.number(t, i, jc, f"flight cost for {region}")
        if cost is not None:
            out[norm(region)] = (cost, t.ref(i, jc), region)
    return out


ALL_REGIONS = ("", "all", "any", "*", "default", "allregions")


def read_perdiem(data: WorkbookData, log: IssueLog) -> dict[str, tuple[float, str, float, str, str]]:
    """normalised region ('' = every region) -> (hotel, hotel cell, food, food cell, row cell)."""
    t = _sheet(data, PERDIEM, ("Region", "Hotel per day"), log, True, "Region | Hotel per day | Food per day")
    if t is None:
        return {}
    r = _Reader(log)
    jr = column(t, "Region")
    jh = column(t, "Hotel per day", "Hotel")
    jf = column(t, "Food per day", "Food")
    if jh is None or jf is None:
        log.error(t.ref(0, 0), "the PerDiem table needs the columns 'Hotel per day' and 'Food per day'.")
        return {}
    out: dict[str, tuple[float, str, float, str, str]] = {}
    for i, row in t.data_rows():
        if _is_empty_row(row):
            continue
        region = r.text(t, i, jr)
        key = "" if norm(region) in ALL_REGIONS else norm(region)
        if key in out:
            log.error(t.ref(i, jr if jr is not None else jh), f"per diem for '{region or 'All'}' is given twice (also at {out[key][4]}); keep one row.")
            continue
        hotel = r.number(t, i, jh, f"hotel per day ({region or 'All'})")
        food = r.number(t, i, jf, f"food per day ({region or 'All'})")
        if hotel is not None and food is not None:
            out[key] = (hotel, t.ref(i, jh), food, t.ref(i, jf), t.ref(i, jr if jr is not None else jh))
    if not out and not log.errors:
        log.error(t.ref(1, 0), "the PerDiem table is empty; give hotel and food per attendee per day (Region 'All' for one profile).")
    return out


# --------------------------------------------------------------------------------------
# Strategies and Scenarios
# --------------------------------------------------------------------------------------

def read_strategies(data: WorkbookData, log: IssueLog) -> list[Strategy]:
    if STRATEGIES not in data:
        return []
    t = _sheet(data, STRATEGIES, ("Strategy",), log, False, "Strategy | Attendees per flagship")
    if t is None:
        return []
    r = _Reader(log)
    jn = column(t, "Strategy")
    jh = column(t, "Attendees per flagship", "Attendees", "Headcount", "Per flagship")
    if jh is None:
        log.error(t.ref(0, (jn or 0) + 1), "the Strategies table needs an 'Attendees per flagship' column.")
        return []
    out: list[Strategy] = []
    for i, row in t.data_rows():
        if _is_empty_row(row):
            continue
        name = r.text(t, i, jn)
        n = r.number(t, i, jh, f"attendees per flagship of strategy '{name}'", integer=True)
        if n is not None:
            out.append(Strategy(name=name or f"{int(n)} per flagship", headcount=int(n), ref=t.ref(i, jh)))
    return out


SCENARIO_FIELDS: dict[str, tuple[str, ...]] = {
    "seat_target": ("Seat target", "Flagship seat target"),
    "min_per_flagship": ("Min per flagship", "Minimum per flagship", "Min"),
    "max_per_flagship": ("Max per flagship", "Maximum per flagship", "Max"),
    "te_budget": ("T&E budget", "TE budget"),
    "registration_budget": ("Registration budget",),
    "non_flagship_seat_cost": ("Non-flagship seat T&E cost", "Non-flagship seat cost"),
}
_SCEN_ALIAS = {norm(a): k for k, al in SCENARIO_FIELDS.items() for a in al}
DEMAND_PREFIXES = ("demandadj", "demandadjustment", "demand", "Δdemand", "deltademand", "adj")


def read_scenarios(data: WorkbookData, log: IssueLog, flagship_names: list[str]) -> list[Scenario]:
    if SCENARIOS not in data:
        return []
    t = _sheet(data, SCENARIOS, ("Scenario",), log, False,
               "Scenario | Seat target | Min per flagship | Max per flagship | T&E budget | Registration budget | Demand adj: <conference>…")
    if t is None:
        return []
    r = _Reader(log)
    jn = column(t, "Scenario")
    by_norm = {norm(n): n for n in flagship_names}
    fields: dict[int, str] = {}
    demand_cols: dict[int, str] = {}
    for j, h in enumerate(t.header()):
        if j == jn or is_blank(h):
            continue
        key = _SCEN_ALIAS.get(norm(h))
        if key:
            fields[j] = key
            continue
        hn = norm(h)
        conf = by_norm.get(hn)
        if conf is None:
            for p in DEMAND_PREFIXES:
                if hn.startswith(norm(p)) and hn[len(norm(p)):] in by_norm:
                    conf = by_norm[hn[len(norm(p)):]]
                    break
        if conf is not None:
            demand_cols[j] = conf
        else:
            log.error(t.ref(0, j), f"column '{h}' is neither a scenario setting ("
                      + ", ".join(v[0] for v in SCENARIO_FIELDS.values())
                      + ") nor 'Demand adj: <flagship conference>' for a conference on the Conferences sheet.")
    out: list[Scenario] = []
    seen: dict[str, str] = {}
    for i, row in t.data_rows():
        if _is_empty_row(row):
            continue
        name = r.text(t, i, jn)
        if not name:
            log.error(t.ref(i, jn), "this scenario row has values but no name; type a name or clear the row.")
            continue
        if norm(name) in seen:
            log.error(t.ref(i, jn), f"scenario '{name}' is listed twice (also at {seen[norm(name)]}); rename one.")
            continue
        if norm(name) == "base":
            log.error(t.ref(i, jn), "'Base' is the name of the base case on the result sheets; give this scenario another name.")
            continue
        seen[norm(name)] = t.ref(i, jn)
        vals: dict[str, Any] = {}
        for j, key in fields.items():
            integer = key in ("seat_target", "min_per_flagship", "max_per_flagship")
            x = r.number(t, i, j, f"{SCENARIO_FIELDS[key][0]} of scenario '{name}'", integer=integer, required=False)
            if x is not None:
                vals[key] = int(x) if integer else x
        adj: dict[str, float] = {}
        for j, conf in demand_cols.items():
            x = r.number(t, i, j, f"demand adjustment of '{conf}' in scenario '{name}'", minimum=None, required=False,
                         maximum=SCORE_MAX)
            if x is not None and x != 0:
                adj[conf] = x
        out.append(Scenario(name=name, demand_adjustments=adj, ref=t.ref(i, jn), **vals))
    return out


# --------------------------------------------------------------------------------------
# everything together
# --------------------------------------------------------------------------------------

def read_problem(data: WorkbookData, log: IssueLog | None = None) -> tuple[BudgetProblem, list[InputIssue]]:
    """Read and validate every input sheet; raise :class:`InputError` listing all problems."""
    log = log or IssueLog()
    settings = read_budget(data, log)
    confs = read_conferences(data, log)
    flights = read_flights(data, log)
    perdiem = read_perdiem(data, log)
    strategies = read_strategies(data, log)
    flagships = [c for c in confs if c.flagship]
    others = [c for c in confs if not c.flagship]
    if confs and not flagships:
        log.error(CONFERENCES, "no conference is marked Flagship = Yes; the plan allocates seats to flagship conferences.")
    for c in confs:
        # a flagship needs its costs; a non-flagship only to price a non-flagship seat (a warning)
        report = log.error if c.flagship else log.warn
        f = flights.get(norm(c.region))
        if f is None:
            if flights or FLIGHTS in data:
                report(c.refs["region"], f"region '{c.region}' of '{c.name}' has no flight cost on the Flights sheet; "
                                         "add a row for it (or correct the spelling).")
        else:
            c.flight = f[0]
            c.refs["flight"] = f[1]
        p = perdiem.get(norm(c.region)) or perdiem.get("")
        if p is None:
            if perdiem:
                report(c.refs["region"], f"region '{c.region}' of '{c.name}' has no hotel/food cost on the PerDiem sheet; "
                                         "add a row for the region or one with Region 'All'.")
        else:
            c.hotel, c.food = p[0], p[2]
            c.refs["hotel"], c.refs["food"] = p[1], p[3]
    scenarios = read_scenarios(data, log, [c.name for c in flagships])
    if settings is not None:
        priced = [c for c in others if "flight" in c.refs and "hotel" in c.refs]
        if settings.non_flagship_seat_cost is None:
            if priced:
                settings.non_flagship_seat_cost = sum(c.te_per_person for c in priced) / len(priced)
                settings.non_flagship_cost_note = (f"average T&E per person of the {len(priced)} non-flagship "
                                                   "conference(s) on the Conferences sheet")
                log.warn(settings.refs.get("non_flagship_seat_cost", BUDGET),
                         f"no non-flagship seat T&E cost given: using the {settings.non_flagship_cost_note} "
                         f"({settings.non_flagship_seat_cost:,.0f}).")
            else:
                log.warn(settings.refs.get("non_flagship_seat_cost", BUDGET),
                         "no 'Non-flagship seat T&E cost' on the Budget sheet: the additional non-flagship seats "
                         "(second stage) are not computed.")
        elif settings.non_flagship_seat_cost <= 0:
            log.error(settings.refs["non_flagship_seat_cost"], "the non-flagship seat T&E cost must be above 0.")
        else:
            settings.non_flagship_cost_note = "Budget sheet"
        for s in scenarios:
            lo = s.min_per_flagship if s.min_per_flagship is not None else settings.min_per_flagship
            hi = s.max_per_flagship if s.max_per_flagship is not None else settings.max_per_flagship
            if hi is not None and lo > hi:
                log.error(s.ref, f"scenario '{s.name}' asks for at least {lo} and at most {hi} per flagship; "
                                 "make the minimum no larger than the maximum.")
    log.raise_if_errors()
    assert settings is not None
    problem = BudgetProblem(flagships=flagships, others=others, settings=settings,
                            strategies=strategies, scenarios=scenarios)
    return problem, list(log.warnings)
