"""One way to read a cell, for every reader: numbers, whole numbers, times, dates, yes/no, names.

Every kind's reader parses its cells with these functions, so a cell means the same in every
workbook: ``"1,200"`` is 1200 everywhere, ``"nan"`` is nowhere a number, ``#N/A`` is nobody's
name.  The business rules (which columns, which bounds, what a value means) stay in each
kind's reader; only the vocabulary lives here.

Two layers:

* pure parsers — :func:`number`, :func:`whole`, :func:`time_of_day`, :func:`date`,
  :func:`flag`, :func:`name`, :func:`name_list` — return the value or raise
  :class:`CellError` whose ``reason`` completes a sentence about the cell ("must be a whole
  number from 1 to 1,000, found 'two'");
* :class:`CellReader`, bound to an :class:`~xl_confsched.errors.IssueLog`: the same
  functions on a table cell, logging "sheet!cell: <what>: <reason>" and returning ``None``
  on error, so a reader collects every problem in one pass.

Numbers (:func:`parse_number_text` has the exact rule): numeric cells as they are, but never
NaN, ±infinity or a magnitude above :data:`NUMBER_LIMIT`; text with spaces, apostrophes or
commas/dots as thousands separators (``1 200``, ``1'200``, ``1,200``, ``1.200.000``), a decimal
comma or point (``1,5``, ``1.5``, ``1.234,5``, ``1,234.5``), an exponent (``1e3``), a leading
currency symbol, the minus sign ``−``.  One comma followed by exactly three digits (``1,200``)
is a thousands separator; the reader warns that it was read so.

Names: surrounding spaces trimmed, non-breaking spaces made spaces, invisible control
characters dropped; an Excel error value (``#N/A``, ``#REF!``…) is never a name.  Names are
matched without regard to case (:class:`NameIndex`), with "did you mean" suggestions.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from .errors import IssueLog
from .tables import Table, is_blank as _is_blank_value

__all__ = [
    "CellError", "CellReader", "NameIndex", "ERROR_VALUES", "NUMBER_LIMIT", "MISSING",
    "blank", "excel_error", "text", "shown", "number", "whole", "parse_number_text", "time_of_day", "date",
    "flag", "name", "name_list", "suggest", "fmt",
]

# Excel's error values (what openpyxl and xlwings give for a cell whose formula failed)
ERROR_VALUES = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!",
    "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!", "#EXTERNAL!", "#N/A!",
})
NUMBER_LIMIT = 1e15  # Excel keeps 15 significant digits; no planning quantity is larger
WHOLE_LIMIT = 10**15

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u2060\ufeff\ufffe\uffff]")
_SPACES = re.compile("[\u00a0\u2007\u202f\u2009\u3000]")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # "no default": a blank cell is an error


class CellError(ValueError):
    """A cell that cannot be read as asked; ``reason`` completes a sentence about the cell."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------------------
# text
# --------------------------------------------------------------------------------------

def fmt(x: float | int) -> str:
    """A number as an organiser writes it: 1,000,000 / 2.5 / 1e+20."""
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int) or (isinstance(x, float) and math.isfinite(x) and x.is_integer() and abs(x) < 1e16):
        return f"{int(x):,}"
    if isinstance(x, float) and math.isfinite(x) and 1e-4 <= abs(x) < 1e16:
        return f"{x:,.6f}".rstrip("0").rstrip(".")
    return f"{x:g}"


def excel_error(value: Any) -> str | None:
    """The Excel error value a cell holds (``"#N/A"``…), else None."""
    if isinstance(value, str):
        s = value.strip().upper()
        if s in ERROR_VALUES:
            return s
    return None


def _clean(s: str) -> str:
    return _CONTROL.sub("", _SPACES.sub(" ", s)).strip()


def text(value: Any) -> str:
    """A cell's text as the organiser sees it: trimmed, ``12.0`` as ``12``, dates as ISO, times as HH:MM."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time(0) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return _clean(str(value))


def shown(value: Any, limit: int = 60) -> str:
    """A value quoted for a message: ``'two'``, shortened when long."""
    s = text(value)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return f"'{s}'"


def blank(value: Any) -> bool:
    """Empty, or only spaces."""
    return _is_blank_value(value) or (isinstance(value, str) and _clean(value) == "")


# --------------------------------------------------------------------------------------
# numbers
# --------------------------------------------------------------------------------------

_CURRENCY = re.compile(r"^[$€£¥₹]\s*|\s*[$€£¥₹]$|^(?:USD|EUR|GBP|CHF)\s+|\s+(?:USD|EUR|GBP|CHF)$", re.I)
_DIGIT_SPACE = re.compile(r"(?<=\d)[ '’](?=\d{3}(?:\D|$))")
_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,4})?")
_EN_GROUPS = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
_DE_GROUPS = re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+,\d+|[+-]?[1-9]\d{0,2}(?:\.\d{3}){2,}")
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")
_NOT_NUMBERS = {"nan", "inf", "infinity", "-inf", "+inf", "-infinity", "+infinity", "-nan", "+nan"}


def parse_number_text(s: str) -> tuple[float, bool] | None:
    """(value, read a comma as thousands separator in an ambiguous way) of a numeric text, or None.

    Accepted: ``12``, ``-3.5``, ``+4``, ``1e3``, ``.5``; thousands separated by spaces,
    apostrophes, commas (``1,200,000``) or dots (``1.200.000``); a decimal comma (``1,5``,
    ``1.234,5``); a leading or trailing currency symbol or code; the minus sign ``−``.
    Never ``nan``/``inf`` and never Python's own extras (underscores, other scripts' digits).
    """
    t = _clean(s).replace("\u2212", "-").replace("\u2013", "-")
    if t.lower() in _NOT_NUMBERS:
        return None
    t = _CURRENCY.sub("", t).strip()
    if t[:1] in "+-" and t[1:2] == " ":
        t = t[0] + t[1:].lstrip()
    t = _DIGIT_SPACE.sub("", t)
    if not t or not t.isascii():
        return None
    ambiguous = False
    if _PLAIN.fullmatch(t):
        core = t
    elif _EN_GROUPS.fullmatch(t):
        ambiguous = "." not in t and t.count(",") == 1
        core = t.replace(",", "")
    elif _DE_GROUPS.fullmatch(t):
        core = t.replace(".", "").replace(",", ".")
    elif _DECIMAL_COMMA.fullmatch(t):
        core = t.replace(",", ".")
    else:
        return None
    try:
        x = float(core)
    except ValueError:
        return None
    if not math.isfinite(x):
        return None
    return x, ambiguous


def _kind_of(value: Any) -> str | None:
    if isinstance(value, bool):
        return f"{'TRUE' if value else 'FALSE'} (a yes/no value)"
    if isinstance(value, dt.datetime):
        return "a date and time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, dt.time):
        return "a time"
    return None


def number(value: Any, *, lo: float | None = None, hi: float | None = None, blank_value: Any = MISSING,
           integer: bool = False, unit: str = "") -> Any:
    """The number in a cell, within ``lo``…``hi`` (and never beyond ±:data:`NUMBER_LIMIT`).

    ``blank_value``: what an empty cell means (default: an empty cell is an error).
    ``integer``: a whole number is required (returned as ``int``).  ``unit`` names the
    quantity in messages ("seats", "minutes").
    """
    if blank(value):
        if blank_value is MISSING:
            raise CellError(f"is empty; {_expect(lo, hi, integer, unit)}")
        return blank_value
    err = excel_error(value)
    if err:
        raise CellError(f"holds the Excel error {err} (a formula that failed); fix that formula or "
                        f"{_expect(lo, hi, integer, unit)}")
    what = _kind_of(value)
    if what:
        raise CellError(f"is {what}, not a number; {_expect(lo, hi, integer, unit)}")
    if isinstance(value, (int, float)):
        x = float(value)
        if not math.isfinite(x):
            raise CellError(f"is not a finite number; {_expect(lo, hi, integer, unit)}")
    elif isinstance(value, str):
        got = parse_number_text(value)
        if got is None:
            if _too_large(value):
                raise CellError(f"is too large ({shown(value)}); {_expect(lo, hi, integer, unit)}")
            raise CellError(f"must be a number, found {shown(value)}; {_expect(lo, hi, integer, unit)}")
        x = got[0]
    else:
        raise CellError(f"must be a number, found {shown(value)}; {_expect(lo, hi, integer, unit)}")
    limit_hi = NUMBER_LIMIT if hi is None else hi
    limit_lo = -NUMBER_LIMIT if lo is None else lo
    if integer and not x.is_integer():
        raise CellError(f"must be a whole number{_unit(unit)}, found {fmt(x)}; {_expect(lo, hi, integer, unit)}")
    if x > limit_hi or x < limit_lo:
        side = "at most " + fmt(limit_hi) if x > limit_hi else "at least " + fmt(limit_lo)
        raise CellError(f"must be {side}{_unit(unit)}, found {fmt(x)}; {_expect(lo, hi, integer, unit)}")
    return int(x) if integer else x


def _too_large(s: str) -> bool:
    t = _clean(s).replace(",", "").replace(" ", "")
    return bool(_PLAIN.fullmatch(t)) and not math.isfinite(float(t))


def whole(value: Any, *, lo: int | None = None, hi: int | None = None, blank_value: Any = MISSING,
          unit: str = "") -> Any:
    """A whole number within ``lo``…``hi`` (see :func:`number`)."""
    return number(value, lo=lo, hi=hi, blank_value=blank_value, integer=True, unit=unit)


def _unit(unit: str) -> str:
    return f" {unit}" if unit else ""


def _expect(lo, hi, integer: bool, unit: str) -> str:
    kind = "a whole number" if integer else "a number"
    if lo is not None and hi is not None:
        rng = f" from {fmt(lo)} to {fmt(hi)}"
    elif lo is not None:
        rng = f" of at least {fmt(lo)}"
    elif hi is not None:
        rng = f" of at most {fmt(hi)}"
    else:
        rng = ""
    return f"type {kind}{_unit(unit) if not rng else ''}{rng}{_unit(unit) if rng else ''}."


def is_ambiguous_thousands(value: Any) -> bool:
    """True for a text such as ``'1,200'``: read as 1200, but 1.2 in a decimal-comma locale."""
    if not isinstance(value, str):
        return False
    got = parse_number_text(value)
    return bool(got and got[1])


# --------------------------------------------------------------------------------------
# times and dates
# --------------------------------------------------------------------------------------

_TIME_TEXT = re.compile(r"^(\d{1,2})\s*[:.hH]\s*(\d{2})(?:\s*:\s*(\d{2}))?\s*([aApP]\.?[mM]\.?)?$")
_TIME_HOUR = re.compile(r"^(\d{1,2})\s*([aApP]\.?[mM]\.?)$")
_EPOCH_DAYS = (dt.date(1899, 12, 30), dt.date(1899, 12, 31), dt.date(1900, 1, 1))


def time_of_day(value: Any, *, blank_value: Any = MISSING) -> Any:
    """Minutes after midnight (0…1439) of an Excel time, a fraction of a day, or text such as
    ``9:30``, ``09.30``, ``9h30``, ``9:30 pm``, ``9 am``."""
    if blank(value):
        if blank_value is MISSING:
            raise CellError("is empty; type a time such as 09:30.")
        return blank_value
    err = excel_error(value)
    if err:
        raise CellError(f"holds the Excel error {err} (a formula that failed); fix it or type a time such as 09:30.")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.date() not in _EPOCH_DAYS:
            raise CellError(f"is the date {value.date().isoformat()}, not a time; type a time such as 09:30.")
        return value.hour * 60 + value.minute
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    if isinstance(value, bool):
        raise CellError("is a yes/no value, not a time; type a time such as 09:30.")
    if isinstance(value, (int, float)):
        if math.isfinite(value) and 0 <= value < 1:
            return (round(value * 1440)) % 1440
        raise CellError(f"must be a time, found the number {fmt(value)}; type a time such as 09:30.")
    if isinstance(value, str):
        s = _clean(value)
        m = _TIME_TEXT.match(s)
        h = mi = None
        ampm = ""
        if m:
            h, mi, ampm = int(m.group(1)), int(m.group(2)), (m.group(4) or "")
            if m.group(3) is not None and int(m.group(3)) > 59:
                h = None
        else:
            m2 = _TIME_HOUR.match(s)
            if m2:
                h, mi, ampm = int(m2.group(1)), 0, m2.group(2)
        if h is not None and mi is not None:
            ampm = ampm.replace(".", "").lower()
            if ampm and not 1 <= h <= 12:
                h = None
            elif ampm == "pm" and h < 12:
                h += 12
            elif ampm == "am" and h == 12:
                h = 0
            if h is not None and h < 24 and mi < 60:
                return h * 60 + mi
    raise CellError(f"is not a time of day, found {shown(value)}; type a time such as 09:30 (HH:MM, 00:00–23:59).")


_MDY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DMY_DOTS = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
MAX_SERIAL = 2_958_465  # 9999-12-31 in Excel's 1900 date system


def date(value: Any, *, blank_value: Any = MISSING) -> Any:
    """A date from an Excel date, an Excel serial number, or text: ``2025-06-08`` (ISO),
    ``06/08/2025`` (month/day/year, as the CSPLib template) or ``08.06.2025`` (day.month.year)."""
    if blank(value):
        if blank_value is MISSING:
            raise CellError("is empty; type a date such as 2025-06-08.")
        return blank_value
    err = excel_error(value)
    if err:
        raise CellError(f"holds the Excel error {err} (a formula that failed); fix it or type a date.")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, dt.time) or isinstance(value, bool):
        raise CellError(f"is not a date, found {shown(value)}; type a date such as 2025-06-08.")
    if isinstance(value, (int, float)):
        if math.isfinite(value) and 1 <= value <= MAX_SERIAL and float(value).is_integer():
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        raise CellError(f"is not a date, found the number {fmt(value)}; type a date such as 2025-06-08.")
    if isinstance(value, str):
        s = _clean(value)
        for rx, order in ((_ISO, "ymd"), (_MDY, "mdy"), (_DMY_DOTS, "dmy")):
            m = rx.match(s)
            if m:
                parts = dict(zip(order, (int(g) for g in m.groups()[:3])))
                try:
                    return dt.date(parts["y"], parts["m"], parts["d"])
                except ValueError:
                    raise CellError(f"is not a valid date, found {shown(value)}; check the day and month.") from None
    raise CellError(f"is not a date, found {shown(value)}; type a date such as 2025-06-08 (or MM/DD/YYYY).")


# --------------------------------------------------------------------------------------
# yes / no
# --------------------------------------------------------------------------------------

YES = frozenset({"yes", "y", "x", "true", "1", "ja", "j", "oui", "si", "sí", "✓", "✔"})
NO = frozenset({"no", "n", "false", "0", "-", "nein", "non"})


def flag(value: Any, *, blank_value: Any = False, yes: Iterable[str] = (), no: Iterable[str] = ()) -> Any:
    """True / False for a yes/no cell: TRUE/FALSE, 1/0, yes/no, y/n, x, ✓ (plus a kind's own ``yes``/``no`` words).
    An empty cell is ``blank_value`` (default False)."""
    if blank(value):
        if blank_value is MISSING:
            raise CellError("is empty; type yes or no.")
        return blank_value
    if value is True or value is False:
        return value
    err = excel_error(value)
    if err:
        raise CellError(f"holds the Excel error {err} (a formula that failed); type yes or no.")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value == 1:
            return True
        if value == 0:
            return False
    s = text(value).casefold()
    if s in YES or s in {w.casefold() for w in yes}:
        return True
    if s in NO or s in {w.casefold() for w in no}:
        return False
    raise CellError(f"is not yes or no, found {shown(value)}; type yes (or x) or no (or leave it empty).")


# --------------------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------------------

def name(value: Any, *, blank_value: Any = MISSING, what: str = "name") -> Any:
    """A name (of a person, track, room…): the cell's trimmed text; numbers allowed (``12`` → ``"12"``);
    never an Excel error value or a yes/no value."""
    if blank(value):
        if blank_value is MISSING:
            raise CellError(f"is empty; type the {what}.")
        return blank_value
    err = excel_error(value)
    if err:
        raise CellError(f"holds the Excel error {err}, not a {what}: fix the formula that gives it or type the {what}.")
    if isinstance(value, bool):
        raise CellError(f"is {'TRUE' if value else 'FALSE'} (a yes/no value), not a {what}; type the {what}.")
    if isinstance(value, float) and not math.isfinite(value):
        raise CellError(f"is not a {what}; type the {what}.")
    return text(value)


def name_list(value: Any, *, separators: str = ",", what: str = "name") -> list[str]:
    """The names of a list cell (``"Ann Lee, Bo Chen"``), each trimmed, empty parts dropped.  An Excel
    error value anywhere in the list is an error (it would otherwise become a person)."""
    if blank(value):
        return []
    err = excel_error(value)
    if err:
        raise CellError(f"holds the Excel error {err}, not a list of {what}s: fix the formula or type the "
                        f"{what}s separated by commas.")
    s = text(value)
    parts = re.split("|".join(re.escape(c) for c in separators), s) if separators else [s]
    out = [_clean(p) for p in parts]
    bad = [p for p in out if excel_error(p)]
    if bad:
        raise CellError(f"contains the Excel error {bad[0]}, not a {what}: fix the formula or remove it from the list.")
    return [p for p in out if p]


def suggest(wanted: str, options: Iterable[str], cutoff: float = 0.6) -> str:
    """`` (did you mean 'X'?)`` for the closest option (compared without regard to case), else ``""``."""
    opts = list(dict.fromkeys(options))
    folded = {o.casefold(): o for o in opts}
    m = difflib.get_close_matches(wanted.casefold(), list(folded), n=1, cutoff=cutoff)
    return f" (did you mean '{folded[m[0]]}'?)" if m else ""


@dataclass
class NameIndex:
    """Names of one kind (tracks, rooms…) to match cells against: exact first, then without regard to
    case; :meth:`suggest` says "did you mean".  ``what`` names the kind in messages."""

    names: Sequence[str]
    what: str = "name"
    _exact: dict[str, int] = field(default_factory=dict, init=False)
    _folded: dict[str, list[int]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for i, n in enumerate(self.names):
            self._exact.setdefault(n, i)
            self._folded.setdefault(n.casefold(), []).append(i)

    def find(self, wanted: str) -> int | None:
        """Index of ``wanted``: the exact name, else the only name equal to it up to case."""
        wanted = _clean(wanted)
        if wanted in self._exact:
            return self._exact[wanted]
        hits = self._folded.get(wanted.casefold(), [])
        return hits[0] if len(hits) == 1 else None

    def __contains__(self, wanted: str) -> bool:
        return self.find(wanted) is not None

    def suggest(self, wanted: str) -> str:
        return suggest(wanted, self.names)

    def unknown(self, wanted: str, where_to_look: str = "") -> str:
        """The standard message for a name that is not in the index."""
        tail = f" Use a {self.what} from {where_to_look}" if where_to_look else f" Use a known {self.what}"
        return f"'{wanted}' is not a {self.what}{self.suggest(wanted)}.{tail}."


# --------------------------------------------------------------------------------------
# reading table cells into a log
# --------------------------------------------------------------------------------------

class CellReader:
    """The parsers above on table cells: errors go to ``log`` as ``sheet!cell: <what>: <reason>``
    and the method returns ``None``; values are returned as parsed."""

    def __init__(self, log: IssueLog):
        self.log = log

    def _run(self, t: Table, i: int, j: int, what: str, fn, *args, **kw):
        try:
            return fn(t.value(i, j), *args, **kw)
        except CellError as e:
            self.log.error(t.ref(i, j), f"{what}: {e.reason}" if what else e.reason[0].upper() + e.reason[1:])
            return None

    def number(self, t: Table, i: int, j: int, what: str, *, lo: float | None = None, hi: float | None = None,
               blank_value: Any = MISSING, integer: bool = False, unit: str = "",
               negative_warning: str | None = None) -> Any:
        """:func:`number` on cell (i, j); warns when a text like ``'1,200'`` was read with a thousands
        separator, and with ``negative_warning`` (a sentence) when the value is below 0."""
        v = t.value(i, j)
        x = self._run(t, i, j, what, number, lo=lo, hi=hi, blank_value=blank_value, integer=integer, unit=unit)
        if x is not None and is_ambiguous_thousands(v):
            self.log.warn(t.ref(i, j), f"{what}: {shown(v)} is read as {fmt(x)} (the comma as a thousands "
                                       f"separator); type {text(v).replace(',', '.')} if you meant a decimal number.")
        if x is not None and negative_warning and isinstance(x, (int, float)) and x < 0:
            self.log.warn(t.ref(i, j), f"{what} is negative ({fmt(x)}): {negative_warning}")
        return x

    def whole(self, t: Table, i: int, j: int, what: str, *, lo: int | None = None, hi: int | None = None,
              blank_value: Any = MISSING, unit: str = "", negative_warning: str | None = None) -> Any:
        return self.number(t, i, j, what, lo=lo, hi=hi, blank_value=blank_value, integer=True, unit=unit,
                           negative_warning=negative_warning)

    def time_of_day(self, t: Table, i: int, j: int, what: str, *, blank_value: Any = MISSING) -> Any:
        return self._run(t, i, j, what, time_of_day, blank_value=blank_value)

    def date(self, t: Table, i: int, j: int, what: str, *, blank_value: Any = MISSING) -> Any:
        return self._run(t, i, j, what, date, blank_value=blank_value)

    def flag(self, t: Table, i: int, j: int, what: str, *, blank_value: Any = False,
             yes: Iterable[str] = (), no: Iterable[str] = ()) -> Any:
        return self._run(t, i, j, what, flag, blank_value=blank_value, yes=yes, no=no)

    def name(self, t: Table, i: int, j: int, what: str, *, blank_value: Any = MISSING, noun: str = "name") -> Any:
        return self._run(t, i, j, what, name, blank_value=blank_value, what=noun)

    def name_list(self, t: Table, i: int, j: int, what: str, *, separators: str = ",",
                  noun: str = "name") -> list[str]:
        got = self._run(t, i, j, what, name_list, separators=separators, what=noun)
        return [] if got is None else got

    def label_without_value(self, t: Table, i: int, j_label: int, j_value: int, what: str = "setting") -> None:
        """Warn about a value whose label cell is empty (it is ignored)."""
        if blank(t.value(i, j_label)) and not blank(t.value(i, j_value)):
            self.log.warn(t.ref(i, j_value), f"the value {shown(t.value(i, j_value))} has no {what} name in "
                                             f"{t.ref(i, j_label)} and is ignored. Type the {what} name, or "
                                             "clear the value.")
