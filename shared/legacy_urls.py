"""The key of a legacy URL, the same in the migration's URL map and the renderer's redirect table: its path and,
when it has one, its query string with the parameters in a fixed order (old CMSes address articles as
`/content.jsp?id=123`, so the path alone would send every article to one place); a migration's keys begin with
their legacy host (`//old.feixi.gov.cn/…`). Fragments are dropped."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlencode, urlsplit


def legacy_key(url: str) -> str:
    """http://old.gov.cn/content.jsp?id=12&cat=3#top → /content.jsp?cat=3&id=12."""
    parts = urlsplit(url if "://" in url else f"http://legacy{url if url.startswith('/') else '/' + url}")
    return path_key(unquote(parts.path) or "/", parts.query)  # decoded, as a server is given the path


def path_key(path: str, query: str) -> str:
    """A request's path and raw query string as a legacy key."""
    if not query:
        return path
    return f"{path}?{urlencode(sorted(parse_qsl(query, keep_blank_values=True)))}"


def hosted_key(url: str) -> str:
    """http://old.feixi.gov.cn/content.jsp?id=12 → //old.feixi.gov.cn/content.jsp?id=12: the key a migration
    keeps, since a county's consolidation brings several legacy sites whose paths may be the same."""
    host = (urlsplit(url).hostname or "").lower()
    return f"//{host}{legacy_key(url)}"


def request_keys(host: str, path: str, query: str) -> tuple[str, ...]:
    """The redirect table's keys a request may match, most specific first: with its query (`content.jsp?id=12`),
    then without (a page shared with `?from=weixin`); each first on its host (a migration's), then bare (an
    admin's)."""
    key, host = path_key(path, query), f"//{host.lower()}"
    return tuple(dict.fromkeys((f"{host}{key}", key, f"{host}{path}", path)))


LEGACY_LINK = "/_legacy/"  # a migrated body's link to a legacy page whose new address is not known yet


def legacy_link(url: str) -> str:
    """http://old.feixi.gov.cn/art/1.html → /_legacy/old.feixi.gov.cn/art/1.html: answered from the redirect
    table on the target site's own host, so the link works before DNS moves and once the page is imported."""
    return f"{LEGACY_LINK}{hosted_key(url).removeprefix('//')}"


def link_of_key(key: str) -> str:
    """//old.feixi.gov.cn/art/1.html → /_legacy/old.feixi.gov.cn/art/1.html."""
    return f"{LEGACY_LINK}{key.removeprefix('//')}"


def key_of_link(link: str) -> str | None:
    """The reverse: the legacy key a /_legacy/ link stands for, or None for any other address."""
    return "//" + link.removeprefix(LEGACY_LINK) if link.startswith(LEGACY_LINK) else None
