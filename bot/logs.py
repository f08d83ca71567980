"""Logging setup: one format, quiet HTTP loggers, and the token scrubbed from every record.

httpx logs request URLs at INFO, and Bot API URLs contain the token, so httpx/httpcore are set
to WARNING. As a second line of defence a filter on the root handler replaces any configured
secret (the token) in a record's final text with `***`.
"""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Iterable

REDACTED = "***"


class SecretFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        clean = self.scrub(message)
        if record.exc_info and record.exc_info[1] is not None:
            # format the traceback now, scrubbed, so the handler does not format it again
            formatter = logging.Formatter()
            record.exc_text = self.scrub(formatter.formatException(record.exc_info))
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


def setup_logging(level: str, secrets: Iterable[str] = ()) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretFilter(secrets))
    root.addHandler(handler)
    root.setLevel(level)
    quiet_http_loggers()


def quiet_http_loggers() -> None:
    for name in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # PTB's rate limiter logs every 429 it passes on as an ERROR with a traceback; the outbox
    # handles those (waits retry_after and retries), so only its own log lines matter.
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    # PTB 22 announces that RetryAfter.retry_after will become a timedelta; the sender
    # already accepts both, so the notice is noise in the logs.
    warnings.filterwarnings("ignore", message=".*retry_after.*", category=DeprecationWarning)


def install_secret_filter(secrets: Iterable[str]) -> SecretFilter:
    """Add the scrubbing filter to every handler the root logger has now (tests, embedding)."""
    f = SecretFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(f)
    return f
