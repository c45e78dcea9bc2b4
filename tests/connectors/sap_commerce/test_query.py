"""Query strings: what the Integration API and OCC receive is what ``urllib.parse.quote``
would send, however the gateway gets there."""

from __future__ import annotations

from urllib.parse import quote, unquote

from hypothesis import given
from hypothesis import strategies as st

from connectors.sap_commerce.query import chunk_terms, encoded_len, query_string

SAFE = "$'(),/:"
TEXT = st.text(
    alphabet=st.sampled_from("aZ09_.~-$'(),/: %&=+#?\u00e9\u4e2d\n"), max_size=40
) | st.text(max_size=20)


@given(TEXT)
def test_values_are_quoted_as_quote_does(value: str) -> None:
    assert query_string([("$filter", value)]) == f"$filter={quote(value, safe=SAFE)}"
    assert unquote(query_string([("$filter", value)]).partition("=")[2]) == value


@given(TEXT)
def test_encoded_length_is_the_length_sent(value: str) -> None:
    assert encoded_len(value) == len(quote(value, safe=SAFE))


def test_a_long_filter_keeps_its_spaces_escaped() -> None:
    codes = " or ".join(f"productCode eq 'SKU-{n}'" for n in range(65))
    sent = query_string([("$filter", codes), ("$top", 100)])
    assert " " not in sent
    assert sent.endswith("&$top=100")


def test_terms_are_cut_into_runs_that_fit_the_budget() -> None:
    assert chunk_terms(["A1", "B2", "C3"], budget=4) == [["A1", "B2"], ["C3"]]
    # A term dearer than the budget travels alone rather than being dropped.
    assert chunk_terms(["A1", "LONGER", "B2"], budget=4) == [["A1"], ["LONGER"], ["B2"]]
