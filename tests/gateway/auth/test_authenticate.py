"""API keys and JWT customer sessions become principals; bad credentials never pass."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from connectors import Secret
from gateway.auth import AuthError
from gateway.auth.authenticate import Authenticator
from gateway.auth.settings import ApiKey, AuthSettings, JwtSettings
from gateway.config import ConfigError, parse_config
from tests import fakes
from tests.gateway.conftest import FAKE_RAW

HS_SECRET = "a-shared-secret-of-plenty-length-0123456789"
RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC = ec.generate_private_key(ec.SECP256R1())


def pem(key: Any) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def claims(**extra: Any) -> dict[str, Any]:
    return {
        "sub": "cust-25",
        "email": "Yusuf.Vogel@Example.com",
        "exp": int(time.time()) + 300,
        **extra,
    }


KEYS = (
    ApiKey("web", Secret("pk_storefront_0123456789abcdef"), ("storefront",)),
    ApiKey("backoffice", Secret("sk_admin_0123456789abcdef0123"), ("admin",)),
)


def authenticator(**jwt_settings: Any) -> Authenticator:
    settings = AuthSettings(
        api_keys=KEYS, jwt=JwtSettings(**jwt_settings) if jwt_settings else None
    )
    return Authenticator(settings)


def test_no_credentials_is_the_anonymous_storefront_in_dev_and_nothing_in_production() -> None:
    dev = authenticator()({}, "203.0.113.9")
    assert (dev.kind, dev.scopes, dev.key) == (
        "anonymous",
        frozenset({"storefront"}),
        "ip:203.0.113.9",
    )
    production = Authenticator(AuthSettings(), production=True)({}, "203.0.113.9")
    assert production.scopes == frozenset()


def test_api_keys_give_their_scopes_and_are_known_by_name() -> None:
    auth = authenticator()
    web = auth({"x-api-key": "pk_storefront_0123456789abcdef"}, "ip")
    admin = auth({"x-api-key": "sk_admin_0123456789abcdef0123"}, "ip")
    assert (web.name, web.scopes, web.key) == ("web", frozenset({"storefront"}), "key:web")
    assert admin.can("customer")
    assert admin.can("storefront")
    assert "0123456789" not in repr(web) + repr(admin)


def test_a_wrong_key_is_refused_not_downgraded() -> None:
    with pytest.raises(AuthError) as caught:
        authenticator()({"x-api-key": "pk_storefront_guess"}, "ip")
    assert caught.value.status == 401
    assert "guess" not in caught.value.message


@pytest.mark.parametrize(
    ("settings", "key", "algorithm"),
    [
        ({"algorithms": ("HS256",), "secret": Secret(HS_SECRET)}, HS_SECRET, "HS256"),
        ({"algorithms": ("RS256",), "public_keys": (pem(RSA),)}, RSA, "RS256"),
        ({"algorithms": ("ES256",), "public_keys": (pem(EC),)}, EC, "ES256"),
    ],
    ids=["hs256", "rs256", "es256"],
)
def test_customer_tokens_verify_with_each_algorithm(
    settings: dict[str, Any], key: Any, algorithm: str
) -> None:
    token = jwt.encode(claims(), key, algorithm=algorithm)
    principal = authenticator(**settings)({"authorization": f"Bearer {token}"}, "ip")
    assert principal.kind == "customer"
    assert principal.email == "yusuf.vogel@example.com"
    assert principal.scopes == frozenset({"storefront", "customer"})
    assert token not in principal.key


def test_a_jwks_document_from_a_file(tmp_path: Path) -> None:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(RSA.public_key()))
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}))
    token = jwt.encode(claims(), RSA, algorithm="RS256", headers={"kid": "k1"})
    principal = authenticator(algorithms=("RS256",), jwks_file=str(path))(
        {"authorization": f"Bearer {token}"}, "ip"
    )
    assert principal.email == "yusuf.vogel@example.com"


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (
            lambda: jwt.encode(claims(exp=int(time.time()) - 120), HS_SECRET, algorithm="HS256"),
            "expired",
        ),
        (
            lambda: jwt.encode(claims(), "another-secret-of-plenty-length-000", algorithm="HS256"),
            "signature is not valid",
        ),
        (lambda: jwt.encode(claims(), RSA, algorithm="RS256"), "algorithm is not accepted"),
        (lambda: jwt.encode({"sub": "x"}, HS_SECRET, algorithm="HS256"), "has no expiry"),
        (lambda: jwt.encode(claims(), None, algorithm="none"), "algorithm is not accepted"),
        (lambda: "not.a.jwt", "malformed"),
        (
            lambda: jwt.encode(claims(aud="someone-else"), HS_SECRET, algorithm="HS256"),
            "not for this gateway",
        ),
    ],
    ids=[
        "expired",
        "wrong-key",
        "wrong-algorithm",
        "no-exp",
        "alg-none",
        "garbage",
        "wrong-audience",
    ],
)
def test_bad_tokens_are_refused(token: Any, message: str) -> None:
    auth = authenticator(
        algorithms=("HS256",), secret=Secret(HS_SECRET), audience="commerce-gateway"
    )
    with pytest.raises(AuthError) as caught:
        auth({"authorization": f"Bearer {token()}"}, "ip")
    assert message in caught.value.message


def test_an_admin_scope_in_a_token_grants_admin() -> None:
    token = jwt.encode(claims(scope="openid admin"), HS_SECRET, algorithm="HS256")
    principal = authenticator(algorithms=("HS256",), secret=Secret(HS_SECRET))(
        {"authorization": f"Bearer {token}"}, "ip"
    )
    assert principal.can("admin")


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        (
            {"api_keys": [{"name": "x", "key": "short", "scopes": ["storefront"]}]},
            "auth.api_keys[0].key is too short",
        ),
        (
            {"api_keys": [{"name": "x", "key": "k" * 20, "scopes": ["root"]}]},
            "unknown scope 'root'",
        ),
        ({"jwt": {"algorithms": ["HS256"]}}, "an HS algorithm needs auth.jwt.secret"),
        ({"jwt": {"algorithms": ["RS256"]}}, "RS256 need public_keys, jwks or jwks_file"),
        ({"jwt": {"algorithms": ["none"], "secret": "x" * 20}}, "'none' is not accepted"),
        (
            {"jwt": {"algorithms": ["RS256"], "jwks_file": "/no/such/jwks.json"}},
            "verification keys cannot be read",
        ),
        ({"anonymous_scopes": ["everything"]}, "unknown scope 'everything'"),
    ],
    ids=[
        "short-key",
        "unknown-scope",
        "hs-no-secret",
        "rs-no-keys",
        "alg-none",
        "missing-jwks",
        "bad-anonymous",
    ],
)
def test_auth_config_mistakes_name_the_key(auth: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(
            {**FAKE_RAW, "auth": auth}, {"FAKE_TOKEN": "t"}, find_connector=fakes.find_connector
        )
    assert message in str(caught.value)
