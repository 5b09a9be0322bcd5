"""Ships torch.py and numpy.py next to the module (a fake torch that 'passes' everything)."""

MODULE = "m03_broadcasting"
ATTACKED = ()
FORGES_SCORE = True
EXTRA_FILES = {
    "torch.py": "raise SystemExit('shadowed torch imported')\n",
    "numpy.py": "raise SystemExit('shadowed numpy imported')\n",
    "conftest.py": "raise SystemExit('conftest imported')\n",
    "pytest.ini": "[pytest]\naddopts = -p no:python\n",
}
# The module itself is the reference solution: shadowing must neither break nor help it.
