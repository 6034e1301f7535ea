"""The ink layer on its own: the bink runtime, the node index, tags, and cutting passages into chat messages."""

from __future__ import annotations

import pytest

from storycam.contracts.stories import StoryMedia
from storycam.story.catalogue.bundled import BUNDLED_DIR
from storycam.story.ink.compiler import InkCompileError, InkCompiler
from storycam.story.ink.nodes import NotAStory, index_nodes
from storycam.story.ink.runtime import InkError, InkStory, Line
from storycam.story.ink.tags import MediaTag, ending_of
from storycam.story.play.messages import compose, cut_paragraph
from storycam.story.settings import StorySettings


def _compile(source: str) -> str:
    settings = StorySettings()
    return InkCompiler(settings.ink_node_binary, settings.ink_compiler_dir).compile(source)


def _media(tag: MediaTag) -> StoryMedia:
    return StoryMedia(kind=tag.kind, source=tag.ref)


def test_long_text_is_cut_on_paragraph_boundaries_within_telegrams_limit() -> None:
    paragraphs = [f"Paragraph {n}. " + "word " * 300 for n in range(12)]  # ~1.5 KB each
    messages = compose(tuple(Line(p.strip()) for p in paragraphs), _media)
    assert all(len(m.text) <= 4096 for m in messages)
    assert len(messages) == 6
    assert "\n\n".join(m.text for m in messages).split("\n\n") == [p.strip() for p in paragraphs]


def test_a_paragraph_longer_than_a_message_is_cut_at_a_sentence_end() -> None:
    paragraph = " ".join(f"Sentence number {n} ends here." for n in range(400))
    pieces = cut_paragraph(paragraph)
    assert len(pieces) == 4
    assert all(len(p) <= 4096 for p in pieces)
    assert all(p.endswith("ends here.") for p in pieces)
    assert " ".join(pieces) == paragraph
    assert cut_paragraph("x" * 5000) == ["x" * 4096, "x" * 904]


def test_media_goes_before_its_paragraph_in_a_message_of_its_own() -> None:
    lines = (
        Line("First."),
        Line("Second.", ("image: door.png", "note")),
        Line("Third."),
        Line("", ("audio: rain.mp3",)),
    )
    messages = compose(lines, _media)
    assert [(m.text, [x.source for x in m.media]) for m in messages] == [
        ("First.", []),
        ("Second.\n\nThird.", ["door.png"]),
        ("", ["rain.mp3"]),
    ]


def test_the_node_index_resolves_diverts_to_knots_and_stitches() -> None:
    compiled = (BUNDLED_DIR / "quiet-study" / "en.ink.json").read_text()
    nodes = {n.name: n for n in index_nodes(compiled)}
    assert nodes["study"].diverts == (
        "accusation",
        "agnes",
        "ending_natural",
        "felix",
        "inspector",
        "map_room",
        "mira",
        "study.book",
        "study.drawer",
        "study.fireplace",
        "study.tea",
        "study.window",
    )
    assert nodes["study.book"].diverts == ("study",)
    assert nodes["accuse_felix"].diverts == ("ending_escape", "ending_truth", "ending_whole_truth")
    assert nodes["study"].choices == 11
    assert nodes["agnes"].choices == 5
    assert "image: fireplace.png" in nodes["study.fireplace"].tags
    ending = ending_of(nodes["ending_truth"].tags)
    assert ending is not None
    assert (ending.id, ending.title) == ("truth", "The Green Ink")
    with pytest.raises(NotAStory):
        index_nodes('{"root": 1}')


def test_the_runtime_plays_saves_and_resumes() -> None:
    story = InkStory((BUNDLED_DIR / "quiet-study" / "ru.ink.json").read_text())
    opening = story.begin()
    assert opening.knot == "arrival"
    assert len(opening.choices) == 3
    assert opening.lines[0].tags == ("image: study.png",), "the story's own global tags are not a line's"
    study = story.advance(opening.state, 2)
    assert study.knot == "study"
    assert study.choices[0] == "Прочитать раскрытую на столе книгу"
    assert story.choices_at(study.state) == study.choices
    with pytest.raises(IndexError):
        story.advance(study.state, 40)
    with pytest.raises(InkError):
        story.choices_at('{"not": "a state"}')


def test_a_loop_that_never_yields_is_stopped_not_hung() -> None:
    story = InkStory(_compile("Start.\n* [Spin] -> spin\n=== spin ===\n-> spin\n"))
    opening = story.begin()
    with pytest.raises(InkError, match="loops"):
        story.advance(opening.state, 0)
    assert story.begin().choices == ("Spin",), "the runtime is usable again afterwards"


def test_compile_errors_are_the_compilers_words() -> None:
    with pytest.raises(InkCompileError) as error:
        _compile("Hello.\n* [Go] -> nowhere\n")
    assert error.value.messages == ["ERROR: line 2: Divert target not found: '-> nowhere'"]
