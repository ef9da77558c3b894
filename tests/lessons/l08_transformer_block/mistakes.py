"""Lesson 08-transformer-block: wrong implementations students really write (each must lose points) and a correct
one written differently from the reference (it must get full marks). Each string replaces the
exercise's solution cell of the source notebook."""

MISTAKES = {
    "layer_norm": {
        # "what the student did wrong": '''def layer_norm(x): ...''',
    },
    "gelu": {
        # "what the student did wrong": '''def gelu(x): ...''',
    },
    "feed_forward": {
        # "what the student did wrong": '''def feed_forward(x): ...''',
    },
    "causal_self_attention": {
        # "what the student did wrong": '''def causal_self_attention(x): ...''',
    },
    "transformer_block": {
        # "what the student did wrong": '''def transformer_block(x): ...''',
    },
}

ALTERNATIVES = {
    # "layer_norm": '''def layer_norm(x): ...''',
    # "gelu": '''def gelu(x): ...''',
    # "feed_forward": '''def feed_forward(x): ...''',
    # "causal_self_attention": '''def causal_self_attention(x): ...''',
    # "transformer_block": '''def transformer_block(x): ...''',
}
