"""The benchmark's peer: GraphQL Mesh (compose) + Hive Gateway over the same sandboxes.

The peer answers the benchmark's questions the way a Mesh user would build it: the Shopify
Admin API as a GraphQL source, SAP Commerce (OCC v2 and the ``InboundStockLevel``
Integration API object) through ``@graphql-mesh/openapi`` from ``openapi/sap_commerce.json``,
and SAP's stock joined onto Shopify's variants by SKU with ``additionalTypeDefs`` and
``@resolveTo`` (``mesh.config.ts``). ``mesh-compose`` writes a supergraph at start, and one
``hive-gateway`` process serves it (``--fork 1``: no cluster workers, so the returned
process is the one serving, and its ``/proc`` entry is the one to measure)::

    install()                                   # npm ci, once
    process = start({"shopify": "http://127.0.0.1:9300", ...}, port=8300)
    body, headers = request("plp")              # POST to http://127.0.0.1:8300/graphql
    assert normalise("plp", answer) == canonical_form_of_our_answer

See README.md beside this file for versions, the joins and the simplifications.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import httpx

__all__ = [
    "ACCOUNT_EMAIL",
    "PDP_HANDLE",
    "PLP_FIRST",
    "SCENARIOS",
    "PeerUnavailable",
    "gateway_command",
    "install",
    "normalise",
    "request",
    "start",
]

#: The scenarios the peer answers with the same result as our gateway. ``account`` is left
#: out: our gateway merges one person's records from four systems with per-field
#: precedence and merges their orders newest first; Mesh has no cross-source entity merge
#: with precedence (type merging needs one shared key and picks no winner per field), so
#: the peer can only put each system's record side by side (see ``ACCOUNT_QUERY``). An
#: answer the client must still merge is not the same answer.
SCENARIOS: frozenset[str] = frozenset({"plp", "pdp"})

#: The product ``pdp`` asks for (as benchmarks/scenarios.py): four variants, Navy S to XL,
#: stocked in Shopify's stores (one without local pickup) and SAP's three warehouses.
PDP_HANDLE = "alpine-tee"
#: Products on the ``plp`` page.
PLP_FIRST = 20

#: The directory holding package.json, mesh.config.ts and gateway.config.ts.
PEER_DIR = Path(__file__).resolve().parent
#: SAP Commerce's OCC base site in the sandbox (``SapCommerceSandbox.base_site``).
SAP_BASE_SITE = "nordlicht"

_STAMP = "node_modules/.commerce-gateway-peer-lock.sha256"
_COMPOSE_JS = "node_modules/@graphql-mesh/compose-cli/esm/bin.js"
_GATEWAY_JS = "node_modules/@graphql-hive/gateway/dist/bin.js"
_SHOPIFY_SDL = "admin-2025-01.graphql.gz"
_START_TIMEOUT = 90.0
_SYSTEMS = ("shopify", "sap_commerce", "odoo", "salesforce")


class PeerUnavailable(RuntimeError):
    """The peer cannot run here (no node or npm, a failed install, compose or start)."""


# -- install ---------------------------------------------------------------------------


def _lock_digest() -> str:
    return hashlib.sha256((PEER_DIR / "package-lock.json").read_bytes()).hexdigest()


def _installed() -> bool:
    stamp = PEER_DIR / _STAMP
    return (
        stamp.is_file()
        and stamp.read_text().strip() == _lock_digest()
        and (PEER_DIR / _COMPOSE_JS).is_file()
        and (PEER_DIR / _GATEWAY_JS).is_file()
    )


def _tail(text: str | bytes | None, lines: int = 25) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return "\n".join((text or "").strip().splitlines()[-lines:])


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise PeerUnavailable("node is not installed (the peer needs Node.js 20 or later)")
    return node


def install() -> None:
    """``npm ci`` in ``benchmarks/peer``, unless node_modules already matches the lockfile."""
    _node()
    npm = shutil.which("npm")
    if npm is None:
        raise PeerUnavailable("npm is not installed (the peer installs its packages with npm ci)")
    if _installed():
        return
    try:
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=PEER_DIR,
            capture_output=True,
            timeout=900,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PeerUnavailable("npm ci did not finish within 15 minutes") from None
    if done.returncode != 0:
        raise PeerUnavailable(f"npm ci failed (exit {done.returncode}):\n{_tail(done.stderr)}")
    (PEER_DIR / _STAMP).write_text(_lock_digest() + "\n")


# -- start -----------------------------------------------------------------------------


def _credentials(sandbox_urls: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Each sandbox's connector settings (credentials included) at its URL."""
    from gateway.sandboxes import create_sandboxes

    wanted = [name for name in _SYSTEMS if name in sandbox_urls]
    sandboxes = create_sandboxes(wanted)
    return {name: sandboxes[name].connector_settings(sandbox_urls[name]) for name in wanted}


def _client_credentials_token(system: str, url: str, client_id: Any, secret: Any) -> str:
    """One OAuth 2 client-credentials token; the peer sends it as a static header."""
    form = {"grant_type": "client_credentials", "client_id": str(client_id)}
    form["client_secret"] = str(secret)
    try:
        response = httpx.post(url, data=form, timeout=10.0)
        response.raise_for_status()
        return str(response.json()["access_token"])
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        raise PeerUnavailable(f"{system} refused the peer a token: {exc}") from exc


def _environment(sandbox_urls: Mapping[str, str], workdir: Path) -> dict[str, str]:
    """What mesh.config.ts reads: each back end's URL and credentials."""
    missing = sorted({"shopify", "sap_commerce"} - set(sandbox_urls))
    if missing:
        raise PeerUnavailable(f"the peer needs these sandboxes too: {', '.join(missing)}")
    settings = _credentials(sandbox_urls)
    sdl = workdir / "shopify-admin-2025-01.graphql"
    packaged = resources.files("connectors.shopify.sandbox").joinpath(_SHOPIFY_SDL)
    sdl.write_bytes(gzip.decompress(packaged.read_bytes()))
    shopify, sap = settings["shopify"], settings["sap_commerce"]
    sap_url = str(sap["base_url"]).rstrip("/")
    # node runs with the caller's environment (PATH, HOME) plus the peer's settings.
    env = {
        **os.environ,  # noqa: TID251
        "NODE_ENV": "production",
        "PEER_SHOPIFY_URL": str(shopify["base_url"]).rstrip("/"),
        "PEER_SHOPIFY_TOKEN": str(shopify["access_token"]),
        "PEER_SHOPIFY_SDL": str(sdl),
        "PEER_SAP_URL": sap_url,
        "PEER_SAP_TOKEN": _client_credentials_token(
            "SAP Commerce",
            f"{sap_url}/authorizationserver/oauth/token",
            sap["client_id"],
            sap["client_secret"],
        ),
    }
    for name in ("PEER_SALESFORCE_URL", "PEER_ODOO_URL"):
        env.pop(name, None)  # only the sandboxes given here
    if "salesforce" in settings:
        crm = settings["salesforce"]
        crm_url = str(crm["instance_url"]).rstrip("/")
        env["PEER_SALESFORCE_URL"] = crm_url
        env["PEER_SALESFORCE_TOKEN"] = _client_credentials_token(
            "Salesforce",
            f"{crm_url}/services/oauth2/token",
            crm["client_id"],
            crm["client_secret"],
        )
    if "odoo" in settings:
        erp = settings["odoo"]
        env["PEER_ODOO_URL"] = str(erp["base_url"]).rstrip("/")
        env["PEER_ODOO_KEY"] = str(erp["api_key"])
        env["PEER_ODOO_DATABASE"] = str(erp["database"])
    return env


def _compose(env: Mapping[str, str], supergraph: Path) -> None:
    try:
        done = subprocess.run(
            [_node(), _COMPOSE_JS, "--output", str(supergraph)],
            cwd=PEER_DIR,
            env=dict(env),
            capture_output=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PeerUnavailable("mesh-compose did not finish within 5 minutes") from None
    if done.returncode != 0 or not supergraph.is_file():
        output = _tail(done.stderr) or _tail(done.stdout)
        raise PeerUnavailable(f"mesh-compose failed (exit {done.returncode}):\n{output}")


def _ready(port: int) -> bool:
    try:
        response = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": "{ __typename }"},
            timeout=2.0,
        )
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and "data" in response.json()


def gateway_command(supergraph: Path, port: int, node: str = "node") -> list[str]:
    """``hive-gateway supergraph`` as node runs it: node itself, the package's JS entry,
    one process (``--fork 1``: the primary serves; above 1 it forks cluster workers)."""
    return [
        node,
        _GATEWAY_JS,
        "supergraph",
        str(supergraph),
        "--config-path",
        "gateway.config.ts",
        "--fork",
        "1",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]


def start(sandbox_urls: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """Compose the supergraph over the sandboxes at ``sandbox_urls`` and serve it with one
    ``hive-gateway`` process on ``127.0.0.1:port``; return once ``/graphql`` answers.

    The returned process is node itself (no npx, no shell, no cluster workers). Its stderr
    goes to ``gateway.log`` in a temporary directory, which the error names on failure.
    """
    install()
    workdir = Path(tempfile.mkdtemp(prefix="commerce-gateway-peer-"))
    env = _environment(sandbox_urls, workdir)
    supergraph = workdir / "supergraph.graphql"
    _compose(env, supergraph)
    Path(env["PEER_SHOPIFY_SDL"]).unlink()  # composed into the supergraph; 2.5 MB
    log_path = workdir / "gateway.log"
    command = gateway_command(supergraph, port, _node())
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=PEER_DIR, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PeerUnavailable(
                f"hive-gateway exited with {process.returncode}:\n"
                f"{_tail(log_path.read_bytes())}\n(log: {log_path})"
            )
        if _ready(port):
            return process
        time.sleep(0.2)
    process.kill()
    process.wait()
    raise PeerUnavailable(
        f"hive-gateway did not answer on port {port} within {_START_TIMEOUT:.0f} s:\n"
        f"{_tail(log_path.read_bytes())}\n(log: {log_path})"
    )


# -- the questions ---------------------------------------------------------------------

#: SAP's stock rows as the peer serves them on a Shopify variant (one OData call per SKU).
_SAP_STOCK = """
            sapStock {
              available
              reserved
              inStockStatus
              warehouse { code pointsOfService { results { name } } }
            }"""

#: The SAP stores' display names, for the names of SAP's stock locations.
_SAP_STORES = f"""
  occStores(baseSiteId: "{SAP_BASE_SITE}", pageSize: 100, fields: "stores(name,displayName)") {{
    stores {{ name displayName }}
  }}"""

#: A page of products. Shopify refuses a document whose requested cost exceeds 1,000
#: points, and 20 products with every variant's stock at every store cost ~6,900, so the
#: page comes without stock and ``shopifyStock`` re-reads each product with its variants'
#: stock (one Shopify call per product, 343 points each).
PLP_QUERY = f"""query Plp {{
  shop {{ currencyCode }}
  products(first: {PLP_FIRST}) {{
    nodes {{
      id
      handle
      title
      shopifyStock {{
        variants(first: 10) {{
          nodes {{
            sku
            title
            price
            inventoryItem {{
              inventoryLevels(first: 10) {{
                nodes {{
                  location {{ name }}
                  quantities(names: ["available"]) {{ quantity }}
                }}
              }}
            }}{_SAP_STOCK}
          }}
        }}
      }}
    }}
  }}{_SAP_STORES}
}}
"""

#: One product by handle, found by search (``handle:...``) as our Shopify connector finds
#: it (the sandbox serves no ``productByHandle``). 446 points: it fits in one call.
PDP_QUERY = f"""query Pdp {{
  shop {{ currencyCode }}
  products(first: 1, query: "handle:{PDP_HANDLE}") {{
    nodes {{
      title
      description
      variants(first: 10) {{
        nodes {{
          sku
          price
          inventoryItem {{
            inventoryLevels(first: 10) {{
              nodes {{
                location {{ name localPickupSettingsV2 {{ pickupTime }} }}
                quantities(names: ["available"]) {{ quantity }}
              }}
            }}
          }}{_SAP_STOCK}
        }}
      }}
    }}
  }}{_SAP_STORES}
}}
"""

#: The customer ``account`` asks for (as benchmarks/scenarios.py): in all four systems.
ACCOUNT_EMAIL = "yusuf.vogel@example.com"

#: What Mesh can do for the account page: each system's record of the person and their
#: orders, side by side, one call per system. Not the same answer as our gateway's, which
#: is one merged person (names by precedence, loyalty from the CRM) with one list of the
#: ten newest orders across channels: here the client would still have to pick the name,
#: merge three order lists by date, cut at ten and tell channels apart (Shopify's POS by
#: ``retailLocation``, Odoo's by sales team). Needs the Salesforce and Odoo sandboxes.
ACCOUNT_QUERY = f"""query Account {{
  crm: salesforceQuery(
    q: "SELECT FirstName, LastName, Email, Loyalty_Points__c, Loyalty_Tier__c FROM Contact WHERE Email = '{ACCOUNT_EMAIL}'"
  ) {{
    records {{ FirstName LastName Email Loyalty_Points__c Loyalty_Tier__c }}
  }}
  shop: customers(first: 5, query: "email:{ACCOUNT_EMAIL}") {{
    nodes {{
      firstName
      lastName
      email
      orders(first: 10, sortKey: CREATED_AT, reverse: true) {{
        nodes {{
          name
          createdAt
          retailLocation {{ id }}
          totalPriceSet {{ shopMoney {{ amount currencyCode }} }}
        }}
      }}
    }}
  }}
  b2b: occOrderHistory(
    baseSiteId: "{SAP_BASE_SITE}"
    userId: "{ACCOUNT_EMAIL}"
    pageSize: 10
    sort: "byDate"
    fields: "orders(code,placed,total(DEFAULT))"
  ) {{
    orders {{ code placed total {{ value currencyIso }} }}
  }}
  erp: odooSaleOrders(
    input: {{
      domain: [["partner_id.email", "=ilike", "{ACCOUNT_EMAIL}"]]
      fields: ["name", "date_order", "amount_total", "team_id"]
      limit: 10
      order: "date_order desc"
    }}
  ) {{
    name
    date_order
    amount_total
    team_id
  }}
}}
"""

_QUERIES = {
    "plp": ("Plp", PLP_QUERY),
    "pdp": ("Pdp", PDP_QUERY),
    "account": ("Account", ACCOUNT_QUERY),
}


def request(scenario: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The JSON body and headers to POST to the peer's ``/graphql`` for ``scenario``
    (``account`` too: the side-by-side answer of :data:`ACCOUNT_QUERY`)."""
    if scenario not in _QUERIES:
        raise ValueError(f"the peer has no question {scenario!r}; it has {sorted(_QUERIES)}")
    name, query = _QUERIES[scenario]
    body = {"query": query, "operationName": name}
    return body, {"Content-Type": "application/json", "Accept": "application/json"}


# -- canonical forms -------------------------------------------------------------------


def _amount(value: Any) -> str:
    return str(Decimal(str(value)).normalize())


def _sap_levels(
    rows: Iterable[Mapping[str, Any]], display_names: Mapping[str, str]
) -> dict[str, int]:
    """Sellable stock per SAP point of service, named as SAP's store finder names it.

    Mesh serves SAP's raw ``StockLevel`` rows; what is sellable is what our gateway and SAP's
    own storefront compute from them: on hand (SAP's ``available``) less ``reserved``, never
    below 0, or 0 when the level is forced out of stock, summed over the warehouses behind
    a point of service.
    """
    levels: dict[str, int] = {}
    for row in rows:
        if row.get("inStockStatus") == "forceOutOfStock":
            sellable = 0
        else:
            sellable = max(0, int(row.get("available") or 0) - int(row.get("reserved") or 0))
        warehouse = row.get("warehouse") or {}
        for store in (warehouse.get("pointsOfService") or {}).get("results") or ():
            name = display_names.get(store["name"], store["name"])
            levels[name] = levels.get(name, 0) + sellable
    return levels


def _display_names(data: Mapping[str, Any]) -> dict[str, str]:
    stores = (data.get("occStores") or {}).get("stores") or ()
    return {store["name"]: store.get("displayName") or store["name"] for store in stores}


def _variant(
    variant: Mapping[str, Any], currency: str, names: Mapping[str, str], *, pickup: bool
) -> tuple[Any, ...]:
    levels: list[tuple[Any, ...]] = []
    inventory = (variant.get("inventoryItem") or {}).get("inventoryLevels") or {}
    for level in inventory.get("nodes") or ():
        location = level["location"]
        available = int(level["quantities"][0]["quantity"])
        if pickup:
            has_pickup = location.get("localPickupSettingsV2") is not None
            levels.append((location["name"], available, has_pickup))
        else:
            levels.append((location["name"], available))
    for name, available in _sap_levels(variant.get("sapStock") or (), names).items():
        # SAP's points of service here are warehouses and a distribution centre: nobody
        # collects an order there (our gateway knows it from location_kinds).
        levels.append((name, available, False) if pickup else (name, available))
    return (variant["sku"], _amount(variant["price"]), currency, tuple(sorted(levels)))


def normalise(scenario: str, response_json: dict[str, Any]) -> object:
    """The peer's answer to ``scenario`` in the benchmark's canonical form (the same form
    our gateway's answer is brought to); raises ``ValueError`` on an answer with errors."""
    if scenario == "account":
        raise ValueError(
            "the peer's account answer is each system's records side by side, not one "
            "merged customer: it has no canonical form equal to our gateway's (ACCOUNT_QUERY)"
        )
    if response_json.get("errors") or not response_json.get("data"):
        raise ValueError(f"the peer answered {scenario} with errors: {response_json.get('errors')}")
    data = response_json["data"]
    currency = data["shop"]["currencyCode"]
    names = _display_names(data)
    if scenario == "plp":
        return [
            (
                product["handle"],
                product["title"],
                tuple(
                    _variant(variant, currency, names, pickup=False)
                    for variant in product["shopifyStock"]["variants"]["nodes"]
                ),
            )
            for product in data["products"]["nodes"]
        ]
    if scenario == "pdp":
        nodes = data["products"]["nodes"]
        if not nodes:
            return None
        product = nodes[0]
        return (
            product["title"],
            tuple(
                _variant(variant, currency, names, pickup=True)
                for variant in product["variants"]["nodes"]
            ),
        )
    raise ValueError(f"the peer serves {sorted(SCENARIOS)}, not {scenario!r}")
