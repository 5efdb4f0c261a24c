"""Synthetic personalised-scheduling instances, as workbook tables.

``mapsp_like()`` follows the statistics the paper reports for MAPSP 2015 (Section 5,
Table 1): 90 places (30 timeslots × 3 rooms: eight 3-blocks and three 2-blocks over five
days), 88 talks, 120 participants of whom 78 tick between 1 and 43 talks, 1,576 ticks in
all, clustered by topic, rooms of 170/100/40 seats and 13 presenters with unavailable days
(5 on Monday, 1 on Tuesday, 9 on Friday).  The profiles themselves are random: the real
ones were never published.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import numpy as np

from ..tables import Table, WorkbookData

MAPSP_STRUCTURE = [  # (day, day offset, block, start, k)
    ("Monday", 0, "Mon AM", time(9, 0), 3), ("Monday", 0, "Mon PM1", time(14, 0), 3),
    ("Monday", 0, "Mon PM2", time(16, 0), 2),
    ("Tuesday", 1, "Tue AM", time(9, 0), 3), ("Tuesday", 1, "Tue PM1", time(14, 0), 3),
    ("Tuesday", 1, "Tue PM2", time(16, 0), 2),
    ("Wednesday", 2, "Wed AM", time(9, 0), 3),
    ("Thursday", 3, "Thu AM", time(9, 0), 3), ("Thursday", 3, "Thu PM1", time(14, 0), 3),
    ("Thursday", 3, "Thu PM2", time(16, 0), 2),
    ("Friday", 4, "Fri AM", time(9, 0), 3),
]

TOPICS = ["Machine scheduling", "Approximation", "Online algorithms", "Timetabling", "Routing",
          "Project scheduling", "Game theory", "Integer programming", "Stochastic scheduling", "Complexity"]


def _tick_counts(rng: np.random.Generator, active: int, total: int, lo: int, hi: int) -> np.ndarray:
    mean = total / active
    counts = np.clip(np.round(rng.gamma(2.0, mean / 2.0, size=active)), lo, hi).astype(int)
    # adjust to the exact total, keeping every count within [lo, hi]
    while counts.sum() != total:
        i = int(rng.integers(active))
        if counts.sum() < total and counts[i] < hi:
            counts[i] += 1
        elif counts.sum() > total and counts[i] > lo:
            counts[i] -= 1
    return counts


def generate(*, n_talks: int, structure: list[tuple[str, int, str, time, int]], n_parallel: int,
             n_participants: int, n_active: int, total_ticks: int, max_ticks: int, n_topics: int,
             rooms: list[tuple[str, int]], unavailable_days: dict[str, int], first_day: date,
             minutes: int = 30, n_unavailable: int | None = None, seed: int = 0,
             time_zone: str | None = None) -> WorkbookData:
    rng = np.random.default_rng(seed)
    topic_of = np.sort(rng.integers(n_topics, size=n_talks))
    popularity = rng.lognormal(0.0, 0.5, size=n_talks)
    names = [f"P{p + 1:03d}" for p in range(n_participants)]
    presenters = list(rng.permutation(n_participants)[:n_talks]) if n_talks <= n_participants else \
        [int(x) for x in rng.integers(n_participants, size=n_talks)]
    talks = [["id", "title", "presenter", "topic"]]
    for x in range(n_talks):
        topic = TOPICS[topic_of[x] % len(TOPICS)]
        talks.append([f"T{x + 1:02d}", f"{topic} {x + 1}", names[presenters[x]], topic])
    counts = _tick_counts(rng, n_active, total_ticks, 1, min(max_ticks, n_talks))
    active = rng.permutation(n_participants)[:n_active]
    wanted: dict[int, list[int]] = {int(p): [] for p in range(n_participants)}
    for p, c in zip(active, counts):
        fav = rng.choice(n_topics, size=int(rng.integers(1, 4)), replace=False)
        w = popularity * np.where(np.isin(topic_of, fav), 8.0, 1.0)
        wanted[int(p)] = sorted(rng.choice(n_talks, size=int(c), replace=False, p=w / w.sum()).tolist())
    profiles = [["participant"] + [f"T{x + 1:02d}" for x in range(n_talks)]]
    for p in range(n_participants):
        row: list = [names[p]] + [None] * n_talks
        for x in wanted[p]:
            row[1 + x] = 1
        profiles.append(row)
    struct = [["Day", "Date", "Block", "Start", "Timeslots", "Parallel rooms", "Minutes per talk"]
              + (["Time zone"] if time_zone else [])]
    for i, (day, off, block, start, k) in enumerate(structure):
        struct.append([day, first_day + timedelta(days=off), block, start, k, n_parallel, minutes]
                      + ([time_zone if i == 0 else None] if time_zone else []))
    room_rows = [["name", "capacity"]] + [[r, c] for r, c in rooms]
    days = list(dict.fromkeys(s[0] for s in structure))
    avail = [["presenter"] + days]
    pres_names = [names[p] for p in dict.fromkeys(presenters)]
    chosen: dict[str, set[str]] = {}
    pool_size = min(n_unavailable or sum(unavailable_days.values()), len(pres_names))
    pool = [pres_names[int(p)] for p in rng.choice(len(pres_names), size=pool_size, replace=False)]
    cursor = 0
    for day, count in unavailable_days.items():  # round robin through the pool
        for _ in range(min(count, pool_size)):
            chosen.setdefault(pool[cursor % pool_size], set()).add(day)
            cursor += 1
    for p, ds in sorted(chosen.items()):
        avail.append([p] + ["x" if d in ds else None for d in days])
    return WorkbookData(tables={
        "Talks": Table("Talks", talks), "Profiles": Table("Profiles", profiles),
        "Structure": Table("Structure", struct), "Rooms": Table("Rooms", room_rows),
        "Availability": Table("Availability", avail),
    }, source=f"generated (seed {seed})")


def mapsp_like(seed: int = 0) -> WorkbookData:
    """A MAPSP-2015-sized instance (see the module docstring)."""
    return generate(n_talks=88, structure=MAPSP_STRUCTURE, n_parallel=3, n_participants=120, n_active=78,
                    total_ticks=1576, max_ticks=43, n_topics=8,
                    rooms=[("Aula", 170), ("Salle B", 100), ("Salle C", 40)],
                    unavailable_days={"Monday": 5, "Tuesday": 1, "Friday": 9},
                    first_day=date(2015, 6, 8), n_unavailable=13, seed=seed)


def small_example(seed: int = 1) -> WorkbookData:
    """Two days, 22 talks in 3 rooms, 30 participants: solves in a few seconds."""
    structure = [("Monday", 0, "Mon AM", time(9, 0), 3), ("Monday", 0, "Mon PM", time(14, 0), 2),
                 ("Tuesday", 1, "Tue AM", time(9, 0), 3)]
    return generate(n_talks=22, structure=structure, n_parallel=3, n_participants=30, n_active=24,
                    total_ticks=190, max_ticks=14, n_topics=4,
                    rooms=[("Aula", 80), ("Room B", 40), ("Room C", 20)],
                    unavailable_days={"Monday": 2, "Tuesday": 1}, first_day=date(2026, 9, 14), seed=seed,
                    time_zone="Europe/Brussels")
