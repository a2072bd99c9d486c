"""The utterance schema: which fields the index keeps, and how text becomes postings."""

from array import array
from collections.abc import Mapping

from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.formats import Existence, Frequency, Positions

from council_app.search import analysis, readings, spelling

from .ranking import SPEECH
from .whoosh_private import pack_uint

#: Raised whenever analysis or schema change what an index holds. It is kept in the text
#: fields' format options, so ``same_schema`` tells an index built by another version,
#: which is rebuilt, never searched with analysis it was not made with. 6: every segment
#: has its ``.keys`` file (an older index would be searched from blocks, five times slower
#: at a million utterances, until rebuilt). 7: terms of 128 documents or more have keys.
SCHEMA_VERSION = 7

#: Numbers looked up by value (filters, deletion by minutes). One term per value: Whoosh's
#: default of 16 tiered terms per 64-bit number serves range queries, which we never run.
INDEXED_NUMBERS = ("minutes_id", "meeting_id", "member_id", "session", "term", "agenda_item_id")
#: Numbers only read back per document (sorting, drift checks): a column, no postings.
COLUMN_NUMBERS = ("order", "version")


class _AnalysisTokenizer(Tokenizer):
    """Feed tokens of an ``analysis`` function to Whoosh (highlighting, Whoosh's own parser)."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        """Yield one reused Whoosh token per analysed token, as Whoosh expects."""
        out = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for token in self.analyse(value, mode == "query"):
            out.text, out.boost, out.stopped = token.text, 1.0, False
            out.pos = start_pos + token.pos
            out.startchar, out.endchar = start_char + token.start, start_char + token.end
            yield out


class BigramTokenizer(_AnalysisTokenizer):
    """Hangul bigrams with consecutive positions; see ``analysis.bigram_tokens``."""

    @staticmethod
    def analyse(value, for_query):
        """Return the bigram tokens of value."""
        return analysis.bigram_tokens(value, for_query=for_query)


class MorphemeTokenizer(_AnalysisTokenizer):
    """Content morphemes; see ``analysis.morpheme_tokens``."""

    @staticmethod
    def analyse(value, for_query):
        """Return the morpheme tokens of value."""
        return analysis.morpheme_tokens(value)


class ArrayPositions(Positions):
    """Positions kept as raw 32-bit integers in machine order.

    Whoosh's own format pickles a list of deltas per posting; here encoding is one C call.
    The index is derived data built on the machine that reads it, so byte order is moot.
    """

    def encode(self, poslist):
        """Return the positions as bytes."""
        return array("I", poslist).tobytes()

    def decode_positions(self, valuestring):
        """Return the positions a posting's value holds."""
        positions = array("I")
        positions.frombytes(valuestring)
        return positions.tolist()

    def decode_frequency(self, valuestring):
        """Return how often the term occurs: one position per occurrence."""
        return len(valuestring) // 4

    def decode_weight(self, valuestring):
        """Return the posting's weight, its frequency times the field's boost."""
        return self.decode_frequency(valuestring) * self.field_boost

    def combine(self, vs):
        """Merge the positions of several values."""
        return self.encode(sorted({p for v in vs for p in self.decode_positions(v)}))


def positional_fields(schema) -> set[str]:
    """Return the names of the schema's fields whose postings hold ``ArrayPositions``."""
    return {name for name, field in schema.items() if isinstance(field.format, ArrayPositions)}


class BigramField(TEXT):
    """Text as Hangul bigrams with positions, for words inside compounds and phrases."""

    def __init__(self, **kwargs):
        super().__init__(analyzer=BigramTokenizer(), **kwargs)
        # Formats compare by their options, so the version marks the stored schema.
        self.format = ArrayPositions(self.format.field_boost, analysis=SCHEMA_VERSION)

    def index(self, value, **kwargs):
        """Return (term, frequency, weight, positions) per token, without Whoosh tokens."""
        boost = self.format.field_boost
        return [
            # ArrayPositions.encode, inlined: this runs once per posting.
            (term.encode(), len(positions), len(positions) * boost, array("I", positions).tobytes())
            for term, positions in analysis.bigram_positions(value).items()
        ]


class MorphemeField(TEXT):
    """Content morphemes with their frequency only: phrases are the bigram field's job."""

    def __init__(self, **kwargs):
        super().__init__(analyzer=MorphemeTokenizer(), phrase=False, **kwargs)
        self.format = Frequency(self.format.field_boost, analysis=SCHEMA_VERSION)

    def index(self, value, **kwargs):
        """Return (term, frequency, weight, frequency bytes) per morpheme."""
        boost = self.format.field_boost
        return [
            (term.encode(), count, count * boost, pack_uint(count))
            for term, count in analysis.morpheme_counts(value).items()
        ]


class ReadingField(BigramField):
    """The Hangul reading of a text's Hanja, as bigrams: 李承晩 is found as 이승만.

    Only texts with Hanja have postings here. Where a name reads apart from the word
    (金 as 김), both readings are indexed at the same positions.
    """

    def index(self, value, **kwargs):
        """Return the postings of the text's reading(s); none for a text without Hanja."""
        postings: dict[str, set[int]] = {}
        for read in readings.readings(value):
            for term, positions in analysis.bigram_positions(read).items():
                postings.setdefault(term, set()).update(positions)
        boost = self.format.field_boost
        return [
            (term.encode(), len(found), len(found) * boost, array("I", sorted(found)).tobytes())
            for term, found in postings.items()
        ]


class VocabularyField(ID):
    """The words of a text (Hangul, particles stripped), for spelling suggestions only.

    Neither scored nor searched: its term list, with how many utterances hold each word,
    is the vocabulary suggestions are drawn from (``spelling``).
    """

    def __init__(self):
        super().__init__()
        self.format = Existence(self.format.field_boost, analysis=SCHEMA_VERSION)

    def index(self, value, **kwargs):
        """Return one posting per distinct word of the text and of its Hanja's reading."""
        words = spelling.vocabulary_words(value, analysis.strip_suffix)
        for read in readings.readings(value):
            words |= spelling.vocabulary_words(read, analysis.strip_suffix)
        return [(word.encode(), 1, 1.0, b"") for word in sorted(words)]


class StoredNumber(COLUMN):
    """A number stored with its document and kept in a column, never indexed."""

    stored = True

    def __init__(self):
        super().__init__(NumericColumn("q"))


def build_schema(morphemes: bool = True) -> Schema:
    """Return the utterance schema; ``morphemes=False`` leaves out the morpheme field."""
    fields = {
        "uid": ID(unique=True, stored=True, sortable=True),
        "text": BigramField(stored=True),
        # The speaker label read in Hangul (facets, filters); the label as printed is kept
        # in speaker_label for the hits.
        "speaker": ID(stored=True, sortable=True),
        "speaker_label": STORED(),
        "speaker_words": KEYWORD(lowercase=True),
        "readings": ReadingField(),
        "words": VocabularyField(),
        "title": STORED(),
        "body": ID(stored=True, sortable=True),
        "date": ID(stored=True, sortable=True),
        # Sortable fields are kept in columns, which ``fingerprints`` reads without
        # decompressing every stored document.
        "minutes_status": ID(stored=True, sortable=True),
        #: speech or procedural (``ranking.KINDS``): a filter, and a tier in the ranking.
        "kind": ID(stored=True, sortable=True),
        **{name: NUMERIC(int, bits=64, shift_step=64, stored=True) for name in INDEXED_NUMBERS},
        **{name: StoredNumber() for name in COLUMN_NUMBERS},
    }
    if morphemes:
        # Boosted: a whole-word hit outranks bigrams that merely straddle two words.
        fields["morphs"] = MorphemeField(field_boost=2.0)
    return Schema(**fields)


def same_schema(stored: Schema, wanted: Schema) -> bool:
    """Tell whether an index's stored schema is the one this version builds.

    Whoosh's own comparison holds only for the very same column objects, so an index
    read back from disk never equals a freshly built schema.
    """
    return stored.names() == wanted.names() and all(
        _field_key(stored[name]) == _field_key(wanted[name]) for name in wanted.names()
    )


def _field_key(field) -> tuple:
    column = field.column_type
    return (
        type(field),
        field.format,
        field.stored,
        field.scorable,
        field.unique,
        type(column),
        vars(column) if column is not None else None,
    )


def document(utterance: Mapping, morphemes: bool) -> dict:
    """Map an utterance dict onto index fields, leaving out missing numbers."""
    text = utterance.get("text") or ""
    # A merge feeds back the stored fields, where the label as printed is speaker_label.
    label = utterance.get("speaker_label") or utterance.get("speaker") or ""
    speaker = readings.reading(label)
    doc = {
        "uid": utterance.get("uid") or f"{utterance['minutes_id']}:{utterance['order']}",
        "text": text,
        "speaker": speaker,
        "speaker_label": label,
        "speaker_words": label if speaker == label else f"{label} {speaker}",
        "readings": text,
        "words": text,
        "title": utterance.get("title") or "",
        "body": utterance.get("body") or "",
        "date": iso(utterance.get("date")),
        "minutes_status": utterance.get("minutes_status") or "",
        "kind": utterance.get("kind") or SPEECH,
    }
    doc.update(
        {
            name: int(utterance[name])
            for name in (*INDEXED_NUMBERS, *COLUMN_NUMBERS)
            if utterance.get(name) is not None
        }
    )
    if morphemes:
        doc["morphs"] = text
    return doc


def iso(value) -> str:
    """Return a date as ISO text, the way the index stores and compares it."""
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
