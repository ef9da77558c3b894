"""What hidden suites are written with: the `graded` mark, comparisons, strategies and checks.

A lesson's suite is the folder `autograder/lessons/lNN_name/`; `test_<exercise>.py` holds the
properties of one exercise (the file name names it), each a pytest function taking the fixtures
`student` (the sandboxed notebook: `student.softmax(x)`) and `ref` (the reference module):

    from autograder.lessons.toolkit import expect_close, float_arrays, given, graded

    @graded
    @given(x=float_arrays())
    def test_matches_reference(student, ref, x):
        '''softmax(x) equals exp(x) / sum(exp(x)) along the last axis.'''
        expect_close(student.softmax(x), ref.softmax(x))

A property is worth 1 point, or `@graded(points=N)`; the properties of an exercise add up to its
points in course.yml, which the course checks when it loads. The docstring's first paragraph is
the feedback's first line: write it for the student. Never pass `@settings`: every suite runs
under the one grading profile. Strategies shared by one lesson's files live beside them, in
`strategies.py`.
"""

import math

import numpy as np
from hypothesis import assume, example, given  # noqa: F401 -- re-exported for suites
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.engine.call import RaisedError
from autograder.engine.compare import Mismatch, check, expect_close, expect_equal, show  # noqa: F401


# -- marking ---------------------------------------------------------------------------------------
def graded(test=None, *, points=1):
    """Mark a property as graded, worth `points` (default 1): `@graded` or `@graded(points=2)`.

    The exercise is the suite file's: test_softmax.py grades `softmax`."""
    def mark(function):
        function.llmcourse_points = points
        return function
    return mark(test) if test is not None else mark


def graded_points(function):
    """The points of a graded property, or None for a function that is not marked."""
    return getattr(function, "llmcourse_points", None)


# -- what comes back ---------------------------------------------------------------------------------
def returns(result, function, names):
    """Check that `function` returned a tuple (or list) of len(names) values; return them."""
    check(isinstance(result, (tuple, list)) and len(result) == len(names),
          f"`{function}` should return a tuple ({', '.join(names)}), got {type(result).__name__}"
          + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else f": {show(result)}"))
    return result


def expect_value_error(call, function, situation, hint_for_result=None, needs_message=False):
    """`call()`, a call of the student's `function` in `situation` ("for step 0"), must raise
    ValueError (with a message, when `needs_message`). When it returns instead, the failure shows
    the value and `hint_for_result(value)`, if given."""
    try:
        result = call()
    except RaisedError as error:
        check(error.error_type == "ValueError", f"{situation}, `{function}` should raise ValueError, but {error}")
        if needs_message:
            check(error.error_message.strip(), f"{situation}, the ValueError of `{function}` should say what "
                                               "is wrong, e.g. ValueError('a query has no key left to attend to')")
        return
    check(False, f"{situation}, `{function}` should raise ValueError, but it returned {show(result)}",
          hint_for_result(result) if hint_for_result else None)


# -- numbers -----------------------------------------------------------------------------------------
def central_differences(function, x, h=1e-6):
    """The gradient of the scalar `function` at the array `x`, by central differences."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        grad[index] = (function(x + step) - function(x - step)) / (2 * h)
    return grad


# -- strategies ----------------------------------------------------------------------------------------
# Small shapes: failures shrink to inputs a student can read.
def floats(low=-10.0, high=10.0):
    return st.floats(low, high, allow_nan=False, allow_infinity=False, width=64)


def shapes(min_dims=1, max_dims=3, min_side=1, max_side=5):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def float_arrays(shape=None, low=-10.0, high=10.0, **shape_options):
    """float64 arrays of `shape` (a tuple or a strategy; default: 1-3 dims of side 1-5)."""
    return hnp.arrays(np.float64, shape if shape is not None else shapes(**shape_options),
                      elements=floats(low, high))


def draw_arrays(draw, array_shapes, elements, dtype=np.float64):
    """Arrays of the given shapes, drawn inside a composite as one flat list of `elements`: several
    times faster to generate than `float_arrays` (one list instead of an array strategy each), and
    still shrunk value by value, so feedback shows short plain arrays."""
    sizes = [math.prod(shape) for shape in array_shapes]
    values = np.array(draw(st.lists(elements, min_size=sum(sizes), max_size=sum(sizes))), dtype=dtype)
    return [part.reshape(shape) for part, shape in zip(np.split(values, np.cumsum(sizes)[:-1]), array_shapes)]


class GridValues:
    """Arrays of values on a 0.1 grid, drawn from one seed that hypothesis chooses.

    The fastest way to many values: sizes are drawn (and shrunk) by hypothesis, values come from a
    seeded generator (drawing every element through hypothesis made an example about 4 times slower
    on lesson 04's decoder inputs), and the grid keeps the failing input a student reads short."""

    def __init__(self, draw):
        self.rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))

    def weights(self, *shape):
        """Values in [-1, 1]."""
        return self.rng.integers(-10, 11, shape) / 10

    def inputs(self, *shape):
        """Values in [-2, 2]."""
        return self.rng.integers(-20, 21, shape) / 10

    def keep_mask(self, shape):
        """A bool mask of `shape` (T,) or (n_q, T) with at least one True in every row."""
        mask = self.rng.random(shape) < 0.5
        rows = mask.reshape(-1, shape[-1])
        rows[np.arange(len(rows)), self.rng.integers(0, shape[-1], len(rows))] = True
        return mask


@st.composite
def logits_and_targets(draw, max_positions=6, max_vocab=8, low=-10.0, high=10.0):
    """(logits (T, V), target_ids (T,)) with every target a valid token id."""
    positions = draw(st.integers(1, max_positions))
    vocab = draw(st.integers(1, max_vocab))
    logits = draw(float_arrays((positions, vocab), low, high))
    targets = draw(hnp.arrays(np.int64, positions, elements=st.integers(0, vocab - 1)))
    return logits, targets


@st.composite
def token_sequences(draw, max_vocab=8, min_size=0, max_size=20):
    """(token id list, vocab size) with every id below the vocab size."""
    vocab = draw(st.integers(1, max_vocab))
    ids = draw(st.lists(st.integers(0, vocab - 1), min_size=min_size, max_size=max_size))
    return ids, vocab
