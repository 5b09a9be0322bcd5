"""Every mutant in tests/mutants loses the points of the checks it names."""

from __future__ import annotations

import pytest

from grader.catalog import CATALOG
from grader.validate import MIN_MUTANTS, check_mutant, load_mutants, mutant_submission
from tests.conftest import MUTANTS, SEED, SOLUTIONS, grade

ALL = load_mutants(MUTANTS)


def test_every_exercise_has_enough_mutants():
    for exercise in CATALOG:
        assert sum(m.exercise == exercise.id for m in ALL) >= MIN_MUTANTS, exercise.id


@pytest.mark.parametrize("mutant", ALL, ids=[m.path.stem for m in ALL])
def test_mutant_is_caught_by_its_check(mutant, tmp_path):
    folder = mutant_submission(mutant, SOLUTIONS, tmp_path)
    report = grade(folder, exercises=[mutant.exercise], seed=SEED)
    finding = check_mutant(mutant, report)
    assert finding.ok, finding.detail
    assert report.score < report.max_score
