"""The grading engine of "How Transformer LLMs Work": runs student notebooks in a sandbox and grades
them against the reference solutions with the hidden suites in `autograder/suites/`."""
