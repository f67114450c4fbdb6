"""The /api/v1/ NinjaAPI: routers of every app, auth, and JSON errors as {code, message}."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.operation import Operation

from tongban.api import errors
from tongban.api.auth import auth


class TongbanAPI(NinjaAPI):
    """The API, whose OpenAPI document also lists the error answers every operation can give."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        errors.document_error_answers(schema)
        return schema

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """`<app api package>_<function>`: an endpoint in a module of an `api` package (tongban.cases.api.staff)
        is named after the package, so that splitting an app's API into modules keeps operation ids stable."""
        module = operation.view_func.__module__
        package, separator, _module_name = module.partition(".api.")
        if separator:
            module = f"{package}.api"
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")


api = TongbanAPI(
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
