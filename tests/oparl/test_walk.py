"""A client walks the whole demo endpoint from the System object, as an OParl importer does."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.oparl.conftest import LIST_PAGE, PREFIX, ROOT, links_in, problems


# Small pages, so the walk follows next links through several pages of each long list.
@pytest.mark.app_config(OPARL_PER_PAGE=20)
def test_the_whole_demo_endpoint_validates_against_the_oparl_schemas(demo_files, oparl_get):
    seen: set[str] = set()
    queue = [ROOT + "system"]
    found: list[str] = []
    kinds: Counter = Counter()
    pages_followed = 0
    #: Per list (its first page's URL): objects seen over its pages, and the total it gave.
    listed: dict[str, list] = {}
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        answer = oparl_get(url)
        if "data" in answer and "pagination" in answer:
            found += [f"{url}: {e.message}" for e in LIST_PAGE.iter_errors(answer)]
            pagination, links = answer["pagination"], answer["links"]
            if pagination["currentPage"] < pagination["totalPages"]:
                assert "next" in links, url
            if "next" in links:
                pages_followed += 1
                queue.append(links["next"])
            listed.setdefault(links["first"], [pagination["totalElements"], 0])[1] += len(
                answer["data"]
            )
            for obj in answer["data"]:
                kinds[obj["type"][len(PREFIX) :]] += 1
                found += problems(obj)
                queue += links_in({k: v for k, v in obj.items()})
        else:
            kinds[answer["type"][len(PREFIX) :]] += 1
            found += problems(answer)
            queue += links_in(answer)
    assert found == []
    assert all(total == count for total, count in listed.values()), listed
    # Every kind of object the council has, reached from the System object alone.
    for kind in (
        "System",
        "Body",
        "Organization",
        "Person",
        "Membership",
        "LegislativeTerm",
        "Meeting",
        "AgendaItem",
        "Paper",
        "Consultation",
        "File",
    ):
        assert kinds[kind] > 0, (kind, kinds)
    assert pages_followed > 0, "no list was long enough to have a next page"
