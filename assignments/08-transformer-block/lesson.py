# %% [markdown]
# # Lesson 08 — The Transformer block
#
# TODO: the lesson's idea in the course's own terms (../shared/COURSE-NOTES.md), then one section
# per exercise. Each line of text starts with "# ".

# %%
import numpy as np

# %% [markdown]
# ## `layer_norm`
#
# TODO: what `layer_norm` is for, and how to compute it.

# %% solution layer_norm

# %% tests layer_norm
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert layer_norm(x).shape == x.shape, "layer_norm keeps the shape of its input"
print("layer_norm: sanity checks passed")

# %% [markdown]
# ## `gelu`
#
# TODO: what `gelu` is for, and how to compute it.

# %% solution gelu

# %% tests gelu
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert gelu(x).shape == x.shape, "gelu keeps the shape of its input"
print("gelu: sanity checks passed")

# %% [markdown]
# ## `feed_forward`
#
# TODO: what `feed_forward` is for, and how to compute it.

# %% solution feed_forward

# %% tests feed_forward
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert feed_forward(x).shape == x.shape, "feed_forward keeps the shape of its input"
print("feed_forward: sanity checks passed")

# %% [markdown]
# ## `causal_self_attention`
#
# TODO: what `causal_self_attention` is for, and how to compute it.

# %% solution causal_self_attention

# %% tests causal_self_attention
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert causal_self_attention(x).shape == x.shape, "causal_self_attention keeps the shape of its input"
print("causal_self_attention: sanity checks passed")

# %% [markdown]
# ## `transformer_block`
#
# TODO: what `transformer_block` is for, and how to compute it.

# %% solution transformer_block

# %% tests transformer_block
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert transformer_block(x).shape == x.shape, "transformer_block keeps the shape of its input"
print("transformer_block: sanity checks passed")

# %% figure
# TODO: a figure where a picture helps (titled, axes labelled, showing what the text claims).
import matplotlib.pyplot as plt

x = np.linspace(-3, 3, 61)
plt.plot(x, layer_norm(x))
plt.title("layer_norm")
plt.xlabel("x")
plt.ylabel("layer_norm(x)")
plt.show()
