"""Lesson 10-real-model: A real model, inspected."""

import numpy as np


def count_parameters(x):
    """TODO, for the student: what count_parameters computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of count_parameters")
    ### END SOLUTION


def split_fused_qkv(x):
    """TODO, for the student: what split_fused_qkv computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of split_fused_qkv")
    ### END SOLUTION


def split_gate_up(x):
    """TODO, for the student: what split_gate_up computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of split_gate_up")
    ### END SOLUTION


def bert_embed(x):
    """TODO, for the student: what bert_embed computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of bert_embed")
    ### END SOLUTION


def bert_encoder_layer(x):
    """TODO, for the student: what bert_encoder_layer computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of bert_encoder_layer")
    ### END SOLUTION


def next_token_from_hidden(x):
    """TODO, for the student: what next_token_from_hidden computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of next_token_from_hidden")
    ### END SOLUTION
