"""Jupyter notebooks: the student notebook (``grade notebook``), grading a notebook without a
kernel (:mod:`.extract`) and ``check()`` inside one (:mod:`.incell`)."""
