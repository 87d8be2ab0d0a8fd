"""`sitegroup`: run the platform, one service, the relay; migrate; seed the demo; mint dev tokens."""

from __future__ import annotations

import asyncio
import importlib
import json
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
import uvicorn
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shared.auth import Grant
from shared.logs import configure_logging
from shared.web import UVICORN_OPTIONS, FreezeAfterStartup
from sitegroup.identity_cli import identity_app
from sitegroup.migration_runner import migration_runner
from sitegroup.operator_api import replay
from sitegroup.search_cli import search_app
from sitegroup.settings import PlatformSettings
from sitegroup.transition_cli import import_site
from sitegroup.verify_cli import verify_site

app = typer.Typer(
    help="集约化政府网站平台 — the platform consolidated government websites run on.", no_args_is_help=True
)
console = Console(stderr=True)
app.add_typer(identity_app, name="identity")
app.add_typer(search_app, name="search")
app.command("import-site")(import_site)
app.command("verify-site")(verify_site)
app.command()(replay)
app.command("migration-runner")(migration_runner)
RELAYED = ("content", "identity", "interaction", "opendata", "transition")  # the services that keep an outbox
SERVICES = ("content", "render", "identity", "console", "search", "interaction", "opendata", "transition", "gateway")
GATEWAY_NEEDS = ("content", "render", "identity")  # the console is optional behind a gateway


@app.command()
def serve(
    service: Annotated[str | None, typer.Argument(help="run only this service (distributed mode)")] = None,
    host: Annotated[str | None, typer.Option(help="listen address")] = None,
    port: Annotated[int | None, typer.Option(help="listen port (default: PORT or 8000)")] = None,
) -> None:
    """Run the whole platform in one process (default), or one service on its own."""
    platform = PlatformSettings()
    configure_logging(platform.log_level, json=platform.log_json)
    if service is None:
        _serve_consolidated(platform, host or platform.host, port or platform.port)
        return
    _check_service(service)
    uvicorn.run(
        FreezeAfterStartup(_service_app(service)),
        host=host or platform.host,
        port=port or platform.port,
        log_level="warning",
        proxy_headers=True,
        **UVICORN_OPTIONS,
    )


def _service_app(service: str):
    """One service as it runs on its own: its settings come from its environment prefix."""
    if service == "gateway":
        return _gateway_alone()
    if service == "render":
        from services import render

        return render.create_server()
    if service == "identity":
        from services import identity

        return identity.create_app()
    if service == "console":
        from services import console

        return console.create_app()
    if service == "search":
        from services import search

        return search.create_app()
    if service == "interaction":
        from services import interaction

        return interaction.create_app()
    if service == "opendata":
        from services import opendata

        return opendata.create_app()
    if service == "transition":
        from services import transition

        return transition.create_app()
    from services import content

    return content.create_app()


def _gateway_alone():
    """The front door of the distributed mode: every service it routes to named by GATEWAY_SERVICE_URLS."""
    from gateway.app import create_gateway
    from gateway.config import GatewaySettings

    settings = GatewaySettings()
    missing = [name for name in GATEWAY_NEEDS if name not in settings.service_urls]
    if missing:
        console.print(
            f"[red]GATEWAY_SERVICE_URLS names no {', '.join(missing)}[/]: the gateway alone routes to the services' "
            'own processes, e.g. GATEWAY_SERVICE_URLS=\'{"content": "http://10.0.0.5:8001", "render": …}\''
        )
        raise typer.Exit(2)
    app, _ = create_gateway(settings, {})
    return app


def _serve_consolidated(platform: PlatformSettings, host: str, port: int) -> None:
    from gateway.config import GatewaySettings
    from sitegroup.consolidated import ConsolidatedApp, migrate_all

    if GatewaySettings().service_urls:  # silently running everything in-process instead would mislead
        console.print(
            "[red]GATEWAY_SERVICE_URLS is set[/]: the consolidated platform runs every service in this process. "
            "Start the gateway on its own with `sitegroup serve gateway` (and each service with "
            "`sitegroup serve <service>`), or unset it."
        )
        raise typer.Exit(2)

    platform = platform.model_copy(update={"host": host, "port": port})
    asyncio.run(migrate_all(platform))
    platform.record_served()
    consolidated = ConsolidatedApp(platform, on_ready=_on_ready)
    uvicorn.run(
        FreezeAfterStartup(consolidated),
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=True,
        **UVICORN_OPTIONS,
    )


async def _on_ready(consolidated) -> None:
    from services.content import has_sites
    from sitegroup.demo.province import PROVINCE
    from sitegroup.demo.seed import seed_province, total_documents

    platform = consolidated.platform
    deps = consolidated.content.deps
    if platform.seed_demo and not await has_sites(deps):
        with _progress() as bar:
            task = bar.add_task("seeding the demo province", total=total_documents())
            await seed_province(deps, lambda n: bar.advance(task, n))
        await consolidated.settle(timeout=300)  # the pages are rendered from the seed's events: wait for them
    await consolidated.catch_up()
    if platform.seed_demo:
        from sitegroup.demo.accounts import seed_accounts, seed_organisations
        from sitegroup.demo.engagement import seed_engagement
        from sitegroup.demo.letters import seed_letters
        from sitegroup.demo.opendata import seed_opendata

        await seed_organisations(consolidated.identity.deps)
        await seed_accounts(consolidated.identity.deps)
        await seed_letters(consolidated.interaction.deps)
        await seed_engagement(consolidated.interaction.deps)
        await seed_opendata(consolidated.opendata.deps)
        await consolidated.settle(timeout=60)
    _print_welcome(platform, PROVINCE)


def _print_welcome(platform: PlatformSettings, sites) -> None:
    console.print(f"\n[bold green]The platform is up[/] on {platform.base_url}")
    console.print(f"  site directory (JSON): {platform.base_url}/api/v1/content/sites")
    console.print(f"  staff console (工作台): {platform.base_url}/console/")
    console.print(f"  API docs:             {platform.base_url}/api/v1/docs")
    console.print("  sites (each answers on its own host; *.localhost reaches this machine):")
    for site in sites:
        console.print(f"    {site.name:<14} http://{site.id}.localhost:{platform.port}/   ({site.main_domain})")
    console.print(f"  sign-in (OIDC):       {platform.identity_issuer}/.well-known/openid-configuration")
    console.print("  demo accounts:        operator, sysadmin, secadmin, auditor,")
    console.print("                        <site>-admin|editor|chushen|shenhe|shenfa|letters|data")
    console.print("                        (password Zhengwu@2026, demo only; README lists them)")
    console.print("  staff tokens:         sitegroup dev-token --site hefei --role editor\n")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )


@app.command("migrate-db")
def migrate_db(service: Annotated[str | None, typer.Argument(help="one service; default all")] = None) -> None:
    """Bring the service databases to the newest schema (safe to repeat)."""
    from services import console as staff_console
    from services import content, identity, interaction, opendata, render, search, transition
    from sitegroup.settings import (
        console_settings,
        content_settings,
        identity_settings,
        interaction_settings,
        opendata_settings,
        render_settings,
        search_settings,
        transition_settings,
    )

    platform = PlatformSettings()
    if service is not None:
        _check_service(service)
    if service in (None, "content"):
        asyncio.run(content.migrate(content_settings(platform)))
    if service in (None, "render"):
        asyncio.run(render.migrate(render_settings(platform)))
    if service in (None, "identity"):
        asyncio.run(identity.migrate(identity_settings(platform)))
    if service in (None, "console"):
        asyncio.run(staff_console.migrate(console_settings(platform)))
    if service in (None, "search"):
        asyncio.run(search.migrate(search_settings(platform)))
    if service in (None, "interaction"):
        asyncio.run(interaction.migrate(interaction_settings(platform)))
    if service in (None, "opendata"):
        asyncio.run(opendata.migrate(opendata_settings(platform)))
    if service in (None, "transition"):
        asyncio.run(transition.migrate(transition_settings(platform)))
    console.print("[green]databases are up to date[/]")


@app.command()
def mirror(site: Annotated[str, typer.Argument(help="the site whose static mirror to rebuild")]) -> None:
    """Rebuild one site's static mirror (every page as HTML, with the theme's assets) in the blob store."""
    from services.render import RenderRuntime
    from sitegroup.settings import render_settings

    platform = PlatformSettings()
    configure_logging("WARNING", json=False)

    async def run() -> int:
        runtime = RenderRuntime(render_settings(platform).model_copy(update={"consumers_enabled": False}))
        await runtime.start()
        try:
            if runtime.deps.hosts.site(site) is None:
                raise typer.BadParameter(f"no site {site!r} in the render read model")
            return await runtime.mirror.rebuild_site(site)
        finally:
            await runtime.stop()

    files = asyncio.run(run())
    console.print(f"[green]{files} pages written[/] to the mirror of {site}")


@app.command()
def relay(service: Annotated[str, typer.Argument(help="whose outbox to relay")] = "content") -> None:
    """Run only the outbox relay of a service (distributed mode: its own process)."""
    if service not in RELAYED:
        raise typer.BadParameter(f"{service!r} keeps no outbox; these do: {', '.join(RELAYED)}")
    platform = PlatformSettings()
    configure_logging(platform.log_level, json=platform.log_json)

    async def run() -> None:
        runtime = relay_runtime(service)
        await runtime.start()
        await runtime.relay.run()

    asyncio.run(run())


def relay_runtime(service: str) -> Any:
    """The service's runtime on its own settings (environment prefix), its consumers off: only its relay runs."""
    face = importlib.import_module(f"services.{service}")
    name = service.capitalize()  # ContentRuntime/ContentSettings … OpendataRuntime/OpendataSettings
    return getattr(face, f"{name}Runtime")(getattr(face, f"{name}Settings")(consumers_enabled=False))


@app.command("seed-demo")
def seed_demo() -> None:
    """Seed the demo province into an empty platform (the server does this itself on first start)."""
    from sitegroup.consolidated import ConsolidatedApp, migrate_all

    platform = PlatformSettings()
    configure_logging("WARNING", json=False)

    async def run() -> None:
        await migrate_all(platform)
        consolidated = ConsolidatedApp(platform, on_ready=_on_ready)
        async with consolidated.lifespan():
            pass

    asyncio.run(run())


@app.command("dev-token")
def dev_token(
    site: Annotated[str, typer.Option(help="site id, or * for every site")] = "*",
    role: Annotated[
        list[str] | None, typer.Option(help="role(s): site_admin, editor, reviewer:初审 … (default platform_operator)")
    ] = None,
    channel: Annotated[list[int] | None, typer.Option(help="limit the roles to these channel ids")] = None,
    subject: Annotated[str, typer.Option(help="who the token is for")] = "dev",
    lifetime: Annotated[int, typer.Option(help="seconds")] = 8 * 3600,
) -> None:
    """Print a development access token, signed by the identity provider's key as a login would give it."""
    from sitegroup.devtokens import provider_signer

    # Its stdout is the token alone (scripts capture it): logs go to stderr, warnings only, as for the other
    # one-shot commands. Unconfigured, structlog printed to stdout — a checkpoint's debug line once among them.
    configure_logging("WARNING", json=False)
    platform = PlatformSettings().as_served()  # the issuer of the running platform, whatever PORT it took
    roles = role or ["platform_operator"]
    grants = [Grant(site=site, role=r, channels=tuple(channel) if channel else None) for r in roles]

    async def mint() -> str:
        from sitegroup.consolidated import migrate_all

        await migrate_all(platform)
        async with provider_signer(platform) as signer:
            return signer.mint(subject, grants, name=subject, lifetime=lifetime)

    typer.echo(asyncio.run(mint()))


@app.command("console-assets")
def console_assets() -> None:
    """Fetch the console's pinned browser assets (the rich-text editor) from the npm registry, checksummed."""
    from services.console import ASSETS, fetch_assets

    try:
        fetched = fetch_assets()
    except (httpx.HTTPError, ValueError) as exc:
        console.print(f"[yellow]console assets not fetched[/] ({exc}); the editor stays a plain HTML text box")
        raise typer.Exit(1) from None
    pins = ", ".join(sorted({f"{a.package}@{a.version}" for a in ASSETS}))
    console.print(f"console assets: {pins} — {'fetched ' + ', '.join(fetched) if fetched else 'already in place'}")


@app.command("config-example")
def config_example(output: Annotated[Path, typer.Option()] = Path(".env.example")) -> None:
    """Write .env.example from the settings classes (every variable, its default and meaning)."""
    from gateway.config import GatewaySettings
    from services.console import ConsoleSettings
    from services.content import ContentSettings
    from services.identity import IdentitySettings
    from services.interaction import InteractionSettings
    from services.opendata import OpendataSettings
    from services.render import RenderSettings
    from services.search import SearchSettings
    from services.transition import TransitionSettings

    lines = ["# Generated by `sitegroup config-example`; every variable is optional.", ""]
    for prefix, model in (
        ("SITEGROUP_", PlatformSettings),
        ("GATEWAY_", GatewaySettings),
        ("CONTENT_", ContentSettings),
        ("RENDER_", RenderSettings),
        ("IDENTITY_", IdentitySettings),
        ("CONSOLE_", ConsoleSettings),
        ("SEARCH_", SearchSettings),
        ("INTERACTION_", InteractionSettings),
        ("OPENDATA_", OpendataSettings),
        ("TRANSITION_", TransitionSettings),
    ):
        lines.append(f"# --- {model.__name__} ---")
        for name, field in model.model_fields.items():
            default = field.get_default(call_default_factory=True)
            value = json.dumps(default, ensure_ascii=False) if isinstance(default, list | dict) else default
            if field.description:
                lines.append(f"# {field.description}")
            lines.append(f"# {prefix}{name.upper()}={'' if value is None else value}")
        lines.append("")
    output.write_text("\n".join(lines), encoding="utf-8")
    console.print(f"wrote {output}")


def _check_service(service: str) -> None:
    if service not in SERVICES:
        raise typer.BadParameter(f"unknown service {service!r}; known: {', '.join(SERVICES)}")
