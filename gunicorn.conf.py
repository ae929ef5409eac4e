"""The production server: `.venv/bin/gunicorn wsgi:app`, started from the checkout, reads this.

gevent workers (forum/worker.py): one worker process holds thousands of
idle live sockets while its pages stay fast, because waiting on PostgreSQL,
Redis or a client lets the other connections run (forum/serving.py).
Settings, each from the environment:

  FORUM_BIND                 where to listen (default 127.0.0.1:8000)
  FORUM_WORKERS              worker processes (default: the number of cores)
  FORUM_WORKER_CONNECTIONS   connections one worker holds at once (default 10000)
  FORUM_GRACEFUL_TIMEOUT     seconds a stopping worker gives running requests (default 20)
  FORUM_ACCESS_LOG           access log file, "-" for stdout (the default), "" for none

With more than one worker FORUM_REDIS_URL is required: it carries live
events between the workers and holds the shared rate-limit counters.
"""

import os
import sys

bind = os.environ.get("FORUM_BIND") or "127.0.0.1:8000"
workers = int(os.environ.get("FORUM_WORKERS") or os.cpu_count() or 1)
worker_class = "forum.worker.ForumWorker"
worker_connections = int(os.environ.get("FORUM_WORKER_CONNECTIONS") or 10000)
# A gevent worker tells the arbiter it lives from its own loop, so this only catches a worker
# whose loop is stuck (a CPU-bound request that never yields).
timeout = 60
graceful_timeout = int(os.environ.get("FORUM_GRACEFUL_TIMEOUT") or 20)
keepalive = 5
accesslog = os.environ.get("FORUM_ACCESS_LOG", "-") or None
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
proc_name = "forum"
# Several servers on one host (or a test next to a real one) would share the default path.
control_socket_disable = True


def on_starting(server) -> None:
    """Refuse a setup that would look like it works and would not (see forum/serving.py)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from forum.serving import deployment_problem

    problem = deployment_problem(server.cfg.workers, os.environ.get("FORUM_REDIS_URL"))
    if problem:
        print(f"forum: {problem}", file=sys.stderr, flush=True)
        sys.exit(2)
