"""The shipped conference templates: Excel Tables, drop-downs, validation, input styling."""

from openpyxl import load_workbook

from xl_confsched.csplib.template import (INPUT_FILL, InstanceSpec, blank_workbook, example_spec,
                                          example_workbook, sheets)


def test_example_template_has_tables_validation_and_styled_inputs(tmp_path):
    wb = load_workbook(example_workbook(tmp_path / "ex.xlsx"))
    assert wb.sheetnames[0] == "Instructions"
    for name in ("submissions", "tracks", "sessions", "rooms"):
        assert name in wb[name].tables, f"{name} is not an Excel Table"
    subs = wb["submissions"]
    assert subs.tables["submissions"].ref.startswith("A1:")
    rules = {str(dv.sqref): dv for dv in subs.data_validations.dataValidation}
    track_rule = next(dv for ref, dv in rules.items() if ref.startswith("B2"))
    assert track_rule.type == "list" and track_rule.formula1.startswith("tracks!$A$2")
    slots_rule = next(dv for ref, dv in rules.items() if ref.startswith("C2"))
    assert slots_rule.type == "whole"
    tz_rule = next(dv for ref, dv in rules.items() if ref.startswith("E2"))
    assert "GMT-12" in tz_rule.formula1 and "GMT+12" in tz_rule.formula1
    # input cells are painted; header cells are not
    assert subs["A2"].fill.fgColor.rgb.endswith(INPUT_FILL)
    assert not subs["A1"].fill.fgColor.rgb.endswith(INPUT_FILL)
    params = wb["parameters"]
    assert params["E13"].fill.fgColor.rgb.endswith(INPUT_FILL)
    assert any(str(dv.sqref).find("E2:E17") >= 0 for dv in params.data_validations.dataValidation)


def test_blank_template_reads_and_matrices_follow_the_lists(tmp_path):
    from xl_confsched.csplib.reader import load_problem

    assert load_problem(blank_workbook(tmp_path / "blank.xlsx")).N == 1
    spec: InstanceSpec = example_spec()
    spec.tracks.append(("Robotics", None))
    spec.rooms.append("Room D")
    spec.submissions.append({"ref": "ROB01", "track": "Robotics", "presenters": "Ada"})
    rows = sheets(spec)
    assert rows["tracks_rooms|penalty"][0][-1] == "Room D" and rows["tracks_rooms|penalty"][-1][0] == "Robotics"
    assert len(rows["similar tracks"]) == len(spec.tracks) + 1 and len(rows["similar tracks"][0]) == len(spec.tracks) + 1
    assert rows["submissions"][0][7 + len(spec.sessions) + len(spec.rooms) - 1] == "Room D"
    assert rows["submissions"][0][-len(spec.descriptive):] == spec.descriptive  # optional columns after the rooms
