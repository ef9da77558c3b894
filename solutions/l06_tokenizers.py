"""Lesson 06-tokenizers: Tokenizers."""

import numpy as np


def bpe_train(x):
    """TODO, for the student: what bpe_train computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of bpe_train")
    ### END SOLUTION


def bpe_encode(x):
    """TODO, for the student: what bpe_encode computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of bpe_encode")
    ### END SOLUTION


def bpe_decode(x):
    """TODO, for the student: what bpe_decode computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of bpe_decode")
    ### END SOLUTION


def pretokenize(x):
    """TODO, for the student: what pretokenize computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of pretokenize")
    ### END SOLUTION


def wordpiece_tokenize(x):
    """TODO, for the student: what wordpiece_tokenize computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of wordpiece_tokenize")
    ### END SOLUTION
