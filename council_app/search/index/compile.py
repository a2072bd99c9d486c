"""Parsed queries and search filters as trees of the matching's query nodes (``nodes``)."""

from council_app.search import analysis
from council_app.search.query import ParsedQuery, Term

from .nodes import AllOf, AnyOf, Bonus, Phrase, Prefix, Range
from .nodes import Term as TermNode
from .schema import iso

#: Added to the score of an utterance that holds a word as typed, where other spellings of
#: it are searched too: BM25 scores stay far below it, so every exact hit ranks above
#: every hit of another spelling only.
EXACT_BONUS = 1000.0


def query_node(parsed: ParsedQuery, morphemes: bool, variants=None, readings: bool = False):
    """Translate parsed clauses into a query node; None if nothing is searchable.

    With ``variants`` (``search.variants.Variants``) a word also finds its other spellings;
    with ``readings`` (the index holds Hanja) also the Hanja read as it.
    """
    required, excluded = [], []
    for clause in parsed.clauses:
        nodes = (term_node(term, morphemes, variants, readings) for term in clause.terms)
        terms = [node for node in nodes if node is not None]
        if terms:
            (excluded if clause.negated else required).append(AnyOf(terms))
    if parsed.clauses and not required:
        return None
    return AllOf(required, excluded)


def term_node(term: Term, morphemes: bool, variants=None, readings: bool = False):
    """Return the node of one query term; None if nothing of it is searchable.

    Other spellings (``variants``, Hanja ``readings``) are alternatives ranked below the
    term as typed; a quoted phrase is searched as written only.
    """
    form = analysis.query_form(term.text, phrase=term.phrase or term.prefix, morphemes=morphemes)
    if term.prefix and len(form.bigram_seqs) == 1 and _is_latin_word(form.bigram_seqs[0]):
        return Prefix("text", form.bigram_seqs[0][0])
    alternatives = [_sequence("text", seq) for seq in form.bigram_seqs]
    # The morpheme field has no positions, so it cannot tell a quoted phrase's order.
    if form.morphemes and not term.phrase:
        alternatives.append(AllOf(TermNode("morphs", m) for m in form.morphemes))
    if not alternatives:
        return None
    exact = AnyOf(alternatives)
    if term.phrase or term.prefix:
        return exact
    others = [_sequence("text", seq) for other in spellings(term, variants) for seq in _seqs(other)]
    if readings:
        others += [_sequence("readings", seq) for seq in form.bigram_seqs]
    return AnyOf([Bonus(exact, EXACT_BONUS), *others]) if others else exact


def spellings(term: Term, variants) -> list[str]:
    """Return the other spellings of a query term searched beside it."""
    if variants is None or term.phrase or term.prefix:
        return []
    text = term.text.strip()
    return variants.of(text, analysis.strip_suffix(text))


def _seqs(text: str) -> tuple[tuple[str, ...], ...]:
    return analysis.query_form(text, phrase=True, morphemes=False).bigram_seqs


def needles(parsed: ParsedQuery, variants=None) -> list[str]:
    """Return the strings the snippets highlight for the query's positive terms."""
    return [
        needle
        for term in parsed.positive_terms
        for text in (term.text, *spellings(term, variants))
        for needle in analysis.query_form(text, phrase=term.phrase, morphemes=False).needles
    ]


def filter_node(schema, filters):
    """Return the node of documents the filters (``SearchFilters``) let through, or None."""
    if filters is None:
        return None
    parts = [
        TermNode(name, value)
        for name in ("body", "minutes_status", "kind")
        if (value := getattr(filters, name))
    ]
    parts += [
        TermNode(name, value)
        for name in ("member_id", "session", "term", "agenda_item_id", "minutes_id")
        if (value := getattr(filters, name)) is not None
    ]
    if filters.speaker:
        # Split and lowered as the speaker_words field's keyword analyzer indexes it.
        words = schema["speaker_words"].process_text(filters.speaker, mode="query")
        parts += [TermNode("speaker_words", word) for word in words]
    if filters.date_from or filters.date_to:
        parts.append(Range("date", iso(filters.date_from) or None, iso(filters.date_to) or None))
    return AllOf(parts) if parts else None


def _is_latin_word(seq: tuple[str, ...]) -> bool:
    return len(seq) == 1 and not any(analysis.is_cjk(ch) for ch in seq[0])


def _sequence(fieldname: str, words: tuple[str, ...]):
    if len(words) == 1:
        return TermNode(fieldname, words[0])
    return Phrase(fieldname, words)
