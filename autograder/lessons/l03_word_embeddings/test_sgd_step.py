"""Hidden tests: sgd_step."""

import numpy as np
from hypothesis import given

from autograder.lessons.toolkit import check, expect_close, expect_equal, graded, returns
from .strategies import sgd_examples


OUTPUTS = ("new_W_center", "new_W_outside")


def gradients(W_center, W_outside, center_id, outside_id, negative_ids):
    v_c, u_o, u_k = W_center[center_id], W_outside[outside_id], W_outside[negative_ids]
    sig_o = np.exp(-np.logaddexp(0.0, -(u_o @ v_c)))
    sig_k = np.exp(-np.logaddexp(0.0, -(u_k @ v_c)))
    return (sig_o - 1) * u_o + sig_k @ u_k, (sig_o - 1) * v_c, np.outer(sig_k, v_c)


def wrong_updates(W_center, W_outside, center_id, outside_id, negative_ids, lr):
    """What known mistakes return: {hint: (new_W_center, new_W_outside)}."""
    negative_ids = np.asarray(negative_ids)
    grad_center, grad_outside, grad_negatives = gradients(W_center, W_outside, center_id, outside_id, negative_ids)

    def updated(sign=-1.0, accumulate=True, outside_grads=(grad_outside, grad_negatives)):
        new_center, new_outside = W_center.copy(), W_outside.copy()
        new_center[center_id] += sign * lr * grad_center
        new_outside[outside_id] += sign * lr * outside_grads[0]
        if accumulate:
            np.add.at(new_outside, negative_ids, sign * lr * outside_grads[1])
        else:
            new_outside[negative_ids] += sign * lr * outside_grads[1]
        return new_center, new_outside

    moved_center = W_center.copy()
    moved_center[center_id] -= lr * grad_center
    _, stale_outside, stale_negatives = gradients(moved_center, W_outside, center_id, outside_id, negative_ids)
    return {
        "a row used twice (a negative drawn twice, or the context word drawn as a negative) must move by the "
        "sum of its gradients: W[ids] -= g keeps only one of them, np.add.at(W, ids, -lr * g) adds each":
            updated(accumulate=False),
        "gradient descent moves against the gradient: W -= lr * grad": updated(sign=1.0),
        "compute every gradient at the current values before changing any row (the outside rows were "
        "updated with the already-updated center vector)":
            (moved_center, updated(outside_grads=(stale_outside, stale_negatives))[1]),
    }


def expect_updates(got, example, ref):
    expected = ref.sgd_step(*example)
    mistakes = wrong_updates(*example)
    for index, name in enumerate(OUTPUTS):
        expect_close(got[index], expected[index], rtol=1e-9, atol=1e-12, what=name,
                     mistakes={hint: wrong[index] for hint, wrong in mistakes.items()})


@graded
@given(example=sgd_examples())
def test_one_step_against_the_gradients(student, ref, example):
    """sgd_step moves W_center[center_id], W_outside[outside_id] and W_outside[negative_ids] by -lr times their gradients, all computed at the current values."""
    expect_updates(returns(student.sgd_step(*example), "sgd_step", OUTPUTS), example, ref)


@graded
@given(example=sgd_examples())
def test_inputs_are_not_modified(student, ref, example):
    """sgd_step returns updated copies and leaves W_center, W_outside and negative_ids as they were."""
    result, arguments_after = student.call_and_inputs("sgd_step", *example)
    expect_updates(returns(result, "sgd_step", OUTPUTS), example, ref)
    updated = ref.sgd_step(*example)
    for index, name in enumerate(("W_center", "W_outside")):
        expect_close(arguments_after[index], example[index], rtol=0, atol=0,
                     what=f"your {name} argument after the call",
                     mistakes={"update copies (W.copy()): W[i] -= ... on the argument changes the caller's array":
                               updated[index]})
    expect_equal(arguments_after[4], example[4], what="your negative_ids argument after the call")


@graded
@given(example=sgd_examples(repeated=True))
def test_repeated_rows_accumulate(student, ref, example):
    """When a word is drawn twice as a negative (or the context word is also a negative), its row of W_outside moves by the sum of its gradients."""
    expect_updates(returns(student.sgd_step(*example), "sgd_step", OUTPUTS), example, ref)
