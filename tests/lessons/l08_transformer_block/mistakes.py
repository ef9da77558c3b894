"""Lesson 08: wrong implementations students really write (each must lose points of its exercise)
and correct implementations written differently from the reference (each must get full marks).
Each string replaces the exercise's solution cell of the source notebook, whose provided cell
defines `softmax`, `causal_mask` and `random_block_params`."""

MISTAKES = {
    "layer_norm": {
        "unbiased variance (ddof=1)": '''
def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, ddof=1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
''',
        "eps added to the standard deviation, outside the square root": '''
def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    std = x.std(axis=-1, keepdims=True)
    return gamma * (x - mean) / (std + eps) + beta
''',
        "mean and variance of the whole array (no axis)": '''
def layer_norm(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean()) / np.sqrt(x.var() + eps) + beta
''',
        "x normalized in place (x -= mean)": '''
def layer_norm(x, gamma, beta, eps=1e-5):
    x -= x.mean(axis=-1, keepdims=True)
    x /= np.sqrt((x ** 2).mean(axis=-1, keepdims=True) + eps)
    return gamma * x + beta
''',
        "eps argument ignored (a fixed 1e-5)": '''
def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + 1e-5) + beta
''',
        "beta added before scaling by gamma": '''
def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return ((x - mean) / np.sqrt(var + eps) + beta) * gamma
''',
    },
    "gelu": {
        "exact erf form": '''
import math


def gelu(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))
''',
        "2 / pi without the square root": '''
def gelu(x):
    return 0.5 * x * (1 + np.tanh(2 / np.pi * (x + 0.044715 * x ** 3)))
''',
        "sigmoid approximation x * sigmoid(1.702 x)": '''
def gelu(x):
    return x / (1 + np.exp(-1.702 * x))
''',
        "cubic term forgotten": '''
def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * x))
''',
    },
    "feed_forward": {
        "ReLU instead of GELU": '''
def feed_forward(x, W_in, b_in, W_out, b_out):
    return np.maximum(x @ W_in + b_in, 0) @ W_out + b_out
''',
        "weights transposed, as torch's nn.Linear": '''
def feed_forward(x, W_in, b_in, W_out, b_out):
    return gelu(x @ W_in.T + b_in) @ W_out.T + b_out
''',
        "activation before the bias": '''
def feed_forward(x, W_in, b_in, W_out, b_out):
    return (gelu(x @ W_in) + b_in) @ W_out + b_out
''',
        "output bias forgotten": '''
def feed_forward(x, W_in, b_in, W_out, b_out):
    return gelu(x @ W_in + b_in) @ W_out
''',
        "GELU after the second layer too": '''
def feed_forward(x, W_in, b_in, W_out, b_out):
    return gelu(gelu(x @ W_in + b_in) @ W_out + b_out)
''',
    },
    "causal_self_attention": {
        "no causal mask": '''
def causal_self_attention(x, W_attn, b_attn, W_proj, b_proj, n_heads):
    *batch, T, d = x.shape
    hd = d // n_heads
    q, k, v = np.split(x @ W_attn + b_attn, 3, axis=-1)
    q, k, v = (np.swapaxes(m.reshape(*batch, T, n_heads, hd), -2, -3) for m in (q, k, v))
    weights = softmax(q @ np.swapaxes(k, -1, -2) / np.sqrt(hd))
    return np.swapaxes(weights @ v, -2, -3).reshape(*batch, T, d) @ W_proj + b_proj
''',
        "scaled by sqrt(d) instead of sqrt(d / n_heads)": '''
def causal_self_attention(x, W_attn, b_attn, W_proj, b_proj, n_heads):
    *batch, T, d = x.shape
    hd = d // n_heads
    q, k, v = np.split(x @ W_attn + b_attn, 3, axis=-1)
    q, k, v = (np.swapaxes(m.reshape(*batch, T, n_heads, hd), -2, -3) for m in (q, k, v))
    scores = np.where(causal_mask(T), q @ np.swapaxes(k, -1, -2) / np.sqrt(d), -np.inf)
    return np.swapaxes(softmax(scores) @ v, -2, -3).reshape(*batch, T, d) @ W_proj + b_proj
''',
        "interleaved heads (head h takes every H-th column)": '''
def causal_self_attention(x, W_attn, b_attn, W_proj, b_proj, n_heads):
    *batch, T, d = x.shape
    hd = d // n_heads
    q, k, v = np.split(x @ W_attn + b_attn, 3, axis=-1)
    q, k, v = (np.moveaxis(m.reshape(*batch, T, hd, n_heads), -1, -3) for m in (q, k, v))
    scores = np.where(causal_mask(T), q @ np.swapaxes(k, -1, -2) / np.sqrt(hd), -np.inf)
    return np.moveaxis(softmax(scores) @ v, -3, -1).reshape(*batch, T, d) @ W_proj + b_proj
''',
        "output projection transposed (nn.Linear habit; W_proj is square)": '''
def causal_self_attention(x, W_attn, b_attn, W_proj, b_proj, n_heads):
    *batch, T, d = x.shape
    hd = d // n_heads
    q, k, v = np.split(x @ W_attn + b_attn, 3, axis=-1)
    q, k, v = (np.swapaxes(m.reshape(*batch, T, n_heads, hd), -2, -3) for m in (q, k, v))
    scores = np.where(causal_mask(T), q @ np.swapaxes(k, -1, -2) / np.sqrt(hd), -np.inf)
    return np.swapaxes(softmax(scores) @ v, -2, -3).reshape(*batch, T, d) @ W_proj.T + b_proj
''',
        "heads merged by a reshape without moving the head axis back": '''
def causal_self_attention(x, W_attn, b_attn, W_proj, b_proj, n_heads):
    *batch, T, d = x.shape
    hd = d // n_heads
    q, k, v = np.split(x @ W_attn + b_attn, 3, axis=-1)
    q, k, v = (np.swapaxes(m.reshape(*batch, T, n_heads, hd), -2, -3) for m in (q, k, v))
    scores = np.where(causal_mask(T), q @ np.swapaxes(k, -1, -2) / np.sqrt(hd), -np.inf)
    return (softmax(scores) @ v).reshape(*batch, T, d) @ W_proj + b_proj
''',
        "mask applied after the softmax": '''
def causal_self_attention(x, W_attn, b_attn, W_proj, b_proj, n_heads):
    *batch, T, d = x.shape
    hd = d // n_heads
    q, k, v = np.split(x @ W_attn + b_attn, 3, axis=-1)
    q, k, v = (np.swapaxes(m.reshape(*batch, T, n_heads, hd), -2, -3) for m in (q, k, v))
    weights = softmax(q @ np.swapaxes(k, -1, -2) / np.sqrt(hd)) * causal_mask(T)
    return np.swapaxes(weights @ v, -2, -3).reshape(*batch, T, d) @ W_proj + b_proj
''',
        "only (T, d) inputs: no leading batch axes": '''
def causal_self_attention(x, W_attn, b_attn, W_proj, b_proj, n_heads):
    T, d = x.shape
    hd = d // n_heads
    q, k, v = np.split(x @ W_attn + b_attn, 3, axis=1)
    q, k, v = (m.reshape(T, n_heads, hd).transpose(1, 0, 2) for m in (q, k, v))
    scores = np.where(causal_mask(T), q @ k.transpose(0, 2, 1) / np.sqrt(hd), -np.inf)
    return (softmax(scores) @ v).transpose(1, 0, 2).reshape(T, d) @ W_proj + b_proj
''',
    },
    "transformer_block": {
        "post-norm (the 2017 arrangement) instead of GPT-2's pre-norm": '''
def transformer_block(x, params, n_heads, eps=1e-5):
    p = params
    h = layer_norm(x + causal_self_attention(x, p["attn.c_attn.weight"], p["attn.c_attn.bias"],
                                             p["attn.c_proj.weight"], p["attn.c_proj.bias"], n_heads),
                   p["ln_1.weight"], p["ln_1.bias"], eps)
    return layer_norm(h + feed_forward(h, p["mlp.c_fc.weight"], p["mlp.c_fc.bias"], p["mlp.c_proj.weight"],
                                       p["mlp.c_proj.bias"]), p["ln_2.weight"], p["ln_2.bias"], eps)
''',
        "no residual connection around attention": '''
def transformer_block(x, params, n_heads, eps=1e-5):
    p = params
    h = causal_self_attention(layer_norm(x, p["ln_1.weight"], p["ln_1.bias"], eps), p["attn.c_attn.weight"],
                              p["attn.c_attn.bias"], p["attn.c_proj.weight"], p["attn.c_proj.bias"], n_heads)
    return h + feed_forward(layer_norm(h, p["ln_2.weight"], p["ln_2.bias"], eps), p["mlp.c_fc.weight"],
                            p["mlp.c_fc.bias"], p["mlp.c_proj.weight"], p["mlp.c_proj.bias"])
''',
        "residual added to the normalized copy instead of the stream": '''
def transformer_block(x, params, n_heads, eps=1e-5):
    p = params
    x = layer_norm(x, p["ln_1.weight"], p["ln_1.bias"], eps)
    x = x + causal_self_attention(x, p["attn.c_attn.weight"], p["attn.c_attn.bias"], p["attn.c_proj.weight"],
                                  p["attn.c_proj.bias"], n_heads)
    x = layer_norm(x, p["ln_2.weight"], p["ln_2.bias"], eps)
    return x + feed_forward(x, p["mlp.c_fc.weight"], p["mlp.c_fc.bias"], p["mlp.c_proj.weight"], p["mlp.c_proj.bias"])
''',
        "feed-forward reads x instead of the stream after attention": '''
def transformer_block(x, params, n_heads, eps=1e-5):
    p = params
    attended = causal_self_attention(layer_norm(x, p["ln_1.weight"], p["ln_1.bias"], eps), p["attn.c_attn.weight"],
                                     p["attn.c_attn.bias"], p["attn.c_proj.weight"], p["attn.c_proj.bias"], n_heads)
    transformed = feed_forward(layer_norm(x, p["ln_2.weight"], p["ln_2.bias"], eps), p["mlp.c_fc.weight"],
                               p["mlp.c_fc.bias"], p["mlp.c_proj.weight"], p["mlp.c_proj.bias"])
    return x + attended + transformed
''',
        "eps not passed on to the layer norms": '''
def transformer_block(x, params, n_heads, eps=1e-5):
    p = params
    h = x + causal_self_attention(layer_norm(x, p["ln_1.weight"], p["ln_1.bias"]), p["attn.c_attn.weight"],
                                  p["attn.c_attn.bias"], p["attn.c_proj.weight"], p["attn.c_proj.bias"], n_heads)
    return h + feed_forward(layer_norm(h, p["ln_2.weight"], p["ln_2.bias"]), p["mlp.c_fc.weight"],
                            p["mlp.c_fc.bias"], p["mlp.c_proj.weight"], p["mlp.c_proj.bias"])
''',
        "residual added in place (x += ...), modifying the caller's x": '''
def transformer_block(x, params, n_heads, eps=1e-5):
    p = params
    x += causal_self_attention(layer_norm(x, p["ln_1.weight"], p["ln_1.bias"], eps), p["attn.c_attn.weight"],
                               p["attn.c_attn.bias"], p["attn.c_proj.weight"], p["attn.c_proj.bias"], n_heads)
    x += feed_forward(layer_norm(x, p["ln_2.weight"], p["ln_2.bias"], eps), p["mlp.c_fc.weight"],
                      p["mlp.c_fc.bias"], p["mlp.c_proj.weight"], p["mlp.c_proj.bias"])
    return x
''',
        "ln_1 and ln_2 swapped": '''
def transformer_block(x, params, n_heads, eps=1e-5):
    p = params
    h = x + causal_self_attention(layer_norm(x, p["ln_2.weight"], p["ln_2.bias"], eps), p["attn.c_attn.weight"],
                                  p["attn.c_attn.bias"], p["attn.c_proj.weight"], p["attn.c_proj.bias"], n_heads)
    return h + feed_forward(layer_norm(h, p["ln_1.weight"], p["ln_1.bias"], eps), p["mlp.c_fc.weight"],
                            p["mlp.c_fc.bias"], p["mlp.c_proj.weight"], p["mlp.c_proj.bias"])
''',
    },
}

ALTERNATIVES = {
    "layer_norm": '''
def layer_norm(x, gamma, beta, eps=1e-5):
    # mean and variance via E[x] and E[x^2] - E[x]^2, and a reciprocal square root
    mean = np.mean(x, axis=-1, keepdims=True)
    variance = np.mean(np.square(x), axis=-1, keepdims=True) - mean ** 2
    return (x - mean) * (1.0 / np.sqrt(variance + eps)) * gamma + beta
''',
    "gelu": '''
def gelu(x):
    # 0.5 (1 + tanh(u)) is the logistic sigmoid of 2u
    u = np.sqrt(2.0 / np.pi) * (x + 0.044715 * np.power(x, 3))
    return x / (1.0 + np.exp(-2.0 * u))
''',
    "feed_forward": '''
def feed_forward(x, W_in, b_in, W_out, b_out):
    hidden = np.einsum("...d,df->...f", x, W_in) + b_in
    return np.einsum("...f,fd->...d", gelu(hidden), W_out) + b_out
''',
    "causal_self_attention": '''
def causal_self_attention(x, W_attn, b_attn, W_proj, b_proj, n_heads):
    # one head at a time, on its slice of columns, then the heads concatenated
    d = x.shape[-1]
    width = d // n_heads
    qkv = np.matmul(x, W_attn) + b_attn
    mask = causal_mask(x.shape[-2])
    outputs = []
    for head in range(n_heads):
        columns = slice(head * width, (head + 1) * width)
        q = qkv[..., :d][..., columns]
        k = qkv[..., d:2 * d][..., columns]
        v = qkv[..., 2 * d:][..., columns]
        scores = np.einsum("...id,...jd->...ij", q, k) / np.sqrt(width)
        outputs.append(softmax(np.where(mask, scores, -np.inf)) @ v)
    return np.concatenate(outputs, axis=-1) @ W_proj + b_proj
''',
    "transformer_block": '''
def transformer_block(x, params, n_heads, eps=1e-5):
    def attention(v):
        return causal_self_attention(v, params["attn.c_attn.weight"], params["attn.c_attn.bias"],
                                     params["attn.c_proj.weight"], params["attn.c_proj.bias"], n_heads)

    def mlp(v):
        return feed_forward(v, params["mlp.c_fc.weight"], params["mlp.c_fc.bias"],
                            params["mlp.c_proj.weight"], params["mlp.c_proj.bias"])

    stream = x
    for norm, sub_layer in (("ln_1", attention), ("ln_2", mlp)):
        stream = stream + sub_layer(layer_norm(stream, params[norm + ".weight"], params[norm + ".bias"], eps=eps))
    return stream
''',
}
