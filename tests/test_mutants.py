"""Every mutant in tests/mutants loses the points of the checks it names."""

from __future__ import annotations

import pytest

from grader import zygote
from grader.catalog import CATALOG
from grader.validate import MIN_MUTANTS, check_mutant, load_mutants, mutant_submission
from tests.conftest import MUTANTS, REDUCED, SEED, SOLUTIONS, grade

ALL = load_mutants(MUTANTS)


@pytest.fixture(scope="module")
def launcher(tmp_path_factory):
    """One zygote for every mutant (as a batch judge has): each mutant still gets a fresh
    forked worker, without paying a torch import of its own."""
    if not zygote.available():
        yield None
        return
    spawner = zygote.Zygote(tmp_path_factory.mktemp("zygote"), isolation=REDUCED)
    yield spawner.spawn
    spawner.close()


def test_every_exercise_has_enough_mutants():
    for exercise in CATALOG:
        assert sum(m.exercise == exercise.id for m in ALL) >= MIN_MUTANTS, exercise.id


@pytest.mark.parametrize("mutant", ALL, ids=[m.path.stem for m in ALL])
def test_mutant_is_caught_by_its_check(mutant, tmp_path, launcher):
    folder = mutant_submission(mutant, SOLUTIONS, tmp_path)
    report = grade(folder, exercises=[mutant.exercise], seed=SEED, launcher=launcher)
    finding = check_mutant(mutant, report)
    assert finding.ok, finding.detail
    assert report.score < report.max_score
