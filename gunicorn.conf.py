"""Production serving: ``gunicorn -c gunicorn.conf.py wsgi:app`` behind a reverse proxy.

The pages are CPU-bound Python (templates, Whoosh), so one synchronous worker per core serves
them best; threads would only queue on the interpreter lock. Measured with bench/load.py.
"""

import multiprocessing
import os

bind = os.environ.get("COUNCIL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "sync"
# A request that takes longer than this is stuck; the search has its own 2 s time budget.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never becomes an outage. A new worker takes
# a few seconds to load the app and read the index (post_worker_init, below), and requests
# queued on it wait that long: at 10,000 a busy worker recycled every 15 s and the p95 of a
# load test was 1 s.
max_requests = 200_000
max_requests_jitter = 20_000
# The app starts a search catch-up thread per worker; threads do not survive a fork, so the
# app is loaded in each worker, not in the master.
preload_app = False
accesslog = "-" if os.environ.get("COUNCIL_ACCESS_LOG") else None


def post_worker_init(worker) -> None:
    """Read the search index before the worker takes requests: its columns and words take
    seconds of the interpreter, which the first pages would otherwise wait for."""
    from council_app.search import sync

    app = worker.wsgi
    # The same settings serve bench/load.py's minimal Flask app, which has no index.
    if sync.EXTENSION in getattr(app, "extensions", {}):
        with app.app_context():
            sync.prepare_for_searches()
