"""The /api/v1/ NinjaAPI: routers of every app, auth, and JSON errors as {code, message}."""

from __future__ import annotations

from ninja import NinjaAPI

from tongban.api import errors
from tongban.api.auth import auth

api = NinjaAPI(
    title="Tongban 通办 API",
    version="1",
    description=(
        "One-stop government services. Errors are JSON `{code, message}`: `code` is stable, "
        "`message` is in the language of `Accept-Language` (zh-Hans default, zh-Hant, en)."
    ),
    auth=auth,
    urls_namespace="api",
)
errors.install(api)


def _mount() -> None:
    from tongban.accounts.api import router as accounts_router
    from tongban.catalog.api import router as catalog_router
    from tongban.orgs.api import router as orgs_router
    from tongban.search.api import router as search_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/orgs", orgs_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/catalog", search_router)

    from tongban.cases.api import install as install_cases  # mounts /cases and the 409 conflict answer

    install_cases(api)


_mount()
