"""How long a refusal takes, per limit: ``python -m tests.gateway.limits.measure``.

Through the real app (in process, the in-memory back end), the median of 20 requests of
a document one over each limit: "first sight" varies the document every time (a trailing
comment: the cache is keyed by the text), so it is parsed and validated each time;
"repeated" sends the same one again. Then every request of the hostile corpus once, in a
fresh process's cache. Milliseconds.
"""

from __future__ import annotations

import statistics
import time

from tests.gateway.limits.conftest import serve
from tests.gateway.limits.corpus import CORPUS
from tests.gateway.limits.test_limits import BOUNDARIES, LISTING

REPEAT = 20

CASES: dict[str, tuple[str, dict[str, int] | None]] = {
    name: (boundary.over_limit, None)
    for name, boundary in BOUNDARIES.items()
    if name != "document-length"
}
CASES["cost-with-variables"] = (LISTING, {"n": 99})
CASES["cost-literal"] = (LISTING.replace("query Listing($n: Int!)", "").replace("$n", "99"), None)
CASES["document-length"] = (BOUNDARIES["document-length"].over_limit, None)
CASES["overlapping-fields"] = (
    '{ product(handle: "product-1") { ' + "variants { sku } " * 490 + "} }",
    None,
)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def main() -> None:
    with serve() as client:
        print(f"{'case':48} {'first sight':>12} {'repeated':>9}")
        for name, (document, variables) in CASES.items():
            fresh, repeated = [], []
            for i in range(REPEAT):
                started = time.perf_counter()
                response = client.query(f"{document}\n# {i}", variables)
                fresh.append(_ms(started))
                assert response.errors, name
            for _ in range(REPEAT):
                started = time.perf_counter()
                client.query(document, variables)
                repeated.append(_ms(started))
            print(f"{name:48} {statistics.median(fresh):12.2f} {statistics.median(repeated):9.2f}")
        worst = []
        for case in CORPUS:
            started = time.perf_counter()
            client.query(case.document, case.variables, operation_name=case.operation_name)
            worst.append((_ms(started), case.id))
        worst.sort(reverse=True)
        print(f"\nhostile corpus, {len(CORPUS)} requests, slowest first:")
        for ms, case_id in worst[:5]:
            print(f"  {ms:7.2f}  {case_id}")
        print(f"  median {statistics.median(ms for ms, _ in worst):.2f}")


if __name__ == "__main__":
    main()
