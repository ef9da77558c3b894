"""Lesson 11-recent-improvements: Recent improvements: a Llama-style decoder."""

import numpy as np


def rms_norm(x):
    """TODO, for the student: what rms_norm computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of rms_norm")
    ### END SOLUTION


def rope_frequencies(x):
    """TODO, for the student: what rope_frequencies computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of rope_frequencies")
    ### END SOLUTION


def apply_rope(x):
    """TODO, for the student: what apply_rope computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of apply_rope")
    ### END SOLUTION


def swiglu(x):
    """TODO, for the student: what swiglu computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of swiglu")
    ### END SOLUTION


def document_causal_mask(x):
    """TODO, for the student: what document_causal_mask computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of document_causal_mask")
    ### END SOLUTION


def llama_parameter_count(x):
    """TODO, for the student: what llama_parameter_count computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of llama_parameter_count")
    ### END SOLUTION


def llama_block(x):
    """TODO, for the student: what llama_block computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of llama_block")
    ### END SOLUTION
