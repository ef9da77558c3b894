# %% [markdown]
# # Lesson 11 — Recent improvements: a Llama-style decoder
#
# TODO: the lesson's idea in the course's own terms (../shared/COURSE-NOTES.md), then one section
# per exercise. Each line of text starts with "# ".

# %%
import numpy as np

# %% [markdown]
# ## `rms_norm`
#
# TODO: what `rms_norm` is for, and how to compute it.

# %% solution rms_norm

# %% tests rms_norm
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert rms_norm(x).shape == x.shape, "rms_norm keeps the shape of its input"
print("rms_norm: sanity checks passed")

# %% [markdown]
# ## `rope_frequencies`
#
# TODO: what `rope_frequencies` is for, and how to compute it.

# %% solution rope_frequencies

# %% tests rope_frequencies
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert rope_frequencies(x).shape == x.shape, "rope_frequencies keeps the shape of its input"
print("rope_frequencies: sanity checks passed")

# %% [markdown]
# ## `apply_rope`
#
# TODO: what `apply_rope` is for, and how to compute it.

# %% solution apply_rope

# %% tests apply_rope
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert apply_rope(x).shape == x.shape, "apply_rope keeps the shape of its input"
print("apply_rope: sanity checks passed")

# %% [markdown]
# ## `swiglu`
#
# TODO: what `swiglu` is for, and how to compute it.

# %% solution swiglu

# %% tests swiglu
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert swiglu(x).shape == x.shape, "swiglu keeps the shape of its input"
print("swiglu: sanity checks passed")

# %% [markdown]
# ## `document_causal_mask`
#
# TODO: what `document_causal_mask` is for, and how to compute it.

# %% solution document_causal_mask

# %% tests document_causal_mask
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert document_causal_mask(x).shape == x.shape, "document_causal_mask keeps the shape of its input"
print("document_causal_mask: sanity checks passed")

# %% [markdown]
# ## `llama_parameter_count`
#
# TODO: what `llama_parameter_count` is for, and how to compute it.

# %% solution llama_parameter_count

# %% tests llama_parameter_count
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert llama_parameter_count(x).shape == x.shape, "llama_parameter_count keeps the shape of its input"
print("llama_parameter_count: sanity checks passed")

# %% [markdown]
# ## `llama_block`
#
# TODO: what `llama_block` is for, and how to compute it.

# %% solution llama_block

# %% tests llama_block
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert llama_block(x).shape == x.shape, "llama_block keeps the shape of its input"
print("llama_block: sanity checks passed")

# %% figure
# TODO: a figure where a picture helps (titled, axes labelled, showing what the text claims).
import matplotlib.pyplot as plt

x = np.linspace(-3, 3, 61)
plt.plot(x, rms_norm(x))
plt.title("rms_norm")
plt.xlabel("x")
plt.ylabel("rms_norm(x)")
plt.show()
