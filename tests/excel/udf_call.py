"""Call the UDFs through xlwings' own custom-function code path (run in a subprocess).

    XLWINGS_ON_SERVER=true XLWINGS_LICENSE_KEY=noncommercial python -m tests.excel.udf_call SOLVED.xlsx

With ``XLWINGS_ON_SERVER`` set, ``@xw.func`` / ``@xw.arg`` / ``@xw.ret`` in
``xl_confsched.udfs`` are xlwings' real decorators, and ``custom_functions_call``
converts the arguments and the return values exactly as for a workbook calling them.
Only the workbook lookup (the caller's book) is replaced by the file's instance.
Prints the converted results as JSON.
"""

import asyncio
import json
import sys

import xlwings as xw
from openpyxl import load_workbook
from xlwings.pro.udfs_officejs import custom_functions_call

from xl_confsched import udfs
from xl_confsched.csplib.reader import read_problem
from xl_confsched.csplib.results import ASSIGNMENT_COLUMNS, assignment_table_column
from xl_confsched.tables import load_workbook_data


def main(path: str) -> None:
    problem = read_problem(load_workbook_data(path))
    udfs._problem = lambda caller: problem
    ws = load_workbook(path, data_only=True)["Schedule"]
    c0 = assignment_table_column(problem) + 1
    # the values as the Office.js client sends a range: "" for empty cells
    rows = [["" if ws.cell(r, c).value is None else ws.cell(r, c).value for c in range(c0, c0 + len(ASSIGNMENT_COLUMNS))]
            for r in range(1, problem.N + 2)]
    calls = {"score": ("confsched_score", [rows]),
             "term": ("confsched_term", [[["presenter time zones"]], rows]),
             "conflicts": ("confsched_conflicts", [rows]),
             "bad": ("confsched_score", [[["not", "a"], ["schedule", 1]]])}
    out = {"decorated": hasattr(udfs.confsched_score, "__xlfunc__")}
    for key, (fn, args) in calls.items():
        data = {"func_name": fn, "args": args, "version": xw.__version__, "client": "Office.js",
                "caller_address": "Sheet1!A1", "formula_name": fn.upper(), "culture_info_name": "en-US",
                "date_format": "M/d/yyyy", "runtime": "1.4"}
        out[key] = asyncio.run(custom_functions_call(data, udfs))
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
