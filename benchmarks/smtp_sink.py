"""A local SMTP server that counts what it receives, and a Celery worker in its own process:
the newsletter's worker-kill test and its throughput benchmark both use them."""

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _CountingHandler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        self.sink.received(envelope)
        return "250 Message accepted"


class SMTPSink:
    """Counts messages per recipient; ``on_message(n)`` runs as the n-th message arrives,
    before the server answers it (the moment a sender is most in doubt)."""

    def __init__(self, *, keep_headers=True):
        self.port = free_port()
        self.per_recipient = Counter()
        self.count = 0
        self.headers = []
        self.keep_headers = keep_headers
        self.on_message = None
        self._lock = threading.Lock()
        # aiosmtpd logs every SMTP command at INFO: at 100,000 messages that is the bench.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.controller = Controller(_CountingHandler(self), hostname="127.0.0.1", port=self.port)

    def received(self, envelope):
        with self._lock:
            self.count += 1
            number = self.count
            for recipient in envelope.rcpt_tos:
                self.per_recipient[recipient.lower()] += 1
            if self.keep_headers:
                parsed = message_from_bytes(envelope.original_content)
                self.headers.append(dict(parsed.items()))
        if self.on_message is not None:
            self.on_message(number)

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def wait_for(self, count, *, seconds=60):
        deadline = time.monotonic() + seconds
        while self.count < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.count


def start_worker(*, queue, env):
    """A Celery worker (one process, solo pool) on ``queue``, configured by ``env``."""
    command = [
        sys.executable, "-m", "celery", "-A", "resilience_portal", "worker",
        "--pool", "solo", "--queues", queue, "--loglevel", "WARNING",
        "--without-heartbeat", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    environment = {
        **os.environ,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        **env,
    }
    return subprocess.Popen(command, cwd=ROOT, env=environment)


def kill(process):
    """SIGKILL: the worker gets no chance to finish, acknowledge or clean up."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill(process)


def peak_memory_kib(pid):
    """The process's peak resident memory so far (VmHWM), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def memory_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None
