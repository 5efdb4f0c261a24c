"""Reading the workbook, messages for bad input, scenarios, Check and the CLI for the budget kind."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from xl_confsched.budget import template
from xl_confsched.budget.model import base_instance, evaluate, scenario_instance
from xl_confsched.budget.problem import read_problem
from xl_confsched.budget.workflow import check, solve
from xl_confsched.cli import main
from xl_confsched.errors import InputError
from xl_confsched.kinds import detect_kind, kind_by_name
from xl_confsched.report import write_report_file
from xl_confsched.tables import load_workbook_data

from .helpers import SETTINGS, block_rows, brute_force, example, example_kwargs, solve_file


def test_kind_is_detected_and_result_sheets_do_not_include_inputs(tmp_path):
    data = load_workbook_data(example(tmp_path))
    kind = detect_kind(data)
    assert kind is not None and kind.name == "budget"
    assert not set(kind.result_sheets) & set(data.names())  # Clear never removes an input sheet


def test_bad_input_is_reported_all_at_once_with_cells(tmp_path):
    confs = list(template.EXAMPLE_CONFERENCES)
    confs[1] = ("Flagship B", "LATAM", 4, 960, 111.2, "Yes")  # region without a flight
    confs[2] = ("Flagship C", "NA-West", "four", 950, 70.0, "Yes")  # not a number
    confs[3] = ("Flagship D", "NA-East", 3, 890, 65.0, "maybe")  # not yes/no
    confs.append(("Flagship A", "EMEA", 2, 100, 1.0, "Yes"))  # duplicate
    budget = [(k, v) for k, v in template.EXAMPLE_BUDGET]
    budget[2] = ("Minimum per flagship", 9)  # above the maximum 8
    scen = [("Odd", None, None, None, None, None, None, 1, 1, 1, 1, "lots")]
    path = template.write_workbook(tmp_path / "bad.xlsx", **example_kwargs(conferences=confs, budget=budget,
                                                                           scenarios=scen))
    with pytest.raises(InputError) as exc:
        read_problem(load_workbook_data(path))
    where = {i.where for i in exc.value.errors}
    text = exc.value.describe()
    assert "Conferences!B5" in where and "LATAM" in text  # header row 3: Flagship B is row 5
    assert "Conferences!C6" in where
    assert "Conferences!F7" in where
    assert "Conferences!A9" in where and "listed twice" in text
    assert "Budget!B6" in where and "above the maximum" in text
    assert any(w.startswith("Scenarios!") for w in where) and "'lots'" in text


def test_cli_prints_cell_messages_for_blank_template(tmp_path, capsys):
    path = tmp_path / "blank.xlsx"
    assert main(["new", "--kind", "budget", str(path)]) == 0
    assert main(["solve", str(path), "-o", str(tmp_path / "o.xlsx"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "Budget!B4" in err and "T&E budget" in err and "Traceback" not in err


def test_scenarios_side_by_side_and_infeasible_in_words(tmp_path):
    src = example(tmp_path)
    out = tmp_path / "out.xlsx"
    report = solve_file(src, out)
    problem, _ = read_problem(load_workbook_data(src))
    base = base_instance(problem)
    ws = load_workbook(out)["Scenario Results"]
    header, rows, _ = block_rows(ws, "Scenario")
    by = {r[0]: dict(zip(header, r)) for r in rows}
    assert list(by) == ["Base"] + [s.name for s in problem.scenarios]
    base_obj = by["Base"]["Objective"]
    assert base_obj == pytest.approx(brute_force(base)[0])
    for sc in problem.scenarios:
        inst = scenario_instance(base, sc)
        best, _ = brute_force(inst)
        row = by[sc.name]
        if best is None:
            assert row["Result"] == "infeasible"
            assert row["Objective"] is None
            assert "needs at least" in row["Explanation"] and "the budget is 160,000" in row["Explanation"]
            assert sc.name in report.summary
        else:
            assert row["Result"] == "optimal"
            assert row["Objective"] == pytest.approx(best)
            assert row["Change vs base"] == pytest.approx(best - base_obj)
            ev_seats = row["Flagship attendees"]
            assert ev_seats == inst.seat_target
    # allocation per scenario: a column per case, and a chart over it
    aheader, arows, _ = block_rows(ws, "Conference")
    assert aheader == ["Conference", "Base"] + [s.name for s in problem.scenarios]
    assert len(ws._charts) == 1
    # the allocation columns agree with the summary
    totals = next(r for r in arows if r[0] == "Total seats")
    assert totals[1] == by["Base"]["Flagship attendees"]


def test_seat_rule_and_missing_target(tmp_path):
    budget = dict(template.EXAMPLE_BUDGET)
    budget["Seat target rule"] = "at least"
    path = template.write_workbook(tmp_path / "atleast.xlsx", **example_kwargs(budget=list(budget.items()),
                                                                              scenarios=[]))
    r_least = solve(load_workbook_data(path), SETTINGS)
    budget["Flagship seat target"] = None
    path2 = template.write_workbook(tmp_path / "none.xlsx", **example_kwargs(budget=list(budget.items()),
                                                                            scenarios=[]))
    problem, _ = read_problem(load_workbook_data(path2))
    assert problem.settings.seat_target is None
    r_none = solve(load_workbook_data(path2), SETTINGS)
    assert r_least.objective == pytest.approx(brute_force(base_instance(
        read_problem(load_workbook_data(path))[0]))[0])
    assert r_none.objective == pytest.approx(brute_force(base_instance(problem))[0])
    assert r_least.objective > 2434  # more seats than 25 pay off when the budgets allow


def test_non_flagship_cost_from_non_flagship_conferences(tmp_path):
    confs = list(template.EXAMPLE_CONFERENCES) + [("Meetup X", "NA-East", 1, 100, 5.0, "No"),
                                                  ("Meetup Y", "NA-West", 2, 200, 5.0, "No"),
                                                  ("Meetup Z", "LATAM", 2, 200, 5.0, "No")]  # no flight cost
    budget = [(k, v) for k, v in template.EXAMPLE_BUDGET if k != "Non-flagship seat T&E cost"]
    path = template.write_workbook(tmp_path / "nf.xlsx", **example_kwargs(conferences=confs, budget=budget))
    problem, warnings = read_problem(load_workbook_data(path))
    assert len(problem.flagships) == 5 and len(problem.others) == 3
    assert any(w.where == "Conferences!B11" and "LATAM" in w.message for w in warnings)  # a warning, not an error
    expected = ((2110 + 650) + (1880 + 2 * 650)) / 2
    assert problem.settings.non_flagship_seat_cost == pytest.approx(expected)
    assert any("non-flagship" in w.message for w in warnings)
    report = solve(load_workbook_data(path), SETTINGS)
    assert report.objective == pytest.approx(2434)  # non-flagship rows do not enter the integer programme


def test_check_evaluates_a_hand_edited_allocation(tmp_path):
    src = example(tmp_path)
    out = tmp_path / "out.xlsx"
    solve_file(src, out)
    wb = load_workbook(out)
    ws = wb["Allocation"]
    header, rows, hrow = block_rows(ws, "Conference")
    col = header.index("Attendees") + 1
    ws.cell(hrow + 1, col).value = 9  # Flagship A: 9, above the maximum of 8
    wb.save(tmp_path / "edited.xlsx")
    data = load_workbook_data(tmp_path / "edited.xlsx")
    report = check(data)
    assert report.status == "checked: infeasible"
    problem, _ = read_problem(data)
    ev = evaluate(base_instance(problem), [9, 8, 3, 3, 3])
    assert report.objective == pytest.approx(ev.objective)
    msgs = " ".join(i.message for i in report.issues)
    assert "Flagship A: 9 attendees, outside the allowed 3–8" in msgs
    assert "26 flagship seats, but the seat target is exactly 25 seats" in msgs
    # check writes only the Status sheet: the hand-edited allocation stays as the organiser left it
    assert report.sheet_names == ["Status"]
    write_report_file(tmp_path / "edited.xlsx", report, tmp_path / "checked.xlsx")
    checked = load_workbook(tmp_path / "checked.xlsx")
    assert checked["Allocation"].cell(hrow + 1, col).value == 9
    assert {"Comparison", "Scenario Results", "Run"} <= set(checked.sheetnames)
    status_text = " ".join(str(c.value) for row in checked["Status"].iter_rows() for c in row if c.value)
    assert "infeasible" in status_text and "outside the allowed 3–8" in status_text

    ws.cell(hrow + 2, col).value = "lots"
    wb.save(tmp_path / "edited2.xlsx")
    with pytest.raises(InputError) as exc:
        check(load_workbook_data(tmp_path / "edited2.xlsx"))
    assert any(i.where == f"Allocation!{ws.cell(hrow + 2, col).coordinate}" for i in exc.value.errors)


def test_cli_solve_check_clear(tmp_path, capsys):
    wb, out = tmp_path / "b.xlsx", tmp_path / "b_out.xlsx"
    assert main(["new", "--kind", "budget", "--example", str(wb)]) == 0
    assert main(["solve", str(wb), "-o", str(out), "--quiet", "--solver", "highs"]) == 0
    assert main(["check", str(out), "-o", str(tmp_path / "checked.xlsx")]) == 0
    checked = load_workbook(tmp_path / "checked.xlsx")
    assert {"Comparison", "Allocation", "Scenario Results", "Status"} <= set(checked.sheetnames)
    assert main(["clear", str(out)]) == 0
    names = load_workbook(out).sheetnames
    assert names == ["Conferences", "Flights", "PerDiem", "Budget", "Strategies", "Scenarios"]
    assert kind_by_name("budget").title in capsys.readouterr().out
