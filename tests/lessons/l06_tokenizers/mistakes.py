"""Lesson 06-tokenizers: wrong implementations students really write (each must lose points) and a correct
one written differently from the reference (it must get full marks). Each string replaces the
exercise's solution cell of the source notebook."""

MISTAKES = {
    "bpe_train": {
        # "what the student did wrong": '''def bpe_train(x): ...''',
    },
    "bpe_encode": {
        # "what the student did wrong": '''def bpe_encode(x): ...''',
    },
    "bpe_decode": {
        # "what the student did wrong": '''def bpe_decode(x): ...''',
    },
    "pretokenize": {
        # "what the student did wrong": '''def pretokenize(x): ...''',
    },
    "wordpiece_tokenize": {
        # "what the student did wrong": '''def wordpiece_tokenize(x): ...''',
    },
}

ALTERNATIVES = {
    # "bpe_train": '''def bpe_train(x): ...''',
    # "bpe_encode": '''def bpe_encode(x): ...''',
    # "bpe_decode": '''def bpe_decode(x): ...''',
    # "pretokenize": '''def pretokenize(x): ...''',
    # "wordpiece_tokenize": '''def wordpiece_tokenize(x): ...''',
}
