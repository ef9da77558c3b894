"""Comparing what the student returned with what the reference returned, in the grader.

Every check raises `Mismatch` with a message written for the student: what was expected, what
came back, and a hint when the value matches a known mistake. Values arrive here already rebuilt
from plain data (see wire.py), so nothing in them can run student code.
"""

import numbers

import numpy as np

np.set_printoptions(precision=6, threshold=60, edgeitems=4, linewidth=100)


class Mismatch(AssertionError):
    """The student's value differs from the expected one; str() is feedback for the student."""

    def __init__(self, message, hint=None):
        super().__init__(message)
        self.hint = hint


def show(value, precision=None):
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=precision or np.get_printoptions()["precision"]):
            return f"{np.array2string(value, separator=', ')} (shape {value.shape}, dtype {value.dtype})"
    if isinstance(value, np.generic):
        return f"{value!r}"
    text = repr(value)
    return text if len(text) <= 1000 else text[:1000] + f" ... ({len(text) - 1000} more characters)"


def kind_of(value):
    """A value's type in words: 'a list', 'a NumPy array of float32', 'a tuple'."""
    if isinstance(value, np.ndarray):
        return f"a NumPy array of {value.dtype}"
    if isinstance(value, np.generic):
        return f"a NumPy {value.dtype} number"
    name = type(value).__name__
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"


def _is_number(value):
    return isinstance(value, numbers.Number) and not isinstance(value, bool) or (
        isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iuf")


def _close(got, expected, rtol, atol):
    try:
        return bool(np.allclose(np.asarray(got, dtype=float), np.asarray(expected, dtype=float),
                                rtol=rtol, atol=atol, equal_nan=True))
    except (TypeError, ValueError):
        return False


def _matching_hint(got, mistakes, rtol, atol):
    for hint, wrong_value in (mistakes or {}).items():
        try:
            same_shape = np.shape(got) == np.shape(wrong_value)
        except Exception:
            same_shape = False
        if same_shape and _close(got, wrong_value, rtol, atol):
            return hint
    return None


def fail(what, expected, got, hint=None):
    """Raise a Mismatch that shows both values, so that they never look the same: their types when
    they print alike, more digits when they agree to the printed ones."""
    shown_expected, shown_got = show(expected), show(got)
    detail = ""
    if shown_expected == shown_got and kind_of(expected) != kind_of(got):
        detail = f" (your value is {kind_of(got)}; expected {kind_of(expected)})"
    elif shown_expected == shown_got:
        shown_expected, shown_got = show(expected, precision=17), show(got, precision=17)
        detail = " (they agree in the first digits only)"
    hint = hint or _float32_hint(got, expected)
    raise Mismatch(f"{what}: expected {shown_expected}, got {shown_got}{detail}", hint)


def _float32_hint(got, expected):
    if np.asarray(got).dtype == np.float32 and np.asarray(expected).dtype == np.float64:
        return ("your result is float32: the course works in float64 (np.float64), and float32 keeps only "
                "about 7 digits; look for a float32 array or dtype somewhere on the way")
    return None


def expect_close(got, expected, rtol=1e-6, atol=1e-9, what="result", mistakes=None, dtype_kind=None):
    """`got` matches `expected` (a number or an array) within tolerance.

    Arrays must come back as NumPy arrays of the same shape; `dtype_kind` ("i" for integers, "b"
    for bool, "f" for floats) pins the kind of values when the exercise does. `mistakes` maps a
    hint to the value a known wrong implementation gives on the same input."""
    hint = None
    if isinstance(expected, np.ndarray) and expected.ndim > 0:
        if not isinstance(got, np.ndarray):
            fail(f"{what} should be a NumPy array of shape {expected.shape}, not {kind_of(got).split(' of ')[0]}",
                 expected, got)
        if got.shape != expected.shape:
            raise Mismatch(f"{what} has the wrong shape: expected {expected.shape}, got {got.shape}",
                           _matching_hint(got, mistakes, rtol, atol))
    elif not _is_number(got):
        fail(f"{what} should be a number", expected, got)
    if dtype_kind is not None:
        kind = np.asarray(got).dtype.kind
        if kind == "u":
            kind = "i"
        if kind != dtype_kind:
            wanted = {"i": "integers", "b": "booleans", "f": "floats"}[dtype_kind]
            fail(f"{what} should hold {wanted} (the docstring says so), not {kind_of(got)}", expected, got)
    if not np.array_equal(np.isnan(np.asarray(got, dtype=float)), np.isnan(np.asarray(expected, dtype=float))):
        hint = _matching_hint(got, mistakes, rtol, atol)
        fail(f"{what} has NaN where it should not (or the reverse)", expected, got, hint)
    if not _close(got, expected, rtol, atol):
        fail(f"{what} differs", expected, got, _matching_hint(got, mistakes, rtol, atol))


def expect_equal(got, expected, what="result", mistakes=None):
    """Exact equality for ints, strings, lists, tuples, dicts and integer/bool arrays.

    Equivalent forms are accepted where the exercise does not pin one: a list, a tuple or a NumPy
    array of the same items for each other where a list or tuple is expected, NumPy integers for
    Python ints. An expected array asks for an array (of the same kind of values)."""
    if isinstance(expected, np.ndarray) and not isinstance(got, np.ndarray):
        fail(f"{what} should be a NumPy array, not {kind_of(got)}", expected, got)
    if not _equal(got, expected):
        hint = None
        for text, wrong_value in (mistakes or {}).items():
            if _equal(got, wrong_value):
                hint = text
                break
        fail(f"{what} differs", expected, got, hint)


def _equal(got, expected):
    if isinstance(expected, np.ndarray):
        return (isinstance(got, np.ndarray) and got.shape == expected.shape
                and got.dtype.kind == expected.dtype.kind and bool(np.array_equal(got, expected)))
    if isinstance(expected, (list, tuple)):
        if isinstance(got, np.ndarray) and got.ndim > 0 and got.dtype.kind in "biuU":
            got = got.tolist()
        return (isinstance(got, (list, tuple)) and len(got) == len(expected)
                and all(_equal(g, e) for g, e in zip(got, expected)))
    if isinstance(expected, dict):
        return (isinstance(got, dict) and set(got) == set(expected)
                and all(_equal(got[k], expected[k]) for k in expected))
    if isinstance(expected, (bool, np.bool_)):
        return isinstance(got, (bool, np.bool_)) and bool(got) == bool(expected)
    if isinstance(expected, numbers.Integral):
        return isinstance(got, numbers.Integral) and not isinstance(got, (bool, np.bool_)) and int(got) == int(expected)
    if isinstance(expected, numbers.Real):
        return isinstance(got, numbers.Real) and float(got) == float(expected)
    return type(got) is type(expected) and got == expected


def check(condition, message, hint=None):
    """A property that must hold; `message` says, for the student, what did not."""
    if not condition:
        raise Mismatch(message, hint)
