"""The gateway's configuration: one TOML file, read once at start-up into typed objects.

.. code-block:: toml

    [gateway]
    profile = "dev"

    [connectors.shop]
    type = "shopify"
    shop = "nordlicht"
    access_token = "${SHOPIFY_ACCESS_TOKEN}"

    [routing]
    catalog = "shop"

``${NAME}`` takes a value from the environment (``${NAME:-fallback}`` when unset; ``$$``
is a literal ``$``). Every mistake — malformed TOML, an unknown key, a missing secret, a
connector that is not installed, a route to a connector that cannot serve it — raises
:class:`ConfigError` naming the key and the fix. See ``docs/configuration.md``.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from connectors.base import Connector
from connectors.capabilities import Capability
from connectors.errors import SettingsError
from connectors.models import LocationRef
from connectors.registry import load_connector
from connectors.settings import build_settings
from gateway.auth.authenticate import Authenticator
from gateway.auth.settings import SCOPES, ApiKey, AuthSettings, JwtSettings
from gateway.cache.entity import CachePolicy, default_policies
from gateway.federation.customers import MERGED_FIELDS
from gateway.federation.settings import FederationSettings
from gateway.limits import LimitSettings
from gateway.resilience.settings import ResilienceSettings
from gateway.server.csrf import CsrfSettings
from gateway.server.endpoint import EndpointSettings
from gateway.server.persisted import PersistedSettings
from gateway.server.ratelimit import RateLimitSettings
from gateway.server.responses import ResponseCacheSettings

__all__ = [
    "ConfigError",
    "ConnectorConfig",
    "GatewayConfig",
    "HttpSettings",
    "Routing",
    "ServerSettings",
    "load_config",
    "parse_config",
]

PROFILES = ("dev", "production")
T = TypeVar("T")
_ENV_REF = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_INSTANCE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class ConfigError(ValueError):
    """The configuration is wrong. The message names the key and how to fix it."""


@dataclass(frozen=True)
class ServerSettings:
    profile: str = "dev"
    host: str = "127.0.0.1"
    port: int = 8000
    #: Seconds one GraphQL request may spend waiting on back ends, retries included.
    deadline: float = 5.0


@dataclass(frozen=True)
class HttpSettings:
    """How the gateway talks to one back end (``[connectors.<name>.http]``)."""

    timeout: float = 4.0
    connect_timeout: float = 1.0
    max_connections: int = 100


@dataclass(frozen=True)
class ConnectorConfig:
    instance: str
    connector_type: str
    connector_class: type[Connector[Any]]
    settings: Any
    http: HttpSettings = field(default_factory=HttpSettings)
    resilience: ResilienceSettings = field(default_factory=ResilienceSettings)

    @property
    def capabilities(self) -> frozenset[Capability]:
        return self.connector_class.capabilities


@dataclass(frozen=True)
class Routing:
    """Which connector instances serve each capability, in precedence order."""

    catalog: str
    inventory: tuple[str, ...] = ()
    customers: tuple[str, ...] = ()
    orders: tuple[str, ...] = ()


CACHE_KINDS = ("customer", "inventory", "listing", "location", "order", "product", "variant")


@dataclass(frozen=True)
class CacheSettings:
    """``[cache]``: where records are kept and for how long (``docs/caching.md``)."""

    backend: str = "memory"
    redis_url: str | None = None
    namespace: str = "default"
    max_entries: int = 10_000
    policies: Mapping[str, CachePolicy] = field(default_factory=default_policies)


@dataclass(frozen=True)
class GatewayConfig:
    server: ServerSettings
    connectors: Mapping[str, ConnectorConfig]
    routing: Routing
    cache: CacheSettings = field(default_factory=CacheSettings)
    federation: FederationSettings = field(default_factory=FederationSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    http: EndpointSettings = field(default_factory=EndpointSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)


def load_config(path: str | Path, env: Mapping[str, str]) -> GatewayConfig:
    """Read and check the config file at ``path``; ``env`` resolves ``${NAME}``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"config file {path} does not exist; pass --config with a TOML file"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    return parse_config(raw, env)


def parse_config(
    raw: Mapping[str, Any],
    env: Mapping[str, str],
    *,
    find_connector: Callable[[str], type[Connector[Any]]] = load_connector,
) -> GatewayConfig:
    """Check a parsed TOML document and build the typed config.

    ``find_connector`` maps a ``type`` to its class (entry points by default).
    """
    sections = {
        "gateway",
        "connectors",
        "routing",
        "cache",
        "federation",
        "auth",
        "http",
        "limits",
    }
    _reject_unknown(raw, sections, "")
    resolved = _interpolate(raw, env, "")
    server = _server(resolved.get("gateway", {}))
    connectors = _connectors(resolved.get("connectors", {}), find_connector)
    routing = _routing(resolved.get("routing", {}), connectors)
    cache = _cache(resolved.get("cache", {}))
    federation = _federation(resolved.get("federation", {}), connectors, routing)
    production = server.profile == "production"
    auth = _auth(resolved.get("auth", {}), production=production)
    http = _http(resolved.get("http", {}), production=production)
    limits = _limits(resolved.get("limits", {}), server.profile)
    return GatewayConfig(server, connectors, routing, cache, federation, auth, http, limits)


def _limits(raw: Any, profile: str) -> LimitSettings:
    """``[limits]``: operation limits (docs/limits.md), production defaults first."""
    table = _table(raw, "limits")
    known = {f.name for f in dataclasses.fields(LimitSettings)}
    _reject_unknown(table, known, "limits")
    switches = ("introspection", "suggestions")
    for key, value in table.items():
        wanted = bool if key in switches else int
        if type(value) is not wanted:
            kind = "true or false" if wanted is bool else "an integer"
            raise ConfigError(f"limits.{key} must be {kind}, got {value!r}")
    try:
        return LimitSettings.for_profile(profile, **table)
    except (TypeError, ValueError) as exc:
        raise ConfigError(str(exc)) from None


def _section(settings_type: type[T], raw: Any, where: str) -> T:
    try:
        return build_settings(settings_type, _table(raw, where), where=where)
    except SettingsError as exc:
        raise ConfigError(str(exc)) from None


@dataclass(frozen=True)
class _HttpTable:
    max_body_bytes: int = 2 * 1024 * 1024
    max_json_depth: int = 32
    graphiql: bool = True


def _http(raw: Any, *, production: bool) -> EndpointSettings:
    """``[http]``: the /graphql endpoint (docs/http.md)."""
    table = dict(_table(raw, "http"))
    csrf = _section(CsrfSettings, table.pop("csrf", {}), "http.csrf")
    persisted = _section(PersistedSettings, table.pop("persisted", {}), "http.persisted")
    rate_limit = _section(RateLimitSettings, table.pop("rate_limit", {}), "http.rate_limit")
    responses = _section(
        ResponseCacheSettings, table.pop("response_cache", {}), "http.response_cache"
    )
    table.setdefault("graphiql", not production)
    top = _section(_HttpTable, table, "http")
    if top.graphiql and production:
        raise ConfigError("http.graphiql: GraphiQL is never served in the production profile")
    if persisted.safelist_only and not persisted.manifest:
        raise ConfigError(
            "http.persisted.safelist_only needs http.persisted.manifest (a manifest file)"
        )
    if persisted.manifest and not Path(persisted.manifest).is_file():
        raise ConfigError(f"http.persisted.manifest: {persisted.manifest} is not a readable file")
    for where, backend, url in (
        ("http.persisted", persisted.apq_backend, persisted.redis_url),
        ("http.rate_limit", rate_limit.backend, rate_limit.redis_url),
    ):
        if backend not in ("memory", "redis"):
            raise ConfigError(f'{where}: backend must be "memory" or "redis", got {backend!r}')
        if backend == "redis" and not url:
            raise ConfigError(f'{where}: the "redis" backend needs redis_url')
    return EndpointSettings(
        max_body_bytes=top.max_body_bytes,
        max_json_depth=top.max_json_depth,
        graphiql=top.graphiql,
        csrf=csrf,
        persisted=persisted,
        rate_limit=rate_limit,
        response_cache=responses,
    )


_JWT_ALGORITHMS = ("HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512")


def _scopes(value: Any, key: str) -> tuple[str, ...]:
    names = _names(value, key) if value != [] else ()
    for name in names:
        if name not in SCOPES:
            raise ConfigError(f"{key}: unknown scope {name!r}; use {', '.join(SCOPES)}")
    return names


def _auth(raw: Any, *, production: bool) -> AuthSettings:
    table = dict(_table(raw, "auth"))
    _reject_unknown(
        table, {"anonymous_scopes", "api_keys", "jwt", "api_key_header", "client_ip_header"}, "auth"
    )
    anonymous = (
        _scopes(table["anonymous_scopes"], "auth.anonymous_scopes")
        if "anonymous_scopes" in table
        else None
    )
    keys = []
    seen: set[str] = set()
    entries = table.get("api_keys", [])
    if not isinstance(entries, list):
        raise ConfigError("auth.api_keys must be an array of tables ([[auth.api_keys]])")
    for i, entry in enumerate(entries):
        where = f"auth.api_keys[{i}]"
        body = dict(_table(entry, where))
        scopes = _scopes(body.pop("scopes", ["storefront"]), f"{where}.scopes")
        try:
            key = build_settings(ApiKey, {**body, "scopes": list(scopes)}, where=where)
        except SettingsError as exc:
            raise ConfigError(str(exc)) from None
        if len(key.key.reveal()) < 16:
            raise ConfigError(f"{where}.key is too short: use at least 16 random characters")
        if key.name in seen:
            raise ConfigError(f"{where}.name {key.name!r} is used twice; names must be unique")
        seen.add(key.name)
        keys.append(key)
    jwt_settings = None
    if "jwt" in table:
        body = dict(_table(table["jwt"], "auth.jwt"))
        try:
            jwt_settings = build_settings(JwtSettings, body, where="auth.jwt")
        except SettingsError as exc:
            raise ConfigError(str(exc)) from None
        for algorithm in jwt_settings.algorithms:
            if algorithm not in _JWT_ALGORITHMS:
                raise ConfigError(
                    f"auth.jwt.algorithms: {algorithm!r} is not accepted; use {', '.join(_JWT_ALGORITHMS)}"
                )
        if any(a.startswith("HS") for a in jwt_settings.algorithms) and jwt_settings.secret is None:
            raise ConfigError("auth.jwt: an HS algorithm needs auth.jwt.secret (use ${ENV_VAR})")
        asymmetric = [a for a in jwt_settings.algorithms if not a.startswith("HS")]
        keyed = jwt_settings.public_keys or jwt_settings.jwks or jwt_settings.jwks_file
        if asymmetric and not keyed:
            raise ConfigError(
                f"auth.jwt: {', '.join(asymmetric)} need public_keys, jwks or jwks_file"
            )
    settings = AuthSettings(
        anonymous_scopes=anonymous,
        api_keys=tuple(keys),
        jwt=jwt_settings,
        api_key_header=str(table.get("api_key_header", "X-Api-Key")),
        client_ip_header=str(table.get("client_ip_header", "")),
    )
    try:
        Authenticator(settings, production=production)  # reads JWKS files, parses keys
    except (OSError, ValueError) as exc:
        raise ConfigError(f"auth.jwt: the verification keys cannot be read ({exc})") from None
    return settings


def _federation(
    raw: Any, connectors: Mapping[str, ConnectorConfig], routing: Routing
) -> FederationSettings:
    table = _table(raw, "federation")
    _reject_unknown(table, {"locations", "customers", "prices"}, "federation")

    locations = _table(table.get("locations", {}), "federation.locations")
    _reject_unknown(locations, {"same_place"}, "federation.locations")
    groups = []
    for i, group in enumerate(locations.get("same_place", [])):
        key = f"federation.locations.same_place[{i}]"
        if (
            not isinstance(group, list)
            or len(group) < 2
            or not all(isinstance(g, str) for g in group)
        ):
            raise ConfigError(f'{key} must list two or more "connector:location-id" strings')
        refs = []
        for item in group:
            system, _, external_id = item.partition(":")
            if system not in routing.inventory or not external_id:
                raise ConfigError(
                    f'{key}: {item!r} must be "<connector>:<its location id>" with a connector '
                    f"routed for inventory ({', '.join(routing.inventory) or 'none'})"
                )
            refs.append(LocationRef(system, external_id))
        groups.append(tuple(refs))

    customers = _table(table.get("customers", {}), "federation.customers")
    _reject_unknown(customers, {"link_on", "precedence"}, "federation.customers")
    link_on = _names(customers.get("link_on", []), "federation.customers.link_on")
    precedence_raw = _table(customers.get("precedence", {}), "federation.customers.precedence")
    precedence: dict[str, tuple[str, ...]] = {"default": routing.customers}
    fields = {"default", *MERGED_FIELDS}
    for name, value in precedence_raw.items():
        key = f"federation.customers.precedence.{name}"
        if name not in fields:
            raise ConfigError(
                f"unknown key {key}; use default or one of: {', '.join(MERGED_FIELDS)}"
            )
        systems = _names(value, key)
        for system in systems:
            if system not in routing.customers:
                raise ConfigError(
                    f"{key} names {system!r}, which is not routed for customers "
                    f"({', '.join(routing.customers) or 'none'})"
                )
        precedence[name] = systems

    prices = _table(table.get("prices", {}), "federation.prices")
    _reject_unknown(prices, {"authority"}, "federation.prices")
    authority = prices.get("authority")
    if authority is not None:
        if not isinstance(authority, str) or authority not in connectors:
            raise ConfigError(
                f"federation.prices.authority must name a configured connector, got {authority!r}"
            )
        if Capability.CATALOG not in connectors[authority].capabilities:
            raise ConfigError(
                f"federation.prices.authority names {authority!r}, whose connector type "
                f"cannot look variants up by SKU"
            )
    return FederationSettings(tuple(groups), link_on, precedence, authority)


@dataclass(frozen=True)
class _CacheTable:
    backend: str = "memory"
    redis_url: str | None = None
    namespace: str = "default"
    max_entries: int = 10_000


def _cache(raw: Any) -> CacheSettings:
    table = dict(_table(raw, "cache"))
    policies_raw = _table(table.pop("policies", {}), "cache.policies")
    try:
        top = build_settings(_CacheTable, table, where="cache")
    except SettingsError as exc:
        raise ConfigError(str(exc)) from None
    if top.backend not in ("memory", "redis"):
        raise ConfigError(f'cache.backend must be "memory" or "redis", got {top.backend!r}')
    if top.backend == "redis" and not top.redis_url:
        raise ConfigError(
            'cache.backend is "redis": set cache.redis_url (e.g. "redis://127.0.0.1:6379/0")'
        )
    policies = default_policies()
    for kind, value in policies_raw.items():
        if kind not in CACHE_KINDS:
            raise ConfigError(
                f"unknown key cache.policies.{kind}; use one of: {', '.join(CACHE_KINDS)}"
            )
        base = policies[kind]
        merged = {
            "fresh": base.fresh,
            "stale": base.stale,
            "stale_if_error": base.stale_if_error,
            "jitter": base.jitter,
            "negative": base.negative,
            **_table(value, f"cache.policies.{kind}"),
        }
        try:
            policies[kind] = build_settings(CachePolicy, merged, where=f"cache.policies.{kind}")
        except SettingsError as exc:
            raise ConfigError(str(exc)) from None
    return CacheSettings(top.backend, top.redis_url, top.namespace, top.max_entries, policies)


def _reject_unknown(table: Mapping[str, Any], known: set[str], where: str) -> None:
    for key in table:
        if key not in known:
            prefix = f"{where}." if where else ""
            choices = ", ".join(sorted(known))
            raise ConfigError(f"unknown key {prefix}{key}; remove it or use one of: {choices}")


def _table(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be a table ([{where}])")
    return value


def _interpolate(value: Any, env: Mapping[str, str], where: str) -> Any:
    if isinstance(value, str):
        return _expand(value, env, where)
    if isinstance(value, Mapping):
        return {k: _interpolate(v, env, f"{where}.{k}" if where else k) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolate(v, env, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def _expand(text: str, env: Mapping[str, str], where: str) -> str:
    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, fallback = match.group(1), match.group(2)
        if name in env:
            return env[name]
        if fallback is not None:
            return fallback
        raise ConfigError(
            f"{where} uses ${{{name}}}, which is not set; export {name} "
            f"(or write ${{{name}:-default}} to fall back)"
        )

    return _ENV_REF.sub(substitute, text)


def _server(raw: Any) -> ServerSettings:
    table = _table(raw, "gateway")
    try:
        server = build_settings(ServerSettings, table, where="gateway")
    except SettingsError as exc:
        raise ConfigError(str(exc)) from None
    if server.profile not in PROFILES:
        raise ConfigError(
            f"gateway.profile must be one of {', '.join(map(repr, PROFILES))}, got {server.profile!r}"
        )
    if server.deadline <= 0:
        raise ConfigError(
            f"gateway.deadline must be a positive number of seconds, got {server.deadline}"
        )
    if not 0 < server.port < 65536:
        raise ConfigError(f"gateway.port must be between 1 and 65535, got {server.port}")
    return server


def _connectors(
    raw: Any, find_connector: Callable[[str], type[Connector[Any]]]
) -> dict[str, ConnectorConfig]:
    table = _table(raw, "connectors")
    if not table:
        raise ConfigError(
            "no connectors configured; add a [connectors.<name>] table with a `type` "
            "(see docs/configuration.md)"
        )
    result = {}
    for instance, value in table.items():
        where = f"connectors.{instance}"
        if not _INSTANCE_NAME.match(instance):
            raise ConfigError(
                f"{where}: connector names are lowercase letters, digits and underscores, "
                f"starting with a letter"
            )
        body = dict(_table(value, where))
        type_name = body.pop("type", None)
        if not isinstance(type_name, str):
            raise ConfigError(
                f'missing key {where}.type: set it to an installed connector, e.g. "shopify"'
            )
        try:
            connector_class = find_connector(type_name)
        except SettingsError as exc:
            raise ConfigError(f"{where}.type: {exc}") from None
        http_raw = _table(body.pop("http", {}), f"{where}.http")
        resilience_raw = _table(body.pop("resilience", {}), f"{where}.resilience")
        try:
            http = build_settings(HttpSettings, http_raw, where=f"{where}.http")
            resilience = build_settings(
                ResilienceSettings, resilience_raw, where=f"{where}.resilience"
            )
            settings = build_settings(connector_class.settings_type, body, where=where)
        except SettingsError as exc:
            raise ConfigError(str(exc)) from None
        if http.timeout <= 0 or http.connect_timeout <= 0 or http.max_connections < 1:
            raise ConfigError(
                f"{where}.http: timeouts must be positive and max_connections at least 1"
            )
        result[instance] = ConnectorConfig(
            instance, type_name, connector_class, settings, http, resilience
        )
    return result


def _names(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{key} must be a connector name or a list of them")


def _route(
    routing: Mapping[str, Any],
    capability: Capability,
    connectors: Mapping[str, ConnectorConfig],
) -> tuple[str, ...]:
    key = f"routing.{capability.value}"
    able = [name for name, c in connectors.items() if capability in c.capabilities]
    if capability.value not in routing:
        return tuple(able)
    names = _names(routing[capability.value], key)
    for name in names:
        if name not in connectors:
            known = ", ".join(connectors) or "none"
            raise ConfigError(
                f"{key} names {name!r}, which is not configured (configured: {known})"
            )
        if capability not in connectors[name].capabilities:
            can = ", ".join(able) or "none"
            raise ConfigError(
                f"{key} names {name!r}, whose connector type cannot serve {capability.value} "
                f"(connectors that can: {can})"
            )
    if len(set(names)) != len(names):
        raise ConfigError(f"{key} lists a connector twice")
    return names


def _routing(raw: Any, connectors: Mapping[str, ConnectorConfig]) -> Routing:
    table = _table(raw, "routing")
    _reject_unknown(table, {c.value for c in Capability}, "routing")
    catalog = _route(table, Capability.CATALOG, connectors)
    if len(catalog) != 1:
        if not catalog:
            raise ConfigError(
                'no configured connector can serve the catalog; add one (e.g. type = "shopify")'
            )
        raise ConfigError(
            f"routing.catalog: {', '.join(catalog)} can all serve the catalog; "
            f"set routing.catalog to the one that owns it"
        )
    return Routing(
        catalog=catalog[0],
        inventory=_route(table, Capability.INVENTORY, connectors),
        customers=_route(table, Capability.CUSTOMERS, connectors),
        orders=_route(table, Capability.ORDERS, connectors),
    )
