"""The one router of the cases API and what every endpoint module shares.

`router` is the single `Router(tags=["cases"])` on which the applicant, progress and staff modules
register their endpoints; `ERRORS` is the error answers ({code, message}) most endpoints document;
`Offset` is the bounded `offset` query parameter of the paged lists.
"""

from __future__ import annotations

from typing import Any

from ninja import P, QueryEx, Router

from tongban.api.schemas import ErrorOut

router = Router(tags=["cases"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
#: where a page of a list may start: 0 or more, bounded so that no database is asked beyond its integers
MAX_OFFSET = 1_000_000_000
Offset = QueryEx[int, P(ge=0, le=MAX_OFFSET, description="how many entries to skip (0 … 1,000,000,000)")]
