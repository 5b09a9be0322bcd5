"""What runs inside the sandbox: the worker that calls student code, the wire format its replies
travel in, the library functions checks pass to student code, and the rlimits it applies.

Nothing here may import the judge's side of the grader (checks, expected values, scoring): a
test holds every module of this package to imports of the standard library, third-party
packages and this package. The sandbox's runtime copy holds ``grader/__init__.py`` and this
folder, nothing else.
"""
