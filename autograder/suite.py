"""What hidden suites are written with.

A suite is `autograder/suites/<lesson>/test_<exercise>.py`; each test is a pytest function with
hypothesis strategies, the fixtures `student` (the sandboxed notebook, see call.Student) and `ref`
(the reference solution module), and this decorator:

    @graded("softmax", points=1)
    @given(x=finite_arrays())
    def test_matches_reference(student, ref, x):
        '''softmax(x) equals the reference for any finite array'''
        expect_close(student.softmax(x), ref.softmax(x))

The docstring states the property in words: it is the feedback's first line, so write it for the
student. Never pass `@settings`: every suite runs under the one grading profile (score.py).
"""


def graded(exercise, points):
    """Mark a test as worth `points` of `exercise` (a function name from course.yml)."""
    def mark(test):
        test.llmcourse_exercise = exercise
        test.llmcourse_points = points
        return test
    return mark


def graded_info(function):
    """(exercise, points) of a graded test, or None."""
    exercise = getattr(function, "llmcourse_exercise", None)
    return None if exercise is None else (exercise, function.llmcourse_points)
