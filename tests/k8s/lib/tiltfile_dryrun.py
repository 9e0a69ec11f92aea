"""Executes the Tiltfile with recording stubs for Tilt's builtins and prints the calls as JSON.

Tiltfiles are Starlark, a Python subset, so this catches syntax errors and lets tests check what the
Tiltfile would build and deploy without Tilt, Docker or a cluster.
"""
import json
import sys

calls = []


def recorder(name, result=None):
    def call(*args, **kwargs):
        calls.append({"fn": name, "args": list(args), "kwargs": kwargs})
        return result(*args, **kwargs) if result else None
    return call


builtins = {
    name: recorder(name)
    for name in ["allow_k8s_contexts", "local_resource", "docker_build", "k8s_yaml", "k8s_resource"]
}
builtins["helm"] = recorder("helm", lambda *a, **k: {"helm": {"args": list(a), "kwargs": k}})
builtins["sync"] = lambda src, dest: {"sync": [src, dest]}
builtins["fall_back_on"] = lambda files: {"fall_back_on": files}
builtins["run"] = lambda cmd, trigger=None: {"run": cmd}
builtins["link"] = lambda url, name=None: {"link": url, "name": name}

with open(sys.argv[1]) as f:
    exec(compile(f.read(), "Tiltfile", "exec"), builtins)
print(json.dumps(calls))
