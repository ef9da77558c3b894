"""Lesson 08-transformer-block: The Transformer block."""

import numpy as np


def layer_norm(x):
    """TODO, for the student: what layer_norm computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of layer_norm")
    ### END SOLUTION


def gelu(x):
    """TODO, for the student: what gelu computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of gelu")
    ### END SOLUTION


def feed_forward(x):
    """TODO, for the student: what feed_forward computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of feed_forward")
    ### END SOLUTION


def causal_self_attention(x):
    """TODO, for the student: what causal_self_attention computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of causal_self_attention")
    ### END SOLUTION


def transformer_block(x):
    """TODO, for the student: what transformer_block computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of transformer_block")
    ### END SOLUTION
