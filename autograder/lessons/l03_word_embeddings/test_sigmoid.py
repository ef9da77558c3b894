"""Hidden tests: sigmoid."""

import numpy as np
from hypothesis import given

from autograder.lessons.toolkit import check, expect_close, float_arrays, graded

# Values where the naive formulas go wrong: exp(-x) overflows below -709.78 (a RuntimeWarning, and 0
# where sigmoid(-720) is 2.0e-313); exp(x) / (1 + exp(x)) is NaN at 1000; 1 + tanh(x/2) is 0 at -40.
EXTREMES = np.array([-1000.0, -720.0, -40.0, 0.0, 40.0, 720.0, 1000.0])


def with_errors_ignored(function, x):
    with np.errstate(all="ignore"):
        return function(x)


def known_mistakes(x):
    return {
        "sigmoid(x) = 1 / (1 + exp(-x)): check the sign inside exp": with_errors_ignored(
            lambda v: 1.0 / (1.0 + np.exp(v)), x),
        "1 / (1 + exp(-x)) overflows for x below about -709: use exp(-|x|), which never overflows": with_errors_ignored(
            lambda v: 1.0 / (1.0 + np.exp(-v)), x),
        "exp(x) / (1 + exp(x)) is inf / inf = NaN for large x: use it only for x < 0": with_errors_ignored(
            lambda v: np.exp(v) / (1.0 + np.exp(v)), x),
        "clipping x changes the result: sigmoid(-720) is 2.0e-313, not sigmoid(-500)": with_errors_ignored(
            lambda v: 1.0 / (1.0 + np.exp(-np.clip(v, -500, 500))), x),
        "0.5 * (1 + tanh(x / 2)) loses the relative precision of small results (1 + tanh cancels)":
            with_errors_ignored(lambda v: 0.5 * (1.0 + np.tanh(v / 2)), x),
    }


@graded
@given(x=float_arrays(low=-50.0, high=50.0))
def test_matches_the_logistic_function(student, ref, x):
    """sigmoid(x) = 1 / (1 + exp(-x)) elementwise, with the shape of x, for moderate x."""
    expect_close(student.sigmoid(x), ref.sigmoid(x), rtol=1e-7, atol=1e-300, mistakes=known_mistakes(x))


@graded
@given(x=float_arrays(low=-1000.0, high=1000.0, max_dims=1))
def test_stable_for_large_inputs(student, ref, x):
    """sigmoid(x) is finite and accurate for |x| up to 1000 (also where it is tiny: sigmoid(-40) is 4.2e-18, not 0), and never overflows on the way."""
    expect_close(student.sigmoid(x), ref.sigmoid(x), rtol=1e-9, atol=1e-300, mistakes=known_mistakes(x))
    got, warned = student.call_and_warnings("sigmoid", EXTREMES)
    expect_close(got, ref.sigmoid(EXTREMES), rtol=1e-6, atol=1e-300,
                 what=f"sigmoid({EXTREMES.tolist()})", mistakes=known_mistakes(EXTREMES))
    overflows = [w for w in warned if "overflow" in w]
    check(not overflows, f"sigmoid({EXTREMES.tolist()}) overflowed: {overflows[:1]}",
          hint="exp(-x) overflows for x below about -709: compute with exp(-|x|), which never overflows")
