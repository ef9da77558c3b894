"""Lesson 09-self-attention: Self-attention in depth."""

import numpy as np


def split_heads(x):
    """TODO, for the student: what split_heads computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of split_heads")
    ### END SOLUTION


def merge_heads(x):
    """TODO, for the student: what merge_heads computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of merge_heads")
    ### END SOLUTION


def multi_head_attention(x):
    """TODO, for the student: what multi_head_attention computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of multi_head_attention")
    ### END SOLUTION


def grouped_query_attention(x):
    """TODO, for the student: what grouped_query_attention computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of grouped_query_attention")
    ### END SOLUTION


def kv_cache_bytes(x):
    """TODO, for the student: what kv_cache_bytes computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of kv_cache_bytes")
    ### END SOLUTION


def sliding_window_mask(x):
    """TODO, for the student: what sliding_window_mask computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of sliding_window_mask")
    ### END SOLUTION


def strided_sparse_mask(x):
    """TODO, for the student: what strided_sparse_mask computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of strided_sparse_mask")
    ### END SOLUTION


def fixed_sparse_mask(x):
    """TODO, for the student: what fixed_sparse_mask computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of fixed_sparse_mask")
    ### END SOLUTION


def blockwise_attention(x):
    """TODO, for the student: what blockwise_attention computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of blockwise_attention")
    ### END SOLUTION
