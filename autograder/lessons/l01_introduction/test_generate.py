"""Hidden tests: generate. The model is a grader-side function that the student's loop calls back
through the sandbox; its logits depend on the whole sequence (autograder/strategies/l01.py)."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder.lessons.toolkit import check, expect_equal, graded
from .strategies import models_with_ties, models_without_ties, prompts


def greedy(model, prompt, max_new_tokens, eos_id=None, context="whole", ties="lowest",
           keep_eos=True, eos_in_prompt_stops=False):
    """The greedy loop with one known mistake switched on, to recognise what a student's code did."""
    model = model.fresh()
    ids = list(prompt)
    for _ in range(max_new_tokens):
        if eos_in_prompt_stops and ids[-1] == eos_id:
            break
        logits = model({"whole": ids, "last": ids[-1:], "prompt": ids[:len(prompt)]}[context])
        if ties == "lowest":
            new_id = int(np.argmax(logits))
        else:
            new_id = len(logits) - 1 - int(np.argmax(logits[::-1]))
        if new_id == eos_id and not keep_eos:
            break
        ids.append(new_id)
        if new_id == eos_id:
            break
    return ids


def known_mistakes(model, prompt, max_new_tokens, eos_id=None):
    expected = greedy(model, prompt, max_new_tokens, eos_id)
    eos_dropped = greedy(model, prompt, max_new_tokens, eos_id, keep_eos=False)
    eos_in_prompt_stopped = greedy(model, prompt, max_new_tokens, eos_id, eos_in_prompt_stops=True)
    keep_eos_hint = "append eos_id, then stop: the end-of-sequence token belongs to the output"
    prompt_eos_hint = "stop only when the token just generated is eos_id; an eos_id in the prompt does not count"
    if eos_dropped == eos_in_prompt_stopped:  # both mistakes give this output: name both
        eos_hints = {"this output fits two mistakes: dropping the eos_id you generated (append it, then stop), "
                     "or stopping on an eos_id in the prompt (only a generated eos_id counts)": eos_dropped}
    else:
        eos_hints = {keep_eos_hint: eos_dropped, prompt_eos_hint: eos_in_prompt_stopped}
    return {
        # eos mistakes first: when one coincides with a miscount, the eos hint is the likelier cause
        **eos_hints,
        "stop right after generating eos_id":
            greedy(model, prompt, max_new_tokens),
        "call next_token_logits with the whole sequence so far (prompt + generated), not only the last token":
            greedy(model, prompt, max_new_tokens, eos_id, context="last"),
        "call next_token_logits with the growing sequence (append each new token to it), not the prompt alone":
            greedy(model, prompt, max_new_tokens, eos_id, context="prompt"),
        "return the prompt followed by the new tokens, not only the new tokens":
            expected[len(prompt):],
        "on a tie take the lowest id (np.argmax does), not the highest":
            greedy(model, prompt, max_new_tokens, eos_id, ties="highest"),
        "that is one new token too many: add at most max_new_tokens (count the loop's steps)":
            greedy(model, prompt, max_new_tokens + 1, eos_id),
        "that is one new token too few: add max_new_tokens unless eos_id stops you (count the loop's steps)":
            greedy(model, prompt, max(max_new_tokens - 1, 0), eos_id),
    }


def check_calls(model, result, prompt_length):
    """The model saw each prefix of the output once, in order: prompt, prompt + 1 token, ..."""
    expected_calls = [result[:length] for length in range(prompt_length, len(result))]
    check(model.calls == expected_calls,
          "next_token_logits must be called once per new token, with the whole sequence so far "
          f"(prompt + tokens generated until then): expected the calls {expected_calls}, "
          f"your code made {model.calls}")


@graded
@given(next_token_logits=models_without_ties(), data=st.data())
def test_greedy_loop_over_the_whole_sequence(student, ref, next_token_logits, data):
    """generate calls the model once per new token with the whole sequence so far; returns prompt + argmax ids."""
    model = next_token_logits
    prompt = data.draw(prompts(len(model.table[0])), label="prompt_ids")
    max_new_tokens = data.draw(st.integers(0, 5), label="max_new_tokens")
    result = student.generate(model, prompt, max_new_tokens)
    expected = ref.generate(model.fresh(), prompt, max_new_tokens)
    expect_equal(result, expected, mistakes=known_mistakes(model, prompt, max_new_tokens))
    check_calls(model, expected, len(prompt))


@graded
@given(next_token_logits=models_with_ties(), data=st.data())
def test_ties_go_to_the_lowest_id(student, ref, next_token_logits, data):
    """When several ids share the largest logit, generate appends the lowest of them."""
    model = next_token_logits
    prompt = data.draw(prompts(len(model.table[0])), label="prompt_ids")
    max_new_tokens = data.draw(st.integers(1, 4), label="max_new_tokens")
    result = student.generate(model, prompt, max_new_tokens)
    expected = ref.generate(model.fresh(), prompt, max_new_tokens)
    expect_equal(result, expected, mistakes=known_mistakes(model, prompt, max_new_tokens))


@graded
@given(next_token_logits=models_without_ties(max_vocab=4), data=st.data())
def test_stops_right_after_eos(student, ref, next_token_logits, data):
    """generate stops right after generating eos_id and keeps it; an eos_id in the prompt does not stop it."""
    model = next_token_logits
    vocab = len(model.table[0])
    eos_id = data.draw(st.integers(0, vocab - 1), label="eos_id")
    prompt = data.draw(prompts(vocab), label="prompt_ids")
    max_new_tokens = data.draw(st.integers(0, 6), label="max_new_tokens")
    result = student.generate(model, prompt, max_new_tokens, eos_id=eos_id)
    expected = ref.generate(model.fresh(), prompt, max_new_tokens, eos_id=eos_id)
    expect_equal(result, expected, mistakes=known_mistakes(model, prompt, max_new_tokens, eos_id))
    check_calls(model, expected, len(prompt))
