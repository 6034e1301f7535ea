from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr

from storycam.kit.settings import ServiceSettings

# Where `make install` runs `npm ci` for the ink compiler, in a checkout of the repository.
REPOSITORY_INK_COMPILER = Path(__file__).resolve().parents[3] / "ink-compiler"


class StorySettings(ServiceSettings):
    port: int = 8001

    openai_api_key: SecretStr | None = None
    openai_base_url: str = "https://api.openai.com/v1"
    openai_model: str = "gpt-4o-mini"
    # One attempt's limit; with the one retry the SDK makes, free text waits at most about twice this.
    openai_timeout_seconds: float = Field(default=8.0, gt=0, le=60)
    payments_url: str = "http://127.0.0.1:8003"

    # The catalogue of one language also lists the stories written only in another, shown in their own language
    # and marked as such (a story declares its languages: one is enough).
    catalogue_other_languages: bool = False
    # The author's loop (`make dev` with STORY_WATCH_DIR turns it on): a run moves onto a story's new version at
    # its next step, not only when resumed (as the version rules allow), and a story is never read from cache.
    story_live_reload: bool = False

    # `import` of .ink sources: Node.js and the directory holding inkjs in node_modules. Play never needs them.
    ink_node_binary: str = "node"
    ink_compiler_dir: Path = REPOSITORY_INK_COMPILER
