"""Measure server time of pages through Django's test client, and print median and p95."""

import statistics
import time

from django.test import Client


def measure(path, *, repeat=50, client=None):
    client = client or Client()
    client.get(path)  # warm caches, templates and the connection
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": samples[max(0, int(len(samples) * 0.95) - 1)],
        "requests": repeat,
    }


def report(label, figures):
    print(
        f"   {label:<40} median {figures['median_ms']:7.1f} ms   "
        f"p95 {figures['p95_ms']:7.1f} ms   ({figures['requests']} requests)"
    )
