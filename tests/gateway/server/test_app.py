"""create_app serves /graphql through the endpoint, with the profile's defaults."""

from __future__ import annotations

from gateway.server import EndpointSettings, RateLimitSettings
from gateway.testing import GatewayClient
from tests.fakes import FakeState
from tests.gateway.conftest import FAKE_RAW, fake_app, fake_config

BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def _client(profile: str, **options: object) -> GatewayClient:
    config = fake_config({**FAKE_RAW, "gateway": {"profile": profile}})
    return GatewayClient(fake_app(config, **options))


def test_graphiql_in_the_dev_profile_only(fake_state: FakeState) -> None:
    with _client("dev") as dev, _client("production") as production:
        page = dev.get("/graphql", headers=BROWSER)
        missing = production.get("/graphql", headers=BROWSER)

    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_the_app_takes_endpoint_settings(fake_state: FakeState) -> None:
    settings = EndpointSettings(rate_limit=RateLimitSettings(capacity=1, refill_per_second=0.01))

    with _client("dev", http=settings) as client:
        statuses = [client.query("{ locations { name } }").status_code for _ in range(2)]
        metrics = client.get("/metrics").text

    assert statuses == [200, 429]
    assert 'commerce_gateway_graphql_requests_total{status="429"} 1.0' in metrics
    assert 'commerce_gateway_graphql_errors_total{code="RATE_LIMITED"} 1.0' in metrics
