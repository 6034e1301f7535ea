"""aiogram's ``Response[T]`` models are built once and kept: pydantic alone would forget them at each collection."""

from __future__ import annotations

import gc
import weakref

from aiogram.methods import Response
from aiogram.types import Message

from storycam.gateway.outbound.responses import response_type, result_adapter


def test_the_response_model_aiogram_asks_for_is_the_one_kept() -> None:
    kept = weakref.ref(response_type(Message))  # held by responses.py alone, not by this test
    gc.collect()
    assert kept() is not None
    # What aiogram's session does for every answer: pydantic's cache finds the kept model instead of building anew.
    assert Response[Message] is kept()
    assert result_adapter(Message) is result_adapter(Message)


def test_pydantic_alone_forgets_a_parametrized_model_nobody_holds() -> None:
    """Why the models are kept: if pydantic ever holds them itself, ``responses.py`` can go."""
    forgotten = weakref.ref(Response[tuple[Message, Message]])  # a result type no Bot API method has
    gc.collect()
    assert forgotten() is None
