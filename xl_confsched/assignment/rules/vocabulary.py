"""The words a rule may use: keywords, and the names on the Items, Places and Slots sheets.

A rule names items, places, slots, attribute columns (by their header) and attribute
values exactly as they are written on the sheets, case aside, with or without quotes:
``Keynote in Aspen``, ``"Data Contracts in Practice" not on day 2``.  Names may contain
spaces and punctuation, and even keywords: the lexer recognises the longest known name
first, so quotes are needed only when a name is a single keyword (``"Before"``) or is
not on any sheet.  Unknown words run together into one word token, which the compiler
reports with the nearest known name ("did you mean 'Aspen'?").

The token stream feeds the Lark grammar of :mod:`.grammar` (a custom Lark lexer).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable

from lark import Token
from lark.lexer import Lexer

from ..problem import AssignmentProblem

KEYWORDS = (
    "if then and or not in at on during starts start placed scheduled never together apart before after right "
    "immediately directly most least exactly between no more than item items slot slots place places per "
    "every each for of with without all a an is are two once one time its their fits within into same pair pairs "
    "weight weights above over below under the"
).split()
KEYWORD_SET = frozenset(KEYWORDS)
ALIASES = {"start": "starts", "scheduled": "placed", "immediately": "right", "directly": "right", "an": "a",
           "their": "its", "into": "within", "over": "above", "under": "below"}
PUNCT = {"(": "LPAR", ")": "RPAR", ",": "COMMA"}
_NUMBER = re.compile(r"^\d+(?:[.]\d+)?$")
_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "«": "»"}
_BOUNDARY = set(" \t\r\n(),")


@dataclass(frozen=True)
class Meaning:
    kind: str  # "item" | "place" | "slot" | "column" | "value"
    sheet: str  # "Items" | "Places" | "Slots"
    index: int = -1  # item / place / slot index
    column: str = ""  # lower-case header (column / value)
    value: str = ""  # lower-case value (value)


class Vocabulary:
    """Every name of the workbook, lower-cased, with what it can mean."""

    def __init__(self, problem: AssignmentProblem):
        self.meanings: dict[str, list[Meaning]] = {}
        self.display: dict[str, str] = {}
        p = problem
        for i, it in enumerate(p.items):
            self._add(it.name, Meaning("item", "Items", i))
        for k, pl in enumerate(p.places):
            self._add(pl.name, Meaning("place", "Places", k))
        for s, sl in enumerate(p.slots):
            self._add(sl.name, Meaning("slot", "Slots", s))
        for sheet, cols in p.columns.items():
            for c in cols:
                self._add(c.header, Meaning("column", sheet, column=c.header.lower()))
        for sheet, ents in (("Items", p.items), ("Places", p.places), ("Slots", p.slots)):
            shown: dict[tuple[str, str], str] = {}
            for e in ents:
                for col, vals in e.values.items():
                    raw = e.raw.get(col)
                    parts = [x.strip() for x in re.split(r"\s*[,;]\s*", str(raw))] if isinstance(raw, str) else []
                    for v in vals:
                        disp = next((x for x in parts if x.lower() == v), v)
                        shown.setdefault((col, v), disp)
            for (col, v), disp in shown.items():
                self._add(disp, Meaning("value", sheet, column=col, value=v))
        if not any(c.header.lower() == "day" for c in p.columns.get("Slots", [])):
            self._add("day", Meaning("column", "Slots", column="day"))
        # longest names first, indexed by their first character
        self._by_first: dict[str, list[str]] = {}
        for key in sorted(self.meanings, key=len, reverse=True):
            self._by_first.setdefault(key[:1], []).append(key)

    def _add(self, name: str, meaning: Meaning) -> None:
        key = " ".join(name.lower().split())
        if not key:
            return
        lst = self.meanings.setdefault(key, [])
        if meaning not in lst:
            lst.append(meaning)
        self.display.setdefault(key, name)

    def lookup(self, name: str) -> list[Meaning]:
        return self.meanings.get(" ".join(name.lower().split()), [])

    def names(self, kinds: Iterable[str] | None = None, sheet: str | None = None) -> list[str]:
        ks = set(kinds) if kinds else None
        return [self.display[k] for k, ms in self.meanings.items()
                if any((ks is None or m.kind in ks) and (sheet is None or m.sheet == sheet) for m in ms)]

    def match_at(self, text: str, low: str, pos: int) -> str | None:
        """The longest known name starting at ``pos`` that does not end inside a word."""
        for key in self._by_first.get(low[pos:pos + 1], []):
            if not low.startswith(key, pos):
                continue
            end = pos + len(key)
            if end < len(low) and low[end].isalnum() and key[-1].isalnum():
                continue
            return text[pos:end]
        return None


def suggest(word: str, candidates: Iterable[str]) -> str:
    """`` Did you mean 'X'?`` for the nearest candidate, or ''."""
    cands = list(dict.fromkeys(c for c in candidates if c))
    low = {c.lower(): c for c in cands}
    hit = difflib.get_close_matches(word.lower(), list(low), n=1, cutoff=0.6)
    if not hit:  # a word of a longer name ("Supply Chain" for "Securing the Software Supply Chain")
        w = word.lower()
        contains = [c for c in low if w and (w in c or c in w) and len(w) >= 3]
        hit = sorted(contains, key=len)[:1]
    return f" Did you mean '{low[hit[0]]}'?" if hit else ""


# ----------------------------------------------------------------------------- lexer

def tokens(text: str, vocab: Vocabulary) -> list[Token]:
    """The rule text as Lark tokens (keywords, known NAMEs, QUOTED, NUMBER, WORD, punctuation)."""
    # normalise spaces (incl. non-breaking) but keep the text otherwise as typed
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()
    low = text.lower()
    out: list[Token] = []
    pos, n = 0, len(text)
    pending: list[tuple[int, str]] = []  # unknown words run together

    def flush() -> None:
        if pending:
            start = pending[0][0]
            out.append(Token("WORD", " ".join(w for _, w in pending), start_pos=start))
            pending.clear()

    while pos < n:
        ch = text[pos]
        if ch == " ":
            pos += 1
            continue
        if ch in PUNCT:
            flush()
            out.append(Token(PUNCT[ch], ch, start_pos=pos))
            pos += 1
            continue
        if ch in _QUOTES:
            close = text.find(_QUOTES[ch], pos + 1)
            if close > pos:
                flush()
                out.append(Token("QUOTED", text[pos + 1:close].strip(), start_pos=pos))
                pos = close + 1
                continue
        # the word at pos
        end = pos
        while end < n and text[end] not in _BOUNDARY:
            end += 1
        word = text[pos:end]
        wl = word.lower()
        name = vocab.match_at(text, low, pos)
        multi = name is not None and " " in name.strip()
        if name is not None and (multi or len(name) > len(word)):
            flush()
            out.append(Token("NAME", name, start_pos=pos))
            pos += len(name)
            continue
        if wl in KEYWORD_SET:
            flush()
            kw = ALIASES.get(wl, wl)
            out.append(Token(kw.upper(), word, start_pos=pos))
            pos = end
            continue
        if _NUMBER.match(word):
            flush()
            out.append(Token("NUMBER", word, start_pos=pos))
            pos = end
            continue
        if name is not None:
            flush()
            out.append(Token("NAME", name, start_pos=pos))
            pos += len(name)
            continue
        pending.append((pos, word))
        pos = end
    flush()
    return out


class RuleLexer(Lexer):
    """Lark lexer over a pre-made token list (``parser.parse(tokens)``)."""

    def __init__(self, lexer_conf):  # noqa: D401 - Lark's signature
        pass

    def lex(self, data):  # data: the list of tokens
        yield from data
