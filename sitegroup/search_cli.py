"""`sitegroup search …`: rebuild the running platform's search index from a shell, with a progress bar.

The rebuild runs inside the search service (only it may write its index: an embedded index has one writer);
this command asks for it over the API, as a platform operator, and follows it until it is done."""

from __future__ import annotations

import asyncio
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sitegroup.operator_api import TokenOption, UrlOption, operator_client, run_against_platform

search_app = typer.Typer(help="Search: rebuild the index.", no_args_is_help=True)
console = Console(stderr=True)
REINDEX = "/api/v1/search/reindex"


@search_app.command("reindex")
def reindex(
    site: Annotated[str | None, typer.Option(help="only this site's documents (re-indexed in place)")] = None,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Rebuild the search index while search keeps answering: a new index is filled, then swapped in."""
    client = operator_client(url, token)
    status = run_against_platform(client, lambda: _reindex(client, site))
    if status["state"] != "done":
        console.print(f"[red]rebuild {status['state']}[/]: {status.get('problem') or ''}")
        raise typer.Exit(1)
    console.print(f"[green]{status['indexed']} entries indexed[/] ({'site ' + site if site else 'whole index'})")


async def _reindex(client: httpx.AsyncClient, site: str | None) -> dict:
    async with client:
        started = await client.post(REINDEX, json={"site": site} if site else {})
        if started.status_code != 202:
            console.print(f"[red]refused ({started.status_code})[/]: {started.text[:300]}")
            raise typer.Exit(1)
        status = started.json()
        with _progress() as progress:
            task = progress.add_task("rebuilding the search index", total=status["total"] or None)
            while status["state"] == "running":
                await asyncio.sleep(0.5)
                status = (await client.get(REINDEX)).json()
                progress.update(task, completed=status["indexed"])
        return status


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )
