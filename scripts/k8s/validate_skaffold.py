"""Validates skaffold.yaml against the published skaffold/v4beta13 JSON schema (no skaffold binary needed)."""
import json
import sys

import jsonschema
import yaml

schema_path, config_path = sys.argv[1], sys.argv[2]
with open(schema_path) as f:
    schema = json.load(f)
with open(config_path) as f:
    docs = [d for d in yaml.safe_load_all(f) if d is not None]

validator = jsonschema.Draft7Validator(schema)
failed = False
for i, doc in enumerate(docs):
    if doc.get("apiVersion") != "skaffold/v4beta13":
        print(f"{config_path}[{i}]: apiVersion must be skaffold/v4beta13, got {doc.get('apiVersion')!r}")
        failed = True
    # anyOf over builder types hides the real cause; best_match points at the deepest error.
    errors = list(validator.iter_errors(doc))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        path = "/".join(str(p) for p in best.absolute_path)
        print(f"{config_path}[{i}] at /{path}: {best.message[:300]}")
        failed = True
sys.exit(1 if failed else 0)
