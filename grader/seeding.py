"""Reproducible randomness: one base seed per run, one derived seed per check."""

from __future__ import annotations

import random
import secrets
import zlib

import numpy as np
import torch

SEED_MODULUS = 2**32


def new_base_seed() -> int:
    """A fresh base seed for a run that was not given one (printed so it can be replayed)."""
    return secrets.randbelow(10**6)


def check_seed(base_seed: int, check_id: str) -> int:
    """The seed of one check: base + crc32(check id), so reordering checks changes nothing."""
    return (base_seed + zlib.crc32(check_id.encode())) % SEED_MODULUS


def reseed_everything(seed: int) -> torch.Generator:
    """Seed ``random``, NumPy and torch in the judge and return a torch generator for fills."""
    random.seed(seed)
    np.random.seed(seed)
    # The CPU generator only: torch.manual_seed also queues a seed for every other device type,
    # capturing a stack trace each time (0.15 s over a run); the judge computes on the CPU.
    torch.default_generator.manual_seed(seed)
    return torch.Generator().manual_seed(seed)
