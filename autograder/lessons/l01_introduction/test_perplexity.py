"""Hidden tests: perplexity."""

import numpy as np
from hypothesis import given

from autograder.lessons.toolkit import expect_close, graded, logits_and_targets


def known_mistakes(logits, targets):
    log_probs = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))  # logits within ±10: safe
    surprise = -log_probs[np.arange(len(targets)), targets]
    return {
        "exponentiate the MEAN negative log-likelihood (the cross-entropy), not the sum":
            np.exp(surprise.sum()),
        "cross-entropy is in nats (natural log): perplexity is e ** CE, not 2 ** CE":
            2.0 ** surprise.mean(),
        "average the log-probabilities first, then exponentiate once: exp(mean), not mean(exp)":
            np.exp(surprise).mean(),
        "perplexity is exp(+cross-entropy), a number >= 1": np.exp(-surprise.mean()),
    }


@graded
@given(logits_targets=logits_and_targets())
def test_exp_of_cross_entropy(student, ref, logits_targets):
    """perplexity(logits, target_ids) equals exp(cross_entropy(logits, target_ids)), a float >= 1."""
    logits, targets = logits_targets
    expect_close(student.perplexity(logits, targets), ref.perplexity(logits, targets),
                 mistakes=known_mistakes(logits, targets))
