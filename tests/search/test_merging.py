"""Commits add small segments and merge nothing; a background step merges them by tiers."""

from council_app.search import sync
from council_app.search.index import SearchFilters, SearchIndex
from council_app.search.index.merge import MERGE_FACTOR


def utterance(minutes_id: int, order: int, text: str) -> dict:
    return {
        "minutes_id": minutes_id,
        "order": order,
        "version": 1,
        "speaker": "김태년 의원",
        "body": "plenary",
        "date": f"2024-05-{minutes_id:02d}",
        "minutes_status": "provisional",
        "text": text,
    }


def answers(index: SearchIndex) -> list:
    """Return what a few searches find, ranked, with their facets."""
    found = []
    for q, filters in (("추가경정예산", None), ("심사", SearchFilters(body="plenary"))):
        result = index.search(q, filters, per_page=100)
        found.append((result.total, [(h.minutes_id, h.order) for h in result.hits], result.facets))
    return found


def small_segments(path, count: int) -> SearchIndex:
    index = SearchIndex(path).create()
    for n in range(1, count + 1):
        index.add_utterances(
            [utterance(n, 1, f"추가경정예산안 심사 {n}"), utterance(n, 2, f"예산 심사 {n}번째")]
        )
    return index


def test_commits_add_a_segment_each_and_merge_nothing(tmp_path):
    index = small_segments(tmp_path, MERGE_FACTOR + 2)
    assert index.segment_count() == MERGE_FACTOR + 2
    # A segment left with no document is dropped, without merging the others.
    index.delete_minutes(1)
    assert index.segment_count() == MERGE_FACTOR + 1


def test_merging_keeps_every_document_and_answer_and_drops_the_deleted(tmp_path):
    index = small_segments(tmp_path, MERGE_FACTOR + 2)
    with index.batch() as batch:
        batch.replace_minutes(3, [utterance(3, 1, "정정된 추가경정예산 발언")])
    # A document replaced by uid stays in its segment, deleted: the merge must drop it.
    index.add_utterances([utterance(4, 1, "다시 쓴 추가경정예산 발언")])
    before, fingerprints = answers(index), index.fingerprints()
    # Minutes 3's old segment went with its last document; its new one came.
    assert "3:2" not in fingerprints and index.segment_count() == MERGE_FACTOR + 3
    assert index.merge_segments() == MERGE_FACTOR + 3
    assert index.segment_count() == 1
    assert answers(index) == before and index.fingerprints() == fingerprints
    assert index.doc_count() == 2 * (MERGE_FACTOR + 2) - 1
    # Nothing left to merge: no commit, no new generation for searchers to reopen.
    assert index.merge_segments() == 0


def test_segments_of_another_tier_wait_for_their_own_kind(tmp_path):
    index = small_segments(tmp_path, MERGE_FACTOR - 1)
    index.add_utterances(utterance(50, n, f"긴 회의록 {n}") for n in range(1, 21))
    # Nine one-document segments and one of twenty documents: no tier is full yet.
    assert index.merge_segments() == 0 and index.segment_count() == MERGE_FACTOR


def test_the_catch_up_thread_merges_after_applying_the_changes(publish):
    sync.reindex()
    index = sync.search_index()
    for n in range(MERGE_FACTOR):
        index.add_utterances([utterance(100 + n, 1, f"다른 회의록 {n}")])
    assert index.segment_count() >= MERGE_FACTOR
    minutes = publish()  # waits for the thread
    assert index.segment_count() <= 2
    assert {h.minutes_id for h in index.search("보행환경").hits} == {minutes.id}
    assert index.doc_count() == MERGE_FACTOR + 3
