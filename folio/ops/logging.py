"""JSON log lines, one object per line, each carrying the current request id."""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from folio.settings import Settings

request_id_var: ContextVar[str | None] = ContextVar("folio_request_id", default=None)

# Attributes every LogRecord has; anything else was passed as ``extra`` and is logged.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName", "request_id"}


def _stamp_request_id(factory: Any) -> Any:
    """Wrap a LogRecord factory so every record carries the emitting context's request id."""

    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = factory(*args, **kwargs)
        record.request_id = request_id_var.get()
        return record

    make.folio_request_id = True  # type: ignore[attr-defined]
    return make


class JsonFormatter(logging.Formatter):
    """ts, level, logger, message, request_id, then the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        line.update((k, v) for k, v in vars(record).items() if k not in _STANDARD)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of each record."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure_logging(settings: Settings) -> None:
    """Send the root logger's records to stderr as JSON; calling it again changes nothing."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "folio_request_id", False):
        logging.setLogRecordFactory(_stamp_request_id(factory))
    root = logging.getLogger()
    if any(getattr(h, "folio_json", False) for h in root.handlers):
        return
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter())
    handler.folio_json = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(settings.LOG_LEVEL.upper())
    # Folio writes its own access line (folio.access); uvicorn's would duplicate it.
    logging.getLogger("uvicorn.access").disabled = True
