"""Stock Whoosh matchers against the index's own matching (``search/index/matching.py``).

Run: python bench/matching.py [--scale 200000] [--workdir DIR] [--repeats 3]

Builds the scaled corpus of ``search_speed.py`` once into DIR (kept when given, reused on
the next run), then runs a dozen queries of the judged set both ways with the same query
tree, filters and BM25F scoring, asking each for a page of 10, the total and the
body/speaker facets, and prints the best milliseconds of each and their ratio; then
ours again without the column cache, and with field lengths read a document at a time
through Whoosh's public reader instead of whole from its length column.
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from whoosh import query as wq
from whoosh import sorting
from whoosh.util.numeric import length_to_byte

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search_speed import scaled_utterances  # noqa: E402

from council_app.search.index import (  # noqa: E402
    FACET_FIELDS,
    SearchFilters,
    SearchIndex,
    matching,
    nodes,
)
from council_app.search.index.compile import filter_node, query_node  # noqa: E402
from council_app.search.query import parse_query  # noqa: E402

#: (query, speaker filter): one or two of each kind of the judged set, common words too.
QUERIES = [
    ("회의록을", None),
    ("추가경정예산", None),
    ("의사진행 발언", None),
    ("경청", None),
    ("누리", None),
    ("2016년도", None),
    ("OECD", None),
    ("oecd 국가", None),
    ('"존경하는 국민 여러분"', None),
    ('"의석을 정돈해"', None),
    ("의사일정", "정의화"),
    ("의원", None),
]


def stock_query(node):
    """Return the same query tree in Whoosh's own query classes."""
    if isinstance(node, nodes.Term):
        return wq.Term(node.fieldname, node.text)
    if isinstance(node, nodes.Phrase):
        return wq.Phrase(node.fieldname, [term.text for term in node.terms])
    if isinstance(node, nodes.Prefix):
        return wq.Prefix(node.fieldname, node.prefix)
    if isinstance(node, nodes.Range):
        return wq.TermRange(node.fieldname, node.start or None, node.end)
    if isinstance(node, nodes.AnyOf):
        return wq.Or([stock_query(n) for n in node.nodes])
    if isinstance(node, nodes.AllOf):
        parts = [stock_query(n) for n in node.nodes]
        parts += [wq.Not(stock_query(n)) for n in node.excluded]
        return wq.And(parts) if parts else wq.Every()
    raise TypeError(node)


def _public_lengths_of(leaf, fieldname, docs):
    """A field's length bytes read a document at a time through Whoosh's public reader."""
    length = leaf.reader.doc_field_length
    return (length_to_byte(length(docnum, fieldname, 0)) for docnum in docs)


def public_lengths(run):
    """Time run with field lengths read per scored document through the public API."""
    saved = matching.Leaf.lengths_of
    matching.Leaf.lengths_of = _public_lengths_of
    try:
        return run()
    finally:
        matching.Leaf.lengths_of = saved


def build(path: Path, scale: int) -> SearchIndex:
    """Open the index at path, building it from the scaled corpus if it is not there."""
    search_index = SearchIndex(path)
    if search_index.is_current() and search_index.open().doc_count() == scale:
        return search_index
    started = time.perf_counter()
    search_index.create().rebuild(scaled_utterances(scale))
    print(f"built {scale} utterances in {time.perf_counter() - started:.0f} s")
    return search_index


def timed(run, repeats: int) -> tuple[float, int]:
    """Return the least milliseconds of run() and the total it found.

    The least of several runs, not their median: on a shared machine every other figure
    measures the neighbours as much as the search.
    """
    timings, total = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        total = run()
        timings.append((time.perf_counter() - started) * 1000)
    return min(timings), total


def main():
    """Build (or reuse) the index and print both timings per query."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=200_000, help="utterances to index")
    parser.add_argument("--workdir", help="where to build and keep the index")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench-matching-"))
    try:
        search_index = build(workdir, args.scale)
        searcher = search_index._current_searcher()
        facets = {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACET_FIELDS}
        print(
            f"{search_index.doc_count()} utterances, {len(searcher.reader().leaf_readers())} segments"
        )
        print(
            f"{'query':24} {'total':>7} {'stock ms':>9} {'ours ms':>8} {'ratio':>6}"
            f" {'no column cache':>16} {'public lengths':>15}"
        )
        ratios = []
        for text, speaker in QUERIES:
            filters = SearchFilters(speaker=speaker) if speaker else None
            node = query_node(parse_query(text), search_index.morphemes)
            only = filter_node(searcher.schema, filters)

            def stock(node=node, only=only):
                results = searcher.search(
                    stock_query(node),
                    filter=stock_query(only) if only else None,
                    limit=10,
                    groupedby=facets,
                )
                [hit.fields() for hit in results]
                return len(results)

            def ours(node=node, only=only, columns=search_index._columns):
                found = matching.run(
                    searcher,
                    node,
                    only,
                    sort="relevance",
                    first=0,
                    count=10,
                    facets=FACET_FIELDS,
                    columns=columns,
                )
                return found.total

            ours()  # warm-up: posting files, columns, analyzer
            stock_ms, stock_total = timed(stock, args.repeats)
            ours_ms, ours_total = timed(ours, args.repeats)
            # Columns read afresh by every search, as if none were kept.
            uncached_ms, _ = timed(lambda ours=ours: ours(columns=None), args.repeats)
            public_ms, public_total = public_lengths(lambda: timed(ours, args.repeats))
            if not stock_total == ours_total == public_total:
                raise SystemExit(f"{text}: stock found {stock_total}, ours {ours_total}")
            ratios.append(stock_ms / ours_ms)
            label = text + (f" @{speaker}" if speaker else "")
            print(
                f"{label:24} {ours_total:7} {stock_ms:9.1f} {ours_ms:8.1f} {ratios[-1]:6.1f}"
                f" {uncached_ms:16.1f} {public_ms:15.1f}"
            )
        print(f"stock / ours: median {statistics.median(ratios):.1f}, min {min(ratios):.1f}")
    finally:
        if not args.workdir:
            shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
