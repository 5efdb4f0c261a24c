"""After a hand edit of the Assignments table, Check rewrites every view drawn from it.

The issue's case: ROU02 moved to another session by hand.  Before, Start/End still said
the old times and the grids never showed the move.  Now `check -o` rewrites the Schedule
sheet (table with its Start/End, both grids), the Programme and the Live checks from the
edited table.
"""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

from tests.excel.test_live_formulas import Table
from xl_confsched.cli import main
from xl_confsched.csplib.programme import conference_programme
from xl_confsched.csplib.results import ASSIGNMENT_COLUMNS, SCHEDULE
from xl_confsched.csplib.workflow import schedule_in_workbook
from xl_confsched.publish.sheet import PROGRAMME
from xl_confsched.tables import load_workbook_data


def test_check_rewrites_times_grids_and_programme_after_a_move(solved, tmp_path):
    problem, path = solved
    t = Table(problem, path)
    ref = "ROU02"
    old = t.get(ref)
    spot = next(sp for sp in t.free_spots(ref) if sp[0] != old[0])
    t.put(ref, spot)
    edited = t.save(tmp_path / "moved.xlsx")
    out = tmp_path / "checked.xlsx"
    assert main(["check", str(edited), "-o", str(out)]) == 0
    wb = load_workbook(out)
    ws = wb[SCHEDULE]
    col = {name: 1 + j for j, name in enumerate(ASSIGNMENT_COLUMNS)}
    row = next(r for r in range(2, 2 + problem.N) if ws.cell(r, 1).value == ref)
    sess = problem.sessions[problem.session_index[spot[0]]]
    a, b = sess.slot_times(spot[2] - 1, problem.submissions[problem.find_submission(ref)].required_slots)
    assert (ws.cell(row, col["Session"]).value, ws.cell(row, col["Room"]).value) == spot[:2]
    assert ws.cell(row, col["Start"]).value == dt.time(a // 60, a % 60)
    assert ws.cell(row, col["End"]).value == dt.time(b // 60 % 24, b % 60)
    # the table stays sorted by time
    keys = []
    order = sorted(range(problem.S), key=lambda s: (problem.sessions[s].date, problem.sessions[s].start))
    for r in range(2, 2 + problem.N):
        s_name = ws.cell(r, col["Session"]).value
        if s_name:
            keys.append((order.index(problem.session_index[s_name]), ws.cell(r, col["Time slot"]).value))
    assert keys == sorted(keys)
    # the talks grid shows the move
    values = [[c.value for c in r] for r in ws.iter_rows()]
    grid_cells = [(i, j) for i, r in enumerate(values) for j, v in enumerate(r) if v == ref and j >= len(col)]
    assert len(grid_cells) == 1
    i, j = grid_cells[0]
    assert values[i][j - problem.rooms.index(spot[1]) - 3] == spot[0]  # the row's session
    # the Programme is the edited schedule's
    sched = schedule_in_workbook(problem, load_workbook_data(edited))[0]
    prog = conference_programme(problem, sched)
    pws = wb[PROGRAMME]
    texts = [str(c.value) for r in pws.iter_rows() for c in r if c.value]
    title = problem.submissions[problem.find_submission(ref)].title
    hits = [x for x in texts if x.startswith(title)]
    assert hits and prog.talks
    grid = [[c.value for c in r] for r in pws.iter_rows()]
    head = next(i for i, r in enumerate(grid) if r[0] == "Time")
    (pi, pj), = [(i, j) for i, r in enumerate(grid) for j, v in enumerate(r)
                 if isinstance(v, str) and v.startswith(title) and "continued" not in v]
    assert grid[head][pj] == spot[1]
    a0, b0 = sess.slot_times(spot[2] - 1)
    assert grid[pi][0] == f"{a0 // 60:02d}:{a0 % 60:02d}–{b0 // 60 % 24:02d}:{b0 % 60:02d}"
    band = next(grid[i][0] for i in range(pi, head, -1) if grid[i][0] and not grid[i][0][0].isdigit())
    assert band.startswith(spot[0] + ",")
    assert "Live checks" in wb.sheetnames
