"""Recall@10 and MRR of minutes search over the real corpus, per analyzer; nDCG@10 of topics;
then spelling suggestions and the other spellings (abbreviations, numbers, Hanja) the search adds.

Run: python bench/search_quality.py [--queries bench/search_queries.json]
                                    [--topics bench/search_topics.json] [--before REV]

Relevant utterances in the query file were judged from the text itself (the excerpt in
each entry shows why), never from the output of an engine measured here. The topic file
(``bench/judge_topics.py``) grades every turn holding each topic word: 2 discusses the
topic, 1 mentions it, 0 a procedural formula or the word only inside a name.

For the topics it prints nDCG@10 and the share of topics whose first three hits hold a
grade-2 turn, today's ranking (the app's code at git revision ``--before``, run in a
subprocess) beside this checkout's, and the recall set's figures for both.

In ``search_variants.json`` an utterance is relevant when its text holds one of the entry's
``judged_by`` forms (and the speaker label one of ``speaker_label``): the word written
either way. ``search_suggestions.json`` gives the word meant by each misspelled query.
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import unicodedata
from collections import defaultdict
from io import BytesIO
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.qparser import QueryParser

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "bench"))
# Another revision's app code (``--before``) is put first on the path by the parent run.
sys.path.insert(0, os.environ.get("COUNCIL_BENCH_CODE", str(REPO_ROOT)))

from corpus import corpus_dir, load_utterances  # noqa: E402

try:
    from council_app.search import variants  # noqa: E402
except ImportError:  # the app as it was before other spellings (``--before``)
    variants = None
from council_app.search.index import SearchFilters, SearchIndex  # noqa: E402

TOP = 10
#: Hits in which a grade-2 turn is wanted.
FIRST = 3
_DATE = re.compile(r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일")


def as_index_rows(utterances):
    """Number each corpus file so utterances get the minutes_id/order the index expects.

    Each turn is labelled as parsing labels it (when this checkout's code can) and dated
    by its minutes' cover, as the app's index has them.
    """
    files = {name: n for n, name in enumerate(sorted({u["file"] for u in utterances}), 1)}
    dates = {name: _file_date(name) for name in files}
    kind = _labeller()
    return [
        {
            "minutes_id": files[u["file"]],
            "order": u["turn"],
            "text": u["text"],
            "speaker": u["speaker"],
            "body": "plenary",
            "uid": u["key"],
            "date": dates[u["file"]],
            "kind": kind(u["speaker"], u["text"]),
        }
        for u in utterances
    ]


def _labeller():
    try:
        from council_app.minutes.procedure import is_procedural
    except ImportError:  # a revision from before the labels
        return lambda speaker, text: "speech"
    return lambda speaker, text: "procedural" if is_procedural(speaker, None, text) else "speech"


def _file_date(name: str) -> str:
    """Return the ISO date on a minutes file's cover (or in its name), or ''."""
    for folder in ("national-assembly/text", "city-council/text"):
        path = corpus_dir() / folder / f"{name}.txt"
        if path.exists():
            head = name + "\n" + "\n".join(path.read_text(encoding="utf-8").splitlines()[:15])
            if match := _DATE.search(head):
                return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}"
    return ""


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
        spellings = {"variants": variants.load()} if variants else {}
        self.index = SearchIndex(path, morphemes=morphemes, **spellings).create()
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


def graded(rankings: dict[str, list[str]], topics: list[dict]) -> tuple[float, float, int]:
    """Return (mean nDCG@10, share of topics with a grade-2 turn in the first three, count)."""
    ndcg = first = 0.0
    for item in topics:
        grades = {j["key"]: j["grade"] for j in item["judged"]}
        top = rankings[item["query"]][:TOP]
        dcg = sum((2 ** grades.get(uid, 0) - 1) / math.log2(i + 2) for i, uid in enumerate(top))
        ideal = sorted(grades.values(), reverse=True)[:TOP]
        best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
        ndcg += dcg / best if best else 0.0
        first += any(grades.get(uid) == 2 for uid in top[:FIRST])
    return ndcg / len(topics), first / len(topics), len(topics)


def rankings_of(engine, queries, topics) -> dict:
    """Return the engine's top uids per recall query (with its speaker) and per topic."""
    return {
        "recall": [engine.top(item["query"], item.get("speaker")) for item in queries],
        "topics": {item["query"]: engine.top(item["query"], None) for item in topics},
    }


def rankings_at(revision: str, args) -> dict:
    """Run this script on the app code of a git revision; return its rankings."""
    archive = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", "--format=tar", revision, "council_app"],
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.TemporaryDirectory() as code:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(code, filter="data")
        run = subprocess.run(
            [sys.executable, __file__, "--rankings", "--queries", str(args.queries)]
            + ["--topics", str(args.topics)],
            env={**os.environ, "COUNCIL_BENCH_CODE": code},
            check=True,
            capture_output=True,
            text=True,
        )
    return json.loads(run.stdout)


def main():
    """Build each engine over the corpus and print recall@10 and MRR side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", default=Path(__file__).with_name("search_queries.json"))
    parser.add_argument("--topics", default=Path(__file__).with_name("search_topics.json"))
    parser.add_argument(
        "--before", default="869a686dd3e5", help="git revision of today's ranking (before issue 21)"
    )
    parser.add_argument("--rankings", action="store_true", help="print the app's rankings")
    args = parser.parse_args()
    queries = json.loads(Path(args.queries).read_text(encoding="utf-8"))
    topics = json.loads(Path(args.topics).read_text(encoding="utf-8"))
    rows = as_index_rows(load_utterances())
    if args.rankings:
        with tempfile.TemporaryDirectory() as tmp:
            engine = CouncilEngine(tmp, rows, morphemes=True)
            print(json.dumps(rankings_of(engine, queries, topics)))
        return
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
        now = rankings_of(engine, queries, topics)
        # The app's engine, as the last builder made it.
        print_variants(engine.index, load_utterances())
        print_suggestions(engine.index, queries)
    before = rankings_at(args.before, args)
    table[f"today ({args.before})"] = score(_Replay(queries, before["recall"]), queries)
    print_table(table)
    print_topics(
        {
            f"today ({args.before})": graded(before["topics"], topics),
            engine.name: graded(now["topics"], topics),
        }
    )


class _Replay:
    """An engine that answers each query with rankings found earlier, in the same order."""

    def __init__(self, queries, rankings):
        self._answers = iter(rankings)

    def top(self, query, speaker):
        return next(self._answers)


def print_topics(table: dict) -> None:
    """Print nDCG@10 and the share with a grade-2 turn in the first three, per ranking."""
    print(f"\n{'topic queries':32}{'n':>4}  {'nDCG@10':>8}  {'grade 2 in top 3':>17}")
    for name, (ndcg, first, count) in table.items():
        print(f"{name:32}{count:>4}  {ndcg:8.3f}  {first:17.3f}")


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
        hits, kinds, missed = 0, defaultdict(lambda: [0, 0]), []
        for item in judged[name]:
            suggestions = index.suggest(item["query"])
            good = bool(suggestions) and suggestions[0].q == item["expect"]
            hits += good
            if not good:
                first = suggestions[0].q if suggestions else "-"
                missed.append(f"{item['query']}→{first} (meant {item['expect']})")
            kinds[item["kind"]][0] += good
            kinds[item["kind"]][1] += 1
        detail = ", ".join(f"{kind} {good}/{n}" for kind, (good, n) in sorted(kinds.items()))
        print(
            f"{name:11} first suggestion is the word meant: {hits}/{len(judged[name])}"
            f" = {hits / len(judged[name]):.3f} ({detail})"
            + (f"\n            missed: {', '.join(missed)}" if missed else "")
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
