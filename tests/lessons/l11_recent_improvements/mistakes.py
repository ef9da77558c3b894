"""Lesson 11-recent-improvements: wrong implementations students really write (each must lose points) and a correct
one written differently from the reference (it must get full marks). Each string replaces the
exercise's solution cell of the source notebook."""

MISTAKES = {
    "rms_norm": {
        # "what the student did wrong": '''def rms_norm(x): ...''',
    },
    "rope_frequencies": {
        # "what the student did wrong": '''def rope_frequencies(x): ...''',
    },
    "apply_rope": {
        # "what the student did wrong": '''def apply_rope(x): ...''',
    },
    "swiglu": {
        # "what the student did wrong": '''def swiglu(x): ...''',
    },
    "document_causal_mask": {
        # "what the student did wrong": '''def document_causal_mask(x): ...''',
    },
    "llama_parameter_count": {
        # "what the student did wrong": '''def llama_parameter_count(x): ...''',
    },
    "llama_block": {
        # "what the student did wrong": '''def llama_block(x): ...''',
    },
}

ALTERNATIVES = {
    # "rms_norm": '''def rms_norm(x): ...''',
    # "rope_frequencies": '''def rope_frequencies(x): ...''',
    # "apply_rope": '''def apply_rope(x): ...''',
    # "swiglu": '''def swiglu(x): ...''',
    # "document_causal_mask": '''def document_causal_mask(x): ...''',
    # "llama_parameter_count": '''def llama_parameter_count(x): ...''',
    # "llama_block": '''def llama_block(x): ...''',
}
