"""Hidden tests: generate_cached. The model is the grader's (strategies.CachedModel), called back from
the student's loop through the sandbox: its logits depend on the whole prefix, it returns a new cache
at every call and refuses an out-of-date one, and it counts the positions fed."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import check, expect_equal, graded

from .strategies import CachedModel, decoding_cases, models_with_ties, models_without_ties

# A worked example on which every known mistake returns other ids.
TEACHING_CASE = (CachedModel([[0, 1, 2], [2, 0, 1], [1, 2, 0]]), [2, 0], 3)


def decode(model, prompt, max_new_tokens, feed="new token", later_cache="latest", row=-1, ties="lowest"):
    """The cached greedy loop with one known mistake switched on, to recognise what a student's code did."""
    model = model.fresh()
    ids = list(prompt)
    logits, cache = model(list(ids), None)
    for step in range(max_new_tokens):
        scores = logits[row]
        ids.append(int(np.argmax(scores)) if ties == "lowest" else len(scores) - 1 - int(np.argmax(scores[::-1])))
        if step + 1 < max_new_tokens:
            fed = [ids[-1]] if feed == "new token" else list(ids)
            logits, cache = model(fed, cache if later_cache == "latest" else None)
    return ids


def known_mistakes(model, prompt, max_new_tokens):
    expected = decode(model, prompt, max_new_tokens)
    return {
        "take the argmax of the LAST row of the logits (the row of the newest position), not the first":
            decode(model, prompt, max_new_tokens, row=0),
        "pass the cache back on every call after the first: with cache=None the model forgets the prompt "
        "and sees only the new token": decode(model, prompt, max_new_tokens, later_cache=None),
        "with a cache, feed only the new token ([new_id]): the cache already holds every earlier position, "
        "so feeding the whole sequence again processes it twice": decode(model, prompt, max_new_tokens,
                                                                         feed="whole sequence"),
        "return the prompt followed by the new tokens, not only the new tokens": expected[len(prompt):],
        "on a tie take the lowest id (np.argmax does), not the highest":
            decode(model, prompt, max_new_tokens, ties="highest"),
        "that is one new token too many: add exactly max_new_tokens tokens": decode(model, prompt, max_new_tokens + 1),
        "that is one new token too few: add exactly max_new_tokens tokens": decode(model, prompt, max_new_tokens - 1),
    }


def check_calls(model, prompt, result):
    """The model saw the prompt with no cache, then each new token but the last, each with the latest cache."""
    expected_feeds = [list(prompt)] + [[token] for token in result[len(prompt):-1]]
    for number, ((fed, cache), expected_fed) in enumerate(zip(model.calls, expected_feeds), 1):
        if number == 1:
            check(fed == expected_fed and cache is None,
                  f"the first call must feed the whole prompt with no cache, model({expected_fed}, None); "
                  f"yours was model({fed}, {cache})")
        else:
            check(fed == expected_fed and cache is not None,
                  f"call {number} must feed only the newest token with the cache the call before returned, "
                  f"model({expected_fed}, cache); yours fed {fed} with "
                  + ("no cache (None)" if cache is None else "the cache"),
                  "after the first call the cache holds every earlier position: feed [new_id] alone, with the cache")
    positions = len(result) - 1
    check(len(model.calls) == len(expected_feeds) and model.positions_fed == positions,
          f"the model processed {model.positions_fed} positions in {len(model.calls)} calls; with the cache it takes "
          f"{len(expected_feeds)} calls and len(prompt_ids) + max_new_tokens - 1 = {positions} positions",
          "the last token generated is returned, not fed: no token comes after it"
          if len(model.calls) == len(expected_feeds) + 1 else None)


def run(student, ref, case):
    """The student's ids and the expected ones, the student's model (with its calls) kept for checks."""
    model, prompt, max_new_tokens = case
    model = model.fresh()
    result = student.generate_cached(model, prompt, max_new_tokens)
    expected = ref.generate_cached(model.fresh(), prompt, max_new_tokens)
    expect_equal(result, expected, mistakes=known_mistakes(model, prompt, max_new_tokens))
    return model, expected


@graded
@given(case=decoding_cases(models_without_ties()))
@example(case=TEACHING_CASE)
def test_same_ids_as_decoding_without_a_cache(student, ref, case):
    """generate_cached(model, prompt_ids, max_new_tokens) returns the prompt followed by max_new_tokens greedy ids (argmax of the last row), the same ids as decoding without a cache."""
    run(student, ref, case)


@graded
@given(case=decoding_cases(models_without_ties()))
@example(case=TEACHING_CASE)
def test_feeds_each_position_once(student, ref, case):
    """generate_cached feeds the prompt once with cache=None, then only the newest token with the latest cache: len(prompt_ids) + max_new_tokens - 1 positions in all."""
    model, expected = run(student, ref, case)
    check_calls(model, case[1], expected)


@graded
@given(case=decoding_cases(models_with_ties()))
def test_ties_go_to_the_lowest_id(student, ref, case):
    """When several ids share the largest logit of the last row, generate_cached appends the lowest of them."""
    run(student, ref, case)
