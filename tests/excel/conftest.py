from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def remote_license(monkeypatch):
    """xlwings' remote engine (PRO, noncommercial licence) — for these tests only."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")


@pytest.fixture(scope="session")
def conference_example(tmp_path_factory) -> Path:
    from xl_confsched.csplib.template import example_workbook

    return Path(example_workbook(tmp_path_factory.mktemp("conf") / "conference_example.xlsx"))


@pytest.fixture(scope="session")
def solved(tmp_path_factory):
    """The example conference solved by the optimiser (short time limit), written with the Live checks sheet."""
    from xl_confsched.csplib import live_formulas as lf
    from xl_confsched.csplib import workflow
    from xl_confsched.csplib.evaluate import evaluate
    from xl_confsched.csplib.reader import read_problem
    from xl_confsched.csplib.template import example_workbook
    from xl_confsched.csplib.workflow import schedule_in_workbook
    from xl_confsched.kinds import SolveSettings
    from xl_confsched.report import write_report_file
    from xl_confsched.tables import load_workbook_data

    d = tmp_path_factory.mktemp("solved")
    src = Path(example_workbook(d / "example.xlsx"))
    data = load_workbook_data(src)
    report = workflow.solve(data, SolveSettings(time_limit=5, threads=1))
    assert report.ok
    problem = read_problem(data)
    if lf.LIVE not in report.sheet_names:  # until the workflow adds it itself
        tmp = d / "tmp.xlsx"
        write_report_file(src, report, tmp)
        sched = schedule_in_workbook(problem, load_workbook_data(tmp))[0]
        report.sheets.append(lf.live_checks_sheet(problem, evaluate(problem, sched)))
    out = d / "solved.xlsx"
    write_report_file(src, report, out)
    return problem, out
