"""The exercises: ids, function names, modules and points (see CURRICULUM.md; ids are fixed).

Adding an exercise is one stub, one solution, one check module entry and one line here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    """One exercise of the curriculum."""

    id: str
    """``"<module>.<n>"``, e.g. ``"3.4"``; reports and gradebooks key on it."""
    name: str
    """The function the student writes; reports name the exercise after it."""
    module: str
    """The exercise module's file stem, e.g. ``"m03_broadcasting"``."""
    points: float
    stars: int
    meta_safe: bool
    """Whether the device round can run on ``meta`` (no data-dependent operations)."""
    topic: str
    functions: tuple[str, ...] = ()
    """Every function the exercise grades; defaults to ``(name,)``."""

    @property
    def all_functions(self) -> tuple[str, ...]:
        """The functions this exercise grades."""
        return self.functions or (self.name,)

    @property
    def filename(self) -> str:
        """The exercise module's file name."""
        return f"{self.module}.py"


CATALOG: tuple[Exercise, ...] = (
    Exercise("1.1", "linspace_like_numpy", "m01_creation", 3, 1, True,
             "np.linspace in torch, with NumPy's float64"),
    Exercise("1.2", "arange_reshape", "m01_creation", 2, 1, True,
             "arange + reshape, row-major, int64"),
    Exercise("1.3", "numpy_view", "m01_creation", 3, 2, False,
             "the NumPy bridge: shared memory, detach, CPU only"),
    Exercise("2.1", "to_channels_first", "m02_views", 3, 2, True,
             "permute gives a view; a contiguous copy owns new memory"),
    Exercise("2.2", "zero_diagonal", "m02_views", 3, 2, True,
             "copy vs in place (the _ convention), diagonal views",
             functions=("zero_diagonal", "zero_diagonal_")),
    Exercise("2.3", "broadcast_view", "m02_views", 3, 2, True,
             "expand, not repeat: stride-0 views that allocate nothing"),
    Exercise("3.1", "broadcast_shapes", "m03_broadcasting", 5, 3, False,
             "the broadcasting rule by hand"),
    Exercise("3.2", "center_columns", "m03_broadcasting", 3, 1, True,
             "subtract column means: (N, D) - (1, D), the square trap"),
    Exercise("3.3", "scale_channels", "m03_broadcasting", 3, 1, True,
             "per-channel colour scaling, dtype promotion"),
    Exercise("3.4", "scale_batch_channels", "m03_broadcasting", 4, 2, True,
             "per-image per-channel scaling, reshape to (B, 1, 1, C)"),
    Exercise("3.5", "pairwise_sq_dists", "m03_broadcasting", 4, 3, True,
             "all pairwise squared distances, vectorised and clamped"),
    Exercise("4.1", "describe", "m04_reductions", 3, 1, True,
             "mean, std (unbiased vs biased), min, max"),
    Exercise("4.2", "image_means", "m04_reductions", 4, 2, True,
             "means across batch, channels, and per channel"),
    Exercise("4.3", "stable_softmax", "m04_reductions", 5, 3, True,
             "softmax by hand: max-subtraction with keepdim"),
    Exercise("5.1", "segmentation_mask", "m05_indexing", 3, 1, True,
             "argmax over classes as a segmentation mask"),
    Exercise("5.2", "one_hot", "m05_indexing", 3, 2, True,
             "one-hot by broadcast comparison with arange"),
    Exercise("5.3", "nll_loss", "m05_indexing", 4, 2, True,
             "gather / advanced indexing for the NLL loss"),
    Exercise("5.4", "sequence_mask", "m05_indexing", 3, 1, True,
             "a length mask from a broadcast comparison"),
    Exercise("5.5", "masked_mean", "m05_indexing", 5, 3, True,
             "masked means without nan values or nan gradients"),
    Exercise("6.1", "promote_types", "m06_dtypes_memory", 4, 3, False,
             "the dtype promotion lattice by hand"),
    Exercise("6.2", "footprint", "m06_dtypes_memory", 3, 2, True,
             "logical bytes vs storage bytes; getsizeof is not the data"),
    Exercise("6.3", "to_uint8_image", "m06_dtypes_memory", 3, 2, True,
             "round, clamp, then cast: uint8 wraps around"),
    Exercise("7.1", "autograd_grad", "m07_autograd", 4, 2, True,
             "gradients with autograd, side-effect free"),
    Exercise("7.2", "numerical_grad", "m07_autograd", 3, 2, False,
             "central differences, and restoring what you perturb"),
    Exercise("7.3", "grad_check", "m07_autograd", 3, 3, False,
             "gradient checking: autograd against numerics"),
    Exercise("7.4", "straight_through_round", "m07_autograd", 2, 1, True,
             "detach to pass gradients straight through"),
    Exercise("7.5", "sgd_step_", "m07_autograd", 3, 2, False,
             "in-place updates of leaves under no_grad"),
    Exercise("8.1", "to_device", "m08_devices_perf", 4, 2, True,
             "device-agnostic code: move nested batches, keep types"),
    Exercise("8.2", "rolling_mean", "m08_devices_perf", 3, 2, True,
             "vectorised sliding windows (unfold) vs Python loops"),
    Exercise("8.3", "time_it", "m08_devices_perf", 2, 1, False,
             "timing done right: warm-up, median, perf_counter, synchronize"),
)  # fmt: skip

BY_ID: dict[str, Exercise] = {e.id: e for e in CATALOG}

# CURRICULUM.md §4: every concept of the seed notebook and the exercises that cover it.
SEED_CONCEPTS: dict[str, tuple[str, ...]] = {
    "numpy vs torch creation; np.linspace / torch.linspace (float64 vs float32)": ("1.1", "6.2"),
    "arange + reshape to 3x4x4": ("1.2",),
    "the broadcasting rule; (1,6,4,1,7,2) vs (5,6,1,3,1,2)": ("3.1", "2.3"),
    "(6,5) + (1,5) broadcast": ("3.2",),
    "scale the colour channels of 256x256x3 by a vector of 3": ("3.3", "6.3"),
    "scale a batch 2x256x256x3 by per-image scales reshaped (2,1,1,3)": ("3.4",),
    "reductions mean, std (unbiased 1.6520), max, min": ("4.1",),
    "mean of each column = mean over axis 0": ("3.2", "4.2"),
    "means across the batch and the colour channels of 5x256x256x3": ("4.2",),
    "torch.max(t, axis=-1) values and indices; argmax segmentation mask": ("5.1",),
    "autograd of sum(x^3) checked against 3x^2": ("7.1", "7.2", "7.3"),
    "torch faster but heavier than numpy; import time": ("6.2", "8.2", "8.3"),
}
MODULES: tuple[str, ...] = tuple(dict.fromkeys(e.module for e in CATALOG))


def select(ids: tuple[str, ...] | list[str] | None) -> tuple[Exercise, ...]:
    """The exercises named (all when empty), in catalog order. A name is an exercise id
    (``3.4``), a module number (``3``: every exercise of module 3) or a function name
    (``scale_channels``). KeyError says which name is unknown and what comes close."""
    if not ids:
        return CATALOG
    wanted: set[str] = set()
    for name in ids:
        found = resolve(name)
        if not found:
            raise KeyError(_unknown(name))
        wanted |= {e.id for e in found}
    return tuple(e for e in CATALOG if e.id in wanted)


def resolve(name: str) -> tuple[Exercise, ...]:
    """The exercises one name stands for (see :func:`select`); empty when none."""
    name = name.strip()
    if name in BY_ID:
        return (BY_ID[name],)
    if name.isdigit():
        return tuple(e for e in CATALOG if e.id.split(".")[0] == str(int(name)))
    return tuple(e for e in CATALOG if name in e.all_functions)


def _unknown(name: str) -> str:
    import difflib

    names = [*BY_ID, *(f for e in CATALOG for f in e.all_functions)]
    close = difflib.get_close_matches(name, names, n=3)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    modules = sorted({e.id.split(".")[0] for e in CATALOG}, key=int)
    return (
        f"unknown exercise {name!r}{hint} Name an exercise id ({', '.join(list(BY_ID)[:3])}, "
        f"...), a module number ({'-'.join((modules[0], modules[-1]))}) or a function name"
    )
