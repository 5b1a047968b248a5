"""Searching the Federal Register for presidential documents: ``GET /api/v1/documents.json``.

What the API does, and what this module does about it (API documentation:
https://www.federalregister.gov/developers/documentation/api/v1; behaviour seen in the recorded responses in
``tests/fixtures/live/federal_register/``):

- **Pages.** A page names the next one in ``next_page_url`` (``/api/v1/documents?...&search_after_cursor=...``,
  on www.federalregister.gov). It is followed as given, but only on the API base in use (a stand-in in tests):
  a page that sends us to another host is refused rather than followed.
- **Zero matches.** A search that matches nothing answers ``{"description": ..., "count": 0}`` with **no**
  ``results`` key: zero results, not an error. A page with ``count`` above 0 and no ``results`` is schema drift.
- **Bad cursor.** A cursor the API no longer accepts answers HTTP 400 ``{"status":400,"message":"Invalid
  search_after_cursor token"}``: a FetchError saying the search must start again.
- **The 10,000 cap.** The API returns at most 10,000 results per search and caps ``count`` there, so the
  searches are sliced by publication date (``settings.yaml`` ``search.windows``); a window whose ``count``
  reaches the cap is a FetchError asking for a narrower window.
- **Corrections.** Searching executive orders ordered by EO number starts with corrections whose
  ``executive_order_number`` is null (``C1-2014-25788``): skipped and counted by :func:`executive_orders`.
"""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from extractors.core.fetch import FetchError, Fetcher, Response, SchemaDrift

log = logging.getLogger(__name__)

SEARCH_PATH = "/api/v1/documents.json"
PRESIDENTIAL = "PRESDOCU"


def search_params(term: str, doc_type: str | list[str], window: dict, search: dict) -> dict:
    """Query parameters of one search: presidential documents of ``doc_type`` (``executive_order``,
    ``memorandum``) matching ``term``, published in ``window`` ({gte, lte?}: ISO dates), with the ``fields``,
    ``per_page`` and ``order`` of ``search`` (settings.yaml ``search``)."""
    params = {"conditions[type][]": PRESIDENTIAL, "conditions[presidential_document_type][]": doc_type,
              "conditions[term]": term, "conditions[publication_date][gte]": str(window["gte"]),
              "fields[]": list(search["fields"]), "per_page": search["per_page"], "order": search["order"]}
    if window.get("lte"):
        params["conditions[publication_date][lte]"] = str(window["lte"])
    return params


def page_results(resp: Response) -> tuple[dict, list[dict]]:
    """(page, results) of one search answer. Zero matches (no ``results`` key, ``count`` 0) give []. Raises
    FetchError for a body that is not JSON, SchemaDrift when the page is not an object, ``results`` is missing
    while ``count`` is above 0, ``results`` is not a list, or a result has no ``document_number``."""
    sid = resp.source_id
    data = resp.json()
    if not isinstance(data, dict):
        raise SchemaDrift(sid, resp.url, "schema drift: the search answer is not a JSON object")
    if "results" not in data:
        if data.get("count") == 0:
            return data, []
        raise SchemaDrift(sid, resp.url, f"schema drift: no 'results' key in a search answer with count "
                          f"{data.get('count')!r}")
    results = data["results"]
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise SchemaDrift(sid, resp.url, "schema drift: 'results' is not a list of objects")
    for i, row in enumerate(results):
        if "document_number" not in row:
            raise SchemaDrift(sid, resp.url, f"schema drift: results[{i}] has no 'document_number' key")
    return data, results


def _next_url(fetcher: Fetcher, resp: Response, page: dict, seen: set[str]) -> str | None:
    """The page's ``next_page_url`` when it must be followed; FetchError when it leaves the API base in use or
    comes round again (a loop)."""
    url = page.get("next_page_url")
    if not url:
        return None
    base = urlsplit(fetcher.settings.base())
    there = urlsplit(url)
    if (there.scheme, there.netloc) != (base.scheme, base.netloc):
        raise FetchError(resp.source_id, resp.url, f"next_page_url {url} is not on the API base in use "
                         f"({fetcher.settings.base()}); refused")
    if url in seen:
        raise FetchError(resp.source_id, resp.url, f"next_page_url {url} was already followed: the paging loops")
    seen.add(url)
    return url


def _follow(fetcher: Fetcher, url: str, label: str) -> Response:
    try:
        return fetcher.get(url)
    except FetchError as exc:
        if type(exc) is FetchError and exc.cause.startswith("HTTP 400"):
            raise FetchError(exc.source_id, exc.url, f"the API refused the paging cursor ({exc.cause}); the "
                             f"search {label} must start again from its first page") from exc
        raise


def search_documents(fetcher: Fetcher, params: dict, result_cap: int, label: str = "") -> list[dict]:
    """Every result of one search, page after page (see module docstring). ``label`` names the search in
    messages. Raises FetchError (HTTP errors, a refused cursor, a window at the API's cap, a next page off the
    API base) and SchemaDrift (see :func:`page_results`)."""
    resp = fetcher.get(SEARCH_PATH, params=params)
    found: list[dict] = []
    seen: set[str] = set()
    while True:
        page, results = page_results(resp)
        count = page.get("count")
        if isinstance(count, int) and count >= result_cap:
            raise FetchError(resp.source_id, resp.url, f"the search {label} matches {count} documents, the API's "
                             f"cap of {result_cap}: results past the cap are silently dropped; split its "
                             f"publication-date window in settings.yaml")
        found.extend(results)
        url = _next_url(fetcher, resp, page, seen) if results else None
        if url is None:
            return found
        resp = _follow(fetcher, url, label)


def executive_orders(results: list[dict], url: str, source_id: str) -> tuple[list[dict], int]:
    """(orders, corrections skipped) of a search for executive orders: a result whose
    ``executive_order_number`` is null is a correction (``C1-2014-25788``, title "Correction") and is skipped.
    Raises SchemaDrift when a result has no ``executive_order_number`` key (it was asked for in ``fields[]``)."""
    orders, corrections = [], 0
    for i, row in enumerate(results):
        if "executive_order_number" not in row:
            raise SchemaDrift(source_id, url, f"schema drift: results[{i}] ({row.get('document_number')}) has no "
                              f"'executive_order_number' key")
        if row["executive_order_number"] is None:
            corrections += 1
            continue
        orders.append(row)
    return orders, corrections


def search_all(fetcher: Fetcher, search: dict) -> dict[str, dict]:
    """Every presidential document the configured searches find (settings.yaml ``search``): {document_number:
    result, with ``found_by`` naming the search}, first finding kept. Corrections among executive orders are
    skipped and logged. Raises what :func:`search_documents` and :func:`executive_orders` raise."""
    found: dict[str, dict] = {}
    for term in search["terms"]:
        for doc_type in search["presidential_document_types"]:
            for window in search["windows"]:
                label = (f"{term} / {doc_type} / published {window['gte']}.."
                         f"{window.get('lte') or ''}")
                params = search_params(term, doc_type, window, search)
                results = search_documents(fetcher, params, int(search["result_cap"]), label)
                if doc_type == "executive_order":
                    results, corrections = executive_orders(results, fetcher.url(SEARCH_PATH),
                                                            fetcher.settings.source_id)
                    if corrections:
                        log.info("federal_register: %s: %d corrections (no EO number) skipped", label, corrections)
                for row in results:
                    found.setdefault(str(row["document_number"]), {**row, "found_by": label})
    return found


def newest_match(fetcher: Fetcher, term: str, search: dict) -> dict | None:
    """The newest presidential document matching ``term`` (one request: ``order=newest``, ``per_page=1``), or
    None when the answer lists none. Raises as :func:`page_results`."""
    params = {"conditions[type][]": PRESIDENTIAL,
              "conditions[presidential_document_type][]": list(search["presidential_document_types"]),
              "conditions[term]": term, "fields[]": ["document_number", "publication_date"],
              "per_page": 1, "order": "newest"}
    _, results = page_results(fetcher.get(SEARCH_PATH, params=params))
    return results[0] if results else None
