"""Hidden tests: tokenize_words."""

import re

from hypothesis import given

from autograder.lessons.toolkit import expect_equal, graded
from .strategies import texts


@graded
@given(text=texts())
def test_lowercase_words_of_the_regex(student, ref, text):
    """tokenize_words(text) lowercases the text, then returns every match of r"\\b\\w+\\b" in order."""
    lowered = text.lower()
    expect_equal(student.tokenize_words(text), ref.tokenize_words(text), mistakes={
        "split on the regex r\"\\b\\w+\\b\", not on spaces: punctuation is not part of a word":
            lowered.split(),
        "lowercase the text first: 'The' and 'the' are the same word": re.findall(r"\b\w+\b", text),
        "a word is a run of \\w characters: letters (of every script), digits and _, not letters alone":
            re.findall(r"[^\W\d_]+", lowered),
        "a word is a run of \\w characters: letters of every script (é, ß, ω), digits and _, not only [a-z]":
            re.findall(r"[a-z]+", lowered),
        "a word is a run of \\w characters: letters of every script (é, ß, ω), digits and _, not only [a-z0-9]":
            re.findall(r"[a-z0-9]+", lowered),
        "re.split leaves empty strings around separators: take the matches (re.findall) instead":
            re.split(r"\W+", lowered),
    })
