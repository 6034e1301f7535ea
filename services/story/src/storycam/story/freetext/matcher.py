"""The local matcher: fuzzy matching of the player's words against the choice texts, no network needed.

Each content word of the player's message and of a choice is cut to a short stem (so Russian endings and
English suffixes meet) and compared word by word with rapidfuzz; a choice scores by how much of it the player
named and how much of what the player said it holds. It picks a choice only when one clearly stands out.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from storycam.story.freetext.words import ORDINALS, normalise, stems

WORD_MATCH = 80  # two stems this similar (out of 100) count as the same word
ACCEPT = 50  # a choice needs at least this score...
MARGIN = 25  # ...and to beat the runner-up by this much, or the words are ambiguous


def _number(words: list[str], count: int) -> int | None:
    picked = None
    for word in words:
        index = int(word) - 1 if word.isdigit() and len(word) <= 2 else ORDINALS.get(word)
        if index is not None and 0 <= index < count:
            if picked is not None and picked != index:
                return None
            picked = index
    return picked


def _coverage(words: list[str], other: list[str]) -> float:
    if not words or not other:
        return 0.0
    total = 0.0
    for word in words:
        best = max(fuzz.ratio(word, candidate) for candidate in other)
        total += best if best >= WORD_MATCH else 0.0
    return total / len(words)


def score(said: list[str], choice: str) -> float:
    offered = stems(choice)
    return (_coverage(offered, said) + _coverage(said, offered)) / 2


def match_choice(text: str, choices: list[str] | tuple[str, ...]) -> int | None:
    """The index of the choice the words most plausibly mean, or None when none stands out."""
    words = normalise(text).split()
    if not words or not choices:
        return None
    if len(words) <= 3:
        number = _number(words, len(choices))
        if number is not None:
            return number
    said = stems(text)
    scores = sorted(((score(said, choice), index) for index, choice in enumerate(choices)), reverse=True)
    best, index = scores[0]
    runner_up = scores[1][0] if len(scores) > 1 else 0.0
    if best >= ACCEPT and best - runner_up >= MARGIN:
        return index
    return None
