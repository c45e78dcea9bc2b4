"""The hostile corpus, through the real app: every request refused before execution."""

from __future__ import annotations

from collections import Counter

import pytest

from gateway.testing import GatewayClient
from tests.fakes import FakeState
from tests.gateway.limits.conftest import assert_rejected, timed
from tests.gateway.limits.corpus import CORPUS, Hostile


def test_the_corpus_is_large_and_varied() -> None:
    families = Counter(case.family for case in CORPUS)
    assert len(CORPUS) >= 200
    assert len(families) >= 15
    assert len({case.id for case in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("case", CORPUS, ids=[case.id for case in CORPUS])
def test_a_hostile_request_is_refused_with_a_code(
    client: GatewayClient, fake_state: FakeState, case: Hostile
) -> None:
    result = timed(client, case.document, case.variables, case.operation_name)

    assert_rejected(result, case.codes, fake_state)
