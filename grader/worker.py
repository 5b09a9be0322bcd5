"""The untrusted side: imports student modules by path and calls their functions.

Run as ``python -I -m grader.worker`` by :mod:`grader.runner`. The worker reads request frames on
stdin and answers on a private duplicate of stdout; the student's own ``print`` output (and fd 1
and 2 at the C level) goes to stderr, which the judge drains and truncates. The worker never sees
expected values: it only measures facts about the live objects (device, strides, aliasing,
``_version`` counters, ``.grad``) right after each call and sends them back as data.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
import time
import traceback
from contextlib import nullcontext
from typing import Any, BinaryIO


def _take_protocol_streams() -> tuple[BinaryIO, BinaryIO]:
    """Keep private copies of stdin/stdout for frames; point fds 0/1 where students can't hurt."""
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    return proto_in, proto_out


def main() -> None:
    """Serve requests until the judge closes stdin."""
    proto_in, proto_out = _take_protocol_streams()
    import torch  # after the fd shuffle, so torch's own output can't reach the protocol

    from grader import protocol

    torch.set_num_threads(1)
    protocol.write_frame(proto_out, {"ready": True, "pid": os.getpid(), "torch": torch.__version__})
    # The first operation on `meta` tensors imports torch._dynamo (about 0.9 s). Pay for it in the
    # background while the first requests (CPU value checks) are served.
    threading.Thread(target=_warm_meta, daemon=True).start()
    session = _Session()
    while True:
        try:
            request, blob = protocol.read_frame(proto_in)
        except EOFError:
            break
        if request.get("op") == "exit":
            break
        envelope, out_blob = session.handle(request, blob)
        sys.stdout.flush()
        sys.stderr.flush()
        protocol.write_frame(proto_out, envelope, out_blob)
    os._exit(0)


def _warm_meta() -> None:
    import torch

    # While this thread imports, the main thread waits up to the switch interval (5 ms) for the
    # GIL on every request: hand it over more often until the warm-up is done.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    try:
        with contextlib.suppress(Exception):
            torch.ones(2, device="meta") * torch.ones(2, device="meta")
    finally:
        sys.setswitchinterval(interval)


class _ImportFailed(Exception):
    def __init__(self, info: dict[str, Any]) -> None:
        super().__init__(info.get("message", ""))
        self.info = info


class _Session:
    def __init__(self) -> None:
        self.modules: dict[str, Any] = {}

    def handle(self, request: dict[str, Any], blob: bytes) -> tuple[dict[str, Any], bytes]:
        from grader import protocol

        rid = request.get("id")
        if request.get("op") == "ping":
            return {"id": rid, "status": "ok"}, b""
        try:
            module = self._load(str(request["path"]))
        except _ImportFailed as failed:
            return {"id": rid, "status": "import_error", "error": failed.info}, b""
        function = getattr(module, str(request["function"]), None)
        if not callable(function):
            return {"id": rid, "status": "missing"}, b""
        tensors = protocol.unpack_tensors(blob)
        build = functools.partial(_build_input, tensors=tensors)
        args = protocol.decode(request.get("args", []), tensors, tensor_hook=build)
        kwargs = protocol.decode(request.get("kwargs", {}), tensors, tensor_hook=build)
        args = [_resolve_functions(a) for a in args]
        kwargs = {k: _resolve_functions(v) for k, v in kwargs.items()}
        if request.get("backward") is not None:
            request["backward"] = protocol.decode(request["backward"], tensors, tensor_hook=build)
        return _call(function, args, kwargs, request, str(request["path"]))

    def _load(self, path: str) -> Any:
        cached = self.modules.get(path)
        if isinstance(cached, _ImportFailed):
            raise cached
        if cached is not None:
            return cached
        import importlib.util

        stem = os.path.splitext(os.path.basename(path))[0]
        name = f"_tensorgrade_submission_{stem}"
        try:
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot import {path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        except BaseException as exc:
            failed = _ImportFailed(_error_info(exc, path, at_import=True))
            self.modules[path] = failed
            raise failed from None
        self.modules[path] = module
        return module


def _build_input(node: dict[str, Any], tensor: Any, *, tensors: dict[str, Any]) -> Any:
    """Place an input tensor on its device with its layout, autograd flag and ``.grad``."""
    import torch

    from grader.protocol import apply_layout, dtype_from_name

    device = node.get("device", "cpu")
    if tensor is None:
        tensor = torch.empty(node["shape"], dtype=dtype_from_name(node["dtype"]), device="meta")
    else:
        tensor = tensor.to(device)
    tensor = apply_layout(tensor, node.get("layout", []))
    if node.get("requires_grad"):
        tensor = tensor.detach().requires_grad_(True)
    grad = node.get("grad")
    if isinstance(grad, dict) and grad.get("__tensor__") in tensors:
        tensor.grad = tensors[grad["__tensor__"]].to(device)
    return tensor


def _resolve_functions(value: Any) -> Any:
    if isinstance(value, dict) and "__function__" in value:
        from grader.functions import LIBRARY

        params = {k: _resolve_functions(v) for k, v in value.get("params", {}).items()}
        return LIBRARY[str(value["__function__"])](**params)
    return value


def _storage_ptr(tensor: Any) -> int | None:
    if tensor.device.type == "meta":
        return None
    try:
        return int(tensor.untyped_storage().data_ptr())
    except Exception:
        return None


def _call(
    function: Any, args: list[Any], kwargs: dict[str, Any], request: dict[str, Any], path: str
) -> tuple[dict[str, Any], bytes]:
    import torch

    from grader import protocol

    rid = request.get("id")
    inputs = [a if isinstance(a, torch.Tensor) else None for a in args]
    versions = [t._version if t is not None else None for t in inputs]
    pointers = [_storage_ptr(t) if t is not None else None for t in inputs]
    # Tensors inside list/tuple arguments (e.g. the params of an optimizer step), by "i.j".
    elements = {
        f"{i}.{j}": (t, t._version, _storage_ptr(t))
        for i, a in enumerate(args)
        if isinstance(a, (list, tuple))
        for j, t in enumerate(a)
        if isinstance(t, torch.Tensor)
    }
    context = torch.no_grad() if request.get("context") == "no_grad" else nullcontext()
    started = time.perf_counter()
    try:
        with context:
            value = function(*args, **kwargs)
    except BaseException as exc:
        return {"id": rid, "status": "raised", "error": _error_info(exc, path)}, b""
    duration = time.perf_counter() - started
    grad_output = request.get("backward")
    if grad_output is not None:
        # Gradients can't cross the process boundary: run backward here, return the inputs' .grad.
        try:
            if not isinstance(value, torch.Tensor):
                raise TypeError(f"expected a tensor to differentiate, got {type(value).__name__}")
            torch.autograd.backward(value, grad_tensors=grad_output)
        except BaseException as exc:
            info = _error_info(exc, path)
            info["message"] = f"backward() through your result failed: {info['message']}"
            return {"id": rid, "status": "raised", "error": info}, b""

    def describe(tensor: torch.Tensor) -> dict[str, Any]:
        ptr = _storage_ptr(tensor)
        facts: dict[str, Any] = {
            "shape": [int(s) for s in tensor.shape],
            "dtype": protocol.dtype_name(tensor.dtype),
            "device": str(tensor.device),
            "strides": [int(s) for s in tensor.stride()],
            "contiguous": bool(tensor.is_contiguous()),
            "storage_nbytes": int(tensor.untyped_storage().nbytes()),
            "requires_grad": bool(tensor.requires_grad),
            "is_leaf": bool(tensor.is_leaf),
            "grad_fn": type(tensor.grad_fn).__name__ if tensor.grad_fn is not None else None,
            "is_arg": next((i for i, t in enumerate(inputs) if t is tensor), None),
            "shares_storage_with": [
                i for i, p in enumerate(pointers) if p is not None and ptr is not None and p == ptr
            ],
        }
        if type(tensor) not in (torch.Tensor, torch.nn.Parameter):
            facts["subclass"] = type(tensor).__qualname__[:64]
        return facts

    return_inputs = bool(request.get("return_inputs", True))
    no_subclass_hooks = getattr(torch._C, "DisableTorchFunctionSubclass", nullcontext)
    try:
        with no_subclass_hooks():
            encoder = protocol.Encoder(describe)
            encoded = encoder.encode(value)
            after = [
                None if tensor is None else _after_facts(encoder, tensor, version, return_inputs)
                for tensor, version in zip(inputs, versions)
            ]
            elements_after = {}
            for key, (original, version, ptr) in elements.items():
                i, j = (int(k) for k in key.split("."))
                try:
                    current = args[i][j]
                except (IndexError, TypeError):
                    current = None
                facts = _after_facts(encoder, original, version, return_inputs)
                facts["same_object"] = current is original
                facts["same_storage"] = ptr is None or _storage_ptr(original) == ptr
                if request.get("probe_backward") and original.is_leaf and original.requires_grad:
                    facts["backward_ok"] = _backward_works(original)
                elements_after[key] = facts
            blob = encoder.blob()
    except BaseException as exc:
        return {"id": rid, "status": "raised", "error": _error_info(exc, path)}, b""
    envelope = {
        "id": rid,
        "status": "ok",
        "value": encoded,
        "inputs_after": after,
        "elements_after": elements_after,
        "duration_s": duration,
    }
    return envelope, blob


def _after_facts(encoder: Any, tensor: Any, version: int, with_value: bool) -> dict[str, Any]:
    """Facts about an input tensor right after the call."""
    grad = tensor.grad if tensor.is_leaf else None
    return {
        "value": encoder.encode(tensor.detach()) if with_value else None,
        "version_delta": int(tensor._version - version),
        "requires_grad": bool(tensor.requires_grad),
        "is_leaf": bool(tensor.is_leaf),
        "grad_fn": type(tensor.grad_fn).__name__ if tensor.grad_fn is not None else None,
        "grad": encoder.encode(grad.detach()) if grad is not None else None,
    }


def _backward_works(tensor: Any) -> bool:
    """Can a fresh graph from this leaf still be differentiated (no leaked graph, no error)?"""
    saved = tensor.grad
    try:
        (tensor * 1).sum().backward()
        return True
    except Exception:
        return False
    finally:
        tensor.grad = saved


def _error_info(exc: BaseException, path: str, *, at_import: bool = False) -> dict[str, Any]:
    """Describe an exception as plain data: type names, message, and the student's line."""
    try:
        message = str(exc)
    except Exception:
        message = "<unprintable message>"
    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if os.path.abspath(frame.f_code.co_filename) == os.path.abspath(path):
            line = lineno
    if isinstance(exc, SyntaxError) and exc.lineno and line is None:
        line = exc.lineno
    try:
        text = "".join(traceback.format_exception(exc)[-6:])
    except Exception:
        text = ""
    return {
        "type": type(exc).__name__[:64],
        "mro": [f"{c.__module__}.{c.__qualname__}"[:128] for c in type(exc).__mro__][:12],
        "message": message[:500],
        "line": line,
        "file": os.path.basename(path),
        "at_import": at_import,
        "traceback": text[-2000:],
    }


if __name__ == "__main__":
    main()
