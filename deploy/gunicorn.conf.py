"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py`.

Every value can be overridden by the environment (GUNICORN_WORKERS, ...)."""

import multiprocessing
import os
from pathlib import Path

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(
    os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9))
)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Rendering a sealed report (PDF) may take a while without a background worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle workers now and then, so a slow leak never grows unbounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
# Trust X-Forwarded-* only from the proxy in front (comma-separated addresses).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access and error log on stdout/stderr, for the container or systemd journal.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Each access line names the request id the app answered with (X-Request-ID),
# the one its own log lines and journal entries carry. The path is logged
# without its query string: a search may hold a name.
access_log_format = (
    '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms '
    'request_id=%({x-request-id}o)s "%(a)s"'
)
# DJANGO_LOG_FORMAT=json (the default here): access and error lines as JSON
# objects, like the app's (kern/logformat.py); tekst: the format above.
if os.environ.get("DJANGO_LOG_FORMAT", "json").strip().lower() == "json":
    logconfig_dict = {
        "root": {"level": "WARNING", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {
                "level": loglevel.upper(),
                "handlers": ["stderr"],
                "propagate": False,
            },
            "gunicorn.access": {
                "level": "INFO",
                "handlers": ["stdout"],
                "propagate": False,
            },
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "formatters": {"json": {"()": "kern.logformat.GunicornJsonFormatter"}},
    }


def on_starting(server):
    """Prometheus in multiprocess mode (PROMETHEUS_MULTIPROC_DIR, see
    docs/deploy.md): the workers' counts of a previous run are removed once,
    when the server starts (a reload keeps them, as counters should)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink()
