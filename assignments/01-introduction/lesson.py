# %% [markdown]
# # Lesson 01 — Language models as next-token predictors
#
# Pilot text.

# %%
import numpy as np

# %% solution softmax

# %% tests softmax
p = softmax(np.array([1.0, 2.0, 3.0]))
assert np.allclose(p, [0.09003057, 0.24472847, 0.66524096])
print("softmax looks right")
