# %% [markdown]
# # Lesson 13 — Conclusion: build and run a tiny GPT in PyTorch
#
# TODO: the lesson's idea in the course's own terms (../shared/COURSE-NOTES.md), then one section
# per exercise. Each line of text starts with "# ".

# %%
import numpy as np

# %% [markdown]
# ## `TinyGPT`
#
# TODO: what `TinyGPT` is for, and how to compute it.

# %% solution TinyGPT

# %% tests TinyGPT
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert TinyGPT(x).shape == x.shape, "TinyGPT keeps the shape of its input"
print("TinyGPT: sanity checks passed")

# %% [markdown]
# ## `generate_greedy`
#
# TODO: what `generate_greedy` is for, and how to compute it.

# %% solution generate_greedy

# %% tests generate_greedy
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert generate_greedy(x).shape == x.shape, "generate_greedy keeps the shape of its input"
print("generate_greedy: sanity checks passed")

# %% [markdown]
# ## `train_tiny_gpt`
#
# TODO: what `train_tiny_gpt` is for, and how to compute it.

# %% solution train_tiny_gpt

# %% tests train_tiny_gpt
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert train_tiny_gpt(x).shape == x.shape, "train_tiny_gpt keeps the shape of its input"
print("train_tiny_gpt: sanity checks passed")

# %% [markdown]
# ## `memory_footprint`
#
# TODO: what `memory_footprint` is for, and how to compute it.

# %% solution memory_footprint

# %% tests memory_footprint
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert memory_footprint(x).shape == x.shape, "memory_footprint keeps the shape of its input"
print("memory_footprint: sanity checks passed")

# %% figure
# TODO: a figure where a picture helps (titled, axes labelled, showing what the text claims).
import matplotlib.pyplot as plt

x = np.linspace(-3, 3, 61)
plt.plot(x, TinyGPT(x))
plt.title("TinyGPT")
plt.xlabel("x")
plt.ylabel("TinyGPT(x)")
plt.show()
