# %% [markdown]
# # Lesson 09 — Self-attention in depth
#
# TODO: the lesson's idea in the course's own terms (../shared/COURSE-NOTES.md), then one section
# per exercise. Each line of text starts with "# ".

# %%
import numpy as np

# %% [markdown]
# ## `split_heads`
#
# TODO: what `split_heads` is for, and how to compute it.

# %% solution split_heads

# %% tests split_heads
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert split_heads(x).shape == x.shape, "split_heads keeps the shape of its input"
print("split_heads: sanity checks passed")

# %% [markdown]
# ## `merge_heads`
#
# TODO: what `merge_heads` is for, and how to compute it.

# %% solution merge_heads

# %% tests merge_heads
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert merge_heads(x).shape == x.shape, "merge_heads keeps the shape of its input"
print("merge_heads: sanity checks passed")

# %% [markdown]
# ## `multi_head_attention`
#
# TODO: what `multi_head_attention` is for, and how to compute it.

# %% solution multi_head_attention

# %% tests multi_head_attention
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert multi_head_attention(x).shape == x.shape, "multi_head_attention keeps the shape of its input"
print("multi_head_attention: sanity checks passed")

# %% [markdown]
# ## `grouped_query_attention`
#
# TODO: what `grouped_query_attention` is for, and how to compute it.

# %% solution grouped_query_attention

# %% tests grouped_query_attention
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert grouped_query_attention(x).shape == x.shape, "grouped_query_attention keeps the shape of its input"
print("grouped_query_attention: sanity checks passed")

# %% [markdown]
# ## `kv_cache_bytes`
#
# TODO: what `kv_cache_bytes` is for, and how to compute it.

# %% solution kv_cache_bytes

# %% tests kv_cache_bytes
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert kv_cache_bytes(x).shape == x.shape, "kv_cache_bytes keeps the shape of its input"
print("kv_cache_bytes: sanity checks passed")

# %% [markdown]
# ## `sliding_window_mask`
#
# TODO: what `sliding_window_mask` is for, and how to compute it.

# %% solution sliding_window_mask

# %% tests sliding_window_mask
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert sliding_window_mask(x).shape == x.shape, "sliding_window_mask keeps the shape of its input"
print("sliding_window_mask: sanity checks passed")

# %% [markdown]
# ## `strided_sparse_mask`
#
# TODO: what `strided_sparse_mask` is for, and how to compute it.

# %% solution strided_sparse_mask

# %% tests strided_sparse_mask
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert strided_sparse_mask(x).shape == x.shape, "strided_sparse_mask keeps the shape of its input"
print("strided_sparse_mask: sanity checks passed")

# %% [markdown]
# ## `fixed_sparse_mask`
#
# TODO: what `fixed_sparse_mask` is for, and how to compute it.

# %% solution fixed_sparse_mask

# %% tests fixed_sparse_mask
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert fixed_sparse_mask(x).shape == x.shape, "fixed_sparse_mask keeps the shape of its input"
print("fixed_sparse_mask: sanity checks passed")

# %% [markdown]
# ## `blockwise_attention`
#
# TODO: what `blockwise_attention` is for, and how to compute it.

# %% solution blockwise_attention

# %% tests blockwise_attention
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert blockwise_attention(x).shape == x.shape, "blockwise_attention keeps the shape of its input"
print("blockwise_attention: sanity checks passed")

# %% figure
# TODO: a figure where a picture helps (titled, axes labelled, showing what the text claims).
import matplotlib.pyplot as plt

x = np.linspace(-3, 3, 61)
plt.plot(x, split_heads(x))
plt.title("split_heads")
plt.xlabel("x")
plt.ylabel("split_heads(x)")
plt.show()
