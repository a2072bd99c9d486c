"""The query nodes the index's matching runs: terms, phrases, prefixes, ranges, and/or/not.

Each node tells, for one segment (a ``matching.Leaf``), about how many documents it may
match (``estimate``), which ones (``docs``), which of some candidates (``narrow``: cheap
when they are few) and how well each matched document scores (BM25F with Whoosh's
defaults). Intersections start from the rarest node. Documents are document arrays
(``keys.documents``): ascending numbers, never changed once made.

Scores are arrays aligned with the documents scored (``keys.bm25``): a common word
matches tens of thousands of documents at a million utterances, and a Python operation
per document cost more than the page's 50 ms.
"""

from itertools import islice, repeat
from operator import sub

from .keys import (
    bm25,
    difference,
    documents,
    intersection,
    no_scores,
    phrase_starts,
    spread,
    union,
)
from .matching import CHECK_EVERY, Leaf, OutOfTime

#: Terms a prefix may stand for; a one-letter prefix would otherwise read half the index.
MAX_EXPANSIONS = 100
#: A phrase's rarest terms that narrow its candidates by whole intersections before any
#: position is read; the others are read for the candidates still in the running only.
FIRST_NARROWED_TERMS = 2
#: Candidates of a phrase matched over keys between two looks at the clock, at most.
MAX_KEYS_SHARE = 8192


class Term:
    """Documents holding one term."""

    def __init__(self, fieldname: str, text):
        self.fieldname, self.text = fieldname, text

    def estimate(self, leaf: Leaf) -> int:
        """Return how many documents hold the term."""
        postings = leaf.postings(self.fieldname, self.text)
        return postings.frequency if postings else 0

    def docs(self, leaf: Leaf):
        """Return the documents holding the term."""
        postings = leaf.postings(self.fieldname, self.text)
        return postings.docs if postings else documents()

    def narrow(self, leaf: Leaf, candidates):
        """Return the candidates holding the term."""
        postings = leaf.postings(self.fieldname, self.text)
        return postings.narrow(candidates) if postings else documents()

    def scores(self, leaf: Leaf, docs):
        """Return the BM25F score of the term in each of docs, which all hold it."""
        postings = leaf.postings(self.fieldname, self.text)
        # Out of time, the documents left unscored still match: they rank last.
        if not postings or not len(docs) or leaf.budget.spent():
            return no_scores(len(docs))
        idf = leaf.stats.idf(self.fieldname, self.text)
        return bm25(idf, postings.weights(docs), leaf.norms_of(self.fieldname, docs))


class Phrase:
    """Documents holding terms at consecutive positions; scored as their terms."""

    def __init__(self, fieldname: str, texts):
        self.fieldname = fieldname
        self.terms = [Term(fieldname, text) for text in texts]

    def estimate(self, leaf: Leaf) -> int:
        """Return how many documents hold the rarest term."""
        return min(term.estimate(leaf) for term in self.terms)

    def docs(self, leaf: Leaf):
        """Return the documents where the terms follow one another."""
        rarest = min(self.terms, key=lambda term: term.estimate(leaf))
        return self.narrow(leaf, rarest.docs(leaf))

    def narrow(self, leaf: Leaf, candidates):
        """Return the candidates where the terms follow one another."""
        postings = [leaf.postings(self.fieldname, term.text) for term in self.terms]
        if not all(postings):
            return documents()
        # Rarest first: most candidates fall at the first terms that look them up.
        terms = sorted(enumerate(postings), key=lambda item: item[1].frequency)
        # Documents missing one of the rarest terms go first, by whole intersections where the
        # candidates are many. A commoner term is looked up only for the candidates whose
        # positions still fit: a bigram such as 하는 is in most utterances, and narrowing
        # by it would decode nearly all of its list to drop next to nothing.
        for _, term_postings in terms[:FIRST_NARROWED_TERMS]:
            candidates = term_postings.narrow(candidates)
            if not len(candidates):
                return candidates
        if all(term_postings.keys is not None for _, term_postings in terms):
            # Every term's occurrences are keys, compared in C, a share of candidates at a
            # time; what was found so far all matches (see below).
            shares = []
            first, size = 0, CHECK_EVERY
            while first < len(candidates):
                if first and leaf.budget.spent():
                    if leaf.excluding:
                        raise OutOfTime
                    break
                share = candidates[first : first + size]
                shares.append(phrase_starts([(offset, p.keys) for offset, p in terms], share))
                # Each share costs little in C but a Python call per term: they grow.
                first, size = first + size, min(size * 2, MAX_KEYS_SHARE)
            return union(shares)
        found = []
        for n, docnum in enumerate(candidates.tolist()):
            # Checking positions is what makes a long phrase of common bigrams slow. What
            # was found so far all matches: a part of the answer, unless it is to exclude.
            if n % CHECK_EVERY == CHECK_EVERY - 1 and leaf.budget.spent():
                if leaf.excluding:
                    raise OutOfTime
                break
            starts = None
            for offset, term_postings in terms:
                positions = term_postings.positions(docnum)
                if positions is None:
                    break
                shifted = map(sub, positions, repeat(offset))
                starts = set(shifted) if starts is None else starts.intersection(shifted)
                if not starts:
                    break
            else:
                found.append(docnum)
        return documents(found, ascending=True)

    def scores(self, leaf: Leaf, docs):
        """Return the sum of the terms' scores in each of docs (which all hold the phrase)."""
        return _sum_scores((term.scores(leaf, docs) for term in self.terms), len(docs))


class AnyOf:
    """Documents any node matches; the scores of the nodes that match add up."""

    def __init__(self, nodes):
        self.nodes = list(nodes)

    def estimate(self, leaf: Leaf) -> int:
        """Return at most how many documents the nodes match together."""
        return sum(node.estimate(leaf) for node in self.nodes)

    def docs(self, leaf: Leaf):
        """Return the documents some node matches."""
        return union(leaf.docs(node) for node in self.nodes)

    def narrow(self, leaf: Leaf, candidates):
        """Return the candidates some node matches."""
        return union(leaf.narrow(node, candidates) for node in self.nodes)

    def scores(self, leaf: Leaf, docs):
        """Return, for each of docs, the sum of the scores of the nodes it matches."""
        return _sum_scores(
            (_scores_where(leaf, node, docs, leaf.narrow(node, docs)) for node in self.nodes),
            len(docs),
        )


class Prefix:
    """Documents holding any term that starts with a prefix (at most MAX_EXPANSIONS).

    The terms differ from segment to segment: in each, the prefix is an ``AnyOf`` of them.
    """

    def __init__(self, fieldname: str, prefix: str):
        self.fieldname, self.prefix = fieldname, prefix
        self._expanded: dict[int, AnyOf] = {}

    def expanded(self, leaf: Leaf) -> "AnyOf":
        """Return the segment's terms that start with the prefix, as one node."""
        key = id(leaf)
        if key not in self._expanded:
            words = leaf.reader.expand_prefix(self.fieldname, self.prefix)
            terms = [Term(self.fieldname, word) for word in islice(words, MAX_EXPANSIONS)]
            self._expanded[key] = AnyOf(terms)
        return self._expanded[key]

    def estimate(self, leaf: Leaf) -> int:
        """Return at most how many documents the terms match together."""
        return self.expanded(leaf).estimate(leaf)

    def docs(self, leaf: Leaf):
        """Return the documents holding any of the terms."""
        return self.expanded(leaf).docs(leaf)

    def narrow(self, leaf: Leaf, candidates):
        """Return the candidates holding any of the terms."""
        return self.expanded(leaf).narrow(leaf, candidates)

    def scores(self, leaf: Leaf, docs):
        """Return the sum of the scores of the terms each of docs holds."""
        return self.expanded(leaf).scores(leaf, docs)


class Bonus:
    """Documents a node matches, each scored a constant more than the node scores it."""

    def __init__(self, node, bonus: float):
        self.node, self.bonus = node, bonus

    def estimate(self, leaf: Leaf) -> int:
        """Return how many documents the node may match."""
        return self.node.estimate(leaf)

    def docs(self, leaf: Leaf):
        """Return the documents the node matches."""
        return leaf.docs(self.node)

    def narrow(self, leaf: Leaf, candidates):
        """Return the candidates the node matches."""
        return leaf.narrow(self.node, candidates)

    def scores(self, leaf: Leaf, docs):
        """Return the node's score plus the bonus in each of docs (which it all matches)."""
        return self.node.scores(leaf, docs) + self.bonus


class Range:
    """Documents whose (text) term in a field lies between two bounds; a filter, unscored."""

    def __init__(self, fieldname: str, start: str | None, end: str | None):
        self.fieldname, self.start, self.end = fieldname, start or "", end

    def estimate(self, leaf: Leaf) -> int:
        """Return how many documents are in the range."""
        return len(leaf.docs(self))

    def docs(self, leaf: Leaf):
        """Return the documents with a term in the range."""
        end = self.end.encode() if self.end is not None else None
        parts = []
        for n, (fieldname, text) in enumerate(leaf.reader.terms_from(self.fieldname, self.start)):
            if fieldname != self.fieldname or (end is not None and text > end):
                break
            if n % CHECK_EVERY == CHECK_EVERY - 1:
                leaf.budget.check()
            parts.append(Term(self.fieldname, text).docs(leaf))
        return union(parts)

    def narrow(self, leaf: Leaf, candidates):
        """Return the candidates in the range."""
        return intersection(candidates, leaf.docs(self))

    def scores(self, leaf: Leaf, docs):
        """A filter adds nothing to a score."""
        return no_scores(len(docs))


class AllOf:
    """Documents every node matches and no excluded node does; scores add up."""

    def __init__(self, nodes, excluded=()):
        self.nodes, self.excluded = list(nodes), list(excluded)

    def estimate(self, leaf: Leaf) -> int:
        """Return how many documents the rarest node may match."""
        if not self.nodes:
            return leaf.reader.doc_count_all()
        return min(node.estimate(leaf) for node in self.nodes)

    def docs(self, leaf: Leaf):
        """Return the documents all nodes match and no excluded node does."""
        if not self.nodes:
            return self._without_excluded(leaf, leaf.all_docs())
        nodes = sorted(self.nodes, key=lambda node: node.estimate(leaf))
        return self.narrow(leaf, leaf.docs(nodes[0]), nodes[1:])

    def narrow(self, leaf: Leaf, candidates, nodes=None):
        """Return the candidates all nodes match and no excluded node does."""
        if nodes is None:
            nodes = sorted(self.nodes, key=lambda node: node.estimate(leaf))
        for node in nodes:
            if not len(candidates):
                break
            candidates = leaf.narrow(node, candidates)
        return self._without_excluded(leaf, candidates)

    def _without_excluded(self, leaf: Leaf, candidates):
        leaf.excluding += 1
        try:
            for node in self.excluded:
                if len(candidates):
                    candidates = difference(candidates, leaf.narrow(node, candidates))
        finally:
            leaf.excluding -= 1
        return candidates

    def scores(self, leaf: Leaf, docs):
        """Return the sum of the nodes' scores in each of docs (which all match them)."""
        return _sum_scores((node.scores(leaf, docs) for node in self.nodes), len(docs))


def _scores_where(leaf: Leaf, node, docs, matched):
    """Return node's scores in each of docs where it matched, 0 elsewhere; None if nowhere."""
    if not len(matched):
        return None
    if len(matched) == len(docs):
        return node.scores(leaf, docs)
    # Score only the documents matched, then spread them over docs: a node is scored only
    # where it matches (a term's weights are read where it is known to be).
    return spread(docs, matched, node.scores(leaf, matched))


def _sum_scores(parts, count: int):
    """Add up aligned score arrays in order (None adds nothing), as Whoosh adds its scores."""
    total = None
    for part in parts:
        if part is not None:
            total = part if total is None else total + part
    return total if total is not None else no_scores(count)
