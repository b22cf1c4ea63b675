"""A comparison with the user's own sample ("with the same swung feel as sample
<id>", "a more swung hat than sample <id>": how the supervisor writes "my drums" in
prose) names no listed hit, so nothing is reported missing from the last list (outside
tester: "loops with the same lazy backbeat as my break" opened with 'Nothing in the last
list of results matches "the same lazy backbeat as sample"')."""

from __future__ import annotations

import pytest

from groovegraph.graph import followups
from groovegraph.tools import catalog as cat
from tests.unit.test_graph_followups import followup_frame


@pytest.mark.parametrize(
    "text",
    [
        "drums with the same swung feel as sample  ",
        "anything with the same straight groove as sample ?",
        "the same shuffled groove like sample please",
        "a more swung hat than sample",
    ],
)
def test_a_comparison_with_a_sample_is_no_missing_result(text: str) -> None:
    hits = cat.search(followup_frame(), cat.CatalogQuery(genre="funk", target_bpm=96.0, limit=6))
    refs = followups.find_attribute_refs(text, hits=hits)
    assert refs.ids == [], refs
    assert refs.unresolved == [], refs
