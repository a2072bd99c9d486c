"""Document arrays (``keys``) do what Python's set operations do, in order and without repeats."""

from array import array
from collections import Counter

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from council_app.search.index import keys

numbers = st.lists(st.integers(min_value=0, max_value=300), max_size=60)


def _array(values) -> np.ndarray:
    return keys.documents(values)


def _as_list(docs) -> list[int]:
    listed = docs.tolist()
    assert listed == sorted(set(listed)), "a document array is ascending without repeats"
    return listed


@given(numbers)
def test_documents_are_ascending_without_repeats(values):
    assert _as_list(keys.documents(values)) == sorted(set(values))
    ascending = sorted(set(values))
    assert _as_list(keys.documents(ascending, ascending=True)) == ascending


@given(numbers, numbers)
def test_intersection_and_difference_are_the_set_operations(first, second):
    a, b = _array(first), _array(second)
    assert _as_list(keys.intersection(a, b)) == sorted(set(first) & set(second))
    assert _as_list(keys.intersection(b, a)) == sorted(set(first) & set(second))
    assert _as_list(keys.difference(a, b)) == sorted(set(first) - set(second))
    assert keys.within(a, b) == (set(first) <= set(second))


@given(st.lists(numbers, max_size=5))
def test_union_is_every_document_of_any_array(parts):
    expected = sorted(set().union(*parts))
    assert _as_list(keys.union(_array(part) for part in parts)) == expected


@given(numbers)
def test_a_terms_ids_narrow_candidates_whatever_their_width(values):
    # A term's documents are read from the file as 32-bit numbers; candidates are 64-bit.
    ids = np.asarray(sorted(set(values)), dtype=np.dtype("<u4"))
    candidates = keys.documents(range(0, 301, 3))
    narrowed = keys.intersection(candidates, ids)
    assert narrowed.dtype == candidates.dtype
    assert _as_list(narrowed) == sorted(set(values) & set(range(0, 301, 3)))


@given(st.lists(st.integers(min_value=0, max_value=299), max_size=60), st.sampled_from("BHI"))
def test_codes_are_counted_as_a_counter_counts_them(docs, typecode):
    codes = array(typecode, (n * 7 % 5 for n in range(300)))
    assert keys.count_codes(codes, docs) == Counter(codes[d] for d in docs)


@given(
    st.lists(st.tuples(st.integers(0, 5), st.booleans()), max_size=40),
    st.integers(min_value=1, max_value=12),
    st.booleans(),
)
def test_contenders_are_every_document_as_good_as_the_keep_th_best(rows, keep, demote):
    # Few distinct scores, so ties at the cut are common.
    scores = [float(score) for score, _ in rows]
    demoted = [flag for _, flag in rows] if demote else None
    ranks = [(demoted[i] if demote else False, -scores[i]) for i in range(len(rows))]
    cut = sorted(ranks)[keep - 1] if len(ranks) > keep else max(ranks, default=None)
    expected = [i for i, rank in enumerate(ranks) if rank <= cut]
    assert keys.contenders(keep, scores, demoted) == expected
