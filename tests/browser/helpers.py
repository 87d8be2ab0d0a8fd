"""Helpers for browser tests: axe-core violations, the keyboard Tab order, the links of a page."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "var" / "browser" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

# --- axe-core -------------------------------------------------------------------------------------------

_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: tags, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({
      target: n.target.map(String), html: n.html.replace(/\\s+/g, ' ').slice(0, 160), summary: n.failureSummary,
    })),
  }));
}"""


def axe_violations(
    page: Page, impacts: Sequence[str] = ("serious", "critical"), tags: Sequence[str] = WCAG_TAGS
) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1 A and AA violations of the page as it is now, of the given impacts.

    Each is {id, impact, help, helpUrl, nodes: [{target, html, summary}]}. axe.min.js is evaluated through
    the DevTools protocol, which a page's Content-Security-Policy does not restrict."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    violations = page.evaluate(_AXE_RUN, list(tags))
    return [v for v in violations if v["impact"] in impacts]


def format_violations(violations: list[dict[str, Any]], max_nodes: int = 5) -> str:
    """A readable list for an assertion message or a report."""
    if not violations:
        return "no axe violations"
    lines = [f"{len(violations)} axe violation(s):"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} element(s)) {v['helpUrl']}")
        for node in v["nodes"][:max_nodes]:
            lines.append(f"    {' '.join(node['target'])}  {node['html']}")
        if len(v["nodes"]) > max_nodes:
            lines.append(f"    … {len(v['nodes']) - max_nodes} more")
    return "\n".join(lines)


# --- keyboard -------------------------------------------------------------------------------------------


class Focused(NamedTuple):
    """One stop of the Tab order. `indicator` is the computed outline or box-shadow; '' when focus is
    not visible there."""

    tag: str
    href: str | None
    text: str
    indicator: str

    @property
    def focus_visible(self) -> bool:
        return bool(self.indicator)


_TAB_START = """() => { window.__sgTabSeen = []; if (document.activeElement) document.activeElement.blur(); }"""
_TAB_STOP = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  if (window.__sgTabSeen.includes(el)) return null;
  window.__sgTabSeen.push(el);
  const cs = getComputedStyle(el);
  const clear = c => c === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(c);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 && !clear(cs.outlineColor)
    ? `outline: ${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}` : '';
  const shadow = cs.boxShadow && cs.boxShadow !== 'none' ? `box-shadow: ${cs.boxShadow}` : '';
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.title || '').trim();
  return {tag: el.tagName.toLowerCase(), href: el.getAttribute('href'), text: text.replace(/\\s+/g, ' ').slice(0, 80),
          indicator: outline || shadow};
}"""


def tab_through(page: Page, max_steps: int = 300) -> list[Focused]:
    """Press Tab from the top of the page until focus leaves the page or comes back round (or max_steps),
    and return every element that took focus, in order, with its focus indicator."""
    page.evaluate(_TAB_START)
    stops: list[Focused] = []
    for _ in range(max_steps):
        page.keyboard.press("Tab")
        stop = page.evaluate(_TAB_STOP)
        if stop is None:
            break
        stops.append(Focused(**stop))
    return stops


def page_links(page: Page) -> list[str]:
    """The href of every link of the page (to compare with what `tab_through` reached)."""
    return page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")
