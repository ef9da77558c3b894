"""Hidden tests: bpe_decode."""

from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import Mismatch, RaisedError, expect_equal, graded
from .strategies import cl100k_merges, encodable_with_merges_sent, gpt4_ids, gpt4_merges_sent, gpt4_texts

JOIN_FIRST = ("join the bytes of all the tokens first, then decode them once: a character can straddle two "
              "tokens, and decoding token by token turns each half into '\\ufffd'")
HINTS = {
    "per_token": JOIN_FIRST,
    "ignore": "decode with errors='replace', which turns invalid bytes into '\\ufffd', not errors='ignore', "
              "which drops them",
    "latin1": "the bytes are UTF-8: decode them with .decode('utf-8', errors='replace'), not one character per "
              "byte (chr or latin-1)",
}


def token_bytes(merges):
    table = {b: bytes([b]) for b in range(256)}
    for (a, b), new_id in merges:
        table[new_id] = table[a] + table[b]
    return table


def known_mistakes(ids, merges):
    table = token_bytes(merges)
    joined = b"".join(table[i] for i in ids)
    return {HINTS["per_token"]: "".join(table[i].decode("utf-8", errors="replace") for i in ids),
            HINTS["ignore"]: joined.decode("utf-8", errors="ignore"),
            HINTS["latin1"]: joined.decode("latin-1")}


# 257 is "é" followed by "l" (a merge of a merge); 226, 130, 172 are the three bytes of "€", one token
# each; 195 alone is half of a character: "hél€\ufffd". Every known mistake gives another text.
WORKED_MERGES = [((195, 169), 256), ((256, 108), 257)]
WORKED_IDS = [104, 257, 226, 130, 172, 195]


@st.composite
def ids_and_merges(draw):
    """(IDs of bytes and merged tokens, merges of random pairs). Bytes are mostly those of "abé€🎵", so
    that sequences are valid UTF-8 in places and cut characters in others."""
    byte = st.one_of(st.sampled_from(list("abé€🎵".encode("utf-8"))), st.integers(0, 255))
    merged_ids, merges = [], []
    for new_id in range(256, 256 + draw(st.integers(0, 4))):
        pair = (draw(st.one_of(byte, st.sampled_from(merged_ids or [97]))), draw(byte))
        merges.append((pair, new_id))
        merged_ids.append(new_id)
    token = st.one_of(byte, st.sampled_from(merged_ids)) if merged_ids else byte
    return draw(st.lists(token, max_size=8)), merges


def decoded(call):
    """The student's text; `bytes([a, b])` on a merged ID gets a hint."""
    try:
        return call()
    except RaisedError as error:
        if "bytes must be in range" in error.error_message:
            raise Mismatch(str(error), hint="the parts of a merged token can be merged tokens themselves (258 is "
                                            "257 followed by 98): look up the bytes of each part, not bytes([a, b])"
                           ) from None
        raise


@graded
@given(ids_and_merges=ids_and_merges())
@example(ids_and_merges=(WORKED_IDS, WORKED_MERGES))
def test_joins_the_bytes_then_decodes_with_replacement(student, ref, ids_and_merges):
    """bpe_decode joins the bytes of all the tokens (a merged token holds the bytes of its pair, recursively) and decodes them as UTF-8 once, with errors="replace"."""
    ids, merges = ids_and_merges
    expect_equal(decoded(lambda: student.bpe_decode(ids, merges)), ref.bpe_decode(ids, merges), what="text",
                 mistakes=known_mistakes(ids, merges))


@graded
@given(text=gpt4_texts(), training=st.text(st.sampled_from("aé€🎵 "), max_size=12))
@example(text="Have the bards who 🎵 naïve", training="ééé 🎵🎵 bards")
def test_decoding_undoes_encoding(student, ref, text, training):
    """bpe_decode(bpe_encode(text, merges), merges) == text for any text: with merges trained on other text, and with GPT-4's merges on each chunk."""
    merges = ref.bpe_train(training, 262)
    ids = ref.bpe_encode(text, merges)
    expect_equal(decoded(lambda: student.bpe_decode(ids, merges)), text, what="text", mistakes=known_mistakes(ids, merges))
    for chunk in [chunk for chunk in ref.pretokenize(text) if encodable_with_merges_sent(chunk)][:2]:
        ids = gpt4_ids(chunk)
        got = student.bpe_decode(ids, gpt4_merges_sent(student))
        try:
            expect_equal(got, chunk, what="text (GPT-4's merges)")
        except Mismatch:  # the hints cost time with GPT-4's merges: only for a wrong result
            expect_equal(got, chunk, what="text (GPT-4's merges)", mistakes=known_mistakes(ids, cl100k_merges()))
