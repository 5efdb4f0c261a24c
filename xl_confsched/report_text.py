"""Plain-text and JSON renderings of a :class:`Report` for the terminal."""

from __future__ import annotations

from typing import Any

from .report import Formula, Report


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.2f}" if v != int(v) else f"{int(v):,}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    if isinstance(v, Formula):
        return v.label or "(formula)"
    return str(v)


def table_text(rows: list[list[Any]], max_rows: int = 60, number_formats: dict[int, str] | None = None) -> str:
    if not rows:
        return ""
    pct = {j for j, f in (number_formats or {}).items() if "%" in f}

    def cell(j: int, v: Any) -> str:
        if j in pct and isinstance(v, (int, float)) and not isinstance(v, bool):
            return f"{100 * v:.1f}%"
        return _fmt(v)

    cells = [[_fmt(v) for v in rows[0]]] + [[cell(j, v) for j, v in enumerate(r)] for r in rows[1:max_rows]]
    width = max(len(r) for r in cells)
    cells = [r + [""] * (width - len(r)) for r in cells]
    widths = [min(60, max(len(r[j]) for r in cells)) for j in range(width)]
    out = []
    for i, r in enumerate(cells):
        out.append("  ".join(c[:60].ljust(widths[j]) for j, c in enumerate(r)).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    if len(rows) > max_rows:
        out.append(f"... ({len(rows) - max_rows} more rows)")
    return "\n".join(out)


def report_as_text(report: Report, sheets: list[str] | None = None) -> str:
    sheets = sheets if sheets is not None else report.text_sheets
    parts = []
    if report.summary:
        parts.append(report.summary)
    for s in report.sheets:
        if sheets is not None and s.name not in sheets:
            continue
        for b in s.blocks:
            if b.title:
                parts.append(f"\n[{s.name}] {b.title}")
            parts.append(table_text(b.rows, number_formats=b.number_formats))
    if report.issues:
        parts.append("\nWarnings:")
        parts.extend(f"  - {i}" for i in report.issues)
    return "\n".join(parts)


def report_as_dict(report: Report) -> dict:
    return {
        "kind": report.kind,
        "status": report.status,
        "objective": report.objective,
        "summary": report.summary,
        "data": report.data,
        "issues": [{"where": i.where, "severity": i.severity, "message": i.message} for i in report.issues],
        "sheets": {
            s.name: [{"anchor": b.anchor, "title": b.title, "rows": b.rows} for b in s.blocks]
            for s in report.sheets
        },
    }
