"""Hidden tests: top_k_route."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import expect_close, expect_equal, graded, returns
from .strategies import routing_logits, softmax, top_k_ids

# Three tokens, four experts, k = 2: token 0's second place is a tie (experts 2 and 3), token 1's
# favourite has a higher id than its runner-up, token 2 makes a softmax over the tokens pick others.
WORKED = (np.array([[2.0, 0.0, 1.0, 1.0], [0.0, 1.0, 3.0, -1.0], [0.0, -1.0, 1.0, 2.0]]), 2)

TIES_TO_THE_LOWER_ID = ("ties go to the lower expert id: among equal logits the smaller id comes first (a stable "
                        "sort of -router_logits does it; reversing an ascending sort puts the higher id first)")


def id_mistakes(logits, k):
    correct = top_k_ids(logits, k)
    return {
        TIES_TO_THE_LOWER_ID: top_k_ids(logits, k, ties_to_higher_id=True),
        "each token keeps its k LARGEST logits (sort in decreasing order), not its smallest":
            np.argsort(logits, axis=-1, kind="stable")[:, :k],
        "list a token's experts in order of decreasing logit (its favourite first), not in order of id":
            np.sort(correct, axis=-1),
        "rank the experts of each token by that token's own logits (its row): a softmax over the tokens "
        "(axis 0) changes which experts come first": top_k_ids(softmax(logits, axis=0), k),
    }


def weight_mistakes(logits, k):
    chosen = top_k_ids(logits, k)
    probabilities = np.take_along_axis(softmax(logits), chosen, axis=-1)
    over_tokens = softmax(logits, axis=0)
    over_tokens = np.take_along_axis(over_tokens, top_k_ids(over_tokens, k), axis=-1)
    return {
        "the weights are listed like expert_ids, favourite first (in order of decreasing logit), not in "
        "order of expert id": softmax(np.take_along_axis(logits, np.sort(chosen, axis=-1), axis=-1)),
        "renormalise: the softmax runs over the k chosen logits only (or divide the chosen probabilities by "
        "their sum), so that each token's k weights add up to 1": probabilities,
        "the weights are the softmax of the chosen logits, not the logits themselves":
            np.take_along_axis(logits, chosen, axis=-1),
        "the weights follow the logits: a token's favourite expert gets the larger share, not 1/k each":
            np.full(chosen.shape, 1.0 / k),
        "a token's weights come from a softmax over the experts (its own row), not over the tokens":
            over_tokens / over_tokens.sum(axis=-1, keepdims=True),
    }


@graded
@given(inputs=routing_logits())
@example(inputs=WORKED)
def test_expert_ids_are_the_top_k_logits_ties_to_the_lower_id(student, ref, inputs):
    """expert_ids (T, k), an int array: each token's k largest logits, in order of decreasing logit, ties to the lower expert id."""
    logits, k = inputs
    _, got = returns(student.top_k_route(logits, k), "top_k_route", ("weights", "expert_ids"))
    _, expected = ref.top_k_route(logits, k)
    expect_equal(got, expected, what="expert_ids", mistakes=id_mistakes(logits, k))


@graded
@given(inputs=routing_logits())
@example(inputs=WORKED)
def test_weights_are_the_softmax_over_the_chosen_logits(student, ref, inputs):
    """weights (T, k): the softmax over each token's k chosen logits (they add up to 1), in the order of expert_ids."""
    logits, k = inputs
    got, _ = returns(student.top_k_route(logits, k), "top_k_route", ("weights", "expert_ids"))
    expected, _ = ref.top_k_route(logits, k)
    expect_close(got, expected, rtol=1e-10, atol=1e-12, what="weights", mistakes=weight_mistakes(logits, k),
                 dtype_kind="f")
