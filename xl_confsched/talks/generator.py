"""Seed-fixed instances like the source article's: talks, venues, half-hour slots, a survey.

The article used 32 talks (about a third of them 50 minutes long, the rest 20), three
venues, 16 half-hour timeslots from 09:00 to 16:30 and a 5-pick interest survey; its
data are fake and not published, so this generator makes instances of that shape:

* talks belong to topics (the Track column); attendees favour one or two topics and
  pick 5 different talks with probability ∝ talk popularity × topic affinity, so that
  interest concentrates on some pairs, as in a real survey;
* a few speakers give two talks; some speakers are attendees who answered the survey;
* venue capacities are set from the estimated audiences so that a few talks overflow.

``sheet_rows(...)`` returns the rows of every sheet of the workbook template, so the
same instance is used by the example workbook, the tests and ``bench/talks.py``.
"""

from __future__ import annotations

import random
from typing import Any

from ..tables import Table, WorkbookData

TOPICS = {
    "Cloud": ["Beyond Kubernetes: The Next Generation of Orchestration", "Optimizing for the Edge: Low-Latency Infrastructure",
              "Serverless Without Surprises", "Taming the Chaos: Architecting Resilient Distributed Systems",
              "Platform Engineering for Small Teams", "Cost-Aware Cloud Architecture"],
    "Security": ["Securing the Software Supply Chain", "Zero Trust in Practice", "Post-Quantum Cryptography: Preparing Now",
                 "Threat Modelling for Developers", "Passkeys and the End of Passwords"],
    "AI": ["Transformers Unleashed: NLP Beyond the Hype", "From Models to Applications: Practical AI", "Ethical AI: Balancing Innovation and Responsibility",
           "Evaluating Language Models in Production", "Small Models, Big Results", "The Ethics of Algorithmic Decision-Making"],
    "Web": ["WebAssembly: Native Performance in the Browser", "Rethinking State Management Beyond Redux",
            "Designing for Speed: Frontend Performance", "Compiling to the Future with WebAssembly", "Accessible by Default"],
    "Data": ["Scaling Distributed Databases: Lessons from the Field", "Streaming Data at Scale: Real-Time Analytics",
             "The Future of OLAP: Hybrid Analytical Processing", "Data Contracts in Practice", "Postgres Is Enough"],
    "Languages": ["From Types to Proofs: Dependent Types", "Beyond Syntax: Designing Languages for Humans",
                  "The Developer Experience: How Tooling Shapes Code", "Rust for the Rest of Us"],
    "Quantum": ["Simulating Quantum Systems: Challenges and Breakthroughs", "Quantum Algorithms: From Theory to Practice",
                "Building Quantum-Ready Applications"],
    "Creative": ["Generative Art: Creating Visual Masterpieces", "Live Coding for Music with Sonic Pi",
                 "Procedural Generation: Crafting Infinite Worlds", "Cross-Platform Game Development with Unity and Unreal",
                 "Interactive Installations: Bridging Digital and Physical"],
    "People": ["Burnout in Tech: Recognizing and Preventing It", "Building High-Trust Teams in a Remote-First World",
               "Tech Monopolies and Innovation", "Decentralized Web: Privacy and Censorship Resistance"],
}
FIRST = ["Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Liam", "Maya", "Nico",
         "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Arjun",
         "Bea", "Carlos", "Dana", "Emil", "Fatima", "Gus", "Hana", "Ivan", "Jade", "Kofi", "Lena", "Mateo", "Nora"]
LAST = ["Abbott", "Bauer", "Chen", "Diaz", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Kowalski",
        "Lopez", "Moreau", "Nakamura", "Okafor", "Petrov", "Quist", "Rossi", "Schmidt", "Tanaka", "Umar", "Varga",
        "Weber", "Xu", "Yilmaz", "Zhou"]
VENUE_NAMES = ["Aspen", "Fir", "Madrona", "Cedar", "Birch", "Willow"]

WEIGHT_ROWS = [
    ["Pick 1 weight", 5, "weight of an attendee's first pick (pairs multiply two pick weights)"],
    ["Pick 2 weight", 4, ""],
    ["Pick 3 weight", 3, ""],
    ["Pick 4 weight", 2, ""],
    ["Pick 5 weight", 1, ""],
    ["Conflict threshold", 10, "pairs of talks with more interest than this never run in parallel (empty: none)"],
    ["Conflict weight", 1, "cost per unit of interest of two talks running in parallel"],
    ["Capacity weight", 1, "cost per person of estimated audience above the venue's capacity"],
    ["Hard pair factor", 10, "if the hard pairs cannot all be kept apart: their interest counts this many times"],
    ["Speaker factor", 5, "a speaker's pick opposite their own talk counts this × the pick weight"],
    ["Slot minutes", None, "length of a timeslot (empty: from the times, e.g. 30)"],
    ["Objective", "conflicts and seats", "conflicts and seats (default): interest of talks in parallel + seats "
                                         "short; article: the article's count of talk-slots in a room big enough "
                                         "for the talk's audience (maximised), pairs above the threshold apart"],
]


def generate(seed: int = 2024, n_talks: int = 32, n_venues: int = 3, n_slots: int = 16,
             n_attendees: int = 120, n_picks: int = 5, long_fraction: float = 1 / 3,
             two_talk_speakers: int = 3, start: str = "09:00", slot_minutes: int = 30,
             breaks_after: tuple[int, ...] = (), days: int = 1, threshold: float | None = 10,
             capacities: list[int] | None = None, objective: str = "conflicts and seats") -> dict[str, list[list[Any]]]:
    """Rows (header first) of every sheet of a talk-survey workbook."""
    rng = random.Random(seed)
    pool = [(topic, title) for topic, titles in TOPICS.items() for title in titles]
    rng.shuffle(pool)
    if n_talks > len(pool):
        pool += [(topic, f"{title} (part {k})") for k in range(2, 10) for topic, title in pool][: n_talks - len(pool)]
    chosen = pool[:n_talks]
    n_long = round(n_talks * long_fraction)
    long_set = set(rng.sample(range(n_talks), n_long))
    people = [f"{f} {l}" for f in FIRST for l in LAST]
    rng.shuffle(people)
    n_speakers = n_talks - two_talk_speakers
    speakers = people[:n_speakers]
    talk_speaker = speakers + rng.sample(speakers, two_talk_speakers)
    rng.shuffle(talk_speaker)
    popularity = [rng.lognormvariate(0, 0.8) for _ in range(n_talks)]

    # attendees: about half the speakers plus other people
    speaking_attendees = rng.sample(speakers, min(len(speakers), max(1, n_speakers // 2), n_attendees))
    others = [p for p in people[n_speakers:] if p not in speaking_attendees]
    attendees = speaking_attendees + others[: n_attendees - len(speaking_attendees)]
    rng.shuffle(attendees)
    topics = list(TOPICS)
    survey = []
    for name in attendees:
        fav = set(rng.sample(topics, rng.choice((1, 2))))
        weights = [popularity[i] * (5.0 if chosen[i][0] in fav else 1.0) for i in range(n_talks)]
        picks: list[int] = []
        for _ in range(min(n_picks, n_talks)):
            total = sum(w for k, w in enumerate(weights) if k not in picks)
            x, acc = rng.random() * total, 0.0
            for k, w in enumerate(weights):
                if k in picks:
                    continue
                acc += w
                if acc >= x:
                    picks.append(k)
                    break
        survey.append([name] + [chosen[k][1] for k in picks])

    audience = [0] * n_talks
    for row in survey:
        for title in row[1:]:
            audience[[c[1] for c in chosen].index(title)] += 1
    if capacities is None:
        ranked = sorted(audience, reverse=True)
        # the largest venue fits all but the most popular talk or two; the others get smaller
        capacities = [max(5, 5 * round(ranked[min(len(ranked) - 1, 1 + 6 * k)] * (1 - 0.1 * k) / 5)) for k in range(n_venues)]
    venues = [[VENUE_NAMES[k] if k < len(VENUE_NAMES) else f"Room {k + 1}", capacities[k]] for k in range(n_venues)]

    slots = []
    per_day = n_slots // days
    h0, m0 = (int(x) for x in start.split(":"))
    for d in range(days):
        for k in range(per_day):
            m = h0 * 60 + m0 + k * slot_minutes
            s = d * per_day + k
            slots.append([f"{m // 60:02d}:{m % 60:02d}", f"Day {d + 1}", "yes" if s in breaks_after else None])

    talks = [[title, talk_speaker[i], 50 if i in long_set else 20, topic, None, None]
             for i, (topic, title) in enumerate(chosen)]
    weights = [list(r) for r in WEIGHT_ROWS]
    for r in weights:
        if r[0] == "Conflict threshold":
            r[1] = threshold
        if r[0] == "Objective":
            r[1] = objective
    return {
        "Talks": [["Title", "Speaker", "Duration (minutes)", "Track", "Venue", "Not at"]] + talks,
        "Venues": [["Name", "Capacity"]] + venues,
        "Timeslots": [["Time", "Day", "Break after"]] + slots,
        "Attendees": [["Name"]] + [[a] for a in attendees],
        "Survey": [["Name"] + [f"pick {k}" for k in range(1, n_picks + 1)]] + survey,
        "Weights": [["Setting", "Value", "Meaning"]] + weights,
    }


def workbook_data(rows: dict[str, list[list[Any]]], source: str = "generated") -> WorkbookData:
    """The rows as :class:`WorkbookData` (as if read from a workbook anchored at A1)."""
    width = {name: max(len(r) for r in rs) for name, rs in rows.items()}
    return WorkbookData(tables={name: Table(sheet=name, rows=[list(r) + [None] * (width[name] - len(r)) for r in rs])
                                for name, rs in rows.items()}, source=source)


def generate_problem(**kwargs):
    """A validated :class:`TalkProblem` of a generated instance (read like a workbook)."""
    from .reader import read_problem

    problem, _ = read_problem(workbook_data(generate(**kwargs)))
    return problem
