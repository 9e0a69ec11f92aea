"""Converts CustomResourceDefinitions into strict JSON schemas for kubeconform.

usage: crd_schemas.py CRD_DIR OUT_DIR

Every served version of every CRD found (recursively, *.yaml) under CRD_DIR becomes
OUT_DIR/<group>/<kind>_<version>.json, the layout kubeconform's
"{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" template reads.
Strict means what the API server's structural pruning plus strict field validation means: an object
with declared properties rejects any other key unless the CRD preserves unknown fields there.
"""
import json
import os
import sys

import yaml

OPENAPI_ONLY = ("x-kubernetes-", "nullable")


def strict(node):
    if isinstance(node, list):
        return [strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: strict(v) for k, v in node.items() if not k.startswith(OPENAPI_ONLY)}
    if node.get("x-kubernetes-int-or-string"):
        for key in ("type", "format"):
            out.pop(key, None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.get("x-kubernetes-embedded-resource"):
        props = out.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault("metadata", {"type": "object"})
    if node.get("nullable") and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    preserve = node.get("x-kubernetes-preserve-unknown-fields")
    if "properties" in out and "additionalProperties" not in out and not preserve:
        out["additionalProperties"] = False
    return out


def crds(root):
    for base, _dirs, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml")):
                continue
            with open(os.path.join(base, name), encoding="utf-8") as f:
                for doc in yaml.safe_load_all(f):
                    if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                        yield doc


def main(crd_dir, out_dir):
    written = 0
    for crd in crds(crd_dir):
        spec = crd["spec"]
        group, kind = spec["group"], spec["names"]["kind"].lower()
        for version in spec["versions"]:
            if not version.get("served", True):
                continue
            schema = strict(version["schema"]["openAPIV3Schema"])
            props = schema.setdefault("properties", {})
            props.setdefault("apiVersion", {"type": "string"})
            props.setdefault("kind", {"type": "string"})
            props.setdefault("metadata", {"type": "object"})
            schema["additionalProperties"] = False
            os.makedirs(os.path.join(out_dir, group), exist_ok=True)
            path = os.path.join(out_dir, group, f"{kind}_{version['name']}.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(schema, f, indent=1, sort_keys=True)
            written += 1
    if written == 0:
        sys.exit(f"no CustomResourceDefinition found under {crd_dir}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
