"""Reaching a legacy site at its old server once its name points at the platform (as `curl --resolve`): the
request goes to the address given for its host, and still says the host's name (Host header, the site's
virtual host), so the old server answers as it always did."""

from __future__ import annotations

import httpx

from services.transition.sources.http11 import Http11Transport


def legacy_transport(
    servers: dict[str, str], inner: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncBaseTransport:
    """A job's way to its legacy site: the crawl's own HTTP/1.1 (it resolves the hosts itself), or a transport
    the tests gave (an in-process site), wrapped to resolve them."""
    if inner is None:
        return Http11Transport(servers)
    return ResolvingTransport(servers, inner) if servers else inner


class ResolvingTransport(httpx.AsyncBaseTransport):
    def __init__(self, servers: dict[str, str], inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.servers = {host.lower(): address for host, address in servers.items()}
        self.inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        address = self.servers.get(request.url.host.lower())
        if address is not None:
            ip, _, port = address.partition(":")
            # the Host header was set from the URL when the request was built: it keeps the site's name
            request.url = request.url.copy_with(host=ip, port=int(port) if port else request.url.port)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
