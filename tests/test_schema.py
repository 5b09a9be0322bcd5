"""The JSON report schema is published and versioned: a change needs a new version."""

from __future__ import annotations

import hashlib
import json

import jsonschema

from grader.reporters.jsonfile import SCHEMA_PATH, SCHEMA_VERSION
from tests.conftest import ROOT

PUBLISHED = {
    # version: sha256 of the schema as canonical JSON (sorted keys). A new version gets a new
    # line here and a new file (report-v<N>.schema.json); a published line never changes.
    1: "68e8576f0c9836ab761b9178795f4fc358ab677bc0bdf1b9dacb636d33037c26",
}


def _fingerprint(schema: dict) -> str:
    return hashlib.sha256(json.dumps(schema, sort_keys=True).encode()).hexdigest()


def test_the_schema_is_the_published_one_for_its_version():
    schema = json.loads(SCHEMA_PATH.read_text())
    assert SCHEMA_PATH.name == f"report-v{SCHEMA_VERSION}.schema.json"
    assert schema["properties"]["schema_version"] == {"const": SCHEMA_VERSION}
    assert SCHEMA_VERSION in PUBLISHED, "a new schema version: record its fingerprint"
    assert _fingerprint(schema) == PUBLISHED[SCHEMA_VERSION], (
        f"report-v{SCHEMA_VERSION}.schema.json changed after it was published: bump "
        "SCHEMA_VERSION, write report-v<N+1>.schema.json and record its fingerprint"
    )


def test_the_published_example_is_valid():
    example = json.loads((ROOT / "docs" / "report-example.json").read_text())
    jsonschema.validate(example, json.loads(SCHEMA_PATH.read_text()))
    assert example["schema_version"] == SCHEMA_VERSION
