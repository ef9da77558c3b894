"""Hidden tests: bpe_train."""

from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import expect_equal, graded

TIES = ("among equally frequent pairs, take the one whose first occurrence comes earliest in the current "
        "sequence (a dict keeps the order in which pairs were first seen, and max returns the first of equal "
        "maxima); do not order ties by the pair's IDs")
HINTS = {
    "ties_smallest": TIES + ": you took the smallest pair",
    "ties_largest": TIES + ": you took the largest pair",
    "ties_last": TIES + ": you took the one seen last",
    "characters": "train on the UTF-8 bytes, list(text.encode('utf-8')), not on characters (ord): 'é' is the "
                  "two bytes 195, 169",
    "one_too_many": "learn vocab_size - 256 merges: the 256 byte tokens are already in the vocabulary",
    "not_applied": "after each merge, replace the pair in the sequence by its new ID before counting again",
    "drop_last": "when replacing a pair, keep the sequence's last ID when it is not part of a pair (scan to "
                 "the end, not to len - 1)",
    "overlapping": "replace the pair left to right without overlaps: after a match, move past both IDs",
}


def merged(ids, pair, new_id, drop_last=False, overlapping=False):
    out, i = [], 0
    while i < len(ids) - (1 if drop_last else 0):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
            i += 1 if overlapping else 2
        else:
            out.append(ids[i])
            i += 1
    return out


def train(text, vocab_size, ties="first", characters=False, one_too_many=False, not_applied=False,
          drop_last=False, overlapping=False):
    """bpe_train, or one of the usual mistakes."""
    ids = [ord(c) for c in text] if characters else list(text.encode("utf-8"))
    merges = []
    for new_id in range(256, vocab_size + (1 if one_too_many else 0)):
        counts = {}
        for pair in zip(ids, ids[1:]):
            counts[pair] = counts.get(pair, 0) + 1
        if not counts:
            break
        best = {"first": lambda: max(counts, key=counts.get),
                "smallest": lambda: min(counts, key=lambda p: (-counts[p], p)),
                "largest": lambda: max(counts, key=lambda p: (counts[p], p)),
                "last": lambda: max(reversed(list(counts)), key=counts.get)}[ties]()
        merges.append((best, new_id))
        if not not_applied:
            ids = merged(ids, best, new_id, drop_last, overlapping)
    return merges


def known_mistakes(text, vocab_size):
    variants = {"ties_smallest": dict(ties="smallest"), "ties_largest": dict(ties="largest"),
                "ties_last": dict(ties="last"), "characters": dict(characters=True),
                "one_too_many": dict(one_too_many=True), "not_applied": dict(not_applied=True),
                "drop_last": dict(drop_last=True), "overlapping": dict(overlapping=True)}
    return {HINTS[name]: train(text, vocab_size, **options) for name, options in variants.items()}


def expect_merges(student, ref, text, vocab_size):
    expect_equal(student.bpe_train(text, vocab_size), ref.bpe_train(text, vocab_size),
                 what="merges", mistakes=known_mistakes(text, vocab_size))


@graded
def test_the_wikipedia_example(student, ref):
    """bpe_train("aaabdaaabac", 259) learns [((97, 97), 256), ((256, 97), 257), ((257, 98), 258)]: "aa" first, then the tie between (256, 97) and (97, 98) goes to (256, 97), which occurs first."""
    expected = [((97, 97), 256), ((256, 97), 257), ((257, 98), 258)]
    expect_equal(student.bpe_train("aaabdaaabac", 259), expected, what="merges",
                 mistakes=known_mistakes("aaabdaaabac", 259))


# "cbaaa" to 259: (97, 97) occurs twice -> 256, giving [99, 98, 256, 97]; then three pairs once each,
# and the first, (99, 98), wins -> 257; then (257, 256) -> 258. Every known mistake gives other merges.
@graded
@given(text=st.text(st.sampled_from("abc "), max_size=12), vocab_size=st.integers(256, 262))
@example(text="cbaaa", vocab_size=259)
def test_learns_the_most_frequent_pair_first_seen(student, ref, text, vocab_size):
    """Each merge takes the most frequent adjacent pair of the current sequence (overlapping pairs count), ties going to the pair that occurs first; new IDs count up from 256."""
    expect_merges(student, ref, text, vocab_size)


# "bééa" is the bytes [98, 195, 169, 195, 169, 97]: (195, 169) occurs twice -> 256; then (98, 256),
# (256, 256) and (256, 97) once each -> (98, 256) -> 257; then (257, 256) -> 258.
@graded
@given(text=st.text(st.one_of(st.sampled_from("aé€ "), st.characters(codec="utf-8")), max_size=8),
       extra_merges=st.integers(0, 6))
@example(text="bééa", extra_merges=3)
@example(text="", extra_merges=2)
def test_works_on_utf8_bytes_and_stops_when_no_pair_is_left(student, ref, text, extra_merges):
    """Training runs on the UTF-8 bytes of the text (a character may be several bytes), and stops early, with fewer merges, when the sequence has no pair left."""
    expect_merges(student, ref, text, 256 + extra_merges)
