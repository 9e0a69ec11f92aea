"""Schemathesis hooks for the gateway: a bearer token per role, and a check that one customer never
reads another customer's order.

Loaded by schemathesis (`hooks` in tests/fuzz/schemathesis.toml); tests/fuzz/run.ts starts it with
the tokens in the environment.
"""

import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request

import schemathesis

CUSTOMER_TOKEN = os.environ["FUZZ_CUSTOMER_TOKEN"]
OTHER_CUSTOMER_TOKEN = os.environ["FUZZ_OTHER_CUSTOMER_TOKEN"]
ADMIN_TOKEN = os.environ["FUZZ_ADMIN_TOKEN"]
# One line per order probed with the other customer's token: the runner asserts the check ran.
PROBES_FILE = os.environ["FUZZ_PROBES_FILE"]


def role_of(operation):
    # The document says who may call: "Needs a bearer token with the role admin." on admin-only
    # operations, "... with the role customer or admin." on the customers' own.
    description = operation.definition.raw.get("description", "")
    return "admin" if "with the role admin." in description else "customer"


@schemathesis.auth(refresh_interval=None, cache_by_key=lambda case, ctx: role_of(ctx.operation), retry_on=[])
class BearerPerRole:
    def get(self, case, ctx):
        return ADMIN_TOKEN if role_of(ctx.operation) == "admin" else CUSTOMER_TOKEN

    def set(self, case, token, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {token}"


_probed = set()
_lock = threading.Lock()


def _order_ids(case, body):
    """The ids of the orders an answer shows its caller."""
    if not isinstance(body, dict):
        return []
    path = case.operation.path
    if path in ("/v1/orders", "/v1/orders/{id}", "/v1/orders/{id}/cancel") and isinstance(body.get("orderId"), str):
        return [body["orderId"]]
    if path == "/v1/orders" and case.method.upper() == "GET" and isinstance(body.get("items"), list):
        return [item["orderId"] for item in body["items"][:3] if isinstance(item, dict) and isinstance(item.get("orderId"), str)]
    return []


def _status_as_other_customer(url):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {OTHER_CUSTOMER_TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@schemathesis.check
def customer_reads_only_own_orders(ctx, response, case):
    """Every order the customer's token is shown, read with another customer's token, is 404."""
    if not 200 <= response.status_code < 300 or response.request.headers.get("Authorization") != f"Bearer {CUSTOMER_TOKEN}":
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    base = urllib.parse.urlsplit(response.request.url)
    for order_id in _order_ids(case, body):
        with _lock:
            if order_id in _probed:
                continue
            _probed.add(order_id)
        url = f"{base.scheme}://{base.netloc}/v1/orders/{urllib.parse.quote(order_id)}"
        status = _status_as_other_customer(url)
        with _lock, open(PROBES_FILE, "a", encoding="utf-8") as probes:
            probes.write(f"{order_id} {status}\n")
        if status != 404:
            raise AssertionError(
                f"Another customer read this customer's order {order_id}: GET {url} with the other customer's token "
                f"answered {status}, not 404"
            )
    return None
