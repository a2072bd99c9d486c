"""Recall@10 and MRR of minutes search over the real corpus, per analyzer; then spelling
suggestions and the other spellings (abbreviations, numbers, Hanja) the search adds.

Run: python bench/search_quality.py [--queries bench/search_queries.json]

Relevant utterances in the query file were judged from the text itself (the excerpt in
each entry shows why), never from the output of an engine measured here. In
``search_variants.json`` an utterance is relevant when its text holds one of the entry's
``judged_by`` forms (and the speaker label one of ``speaker_label``): the word written
either way. ``search_suggestions.json`` gives the word meant by each misspelled query.
"""

import argparse
import json
import re
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.qparser import QueryParser

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import corpus_dir, load_utterances  # noqa: E402

from council_app.search import variants  # noqa: E402
from council_app.search.index import SearchFilters, SearchIndex  # noqa: E402

TOP = 10


def as_index_rows(utterances):
    """Number each corpus file so utterances get the minutes_id/order the index expects."""
    files = {name: n for n, name in enumerate(sorted({u["file"] for u in utterances}), 1)}
    return [
        {
            "minutes_id": files[u["file"]],
            "order": u["turn"],
            "text": u["text"],
            "speaker": u["speaker"],
            "body": "plenary",
            "uid": u["key"],
        }
        for u in utterances
    ]


class StandardEngine:
    """Whoosh's default StandardAnalyzer and query parser, as the baseline."""

    name = "whoosh StandardAnalyzer"

    def __init__(self, path, rows):
        schema = Schema(
            uid=ID(stored=True),
            text=TEXT(analyzer=StandardAnalyzer()),
            speaker=KEYWORD(lowercase=True),
        )
        self.ix = whoosh_index.create_in(path, schema)
        with self.ix.writer() as writer:
            for row in rows:
                writer.add_document(uid=row["uid"], text=row["text"], speaker=row["speaker"])
        self.parser = QueryParser("text", self.ix.schema)

    def top(self, query, speaker):
        speaker_filter = wq.Term("speaker", speaker) if speaker else None
        with self.ix.searcher() as searcher:
            hits = searcher.search(self.parser.parse(query), limit=TOP, filter=speaker_filter)
            return [hit["uid"] for hit in hits]


class CouncilEngine:
    """The app's SearchIndex, with or without the morpheme field."""

    def __init__(self, path, rows, morphemes):
        self.name = "ours: bigrams + morphemes" if morphemes else "ours: bigrams only"
        self.index = SearchIndex(path, morphemes=morphemes, variants=variants.load()).create()
        self.index.add_utterances(rows)
        self.uids = {(r["minutes_id"], r["order"]): r["uid"] for r in rows}

    def top(self, query, speaker):
        result = self.index.search(query, SearchFilters(speaker=speaker), per_page=TOP)
        return [self.uids[(hit.minutes_id, hit.order)] for hit in result.hits]


def score(engine, queries):
    """Return {kind: (recall@10, MRR, count)} with an "all" row."""
    sums = defaultdict(lambda: [0.0, 0.0, 0])
    for item in queries:
        relevant = {r["key"] for r in item["relevant"]}
        top = engine.top(item["query"], item.get("speaker"))
        recall = len(relevant.intersection(top)) / min(TOP, len(relevant))
        rank = next((i for i, uid in enumerate(top, 1) if uid in relevant), None)
        for kind in (item["kind"], "all"):
            sums[kind][0] += recall
            sums[kind][1] += 1 / rank if rank else 0.0
            sums[kind][2] += 1
    return {kind: (r / n, m / n, n) for kind, (r, m, n) in sums.items()}


def main():
    """Build each engine over the corpus and print recall@10 and MRR side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", default=Path(__file__).with_name("search_queries.json"))
    args = parser.parse_args()
    queries = json.loads(Path(args.queries).read_text(encoding="utf-8"))
    rows = as_index_rows(load_utterances())
    print(f"corpus {corpus_dir()}: {len(rows)} utterances, {len(queries)} queries")
    with tempfile.TemporaryDirectory() as tmp:
        builders = [
            lambda p: StandardEngine(p, rows),
            lambda p: CouncilEngine(p, rows, morphemes=False),
            lambda p: CouncilEngine(p, rows, morphemes=True),
        ]
        table = {}
        for n, build in enumerate(builders):
            path = Path(tmp, str(n))
            path.mkdir()
            started = time.perf_counter()
            engine = build(str(path))
            table[engine.name] = score(engine, queries)
            print(f"built and queried {engine.name} in {time.perf_counter() - started:.1f} s")
        print_table(table)
        # The app's engine, as the last builder made it.
        print_variants(engine.index, load_utterances())
        print_suggestions(engine.index, queries)


def judged_variants(utterances):
    """Return each variant query with the keys of the utterances holding its word either way."""
    items = json.loads(Path(__file__).with_name("search_variants.json").read_text("utf-8"))
    for item in items:
        # An amount is no part of a longer one: 1만 4,000 is not in 6,891만 4,000.
        forms = re.compile("|".join(rf"(?<![\d,]){re.escape(_fold(f))}" for f in item["judged_by"]))
        labels = [_fold(label) for label in item.get("speaker_label", [])]
        unwanted = [_fold(form) for form in item.get("not", [])]
        item["relevant"] = {
            u["key"]
            for u in utterances
            if forms.search(_fold(u["text"]))
            and not any(form in _fold(u["text"]) for form in unwanted)
            and (not labels or any(label in _fold(u["speaker"]) for label in labels))
        }
    return items


def _fold(text):
    # The index reads compatibility ideographs (金 U+F90A) as the unified ones.
    return unicodedata.normalize("NFKC", text)


def found_keys(index, item, uids):
    """Return the keys of every utterance the search finds, best first."""
    keys, page = [], 1
    while True:
        result = index.search(
            item["query"], SearchFilters(speaker=item.get("speaker")), page=page, per_page=100
        )
        keys += [uids[(hit.minutes_id, hit.order)] for hit in result.hits]
        if len(keys) >= result.total or not result.hits or page == 20:
            return keys
        page += 1


def print_variants(index, utterances):
    """Print recall of the words written another way, without and with the other spellings.

    Recall counts every hit (up to 2,000), not the first ten: an utterance that holds only
    the other spelling ranks below all that hold the word as typed, by design. "Order" is
    the share of queries where every hit found without the other spellings ranks above
    every hit they add.
    """
    rows = as_index_rows(utterances)
    uids = {(r["minutes_id"], r["order"]): r["uid"] for r in rows}
    items = judged_variants(utterances)
    figures = defaultdict(lambda: [0.0, 0.0, 0, 0])
    saved = index.variants
    for item in items:
        index.variants, index.readings = None, False
        before = found_keys(index, item, uids)
        index.variants, index.readings = saved, True
        after = found_keys(index, item, uids)
        relevant = item["relevant"]
        # Found without the other spellings: a hit of the query as typed.
        exact = [key in before for key in after]
        in_order = exact == sorted(exact, reverse=True)
        for kind in (item["kind"], "all"):
            row = figures[kind]
            row[0] += len(relevant.intersection(before)) / len(relevant)
            row[1] += len(relevant.intersection(after)) / len(relevant)
            row[2] += in_order
            row[3] += 1
    print("\nwords written another way (search_variants.json): recall over all hits")
    print(f"{'kind':16}{'n':>4}{'before':>9}{'after':>9}{'order':>8}")
    for kind in sorted(figures, key=lambda k: (k == "all", k)):
        before, after, ordered, n = figures[kind]
        print(f"{kind:16}{n:>4}{before / n:>9.3f}{after / n:>9.3f}{ordered / n:>8.2f}")
    print("(hanja speaker: a label's reading is indexed with it, so 'before' has it too)")


def print_suggestions(index, queries):
    """Print how often the first suggestion is the word meant, and how often a correctly
    spelled query with hits gets one (it should not)."""
    judged = json.loads(Path(__file__).with_name("search_suggestions.json").read_text("utf-8"))
    index.prepare_speller()
    started = time.perf_counter()
    print("\nspelling suggestions (search_suggestions.json)")
    for name in ("misspelled", "held_out"):
        hits, kinds = 0, defaultdict(lambda: [0, 0])
        for item in judged[name]:
            suggestions = index.suggest(item["query"])
            good = bool(suggestions) and suggestions[0].q == item["expect"]
            hits += good
            kinds[item["kind"]][0] += good
            kinds[item["kind"]][1] += 1
        detail = ", ".join(f"{kind} {good}/{n}" for kind, (good, n) in sorted(kinds.items()))
        print(
            f"{name:11} first suggestion is the word meant: {hits}/{len(judged[name])}"
            f" = {hits / len(judged[name]):.3f} ({detail})"
        )
    correct = judged["correct"] + [item["query"] for item in queries]
    with_hits = [q for q in correct if index.search(q, per_page=1).total]
    wrong = [q for q in with_hits if index.suggest(q)]
    print(
        f"correct     no suggestion on {len(with_hits) - len(wrong)}/{len(with_hits)} spelled"
        f" right with hits = {1 - len(wrong) / len(with_hits):.3f}"
        + (f" (suggested for: {', '.join(wrong)})" if wrong else "")
    )
    count = sum(len(judged[name]) for name in ("misspelled", "held_out")) + 2 * len(with_hits)
    spent = (time.perf_counter() - started) / count
    print(f"time per suggestion (and search of the correct ones), mean: {spent * 1000:.1f} ms")


def print_table(table):
    """Print one row per query kind, recall@10 / MRR per engine."""
    names = list(table)
    print(f"\n{'kind':14}{'n':>4}  " + "  ".join(f"{name:>32}" for name in names))
    for kind in sorted(table[names[0]], key=lambda k: (k == "all", k)):
        cells = "  ".join(_cell(*table[name][kind][:2]) for name in names)
        print(f"{kind:14}{table[names[0]][kind][2]:>4}  {cells}")


def _cell(recall, mrr):
    return f"{f'R@10 {recall:.3f}  MRR {mrr:.3f}':>32}"


if __name__ == "__main__":
    main()
