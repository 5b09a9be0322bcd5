"""The wire format between the judge and the worker: length-prefixed frames, never pickle.

A frame is an 8-byte header (JSON length, blob length; big-endian uint32), a UTF-8 JSON envelope
and a safetensors blob holding every tensor the envelope refers to. Values are encoded as a small
JSON tree in which tensors, dtypes, devices, tuples and named tuples are tagged objects, so the
judge rebuilds plain data and never runs code chosen by the other side.

This module is imported by both sides; it must stay free of anything secret.
"""

from __future__ import annotations

import json
import math
import struct
from collections import OrderedDict, namedtuple
from collections.abc import Callable
from typing import Any, BinaryIO

import numpy as np
import torch
from safetensors.torch import load as _load_tensors
from safetensors.torch import save as _save_tensors

HEADER = struct.Struct(">II")
MAX_ENVELOPE_BYTES = 4 * 1024 * 1024
DEFAULT_MAX_BLOB_BYTES = 256 * 1024 * 1024

_DTYPES: dict[str, torch.dtype] = {
    str(dt).removeprefix("torch."): dt
    for dt in (
        torch.bool,
        torch.uint8,
        torch.int8,
        torch.int16,
        torch.int32,
        torch.int64,
        torch.float16,
        torch.bfloat16,
        torch.float32,
        torch.float64,
        torch.complex64,
        torch.complex128,
    )
}


class ProtocolError(Exception):
    """The other side sent something that is not a valid frame."""


class FrameTooLarge(ProtocolError):
    """A frame is larger than the size cap."""


def dtype_name(dtype: torch.dtype) -> str:
    """Return the short name of a dtype, e.g. ``"float32"``."""
    return str(dtype).removeprefix("torch.")


def dtype_from_name(name: str) -> torch.dtype:
    """Return the dtype for a short name; raise ProtocolError for an unknown one."""
    try:
        return _DTYPES[name]
    except KeyError:
        raise ProtocolError(f"unknown dtype {name!r}") from None


def apply_layout(tensor: torch.Tensor, layout: list[list[Any]]) -> torch.Tensor:
    """Apply view ops (transpose, permute, expand, slice) that make an input non-contiguous."""
    for op, *params in layout:
        if op == "transpose":
            tensor = tensor.transpose(*params)
        elif op == "permute":
            tensor = tensor.permute(*params)
        elif op == "expand":
            tensor = tensor.expand(*params)
        elif op == "slice":
            dim, start, stop, step = params
            tensor = tensor[(slice(None),) * (dim % tensor.dim()) + (slice(start, stop, step),)]
        else:
            raise ProtocolError(f"unknown layout op {op!r}")
    return tensor


def write_frame(stream: BinaryIO, envelope: dict[str, Any], blob: bytes = b"") -> None:
    """Write one frame and flush."""
    data = json.dumps(envelope, allow_nan=False, separators=(",", ":")).encode()
    stream.write(HEADER.pack(len(data), len(blob)) + data + blob)
    stream.flush()


def _read_exact(stream: BinaryIO, n: int) -> bytes:
    chunks = []
    while n:
        chunk = stream.read(n)
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_frame(
    stream: BinaryIO, *, max_blob_bytes: int = DEFAULT_MAX_BLOB_BYTES
) -> tuple[dict[str, Any], bytes]:
    """Read one frame; raise EOFError at end of stream, FrameTooLarge past the caps."""
    json_len, blob_len = HEADER.unpack(_read_exact(stream, HEADER.size))
    if json_len > MAX_ENVELOPE_BYTES or blob_len > max_blob_bytes:
        raise FrameTooLarge(
            f"a result of {json_len + blob_len:,} bytes is over the limit of "
            f"{max_blob_bytes:,} bytes"
        )
    try:
        envelope = json.loads(_read_exact(stream, json_len))
    except ValueError as exc:
        raise ProtocolError(f"bad envelope: {exc}") from None
    if not isinstance(envelope, dict):
        raise ProtocolError("the envelope is not a JSON object")
    return envelope, _read_exact(stream, blob_len)


def pack_tensors(tensors: dict[str, torch.Tensor]) -> bytes:
    """Serialise CPU tensors with safetensors (an empty dict gives an empty blob)."""
    return _save_tensors(tensors) if tensors else b""


def unpack_tensors(blob: bytes) -> dict[str, torch.Tensor]:
    """Deserialise a safetensors blob into plain CPU tensors."""
    if not blob:
        return {}
    try:
        return _load_tensors(blob)
    except Exception as exc:
        raise ProtocolError(f"bad tensor data: {exc}") from None


class Encoder:
    """Turns Python values into a JSON tree plus a dict of CPU tensors for the blob.

    ``describe`` adds facts about each tensor to its JSON node (the worker uses it to report
    device, strides, autograd state and aliasing, measured on the live object).
    """

    def __init__(
        self,
        describe: Callable[[torch.Tensor], dict[str, Any]] | None = None,
        describe_array: Callable[[np.ndarray], dict[str, Any]] | None = None,
        *,
        keep_data: bool = True,
    ) -> None:
        self.tensors: dict[str, torch.Tensor] = {}
        self.keep_data = keep_data
        self._describe = describe
        self._describe_array = describe_array

    def encode(self, value: Any) -> Any:
        """Encode one value (recursively)."""
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            return value if -(2**63) <= value < 2**63 else {"__bigint__": str(value)}
        if isinstance(value, float):
            return value if math.isfinite(value) else {"__float__": repr(value)}
        if isinstance(value, torch.Tensor):
            return self._encode_tensor(value)
        if isinstance(value, torch.dtype):
            return {"__dtype__": dtype_name(value)}
        if isinstance(value, torch.device):
            return {"__device__": str(value)}
        if isinstance(value, torch.Size):
            return {"__size__": [int(s) for s in value]}
        if isinstance(value, tuple) and hasattr(type(value), "_fields"):
            return {
                "__namedtuple__": type(value).__name__[:64],
                "fields": [str(f) for f in type(value)._fields],
                "items": [self.encode(v) for v in value],
            }
        if type(value) is tuple:
            return {"__tuple__": [self.encode(v) for v in value]}
        if type(value) is list:
            return [self.encode(v) for v in value]
        if type(value) is dict:
            return {"__dict__": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if type(value) is OrderedDict:
            return {"__odict__": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if type(value) is np.ndarray:
            return self._encode_array(value)
        return {"__object__": type(value).__name__[:64], "repr": _safe_repr(value)}

    def _encode_tensor(self, tensor: torch.Tensor) -> dict[str, Any]:
        key = f"t{len(self.tensors)}"
        node: dict[str, Any] = {"__tensor__": key}
        if self._describe is not None:
            node.update(self._describe(tensor))
        if tensor.device.type != "meta" and self.keep_data:
            self.tensors[key] = tensor.detach().to("cpu").contiguous().clone()
        else:
            node["__tensor__"] = None
        return node

    def _encode_array(self, array: np.ndarray) -> dict[str, Any]:
        key = f"t{len(self.tensors)}"
        node: dict[str, Any] = {
            "__ndarray__": key,
            "dtype": str(array.dtype),
            "shape": [int(s) for s in array.shape],
            "strides": [int(s) for s in array.strides],
        }
        if self._describe_array is not None:
            node.update(self._describe_array(array))
        try:
            self.tensors[key] = torch.from_numpy(np.ascontiguousarray(array).copy())
        except TypeError:  # a dtype torch cannot hold: keep only the description
            node["__ndarray__"] = None
        return node

    def blob(self) -> bytes:
        """Return the safetensors blob for every tensor encoded so far."""
        return pack_tensors(self.tensors)


def _safe_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text[:200]


def decode(
    node: Any, tensors: dict[str, torch.Tensor], *, tensor_hook: Callable | None = None
) -> Any:
    """Rebuild plain data from an encoded tree.

    ``tensor_hook(node, tensor_or_None)`` may replace each decoded tensor (the judge wraps
    tensors with their metadata; the worker builds inputs on the requested device).
    """
    if isinstance(node, list):
        return [decode(v, tensors, tensor_hook=tensor_hook) for v in node]
    if not isinstance(node, dict):
        return node
    if "__tensor__" in node:
        key = node["__tensor__"]
        tensor = None
        if key is not None:
            if key not in tensors:
                raise ProtocolError(f"missing tensor {key!r}")
            tensor = tensors[key]
        return tensor_hook(node, tensor) if tensor_hook else tensor
    if "__tuple__" in node:
        return tuple(decode(v, tensors, tensor_hook=tensor_hook) for v in node["__tuple__"])
    if "__namedtuple__" in node:
        fields = [f if f.isidentifier() else f"field{i}" for i, f in enumerate(node["fields"])]
        name = node["__namedtuple__"] if str(node["__namedtuple__"]).isidentifier() else "Record"
        cls = namedtuple(name, fields, rename=True)
        return cls(*(decode(v, tensors, tensor_hook=tensor_hook) for v in node["items"]))
    if "__ndarray__" in node:
        key = node["__ndarray__"]
        data = tensors.get(key) if key is not None else None
        if key is not None and data is None:
            raise ProtocolError(f"missing array {key!r}")
        return ReturnedArray(
            facts={k: v for k, v in node.items() if k != "__ndarray__"},
            data=None if data is None else data.numpy(),
        )
    if "__odict__" in node:
        return OrderedDict(
            (
                _hashable(decode(k, tensors, tensor_hook=tensor_hook)),
                decode(v, tensors, tensor_hook=tensor_hook),
            )
            for k, v in node["__odict__"]
        )
    if "__dict__" in node:
        return {
            _hashable(decode(k, tensors, tensor_hook=tensor_hook)): decode(
                v, tensors, tensor_hook=tensor_hook
            )
            for k, v in node["__dict__"]
        }
    if "__dtype__" in node:
        return dtype_from_name(node["__dtype__"])
    if "__device__" in node:
        return torch.device(node["__device__"])
    if "__size__" in node:
        return torch.Size(node["__size__"])
    if "__float__" in node:
        return float(node["__float__"])
    if "__bigint__" in node:
        return int(node["__bigint__"])
    if "__object__" in node:
        return ForeignObject(str(node["__object__"]), str(node.get("repr", "")))
    return {k: decode(v, tensors, tensor_hook=tensor_hook) for k, v in node.items()}


def _hashable(key: Any) -> Any:
    try:
        hash(key)
    except TypeError:
        return repr(key)
    return key


class ReturnedArray:
    """A NumPy array the worker returned: a copy of its values plus facts about the original."""

    def __init__(self, facts: dict[str, Any], data: np.ndarray | None) -> None:
        self.facts = facts
        self.data = data

    def __repr__(self) -> str:
        return f"<array {self.facts.get('dtype')} {tuple(self.facts.get('shape', ()))}>"


class ForeignObject:
    """Stands in for a value the worker could not encode (we keep only its type and repr)."""

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name = type_name
        self.text = text

    def __repr__(self) -> str:
        return f"<{self.type_name}: {self.text}>"
