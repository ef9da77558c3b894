"""The boundary format: what crosses is plain typed data, rebuilt exactly, and nothing else crosses."""

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.engine import wire

DTYPES = st.sampled_from(sorted(wire.DTYPES))
arrays = DTYPES.flatmap(lambda dtype: hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0)))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(), st.binary())
values = st.recursive(
    scalars | arrays,
    lambda children: st.lists(children, max_size=4) | st.tuples(children, children)
    | st.dictionaries(st.text(max_size=5) | st.integers(), children, max_size=4),
    max_leaves=10)


def roundtrip(value):
    return wire.decode(json.loads(json.dumps(wire.encode(value))))


def same(a, b):
    if isinstance(a, np.ndarray):
        return type(b) is np.ndarray and a.dtype == b.dtype and a.shape == b.shape and (
            a.tobytes() == b.tobytes())
    if isinstance(a, float) and a != a:
        return type(b) is float and b != b
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return type(b) is dict and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@given(values)
def test_values_survive_the_round_trip_exactly(value):
    assert same(value, roundtrip(value))


@given(arrays)
def test_numpy_scalars_keep_their_dtype(array):
    if array.size:
        scalar = array.flat[0]
        back = roundtrip(scalar)
        assert type(back) is type(scalar) and back.tobytes() == scalar.tobytes()


class Sneaky(float):
    def __eq__(self, other):
        return True


class SneakyArray(np.ndarray):
    pass


@pytest.mark.parametrize("value", [
    Sneaky(1.0), np.zeros(3).view(SneakyArray), object(), {1, 2}, np.array(["a"]),
    np.array([1, 2], dtype=object), [1, Sneaky(2.0)], lambda: 1,
])
def test_anything_but_plain_data_is_refused(value):
    with pytest.raises(wire.WireError):
        wire.encode(value)


@pytest.mark.parametrize("data", [
    {"$pickle": "gASV"},
    {"$ndarray": {"dtype": "object", "shape": [1], "data": ""}},
    {"$ndarray": {"dtype": "float64", "shape": [2], "data": "AAAAAAAA8D8="}},
    {"$ndarray": {"dtype": "float64", "shape": [-1], "data": ""}},
    {"$scalar": {"dtype": "float64", "data": "AA=="}},
    {"$tuple": [1], "$dict": []},
    {"$dict": [[[1], 2]]},
    {"$callable": 0},
])
def test_malformed_data_is_refused(data):
    with pytest.raises(wire.WireError):
        wire.decode(data)


def test_messages_must_be_json_objects_with_an_op():
    assert wire.loads(wire.dumps({"op": "x", "v": 1})) == {"op": "x", "v": 1}
    for line in (b"not json", b"[1, 2]", b'{"no_op": 1}', b"\xff\xfe"):
        with pytest.raises(wire.WireError):
            wire.loads(line)


def test_callables_become_references_the_decoder_resolves():
    found = []
    encoded = wire.encode([len, 3], found)
    assert found == [len]
    resolvers = wire.Resolvers(callable=lambda index, torch: ("callable", index))
    assert wire.decode(encoded, resolvers) == [("callable", 0), 3]
