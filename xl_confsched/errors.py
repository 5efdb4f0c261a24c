"""Messages about the organiser's input: every one names a sheet, a cell and what to do.

Readers never stop at the first problem: they collect :class:`InputIssue` objects in an
:class:`IssueLog` and raise one :class:`InputError` carrying all of them at the end.
Warnings (input that is accepted but may surprise the organiser) travel the same way
and end up on the Status sheet / the terminal, never as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Literal

Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True)
class InputIssue:
    """One problem found in the input.

    ``where`` is a cell reference such as ``submissions!C14`` (or a sheet name when the
    whole sheet is at fault); ``message`` says what is wrong *and* what to do.
    """

    where: str
    message: str
    severity: Severity = "error"

    @property
    def sheet(self) -> str:
        return self.where.split("!", 1)[0]

    @property
    def cell(self) -> str | None:
        return self.where.split("!", 1)[1] if "!" in self.where else None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class InputError(Exception):
    """Raised with every error found in a workbook (not just the first)."""

    def __init__(self, issues: Iterable[InputIssue]):
        self.issues = [i for i in issues]
        super().__init__(self.describe())

    @property
    def errors(self) -> list[InputIssue]:
        return [i for i in self.issues if i.severity == "error"]

    def describe(self) -> str:
        errs = self.errors
        head = f"{len(errs)} problem{'s' if len(errs) != 1 else ''} in the workbook:"
        return "\n".join([head] + [f"  - {i}" for i in errs])


@dataclass
class IssueLog:
    """Collects errors and warnings while reading."""

    issues: list[InputIssue] = field(default_factory=list)

    def error(self, where: str, message: str) -> None:
        self.issues.append(InputIssue(where, message, "error"))

    def warn(self, where: str, message: str) -> None:
        self.issues.append(InputIssue(where, message, "warning"))

    @property
    def errors(self) -> list[InputIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[InputIssue]:
        return [i for i in self.issues if i.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InputError(self.issues)
