"""Values that cross the sandbox boundary, as plain typed JSON.

Both sides use this file: the grader, and the worker inside the sandbox (which gets a read-only copy
of it and nothing else from this package). It depends on the standard library and NumPy only.

Only exact built-in types are encoded: a subclass of float, list or ndarray is refused, so no object
with custom behaviour can be described, let alone rebuilt. Decoding builds fresh built-in values
from JSON that `json.loads` made, so nothing the student wrote ever runs in the grader.

    None, bool, int, float, str        as JSON itself
    tuple                              {"$tuple": [...]}
    dict (any encodable keys)          {"$dict": [[key, value], ...]}
    bytes                              {"$bytes": base64}
    numpy.ndarray                      {"$ndarray": {"dtype": "float64", "shape": [2, 3], "data": base64}}
    numpy scalar (np.float64, ...)     {"$scalar": {"dtype": "float64", "data": base64}}
    a callable of the grader's         {"$callable": 3}  (the worker calls back through the protocol)
"""

import base64
import binascii
import json
import math

import numpy as np

DTYPES = frozenset(
    "bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 float16 float32 float64".split()
)
_SCALAR_TYPES = frozenset(np.dtype(name).type for name in DTYPES)
MAX_DEPTH = 40
MAX_MESSAGE_BYTES = 64 * 1024 * 1024


class WireError(ValueError):
    """A value that cannot cross the boundary, or a message that is not well-formed."""


def _dtype(name):
    if name not in DTYPES:
        raise WireError(f"arrays of dtype {name!r} cannot be graded (use a numeric or bool dtype)")
    return np.dtype(name).newbyteorder("<")


def encode(value, callables=None, _depth=0):
    """Describe `value` as JSON-ready data. `callables`, when given, is a list that collects the
    callables met on the way (only the grader sends callables)."""
    if _depth > MAX_DEPTH:
        raise WireError(f"value is nested more than {MAX_DEPTH} levels deep")
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return value
    if kind is float:
        return value
    if kind is list:
        return [encode(item, callables, _depth + 1) for item in value]
    if kind is tuple:
        return {"$tuple": [encode(item, callables, _depth + 1) for item in value]}
    if kind is dict:
        return {"$dict": [[encode(k, callables, _depth + 1), encode(v, callables, _depth + 1)]
                          for k, v in value.items()]}
    if kind is bytes:
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if kind is np.ndarray:
        dtype = _dtype(value.dtype.name)
        data = np.ascontiguousarray(value, dtype=dtype).tobytes()
        return {"$ndarray": {"dtype": value.dtype.name, "shape": list(value.shape),
                             "data": base64.b64encode(data).decode("ascii")}}
    if isinstance(value, np.generic) and kind in _SCALAR_TYPES:
        dtype = _dtype(np.dtype(kind).name)
        data = np.asarray(value, dtype=dtype).tobytes()
        return {"$scalar": {"dtype": dtype.name, "data": base64.b64encode(data).decode("ascii")}}
    if callables is not None and callable(value):
        callables.append(value)
        return {"$callable": len(callables) - 1}
    raise WireError(f"a value of type {kind.__module__}.{kind.__qualname__} cannot be graded; "
                    "return plain Python values (int, float, str, list, tuple, dict) or NumPy arrays")


def _exact_keys(obj, keys, what):
    if type(obj) is not dict or set(obj) != set(keys):
        raise WireError(f"malformed {what}")
    return [obj[k] for k in keys]


def _b64(text):
    if type(text) is not str:
        raise WireError("malformed base64 data")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise WireError("malformed base64 data") from None


def decode(data, make_callable=None, _depth=0):
    """Rebuild a value from what `encode` produced (after a JSON round trip)."""
    if _depth > MAX_DEPTH:
        raise WireError(f"value is nested more than {MAX_DEPTH} levels deep")
    kind = type(data)
    if data is None or kind in (bool, int, float, str):
        return data
    if kind is list:
        return [decode(item, make_callable, _depth + 1) for item in data]
    if kind is not dict or len(data) != 1:
        raise WireError("malformed value")
    (tag, body), = data.items()
    if tag == "$tuple" and type(body) is list:
        return tuple(decode(item, make_callable, _depth + 1) for item in body)
    if tag == "$dict" and type(body) is list:
        result = {}
        for pair in body:
            if type(pair) is not list or len(pair) != 2:
                raise WireError("malformed dict entry")
            key = decode(pair[0], make_callable, _depth + 1)
            try:
                result[key] = decode(pair[1], make_callable, _depth + 1)
            except TypeError:
                raise WireError(f"unhashable dict key of type {type(key).__name__}") from None
        return result
    if tag == "$bytes":
        return _b64(body)
    if tag == "$ndarray":
        dtype_name, shape, raw = _exact_keys(body, ("dtype", "shape", "data"), "array")
        dtype = _dtype(dtype_name)
        if type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape):
            raise WireError("malformed array shape")
        buffer = _b64(raw)
        if len(buffer) != math.prod(shape) * dtype.itemsize:  # exact: no int64 overflow to wrap to 0
            raise WireError("array data does not match its shape and dtype")
        values = np.frombuffer(buffer, dtype=dtype).astype(dtype.newbyteorder("="), copy=True)
        try:
            return values.reshape(shape)
        except (ValueError, OverflowError):  # too many dimensions, or a huge one beside a zero
            raise WireError("malformed array shape") from None
    if tag == "$scalar":
        dtype_name, raw = _exact_keys(body, ("dtype", "data"), "scalar")
        dtype = _dtype(dtype_name)
        buffer = _b64(raw)
        if len(buffer) != dtype.itemsize:
            raise WireError("scalar data does not match its dtype")
        return np.frombuffer(buffer, dtype=dtype).astype(dtype.newbyteorder("="))[0]
    if tag == "$callable" and type(body) is int and make_callable is not None:
        return make_callable(body)
    raise WireError(f"unknown value tag {tag!r}")


def dumps(message):
    """One protocol message as one line of bytes."""
    return json.dumps(message, separators=(",", ":"), allow_nan=True).encode("utf-8") + b"\n"


def loads(line):
    if len(line) > MAX_MESSAGE_BYTES:
        raise WireError("message too large")
    try:
        message = json.loads(line)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:  # RecursionError: deep nesting
        raise WireError(f"not a JSON message: {error}") from None
    if type(message) is not dict or type(message.get("op")) is not str:
        raise WireError("a message must be a JSON object with an 'op'")
    return message
