"""Hidden tests: generate_greedy. The model is the grader's, called back from your loop through the
sandbox: you call it with a (1, T) torch tensor of ids and get its (1, T, V) logits as a torch tensor.
It is a tiny GPT-2 (the reference TinyGPT with random weights) or a bigram table, never your TinyGPT."""

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import expect_equal, graded

from .strategies import as_torch_model, gpt_configs, gpt_model, table_model

# The docstring's example: every known mistake returns other ids on it.
TEACHING_TABLE = [[0, 1, 2], [2, 0, 1], [1, 2, 0]]
TEACHING_CASE = (table_model(TEACHING_TABLE), [2, 0], 3)


def decode(model, prompt, max_new_tokens, position=-1, feed="whole sequence", ties="lowest"):
    """Greedy decoding with one known mistake switched on, to recognise what a student's code did."""
    ids = list(prompt)
    for _ in range(max_new_tokens):
        scores = model(np.array([ids if feed == "whole sequence" else list(prompt)]))[0, position]
        ids.append(int(np.argmax(scores)) if ties == "lowest" else len(scores) - 1 - int(np.argmax(scores[::-1])))
    return ids


def known_mistakes(model, prompt, max_new_tokens):
    expected = decode(model, prompt, max_new_tokens)
    mistakes = {
        "the next token is the argmax of the LAST position's logits (logits[0, -1]), the prediction after "
        "the whole sequence, not of the first position's": decode(model, prompt, max_new_tokens, position=0),
        "append each new id and run the model on the grown sequence: a model that sees the prompt alone "
        "predicts the same token every time": decode(model, prompt, max_new_tokens, feed="prompt only"),
        "return the prompt followed by the new ids, not the new ids alone": expected[len(prompt):],
        "on a tie take the lowest id (torch.argmax does), not the highest":
            decode(model, prompt, max_new_tokens, ties="highest"),
        "that is one new token too many: add exactly max_new_tokens ids": decode(model, prompt, max_new_tokens + 1),
    }
    if max_new_tokens:
        mistakes["that is one new token too few: add exactly max_new_tokens ids"] = expected[:-1]
    return mistakes


def run(student, ref, model, prompt, max_new_tokens):
    expected = ref.generate_greedy(as_torch_model(model), prompt, max_new_tokens)
    expect_equal(student.generate_greedy(model.torch_callable(), prompt, max_new_tokens), expected,
                 mistakes=known_mistakes(model, prompt, max_new_tokens))


@st.composite
def gpt_cases(draw):
    """(the grader's GPT, prompt ids, max_new_tokens) with prompt + new ids within its context length."""
    config = draw(gpt_configs())
    seed = draw(st.integers(0, 2**16))
    length = draw(st.integers(1, config["n_positions"]))
    prompt = draw(st.lists(st.integers(0, config["vocab_size"] - 1), min_size=length, max_size=length))
    return config, seed, prompt, draw(st.integers(0, config["n_positions"] - length))


@st.composite
def tied_cases(draw):
    """(a bigram model whose rows are small integers, so that ties are common, prompt, max_new_tokens)."""
    vocab = draw(st.integers(2, 4))
    table = draw(st.lists(st.lists(st.integers(0, 1), min_size=vocab, max_size=vocab), min_size=vocab,
                          max_size=vocab))
    prompt = draw(st.lists(st.integers(0, vocab - 1), min_size=1, max_size=3))
    return table_model(table), prompt, draw(st.integers(1, 4))


@graded
@given(case=gpt_cases())
@example(case=TEACHING_CASE)
def test_appends_the_argmax_of_the_last_position(student, ref, case):
    """generate_greedy(model, prompt_ids, max_new_tokens) returns the prompt followed by max_new_tokens ids, each the argmax of the model's logits at the last position of the sequence so far, as Hugging Face's greedy generate."""
    if len(case) == 4:
        config, seed, prompt, max_new_tokens = case
        model = gpt_model(ref, config, seed)
    else:
        model, prompt, max_new_tokens = case
    run(student, ref, model, prompt, max_new_tokens)


@graded
@given(case=tied_cases())
@example(case=(table_model([[1, 1, 0], [0, 1, 1], [1, 0, 1]]), [0], 3))
def test_ties_go_to_the_lowest_id(student, ref, case):
    """When several ids share the largest logit of the last position, generate_greedy appends the lowest of them."""
    run(student, ref, *case)
