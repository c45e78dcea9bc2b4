"""The Salesforce connector's settings: one frozen dataclass, read once at start-up.

[connectors.crm]
type = "salesforce"
instance_url = "https://nordlicht.my.salesforce.com"
client_id = "3MVG9...the connected app's consumer key"
client_secret = "${SALESFORCE_CLIENT_SECRET}"

or, with a token some other process keeps fresh, ``access_token = "${SALESFORCE_TOKEN}"``
instead of the client pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from connectors.secrets import Secret

__all__ = ["MAX_URL_BYTES", "SalesforceSettings"]

#: Salesforce refuses a REST request whose URI and headers together exceed 16,384 bytes
#: (431, or 414 for the URI alone). The query travels in the URI, so this binds long
#: before SOQL's own 100,000-character statement limit does.
MAX_URL_BYTES = 16_384

_VERSION = re.compile(r"^v\d{2,3}\.0$")
# An API name: what may stand unquoted in SOQL. Checked because it is pasted into queries.
_API_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class SalesforceSettings:
    #: ``https://{MyDomain}.my.salesforce.com``: REST calls and the token endpoint.
    instance_url: str
    #: A ready access token (static mode). Salesforce gives no lifetime, so when it is
    #: refused the connector cannot renew it: calls fail with ``AuthFailed``.
    access_token: Secret | None = None
    #: A connected app with the client-credentials flow enabled (and a run-as user);
    #: the connector fetches a token and renews it once whenever a call is refused.
    client_id: str | None = None
    client_secret: Secret | None = None
    #: REST API version, in the URL: ``/services/data/v60.0/``.
    api_version: str = "v60.0"
    #: Whether the gateway may treat a contact's e-mail as confirmed. Salesforce does not
    #: verify contact e-mails; only the operator knows how they got there.
    emails_verified: bool = False
    #: Custom fields on Contact holding loyalty and the retailer's customer number; ``""``
    #: leaves one out (no loyalty without points; the tier alone is not read).
    loyalty_points_field: str = "Loyalty_Points__c"
    loyalty_tier_field: str = "Loyalty_Tier__c"
    customer_number_field: str = "Customer_Number__c"
    #: A contact's account is its ``company`` unless the account name ends with this
    #: (NPSP-style "Becker Household" accounts are not companies); ``""`` keeps every name.
    household_suffix: str = " Household"
    #: Longest request URL (path and query) the connector sends. A batch whose SOQL would
    #: be longer is cut into several queries. The default leaves ~1.4 KB of the 16 KB
    #: request limit for the request line and headers (the Bearer token among them).
    max_url_bytes: int = 15_000
    #: ``retry_after`` for ``REQUEST_LIMIT_EXCEEDED`` without a ``Retry-After`` header.
    #: The org's daily limit is a rolling 24-hour window with no reset time to wait for;
    #: capacity comes back as calls from a day ago age out, so look again in 10 minutes.
    request_limit_retry_after: float = 600.0
    #: The same for the concurrent long-running request limit, which clears as soon as
    #: one of the org's calls over 20 seconds ends.
    concurrent_limit_retry_after: float = 20.0

    def __post_init__(self) -> None:
        if not self.instance_url.startswith(("https://", "http://")):
            raise ValueError(f"instance_url must start with https://, got {self.instance_url!r}")
        has_pair = self.client_id is not None or self.client_secret is not None
        if self.access_token is not None and has_pair:
            raise ValueError("set either access_token or client_id and client_secret, not both")
        if self.access_token is None and not has_pair:
            raise ValueError(
                "no credentials: set client_id and client_secret (client-credentials flow) "
                "or access_token"
            )
        if has_pair and (not self.client_id or not self.client_secret):
            raise ValueError("client_id and client_secret go together; set both")
        if self.access_token is not None and not self.access_token:
            raise ValueError("access_token is empty")
        if not _VERSION.match(self.api_version):
            raise ValueError(f'api_version must look like "v60.0", got {self.api_version!r}')
        for name in ("loyalty_points_field", "loyalty_tier_field", "customer_number_field"):
            value = getattr(self, name)
            if value and not _API_NAME.match(value):
                raise ValueError(f"{name} must be a field's API name, got {value!r}")
        if not 2048 <= self.max_url_bytes <= MAX_URL_BYTES:
            raise ValueError(f"max_url_bytes must be between 2048 and {MAX_URL_BYTES}")
        if self.request_limit_retry_after < 0 or self.concurrent_limit_retry_after < 0:
            raise ValueError("retry-after defaults must not be negative")

    @property
    def root(self) -> str:
        """``instance_url`` without a trailing slash."""
        return self.instance_url.rstrip("/")

    @property
    def uses_client_credentials(self) -> bool:
        return self.access_token is None

    @property
    def data_path(self) -> str:
        """``/services/data/v60.0``."""
        return f"/services/data/{self.api_version}"
