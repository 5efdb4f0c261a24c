"""xl_confsched.cells: one meaning for a cell in every reader."""

from __future__ import annotations

import datetime as dt

import pytest

from xl_confsched import cells
from xl_confsched.cells import CellError, CellReader, NameIndex
from xl_confsched.errors import IssueLog
from xl_confsched.tables import Table


@pytest.mark.parametrize("text,value", [
    ("12", 12), ("-3.5", -3.5), ("+4", 4), ("1e3", 1000), (".5", 0.5), ("5.", 5),
    ("1,200", 1200), ("1,200,000", 1_200_000), ("1 200", 1200), ("1\u00a0200", 1200), ("1'200", 1200),
    ("1.200.000", 1_200_000), ("1,5", 1.5), ("12,50", 12.5), ("0,125", 0.125), ("1.234,5", 1234.5),
    ("1,234.5", 1234.5), ("$ 2,650", 2650), ("2650 €", 2650), ("USD 100", 100), ("\u22125", -5), ("  7 ", 7),
])
def test_numeric_text_is_read_one_way(text, value):
    assert cells.number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "Infinity", "1e309", "-1e400", "1_000", "١٢",
                                  "1,2,3", "12%", "two", "1..2", "0x10", "--5"])
def test_python_extras_and_nonsense_are_not_numbers(text):
    with pytest.raises(CellError):
        cells.number(text)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 1e16, -1e16, True, False,
                                   dt.date(2025, 1, 1), dt.time(9, 0), "#N/A", "#REF!", "#DIV/0!"])
def test_cells_that_are_not_numbers(value):
    with pytest.raises(CellError):
        cells.number(value)


def test_number_bounds_and_messages_say_the_limit():
    with pytest.raises(CellError) as e:
        cells.whole(10**12, lo=1, hi=1000, unit="time slots")
    assert "at most 1,000 time slots" in e.value.reason and "1,000,000,000,000" in e.value.reason
    with pytest.raises(CellError) as e:
        cells.whole(2.5, lo=0)
    assert "whole number" in e.value.reason and "2.5" in e.value.reason
    with pytest.raises(CellError) as e:
        cells.number("#N/A")
    assert "Excel error #N/A" in e.value.reason
    assert cells.whole("1,000", lo=0, hi=1000) == 1000
    assert cells.number(None, blank_value=0.0) == 0.0
    with pytest.raises(CellError, match="is empty"):
        cells.number("  ")


@pytest.mark.parametrize("value,minutes", [
    ("9:30", 570), ("09:30", 570), ("09.30", 570), ("9h30", 570), ("9:30 pm", 1290), ("12:15 am", 15),
    ("9 am", 540), ("23:59:59", 1439), (0.5, 720), (dt.time(14, 5), 845), (dt.datetime(1899, 12, 30, 8, 0), 480),
    (dt.datetime(2025, 6, 8, 10, 15), 615),
])
def test_times(value, minutes):
    assert cells.time_of_day(value) == minutes


@pytest.mark.parametrize("value", ["24:00", "9:60", "13:00 pm", "noon", 1.5, -0.1, float("nan"), "#N/A",
                                   dt.datetime(2025, 6, 8), True])
def test_not_times(value):
    with pytest.raises(CellError):
        cells.time_of_day(value)


@pytest.mark.parametrize("value,day", [
    ("2025-06-08", dt.date(2025, 6, 8)), ("06/08/2025", dt.date(2025, 6, 8)), ("08.06.2025", dt.date(2025, 6, 8)),
    (45816, dt.date(2025, 6, 8)), (dt.datetime(2025, 6, 8, 9), dt.date(2025, 6, 8)),
])
def test_dates(value, day):
    assert cells.date(value) == day


@pytest.mark.parametrize("value", ["2025-02-30", "13/01/2025", "tomorrow", 1e12, -3, 2.5, "#REF!"])
def test_not_dates(value):
    with pytest.raises(CellError):
        cells.date(value)


def test_flags():
    for v in (True, 1, "yes", "Y", "x", "TRUE", "✓", "ja", "oui"):
        assert cells.flag(v) is True
    for v in (False, 0, "no", "N", "false", "-", None, ""):
        assert cells.flag(v) is False
    assert cells.flag("break", yes=["break"]) is True
    for v in ("maybe", 2, "#N/A"):
        with pytest.raises(CellError):
            cells.flag(v)


def test_names_reject_excel_errors_and_clean_invisible_characters():
    for err in ("#N/A", "#REF!", " #name? ", "#DIV/0!", "#VALUE!", "#SPILL!"):
        with pytest.raises(CellError, match="Excel error"):
            cells.name(err)
    assert cells.name(" Ann\u00a0Lee\x07 ") == "Ann Lee"
    assert cells.name(12.0) == "12"
    with pytest.raises(CellError):
        cells.name(True)
    assert cells.name_list("Ann, Bo ,, Cy") == ["Ann", "Bo", "Cy"]
    with pytest.raises(CellError, match="#N/A"):
        cells.name_list("Ann, #N/A")
    with pytest.raises(CellError, match="#REF!"):
        cells.name_list("#REF!")


def test_name_index_matches_without_regard_to_case_and_suggests():
    idx = NameIndex(["Machine Learning", "Robotics", "AI"], what="track")
    assert idx.find("robotics") == 1 and idx.find(" Robotics ") == 1 and idx.find("ai") == 2
    assert idx.find("Robotic") is None
    assert "did you mean 'Robotics'" in idx.unknown("Robotic", "the tracks sheet")
    both = NameIndex(["ai", "AI"])
    assert both.find("AI") == 1 and both.find("ai") == 0 and both.find("Ai") is None  # ambiguous: no guess


def test_cell_reader_logs_with_the_cell_and_warns_about_the_odd():
    t = Table(sheet="Weights", rows=[["Setting", "Value"], ["Conflict weight", "nan"], ["Capacity weight", "1,200"],
                                      ["Penalty", -5], [None, 7]], origin_row=1, origin_col=1)
    log = IssueLog()
    r = CellReader(log)
    assert r.number(t, 1, 1, "Conflict weight", lo=0) is None
    assert r.number(t, 2, 1, "Capacity weight", lo=0) == 1200
    assert r.number(t, 3, 1, "Penalty", negative_warning="a negative penalty is a reward.") == -5
    r.label_without_value(t, 4, 0, 1)
    errs = [str(i) for i in log.errors]
    warns = [str(i) for i in log.warnings]
    assert errs == ["Weights!B2: Conflict weight: must be a number, found 'nan'; type a number of at least 0."]
    assert any(w.startswith("Weights!B3:") and "read as 1,200" in w for w in warns)
    assert any(w.startswith("Weights!B4:") and "negative" in w for w in warns)
    assert any(w.startswith("Weights!B5:") and "no setting name" in w for w in warns)
