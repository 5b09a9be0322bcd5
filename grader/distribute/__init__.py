"""Handing the course out: the student release and the Gradescope autograder.

Instructor-side only: a student release leaves this package out (see :mod:`.release`).
"""
