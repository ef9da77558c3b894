"""Hidden tests: cross_entropy."""

import numpy as np
from hypothesis import given

from autograder.lessons.toolkit import expect_close, graded, logits_and_targets


def log_softmax(logits):
    top = logits.max(axis=-1, keepdims=True)
    return logits - top - np.log(np.exp(logits - top).sum(axis=-1, keepdims=True))


def softmax(logits, shift=True):
    exps = np.exp(logits - logits.max(axis=-1, keepdims=True) if shift else logits)
    return exps / exps.sum(axis=-1, keepdims=True)


def known_mistakes(logits, targets):
    positions = np.arange(len(targets))
    target_log_probs = log_softmax(logits)[positions, targets]
    with np.errstate(all="ignore"):
        underflowing_log_probs = np.log(softmax(logits))
        naive_log_probs = np.log(softmax(logits, shift=False))
        unshifted_log_normalizer = np.log(np.exp(logits).sum(axis=-1))
    return {
        "average over positions (np.mean), do not sum": -target_log_probs.sum(),
        "divide by the number of positions T, not by the T * V entries of logits":
            -target_log_probs.sum() / logits.size,
        "cross-entropy is the NEGATIVE mean log-probability (a number >= 0)": target_log_probs.mean(),
        "take one log-probability per position, log_probs[np.arange(T), target_ids], not the columns "
        "log_probs[:, target_ids]": -log_softmax(logits)[:, targets].mean(),
        "use the natural log (np.log), not log2": -target_log_probs.mean() / np.log(2),
        "log(softmax(z)) loses precision, then gives log(0) = -inf, once a probability underflows: use "
        "log-sum-exp, log_softmax(z) = z - (m + log(sum(exp(z - m)))) with m = max(z)":
            -underflowing_log_probs[positions, targets].mean(),
        "subtract the maximum logit before exp(): exp(1000) overflows to inf":
            -naive_log_probs[positions, targets].mean(),
        "log-sum-exp needs the max shift too: m + log(sum(exp(z - m))) with m = max(z), because "
        "exp(1000) overflows to inf": (unshifted_log_normalizer - logits[positions, targets]).mean(),
    }


@graded
@given(logits_targets=logits_and_targets())
def test_mean_negative_log_likelihood(student, ref, logits_targets):
    """cross_entropy(logits, target_ids) is -mean_t log softmax(logits[t])[target_ids[t]], a float."""
    logits, targets = logits_targets
    expect_close(student.cross_entropy(logits, targets), ref.cross_entropy(logits, targets),
                 mistakes=known_mistakes(logits, targets))


@graded
@given(logits_targets=logits_and_targets(low=-1000, high=1000))
def test_exact_for_large_logits(student, ref, logits_targets):
    """cross_entropy is finite and exact for logits as large as ±1000 (log-sum-exp, not log(softmax))."""
    logits, targets = logits_targets
    expect_close(student.cross_entropy(logits, targets), ref.cross_entropy(logits, targets),
                 mistakes=known_mistakes(logits, targets))
