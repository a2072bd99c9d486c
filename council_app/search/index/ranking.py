"""How hits are ordered by relevance: every signal, and why it is there.

Measured on a graded judged set of 40+ topic queries over the real corpus
(``bench/search_quality.py``, grades 2 = discusses the topic, 1 = mentions it, 0 = a
procedural formula or the word only inside a name). The signals, strongest first:

1. **Procedural turns come after discussion.** Each utterance carries a label given when
   its minutes were parsed (``minutes.procedure``: the chair's formulas, time marks, roll
   calls). The chair names every agenda title in short formulas (의사일정 제2항 …을
   상정합니다), so on words alone they won. A procedural turn now ranks below every
   discussion turn that matched, unless the query itself is about procedure or names an
   agenda item (:func:`names_procedure`: 의사일정, 제3항, 상정, 가결, 회기결정의 건 …), or the
   searcher filters for one kind. They are still found and shown, after the discussion.
2. **BM25F over two fields.** Hangul bigrams (``text``) find a word inside compounds and
   before any particle; content morphemes (``morphs``, boost 2) add to the score of a hit
   on the word itself. Long proper names (committees, councils: 예산결산특별위원회,
   금천구의회) stay one morpheme (``analysis.NAME``), so 예산 only inside the committee's
   name scores the bigrams alone, below a turn that says 예산 on its own.
3. **Length normalisation tuned for utterances** (:data:`B`). Whoosh's default 0.75 is made
   for documents of similar length; turns run from one line to ten pages, and at 0.75 a
   two-line turn naming a word once outranked a page-long speech using it five times.
   At 0.3 the longer speech keeps its lead; a long turn mentioning the word once in
   passing still ranks below a short one about it. :data:`K1` stays Whoosh's.
4. **Ties: newest meeting first**, then the earlier turn. Equal scores are common for
   formulas repeated word for word at every sitting.

What each signal is worth on the judged set (48 topics; recall@10 of the 68-query recall
set beside it), ``python bench/search_quality.py`` and the same with one signal changed::

    ranking                                   nDCG@10  grade 2 in top 3  recall@10
    today (main: b 0.75, no tiers, names split) 0.704        0.833           0.981
    b 0.75, procedural after discussion        0.816        0.917           0.981
    b 0.5,  procedural after discussion        0.875        0.958           0.983
    b 0.3,  procedural after discussion        0.910        0.958           0.985
    b 0.3,  no tiers                           0.812        0.958           0.987
    b 0.3,  tiers, names split as before       0.907        0.958           0.985
    b 0.0,  procedural after discussion        0.952        1.000           0.988

b 0 scores best here, but the judged set's grade 2 ("the word at least twice") favours
long turns by its own rule; at 0 a ten-page speech naming a word once ties a one-line
answer about it, so b stays 0.3, where most of the gain is already had.

The tiers and ties read two columns (kind, date) of every matched turn: at 200,000
utterances (``bench/search_speed.py --scale 200000 --engines whoosh --index DIR``, two runs
each, alternated) the median query went from 4.3–4.4 to 5.3 ms, p95 stayed 24–27 ms.
"""

import re

#: How much a field's length lowers its score (BM25's b); see signal 3.
B = 0.3
#: How quickly repeated occurrences stop adding to the score (BM25's k1), Whoosh's default.
K1 = 1.2
#: The labels an utterance carries, as the index stores them.
SPEECH, PROCEDURAL = "speech", "procedural"
KINDS = (SPEECH, PROCEDURAL)

#: Query words that name procedure or an agenda item: with them the formulas are wanted.
_PROCEDURE_WORDS = re.compile(
    r"의사일정|제\s*\d+\s*항|상정|가결|부결|의결|선포|개의|산회|정회|속개|폐회|개회|성원|"
    r"출석|결석|청가|회기\s*결정|의\s*건$|(?<![가-힣])건$|이의\s*(?:있|없)"
)


def names_procedure(q: str) -> bool:
    """Tell whether a query asks for procedure or names an agenda item (signal 1)."""
    return bool(_PROCEDURE_WORDS.search(q.strip()))
