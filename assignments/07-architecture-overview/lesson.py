# %% [markdown]
# # Lesson 07 — Architectural overview: from hidden states to the next token
#
# TODO: the lesson's idea in the course's own terms (../shared/COURSE-NOTES.md), then one section
# per exercise. Each line of text starts with "# ".

# %%
import numpy as np

# %% [markdown]
# ## `lm_head_logits`
#
# TODO: what `lm_head_logits` is for, and how to compute it.

# %% solution lm_head_logits

# %% tests lm_head_logits
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert lm_head_logits(x).shape == x.shape, "lm_head_logits keeps the shape of its input"
print("lm_head_logits: sanity checks passed")

# %% [markdown]
# ## `apply_temperature`
#
# TODO: what `apply_temperature` is for, and how to compute it.

# %% solution apply_temperature

# %% tests apply_temperature
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert apply_temperature(x).shape == x.shape, "apply_temperature keeps the shape of its input"
print("apply_temperature: sanity checks passed")

# %% [markdown]
# ## `top_k_filter`
#
# TODO: what `top_k_filter` is for, and how to compute it.

# %% solution top_k_filter

# %% tests top_k_filter
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert top_k_filter(x).shape == x.shape, "top_k_filter keeps the shape of its input"
print("top_k_filter: sanity checks passed")

# %% [markdown]
# ## `top_p_filter`
#
# TODO: what `top_p_filter` is for, and how to compute it.

# %% solution top_p_filter

# %% tests top_p_filter
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert top_p_filter(x).shape == x.shape, "top_p_filter keeps the shape of its input"
print("top_p_filter: sanity checks passed")

# %% [markdown]
# ## `sample_token`
#
# TODO: what `sample_token` is for, and how to compute it.

# %% solution sample_token

# %% tests sample_token
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert sample_token(x).shape == x.shape, "sample_token keeps the shape of its input"
print("sample_token: sanity checks passed")

# %% [markdown]
# ## `generate_cached`
#
# TODO: what `generate_cached` is for, and how to compute it.

# %% solution generate_cached

# %% tests generate_cached
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert generate_cached(x).shape == x.shape, "generate_cached keeps the shape of its input"
print("generate_cached: sanity checks passed")

# %% figure
# TODO: a figure where a picture helps (titled, axes labelled, showing what the text claims).
import matplotlib.pyplot as plt

x = np.linspace(-3, 3, 61)
plt.plot(x, lm_head_logits(x))
plt.title("lm_head_logits")
plt.xlabel("x")
plt.ylabel("lm_head_logits(x)")
plt.show()
