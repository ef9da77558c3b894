"""Hidden tests: load_balancing_loss. Its inputs never tie at a token's k-th place, so the chosen
experts do not depend on how a tie is broken (top_k_route's convention is graded there)."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import expect_close, graded
from .strategies import balanced_logits, distinct_logits, softmax, top_k_ids

# Four tokens, three experts, k = 2: expert 0 is chosen by every token, expert 2 by one only.
WORKED = (np.array([[1.0, 0.5, -1.0], [0.5, 1.0, 0.0], [1.0, -0.5, 0.5], [2.0, 0.0, 1.0]]), 2)
NO_FACTOR_E = "multiply by the number of experts E: loss = E * sum_e f[e] * P[e] (balanced routing then gives k)"
SLOT_FRACTION = ("f[e] is the fraction of the T TOKENS that chose expert e (count / T, so f sums to k), not of "
                 "the T * k choices")


def loss_of(fraction, mean_probability):
    return float(len(mean_probability) * np.sum(fraction * mean_probability))


def known_mistakes(logits, k):
    n_tokens, n_experts = logits.shape
    probabilities = softmax(logits)
    expert_ids = top_k_ids(logits, k)
    chosen = np.zeros_like(probabilities)
    np.put_along_axis(chosen, expert_ids, 1.0, axis=-1)
    fraction = chosen.mean(axis=0)
    weights = np.take_along_axis(probabilities, expert_ids, axis=-1)
    renormalised = np.zeros_like(probabilities)
    np.put_along_axis(renormalised, expert_ids, weights / weights.sum(axis=-1, keepdims=True), axis=-1)
    return {
        NO_FACTOR_E: loss_of(fraction, probabilities.mean(axis=0)) / n_experts,
        "P[e] is the mean router probability of expert e over ALL tokens (softmax over every expert, "
        "chosen or not), not only where it was chosen": loss_of(fraction, (probabilities * chosen).mean(axis=0)),
        "P[e] averages the full softmax over all E experts, not top_k_route's renormalised weights":
            loss_of(fraction, renormalised.mean(axis=0)),
        SLOT_FRACTION: loss_of(fraction / k, probabilities.mean(axis=0)),
        "count all k experts a token chose (top_k_route), not only its favourite":
            loss_of(np.bincount(np.argmax(logits, axis=-1), minlength=n_experts) / n_tokens,
                    probabilities.mean(axis=0)),
    }


@graded
@given(inputs=distinct_logits())
@example(inputs=WORKED)
def test_matches_hugging_face_formula(student, ref, inputs):
    """load_balancing_loss(router_logits, k) = E * sum_e f[e] * P[e]: f[e] the fraction of tokens with expert e among their top k, P[e] the mean of softmax(router_logits)[:, e]."""
    logits, k = inputs
    expect_close(student.load_balancing_loss(logits, k), ref.load_balancing_loss(logits, k), rtol=1e-10,
                 atol=1e-12, what="load-balancing loss", mistakes=known_mistakes(logits, k))


@graded
@given(inputs=balanced_logits())
@example(inputs=(np.array([[1.0, 0.5, -1.0], [-1.0, 1.0, 0.5], [0.5, -1.0, 1.0]]), 2))
def test_perfect_balance_gives_k(student, ref, inputs):
    """Perfectly balanced routing (every expert chosen by the same number of tokens, every mean probability 1/E) gives exactly k."""
    logits, k = inputs
    # Here counting the T * k choices and counting only favourites both give 1: one hint names both.
    mistakes = {SLOT_FRACTION + "; and count all k experts of a token, not only its favourite": 1.0,
                **known_mistakes(logits, k)}
    expect_close(student.load_balancing_loss(logits, k), ref.load_balancing_loss(logits, k), rtol=1e-10,
                 atol=1e-12, what=f"load-balancing loss of perfectly balanced routing (k = {k})", mistakes=mistakes)
