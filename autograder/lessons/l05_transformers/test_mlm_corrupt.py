"""Hidden tests: mlm_corrupt."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder.lessons.toolkit import check, expect_equal, graded, returns, show
from .strategies import mlm_draws

NOT_PREDICTED = -100
LABELS_ONLY_WHERE_SELECTED = ("the label is -100 at every position that is not selected (select_u >= p, or a "
                              "special token), so that the loss ignores it")
SELECTED_STRICTLY_BELOW_P = "a position is selected when select_u < p, strictly: select_u == p is not selected"
SPECIALS_NEVER_SELECTED = "special tokens ([CLS], [SEP], padding) are never selected, whatever select_u says"
probabilities = st.sampled_from([None, 0.15, 0.3, 0.5])


def corrupt(ids, special_mask, select_u, action_u, random_ids, mask_id, p=0.15,
            protect_specials=True, select_at_p=False, action_draws="action_u", random_band=(0.8, 0.9)):
    """(inputs, labels, selected) of BERT masking, or of one of the usual mistakes."""
    action_u = select_u if action_draws == "select_u" else action_u
    selected = (select_u <= p) if select_at_p else (select_u < p)
    if protect_specials:
        selected &= ~special_mask
    to_mask = selected & (action_u < 0.8)
    to_random = selected & (action_u >= random_band[0]) & (action_u < random_band[1])
    inputs = np.where(to_mask, mask_id, np.where(to_random, random_ids, ids))
    return inputs, np.where(selected, ids, NOT_PREDICTED), selected


def arguments(draws, p):
    """Positional arguments of mlm_corrupt; p = None leaves p at its default."""
    names = ("ids", "special_mask", "select_u", "action_u", "random_ids", "mask_id")
    return [draws[name] for name in names] + ([] if p is None else [p])


@graded
@given(draws=mlm_draws(), p=probabilities)
def test_labels_are_the_original_ids_of_selected_positions(student, ref, draws, p):
    """labels[i] = ids[i] where select_u[i] < p and the token is not special, and -100 everywhere else."""
    _, got = returns(student.mlm_corrupt(*arguments(draws, p)), "mlm_corrupt", ("inputs", "labels"))
    _, expected = ref.mlm_corrupt(*arguments(draws, p))
    chosen = dict(draws, p=0.15 if p is None else p)
    inputs, _, selected = corrupt(**chosen)
    expect_equal(got, expected, what="labels", mistakes={
        SELECTED_STRICTLY_BELOW_P: corrupt(**chosen, select_at_p=True)[1],
        LABELS_ONLY_WHERE_SELECTED: draws["ids"],
        SPECIALS_NEVER_SELECTED: corrupt(**chosen, protect_specials=False)[1],
        "labels hold the ORIGINAL token (ids[i]), the one the model must recover, not the corrupted input":
            np.where(selected, inputs, NOT_PREDICTED),
    })


@graded
@given(draws=mlm_draws(), p=probabilities)
def test_selected_positions_become_mask_random_or_stay(student, ref, draws, p):
    """A selected position becomes mask_id if action_u < 0.8, random_ids[i] if 0.8 <= action_u < 0.9, else stays; other positions keep their id; ids is not modified."""
    ids_before = draws["ids"].copy()
    got, arguments_after = student.call_and_inputs("mlm_corrupt", *arguments(draws, p))
    got, _ = returns(got, "mlm_corrupt", ("inputs", "labels"))
    expected, _ = ref.mlm_corrupt(*arguments(draws, p))
    chosen = dict(draws, p=0.15 if p is None else p)
    expect_equal(got, expected, what="inputs", mistakes={
        "decide the action with action_u, a draw independent of select_u (otherwise every selected "
        "token, having select_u < p, would become [MASK])": corrupt(**chosen, action_draws="select_u")[0],
        "a random token when 0.8 <= action_u < 0.9, unchanged from 0.9 on (not the other way round)":
            corrupt(**chosen, random_band=(0.9, 1.0))[0],
        SPECIALS_NEVER_SELECTED: corrupt(**chosen, protect_specials=False)[0],
        "only selected positions are corrupted; the others keep their id":
            np.where(draws["action_u"] < 0.8, draws["mask_id"],
                     np.where(draws["action_u"] < 0.9, draws["random_ids"], draws["ids"])),
    })
    expect_equal(arguments_after[0], ids_before, what="ids after the call (it must not be modified)",
                 mistakes={"work on a copy (ids.copy()): the caller still needs the original ids": got})


@graded
def test_boundaries_are_as_pinned(student, ref):
    """select_u == p is not selected, specials never are; action_u == 0.8 gives the random token, action_u == 0.9 keeps the token."""
    ids = np.array([10, 11, 12, 13, 14, 15, 16, 17])
    special_mask = np.array([True, False, False, False, False, False, False, False])
    select_u = np.array([0.0, 0.15, 0.1499, 0.0, 0.0, 0.0, 0.0, 0.2])
    action_u = np.array([0.0, 0.0, 0.0, 0.7999, 0.8, 0.8999, 0.9, 0.0])
    random_ids = np.array([3, 3, 3, 3, 4, 5, 6, 3])
    mask_id = 99
    got_inputs, got_labels = returns(student.mlm_corrupt(ids, special_mask, select_u, action_u, random_ids, mask_id),
                                     "mlm_corrupt", ("inputs", "labels"))
    expected_inputs = np.array([10, 11, 99, 99, 4, 5, 16, 17])
    expected_labels = np.array([-100, -100, 12, 13, 14, 15, 16, -100])
    expect_equal(got_labels, expected_labels, what="labels (p = 0.15 by default)", mistakes={
        LABELS_ONLY_WHERE_SELECTED: ids,
        SELECTED_STRICTLY_BELOW_P: np.array([-100, 11, 12, 13, 14, 15, 16, -100]),
        SPECIALS_NEVER_SELECTED: np.array([10, -100, 12, 13, 14, 15, 16, -100]),
    })
    expect_equal(got_inputs, expected_inputs, what="inputs", mistakes={
        "0.8 <= action_u < 0.9 gives the random token: action_u == 0.8 is random, not [MASK]":
            np.array([10, 11, 99, 99, 99, 5, 16, 17]),
        "0.8 <= action_u < 0.9 gives the random token: action_u == 0.9 stays unchanged":
            np.array([10, 11, 99, 99, 4, 5, 6, 17]),
    })
