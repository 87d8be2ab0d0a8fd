"""Root of the test tree: the session fixtures every service's tests share."""

import os

# Tests start hundreds of search and migration services: each would spawn its worker. They analyse and read
# pages in-process; services/search/tests/test_analysis_pool.py and services/transition/tests/test_workers.py
# run the workers.
os.environ.setdefault("SEARCH_ANALYSIS_WORKERS", "0")
os.environ.setdefault("TRANSITION_EXTRACT_WORKERS", "0")

pytest_plugins = ["shared.pytest_fixtures"]
