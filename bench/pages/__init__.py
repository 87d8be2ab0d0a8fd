"""bench.pages — the platform's pages through the gateway next to anchor-bench's rows, and publish→visible.

    .venv/bin/python -m bench.pages [run] [--rows ROW …] [--data DIR] [--report-only] [--json PATH]
    .venv/bin/python -m bench.pages visible [--count 200] [--pause 0.5] [--limit 10] [--port 8011] [--json PATH]
    .venv/bin/python -m bench.pages prepare --data DIR
    .venv/bin/python -m bench.pages serve --data DIR --port P [--uncached] [--mirror]

`prepare` opens the site www.example.gov.cn and publishes in 通知公告 (zwdt/tzgg), through the review
workflow, 38 demo documents, a 7,500-character article and the page under test (the anchor page's title and
3,000 Han characters of body): 40 documents, two list pages; it writes DIR/pages.json. `serve` runs the
consolidated app on DIR with uvicorn (1 worker, httptools, stdlib asyncio loop). `run` prepares a fresh directory, runs
anchor-bench with the sg_* rows of bench/anchor_rows.py and prints its results as one table. `visible` times,
over HTTP against `serve` on core 0, how soon a published document's article and list pages show it.
"""

import os
import tempfile
from pathlib import Path

from bench.common import ROOT, Target

HOST = "www.example.gov.cn"
SITE = "example"
SITE_CODE = "3300000001"
CHANNEL = "zwdt/tzgg"
LIST_PATH = f"/{CHANNEL}/"
API = "/api/v1/content"
STEPS = ("初审", "审核", "审发")
LIST_DOCS = 38  # + the two articles = 40 documents: two list pages of 20
CORPUS_DOCS = 240  # one deterministic corpus: the first 38 are listed by prepare, the rest go to visible
BODY_HAN = 3000  # the anchor page's body
BODY_HAN_30K = 7500  # a longer body making our article page about the anchor page's size
PY = ROOT / ".venv" / "bin" / "python"
ROWS_FILE = ROOT / "bench" / "anchor_rows.py"
KIT = Path(os.environ.get("ANCHOR_KIT") or ROOT.parent / "shared" / "anchor-bench")
SEEDS = Path(os.environ.get("ANCHOR_SEEDS") or ROOT.parent / "shared" / "seeds")
WORK = Path(os.environ.get("ANCHOR_WORK") or Path(tempfile.gettempdir()) / "anchor-bench")
MODE = "pinned" if os.environ.get("UNPINNED", "0") in ("", "0") else "unpinned"
DEFAULT_ROWS = (
    "sg_cached_article",
    "sg_cached_article_30k",
    "sg_uncached_article",
    "sg_channel_list",
    "sg_uncached_list",
    "sg_home",
    "sg_uncached_home",
    "raw1",
    "star1",
    "fapi1",
    "wt_sync_c0",
    "wt_sync_c1",
    "nginx",
)
CACHED = (Target(6000, True, "req/s"), Target(10, False, "ms p99"))
UNCACHED = (Target(500, True, "req/s"), Target(50, False, "ms p99"))
TARGETS = {
    "sg_cached_article": CACHED,
    "sg_cached_article_30k": CACHED,
    "sg_channel_list": CACHED,
    "sg_uncached_article": UNCACHED,
    "sg_uncached_list": UNCACHED,
    "sg_home": CACHED,
    "sg_uncached_home": UNCACHED,
}
VISIBLE_TARGET = Target(1000, False, "ms p99")
VISIBLE_ROWS = (("answered", "审发 approve answered"), ("article", "article page 200"), ("listed", "list shows title"))
