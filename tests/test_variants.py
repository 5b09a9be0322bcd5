"""Correct but unusual answers keep full marks (a check that fails them is as bad as one that
passes a wrong answer). Each file in tests/variants/ is appended to the reference module it
names; ``FULL_MARKS`` lists the exercises it must not lose a point on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEED, by_id, grade, literal_constants, make_submission

VARIANTS = sorted((Path(__file__).parent / "variants").glob("*.py"))


@pytest.mark.parametrize("path", VARIANTS, ids=[p.stem for p in VARIANTS])
def test_variant_keeps_full_marks(path, tmp_path):
    constants = literal_constants(path)
    module, exercises = str(constants["MODULE"]), list(constants["FULL_MARKS"])  # type: ignore[call-overload]
    folder = make_submission(tmp_path / "s", append={module: path.read_text()})
    results = by_id(grade(folder, exercises=exercises, seed=SEED))
    for exercise in exercises:
        result = results[exercise]
        lost = [(c.name, c.message) for c in result.checks if c.outcome != "passed"]
        assert result.score == result.max_score, (exercise, lost)
