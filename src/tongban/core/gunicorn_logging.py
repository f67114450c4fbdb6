"""gunicorn's access and error logs, masked (`tongban serve` passes `--logger-class` with this)."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from tongban.core.logging import MaskPersonalDataFilter

#: Request headers (and their environ names) that carry credentials; never offered to the access log format.
CREDENTIAL_HEADERS = ("authorization", "proxy-authorization", "cookie", "x-csrftoken")


class MaskedGunicornLogger(Logger):
    """gunicorn 日志脱敏: request lines carry query strings, which may hold ID or phone numbers.

    The access log never names a user from a Basic `Authorization` header (gunicorn's `%(u)s` decodes
    it; here it is always "-"), and no format atom holds a credential header (`%({authorization}i)s`
    and the like answer "-")."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, MaskPersonalDataFilter) for f in handler.filters):
                    handler.addFilter(MaskPersonalDataFilter())

    def _get_user(self, environ: dict[str, Any]) -> str | None:
        return None

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for header in CREDENTIAL_HEADERS:
            atoms.pop(f"{{{header}}}i", None)
            atoms.pop(f"{{http_{header.replace('-', '_')}}}e", None)
        return atoms
