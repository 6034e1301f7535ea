"""The Bot API over HTTP: ``/bot<token>/<method>`` and ``/file/bot<token>/<path>``."""
