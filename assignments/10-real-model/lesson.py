# %% [markdown]
# # Lesson 10 — A real model, inspected
#
# TODO: the lesson's idea in the course's own terms (../shared/COURSE-NOTES.md), then one section
# per exercise. Each line of text starts with "# ".

# %%
import numpy as np

# %% [markdown]
# ## `count_parameters`
#
# TODO: what `count_parameters` is for, and how to compute it.

# %% solution count_parameters

# %% tests count_parameters
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert count_parameters(x).shape == x.shape, "count_parameters keeps the shape of its input"
print("count_parameters: sanity checks passed")

# %% [markdown]
# ## `split_fused_qkv`
#
# TODO: what `split_fused_qkv` is for, and how to compute it.

# %% solution split_fused_qkv

# %% tests split_fused_qkv
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert split_fused_qkv(x).shape == x.shape, "split_fused_qkv keeps the shape of its input"
print("split_fused_qkv: sanity checks passed")

# %% [markdown]
# ## `split_gate_up`
#
# TODO: what `split_gate_up` is for, and how to compute it.

# %% solution split_gate_up

# %% tests split_gate_up
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert split_gate_up(x).shape == x.shape, "split_gate_up keeps the shape of its input"
print("split_gate_up: sanity checks passed")

# %% [markdown]
# ## `bert_embed`
#
# TODO: what `bert_embed` is for, and how to compute it.

# %% solution bert_embed

# %% tests bert_embed
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert bert_embed(x).shape == x.shape, "bert_embed keeps the shape of its input"
print("bert_embed: sanity checks passed")

# %% [markdown]
# ## `bert_encoder_layer`
#
# TODO: what `bert_encoder_layer` is for, and how to compute it.

# %% solution bert_encoder_layer

# %% tests bert_encoder_layer
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert bert_encoder_layer(x).shape == x.shape, "bert_encoder_layer keeps the shape of its input"
print("bert_encoder_layer: sanity checks passed")

# %% [markdown]
# ## `next_token_from_hidden`
#
# TODO: what `next_token_from_hidden` is for, and how to compute it.

# %% solution next_token_from_hidden

# %% tests next_token_from_hidden
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert next_token_from_hidden(x).shape == x.shape, "next_token_from_hidden keeps the shape of its input"
print("next_token_from_hidden: sanity checks passed")

# %% figure
# TODO: a figure where a picture helps (titled, axes labelled, showing what the text claims).
import matplotlib.pyplot as plt

x = np.linspace(-3, 3, 61)
plt.plot(x, count_parameters(x))
plt.title("count_parameters")
plt.xlabel("x")
plt.ylabel("count_parameters(x)")
plt.show()
