"""Lesson 13-tiny-gpt: Conclusion: build and run a tiny GPT in PyTorch."""

import numpy as np


def TinyGPT(x):
    """TODO, for the student: what TinyGPT computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of TinyGPT")
    ### END SOLUTION


def generate_greedy(x):
    """TODO, for the student: what generate_greedy computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of generate_greedy")
    ### END SOLUTION


def train_tiny_gpt(x):
    """TODO, for the student: what train_tiny_gpt computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of train_tiny_gpt")
    ### END SOLUTION


def memory_footprint(x):
    """TODO, for the student: what memory_footprint computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of memory_footprint")
    ### END SOLUTION
