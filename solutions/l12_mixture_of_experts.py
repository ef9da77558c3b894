"""Lesson 12-mixture-of-experts: Mixture of Experts."""

import numpy as np


def router_probabilities(x):
    """TODO, for the student: what router_probabilities computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of router_probabilities")
    ### END SOLUTION


def top_k_route(x):
    """TODO, for the student: what top_k_route computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of top_k_route")
    ### END SOLUTION


def moe_layer(x):
    """TODO, for the student: what moe_layer computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of moe_layer")
    ### END SOLUTION


def load_balancing_loss(x):
    """TODO, for the student: what load_balancing_loss computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of load_balancing_loss")
    ### END SOLUTION


def moe_parameter_counts(x):
    """TODO, for the student: what moe_parameter_counts computes, its arguments and their shapes, what it returns,
    every convention the hidden suite grades (axis, ties, dtype), and a worked example.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution of moe_parameter_counts")
    ### END SOLUTION
