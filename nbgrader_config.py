"""nbgrader settings for the Sarasehan course (nbgrader 0.9.6).

solutions/ is nbgrader's source folder and exercises/ its release folder;
`sarasehan release` regenerates exercises/ from solutions/. The reasons for
each setting are in ../shared/research/nbgrader-probe.md and grading.md.
"""

c = get_config()  # noqa: F821  (provided by nbgrader)

c.CourseDirectory.course_id = "sarasehan"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

# Explicit, bilingual stubs (the defaults are English only).
c.ClearSolutions.code_stub = {
    "python": "# TULIS KODE ANDA DI SINI / YOUR CODE HERE\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "TULIS JAWABAN ANDA DI SINI / YOUR ANSWER HERE"

# A per-cell timeout that interrupts the kernel, so one endless loop
# cannot hold up a whole class's grading.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# A learner who deletes a test cell must not skip its hidden tests
# (nbgrader's default, False, silently scores the missing cell 0 or skips it).
c.OverwriteCells.add_missing_cells = True

# stderr in a test cell zeroes it; a correct answer that merely triggers a
# library warning (pandas, matplotlib, numpy) must not lose its points.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(?i)(\w*Warning\b|ChainedAssignmentError|warnings\.warn)"

# Feedback must not reveal hidden tests: not in the source (ClearHiddenTests)
# and not in the traceback of a failing hidden test, whose context lines
# quote the hidden code (HideHiddenTestTracebacks, from the course package).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "sarasehan.nbgrader_plugins.HideHiddenTestTracebacks",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
