# %% [markdown]
# # Lesson 06 — Tokenizers
#
# TODO: the lesson's idea in the course's own terms (../shared/COURSE-NOTES.md), then one section
# per exercise. Each line of text starts with "# ".

# %%
import numpy as np

# %% [markdown]
# ## `bpe_train`
#
# TODO: what `bpe_train` is for, and how to compute it.

# %% solution bpe_train

# %% tests bpe_train
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert bpe_train(x).shape == x.shape, "bpe_train keeps the shape of its input"
print("bpe_train: sanity checks passed")

# %% [markdown]
# ## `bpe_encode`
#
# TODO: what `bpe_encode` is for, and how to compute it.

# %% solution bpe_encode

# %% tests bpe_encode
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert bpe_encode(x).shape == x.shape, "bpe_encode keeps the shape of its input"
print("bpe_encode: sanity checks passed")

# %% [markdown]
# ## `bpe_decode`
#
# TODO: what `bpe_decode` is for, and how to compute it.

# %% solution bpe_decode

# %% tests bpe_decode
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert bpe_decode(x).shape == x.shape, "bpe_decode keeps the shape of its input"
print("bpe_decode: sanity checks passed")

# %% [markdown]
# ## `pretokenize`
#
# TODO: what `pretokenize` is for, and how to compute it.

# %% solution pretokenize

# %% tests pretokenize
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert pretokenize(x).shape == x.shape, "pretokenize keeps the shape of its input"
print("pretokenize: sanity checks passed")

# %% [markdown]
# ## `wordpiece_tokenize`
#
# TODO: what `wordpiece_tokenize` is for, and how to compute it.

# %% solution wordpiece_tokenize

# %% tests wordpiece_tokenize
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert wordpiece_tokenize(x).shape == x.shape, "wordpiece_tokenize keeps the shape of its input"
print("wordpiece_tokenize: sanity checks passed")

# %% figure
# TODO: a figure where a picture helps (titled, axes labelled, showing what the text claims).
import matplotlib.pyplot as plt

x = np.linspace(-3, 3, 61)
plt.plot(x, bpe_train(x))
plt.title("bpe_train")
plt.xlabel("x")
plt.ylabel("bpe_train(x)")
plt.show()
