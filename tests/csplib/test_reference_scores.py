"""Our evaluator reproduces the CSPLib authors' checker on every reference solution."""

import re

import pytest

from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.reader import load_problem
from xl_confsched.csplib.solution_io import load_solution
from xl_confsched.csplib.terms import TERMS

from ..conftest import CSPLIB


def reference_rows():
    path = CSPLIB / "reference_scores.md"
    if not path.exists():
        return []
    out = []
    for block in re.split(r"^## ", path.read_text(), flags=re.M)[1:]:
        lines = block.strip().splitlines()
        model, inst = lines[0].strip().split("/")
        expected = {}
        for line in lines[1:]:
            m = re.match(r"- (.*): (-?\d+)$", line.strip())
            if m:
                expected[m.group(1).strip()] = int(m.group(2))
        out.append(pytest.param(model, inst, expected, id=f"{model}-{inst}"))
    return out


def _norm(label: str) -> str:
    return label.rstrip(":").strip().lower()


LABELS = {_norm(t.label): t.key for t in TERMS}


@pytest.mark.parametrize("model,instance,expected", reference_rows() or [pytest.param(None, None, None, id="none")])
def test_reference_solution_scores(csplib_dir, model, instance, expected):
    if model is None:
        pytest.skip("reference_scores.md not present")
    problem = load_problem(csplib_dir / "instances" / f"{instance}.xlsx")
    sched = load_solution(problem, csplib_dir / "solutions" / model / f"{instance}.xlsx")
    ev = evaluate(problem, sched)
    assert ev.total == expected.pop("total")
    assert expected, "the reference lists per-term values"
    for label, value in expected.items():
        key = LABELS[_norm(label)]
        term = ev.term(key)
        assert term.active, f"{label} is reported by the checker, so its weight must be > 0"
        assert term.penalty == value, f"{model}/{instance} {label}: ours {term.penalty}, checker {value}"
    # terms the checker does not list are inactive or zero
    listed = {LABELS[_norm(label)] for label in expected}
    for term in ev.terms:
        if term.key not in listed and term.key != "STRUCT":
            assert not term.active or term.penalty == 0
    assert ev.all_scheduled and ev.valid
