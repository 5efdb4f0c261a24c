"""Rules in words: the vocabulary and lexer, the Lark grammar, the compiler and the rule objects.

A rule is one row of the Rules sheet: its text (see the README for the phrases), hard
or soft, a weight (the cost of each unit by which it is broken; for a hard rule the
cost used only when the hard rules cannot all hold) and a note.
"""

from __future__ import annotations

from ...errors import IssueLog
from ..problem import AssignmentProblem
from .atoms import Ctx, Rule, RuleResult
from .compile import CompileError, compile_text
from .vocabulary import Vocabulary

__all__ = ["compile_rules", "compile_text", "CompileError", "Ctx", "Rule", "RuleResult", "Vocabulary"]


def compile_rules(problem: AssignmentProblem, log: IssueLog) -> None:
    """Compile every rule row in place (``row.rule``); each error names the Rules cell and the word."""
    vocab = Vocabulary(problem)
    for row in problem.rules:
        try:
            node = compile_text(row.text, problem, vocab)
        except CompileError as exc:
            log.error(row.ref, f"rule '{row.text}': {exc} Write the rule with names from the Items, Places and "
                               "Slots sheets (see the README for the phrases a rule can use).")
            continue
        row.rule = Rule(formula=node, hard=row.hard, weight=row.weight, text=row.text, ref=row.ref)
