"""Validate OCDS output against the official 1.1.5 schemas vendored in tests/ocds_schema/.

No network: the package schema's ``$ref`` to the release schema's canonical URL is served
from a referencing Registry holding the local copy.
"""

import functools
import json
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "ocds_schema"


@functools.cache
def package_validator():
    if not (SCHEMA_DIR / "release-package-schema.json").exists():
        raise FileNotFoundError(
            f"The OCDS schemas are missing from {SCHEMA_DIR}; copy release-package-schema.json "
            "and release-schema.json of OCDS 1.1.5 there (see its README.md)."
        )
    package = json.loads((SCHEMA_DIR / "release-package-schema.json").read_text())
    release = json.loads((SCHEMA_DIR / "release-schema.json").read_text())
    registry = Registry().with_resource(release["id"], DRAFT4.create_resource(release))
    return Draft4Validator(
        package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER
    )


def schema_errors(body):
    """Every way ``body`` breaks the release package schema, as readable lines."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in package_validator().iter_errors(body)
    ]
