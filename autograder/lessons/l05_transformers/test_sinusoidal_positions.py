"""Hidden tests: sinusoidal_positions."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder.lessons.toolkit import expect_close, graded
from .strategies import even_widths


def table(T, d_model, frequency_index, even_columns=np.sin, odd_columns=np.cos, first_position=0):
    """A sin/cos table where column k uses the frequency 1 / 10000^(frequency_index(k) / d_model)."""
    positions = np.arange(first_position, first_position + T, dtype=float)[:, None]
    columns = np.arange(d_model)
    angles = positions / 10000.0 ** (frequency_index(columns) / d_model)
    return np.where(columns % 2 == 0, even_columns(angles), odd_columns(angles))


def sin_then_cos_halves(T, d_model):
    positions = np.arange(T, dtype=float)[:, None]
    angles = positions / 10000.0 ** (2 * np.arange(d_model // 2) / d_model)
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)


def pair_start(column):
    """2i, the even column of the pair, for both columns 2i and 2i + 1: the right exponent."""
    return column - column % 2


def known_mistakes(T, d_model):
    return {
        "even columns (0, 2, ...) hold the sines, odd columns the cosines":
            table(T, d_model, pair_start, even_columns=np.cos, odd_columns=np.sin),
        "columns 2i and 2i + 1 share one frequency, 1 / 10000^(2i / d_model): "
        "the exponent uses 2i (the pair's even column), not the column number":
            table(T, d_model, lambda k: k),
        "columns 2i and 2i + 1 share one frequency, 1 / 10000^(2i / d_model): with i the pair "
        "number, not the column number":
            table(T, d_model, lambda k: 2 * k),
        "interleave: sin and cos of one frequency sit side by side (columns 2i, 2i + 1), "
        "not in two halves": sin_then_cos_halves(T, d_model),
        "positions count from 0: the first row is sin(0) = 0, cos(0) = 1":
            table(T, d_model, pair_start, first_position=1),
    }


@graded
@given(T=st.integers(1, 6), d_model=even_widths())
def test_matches_the_sin_cos_table(student, ref, T, d_model):
    """PE[pos, 2i] = sin(pos / 10000^(2i/d_model)) and PE[pos, 2i+1] = cos(pos / 10000^(2i/d_model)), pos from 0."""
    expect_close(student.sinusoidal_positions(T, d_model), ref.sinusoidal_positions(T, d_model),
                 mistakes=known_mistakes(T, d_model))


@graded
def test_golden_values_of_the_paper(student, ref):
    """sinusoidal_positions(3, 4) is [[0, 1, 0, 1], [sin 1, cos 1, sin 0.01, cos 0.01], [sin 2, cos 2, sin 0.02, cos 0.02]]."""
    golden = np.array([
        [0.0, 1.0, 0.0, 1.0],
        [0.8414709848078965, 0.5403023058681398, 0.009999833334166664, 0.9999500004166653],
        [0.9092974268256817, -0.4161468365471424, 0.01999866669333308, 0.9998000066665778],
    ])
    expect_close(student.sinusoidal_positions(3, 4), golden, mistakes=known_mistakes(3, 4))
