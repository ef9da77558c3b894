# %% [markdown]
# # Lesson 12 — Mixture of Experts
#
# TODO: the lesson's idea in the course's own terms (../shared/COURSE-NOTES.md), then one section
# per exercise. Each line of text starts with "# ".

# %%
import numpy as np

# %% [markdown]
# ## `router_probabilities`
#
# TODO: what `router_probabilities` is for, and how to compute it.

# %% solution router_probabilities

# %% tests router_probabilities
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert router_probabilities(x).shape == x.shape, "router_probabilities keeps the shape of its input"
print("router_probabilities: sanity checks passed")

# %% [markdown]
# ## `top_k_route`
#
# TODO: what `top_k_route` is for, and how to compute it.

# %% solution top_k_route

# %% tests top_k_route
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert top_k_route(x).shape == x.shape, "top_k_route keeps the shape of its input"
print("top_k_route: sanity checks passed")

# %% [markdown]
# ## `moe_layer`
#
# TODO: what `moe_layer` is for, and how to compute it.

# %% solution moe_layer

# %% tests moe_layer
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert moe_layer(x).shape == x.shape, "moe_layer keeps the shape of its input"
print("moe_layer: sanity checks passed")

# %% [markdown]
# ## `load_balancing_loss`
#
# TODO: what `load_balancing_loss` is for, and how to compute it.

# %% solution load_balancing_loss

# %% tests load_balancing_loss
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert load_balancing_loss(x).shape == x.shape, "load_balancing_loss keeps the shape of its input"
print("load_balancing_loss: sanity checks passed")

# %% [markdown]
# ## `moe_parameter_counts`
#
# TODO: what `moe_parameter_counts` is for, and how to compute it.

# %% solution moe_parameter_counts

# %% tests moe_parameter_counts
# TODO: visible sanity tests: the shape and one worked example, each assert with a message.
x = np.array([-1.0, 0.0, 2.0])
assert moe_parameter_counts(x).shape == x.shape, "moe_parameter_counts keeps the shape of its input"
print("moe_parameter_counts: sanity checks passed")

# %% figure
# TODO: a figure where a picture helps (titled, axes labelled, showing what the text claims).
import matplotlib.pyplot as plt

x = np.linspace(-3, 3, 61)
plt.plot(x, router_probabilities(x))
plt.title("router_probabilities")
plt.xlabel("x")
plt.ylabel("router_probabilities(x)")
plt.show()
