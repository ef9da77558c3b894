"""Lesson 07-architecture-overview: wrong implementations students really write (each must lose points) and a correct
one written differently from the reference (it must get full marks). Each string replaces the
exercise's solution cell of the source notebook."""

MISTAKES = {
    "lm_head_logits": {
        # "what the student did wrong": '''def lm_head_logits(x): ...''',
    },
    "apply_temperature": {
        # "what the student did wrong": '''def apply_temperature(x): ...''',
    },
    "top_k_filter": {
        # "what the student did wrong": '''def top_k_filter(x): ...''',
    },
    "top_p_filter": {
        # "what the student did wrong": '''def top_p_filter(x): ...''',
    },
    "sample_token": {
        # "what the student did wrong": '''def sample_token(x): ...''',
    },
    "generate_cached": {
        # "what the student did wrong": '''def generate_cached(x): ...''',
    },
}

ALTERNATIVES = {
    # "lm_head_logits": '''def lm_head_logits(x): ...''',
    # "apply_temperature": '''def apply_temperature(x): ...''',
    # "top_k_filter": '''def top_k_filter(x): ...''',
    # "top_p_filter": '''def top_p_filter(x): ...''',
    # "sample_token": '''def sample_token(x): ...''',
    # "generate_cached": '''def generate_cached(x): ...''',
}
