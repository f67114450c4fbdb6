"""Search API: GET /api/v1/catalog/search?q=…&limit=… — items and bundles, best first."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from tongban.api.errors import ApiError
from tongban.api.schemas import ErrorOut
from tongban.search import services
from tongban.search.engine import Filters

router = Router(tags=["search"])


class SearchIn(Schema):
    q: str
    limit: int = 10
    audience: str = ""
    theme: str = ""
    department: str = ""
    region: str = ""
    online_depth: int = 0


class HitOut(Schema):
    type: str
    code: str
    name: str
    summary: str
    department: str
    region: str
    online_depth: int
    score: float


class SearchOut(Schema):
    query: str
    results: list[HitOut]


@router.get("/search", auth=None, response={200: SearchOut, 400: ErrorOut, 422: ErrorOut})
def search(request: HttpRequest, params: Query[SearchIn]) -> SearchOut:
    """搜索服务事项和一件事 (simplified, traditional, pinyin, initials and everyday words all work)."""
    if not params.q.strip():
        raise ApiError(400, "empty_query", _("请输入要搜索的内容。"))
    if not 1 <= params.limit <= 50:
        raise ApiError(400, "invalid_limit", _("limit 应在 1 到 50 之间。"))
    if params.online_depth not in range(0, 5):
        raise ApiError(400, "invalid_online_depth", _("online_depth 应在 0 到 4 之间。"))
    filters = Filters(
        audience=params.audience,
        theme=params.theme,
        department=params.department,
        region=params.region,
        min_depth=params.online_depth,
    )
    hits = services.search(params.q, limit=params.limit, filters=filters)
    return SearchOut(
        query=params.q,
        results=[
            HitOut(
                type=h.type,
                code=h.code,
                name=h.name,
                summary=h.summary,
                department=h.department,
                region=h.region,
                online_depth=h.online_depth,
                score=h.score,
            )
            for h in hits
        ],
    )
