"""Hidden tests: bert_embed."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import expect_close, graded
from .strategies import (BATCH_IDS, BATCH_SENTENCES, PARIS_IDS, embed_inputs, real_embedding_arrays,
                         real_embedding_weights)

WORD, POSITION, TYPE = ("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                        "embeddings.token_type_embeddings.weight")
NORM_WEIGHT, NORM_BIAS = "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"
RTOL, ATOL = 1e-10, 1e-12


def example_weights(scale):
    """A BERT with V = 3, d = 3, 4 positions, 2 token types, its embeddings scaled by `scale`."""
    return {WORD: scale * np.array([[0.5, -0.2, 0.1], [0.3, 0.9, -0.4], [-0.7, 0.2, 0.6]]),
            POSITION: scale * np.array([[0.1, 0.4, -0.3], [-0.5, 0.0, 0.2], [0.3, -0.6, 0.8], [0.2, 0.2, -0.9]]),
            TYPE: scale * np.array([[0.4, -0.1, -0.2], [-0.8, 0.7, 0.5]]),
            NORM_WEIGHT: np.array([1.5, -0.5, 0.8]), NORM_BIAS: np.array([0.1, 0.0, -0.3]),
            "embeddings.position_ids": np.arange(4)[None, :]}


# Token 2 twice, so that only its position tells the two apart. At scale 1e-6 the variance of each
# sum is near eps = 1e-12, so where eps goes (inside the square root) shows too.
EXAMPLE_IDS = np.array([2, 0, 2])


def embed_variant(token_ids, weights, token_type=True, first_position=0, normalize=True, ddof=0, eps_inside=True,
                  norm_axis=-1, eps=1e-12):
    """bert_embed, or one of the usual mistakes (None where the mistake cannot run on this input)."""
    T = token_ids.shape[-1]
    if first_position + T > len(weights[POSITION]):
        return None
    summed = weights[WORD][token_ids] + weights[POSITION][first_position:first_position + T]
    if token_type:
        summed = summed + weights[TYPE][0]
    if not normalize:
        return summed
    with np.errstate(all="ignore"):
        centred = summed - summed.mean(axis=norm_axis, keepdims=True)
        variance = summed.var(axis=norm_axis, ddof=ddof, keepdims=True)
        scale = np.sqrt(variance + eps) if eps_inside else np.sqrt(variance) + eps
        return weights[NORM_WEIGHT] * centred / scale + weights[NORM_BIAS]


def known_mistakes(token_ids, weights):
    variants = {
        "every token is of token type 0 (one sentence): add row 0 of token_type_embeddings": dict(token_type=False),
        "positions count from 0: the first token adds row 0 of position_embeddings": dict(first_position=1),
        "the sum of the three embeddings goes through LayerNorm (embeddings.LayerNorm)": dict(normalize=False),
        "LayerNorm's variance divides by d, not d - 1 (np.var's default ddof=0)": dict(ddof=1),
        "eps goes inside the square root: sqrt(var + eps), not sqrt(var) + eps": dict(eps_inside=False),
        "LayerNorm normalizes each token's vector (the last axis), not each feature across the tokens":
            dict(norm_axis=-2),
    }
    mistakes = {hint: embed_variant(token_ids, weights, **options) for hint, options in variants.items()}
    return {hint: wrong for hint, wrong in mistakes.items() if wrong is not None}


@graded
@given(inputs=embed_inputs())
@example(inputs=(EXAMPLE_IDS, example_weights(1.0)))
@example(inputs=(EXAMPLE_IDS, example_weights(1e-6)))
def test_one_sentence(student, ref, inputs):
    """For token_ids (T,): LayerNorm(word_embeddings[ids] + position_embeddings[0..T-1] + token_type_embeddings[0]) with the embeddings' LayerNorm weight and bias, eps 1e-12 inside the square root, variance over d."""
    token_ids, weights = inputs
    expect_close(student.bert_embed(token_ids, weights), ref.bert_embed(token_ids, weights), rtol=RTOL, atol=ATOL,
                 what="the embeddings", mistakes=known_mistakes(token_ids, weights))


@graded
def test_real_model_one_sentence_and_a_batch(student, ref):
    """With the real all-MiniLM-L6-v2 weights: "The capital of France is Paris" as token IDs (8,) gives (8, 384), and a padded batch of two sentences (2, 12) gives (2, 12, 384), every sentence's positions counted from 0."""
    arrays = real_embedding_arrays()
    expect_close(student.bert_embed(PARIS_IDS, real_embedding_weights()), ref.bert_embed(PARIS_IDS, arrays),
                 rtol=RTOL, atol=ATOL, what="the embeddings of [CLS] the capital of france is paris [SEP]",
                 mistakes=known_mistakes(PARIS_IDS, arrays))
    expect_close(student.bert_embed(BATCH_IDS, real_embedding_weights()), ref.bert_embed(BATCH_IDS, arrays),
                 rtol=RTOL, atol=ATOL, what=f"the embeddings of the batch {list(BATCH_SENTENCES)}",
                 mistakes=known_mistakes(BATCH_IDS, arrays))
