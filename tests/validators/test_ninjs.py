"""`/fil-info/ninjs.json` against the IPTC ninjs schema each item declares (`standard.schema`), read from
../shared/reference/ninjs/schemas/ (IPTC's official schemas, see its README), formats checked too."""

import json

import jsonschema
import pytest

from .conftest import REFERENCE

SCHEMAS = REFERENCE / "ninjs" / "schemas"
IPTC = "http://www.iptc.org/std/ninjs/"


def validator_for(declared):
    """The jsonschema validator of the schema an item declares, e.g. http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json#."""
    assert declared.startswith(IPTC) and declared.removesuffix("#").endswith(".json"), f"not an IPTC ninjs schema: {declared}"
    path = SCHEMAS / declared.removeprefix(IPTC).removesuffix("#")
    if not path.exists():
        pytest.fail(f"{declared}: no such schema in {SCHEMAS}")
    schema = json.loads(path.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_ninjs_feed_is_valid_against_the_schema_it_declares(site):
    response = site.get("/fil-info/ninjs.json")
    assert response.status == 200
    assert response.content_type.split(";")[0] == "application/json", response.content_type
    items = json.loads(response.body)
    assert isinstance(items, list) and items, "ninjs.json holds no item"
    problems = []
    for item in items:
        declared = item.get("standard", {}).get("schema") or item.get("$schema")
        if not declared:
            problems.append(f"{item.get('uri')}: declares no schema (standard.schema)")
            continue
        for error in validator_for(declared).iter_errors(item):
            where = "/".join(map(str, error.absolute_path)) or "(item)"
            problems.append(f"{item.get('uri')} {where}: {error.message} ({declared})")
    assert not problems, f"{len(problems)} problem(s) in ninjs.json:\n" + "\n".join(problems[:50])
