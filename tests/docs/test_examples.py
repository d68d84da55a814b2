"""Every runnable example of docs/ answers as the page says, against the demo data of the run
command (``connectra seed --demo 2000``) on a real server."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from tests.acceptance.server import Server
from tests.docs.examples import DOCS, Example, examples

ALL = [example for page in sorted(DOCS.glob("*.md")) for example in examples(page)]
MIN_VQL_EXAMPLES = 25  # docs/vql.md shows every clause; fewer means the marker was broken


def test_the_vql_page_has_its_examples() -> None:
    assert len(examples(DOCS / "vql.md")) >= MIN_VQL_EXAMPLES


@pytest.mark.parametrize("example", ALL, ids=[example.source for example in ALL])
def test_example_answers_as_documented(demo: Server, example: Example) -> None:
    with demo.client() as client:
        response = client.request(example.method, example.path, json=example.body)
    assert response.status_code == example.status, f"{example.source}: {response.text}"
    body = response.json()
    if example.status != HTTPStatus.OK:
        assert body["success"] is False
        return
    # An example that finds nothing in the demo data shows nothing: it must find something.
    if "count" in body:
        assert body["count"] > 0, example.source
    elif isinstance(body.get("data"), list):
        assert body["data"], example.source
