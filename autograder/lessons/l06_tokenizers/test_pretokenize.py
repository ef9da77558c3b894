"""Hidden tests: pretokenize."""

import regex
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import Mismatch, RaisedError, expect_equal, graded
from .strategies import TEST_STRING, gpt4_texts

# GPT-2's pattern (tiktoken's r50k_base): case-sensitive contractions, numbers of any length.
GPT2_SPLIT_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"""
OTHER_PATTERNS = (GPT2_SPLIT_PATTERN, r"\p{L}+|\p{N}+|\s+|[^\s\p{L}\p{N}]+", r"\S+|\s+", r"\w+|\W")


def known_mistakes(text, pattern, default_used=None):
    chunks = regex.findall(pattern, text)
    mistakes = {
        "return the matches (regex.findall), not the pieces between them (regex.split)": regex.split(pattern, text),
        "split with the pattern, not on whitespace (text.split()): chunks keep their spaces": text.split(),
        "keep whitespace-only chunks: no character may be lost": [c for c in chunks if c.strip()],
        "keep each chunk as the pattern matched it, with its spaces: do not strip them": [c.strip() for c in chunks],
    }
    if default_used:
        mistakes["split with the `pattern` you are given; GPT4_SPLIT_PATTERN is only its default"] = default_used
    return mistakes


def chunks_of(call):
    """The student's chunks; Python's re, which rejects \\p{L}, gets a hint."""
    try:
        return call()
    except RaisedError as error:
        if "bad escape \\p" in error.error_message:
            raise Mismatch(str(error), hint="Python's re does not know \\p{L} and \\p{N}: use the regex package "
                                            "(regex.findall), imported at the top of the notebook") from None
        raise


@graded
@given(text=gpt4_texts())
@example(text="Hello world!! It's  2024\n")
@example(text=TEST_STRING)
def test_splits_like_gpt4_by_default(student, ref, text):
    """pretokenize(text) is the list of the successive matches of GPT-4's pattern in text: words with their leading space, numbers of up to 3 digits, punctuation, whitespace; "".join of them is text."""
    expect_equal(chunks_of(lambda: student.pretokenize(text)), ref.pretokenize(text), what="chunks",
                 mistakes=known_mistakes(text, ref.GPT4_SPLIT_PATTERN))


@graded
@given(text=gpt4_texts(), pattern=st.sampled_from(OTHER_PATTERNS))
@example(text="It's 12345 DON'T stop!", pattern=GPT2_SPLIT_PATTERN)
def test_splits_with_the_pattern_given(student, ref, text, pattern):
    """pretokenize(text, pattern) splits with the pattern given, e.g. GPT-2's, which keeps numbers whole and only lowercase contractions."""
    expect_equal(chunks_of(lambda: student.pretokenize(text, pattern)), ref.pretokenize(text, pattern), what="chunks",
                 mistakes=known_mistakes(text, pattern, ref.pretokenize(text)))
