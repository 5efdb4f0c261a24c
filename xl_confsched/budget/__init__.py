"""Attendance budget allocation: how many associates to send to which flagship conference.

Inputs (one sheet each, as they arrive in real planning): ``Conferences``, ``Flights``,
``PerDiem``, ``Budget``, ``Strategies``, ``Scenarios``.  Results: ``Comparison`` (fixed
strategies vs the integer programme), ``Allocation`` (the plan with live Excel formulas),
``Scenario Results``, ``Run`` and ``Status``.
"""
