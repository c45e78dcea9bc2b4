"""The HTTP face of the gateway: GraphQL over HTTP at ``/graphql``.

::

    endpoint = GraphQLEndpoint(
        build_graph(),
        context_factory=lambda request, principal: GraphContext(data=...),
        settings=EndpointSettings(graphiql=True),
    )
    app = Starlette(routes=[Route("/graphql", endpoint)])

Media types and status codes per the GraphQL-over-HTTP spec, CSRF prevention, persisted
operations (manifest, Relay ids, APQ, safelist mode), rate limits per client and a strict
reading of every request. See ``docs/http.md``.
"""

from __future__ import annotations

from gateway.server.csrf import CsrfSettings, check_csrf, is_preflighted
from gateway.server.endpoint import (
    Authenticate,
    ContextFactory,
    EndpointSettings,
    GraphQLEndpoint,
    ResponseNotes,
    anonymous,
)
from gateway.server.errors import RequestError
from gateway.server.media import negotiate
from gateway.server.params import GraphQLParams
from gateway.server.persisted import (
    BackendQueryStore,
    Manifest,
    ManifestError,
    MemoryQueryStore,
    PersistedOperations,
    PersistedSettings,
    QueryStore,
    build_persisted,
)
from gateway.server.ratelimit import (
    Cost,
    Decision,
    MemoryRateLimiter,
    RateLimiter,
    RateLimitSettings,
    RedisRateLimiter,
    build_rate_limiter,
    sensitive_cost,
    sensitive_occurrences,
)

__all__ = [
    "Authenticate",
    "BackendQueryStore",
    "ContextFactory",
    "Cost",
    "CsrfSettings",
    "Decision",
    "EndpointSettings",
    "GraphQLEndpoint",
    "GraphQLParams",
    "Manifest",
    "ManifestError",
    "MemoryQueryStore",
    "MemoryRateLimiter",
    "PersistedOperations",
    "PersistedSettings",
    "QueryStore",
    "RateLimitSettings",
    "RateLimiter",
    "RedisRateLimiter",
    "RequestError",
    "ResponseNotes",
    "anonymous",
    "build_persisted",
    "build_rate_limiter",
    "check_csrf",
    "is_preflighted",
    "negotiate",
    "sensitive_cost",
    "sensitive_occurrences",
]
