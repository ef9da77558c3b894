"""Lesson 07-architecture-overview: Architectural overview: from hidden states to the next token."""

import numpy as np


def lm_head_logits(x):
    """TODO, for the student: what lm_head_logits computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of lm_head_logits")
    ### END SOLUTION


def apply_temperature(x):
    """TODO, for the student: what apply_temperature computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of apply_temperature")
    ### END SOLUTION


def top_k_filter(x):
    """TODO, for the student: what top_k_filter computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of top_k_filter")
    ### END SOLUTION


def top_p_filter(x):
    """TODO, for the student: what top_p_filter computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of top_p_filter")
    ### END SOLUTION


def sample_token(x):
    """TODO, for the student: what sample_token computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of sample_token")
    ### END SOLUTION


def generate_cached(x):
    """TODO, for the student: what generate_cached computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of generate_cached")
    ### END SOLUTION
