"""Acceptance: the seed example's expected comparison table, reproduced by the Comparison sheet."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from xl_confsched.budget import template
from xl_confsched.budget.problem import read_problem
from xl_confsched.cli import main
from xl_confsched.tables import load_workbook_data

from .helpers import block_rows, solve_file
from .seed import expected_table, seed_inputs, seed_text

REPO = Path(__file__).resolve().parents[2]
SEED_TO_SHEET = {
    "model_type": "Model type", "strategy": "Strategy", "flagship_attendees": "Flagship attendees",
    "te_spend": "T&E spend", "registration_spend": "Registration spend", "remaining_te": "Remaining T&E",
    "remaining_registration": "Remaining registration", "feasible": "Feasible", "objective": "Objective",
}


def assert_matches_seed(comparison_ws, expected: list[dict]) -> None:
    header, rows, _ = block_rows(comparison_ws, "Model type")
    assert len(rows) == len(expected)
    for want, got_row in zip(expected, rows):
        got = dict(zip(header, got_row))
        assert set(want) == set(SEED_TO_SHEET), "the seed table's columns changed"
        for key, label in SEED_TO_SHEET.items():
            w, g = want[key], got[label]
            assert not (isinstance(g, str) and g.startswith("=")), f"{label} is a formula, expected a value"
            if isinstance(w, float):
                assert isinstance(g, (int, float)) and abs(g - w) < 0.005, (want["strategy"], label, g, w)
            else:
                assert g == w, (want["strategy"], label, g, w)


def test_seed_inputs_reproduce_expected_table(shared_dir, tmp_path):
    text = seed_text(shared_dir)
    inputs = seed_inputs(text)
    wb = template.write_workbook(tmp_path / "seed.xlsx", conferences=inputs["conferences"],
                                 flights=inputs["flights"], perdiem=inputs["perdiem"], budget=inputs["budget"],
                                 strategies=inputs["strategies"])
    out = tmp_path / "seed_out.xlsx"
    report = solve_file(wb, out)
    assert report.status.startswith("optimal")
    book = load_workbook(out)
    assert_matches_seed(book["Comparison"], expected_table(text))
    # the optimised allocation named in the seed (A 8, B 8, C 3, D 3, E 3)
    header, rows, _ = block_rows(book["Allocation"], "Conference")
    got = {r[0]: r[header.index("Attendees")] for r in rows if r[0] != "Total"}
    assert got == inputs["allocation"]
    # the seed's T&E per person figures
    problem, _ = read_problem(load_workbook_data(wb))
    assert {c.name[-1]: c.te_per_person for c in problem.flagships} == inputs["te_per_person"]


def test_shipped_example_carries_seed_data(shared_dir, tmp_path):
    inputs = seed_inputs(seed_text(shared_dir))
    for path in (REPO / "workbook_templates" / "budget_example.xlsx",
                 template.example_workbook(tmp_path / "fresh.xlsx")):
        problem, _ = read_problem(load_workbook_data(path))
        confs = [(c.name, c.region, c.days, c.registration_fee, c.demand, "Yes") for c in problem.flagships]
        assert confs == [tuple(c) for c in inputs["conferences"]], path
        assert {c.region: c.flight for c in problem.flagships} == dict(inputs["flights"])
        assert {(c.hotel, c.food) for c in problem.flagships} == {inputs["perdiem"][0][1:]}
        s = problem.settings
        budget = dict(inputs["budget"])
        assert (s.te_budget, s.registration_budget, s.min_per_flagship, s.max_per_flagship, s.seat_target) == (
            budget["T&E budget"], budget["Registration budget"], budget["Minimum per flagship"],
            budget["Maximum per flagship"], budget["Flagship seat target"])
        assert s.seat_rule == "exactly"
        assert [st.headcount for st in problem.strategies] == [h for _n, h in inputs["strategies"]]
        names = {sc.name for sc in problem.scenarios}
        assert {"Updated demand", "Smaller footprint (20 seats)"} <= names


def test_cli_example_end_to_end_matches_seed(shared_dir, tmp_path, capsys):
    wb, out = tmp_path / "b.xlsx", tmp_path / "b_out.xlsx"
    assert main(["new", "--kind", "budget", "--example", str(wb)]) == 0
    assert main(["solve", str(wb), "-o", str(out), "--quiet"]) == 0
    assert main(["check", str(out)]) == 0
    text = capsys.readouterr().out
    assert "feasible" in text
    assert_matches_seed(load_workbook(out)["Comparison"], expected_table(seed_text(shared_dir)))
