"""Your exercises: edit these modules, then run `grade`."""
