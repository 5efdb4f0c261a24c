"""A EURO-sized conference in the CSPLib template (issue 13 §7), from a fixed seed.

The EURO conferences (the European operational-research congress) are the largest instances an
organiser of this kind meets: about 1,850 submissions in 120 streams (tracks), 50 rooms and 20
sessions of four or five talks over four days.  The real data are not public, so ``euro_spec``
draws a conference of that shape whose difficulties are the real ones:

* **tracks** of very different sizes (4 to 40 talks) in 24 areas; tracks of one area are
  *similar* (they share an audience, so they should not run at the same time);
* **chairs**: every track has one or two; some chair two tracks of their area;
* **presenters** shared between tracks (about one in eight gives a second or third talk, mostly
  in a related area), co-authors as **attendees** who present elsewhere;
* **a few multi-slot talks** (tutorials and panels of 2 or 3 slots) and **ordered talks** (the
  first talks of invited and award tracks have Order 1, 2, 3, …);
* **track–session** penalties (a chair away on some sessions, a track not on the last afternoon),
  **track–room** penalties (a popular track in a small room, far buildings), **session–room**
  penalties (rooms booked for plenaries and meetings), **submission–session** penalties
  (presenters who arrive late or leave early), **submission–room** penalties (step-free access)
  and a few online presenters far from the conference's time zone.

``write_euro(path)`` writes the workbook with :func:`.template.write_instance` (the public
instances' layout, so this package's reader and the CoSPLib peer both read it):

    xl-confsched new --kind csplib --euro EURO.xlsx
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from .template import InstanceSpec, write_instance

EURO_SEED = 2025
N_SUBMISSIONS = 1850
N_TRACKS = 120
N_ROOMS = 50
N_AREAS = 24
DAYS = [("Mon", dt.datetime(2025, 6, 23)), ("Tue", dt.datetime(2025, 6, 24)), ("Wed", dt.datetime(2025, 6, 25)),
        ("Thu", dt.datetime(2025, 6, 26))]
SESSION_TIMES = [(dt.time(8, 30), dt.time(10, 0)), (dt.time(10, 30), dt.time(12, 0)),
                 (dt.time(12, 30), dt.time(14, 0)), (dt.time(14, 30), dt.time(16, 0)),
                 (dt.time(16, 30), dt.time(18, 0))]
AREAS = ["Scheduling", "Vehicle Routing", "Location", "Integer Programming", "Stochastic Programming",
         "Multiple Criteria", "Game Theory", "Health Care", "Energy", "Supply Chains", "Data Science",
         "Metaheuristics", "Networks", "Timetabling", "Revenue Management", "Finance", "Sustainability",
         "Public Transport", "Queueing", "Optimal Control", "Simulation", "OR Education", "Humanitarian OR",
         "Continuous Optimisation"]
FIRST = ["Ana", "Ben", "Carla", "David", "Elena", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Karin", "Luca", "Maria",
         "Nico", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Umut", "Vera", "Wim", "Xenia", "Yusuf", "Zofia",
         "Amir", "Bea", "Chen", "Dara", "Emil", "Fatma", "Goran", "Hana", "Igor", "Jana", "Kofi", "Lena", "Mehmet",
         "Nora"]
LAST = ["Andersen", "Bauer", "Costa", "Dubois", "Eriksson", "Fischer", "Garcia", "Horvat", "Ivanova", "Jensen",
        "Kowalski", "Larsen", "Moreau", "Novak", "Olsen", "Petrov", "Quist", "Rossi", "Silva", "Tanaka", "Ulrich",
        "Varga", "Weber", "Xu", "Yilmaz", "Zanetti", "Aydin", "Berg", "Conti", "De Vries", "Engel", "Ferrari",
        "Gomez", "Hansen", "Ito", "Janssen", "Keller", "Lopez", "Meyer", "Nagy", "Ortiz", "Popescu", "Ramos",
        "Schmidt", "Torres", "Urban", "Vogel", "Wagner", "Young", "Zimmer"]

# the organiser's weights (parameters!E2:E17): presenters in two places and a room booked twice are
# what hurts most; similar tracks and rooms per track are preferences
EURO_WEIGHTS = {"TS": 10, "TR": 1, "SR": 100, "SIM": 1, "NR": 5, "PAR": 50, "CONS": 5, "TZ": 10, "ORD": 5,
                "SS": 10, "SP": 50, "PC": 1000, "AC": 1, "CC": 100, "PCT": 1000, "ACT": 1}


def _track_sizes(rng: random.Random, n_tracks: int, total: int, lo: int = 4, hi: int = 40) -> list[int]:
    """Skewed sizes (a few big streams, many small ones) that add up to ``total``."""
    raw = [rng.lognormvariate(0.0, 0.6) for _ in range(n_tracks)]
    scale = total / sum(raw)
    sizes = [min(hi, max(lo, round(x * scale))) for x in raw]
    while sum(sizes) != total:
        i = rng.randrange(n_tracks)
        if sum(sizes) < total and sizes[i] < hi:
            sizes[i] += 1
        elif sum(sizes) > total and sizes[i] > lo:
            sizes[i] -= 1
    return sizes


def euro_spec(seed: int = EURO_SEED, n_submissions: int = N_SUBMISSIONS, n_tracks: int = N_TRACKS,
              n_rooms: int = N_ROOMS) -> InstanceSpec:
    """The EURO-sized conference as an :class:`InstanceSpec` (same seed, same conference)."""
    rng = random.Random(seed)
    # ---- sessions: 4 days x 5; the two sessions around lunch hold five talks, the others four
    sessions: list[tuple[str, int, Any, Any, Any]] = []
    for day, date in DAYS:
        for i, (start, end) in enumerate(SESSION_TIMES):
            sessions.append((f"{day} {i + 1}", 5 if i in (1, 2) else 4, date, start, end))
    sess = [s[0] for s in sessions]
    # ---- rooms: a few halls, then seminar rooms; seats decide which tracks fit
    rooms, seats = [], {}
    for r in range(n_rooms):
        if r < 4:
            name, cap = f"Hall {chr(65 + r)}", 400 - 50 * r
        else:
            building = "Main" if r < 30 else ("North" if r < 42 else "Annex")
            name, cap = f"{building} {100 + r}", rng.choice([40, 60, 60, 80, 80, 120, 150])
        rooms.append(name)
        seats[name] = cap
    far = {r for r in rooms if r.startswith("Annex")}
    no_step_free = set(rng.sample([r for r in rooms if not r.startswith("Hall")], 10))
    # ---- tracks: areas, sizes, audience, chairs
    sizes = _track_sizes(rng, n_tracks, n_submissions)
    area_of = [k % N_AREAS for k in range(n_tracks)]
    rng.shuffle(area_of)
    count_in_area: dict[int, int] = {}
    names = []
    for k in range(n_tracks):
        a = area_of[k]
        count_in_area[a] = count_in_area.get(a, 0) + 1
        names.append(f"{AREAS[a]} {count_in_area[a]}")
    audience = {names[k]: int(sizes[k] * rng.uniform(4, 12)) for k in range(n_tracks)}
    people = [f"{f} {l}" for l in LAST for f in FIRST]
    need = n_submissions + 3 * n_tracks
    people += [f"{rng.choice(FIRST)} {rng.choice(LAST)}-{i}" for i in range(max(0, need - len(people)))]
    rng.shuffle(people)
    pool = iter(people)
    chairs_of: dict[int, list[str]] = {k: [next(pool)] for k in range(n_tracks)}
    for k in range(n_tracks):
        if rng.random() < 0.35:
            chairs_of[k].append(next(pool))
    by_area: dict[int, list[int]] = {}
    for k in range(n_tracks):
        by_area.setdefault(area_of[k], []).append(k)
    for ks in by_area.values():  # a chair of two tracks of one area
        if len(ks) >= 2 and rng.random() < 0.6:
            a, b = rng.sample(ks, 2)
            chairs_of[b].append(chairs_of[a][0])
    tracks = [(names[k], ", ".join(chairs_of[k])) for k in range(n_tracks)]
    # ---- submissions
    presenters_pool = [next(pool) for _ in range(int(n_submissions * 0.9))]
    subs: list[dict[str, Any]] = []
    ordered_tracks = set(rng.sample(range(n_tracks), 14))
    for k in range(n_tracks):
        for j in range(sizes[k]):
            subs.append({"ref": f"E{len(subs) + 1:04d}", "track": names[k], "slots": 1, "order": 0,
                         "tz": "GMT+2", "k": k})
    # a presenter each; about one in eight presents again, mostly in a track of a related area
    unused = list(presenters_pool)
    rng.shuffle(unused)
    for sub in subs:
        sub["presenters"] = unused.pop() if unused else rng.choice(presenters_pool)
    again = rng.sample(range(len(subs)), len(subs) // 8)
    for i in again:
        k = subs[i]["k"]
        if rng.random() < 0.7:
            related = [m for m, s in enumerate(subs) if area_of[s["k"]] == area_of[k] and s["k"] != k]
            j = rng.choice(related) if related else rng.randrange(len(subs))
        else:
            j = rng.randrange(len(subs))
        subs[i]["presenters"] = subs[j]["presenters"]
    for sub in rng.sample(subs, len(subs) // 20):  # a second presenter
        sub["presenters"] += ", " + rng.choice(presenters_pool)
    for sub in rng.sample(subs, len(subs) // 6):  # co-authors who want to attend; some present elsewhere
        sub["attendees"] = ", ".join(rng.sample(presenters_pool, rng.randint(1, 2)))
    # a few tutorials and panels of two or three slots; ordered talks in invited and award tracks
    for sub in rng.sample(subs, 24):
        sub["slots"] = 3 if rng.random() < 0.25 else 2
    for k in ordered_tracks:
        mine = [s for s in subs if s["k"] == k]
        for pos, sub in enumerate(mine[:rng.randint(2, 4)], start=1):
            sub["order"] = pos
    # presenters who arrive late or leave early; step-free access; online presenters far away
    for sub in rng.sample(subs, len(subs) // 12):
        late = rng.random() < 0.5
        days = sess[:5] if late else sess[-5:]
        sub["ss"] = {s: 1 for s in days}
    for sub in rng.sample(subs, 18):
        sub["sp"] = {r: 1 for r in no_step_free}
    for sub in rng.sample(subs, 30):
        sub["tz"] = rng.choice(["GMT-5", "GMT-6", "GMT-8", "GMT+8", "GMT+9", "GMT+10"])
    for sub in subs:
        del sub["k"]
    # ---- penalty matrices
    track_session: dict[tuple[str, str], float] = {}
    for k in range(n_tracks):
        if rng.random() < 0.3:  # a chair away on a few sessions
            for s in rng.sample(sess, rng.randint(1, 4)):
                track_session[(names[k], s)] = rng.choice([1, 5, 10])
        if sizes[k] <= 8 and rng.random() < 0.5:  # small tracks rather not on the last afternoon
            for s in sess[-2:]:
                track_session[(names[k], s)] = 1
    track_room: dict[tuple[str, str], float] = {}
    for k in range(n_tracks):
        for r in rooms:
            short = audience[names[k]] - seats[r]
            v = 0 if short <= 0 else (1 if short < 40 else 3 if short < 120 else 10)
            if r in far:
                v += 1
            if v:
                track_room[(names[k], r)] = v
    session_room: dict[tuple[str, str], float] = {}
    for s in sess:  # plenaries in the halls on the first and last session, meetings elsewhere
        if s.endswith(" 1") and s.startswith("Mon") or s == sess[-1]:
            for r in rooms[:2]:
                session_room[(s, r)] = 1
    for _ in range(30):
        session_room[(rng.choice(sess), rng.choice(rooms[4:]))] = 1
    similar: dict[tuple[str, str], float] = {}
    for ks in by_area.values():
        ks = sorted(ks)
        for i, a in enumerate(ks):
            for b in ks[i + 1:]:
                similar[(names[a], names[b])] = rng.choice([1, 2, 3])
    # one cross-area pair each for a few areas that share an audience
    for _ in range(20):
        a, b = sorted(rng.sample(range(n_tracks), 2))
        similar.setdefault((names[a], names[b]), 1)
    return InstanceSpec(
        sessions=sessions, rooms=rooms, tracks=tracks, submissions=subs, track_session=track_session,
        track_room=track_room, session_room=session_room, similar=similar, local_tz="GMT+2",
        suitable=(dt.time(8, 0), dt.time(19, 0)), less_suitable=(dt.time(7, 0), dt.time(22, 0)),
        small_penalty=1, big_penalty=5, weights=dict(EURO_WEIGHTS))


def write_euro(path: str | Path, seed: int = EURO_SEED) -> Path:
    """Write the EURO-sized conference workbook (CSPLib template) and return its path."""
    return write_instance(euro_spec(seed), path)


if __name__ == "__main__":  # pragma: no cover
    import sys

    print(write_euro(sys.argv[1] if len(sys.argv) > 1 else "euro.xlsx"))
