"""Hidden tests: wordpiece_tokenize."""

import string
import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import Mismatch, expect_equal, graded
from .strategies import TEST_STRING, bert_texts, bert_tokens, bert_vocab, bert_vocab_sent

HINTS = {
    "shortest": "take the LONGEST piece in the vocabulary at each step (try the longest first), not the shortest",
    "partial_unk": "when a word cannot be spelled to its end, the WHOLE word becomes unk, not just the part left",
    "no_hashes": "a piece that continues a word is looked up with '##' in front ('##ization')",
    "no_lowercase": "lowercase the text first (bert-base-uncased)",
    "accents_kept": "strip accents: unicodedata.normalize('NFD', ...), then drop the characters of category 'Mn'",
    "ascii_only": "strip accents by dropping the combining marks (category 'Mn') only: encoding to ASCII drops "
                  "every other non-ASCII character too",
    "no_punctuation_split": "every punctuation character is a word of its own: split words at punctuation too",
    "ascii_punctuation": "punctuation is any character whose unicodedata.category starts with 'P' (such as '¿' or "
                         "'«'), and any ASCII character other than a letter, digit or space: string.punctuation "
                         "is only the ASCII part",
    "max_inclusive": "only a word of MORE than max_chars_per_word characters becomes unk at once",
    "max_ignored": "a word of more than max_chars_per_word characters becomes unk without trying",
    "unk_ignored": "use the unk token you are given, not always '[UNK]'",
}


def is_punctuation(c, ascii_only=False):
    if ascii_only:
        return c in string.punctuation
    return unicodedata.category(c).startswith("P") or (c.isascii() and not c.isalnum())


def tokenize(text, vocab, unk="[UNK]", max_chars_per_word=100, longest=True, partial_unk=False, hashes=True,
             lowercase=True, accents="strip", punctuation="all", max_check=">"):
    """wordpiece_tokenize, or one of the usual mistakes."""
    if lowercase:
        text = text.lower()
    if accents == "strip":
        text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    elif accents == "ascii":
        text = unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode("ascii")
    words = []
    for chunk in text.split():
        word = ""
        for c in chunk:
            if punctuation != "none" and is_punctuation(c, ascii_only=punctuation == "ascii"):
                words += [word, c] if word else [c]
                word = ""
            else:
                word += c
        if word:
            words.append(word)
    tokens = []
    for word in words:
        too_long = {">": len(word) > max_chars_per_word, ">=": len(word) >= max_chars_per_word}.get(max_check, False)
        if too_long:
            tokens.append(unk)
            continue
        pieces, start = [], 0
        while start < len(word):
            ends = range(len(word), start, -1) if longest else range(start + 1, len(word) + 1)
            prefix = "##" if start and hashes else ""
            end = next((end for end in ends if prefix + word[start:end] in vocab), None)
            if end is None:
                pieces = pieces + [unk] if partial_unk else [unk]
                break
            pieces.append(prefix + word[start:end])
            start = end
        tokens += pieces
    return tokens


def known_mistakes(text, vocab, unk="[UNK]", max_chars_per_word=100):
    variants = {"shortest": dict(longest=False), "partial_unk": dict(partial_unk=True), "no_hashes": dict(hashes=False),
                "no_lowercase": dict(lowercase=False), "accents_kept": dict(accents="keep"),
                "ascii_only": dict(accents="ascii"), "no_punctuation_split": dict(punctuation="none"),
                "ascii_punctuation": dict(punctuation="ascii"), "max_inclusive": dict(max_check=">="),
                "max_ignored": dict(max_check="none")}
    mistakes = {HINTS[name]: tokenize(text, vocab, unk, max_chars_per_word, **options)
                for name, options in variants.items()}
    mistakes[HINTS["unk_ignored"]] = tokenize(text, vocab, "[UNK]", max_chars_per_word)
    return mistakes


# A small vocabulary and a text on which each known mistake gives other tokens: "¿" is punctuation
# (not ASCII, not to be dropped), "Ünaff" needs its accent stripped and the longest match ("un", not
# "u"); "unaffx" cannot be spelled to its end; "playingplay" has more than 9 characters, the limit,
# "unaffable" exactly 9; "Playing" needs the lowercase.
WORKED_VOCAB = {token: i for i, token in enumerate(
    ["<unk>", "u", "un", "##aff", "##able", "play", "##ing", "##play", ",", "!", "¿", "?"])}
WORKED_TEXT = "¿Ünaff? unaffx playingplay! Playing unaffable"


@st.composite
def vocabularies(draw):
    """Small vocabularies of pieces of "abc", some with "##" in front, and the unk token "<unk>"."""
    pieces = st.text(st.sampled_from("abc"), min_size=1, max_size=3)
    tokens = draw(st.lists(st.tuples(st.booleans(), pieces), max_size=10))
    return {"<unk>": 0, **{("##" if continues else "") + piece: i + 1 for i, (continues, piece) in enumerate(tokens)}}


@graded
@given(text=st.text(st.sampled_from("abcABCá ,.¿«"), max_size=16), vocab=vocabularies(),
       max_chars_per_word=st.integers(2, 8))
@example(text=WORKED_TEXT, vocab=WORKED_VOCAB, max_chars_per_word=9)
def test_greedy_longest_match_first(student, ref, text, vocab, max_chars_per_word):
    """Lowercase, strip accents, split at whitespace and punctuation, then spell each word greedily with the longest pieces in vocab ("##" for continuations); a word that cannot be spelled, or is longer than max_chars_per_word, is one unk."""
    expect_equal(student.wordpiece_tokenize(text, vocab, "<unk>", max_chars_per_word),
                 ref.wordpiece_tokenize(text, vocab, "<unk>", max_chars_per_word), what="tokens",
                 mistakes=known_mistakes(text, vocab, "<unk>", max_chars_per_word))


@graded(points=2)
@given(text=bert_texts())
@example(text=TEST_STRING)
@example(text="Héllo, CAPITALIZATION! ¿Qué? naïve café 🎵 " + "ab" * 51)
def test_matches_bert_with_its_vocabulary(student, ref, text):
    """With bert-base-uncased's vocabulary, wordpiece_tokenize gives the tokens of the real BERT tokenizer (without [CLS] and [SEP]): accents, punctuation of any script, long words and [UNK]."""
    got = student.wordpiece_tokenize(text, bert_vocab_sent(student))
    expected = bert_tokens(text)
    try:
        expect_equal(got, expected, what="tokens")
    except Mismatch:  # the hints cost time with the real vocabulary: only for a wrong result
        expect_equal(got, expected, what="tokens", mistakes=known_mistakes(text, bert_vocab()))
