"""Lesson 12-mixture-of-experts: wrong implementations students really write (each must lose points) and a correct
one written differently from the reference (it must get full marks). Each string replaces the
exercise's solution cell of the source notebook."""

MISTAKES = {
    "router_probabilities": {
        # "what the student did wrong": '''def router_probabilities(x): ...''',
    },
    "top_k_route": {
        # "what the student did wrong": '''def top_k_route(x): ...''',
    },
    "moe_layer": {
        # "what the student did wrong": '''def moe_layer(x): ...''',
    },
    "load_balancing_loss": {
        # "what the student did wrong": '''def load_balancing_loss(x): ...''',
    },
    "moe_parameter_counts": {
        # "what the student did wrong": '''def moe_parameter_counts(x): ...''',
    },
}

ALTERNATIVES = {
    # "router_probabilities": '''def router_probabilities(x): ...''',
    # "top_k_route": '''def top_k_route(x): ...''',
    # "moe_layer": '''def moe_layer(x): ...''',
    # "load_balancing_loss": '''def load_balancing_loss(x): ...''',
    # "moe_parameter_counts": '''def moe_parameter_counts(x): ...''',
}
