"""Reference solutions, one module per lesson. Each graded function holds its solution between
nbgrader's `### BEGIN SOLUTION` / `### END SOLUTION` markers: the notebooks are built from here."""
