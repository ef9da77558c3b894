"""Hidden tests: split_gate_up."""

import numpy as np
from hypothesis import example, given

from autograder.lessons.toolkit import expect_equal, graded, returns
from .strategies import gate_up_weights

# intermediate_size 3, d = 2: gate rows 0-2, up rows 3-5.
EXAMPLE = np.arange(12.0).reshape(6, 2)


def known_mistakes(W_gate_up):
    """{hint: (W_gate, W_up) of that mistake}."""
    I, d = len(W_gate_up) // 2, W_gate_up.shape[1]
    return {
        "the gate comes first: rows 0 .. I-1 are W_gate, rows I .. 2I-1 are W_up": (W_gate_up[I:], W_gate_up[:I]),
        "Phi-3 stacks the two halves (gate rows, then up rows), it does not interleave them row by row":
            (W_gate_up[0::2], W_gate_up[1::2]),
        "keep the (out, in) layout: cut the rows and return the halves as they are, not transposed":
            (W_gate_up[:I].T, W_gate_up[I:].T),
        "an nn.Linear weight is (out, in): gate and up are blocks of ROWS (axis 0), not of columns":
            (W_gate_up[:, :d // 2], W_gate_up[:, d // 2:]),
    }


@graded
@given(W_gate_up=gate_up_weights())
@example(W_gate_up=EXAMPLE)
def test_gate_rows_then_up_rows(student, ref, W_gate_up):
    """split_gate_up(W_gate_up) returns the first half of the rows as W_gate and the second half as W_up, each (I, d), the layout kept."""
    got = returns(student.split_gate_up(W_gate_up), "split_gate_up", ("W_gate", "W_up"))
    expected = ref.split_gate_up(W_gate_up)
    mistakes = known_mistakes(W_gate_up)
    for index, name in enumerate(("W_gate", "W_up")):
        expect_equal(got[index], expected[index], what=name,
                     mistakes={hint: wrong[index] for hint, wrong in mistakes.items()})
