"""Normalising what players type, in Russian and English, for matching and for cache keys."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_WORD = re.compile(r"[^\W_]+")
# Words that carry no choice on their own: leaving them out lets "I want to read the book" meet "Read the book".
STOPWORDS: Final = frozenset(
    """
    a an the to of in on at by for with and or but i me my we you it is are am be will would want wanna like let
    lets go please just then so that this there here do does can could should
    я мне меня мы ты вы он она оно они и а но или в во на к ко с со у о об от до по за из для что чтобы это эту
    этот там тут здесь хочу хотел хотела хочется давай давайте пожалуйста просто ну же ли бы буду будем можно
    """.split()  # noqa: SIM905 - a word list reads better as text
)
ORDINALS: Final = {
    "first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "sixth": 5,
    "1st": 0, "2nd": 1, "3rd": 2, "4th": 3, "5th": 4,
    "первый": 0, "первое": 0, "первую": 0, "первая": 0, "второй": 1, "второе": 1, "вторую": 1, "вторая": 1,
    "третий": 2, "третье": 2, "третью": 2, "третья": 2, "четвертый": 3, "четвертое": 3, "четвертую": 3,
    "пятый": 4, "пятое": 4, "пятую": 4,
}  # fmt: skip
_STEM = 5


def normalise(text: str) -> str:
    """Case-folded words separated by single spaces; ``ё`` as ``е``; punctuation and symbols gone."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return " ".join(_WORD.findall(folded))


def stems(text: str) -> list[str]:
    """Content words cut to a common prefix, so that "книгу" meets "книга" and "reading" meets "read"."""
    return [word[:_STEM] for word in normalise(text).split() if word not in STOPWORDS]
