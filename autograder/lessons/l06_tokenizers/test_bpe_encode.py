"""Hidden tests: bpe_encode."""

from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import Mismatch, assume, expect_equal, graded
from .strategies import cl100k_merges, encodable_with_merges_sent, gpt4_ids, gpt4_merges_sent, gpt4_texts

HINTS = {
    "leftmost": "apply the merge learned earliest (smallest index in merges) among the pairs present, wherever "
                "it is, not the first mergeable pair from the left",
    "latest": "apply the merge learned earliest (smallest index in merges) first, not the latest one",
    "frequent": "apply merges in the order they were learned, not by how often their pair occurs in this text",
    "characters": "start from the UTF-8 bytes, list(text.encode('utf-8')), not from characters (ord): 'é' is "
                  "the two bytes 195, 169",
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


def encode(text, merges, choose="earliest", characters=False, drop_last=False, overlapping=False):
    """bpe_encode, or one of the usual mistakes."""
    rank = {pair: index for index, (pair, _) in enumerate(merges)}
    new_ids = dict(merges)
    ids = [ord(c) for c in text] if characters else list(text.encode("utf-8"))
    while len(ids) >= 2:
        pairs = list(zip(ids, ids[1:]))
        known = [pair for pair in pairs if pair in rank]
        if not known:
            break
        if choose == "leftmost":  # merges the first mergeable pair, that occurrence only
            i = pairs.index(known[0])
            ids = ids[:i] + [new_ids[known[0]]] + ids[i + 2:]
            continue
        if choose == "frequent":
            counts = {}
            for pair in known:
                counts[pair] = counts.get(pair, 0) + 1
            pair = max(counts, key=counts.get)
        else:
            pair = (min if choose == "earliest" else max)(known, key=rank.get)
        ids = merged(ids, pair, new_ids[pair], drop_last, overlapping)
    return ids


def known_mistakes(text, merges):
    variants = {"leftmost": dict(choose="leftmost"), "latest": dict(choose="latest"),
                "frequent": dict(choose="frequent"), "characters": dict(characters=True),
                "drop_last": dict(drop_last=True), "overlapping": dict(overlapping=True)}
    return {HINTS[name]: encode(text, merges, **options) for name, options in variants.items()}


# "acccbé" is the bytes [97, 99, 99, 99, 98, 195, 169]. (99, 99), learned first, merges the first two
# c's: [97, 256, 99, 98, 195, 169]. Then (256, 99) comes first from the left but (99, 98) was
# learned earlier: [97, 256, 257, 195, 169], and no pair is left to merge. Each known mistake differs.
WORKED_MERGES = [((99, 99), 256), ((99, 98), 257), ((256, 99), 258), ((97, 99), 259)]
LETTERS = "abcé "


@st.composite
def merge_lists(draw, max_merges=6):
    """Merges as bpe_train returns them, [((a, b), new_id), ...] with new IDs from 256 in order, each
    pair made of bytes of LETTERS or of earlier new IDs."""
    ids = sorted(set(LETTERS.encode("utf-8")))
    merges = []
    for new_id in range(256, 256 + draw(st.integers(1, max_merges))):
        pair = (draw(st.sampled_from(ids)), draw(st.sampled_from(ids)))
        if pair not in dict(merges):
            merges.append((pair, 256 + len(merges)))
            ids.append(256 + len(merges) - 1)
    return merges


def expect_encoding(got, expected, text, merges, what):
    """Known mistakes are computed only when the result is wrong (with GPT-4's merges each costs time)."""
    try:
        expect_equal(got, expected, what=what)
    except Mismatch:
        expect_equal(got, expected, what=what, mistakes=known_mistakes(text, merges))


@graded
@given(text=st.text(st.sampled_from(LETTERS), max_size=10), merges=merge_lists())
@example(text="acccbé", merges=WORKED_MERGES)
@example(text="aaabdaaabac", merges=[((97, 97), 256), ((256, 97), 257), ((257, 98), 258)])
def test_applies_merges_in_the_order_learned(student, ref, text, merges):
    """bpe_encode starts from the UTF-8 bytes and repeatedly applies, among the pairs present, the merge learned earliest, until no pair has a merge."""
    expect_encoding(student.bpe_encode(text, merges), ref.bpe_encode(text, merges), text, merges,
                    what="token IDs")


@graded
@given(text=st.text(st.characters(codec="utf-8"), max_size=10), length=st.integers(1, 6))
@example(text="aaaé", length=3)
def test_every_merge_applies_all_the_way(student, ref, text, length):
    """With merges (x, x) -> 256, (256, 256) -> 257, (257, 257) -> 258, ..., each doubling the last, bpe_encode applies every merge as often as it can, left to right, and leaves other bytes alone."""
    x = text.encode("utf-8")[0] if text else 97
    merges = [((x, x), 256)] + [((255 + k, 255 + k), 256 + k) for k in range(1, length)]
    run = text + text[:1] * 9
    expect_encoding(student.bpe_encode(run, merges), ref.bpe_encode(run, merges), run, merges,
                    what="token IDs")


@graded
@given(text=gpt4_texts(), index=st.integers(0, 10))
@example(text="🎵", index=0)
@example(text="Have the bards who", index=2)
def test_reproduces_gpt4_with_its_merges(student, ref, text, index):
    """With GPT-4's merges, bpe_encode gives GPT-4's token IDs for any chunk of text (GPT-4 numbers the 256 single bytes in its own order; here a byte's ID is the byte itself)."""
    chunks = [chunk for chunk in ref.pretokenize(text) if encodable_with_merges_sent(chunk)]
    assume(chunks)
    chunk = chunks[index % len(chunks)]
    expect_encoding(student.bpe_encode(chunk, gpt4_merges_sent(student)), gpt4_ids(chunk), chunk, cl100k_merges(),
                    what="token IDs (GPT-4's)")
