"""Stand-ins for the outside world (Telegram today); a development and test tool no service imports."""

from storycam.sandbox.app import create_emulator
from storycam.sandbox.config import SandboxConfig

__all__ = ["SandboxConfig", "create_emulator"]
