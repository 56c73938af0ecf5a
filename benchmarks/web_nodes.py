"""Throughput of /challenges/ with one web node and with two, side by side in one run.

    DATABASE_URL=… REDIS_URL=… python -m benchmarks.web_nodes [seconds] [first port]

Needs `wrk` (Debian) and a database with the demo programme (`manage.py seed_demo`). Each node
is gunicorn with 2 workers; the two-node figure is the sum of one wrk per node, run together.
Only 127.0.0.1 is loaded, for a bounded time."""

import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATH = "/challenges/"


def start_node(port, env):
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "resilience_portal.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def warm(port):
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            for _ in range(4):
                urllib.request.urlopen(f"http://127.0.0.1:{port}{PATH}", timeout=30).read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the node on {port} did not answer")


def load(ports, seconds, connections):
    runs = [
        subprocess.Popen(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", f"http://127.0.0.1:{port}{PATH}"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for port in ports
    ]
    total, errors = 0.0, 0
    for run in runs:
        output = run.communicate()[0]
        total += float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        found = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        errors += int(found.group(1)) if found else 0
    return total, errors


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 19010
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "CACHE_KEY_PREFIX": f"bench-{uuid.uuid4().hex}",
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore",
    }
    nodes = [start_node(first + number, env) for number in range(2)]
    try:
        for number in range(2):
            warm(first + number)
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        one, one_errors = load([first], seconds, 8)
        print(f"load average after one node: {os.getloadavg()[0]:.2f}")
        two, two_errors = load([first, first + 1], seconds, 4)
        print(f"load average after two nodes: {os.getloadavg()[0]:.2f}")
        print(f"GET {PATH} for {seconds} s, 8 connections in all, gunicorn 2 workers a node")
        print(f"  one node:  {one:7.1f} req/s  ({one_errors} errors)")
        print(f"  two nodes: {two:7.1f} req/s  ({two_errors} errors)")
    finally:
        for node in nodes:
            node.terminate()
        for node in nodes:
            node.wait(timeout=30)


if __name__ == "__main__":
    main()
