"""Hidden tests: transformer_lr."""

from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import check, expect_close, expect_value_error, graded


def known_mistakes(step, d_model, warmup_steps):
    decay = step ** -0.5
    ramp = step * warmup_steps ** -1.5
    return {
        "take the min with the warm-up ramp step * warmup_steps^-1.5: without it the first steps "
        "get the largest learning rates": d_model ** -0.5 * decay,
        "the ramp is step * warmup_steps^-1.5 (it meets step^-0.5 exactly at step == warmup_steps)":
            d_model ** -0.5 * min(decay, step * warmup_steps ** -0.5),
        "min, not max: the rate follows the smaller of the ramp and the decay":
            d_model ** -0.5 * max(decay, ramp),
        "the factor is d_model^-0.5 (wider models get smaller rates)": d_model ** 0.5 * min(decay, ramp),
    }


@graded
@given(step=st.integers(1, 20000), d_model=st.integers(1, 1024),
       warmup_steps=st.none() | st.integers(1, 5000))
@example(step=100000, d_model=512, warmup_steps=4000)  # first: only the decay branch, where max and min differ
@example(step=4000, d_model=512, warmup_steps=None)
@example(step=1, d_model=512, warmup_steps=None)
def test_warms_up_then_decays(student, ref, step, d_model, warmup_steps):
    """lr = d_model^-0.5 * min(step^-0.5, step * warmup_steps^-1.5), warmup_steps 4000 by default (peak 6.988e-4 at step 4000 for d_model 512)."""
    if warmup_steps is None:
        got, expected = student.transformer_lr(step, d_model), ref.transformer_lr(step, d_model)
        warmup_steps = 4000
    else:
        got = student.transformer_lr(step, d_model, warmup_steps)
        expected = ref.transformer_lr(step, d_model, warmup_steps)
    expect_close(got, expected, rtol=1e-9, atol=0.0, mistakes=known_mistakes(step, d_model, warmup_steps))


@graded
@given(step=st.integers(-3, 0), d_model=st.integers(1, 1024))
def test_step_below_one_raises_value_error(student, ref, step, d_model):
    """Steps count from 1: transformer_lr(step, d_model) with step < 1 raises ValueError, and step 1 gives d_model^-0.5 * 4000^-1.5."""
    expect_close(student.transformer_lr(1, d_model), ref.transformer_lr(1, d_model), rtol=1e-9, atol=0.0,
                 mistakes=known_mistakes(1, d_model, 4000))
    expect_value_error(lambda: student.transformer_lr(step, d_model), "transformer_lr", f"For step {step}",
                       hint_for_result=lambda got: "check `step < 1` first and raise ValueError: step^-0.5 is "
                                                   "undefined at 0")
