"""Hidden tests: noise_distribution."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.lessons.toolkit import expect_close, floats, graded

COUNTS = hnp.arrays(np.int64, st.integers(1, 8), elements=st.integers(0, 1000)).filter(lambda c: c.sum() > 0)


def known_mistakes(counts, power):
    counts = counts.astype(float)
    return {
        "normalise: divide counts ** power by its sum, so the probabilities add up to 1": counts ** power,
        "use the `power` argument, not a fixed 0.75": counts ** 0.75 / np.sum(counts ** 0.75),
        "raise the counts to the power (counts ** power), do not multiply them by it":
            counts * power / np.sum(counts * power),
        "(counts / total) ** power no longer sums to 1: normalise after raising to the power":
            (counts / counts.sum()) ** power,
    }


@graded
@given(counts=COUNTS, power=st.one_of(st.none(), floats(0.1, 1.5)))
def test_unigram_to_the_power_normalised(student, ref, counts, power):
    """noise_distribution(counts, power) is counts ** power / sum(counts ** power), with power 0.75 by default."""
    if power is None:
        got, expected, power = student.noise_distribution(counts), ref.noise_distribution(counts), 0.75
    else:
        got, expected = student.noise_distribution(counts, power), ref.noise_distribution(counts, power)
    expect_close(got, expected, rtol=1e-9, atol=1e-12, dtype_kind="f", mistakes=known_mistakes(counts, power))
