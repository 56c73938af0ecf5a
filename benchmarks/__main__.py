"""Run each benchmark module (``benchmarks/bench_*.py``) and print its figures."""

import importlib
import os
import pkgutil
import sys

import django


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resilience_portal.settings")
    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    names = sys.argv[1:] or sorted(
        module.name
        for module in pkgutil.iter_modules([os.path.dirname(__file__)])
        if module.name.startswith("bench_")
    )
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"== {name}: {module.__doc__.strip().splitlines()[0]}")
        module.run()


if __name__ == "__main__":
    main()
