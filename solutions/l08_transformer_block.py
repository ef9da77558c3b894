"""Lesson 08: the Transformer block (GPT-2's pre-norm decoder block, in NumPy)."""

import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    """Layer normalization: each vector (the last axis of x) rescaled to mean 0 and variance 1,
    then scaled by gamma and shifted by beta, as GPT-2's `ln_1`, `ln_2` and `ln_f`.

    x: float array of shape (..., d): any number of leading axes (tokens, sentences), each vector
    of d numbers normalized on its own. gamma, beta: (d,) the learned scale and shift.
    eps: a small number that keeps the division finite when a vector is constant.

    For each vector v: mu = the mean of its d numbers, var = the mean of (v - mu)^2 (the biased
    variance: divide by d, not d - 1, as np.var's default), and
        out = gamma * (v - mu) / sqrt(var + eps) + beta        (eps inside the square root)
    Returns a new float64 array of the shape of x; x is not modified. A constant vector gives beta.

    Example: layer_norm(np.array([1.0, 2.0, 3.0, 6.0]), np.ones(4), np.zeros(4)) has mu = 3 and
    var = (4 + 1 + 0 + 9) / 4 = 3.5, so it returns [-2, -1, 0, 3] / sqrt(3.50001)
    = [-1.069043, -0.534522, 0.0, 1.603565].
    """
    ### BEGIN SOLUTION
    mean = np.mean(x, axis=-1, keepdims=True)
    centered = x - mean
    variance = np.mean(centered ** 2, axis=-1, keepdims=True)
    return gamma * centered / np.sqrt(variance + eps) + beta
    ### END SOLUTION


def gelu(x):
    """GELU, the activation of GPT-2's feed-forward network, in its tanh form ("gelu_new"):

        gelu(x) = 0.5 x (1 + tanh( sqrt(2 / pi) (x + 0.044715 x^3) ))

    x: float array of any shape. Returns a float64 array of the same shape, element by element.
    It is the tanh approximation of x * Phi(x) (Phi the standard normal CDF) that GPT-2 was trained
    with, not the exact form with erf: the two differ by up to about 5e-4 (1.5e-4 at x = 1),
    and the grader tells them apart.

    Example: gelu(np.array([-1.0, 0.0, 1.0])) -> [-0.158808, 0.0, 0.841192]
    (0.8411919906082768 at 1; the exact erf form would give 0.8413447460685429).
    """
    ### BEGIN SOLUTION
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))
    ### END SOLUTION


def feed_forward(x, W_in, b_in, W_out, b_out):
    """The feedforward neural network (MLP) of a GPT-2 block, applied to every vector on its own:

        feed_forward(x) = gelu(x W_in + b_in) W_out + b_out

    x: (..., d) vectors (any leading axes, e.g. (T, d) or (B, T, d)).
    W_in: (d, f) GPT-2's `mlp.c_fc.weight` (f = 4d in GPT-2), b_in: (f,) `mlp.c_fc.bias`.
    W_out: (f, d) `mlp.c_proj.weight`, b_out: (d,) `mlp.c_proj.bias`.
    The weights are in GPT-2's layout (in, out): multiply x W as stored, with no transpose.
    The activation is this notebook's `gelu` (the tanh form), applied once, between the two layers
    and after the bias b_in. Returns a float64 array of shape (..., d).

    Example: x = [[1.0, -1.0]], W_in = [[1, 0, 1], [0, 1, 1]] (d = 2, f = 3), b_in = [0, 0, 1],
    W_out = [[1, 0], [0, 1], [1, 1]], b_out = [0.5, 0]: the hidden layer is gelu([1, -1, 1])
    = [0.841192, -0.158808, 0.841192], and the result is [[2.182384, 0.682384]].
    """
    ### BEGIN SOLUTION
    hidden = gelu(x @ W_in + b_in)
    return hidden @ W_out + b_out
    ### END SOLUTION


def causal_self_attention(x, W_attn, b_attn, W_proj, b_proj, n_heads):
    """GPT-2's masked (causal) multi-head self-attention.

    x: (..., T, d) the vectors of T tokens (any leading axes, e.g. (B, T, d)).
    W_attn: (d, 3d) `attn.c_attn.weight`, b_attn: (3d,) `attn.c_attn.bias`: one fused projection,
    in GPT-2's layout (in, out), so x W_attn + b_attn has 3d columns: the queries Q are columns
    0 .. d-1, the keys K columns d .. 2d-1, the values V columns 2d .. 3d-1.
    W_proj: (d, d) `attn.c_proj.weight`, b_proj: (d,) `attn.c_proj.bias`, also used as stored (x W + b).
    n_heads: H, a divisor of d; each head works on hd = d / H columns.

    1. Q, K, V = the three blocks of d columns of x W_attn + b_attn.
    2. Head h takes the contiguous columns h*hd .. (h+1)*hd - 1 of each of Q, K and V.
    3. In each head, relevance scoring: scores = Q_h K_h^T / sqrt(hd) (the head's width, not d),
       (T, T); position i may only look at positions j <= i (a causal mask: the others get weight
       exactly 0), softmax over j; combining information: the head's output is weights @ V_h, (T, hd).
    4. The heads' outputs are put back side by side, head h again in columns h*hd .. (h+1)*hd - 1,
       (T, d), then projected: merged W_proj + b_proj.
    Returns a float64 array of the shape of x. Position 0 sees only itself, so its output is
    (its value vector) W_proj + b_proj.

    Example (d = 2, one head): x = [[1, 0], [0, 1]], W_attn = the (2, 6) matrix [I, I, I] (so Q = K
    = V = x), b_attn = 0, W_proj = I, b_proj = 0: row 0 is [1, 0] (it sees only itself); row 1 has
    scores [0, 1] / sqrt(2), weights [0.330, 0.670], so it is [0.330, 0.670].
    """
    ### BEGIN SOLUTION
    *batch, T, d = x.shape
    head_dim = d // n_heads
    qkv = x @ W_attn + b_attn

    def split_heads(m):  # (..., T, d) -> (..., H, T, hd): head h is the h-th block of hd columns
        return np.swapaxes(m.reshape(*batch, T, n_heads, head_dim), -2, -3)

    q, k, v = (split_heads(m) for m in np.split(qkv, 3, axis=-1))
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(head_dim)
    future = np.triu(np.ones((T, T), dtype=bool), k=1)
    scores = np.where(future, -np.inf, scores)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    merged = np.swapaxes(weights @ v, -2, -3).reshape(*batch, T, d)
    return merged @ W_proj + b_proj
    ### END SOLUTION


def transformer_block(x, params, n_heads, eps=1e-5):
    """One GPT-2 Transformer block (pre-norm): self-attention, then the feedforward network, each
    reading a layer-normalized copy of the residual stream and adding its result back to it:

        h   = x + causal_self_attention(layer_norm(x, ln_1), attn weights, n_heads)
        out = h + feed_forward(layer_norm(h, ln_2), mlp weights)

    x: (..., T, d) the residual stream (any leading axes). n_heads: the number of attention heads.
    eps: the layer norms' epsilon (GPT-2's `layer_norm_epsilon`), passed to both of them.
    params: a dict keyed exactly as Hugging Face's `GPT2Block.state_dict()`, weights in GPT-2's
    layout (in, out), used as stored:
        "ln_1.weight", "ln_1.bias" (d,)              gamma and beta of the first layer norm
        "attn.c_attn.weight" (d, 3d), "attn.c_attn.bias" (3d,)
        "attn.c_proj.weight" (d, d), "attn.c_proj.bias" (d,)
        "ln_2.weight", "ln_2.bias" (d,)              gamma and beta of the second layer norm
        "mlp.c_fc.weight" (d, 4d), "mlp.c_fc.bias" (4d,)
        "mlp.c_proj.weight" (4d, d), "mlp.c_proj.bias" (d,)
    Use this notebook's layer_norm, causal_self_attention and feed_forward. Returns a float64
    array of the shape of x; neither x nor params is modified. The block adds to its input: with
    both c_proj weights and biases zero, every sub-layer adds 0 and the block returns x.

    Example: x = [[1.0, -1.0]] (T = 1, d = 2) with every weight and bias zero except
    "mlp.c_proj.bias" = [0.5, 0.25] returns [[1.5, -0.75]].
    """
    ### BEGIN SOLUTION
    p = params
    attended = causal_self_attention(layer_norm(x, p["ln_1.weight"], p["ln_1.bias"], eps),
                                     p["attn.c_attn.weight"], p["attn.c_attn.bias"],
                                     p["attn.c_proj.weight"], p["attn.c_proj.bias"], n_heads)
    h = x + attended
    transformed = feed_forward(layer_norm(h, p["ln_2.weight"], p["ln_2.bias"], eps),
                               p["mlp.c_fc.weight"], p["mlp.c_fc.bias"],
                               p["mlp.c_proj.weight"], p["mlp.c_proj.bias"])
    return h + transformed
    ### END SOLUTION
