"""Reference solutions (instructor-only): the one source the student stubs are generated from."""
