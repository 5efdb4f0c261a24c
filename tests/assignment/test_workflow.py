"""Solve and Check end to end: schedules scored by the evaluator, hand edits re-scored, conflicting
hard rules named (the smallest set found) and softened, the CLI dispatching the new kind."""

from __future__ import annotations

import subprocess
import sys

import pytest
from openpyxl import load_workbook

from xl_confsched.assignment import workflow
from xl_confsched.assignment.conflicts import find_conflict
from xl_confsched.assignment.evaluate import evaluate
from xl_confsched.assignment.model import PLACEMENT, build
from xl_confsched.assignment.reader import read_problem
from xl_confsched.assignment.results import RULE_STATUS, TABLE
from xl_confsched.kinds import SolveSettings, detect_kind
from xl_confsched.report import write_report_file
from xl_confsched.tables import load_workbook_data

from .helpers import tiny, workbook

CONFLICTING = [["Keynote in Aspen", "hard", None], ["a Person is never in two places at once", "hard", None],
               ["Keynote not in Aspen", "hard", 50], ["Panel in Fir", "soft", 1], ["Talk A before Panel", "hard", None]]


def test_detected_as_assignment():
    assert detect_kind(workbook(tiny([["Keynote in Aspen", "hard"]]))).name == "assignment"


def test_solve_keeps_every_hard_rule_and_reports_a_true_bound():
    rules = [["Keynote in Aspen", "hard"], ["a Person is never in two places at once", "hard"],
             ["Panel in Fir", "soft", 3], ["Audience fits Capacity", "soft", 1], ["Talk A before Panel", "hard"],
             ["never together Talk A, Talk B", "hard"]]
    data = workbook(tiny(rules))
    rep = workflow.solve(data, SolveSettings(time_limit=20))
    assert rep.ok and rep.status == "optimal"
    p, _ = read_problem(data)
    # the reported cost is the evaluator's, and no schedule does better than the bound
    sched = _schedule_from_report(p, rep)
    ev = evaluate(p, sched)
    assert ev.feasible and ev.cost == rep.data["cost"]
    assert rep.data["bound"] <= ev.cost + 1e-6
    # Panel (audience 60) in Fir (capacity 40) costs 20 seats, outside Fir it costs 3: the optimum pays 3
    assert ev.cost == 3


def _schedule_from_report(p, rep):
    rows = rep.sheet(TABLE).blocks[0].rows
    out = {}
    for r in rows[1:]:
        i = p.item_index[r[0].lower()]
        out[i] = (p.place_index[r[1].lower()], p.slot_index[r[2].lower()]) if r[1] else None
    return out


def test_conflict_is_the_smallest_set_and_the_rest_still_holds():
    data = workbook(tiny(CONFLICTING))
    p, _ = read_problem(data)
    m = build(p)
    hard = [r for r, h in m.hard.items() if h]
    c = find_conflict(m, hard, budget=30)
    assert sorted(c.rules) == [0, 2] and c.minimal
    rep = workflow.solve(data, SolveSettings(time_limit=20))
    assert rep.ok and rep.status.startswith("relaxed")
    text = " ".join(i.message for i in rep.issues)
    assert "'Keynote in Aspen' (Rules!A2)" in text and "'Keynote not in Aspen' (Rules!A4)" in text
    assert "irreducible" in text
    ev = evaluate(p, _schedule_from_report(p, rep))
    # the two conflicting rules were softened: one of them breaks (the cheaper: weight 50 < 1000); the others hold
    assert not ev.line(2).result.holds and ev.line(0).result.holds
    assert ev.line(1).result.holds and ev.line(4).result.holds and ev.line("placement").result.holds


def test_placement_conflict_with_too_few_slots():
    rules = [["never together Keynote, Talk A, Talk B, Data Contracts in Practice, Panel", "hard"],
             ["no items on D2", "hard"]]
    data = workbook(tiny(rules))
    rep = workflow.solve(data, SolveSettings(time_limit=20))
    assert rep.ok
    p, _ = read_problem(data)
    m = build(p)
    c = find_conflict(m, [r for r, h in m.hard.items() if h], budget=30)
    assert sorted(c.rules) == [PLACEMENT, 0, 1] and c.minimal


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    from xl_confsched.assignment.template import example_workbook

    d = tmp_path_factory.mktemp("asg")
    src = example_workbook(d / "baristas.xlsx")
    rep = workflow.solve(load_workbook_data(src), SolveSettings(time_limit=20))
    assert rep.ok
    out = write_report_file(src, rep, d / "solved.xlsx", result_sheets=list(workflow_result_sheets()))
    return src, out, rep


def workflow_result_sheets():
    from xl_confsched.kinds import kind_by_name
    return kind_by_name("assignment").result_sheets


def test_check_rescores_the_written_table_and_hand_edits(solved, tmp_path):
    src, out, rep = solved
    chk = workflow.check(load_workbook_data(out))
    assert chk.data["cost"] == pytest.approx(rep.data["cost"])
    # a hand edit: move one barista's shift onto the Espresso bar of a slot someone without the skill cannot take
    wb = load_workbook(out)
    ws = wb[TABLE]
    p, _ = read_problem(load_workbook_data(src))
    no_espresso = next(it for it in p.items if "espresso" not in it.values["skill"])
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == no_espresso.name)
    ws.cell(r := row, 2).value = "Espresso bar"
    ws.cell(r, 3).value = "Mon early"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    chk2 = workflow.check(load_workbook_data(edited))
    lines = {x["rule"]: x for x in chk2.data["rules"]}
    assert lines["items without skill Espresso not in Espresso bar"]["status"] == "broken"
    # the input sheets are as they were
    a, b = load_workbook(src), load_workbook(out)
    for name in ("Items", "Places", "Slots", "Rules", "Settings"):
        assert [[c.value for c in r] for r in a[name].iter_rows()] == [[c.value for c in r] for r in b[name].iter_rows()]


def test_check_names_bad_table_cells(solved, tmp_path):
    _, out, _ = solved
    wb = load_workbook(out)
    ws = wb[TABLE]
    ws.cell(3, 2).value = "Espreso bar"
    ws.cell(4, 3).value = "Mon erly"
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    from xl_confsched.errors import InputError
    with pytest.raises(InputError) as e:
        workflow.check(load_workbook_data(bad))
    msgs = {i.where: i.message for i in e.value.errors}
    assert "Did you mean 'Espresso bar'?" in msgs[f"{TABLE}!B3"]
    assert "Did you mean 'Mon early'?" in msgs[f"{TABLE}!C4"]


def test_rule_status_sheet_lists_every_rule(solved):
    _, _, rep = solved
    rows = rep.sheet(RULE_STATUS).blocks[0].rows
    p, _ = read_problem(load_workbook_data(solved[0]))
    assert [r[0] for r in rows[1:]][-len(p.rules):] == [r.text for r in p.rules]
    assert all(r[4] in ("held", "broken", "broken (softened)") or str(r[4]).startswith("=") for r in rows[1:])


def test_cli_new_solve_check_clear(tmp_path):
    env_py = [sys.executable, "-m", "xl_confsched.cli"]
    wb = tmp_path / "a.xlsx"
    subprocess.run(env_py + ["new", "--kind", "assignment", "--example", str(wb)], check=True, capture_output=True)
    r = subprocess.run(env_py + ["solve", str(wb), "--time-limit", "15", "--quiet", "-o", str(tmp_path / "s.xlsx")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "Rule Status" in load_workbook(tmp_path / "s.xlsx").sheetnames
    r = subprocess.run(env_py + ["check", str(tmp_path / "s.xlsx")], capture_output=True, text=True)
    assert r.returncode == 0 and "Checked the Assignment Table" in r.stdout
    subprocess.run(env_py + ["clear", str(tmp_path / "s.xlsx")], check=True, capture_output=True)
    assert "Rule Status" not in load_workbook(tmp_path / "s.xlsx").sheetnames
    blank = tmp_path / "b.xlsx"
    subprocess.run(env_py + ["new", "--kind", "assignment", str(blank)], check=True, capture_output=True)
    r = subprocess.run(env_py + ["check", str(blank)], capture_output=True, text=True)
    assert r.returncode == 2 and "Items" in r.stderr  # an empty template names what to fill in
