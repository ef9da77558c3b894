"""Lesson 10-real-model: wrong implementations students really write (each must lose points) and a correct
one written differently from the reference (it must get full marks). Each string replaces the
exercise's solution cell of the source notebook."""

MISTAKES = {
    "count_parameters": {
        # "what the student did wrong": '''def count_parameters(x): ...''',
    },
    "split_fused_qkv": {
        # "what the student did wrong": '''def split_fused_qkv(x): ...''',
    },
    "split_gate_up": {
        # "what the student did wrong": '''def split_gate_up(x): ...''',
    },
    "bert_embed": {
        # "what the student did wrong": '''def bert_embed(x): ...''',
    },
    "bert_encoder_layer": {
        # "what the student did wrong": '''def bert_encoder_layer(x): ...''',
    },
    "next_token_from_hidden": {
        # "what the student did wrong": '''def next_token_from_hidden(x): ...''',
    },
}

ALTERNATIVES = {
    # "count_parameters": '''def count_parameters(x): ...''',
    # "split_fused_qkv": '''def split_fused_qkv(x): ...''',
    # "split_gate_up": '''def split_gate_up(x): ...''',
    # "bert_embed": '''def bert_embed(x): ...''',
    # "bert_encoder_layer": '''def bert_encoder_layer(x): ...''',
    # "next_token_from_hidden": '''def next_token_from_hidden(x): ...''',
}
