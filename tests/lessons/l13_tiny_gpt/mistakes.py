"""Lesson 13-tiny-gpt: wrong implementations students really write (each must lose points) and a correct
one written differently from the reference (it must get full marks). Each string replaces the
exercise's solution cell of the source notebook."""

MISTAKES = {
    "TinyGPT": {
        # "what the student did wrong": '''def TinyGPT(x): ...''',
    },
    "generate_greedy": {
        # "what the student did wrong": '''def generate_greedy(x): ...''',
    },
    "train_tiny_gpt": {
        # "what the student did wrong": '''def train_tiny_gpt(x): ...''',
    },
    "memory_footprint": {
        # "what the student did wrong": '''def memory_footprint(x): ...''',
    },
}

ALTERNATIVES = {
    # "TinyGPT": '''def TinyGPT(x): ...''',
    # "generate_greedy": '''def generate_greedy(x): ...''',
    # "train_tiny_gpt": '''def train_tiny_gpt(x): ...''',
    # "memory_footprint": '''def memory_footprint(x): ...''',
}
