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


def write_big_conference(path: Path, seed: int = 7, days: int = 4, rooms: int = 5, tracks: int = 18,
                         talks: int = 150) -> Path:
    """A conference the optimiser cannot finish in a few seconds (150 talks, 18 tracks, 16 sessions,
    5 rooms, shared presenters), written as the CSPLib template — a real workbook to solve."""
    import datetime as dt
    import random

    from xl_confsched.csplib.template import InstanceSpec, write_instance

    rng = random.Random(seed)
    sessions = []
    for d in range(days):
        day = dt.datetime(2026, 6, 15 + d)
        for name, start, end in (("AM", (9, 0), (10, 30)), ("Mid", (11, 0), (12, 30)),
                                 ("PM", (14, 0), (15, 30)), ("Late", (16, 0), (17, 30))):
            sessions.append((f"D{d + 1} {name}", 4, day, dt.time(*start), dt.time(*end)))
    room_names = [f"Room {chr(65 + r)}" for r in range(rooms)]
    track_names = [f"Track {k + 1:02d}" for k in range(tracks)]
    people = [f"Person {i:03d}" for i in range(90)]
    subs = []
    for n in range(talks):
        track = track_names[n % tracks]
        sub = {"ref": f"T{n + 1:03d}", "track": track, "order": 0,
               "presenters": ", ".join(rng.sample(people, 2 if rng.random() < 0.15 else 1))}
        if rng.random() < 0.1:
            sub["ss"] = {rng.choice(sessions)[0]: rng.choice([1, 5])}
        if rng.random() < 0.05:
            sub["sp"] = {rng.choice(room_names): 3}
        subs.append(sub)
    spec = InstanceSpec(
        sessions=sessions, rooms=room_names, tracks=[(t, rng.choice(people)) for t in track_names], submissions=subs,
        track_session={(rng.choice(track_names), rng.choice(sessions)[0]): 5 for _ in range(20)},
        track_room={(rng.choice(track_names), rng.choice(room_names)): 3 for _ in range(12)},
        similar={(track_names[2 * i], track_names[2 * i + 1]): 10 for i in range(tracks // 2)})
    return write_instance(spec, path)


@pytest.fixture(scope="session")
def big_conference(tmp_path_factory) -> Path:
    return write_big_conference(tmp_path_factory.mktemp("big") / "big_conference.xlsx")
