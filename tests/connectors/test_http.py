"""The connector kit's HTTP boundary: bodies of the wrong shape become UnexpectedResponse."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from connectors import UnexpectedResponse
from connectors.http import reading


@pytest.mark.parametrize(
    "read",
    [
        lambda body: body["missing"],
        lambda body: body["items"][3],
        lambda body: Decimal(body["price"]),
        lambda body: body["items"] + 1,
        lambda body: body["items"].keys(),
        lambda body: int(body["price"]),
    ],
    ids=["KeyError", "IndexError", "InvalidOperation", "TypeError", "AttributeError", "ValueError"],
)
def test_a_body_of_the_wrong_shape_is_an_unexpected_response(read: Any) -> None:
    body = {"items": [], "price": "twelve"}
    with pytest.raises(UnexpectedResponse) as caught, reading("erp", "products"):
        read(body)
    assert caught.value.connector == "erp"
    assert str(caught.value) == (
        f"erp: products: the body is not shaped as expected ({type(caught.value.__cause__).__name__})"
    )


def test_other_errors_are_not_hidden() -> None:
    with pytest.raises(ZeroDivisionError), reading("erp", "products"):
        _ = 1 / 0
