"""The fast segment writer makes the index Whoosh's own writer would, in one process or two."""

import re
import subprocess
import sys

import pytest
from whoosh import index as whoosh_index

from council_app.search.index import SearchFilters, SearchIndex
from council_app.search.index import segments as segments_module
from council_app.search.index.schema import build_schema, document
from tests.corpus import REPO_ROOT, require_corpus
from tests.search.utterances import sample_utterances, utterance_row


def corpus_utterances(limit=400):
    """Real speaker turns of city-council minutes, with the numbers the app indexes."""
    rows = []
    city_text = require_corpus("city-council", "text")
    for minutes_id, path in enumerate(sorted(city_text.glob("*.txt"))[:6], 1):
        turns = re.findall(r"^○(\S+ \S+)\s+(.+)$", path.read_text(encoding="utf-8"), re.M)
        rows += [
            utterance_row(minutes_id, order, speaker, text)
            for order, (speaker, text) in enumerate(turns, 1)
        ]
    return rows[:limit]


def everything(path):
    """Return all an index holds: every posting, term statistic, stored field and length."""
    ix = whoosh_index.open_dir(str(path))
    with ix.reader() as reader:
        postings = {}
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            matcher = reader.postings(fieldname, text)
            postings[fieldname, text] = (
                info.doc_frequency(),
                round(info.weight(), 3),
                info.min_length(),
                info.max_length(),
                list(matcher.all_items()),
            )
        stored = [reader.stored_fields(n) for n in reader.all_doc_ids()]
        lengths = {
            name: [reader.doc_field_length(n, name) for n in reader.all_doc_ids()]
            for name in ("text", "morphs")
        }
        columns = {name: list(reader.column_reader(name)) for name in ("order", "uid", "version")}
    return postings, stored, lengths, columns


@pytest.mark.parametrize("source", [sample_utterances, corpus_utterances])
def test_fast_writer_writes_what_whoosh_writes(tmp_path, source):
    rows = source()
    whoosh_dir, ours_dir = tmp_path / "whoosh", tmp_path / "ours"
    whoosh_dir.mkdir()
    ix = whoosh_index.create_in(str(whoosh_dir), build_schema())
    with ix.writer() as writer:
        for row in rows:
            writer.add_document(**document(row, morphemes=True))
    SearchIndex(ours_dir).create().add_utterances(rows)

    expected, actual = everything(whoosh_dir), everything(ours_dir)
    postings = expected[0]
    # Long posting lists span several blocks; the test would not see block edges otherwise.
    assert max(info[0] for info in postings.values()) > 3 * 128
    assert actual == expected


@pytest.mark.slow
def test_two_processes_find_what_one_finds(tmp_path):
    rows = sample_utterances()
    one = SearchIndex(tmp_path / "one").create()
    one.add_utterances(rows)
    two = SearchIndex(tmp_path / "two").create()
    two.add_utterances(rows, procs=2)
    assert two.doc_count() == one.doc_count() == len(rows)
    for query in ("추가경정예산", "의원", '"존경하는 의원"', "구청장 -예산"):
        for filters in (None, SearchFilters(body="plenary"), SearchFilters(member_id=3)):
            ours, theirs = (
                one.search(query, filters, per_page=100),
                two.search(query, filters, per_page=100),
            )
            assert ours.total == theirs.total
            assert {h.anchor + str(h.minutes_id) for h in ours.hits} == {
                h.anchor + str(h.minutes_id) for h in theirs.hits
            }
            assert ours.facets == theirs.facets


def test_small_segments_split_a_large_build(tmp_path, monkeypatch):
    monkeypatch.setattr(segments_module, "SEGMENT_POSTINGS", 5_000)
    rows = sample_utterances()
    search_index = SearchIndex(tmp_path).create()
    search_index.rebuild(rows)
    with whoosh_index.open_dir(str(tmp_path)).reader() as reader:
        assert len(reader.leaf_readers()) > 2
    assert search_index.doc_count() == len(rows)
    assert search_index.search("구청장").total == sum("구청장" in r["text"] for r in rows)


@pytest.mark.slow
def test_a_failing_build_process_fails_the_rebuild_and_keeps_the_index(tmp_path):
    rows = sample_utterances(50)
    search_index = SearchIndex(tmp_path).create()
    search_index.rebuild(rows)
    before = search_index.ids()
    broken = [*rows, {"minutes_id": 99, "order": 1, "text": object()}]
    with pytest.raises(RuntimeError, match="index building process failed"):
        search_index.rebuild(broken, procs=2)
    assert SearchIndex(tmp_path).open().ids() == before


def test_an_index_of_an_older_schema_is_rebuilt(tmp_path):
    from whoosh.fields import ID, TEXT, Schema

    whoosh_index.create_in(str(tmp_path), Schema(uid=ID(stored=True), text=TEXT()))
    search_index = SearchIndex(tmp_path)
    assert not search_index.is_current()
    assert search_index.open_or_create() is True
    assert search_index.is_current()
    assert SearchIndex(tmp_path).open_or_create() is False


@pytest.mark.slow
@pytest.mark.parametrize(
    ("first_text", "says"),
    [
        # Fails analysing its first document, and reports why.
        ("object()", "index building process failed: TypeError"),
        # Dies on receiving its first batch (killed, out of memory), reporting nothing.
        ("Dies()", "an index building process ended"),
    ],
)
def test_a_build_process_that_fails_early_fails_the_rebuild_at_once(tmp_path, first_text, says):
    # The parent is still handing out work when a process stops: it must say so and be
    # able to exit, not wait on batches nobody will read.
    script = f"""
import os, sys
sys.path.insert(0, {str(REPO_ROOT)!r})
from council_app.search.index import SearchIndex

class Dies:
    def __reduce__(self):
        return (os._exit, (3,))

if __name__ == "__main__":
    rows = [{{"minutes_id": 1, "order": 0, "text": {first_text}}}]
    rows += [{{"minutes_id": 2, "order": n, "text": "추가경정예산안 심사 " * 50}} for n in range(20000)]
    try:
        SearchIndex({str(tmp_path)!r}).create().rebuild(rows, procs=2)
    except RuntimeError as error:
        print("failed:", error)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert says in done.stdout, done.stdout + done.stderr
    assert done.returncode == 0
