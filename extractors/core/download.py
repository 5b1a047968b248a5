"""One download of a large file to disk, tried exactly once.

Bulk data files (hundreds of megabytes) are not read into memory and not retried: a source may count every
download against a quota (USPTO's Open Data Portal allows 20 per file per API key per year), so a failure ends the
fetch with a :class:`~extractors.core.fetch.FetchError` (permanent: neither the fetch layer nor Airflow tries it
again) and the partial file is deleted. The request goes through the source's :class:`~extractors.core.fetch.Fetcher`
(its allow-list of hosts, pacing, User-Agent, timeouts); redirects are followed by hand, to allowed hosts only, and
``headers`` (an API key) are dropped on a redirect to another host (a pre-signed storage URL needs none).
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import requests

from extractors.core.fetch import Fetcher, FetchError, Response


def download(fetcher: Fetcher, path_or_url: str, target: Path, *, headers: dict | None = None,
             max_bytes: int | None = None) -> Response:
    """GET ``path_or_url`` once, streaming the body into ``target`` (created or replaced). Returns the Response
    (final URL, status, headers; ``body`` empty: the bytes are in ``target``). Raises FetchError — an HTTP error
    status, a host off the allow-list, a body over ``max_bytes`` (default: the source's), a body shorter than its
    Content-Length or a connection that broke off — after deleting ``target``; never retries."""
    sid = fetcher.settings.source_id
    url = path_or_url if "://" in path_or_url else fetcher.url(path_or_url)
    headers = dict(headers or {})
    cap = max_bytes or fetcher.settings.max_bytes
    with fetcher.open_stream(url, None, headers, retried=False) as resp:
        return _save(sid, resp, Path(target), cap)


def _save(sid: str, resp: requests.Response, target: Path, cap: int) -> Response:
    url, status = resp.url, resp.status_code
    if not 200 <= status < 300:
        snippet = resp.raw.read(300, decode_content=True).decode("utf-8", "replace").strip()
        raise FetchError(sid, url, f"HTTP {status}: {snippet} (download not retried)")
    length = resp.headers.get("content-length")
    expected = int(length) if length and length.isdigit() else None
    if expected is not None and expected > cap:
        raise FetchError(sid, url, f"response of {expected} bytes is over the {cap}-byte cap")
    size = 0
    try:
        with target.open("wb") as fh:
            for chunk in resp.iter_content(chunk_size=1 << 20):
                size += len(chunk)
                if size > cap:
                    raise FetchError(sid, url, f"response is over the {cap}-byte cap; download stopped")
                fh.write(chunk)
        if expected is not None and size != expected:
            raise FetchError(sid, url, f"body cut short: {size} of {expected} bytes (download not retried)")
    except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
        target.unlink(missing_ok=True)
        raise FetchError(sid, url, f"body cut short after {size} bytes ({type(exc).__name__}; download not "
                         f"retried)") from exc
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return Response(sid, url, None, status, b"", {k.lower(): v for k, v in resp.headers.items()},
                    datetime.now(timezone.utc).isoformat(timespec="seconds"))
