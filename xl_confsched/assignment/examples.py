"""The shipped assignment examples, as sheet rows: baristas to shifts, students to classes × periods,
and the talk-survey article's problem written as rules.

Each function returns ``{sheet: rows}`` (header first), seed-fixed, so the example
workbooks, the tests and ``bench/assignment.py`` use the same instances.
"""

from __future__ import annotations

import random
from typing import Any

Rows = dict[str, list[list[Any]]]

SETTINGS_HEADER = ["Setting", "Value", "Meaning"]


def settings_rows(placement: str = "exactly once", per_place: Any = 1) -> list[list[Any]]:
    return [SETTINGS_HEADER,
            ["Each item placed", placement, "exactly once (every item gets a place and a start slot) or at most once"],
            ["Items per place and slot", per_place, "a number, or the header of a Places column (e.g. Capacity)"]]


RULES_HEADER = ["Rule", "Hard or soft", "Weight", "Note"]

# ----------------------------------------------------------------------------- baristas

BARISTAS = ["Ada", "Ben", "Cleo", "Dan", "Eve", "Farid", "Gina", "Hugo", "Iris", "Jon", "Kemi", "Luis"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def baristas(seed: int = 7) -> Rows:
    """Twelve baristas, three stations, a week of early and late shifts.

    Each barista offers some shifts (one item per shift they could work, at most once
    each); skills, days off, at most one shift a day, every station staffed, latte art
    at the weekend, and a fair spread of shifts.
    """
    rng = random.Random(seed)
    items: list[list[Any]] = [["Name", "Length", "Barista", "Skill", "Unavailable"]]
    for b in BARISTAS:
        skills = ["Espresso"] if rng.random() < 0.6 else []
        if rng.random() < 0.4:
            skills.append("Latte art")
        skills.append("Register")
        off = rng.sample(DAYS, rng.choice((1, 2)))
        for k in range(1, rng.choice((3, 4, 4, 5)) + 1):
            items.append([f"{b} {k}", 1, b, ", ".join(skills), ", ".join(off)])
    slots = [["Name", "Day", "Shift"]] + [[f"{d} {s}", d, s] for d in DAYS for s in ("early", "late")]
    places = [["Name", "Staff", "Kind"], ["Espresso bar", 1, "bar"], ["Register", 1, "front"],
              ["Floor", 2, "front"]]
    rules = [RULES_HEADER,
             ["a Barista is never in two places at once", "hard", None, "one station per shift"],
             ["every item not on its Unavailable", "hard", None, "days off"],
             ["items without skill Espresso not in Espresso bar", "hard", None, "skills"],
             ["at most 1 item per day for each Barista", "hard", None, "at most one shift a day"],
             ["at least 1 item in every place and slot", "soft", 10, "every station staffed"],
             ["at least 1 item with skill Latte art on Sat, Sun in every slot", "soft", 3, "latte art at the weekend"],
             ["at least 2 items in Floor on Sat, Sun in every slot", "soft", 5, "two on the floor at the weekend"],
             ["at least 3 items for each Barista", "soft", 2, "fair spread: everyone works three shifts"],
             ["at most 4 items for each Barista", "soft", 1, "fair spread: nobody works more than four"],
             ["at most 2 items on Sat, Sun for each Barista", "soft", 2, "weekends shared"]]
    return {"Items": items, "Places": places, "Slots": slots, "Rules": rules,
            "Settings": settings_rows("at most once", "Staff")}


# ----------------------------------------------------------------------------- students

STUDENTS = ["Alice", "Bea", "Caleb", "Dina", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jana", "Kai", "Lea", "Max", "Nia",
            "Omar", "Pia", "Quin", "Rui", "Sara", "Tom", "Uli", "Vera", "Wes", "Xia", "Yara", "Zed", "Amir", "Bo",
            "Cora", "Dev"]
CLASSES = [("Art", 8, "indoor"), ("Drama", 8, "indoor"), ("Robotics", 6, "indoor"), ("Chess", 8, "indoor"),
           ("Music", 8, "indoor"), ("Sport", 10, "outdoor")]


def students(seed: int = 11) -> Rows:
    """Thirty students in three elective periods of six classes.

    Each student has one item per period (``Alice 1 … Alice 3``, placed exactly once):
    one class at a time, never the same class twice, only classes they chose, their first
    choice if possible, classes not too small, Year 7 not in Robotics in period 1, Drama
    closed in period 3, and two friends in Robotics together.
    """
    rng = random.Random(seed)
    names = [c for c, _, _ in CLASSES]
    items: list[list[Any]] = [["Name", "Length", "Student", "Year", "Choices", "First choice"]]
    for k, st in enumerate(STUDENTS):
        year = 7 if k % 2 == 0 else 8
        choices = rng.sample(names, 4)
        for period in (1, 2, 3):
            items.append([f"{st} {period}", 1, st, year, ", ".join(choices), choices[0] if period == 1 else None])
    slots = [["Name", "Part"], ["P1", "morning"], ["P2", "morning"], ["P3", "afternoon"]]
    places = [["Name", "Capacity", "Type"]] + [[c, cap, t] for c, cap, t in CLASSES]
    friends = (STUDENTS[0], STUDENTS[1])
    rules = [RULES_HEADER,
             ["a Student is never in two places at once", "hard", None, "one class per period"],
             ["at most 1 item per place for each Student", "hard", None, "never the same class twice"],
             ["every item in its Choices", "hard", None, "only classes the student chose"],
             ["every item in its First choice", "soft", 3, "each student's first choice (on their first item)"],
             ["at least 4 items in every place and slot", "soft", 2, "no class with fewer than four students"],
             ["items of Year 7 not in Robotics at P1", "hard", None, "Robotics lab booked by Year 8 in period 1"],
             ["no items in Drama at P3", "hard", None, "the hall is closed in period 3"],
             [f"if at least 1 item of Student {friends[0]} in Robotics then at least 1 item of Student "
              f"{friends[1]} in Robotics", "soft", 1, "friends: Bea follows Alice to Robotics"],
             ["at most 5 items of Year 8 in Sport per slot", "soft", 1, "a mix of years in Sport"]]
    return {"Items": items, "Places": places, "Slots": slots, "Rules": rules,
            "Settings": settings_rows("exactly once", "Capacity")}


# ----------------------------------------------------------------------------- talks

def talks_rules(weights: dict[str, float]) -> list[list[Any]]:
    w = weights
    hard_weight = w["conflict_weight"] * (w["hard_factor"] - 1)
    rules = [RULES_HEADER,
             ["a Speaker is never in two places at once", "hard", None, "the article's speaker rule"]]
    if w.get("threshold") is not None:
        rules.append([f"never together pairs with weight above {w['threshold']:g}", "hard", hard_weight,
                      "the article's hard pairs; if they cannot all be kept apart, each unit of interest of a pair "
                      "in parallel costs this weight on top of the pair weights (the talks kind's hard pair factor − 1)"])
    rules += [["pair weights", "soft", w["conflict_weight"], "interest of every pair of talks in parallel"],
              ["Audience fits Capacity", "soft", w["capacity_weight"], "seats short: audience above the venue capacity"]]
    return rules


def talks_from_survey(talk_rows: Rows) -> Rows:
    """The talk-survey workbook's instance written as an assignment workbook with rules.

    Items are the talks (length = timeslots the talk takes, Speaker, Track, Audience =
    number of picks); places the venues; slots the timeslots; pair weights the survey's
    pairwise interest — computed by the talks kind itself, so both kinds score the same
    instance.  (Only this example builder reads the talks kind.)
    """
    from ..talks.generator import workbook_data
    from ..talks.reader import read_problem as read_talks

    tp, _ = read_talks(workbook_data(talk_rows))
    items = [["Name", "Length", "Speaker", "Track", "Audience"]]
    for i, t in enumerate(tp.talks):
        items.append([t.title, t.slots, t.speaker, t.track or None, tp.audience[i]])
    places = [["Name", "Capacity"]] + [[v.name, v.capacity] for v in tp.venues]
    slots = [["Time", "Day", "Break after"]] + [[s.time, s.day or None, "yes" if s.break_after else None]
                                                for s in tp.slots]
    pairs = [["Item", "Item", "Weight"]] + [[tp.talks[i].title, tp.talks[j].title, x]
                                            for (i, j), x in sorted(tp.interest.items()) if x > 0]
    w = tp.weights
    rules = talks_rules({"conflict_weight": w.conflict_weight, "hard_factor": w.hard_factor,
                         "threshold": w.threshold, "capacity_weight": w.capacity_weight})
    return {"Items": items, "Places": places, "Slots": slots, "Pair weights": pairs, "Rules": rules,
            "Settings": settings_rows("exactly once", 1)}


def talks(seed: int = 2024, **kwargs) -> Rows:
    from ..talks.generator import generate

    return talks_from_survey(generate(seed=seed, **kwargs))


# ----------------------------------------------------------------------------- generated (benchmark)

def generated(n_items: int = 200, n_places: int = 10, n_slots: int = 40, n_rules: int = 30, seed: int = 1) -> Rows:
    """A large synthetic instance with a mix of every kind of rule (for ``bench/assignment.py``).

    Items of length 1–2 with a Person (60 persons), a Group (8) and a Level; places with a
    Size and a Zone; slots over four days of ten with a break after the fifth slot and a
    Part (morning/afternoon).  Rules: the person rule, group counts per day, zones,
    forbidding and placing items, orders, pairs, coverage and logic, ``n_rules`` in all.
    """
    rng = random.Random(seed)
    days = 4
    per_day = n_slots // days
    groups = [f"G{k}" for k in range(1, 9)]
    persons = [f"P{k:02d}" for k in range(1, 61)]
    items = [["Name", "Length", "Person", "Group", "Level"]]
    for k in range(n_items):
        items.append([f"Item {k + 1:03d}", 2 if rng.random() < 0.25 else 1, rng.choice(persons), rng.choice(groups),
                      rng.choice(("basic", "advanced"))])
    places = [["Name", "Size", "Zone"]] + [[f"Room {k + 1}", rng.choice((20, 40, 80)), "north" if k % 2 else "south"]
                                           for k in range(n_places)]
    slots = [["Name", "Day", "Part", "Break after"]]
    for d in range(days):
        for k in range(per_day):
            slots.append([f"D{d + 1} S{k + 1}", f"D{d + 1}", "morning" if k < per_day // 2 else "afternoon",
                          "yes" if k == per_day // 2 - 1 else None])
    names = [r[0] for r in items[1:]]
    rules: list[list[Any]] = [RULES_HEADER,
                              ["a Person is never in two places at once", "hard", None, ""]]
    pool: list[list[Any]] = []
    for g in groups:
        pool.append([f"at most {rng.randint(5, 8)} items of Group {g} per day", "soft", 2, ""])
    pool.append(["at most 2 items per day for each Person", "soft", 3, ""])
    pool.append(["items of Level advanced not in places with Size 20", "hard", None, ""])
    pool.append(["at least 1 item of Level advanced in every slot", "soft", 1, ""])
    for k in range(5):
        a, b = rng.sample(names, 2)
        pool.append([f"{a} before {b}", "hard" if k % 2 else "soft", 5, ""])
    for k in range(4):
        a = rng.choice(names)
        pool.append([f"{a} not on D{rng.randint(1, days)}", "hard", None, ""])
    for k in range(3):
        a, b, c = rng.sample(names, 3)
        pool.append([f"never together {a}, {b}, {c}", "soft", 4, ""])
    for k in range(2):
        a = rng.choice(names)
        pool.append([f"{a} in morning", "soft", 3, ""])
    a, b = rng.sample(names, 2)
    pool.append([f"if {a} in morning then {b} in afternoon", "soft", 2, ""])
    pool.append([f"{rng.choice(names)} in Room {rng.randint(1, n_places)}", "hard", None, ""])
    pool.append(["at most 3 items of Group G1 in places with Zone north per day", "soft", 1, ""])
    pool.append(["at most 6 items per place and day", "soft", 1, ""])
    while len(rules) - 1 < n_rules and pool:
        rules.append(pool.pop(0))
    return {"Items": items, "Places": places, "Slots": slots, "Rules": rules, "Settings": settings_rows()}


EXAMPLES = {"baristas": baristas, "students": students, "talks": talks}


def blank() -> Rows:
    return {"Items": [["Name", "Length", "Person", "Group"]], "Places": [["Name", "Capacity"]],
            "Slots": [["Name", "Day", "Break after"]], "Pair weights": [["Item", "Item", "Weight"]],
            "Rules": [RULES_HEADER], "Settings": settings_rows()}

