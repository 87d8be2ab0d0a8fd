"""Themes: Jinja2 templates per theme, a site's own overrides on top, and the filters pages share."""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from shared.clock import china_time

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
DEFAULT_THEME = "default"
ASSET_VERSION = "3"  # bump when a theme's CSS changes: assets are served immutable


def publish_time(value: str | datetime | None) -> str:
    """YYYY-MM-DD HH:MM in China time, as the national page rules require."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return china_time(moment).strftime("%Y-%m-%d %H:%M")


FILES = "/files"  # a document's files on the host of every site that shows it (the gateway's public file path)


def file_path(attachment: dict[str, Any], rendition: str | None = None, *, quoted: bool = True) -> str:
    """The public URL path of a document's file, ending in its own name (a static mirror then knows its type), or
    of one of its image renditions (`w800` → …/r/w800.jpg); "" for a file an older event named without its
    public id (it has no public address)."""
    public_id = attachment.get("public_id")
    if not public_id:
        return ""
    if rendition is not None:
        key = attachment.get("renditions", {}).get(rendition)
        return f"{FILES}/{public_id}/r/{key.rsplit('/', 1)[-1]}" if key else ""
    name = quote(attachment["filename"], safe="") if quoted else attachment["filename"]
    return f"{FILES}/{public_id}/{name}"


@functools.cache
def theme_stylesheet(theme: str) -> str:
    """The path of a theme's own stylesheet (layered on the default one), "" for a theme without one."""
    return f"/_static/{theme}/theme.css" if (STATIC / theme / "theme.css").is_file() else ""


def machine_time(value: str | datetime | None) -> str:
    """A `<time datetime>` value: China time to the second (HTML allows at most three digits of a fraction)."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return china_time(moment).isoformat(timespec="seconds")


def publish_date(value: str | datetime | None) -> str:
    return publish_time(value)[:10]


_DICT_ATTRIBUTES = frozenset(dir(dict))


class ThemeEnvironment(Environment):
    """Jinja's `x.name` asks getattr first and, failing, x["name"]; a page's context is mostly dicts (snapshots,
    entries, the frame), and the AttributeError raised first for each key cost a fifth of an article's rendering.
    A dict's key is looked up first unless the name is a dict method's: the same answers, without the raise."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class Themes:
    """One Jinja environment per (theme, site with overrides); plain sites share their theme's."""

    def __init__(self, overrides_dir: Path | None = None, *, auto_reload: bool = False) -> None:
        self.overrides_dir = overrides_dir
        self.auto_reload = auto_reload
        self._envs: dict[tuple[str, str | None], Environment] = {}
        self._chosen: dict[tuple[str, str], Environment] = {}  # (theme, site) → its environment

    def names(self) -> list[str]:
        return sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir())

    def environment(self, theme: str, site_id: str) -> Environment:
        """Which templates a site renders with; looked up on disk once unless templates reload."""
        env = None if self.auto_reload else self._chosen.get((theme, site_id))
        if env is None:
            env = self._chosen[(theme, site_id)] = self._environment(theme, site_id)
        return env

    def _environment(self, theme: str, site_id: str) -> Environment:
        theme = theme if (TEMPLATES / theme).is_dir() else DEFAULT_THEME
        own = self.overrides_dir / site_id if self.overrides_dir else None
        key = (theme, site_id if own is not None and own.is_dir() else None)
        env = self._envs.get(key)
        if env is None:
            env = self._envs[key] = self._build(theme, own if key[1] else None, self.auto_reload)
        return env

    def render(self, theme: str, site_id: str, template: str, context: dict[str, Any]) -> str:
        return self.environment(theme, site_id).get_template(template).render(context)

    @staticmethod
    def _build(theme: str, own: Path | None, auto_reload: bool) -> Environment:
        paths = [TEMPLATES / theme, TEMPLATES / DEFAULT_THEME]
        loaders = [FileSystemLoader(own)] if own else []
        env = ThemeEnvironment(
            loader=ChoiceLoader([*loaders, FileSystemLoader([str(p) for p in paths])]),
            autoescape=select_autoescape(["html", "xml"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=auto_reload,  # off: no stat of every template on every render
        )
        env.filters["cst"] = publish_time
        env.filters["cst_date"] = publish_date
        env.filters["iso"] = machine_time
        env.globals["asset_version"] = ASSET_VERSION
        env.globals["file_url"] = file_path
        env.globals["theme_stylesheet"] = theme_stylesheet
        return env
