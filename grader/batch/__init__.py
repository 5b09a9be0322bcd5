"""Batch grading for instructors: intake, parallel judges, gradebook, exports, class report."""
