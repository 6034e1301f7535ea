"""A commercial-size ink story, generated: the same bytes for the same seed, so runs compare.

About 150 KB of ink: a few hundred knots of prose with conditionals and variables, three choices each, and a way
out to one of five endings once the player has wandered long enough.
"""

from __future__ import annotations

import random

WORDS = [
    "lantern",
    "corridor",
    "whisper",
    "archive",
    "dust",
    "ledger",
    "shadow",
    "candle",
    "mirror",
    "staircase",
    "velvet",
    "clock",
    "rain",
    "window",
    "map",
    "silence",
    "footstep",
    "portrait",
    "letter",
    "key",
    "cellar",
    "attic",
    "garden",
    "fountain",
    "raven",
    "ink",
    "compass",
    "harbour",
    "tide",
    "signal",
    "violin",
    "curtain",
    "ember",
    "frost",
    "orchard",
    "chapel",
    "bridge",
    "lock",
    "thread",
    "needle",
    "cipher",
    "riddle",
    "memory",
    "rumour",
]
VERBS = [
    "opens",
    "hides",
    "waits",
    "lingers",
    "gleams",
    "trembles",
    "whispers",
    "falls",
    "turns",
    "breaks",
    "sleeps",
    "burns",
]
ADJECTIVES = [
    "old",
    "narrow",
    "quiet",
    "crooked",
    "silver",
    "hollow",
    "bitter",
    "pale",
    "distant",
    "forgotten",
    "heavy",
    "gentle",
]


def _sentence(rnd: random.Random) -> str:
    words = [rnd.choice(ADJECTIVES), rnd.choice(WORDS), rnd.choice(VERBS)]
    words += [rnd.choice(("beyond", "beneath", "beside", "behind")), "the", rnd.choice(ADJECTIVES), rnd.choice(WORDS)]
    return "The " + " ".join(words) + "."


def generate(seed: int = 7, rooms: int = 180) -> str:
    rnd = random.Random(seed)
    out = [
        "# slug: bench-labyrinth",
        "# language: en",
        "# title: The Labyrinth of Rooms",
        "# description: A generated story for benchmarks.",
        "# tier: free",
        "",
        "VAR steps = 0",
        "VAR lamp = false",
        "VAR keys = 0",
        "",
        "-> room_0",
        "",
    ]
    for room in range(rooms):
        out.append(f"=== room_{room} ===")
        out.append("~ steps++")
        for _ in range(rnd.randint(3, 5)):
            out.append(" ".join(_sentence(rnd) for _ in range(rnd.randint(2, 3))))
        out.append("{lamp: Your lamp throws long shadows here.|It is too dark to see the far wall.}")
        if room % 7 == 0:
            out.append("~ lamp = not lamp")
        if room % 11 == 0:
            out.append("~ keys++")
        targets = rnd.sample(range(rooms), 3)
        for target in targets:
            out.append(
                f"+ [{rnd.choice(('Take', 'Follow', 'Try')).capitalize()} the {rnd.choice(ADJECTIVES)} "
                f"{rnd.choice(WORDS)} to room {target}] -> room_{target}"
            )
        out.append(f"+ {{steps > 60}} [Leave the labyrinth] -> ending_{room % 5}")
        out.append("")
    for ending in range(5):
        out.append(f"=== ending_{ending} ===")
        out.append(f"# ending: way_out_{ending}: Way Out {ending}")
        out.append(" ".join(_sentence(rnd) for _ in range(4)))
        out.append("{keys > 3: You leave with a pocket full of keys.|You leave with empty hands.}")
        out.append("-> END")
        out.append("")
    return "\n".join(out)
