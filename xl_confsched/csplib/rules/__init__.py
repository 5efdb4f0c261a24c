"""One module per rule of the CSPLib objective; each rule is defined once.

A rule object knows its term (key, weight) and

* ``evaluate(problem, schedule)`` → the list of :class:`Violation` (each with its raw
  amount and the facts that broke the rule) for ANY schedule, hand-edited ones
  included — the evaluator sums them;
* ``build(ctx)`` → the raw amount as a PuLP expression over the optimiser's variables
  (plus any constraints it needs), added to the model with the same weight.

Where is the presenter-conflict rule? ``conflicts.py``.  Grid penalties:
``grid_penalties.py``; similar tracks: ``similar_tracks.py``; rooms per track and the
same track in parallel: ``track_rooms.py``; consecutive tracks: ``consecutive.py``;
time zones and submission penalties: ``submission_penalties.py``; order: ``order.py``;
multi-slot submissions: ``structure.py``.
"""

from .base import Rule, Violation
from .conflicts import (AttendeeConflicts, AttendeeConflictsTimeslot, ChairConflicts, PresenterConflicts,
                        PresenterConflictsTimeslot)
from .consecutive import ConsecutiveTracks
from .grid_penalties import SessionRoomPenalty, TrackRoomPenalty, TrackSessionPenalty
from .order import SubmissionOrder
from .similar_tracks import SimilarTracks
from .structure import MultiSlotStructure
from .submission_penalties import SubmissionRoomPenalty, SubmissionSessionPenalty, SubmissionTimezone
from .track_rooms import ParallelTracks, RoomsPerTrack

RULES: list[Rule] = [
    TrackSessionPenalty(), TrackRoomPenalty(), SessionRoomPenalty(), SimilarTracks(), RoomsPerTrack(),
    ParallelTracks(), ConsecutiveTracks(), SubmissionTimezone(), SubmissionOrder(), SubmissionSessionPenalty(),
    SubmissionRoomPenalty(), PresenterConflicts(), AttendeeConflicts(), ChairConflicts(),
    PresenterConflictsTimeslot(), AttendeeConflictsTimeslot(), MultiSlotStructure(),
]
RULE_BY_KEY = {r.key: r for r in RULES}

__all__ = ["RULES", "RULE_BY_KEY", "Rule", "Violation"]
