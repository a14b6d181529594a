"""Logging for the bot: one handler on stderr, secrets redacted, noisy HTTP request logs silenced."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable

REDACTED = "[REDACTED]"
QUIET_LOGGERS = ("httpx", "httpcore", "sentence_transformers", "transformers")
"""Loggers kept at WARNING: httpx logs every request URL, and Telegram URLs contain the bot token;
the model libraries log each file they load."""
QUIET_ENVIRONMENT = {"HF_HUB_DISABLE_PROGRESS_BARS": "1", "TRANSFORMERS_VERBOSITY": "error"}
"""No download or "Loading weights" progress bars in the bot's output (unless set otherwise)."""


class RedactSecrets(logging.Filter):
    """Replaces every secret in a record's message and traceback with [REDACTED]."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite `record` in place; never drops it."""
        if not self.secrets:
            return True
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True

    def redact(self, text: str) -> str:
        """`text` with every secret replaced."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


def configure_logging(level: int | str, secrets: Iterable[str] = ()) -> None:
    """Log to stderr at `level`, redacting `secrets` from every record; quiet the model libraries."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
