"""Values that cross the sandbox boundary, as plain typed JSON.

Both sides use this file: the grader, and the worker inside the sandbox (which gets a read-only copy
of it and nothing else from this package). It depends on the standard library and NumPy only.

Only exact built-in types are encoded: a subclass of float, list or ndarray is refused, so no object
with custom behaviour can be described, let alone rebuilt. (The worker first turns what a student may
reasonably return, an OrderedDict, a namedtuple, np.str_ keys, a torch tensor, into plain values:
`plain`.) Decoding builds fresh built-in values from JSON that `json.loads` made, so nothing the
student wrote ever runs in the grader.

    None, bool, int, float, str        as JSON itself
    tuple                              {"$tuple": [...]}
    dict (any encodable keys)          {"$dict": [[key, value], ...]}
    bytes                              {"$bytes": base64}
    numpy.ndarray                      {"$ndarray": {"dtype": "float64", "shape": [2, 3], "data": base64}}
    numpy scalar (np.float64, ...)     {"$scalar": {"dtype": "float64", "data": base64}}
    a callable of the grader's         {"$callable": 3}  (the worker calls back through the protocol)
      ... whose results the student's code gets as torch tensors   {"$torch_callable": 3}
    an object living in the worker     {"$handle": 7}  (the grader holds a Handle; see call.py)
    an array in a safetensors file     {"$safetensors": {"path": ..., "tensor": ..., "dtype": "float64"}}
      (only the grader sends these: the worker reads the file, which the sandbox shows it)
"""

import base64
import binascii
import json
import math
import struct

import numpy as np

DTYPES = frozenset(
    "bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 float16 float32 float64".split()
)
_SCALAR_TYPES = frozenset(np.dtype(name).type for name in DTYPES)
MAX_DEPTH = 40
MAX_MESSAGE_BYTES = 16 * 1024 * 1024
# Lists, tuples and dicts in one message: decoding each costs the grader time and memory, so a
# message of millions of tiny containers is refused before it is parsed.
MAX_CONTAINERS = 200_000
SAFETENSORS_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
                      "I8": "i1", "U8": "u1", "BOOL": "?"}


class WireError(ValueError):
    """A value that cannot cross the boundary, or a message that is not well-formed."""


class TorchCallable:
    """A grader callable whose results the student's code receives as torch tensors (lesson 13's
    models are called with tensors and return them)."""

    def __init__(self, function):
        self.function = function

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)

    def __repr__(self):  # feedback shows what the model is, the same in every regrade (not an address)
        return repr(self.function)


class SafetensorsArray:
    """An array that the worker reads itself from a safetensors file it can see, instead of receiving
    its bytes through the pipe (a real model's weights are tens of megabytes)."""

    def __init__(self, path, tensor, dtype="float64"):
        self.path, self.tensor, self.dtype = str(path), tensor, dtype

    def load(self):
        return read_safetensors(self.path, self.tensor).astype(self.dtype)

    def __repr__(self):
        return f"<{self.tensor} of {self.path.rsplit('/', 1)[-1]}>"


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
    if value is None or kind in (bool, str, int, float):
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
    handle = getattr(value, "wire_handle", None)  # a Handle of the grader's, or one made by the worker
    if type(handle) is int:
        return {"$handle": handle}
    if kind is SafetensorsArray and callables is not None:
        return {"$safetensors": {"path": value.path, "tensor": value.tensor, "dtype": value.dtype}}
    if callables is not None and callable(value):
        callables.append(value)
        return {"$torch_callable" if kind is TorchCallable else "$callable": len(callables) - 1}
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


class Resolvers:
    """How the receiving side turns references into objects: `callable(index, torch)` for
    $callable/$torch_callable, `handle(index)` for $handle, `safetensors(path, tensor, dtype)`.
    A reference with no resolver is malformed."""

    def __init__(self, callable=None, handle=None, safetensors=None):
        self.callable, self.handle, self.safetensors = callable, handle, safetensors


NO_REFERENCES = Resolvers()


def decode(data, resolvers=NO_REFERENCES, _depth=0):
    """Rebuild a value from what `encode` produced (after a JSON round trip)."""
    if _depth > MAX_DEPTH:
        raise WireError(f"value is nested more than {MAX_DEPTH} levels deep")
    kind = type(data)
    if data is None or kind in (bool, int, float, str):
        return data
    if kind is list:
        return [decode(item, resolvers, _depth + 1) for item in data]
    if kind is not dict or len(data) != 1:
        raise WireError("malformed value")
    (tag, body), = data.items()
    if tag == "$tuple" and type(body) is list:
        return tuple(decode(item, resolvers, _depth + 1) for item in body)
    if tag == "$dict" and type(body) is list:
        result = {}
        for pair in body:
            if type(pair) is not list or len(pair) != 2:
                raise WireError("malformed dict entry")
            key = decode(pair[0], resolvers, _depth + 1)
            try:
                result[key] = decode(pair[1], resolvers, _depth + 1)
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
    if tag in ("$callable", "$torch_callable") and type(body) is int and resolvers.callable is not None:
        return resolvers.callable(body, tag == "$torch_callable")
    if tag == "$handle" and type(body) is int and resolvers.handle is not None:
        return resolvers.handle(body)
    if tag == "$safetensors" and resolvers.safetensors is not None:
        path, tensor, dtype = _exact_keys(body, ("path", "tensor", "dtype"), "safetensors reference")
        if not all(type(v) is str for v in (path, tensor, dtype)):
            raise WireError("malformed safetensors reference")
        return resolvers.safetensors(path, tensor, _dtype(dtype).name)
    raise WireError(f"unknown value tag {tag!r}")


# Bound when the worker starts, before student code runs: a notebook that patches builtins.isinstance
# must not change how its values are described.
_isinstance = isinstance


def plain(value, keep_object=None, _depth=0):
    """What a student's function returned, as the plain values `encode` takes: subclasses of the
    built-in types become those types (np.str_ -> str, OrderedDict -> dict, a namedtuple -> tuple),
    torch tensors become NumPy arrays. Any other object becomes `keep_object(value)` (the worker
    keeps it and sends a handle) or is left for `encode` to refuse."""
    if _depth > MAX_DEPTH:
        return value
    kind = type(value)
    if value is None or kind in (bool, int, float, str, bytes, np.ndarray) or kind in _SCALAR_TYPES:
        return value
    if _isinstance(value, bool):
        return bool(value)
    if _isinstance(value, str):
        return str.__str__(value)
    if _isinstance(value, int):
        return int.__index__(value)
    if _isinstance(value, float):
        return float.__float__(value)
    if _isinstance(value, (list, tuple, dict)):
        if _isinstance(value, dict):
            return {plain(k, keep_object, _depth + 1): plain(v, keep_object, _depth + 1)
                    for k, v in dict.items(value)}
        items = [plain(item, keep_object, _depth + 1) for item in (list.__iter__(value) if _isinstance(value, list)
                                                                   else tuple.__iter__(value))]
        return items if _isinstance(value, list) else tuple(items)
    if kind.__module__ == "torch" and kind.__name__ in ("Tensor", "Parameter"):
        return value.detach().cpu().numpy().copy()
    if kind.__module__ == "torch" and kind.__name__ == "Size":
        return tuple(int(n) for n in value)
    if _isinstance(value, np.ndarray):  # a subclass (np.matrix, a masked array): its plain data
        return np.asarray(value).view(np.ndarray).copy()
    return keep_object(value) if keep_object is not None else value


def read_safetensors(path, tensor):
    """One tensor of a safetensors file as a NumPy array (the format: an 8-byte header length, a JSON
    header of name -> dtype, shape and byte offsets, then the raw little-endian data)."""
    with open(path, "rb") as handle:
        (size,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(size))
        if tensor not in header or tensor == "__metadata__":
            raise WireError(f"{path.rsplit('/', 1)[-1]} has no tensor {tensor!r}")
        entry = header[tensor]
        start, end = entry["data_offsets"]
        handle.seek(8 + size + start)
        data = handle.read(end - start)
    return np.frombuffer(data, dtype=np.dtype(SAFETENSORS_DTYPES[entry["dtype"]])).reshape(entry["shape"]).copy()


def dumps(message):
    """One protocol message as one line of bytes."""
    return json.dumps(message, separators=(",", ":"), allow_nan=True).encode("utf-8") + b"\n"


def loads(line, from_grader=False):
    """One message; its size and number of containers are capped unless it comes `from_grader` (the
    worker reading the grader's requests, which may carry a real tokenizer's 100,000 merges)."""
    if not from_grader and len(line) > MAX_MESSAGE_BYTES:
        raise WireError("message too large")
    if not from_grader and line.count(b"[") + line.count(b"{") > MAX_CONTAINERS:
        raise WireError(f"message holds more than {MAX_CONTAINERS} lists and dicts")
    try:
        message = json.loads(line)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:  # RecursionError: deep nesting
        raise WireError(f"not a JSON message: {error}") from None
    if type(message) is not dict or type(message.get("op")) is not str:
        raise WireError("a message must be a JSON object with an 'op'")
    return message
