"""Publishing a schedule: the Programme sheet, a static web page and calendars (.ics).

:mod:`.programme` holds the kind-neutral :class:`~.programme.Programme`; each kind that
schedules talks builds one from its schedule (``<kind>/programme.py``); :mod:`.sheet`,
:mod:`.html` and :mod:`.calendars` draw from it.
"""
