"""gunicorn's access and error logs, masked (`tongban serve` passes `--logger-class` with this)."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from tongban.core.logging import MaskPersonalDataFilter


class MaskedGunicornLogger(Logger):
    """gunicorn 日志脱敏: request lines carry query strings, which may hold ID or phone numbers."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, MaskPersonalDataFilter) for f in handler.filters):
                    handler.addFilter(MaskPersonalDataFilter())
