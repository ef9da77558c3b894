"""Hidden tests: apply_temperature. One property (the exercise is worth 1 point): the value for a
positive temperature, the logits left as they were, and ValueError for a temperature <= 0."""

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import draw_arrays, expect_close, expect_equal, expect_value_error, graded, shapes

from .strategies import softmax

temperatures = st.sampled_from([0.5, 2.0, 0.7, 1.5, 3.0, 0.1, 4]) | st.floats(0.05, 5.0)
non_positive = st.sampled_from([0.0, -1.0, 0, -0.5, -2.0])


@st.composite
def any_logits(draw):
    """Float64 scores of 1-3 dims (sides 1-4), in tenths of [-5, 5]."""
    tenths, = draw_arrays(draw, [draw(shapes(max_side=4))], st.integers(-50, 50))
    return tenths / 10


def known_mistakes(logits, temperature):
    return {
        "divide by the temperature (logits / temperature), do not multiply": logits * temperature,
        "return the scaled logits, not probabilities: the softmax comes later": softmax_rows(logits / temperature),
        "return the scaled logits themselves, not their exponentials": np.exp(logits / temperature),
    }


def softmax_rows(logits):
    return np.apply_along_axis(softmax, -1, logits) if logits.ndim else softmax(logits)


@graded
@given(logits=any_logits(), temperature=temperatures, bad=non_positive)
@example(logits=np.array([2.0, 1.0, -1.0]), temperature=0.5, bad=0.0)
def test_divides_by_a_positive_temperature(student, ref, logits, temperature, bad):
    """apply_temperature(logits, T) is logits / T as a new array (the logits passed in are unchanged), and a temperature T <= 0 raises ValueError."""
    before = logits.copy()
    got, (logits_after, _) = student.call_and_inputs("apply_temperature", logits, temperature)
    expect_close(got, ref.apply_temperature(logits, temperature), rtol=1e-12, atol=0.0,
                 mistakes=known_mistakes(logits, temperature))
    expect_equal(logits_after, before, what="the logits after the call (they must not be modified)", mistakes={
        "logits /= temperature divides the caller's array in place: return logits / temperature, a new array":
            before / temperature})
    expect_value_error(lambda: student.apply_temperature(logits, bad), "apply_temperature",
                       f"For temperature {bad!r}",
                       hint_for_result=lambda result: "check the temperature first: T = 0 divides by zero (inf "
                                                      "or nan) and T < 0 turns the ranking upside down")
