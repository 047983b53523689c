"""Gunicorn's settings: a master process that keeps WORKERS uvicorn workers running.

Run: gunicorn shelf.main:app -c gunicorn.conf.py (PORT from the environment).
"""

import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
# One worker per core is the usual start for an app whose requests wait on PostgreSQL little.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "uvicorn.workers.UvicornWorker"
# On SIGTERM each worker stops accepting, finishes the requests it has, then exits; past this
# many seconds the master kills what is left (shorter than an orchestrator's 30 s grace).
graceful_timeout = 10
# A worker that does not report back within this many seconds is restarted.
timeout = 30
# The access log would cost each request a write: errors are logged, requests are not.
accesslog = None
