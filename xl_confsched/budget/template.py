"""Blank and example attendance-budget workbooks, written by code (openpyxl).

The example carries the worked example of the budget-allocation article (five anonymised
flagship conferences, 170,000 T&E and 35,000 registration budget, 3–8 per flagship, a
25-seat target) plus the article's scenarios and one scenario the budgets cannot pay for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .problem import BUDGET, CONFERENCES, FLIGHTS, PERDIEM, SCENARIOS, STRATEGIES

HEADER_ROW = 3

CONF_HEADER = ["Conference", "Region", "Days", "Registration fee", "Demand score", "Flagship"]
FLIGHT_HEADER = ["Region", "Flight cost per person"]
PERDIEM_HEADER = ["Region", "Hotel per day", "Food per day"]
BUDGET_HEADER = ["Setting", "Value", "Note"]
STRATEGY_HEADER = ["Strategy", "Attendees per flagship"]
SCENARIO_SETTINGS = ["Scenario", "Seat target", "Min per flagship", "Max per flagship", "T&E budget",
                     "Registration budget", "Non-flagship seat T&E cost"]

BUDGET_NOTES = {
    "T&E budget": "travel and expense budget for all flagship attendees",
    "Registration budget": "registration fees for all flagship attendees",
    "Minimum per flagship": "at least this many attendees at every flagship conference",
    "Maximum per flagship": "at most this many attendees at every flagship conference (blank: no maximum)",
    "Flagship seat target": "total flagship seats of the optimised plan (blank: no target)",
    "Seat target rule": "exactly | at least | at most — how Σ attendees compares with the seat target",
    "Non-flagship seat T&E cost": "T&E of one seat at a smaller, non-flagship event (second stage)",
}

# --- the worked example (numbers from the article's published figures) ------------------
EXAMPLE_CONFERENCES = [
    ("Flagship A", "EMEA", 5, 1200, 120.0, "Yes"),
    ("Flagship B", "APAC", 4, 960, 111.2, "Yes"),
    ("Flagship C", "NA-West", 4, 950, 70.0, "Yes"),
    ("Flagship D", "NA-East", 3, 890, 65.0, "Yes"),
    ("Flagship E", "NA-Central", 3, 900, 59.8, "Yes"),
]
EXAMPLE_FLIGHTS = [("EMEA", 2650), ("APAC", 2860), ("NA-West", 1880), ("NA-East", 2110), ("NA-Central", 2250)]
EXAMPLE_PERDIEM = [("All", 450, 200)]
EXAMPLE_BUDGET: list[tuple[str, Any]] = [
    ("T&E budget", 170000),
    ("Registration budget", 35000),
    ("Minimum per flagship", 3),
    ("Maximum per flagship", 8),
    ("Flagship seat target", 25),
    ("Seat target rule", "exactly"),
    ("Non-flagship seat T&E cost", 2500),
]
EXAMPLE_NON_FLAGSHIP_NOTE = ("assumed for the example (the article gives no figure): T&E of one seat at a "
                             "smaller, non-flagship event")
EXAMPLE_STRATEGIES = [("Strong presence", 7), ("SME efficiency", 3), ("Balanced reach", 5)]
# Scenario | Seat target | Min | Max | T&E budget | Registration budget | Non-flagship cost | demand adj A..E
EXAMPLE_SCENARIOS: list[tuple[Any, ...]] = [
    ("Updated demand", None, None, None, None, None, None, 40, -45, -20, 55, 50),
    ("Smaller footprint (20 seats)", 20, None, None, None, None, None, None, None, None, None, None),
    ("Broader coverage (min 4)", None, 4, None, None, None, None, None, None, None, None, None),
    ("Strong presence on 160k T&E", 35, None, None, 160000, None, None, None, None, None, None, None),
]


def _style_header(ws, row: int, ncols: int) -> None:
    from openpyxl.styles import Font, PatternFill

    for j in range(1, ncols + 1):
        c = ws.cell(row=row, column=j)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")


def _sheet(wb, name: str, title: str, help_text: str, header: list[str], rows: list[tuple], table: str,
           widths: list[float], min_rows: int = 1):
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ws = wb.create_sheet(name)
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=12)
    ws["A2"] = help_text
    ws["A2"].font = Font(italic=True, color="595959")
    for j, h in enumerate(header, start=1):
        ws.cell(row=HEADER_ROW, column=j, value=h)
    _style_header(ws, HEADER_ROW, len(header))
    for i, r in enumerate(rows, start=HEADER_ROW + 1):
        for j, v in enumerate(r, start=1):
            if v is not None:
                ws.cell(row=i, column=j, value=v)
    n = max(len(rows), min_rows)
    ref = f"A{HEADER_ROW}:{get_column_letter(len(header))}{HEADER_ROW + n}"
    t = Table(displayName=table, ref=ref)
    t.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    ws.add_table(t)
    for j, w in enumerate(widths, start=1):
        # a header is never cut: wide enough for its text and the Table's filter button
        h = header[j - 1] if j <= len(header) else ""
        ws.column_dimensions[get_column_letter(j)].width = max(w, len(str(h)) * 1.05 + 4)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    return ws


def _validation(ws, formula: str, rng: str, prompt: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                        error=prompt, errorTitle="xl_confsched")
    ws.add_data_validation(dv)
    dv.add(rng)


def write_workbook(path: str | Path, *, conferences: list[tuple] = (), flights: list[tuple] = (),
                   perdiem: list[tuple] = (("All", None, None),), budget: list[tuple[str, Any]] | None = None,
                   strategies: list[tuple] = (), scenarios: list[tuple] = (),
                   budget_notes: dict[str, str] | None = None) -> Path:
    """An attendance-budget workbook with the given input rows (tuples in the sheets' column order).

    ``budget`` lists (setting, value) pairs (default: every setting, values empty, rule "exactly");
    scenario tuples hold the settings columns then one demand adjustment per flagship conference.
    """
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    input_fill = PatternFill("solid", fgColor="FFF2CC")

    confs = list(conferences)
    ws = _sheet(wb, CONFERENCES, "Conferences",
                "One row per conference. Flagship = Yes: the plan allocates seats to it. Demand score = expected "
                "associate demand (the objective weighs attendees by it). Region must appear on Flights.",
                CONF_HEADER, confs, "tblConferences", [24, 14, 8, 17, 14, 10], min_rows=5)
    _validation(ws, '"Yes,No"', f"F{HEADER_ROW + 1}:F{HEADER_ROW + 200}", "Type Yes or No.")

    _sheet(wb, FLIGHTS, "Flights", "Travel policy: flight cost per person by region.",
           FLIGHT_HEADER, list(flights), "tblFlights", [16, 22], min_rows=3)
    _sheet(wb, PERDIEM, "PerDiem",
           "Hotel and food per attendee per day. Region 'All' applies to every region without its own row.",
           PERDIEM_HEADER, list(perdiem), "tblPerDiem", [16, 14, 14])

    if budget is None:
        budget = [(label, "exactly" if label == "Seat target rule" else None) for label, _ in EXAMPLE_BUDGET]
    notes = dict(BUDGET_NOTES, **(budget_notes or {}))
    budget_rows = [(label, value, notes.get(label, "")) for label, value in budget]
    wsb = _sheet(wb, BUDGET, "Budget", "One value per setting. Budgets are totals over all flagship conferences.",
                 BUDGET_HEADER, budget_rows, "tblBudget", [28, 14, 90])
    for i, (label, _v, _n) in enumerate(budget_rows):
        c = wsb.cell(row=HEADER_ROW + 1 + i, column=2)
        c.fill = input_fill
        c.number_format = "#,##0"
        if label == "Seat target rule":
            _validation(wsb, '"exactly,at least,at most"', c.coordinate, "Type exactly, at least or at most.")

    _sheet(wb, STRATEGIES, "Strategies",
           "Fixed headcount strategies: the same number of attendees at every flagship conference.",
           STRATEGY_HEADER, list(strategies), "tblStrategies", [24, 22], min_rows=3)

    names = [c[0] for c in confs if len(c) < 6 or str(c[5]).strip().lower() not in ("no", "n", "false")]
    header = SCENARIO_SETTINGS + [f"Demand adj: {n}" for n in names]
    scen = list(scenarios)
    wss = _sheet(wb, SCENARIOS, "Scenarios",
                 "One row per scenario. A blank cell keeps the base value (Budget sheet); 'Demand adj: <conference>' "
                 "is added to that conference's demand score. Add a column per flagship conference as needed.",
                 header, scen, "tblScenarios", [30, 12, 16, 16, 13, 19, 24] + [20] * len(names), min_rows=3)
    for col in "EFG":
        for r in range(HEADER_ROW + 1, HEADER_ROW + 1 + max(len(scen), 3)):
            wss[f"{col}{r}"].number_format = "#,##0"
    wb.save(path)
    return path


def blank_workbook(path: str | Path) -> Path:
    """An empty attendance-budget workbook: the six input sheets with their headers."""
    return write_workbook(path)


def example_workbook(path: str | Path) -> Path:
    """The article's worked example (five flagships, 25-seat target) with fixed strategies and scenarios."""
    return write_workbook(path, conferences=EXAMPLE_CONFERENCES, flights=EXAMPLE_FLIGHTS, perdiem=EXAMPLE_PERDIEM,
                          budget=EXAMPLE_BUDGET, strategies=EXAMPLE_STRATEGIES, scenarios=EXAMPLE_SCENARIOS,
                          budget_notes={"Non-flagship seat T&E cost": EXAMPLE_NON_FLAGSHIP_NOTE})
