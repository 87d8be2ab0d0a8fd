"""anchor-bench rows for the platform's pages; from the repository's folder:
`ANCHOR_ROWS=$PWD/bench/anchor_rows.py ../shared/anchor-bench/run.sh bench sg_…`.

anchor-bench's bench.py execs this file in its own namespace (`add` and `WORK` come from there), on the kit's
python3: standard library only, and every name here starts with sg_/SG_ so none of bench.py's is replaced.
Each row serves the data directory SG_PAGES_DATA (default $ANCHOR_WORK/sitegroup-pages; `bench.pages
prepare` fills it on first use) with `bench.pages serve` on the project's interpreter, port 8010, and asks
for a path that pages.json names. bench.py only requires HTTP 200 (it records the size, it does not
compare it with the anchor page's).
"""

# ruff: noqa: F821  (add and WORK are bench.py's globals)

import inspect
import json
import os
import subprocess

SG_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(inspect.currentframe().f_code.co_filename)))
SG_PY = os.path.join(SG_ROOT, ".venv", "bin", "python")
SG_DATA = os.environ.get("SG_PAGES_DATA") or os.path.join(WORK, "sitegroup-pages")
SG_PORT = 8010
SG_SYSTEM = "sitegroup gateway → render (consolidated app, uvicorn)"


def sg_pages():
    """pages.json of the prepared data directory (prepared now if it is not)."""
    info = os.path.join(SG_DATA, "pages.json")
    if not os.path.exists(info):
        subprocess.run([SG_PY, "-m", "bench.pages", "prepare", "--data", SG_DATA], cwd=SG_ROOT, check=True)
    with open(info, encoding="utf-8") as f:
        return json.load(f)


def sg_row(page, *flags):
    """(cmd, port, path, env, cwd) of one row: `bench.pages serve` on the prepared directory."""
    cmd = [SG_PY, "-m", "bench.pages", "serve", "--data", SG_DATA, "--port", str(SG_PORT), *flags]
    return cmd, SG_PORT, sg_pages()[page], {}, SG_ROOT


SG_MODES = ("pinned", "unpinned")
add("sg_cached_article", SG_SYSTEM, "1 worker, article, page cache on", lambda: sg_row("article"), SG_MODES)
add("sg_cached_article_30k", SG_SYSTEM, "1 worker, article with 7,500 Han characters (page ≈ anchor size), cache on",
    lambda: sg_row("article_30k"), SG_MODES)  # fmt: skip
add("sg_uncached_article", SG_SYSTEM, "1 worker, article, RENDER_CACHE_ENABLED=false",
    lambda: sg_row("article", "--uncached"), SG_MODES)  # fmt: skip
add("sg_channel_list", SG_SYSTEM, "1 worker, channel list page 1, page cache on", lambda: sg_row("list"), SG_MODES)
add("sg_uncached_list", SG_SYSTEM, "1 worker, channel list page 1, RENDER_CACHE_ENABLED=false",
    lambda: sg_row("list", "--uncached"), SG_MODES)  # fmt: skip
add("sg_home", SG_SYSTEM, "1 worker, home page (its theme's blocks), page cache on", lambda: sg_row("home"), SG_MODES)
add("sg_uncached_home", SG_SYSTEM, "1 worker, home page (its theme's blocks), RENDER_CACHE_ENABLED=false",
    lambda: sg_row("home", "--uncached"), SG_MODES)  # fmt: skip
