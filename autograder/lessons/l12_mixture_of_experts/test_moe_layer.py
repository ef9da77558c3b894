"""Hidden tests: moe_layer. While it is graded, its calls to top_k_route (and router_probabilities)
are answered by the reference, so only the layer itself is judged here."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import expect_close, graded
from .strategies import moe_inputs, softmax, swiglu, top_k_ids


def worked_example():
    """Two tokens, three experts of width f = 2, k = 2: token 0 chooses experts [2, 0], token 1
    experts [1, 2], so the slot order differs from the id order and no expert serves every token."""
    x = np.array([[1.0, 0.5], [-0.5, 1.0]])
    W_router = np.array([[0.5, -0.5, 1.0], [0.0, 1.0, 0.5]])
    experts = [(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.5, 1.0], [1.0, 0.0]]),
                np.array([[1.0, 0.0], [0.0, 1.0]])),
               (np.array([[0.0, 1.0], [1.0, 0.5]]), np.array([[1.0, -1.0], [1.0, 0.5]]),
                np.array([[0.5, 1.0], [-1.0, 0.0]])),
               (np.array([[-1.0, 0.5], [0.5, 1.0]]), np.array([[1.0, 0.0], [-0.5, 1.0]]),
                np.array([[0.0, 1.0], [1.0, 0.5]]))]
    return x, W_router, experts, 2


WORKED = worked_example()


def combine(weights, expert_ids, outputs):
    """sum over j of weights[t, j] * outputs[expert_ids[t, j], t], outputs (E, T, d)."""
    tokens = np.arange(weights.shape[0])
    return sum(weights[:, j, None] * outputs[expert_ids[:, j], tokens] for j in range(weights.shape[1]))


def known_mistakes(x, W_router, experts, k):
    logits = x @ W_router
    probabilities = softmax(logits)
    expert_ids = top_k_ids(logits, k)
    weights = np.take_along_axis(probabilities, expert_ids, axis=-1)
    weights /= weights.sum(axis=-1, keepdims=True)
    outputs = np.stack([swiglu(x, *expert) for expert in experts])  # every expert on every token
    tokens = np.arange(len(x))
    last_slot = np.argmax(expert_ids, axis=-1)  # the slot of the highest expert id a token chose
    softmax_of_probabilities = softmax(np.take_along_axis(probabilities, expert_ids, axis=-1))
    return {
        "weight each chosen expert by top_k_route's weights (renormalised over the k chosen), not by its "
        "router probability among all E experts": combine(np.take_along_axis(probabilities, expert_ids, axis=-1),
                                                         expert_ids, outputs),
        "pass the LOGITS x W_router to top_k_route: given probabilities, it takes a softmax of probabilities":
            combine(softmax_of_probabilities, expert_ids, outputs),
        "weight the k experts' outputs by the router's weights, not 1/k each": combine(
            np.full(expert_ids.shape, 1.0 / k), expert_ids, outputs),
        "a sparse layer: each token uses only its k chosen experts, not a probability-weighted sum of all E":
            np.einsum("te,etd->td", probabilities, outputs),
        "weights[t, j] belongs to expert expert_ids[t, j] (the token's j-th choice), not to expert j":
            combine(weights, np.tile(np.arange(k), (len(x), 1)), outputs),
        "add each expert's weighted output to the token's row (+=): assigning it (=) keeps only the last "
        "expert's": weights[tokens, last_slot, None] * outputs[expert_ids[tokens, last_slot], tokens],
        "each token goes to its k experts, not only to its favourite": outputs[expert_ids[:, 0], tokens],
    }


@graded(points=2)
@given(inputs=moe_inputs())
@example(inputs=WORKED)
def test_weighted_sum_of_the_top_k_experts(student, ref, inputs):
    """moe_layer(x, W_router, experts, k)[t] = sum over j of weights[t, j] * swiglu(x[t], *experts[expert_ids[t, j]]), with (weights, expert_ids) = top_k_route(x W_router, k)."""
    expect_close(student.moe_layer(*inputs), ref.moe_layer(*inputs), rtol=1e-10, atol=1e-12,
                 what="MoE layer output", mistakes=known_mistakes(*inputs))


@graded
@given(inputs=moe_inputs(identical_experts=True))
@example(inputs=(WORKED[0], WORKED[1], [WORKED[2][0]] * 3, 2))
def test_identical_experts_give_that_expert(student, ref, inputs):
    """When all E experts are the same network, moe_layer equals that network on every token: each token's k weights add up to 1."""
    x, W_router, experts, k = inputs
    expected = ref.moe_layer(x, W_router, experts, k)
    expect_close(student.moe_layer(x, W_router, experts, k), expected, rtol=1e-10, atol=1e-12,
                 what="MoE layer output (all experts the same network)",
                 mistakes=known_mistakes(x, W_router, experts, k))
