"""xl_confsched: conference planning that lives in Excel.

The core (readers, evaluators, models) never imports xlwings; only
``xl_confsched.excel`` and ``xl_confsched.udfs`` do.
"""

__version__ = "0.1.0"
