"""Log lines that never hold a secret (the bot token, the webhook secret), nor above DEBUG what
users wrote.

httpx logs every request URL, and the Bot API's URLs hold the token; exceptions quote it too. A
log-record factory blanks every registered secret before any handler sees a record. It also
stands an update's id in for the update itself in every record above DEBUG: python-telegram-bot
logs whole updates, names and messages included, at CRITICAL when it cannot handle one.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from telegram import Update

REDACTED = "[REDACTED]"


class _Redactor:
    """A log-record factory that blanks secrets in every record, whichever logger made it.

    A filter on handlers would miss handlers added later (pytest's caplog, an operator's own), and
    a filter on a logger misses its children's records; the record factory sees every record
    before any handler does. httpx logs each request URL, which holds the token.
    """

    def __init__(self) -> None:
        self.secrets: set[str] = set()
        self.previous = logging.getLogRecordFactory()

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        if record.levelno > logging.DEBUG and isinstance(record.args, tuple):
            record.args = tuple(_without_content(arg) for arg in record.args)
        if self.secrets:
            self._scrub(record)
        return record

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def _scrub(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: logging reports it at emit time, as usual
            return
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            clean = self.redact(text)
            if clean != text:
                record.exc_text = clean  # formatters use this instead of formatting again
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)


def _without_content(arg: object) -> object:
    """An update as its id only: what users wrote stays out of the log above DEBUG."""
    return f"update {arg.update_id}" if isinstance(arg, Update) else arg


_redactor: _Redactor | None = None


def redact_in_logs(*secrets: str | None) -> None:
    """Keep these strings out of every log record from now on (idempotent, cumulative)."""
    global _redactor
    if _redactor is None:
        _redactor = _Redactor()
        logging.setLogRecordFactory(_redactor)
    _redactor.secrets.update(s for s in secrets if s)


def redact(text: str) -> str:
    """The text with every registered secret blanked, for messages that are not log records."""
    return _redactor.redact(text) if _redactor else text


def configure_logging(level: str) -> None:
    """Plain one-line records; httpx, httpcore and tornado's access log (a line for every
    request, at INFO) only on trouble."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level)
    for noisy in ("httpx", "httpcore", "tornado.access"):  # a line per request
        logging.getLogger(noisy).setLevel(logging.WARNING)
