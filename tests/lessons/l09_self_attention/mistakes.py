"""Lesson 09-self-attention: wrong implementations students really write (each must lose points) and a correct
one written differently from the reference (it must get full marks). Each string replaces the
exercise's solution cell of the source notebook."""

MISTAKES = {
    "split_heads": {
        # "what the student did wrong": '''def split_heads(x): ...''',
    },
    "merge_heads": {
        # "what the student did wrong": '''def merge_heads(x): ...''',
    },
    "multi_head_attention": {
        # "what the student did wrong": '''def multi_head_attention(x): ...''',
    },
    "grouped_query_attention": {
        # "what the student did wrong": '''def grouped_query_attention(x): ...''',
    },
    "kv_cache_bytes": {
        # "what the student did wrong": '''def kv_cache_bytes(x): ...''',
    },
    "sliding_window_mask": {
        # "what the student did wrong": '''def sliding_window_mask(x): ...''',
    },
    "strided_sparse_mask": {
        # "what the student did wrong": '''def strided_sparse_mask(x): ...''',
    },
    "fixed_sparse_mask": {
        # "what the student did wrong": '''def fixed_sparse_mask(x): ...''',
    },
    "blockwise_attention": {
        # "what the student did wrong": '''def blockwise_attention(x): ...''',
    },
}

ALTERNATIVES = {
    # "split_heads": '''def split_heads(x): ...''',
    # "merge_heads": '''def merge_heads(x): ...''',
    # "multi_head_attention": '''def multi_head_attention(x): ...''',
    # "grouped_query_attention": '''def grouped_query_attention(x): ...''',
    # "kv_cache_bytes": '''def kv_cache_bytes(x): ...''',
    # "sliding_window_mask": '''def sliding_window_mask(x): ...''',
    # "strided_sparse_mask": '''def strided_sparse_mask(x): ...''',
    # "fixed_sparse_mask": '''def fixed_sparse_mask(x): ...''',
    # "blockwise_attention": '''def blockwise_attention(x): ...''',
}
