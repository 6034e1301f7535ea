"""The story service's own cases of the kit's error tree."""

from __future__ import annotations

from storycam.kit.errors import Conflict, NotFound, StorycamError


class StoryRejected(StorycamError):
    """An upload that is not a playable story: it does not compile, is not ink JSON, or its tags disagree."""

    status_code = 422
    code = "story_rejected"
    default_detail = "That is not a playable ink story."


class CompilerUnavailable(StorycamError):
    status_code = 422
    code = "ink_compiler_unavailable"
    default_detail = (
        "This server cannot compile ink source: Node.js with the inkjs compiler is not installed here. "
        "Upload the compiled JSON instead (Inky: File → Export to JSON)."
    )


class StoryNotFound(NotFound):
    code = "story_not_found"
    default_detail = "There is no such story."


class NotStarted(Conflict):
    code = "story_not_started"
    default_detail = "The user has not started this story: start it first."
