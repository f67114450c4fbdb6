"""Personal data never reaches a log line: a filter that masks ID and mobile numbers.

`settings.LOGGING` puts `MaskPersonalDataFilter` on every handler it defines and routes Django's
own loggers (`django`, `django.server`, `py.warnings`) to those handlers, replacing Django's
default console and mail handlers; `tongban serve` gives gunicorn `MaskedGunicornLogger`
(tongban.core.gunicorn_logging) so that its access and error logs are masked too.
"""

from __future__ import annotations

import logging

from tongban.core.masking import mask_personal_numbers

_FORMATTER = logging.Formatter()


def mask_text(text: str) -> str:
    """脱敏: every ID, mobile and bank card number in `text` — however it is grouped or written, as on
    pages (`core.masking.mask_personal_numbers`)."""
    return mask_personal_numbers(text)


class MaskPersonalDataFilter(logging.Filter):
    """日志脱敏: masks the message, the traceback and the stack of a record before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


def unmasked_handlers() -> list[tuple[str, logging.Handler]]:
    """(logger name, handler) of the running configuration that would write a record unmasked."""
    loggers: list[logging.Logger] = [logging.getLogger()]
    loggers += [lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    found = []
    for logger in loggers:
        for handler in logger.handlers:
            if isinstance(handler, logging.NullHandler):
                continue  # writes nothing (libraries such as urllib3 add one)
            if not any(isinstance(f, MaskPersonalDataFilter) for f in handler.filters):
                found.append((logger.name or "root", handler))
    return found
