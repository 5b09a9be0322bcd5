"""The exercises: ids, function names, modules and points (see CURRICULUM.md; ids are fixed).

Adding an exercise: its solution, its entry here, its checks and its mutants (docs/authoring.md).
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
    Exercise(id="1.1", name="linspace_like_numpy", module="m01_creation", points=3, stars=1,
             meta_safe=True, topic="np.linspace in torch, with NumPy's float64"),
    Exercise(id="1.2", name="arange_reshape", module="m01_creation", points=2, stars=1,
             meta_safe=True, topic="arange + reshape, row-major, int64"),
    Exercise(id="1.3", name="numpy_view", module="m01_creation", points=3, stars=2,
             meta_safe=False, topic="the NumPy bridge: shared memory, detach, CPU only"),
    Exercise(id="2.1", name="to_channels_first", module="m02_views", points=3, stars=2,
             meta_safe=True, topic="permute gives a view; a contiguous copy owns new memory"),
    Exercise(id="2.2", name="zero_diagonal", module="m02_views", points=3, stars=2,
             meta_safe=True, topic="copy vs in place (the _ convention), diagonal views",
             functions=('zero_diagonal', 'zero_diagonal_')),
    Exercise(id="2.3", name="broadcast_view", module="m02_views", points=3, stars=2,
             meta_safe=True, topic="expand, not repeat: stride-0 views that allocate nothing"),
    Exercise(id="3.1", name="broadcast_shapes", module="m03_broadcasting", points=5, stars=3,
             meta_safe=False, topic="the broadcasting rule by hand"),
    Exercise(id="3.2", name="center_columns", module="m03_broadcasting", points=3, stars=1,
             meta_safe=True, topic="subtract column means: (N, D) - (1, D), the square trap"),
    Exercise(id="3.3", name="scale_channels", module="m03_broadcasting", points=3, stars=1,
             meta_safe=True, topic="per-channel colour scaling, dtype promotion"),
    Exercise(id="3.4", name="scale_batch_channels", module="m03_broadcasting", points=4, stars=2,
             meta_safe=True, topic="per-image per-channel scaling, reshape to (B, 1, 1, C)"),
    Exercise(id="3.5", name="pairwise_sq_dists", module="m03_broadcasting", points=4, stars=3,
             meta_safe=True, topic="all pairwise squared distances, vectorised and clamped"),
    Exercise(id="4.1", name="describe", module="m04_reductions", points=3, stars=1,
             meta_safe=True, topic="mean, std (unbiased vs biased), min, max"),
    Exercise(id="4.2", name="image_means", module="m04_reductions", points=4, stars=2,
             meta_safe=True, topic="means across batch, channels, and per channel"),
    Exercise(id="4.3", name="stable_softmax", module="m04_reductions", points=5, stars=3,
             meta_safe=True, topic="softmax by hand: max-subtraction with keepdim"),
    Exercise(id="5.1", name="segmentation_mask", module="m05_indexing", points=3, stars=1,
             meta_safe=True, topic="argmax over classes as a segmentation mask"),
    Exercise(id="5.2", name="one_hot", module="m05_indexing", points=3, stars=2,
             meta_safe=True, topic="one-hot by broadcast comparison with arange"),
    Exercise(id="5.3", name="nll_loss", module="m05_indexing", points=4, stars=2,
             meta_safe=True, topic="gather / advanced indexing for the NLL loss"),
    Exercise(id="5.4", name="sequence_mask", module="m05_indexing", points=3, stars=1,
             meta_safe=True, topic="a length mask from a broadcast comparison"),
    Exercise(id="5.5", name="masked_mean", module="m05_indexing", points=5, stars=3,
             meta_safe=True, topic="masked means without nan values or nan gradients"),
    Exercise(id="6.1", name="promote_types", module="m06_dtypes_memory", points=4, stars=3,
             meta_safe=False, topic="the dtype promotion lattice by hand"),
    Exercise(id="6.2", name="footprint", module="m06_dtypes_memory", points=3, stars=2,
             meta_safe=True, topic="logical bytes vs storage bytes; getsizeof is not the data"),
    Exercise(id="6.3", name="to_uint8_image", module="m06_dtypes_memory", points=3, stars=2,
             meta_safe=True, topic="round, clamp, then cast: uint8 wraps around"),
    Exercise(id="7.1", name="autograd_grad", module="m07_autograd", points=4, stars=2,
             meta_safe=True, topic="gradients with autograd, side-effect free"),
    Exercise(id="7.2", name="numerical_grad", module="m07_autograd", points=3, stars=2,
             meta_safe=False, topic="central differences, and restoring what you perturb"),
    Exercise(id="7.3", name="grad_check", module="m07_autograd", points=3, stars=3,
             meta_safe=False, topic="gradient checking: autograd against numerics"),
    Exercise(id="7.4", name="straight_through_round", module="m07_autograd", points=2, stars=1,
             meta_safe=True, topic="detach to pass gradients straight through"),
    Exercise(id="7.5", name="sgd_step_", module="m07_autograd", points=3, stars=2,
             meta_safe=False, topic="in-place updates of leaves under no_grad"),
    Exercise(id="8.1", name="to_device", module="m08_devices_perf", points=4, stars=2,
             meta_safe=True, topic="device-agnostic code: move nested batches, keep types"),
    Exercise(id="8.2", name="rolling_mean", module="m08_devices_perf", points=3, stars=2,
             meta_safe=True, topic="vectorised sliding windows (unfold) vs Python loops"),
    Exercise(id="8.3", name="time_it", module="m08_devices_perf", points=2, stars=1,
             meta_safe=False, topic="timing done right: warm-up, median, perf_counter, sync"),
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
