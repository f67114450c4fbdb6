"""Search pages: the results page with filters, the as-you-type suggestions, and the console pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tongban.accounts.permissions import ensure_can
from tongban.console.decorators import staff_required
from tongban.search import selectors, services
from tongban.search.engine import Filters, Hit
from tongban.search.forms import SearchFilterForm, SynonymForm
from tongban.search.models import SearchSynonym

RESULTS = 30


def result_url(hit: Hit) -> str:
    """The page of an item or a bundle (catalogue pages), or the search page if those are not mounted."""
    for name in (f"catalog:{hit.type}", f"catalog:{hit.type}_detail", f"portal:{hit.type}"):
        try:
            return reverse(name, args=[hit.code])
        except NoReverseMatch:
            continue
    return f"/catalog/{hit.type}s/{hit.code}/"


def _with_urls(hits: list[Hit], query: str) -> list[dict[str, object]]:
    return [{"hit": h, "url": result_url(h)} for h in hits]


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    form = SearchFilterForm(request.GET or None)
    hits: list[Hit] = []
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        filters = Filters(
            audience=form.cleaned_data["audience"],
            theme=form.cleaned_data["theme"],
            department=form.cleaned_data["department"],
            region=form.cleaned_data["region"],
            min_depth=int(form.cleaned_data["online_depth"] or 0),
        )
        hits = services.search(query, limit=RESULTS, filters=filters)
    page = Paginator(_with_urls(hits, query), 10).get_page(request.GET.get("page"))
    return render(request, "search/results.html", {"form": form, "query": query, "page": page, "count": len(hits)})


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """htmx: the suggestion list under the search box (an HTML fragment)."""
    query = request.GET.get("q", "").strip()[:100]
    hits = services.suggest(query) if query else []
    return render(request, "search/_suggestions.html", {"query": query, "suggestions": _with_urls(hits, query)})


@require_GET
def go(request: HttpRequest) -> HttpResponse:
    """A click on a result: counted for the query log, then on to the page."""
    target = request.GET.get("to", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    services.record_click(query=request.GET.get("q", ""))
    return redirect(target)


# -- console -------------------------------------------------------------------------------------------
@staff_required
@require_http_methods(["GET", "POST"])
def synonyms(request: HttpRequest) -> HttpResponse:
    user = request.user
    ensure_can(user, "search.edit_synonyms")
    form = SynonymForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.save_synonym(actor=user, **form.cleaned_data)
        messages.success(request, _("已保存：%(phrase)s") % {"phrase": form.cleaned_data["phrase"]})
        return redirect("search_console:synonyms")
    text = request.GET.get("text", "").strip()
    page = Paginator(selectors.synonyms(text=text), 50).get_page(request.GET.get("page"))
    return render(request, "search/console/synonyms.html", {"form": form, "page": page, "text": text})


@staff_required
@require_http_methods(["POST"])
def delete_synonym(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    ensure_can(user, "search.edit_synonyms")
    synonym = get_object_or_404(SearchSynonym, pk=pk)
    services.delete_synonym(actor=user, synonym=synonym)
    messages.success(request, _("已删除：%(phrase)s") % {"phrase": synonym.phrase})
    return redirect("search_console:synonyms")


@staff_required
@require_GET
def queries(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "search.view_queries")
    try:
        days = max(1, min(int(request.GET.get("days", "30")), 365))
    except ValueError:
        days = 30
    return render(request, "search/console/queries.html", {"rows": selectors.unmet_queries(days=days), "days": days})
