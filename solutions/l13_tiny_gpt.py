"""Lesson 13: the conclusion. A tiny GPT in PyTorch, with GPT-2's module tree and weight layout, its
greedy decoding loop, character-level training, and the memory its weights take.

Unlike the other lessons, this one works in PyTorch: modules compute in the dtype of their
parameters, float32 by default (the grader converts a model to float64 with `.double()` to compare it
tightly with Hugging Face's GPT-2)."""

import math

import torch
from torch import nn
from torch.nn import functional as F

CONTEXT = 16          # characters a model of train_tiny_gpt sees at once: its context length (n_positions)
BATCH_SIZE = 16       # windows per training step
LEARNING_RATE = 1e-2  # AdamW's step size


def char_config(vocab_size):
    """The configuration of train_tiny_gpt's model: a TinyGPT of about 27,000 parameters."""
    return {"vocab_size": vocab_size, "n_positions": CONTEXT, "n_embd": 32, "n_layer": 2, "n_head": 4,
            "layer_norm_epsilon": 1e-5}


class Conv1D(nn.Module):
    """GPT-2's linear layer (named Conv1D in Hugging Face's code for historical reasons): y = x W + b.

    n_in, n_out: the sizes of the input and output vectors.
    Parameters: `weight` of shape (n_in, n_out), in GPT-2's layout (in, out), used as stored with no
    transpose (torch's nn.Linear stores (out, in) and computes x W^T: a different state_dict), and
    `bias` of shape (n_out,). Initialise the weight from a normal distribution with std 0.02 (as GPT-2)
    and the bias with zeros.
    forward(x): x of shape (..., n_in) -> (..., n_out).

    Example: Conv1D(2, 3) has weight.shape == (2, 3) and bias.shape == (3,); with weight
    [[1, 0, 1], [0, 1, 1]] and bias [0, 0, 1], the input [[1.0, -1.0]] gives [[1.0, -1.0, 1.0]].
    """

    def __init__(self, n_in, n_out):
        super().__init__()
        ### BEGIN SOLUTION
        self.weight = nn.Parameter(torch.empty(n_in, n_out).normal_(std=0.02))
        self.bias = nn.Parameter(torch.zeros(n_out))
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        return x @ self.weight + self.bias
        ### END SOLUTION


class CausalSelfAttention(nn.Module):
    """GPT-2's masked multi-head self-attention (lesson 08's causal_self_attention, as a module).

    config: the model's dict (n_embd = d, n_head = H, a divisor of d; head_dim = d / H).
    Submodules, named as GPT-2's: `c_attn` = Conv1D(d, 3d) (x c_attn gives Q | K | V, d columns each;
    head h uses columns h*head_dim .. (h+1)*head_dim - 1 of each) and `c_proj` = Conv1D(d, d).
    forward(x): x of shape (B, T, d) -> (B, T, d). Per head, scores Q K^T / sqrt(head_dim), causal
    (position i attends to positions j <= i), softmax over the keys, times V; the heads are put back
    side by side (head h in columns h*head_dim ..) and go through c_proj.
    No dropout. If you keep a mask as a buffer, register it with persistent=False: GPT-2's state_dict
    holds parameters only.

    Example: with T = 1 a position attends to itself alone, so its output is c_proj(the V part of
    c_attn(x)); changing x[:, 2] never changes the output at positions 0 and 1.
    """

    def __init__(self, config):
        super().__init__()
        ### BEGIN SOLUTION
        width = config["n_embd"]
        self.n_head = config["n_head"]
        self.c_attn = Conv1D(width, 3 * width)
        self.c_proj = Conv1D(width, width)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        batch, length, width = x.shape
        head_dim = width // self.n_head
        queries, keys, values = (part.reshape(batch, length, self.n_head, head_dim).transpose(1, 2)
                                 for part in self.c_attn(x).split(width, dim=-1))
        scores = queries @ keys.transpose(-1, -2) / math.sqrt(head_dim)
        future = torch.ones(length, length, dtype=torch.bool, device=x.device).triu(diagonal=1)
        weights = scores.masked_fill(future, float("-inf")).softmax(dim=-1)
        merged = (weights @ values).transpose(1, 2).reshape(batch, length, width)
        return self.c_proj(merged)
        ### END SOLUTION


class MLP(nn.Module):
    """GPT-2's feedforward network (lesson 08's feed_forward, as a module): c_proj(gelu(c_fc(x))).

    config: the model's dict (n_embd = d). Submodules, named as GPT-2's: `c_fc` = Conv1D(d, 4d) and
    `c_proj` = Conv1D(4d, d). The activation is GELU in its tanh form (GPT-2's "gelu_new":
    F.gelu(h, approximate="tanh")), not the exact erf form that F.gelu computes by default.
    forward(x): (..., d) -> (..., d).

    Example: MLP({"n_embd": 2, ...}) has c_fc.weight of shape (2, 8) and c_proj.weight of shape (8, 2).
    """

    def __init__(self, config):
        super().__init__()
        ### BEGIN SOLUTION
        width = config["n_embd"]
        self.c_fc = Conv1D(width, 4 * width)
        self.c_proj = Conv1D(4 * width, width)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))
        ### END SOLUTION


class Block(nn.Module):
    """One GPT-2 Transformer block (lesson 08's transformer_block, as a module), pre-norm:

        x = x + attn(ln_1(x))
        x = x + mlp(ln_2(x))

    config: the model's dict. Submodules, named as GPT-2's: `ln_1` and `ln_2`, nn.LayerNorm(n_embd)
    with eps = config["layer_norm_epsilon"] (not torch's default), `attn` a CausalSelfAttention and
    `mlp` an MLP. forward(x): (B, T, d) -> (B, T, d).

    Example: Block(config).state_dict() has the 12 keys ln_1.weight, ln_1.bias, attn.c_attn.weight,
    attn.c_attn.bias, attn.c_proj.weight, attn.c_proj.bias, ln_2.weight, ln_2.bias, mlp.c_fc.weight,
    mlp.c_fc.bias, mlp.c_proj.weight, mlp.c_proj.bias.
    """

    def __init__(self, config):
        super().__init__()
        ### BEGIN SOLUTION
        width, eps = config["n_embd"], config["layer_norm_epsilon"]
        self.ln_1 = nn.LayerNorm(width, eps=eps)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(width, eps=eps)
        self.mlp = MLP(config)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))
        ### END SOLUTION


class TinyGPT(nn.Module):
    """A GPT-2 language model: token ids in, next-token logits out, with GPT-2's module tree, so that
    its state_dict() has exactly the keys and shapes of Hugging Face's GPT2LMHeadModel and the weights
    of one load into the other.

    config: a dict with GPT2Config's keys: vocab_size (V), n_positions (the context length P),
    n_embd (d), n_layer (L), n_head (H) and layer_norm_epsilon (the eps of every LayerNorm).
    Submodules, named as GPT-2's:
        transformer.wte   nn.Embedding(V, d), the token embeddings
        transformer.wpe   nn.Embedding(P, d), the learned position embeddings
        transformer.h     nn.ModuleList of L Blocks (keys transformer.h.0.ln_1.weight, ...)
        transformer.ln_f  nn.LayerNorm(d, eps=layer_norm_epsilon), the final layer norm
        lm_head           the LM head: logits = h @ wte^T, no bias; its weight IS transformer.wte.weight
                          (tied: the same Parameter, the same storage, not a copy)
    So state_dict() holds parameters only (no buffers): transformer.wte.weight (V, d),
    transformer.wpe.weight (P, d), 12 per block, transformer.ln_f.weight and .bias (d,) and
    lm_head.weight (V, d): 5 + 12 L keys. Initialise like GPT-2: embeddings and Conv1D weights from a
    normal distribution with std 0.02, biases 0, LayerNorm weights 1 (train_tiny_gpt relies on it).
    No dropout.

    forward(ids): ids a (B, T) int64 tensor of token ids, T <= P. The token embeddings plus the
    position embeddings of positions 0 .. T-1, the L blocks in order, ln_f, then the LM head. Returns
    the logits, a (B, T, V) tensor (the tensor itself, not a tuple or an object holding it), in the
    dtype of the parameters: float32 as built, float64 after model.double(), which the grader uses
    to compare with GPT-2 at 1e-9 (so create no float32 tensors of your own inside forward).

    Example: with config {"vocab_size": 5, "n_positions": 4, "n_embd": 4, "n_layer": 1, "n_head": 2,
    "layer_norm_epsilon": 1e-5}, TinyGPT(config)(torch.tensor([[1, 2, 3]])) has shape (1, 3, 5), its
    state_dict() has 17 keys, and its parameters hold 20 + 16 + 244 + 8 = 288 numbers (wte, wpe, the
    block, ln_f; the tied lm_head adds none).
    """

    def __init__(self, config):
        super().__init__()
        ### BEGIN SOLUTION
        width, vocab = config["n_embd"], config["vocab_size"]
        self.transformer = nn.ModuleDict({
            "wte": nn.Embedding(vocab, width),
            "wpe": nn.Embedding(config["n_positions"], width),
            "h": nn.ModuleList(Block(config) for _ in range(config["n_layer"])),
            "ln_f": nn.LayerNorm(width, eps=config["layer_norm_epsilon"]),
        })
        self.lm_head = nn.Linear(width, vocab, bias=False)
        self.lm_head.weight = self.transformer.wte.weight
        for embedding in (self.transformer.wte, self.transformer.wpe):
            nn.init.normal_(embedding.weight, std=0.02)
        ### END SOLUTION

    def forward(self, ids):
        ### BEGIN SOLUTION
        positions = torch.arange(ids.shape[-1], device=ids.device)
        hidden = self.transformer.wte(ids) + self.transformer.wpe(positions)
        for block in self.transformer.h:
            hidden = block(hidden)
        return self.lm_head(self.transformer.ln_f(hidden))
        ### END SOLUTION


def generate_greedy(model, prompt_ids, max_new_tokens):
    """Autoregressive generation with greedy decoding: append the most likely next token, again and again.

    model: a callable such as a TinyGPT: model(ids) takes a (1, T) int64 tensor (torch.long) of the
    whole sequence so far and returns its logits, a (1, T, V) tensor.
    prompt_ids: a non-empty list of token ids (ints). max_new_tokens: how many ids to add (>= 0).
    At each step, run the model on the whole sequence, take the logits of the LAST position (the
    prediction of the next token), append their argmax (the lowest id when several tie, as
    torch.argmax does), and repeat. No end-of-text stop: exactly max_new_tokens ids are added, and
    len(prompt_ids) + max_new_tokens must not exceed the model's context length. Without a KV cache
    each step processes the whole sequence again (lesson 07 removed that cost).
    Returns a list of Python ints: the prompt followed by the new ids, as Hugging Face's
    model.generate(ids, do_sample=False, max_new_tokens=n, attention_mask=ones, eos_token_id=None)
    gives them.

    Example: for a model whose logits at each position are row ids[t] of [[0, 1, 2], [2, 0, 1],
    [1, 2, 0]] (it looks at the last token only), generate_greedy(model, [2, 0], 3) returns
    [2, 0, 2, 1, 0]: after 0 comes 2 (row 0), after 2 comes 1, after 1 comes 0.
    """
    ### BEGIN SOLUTION
    ids = [int(token) for token in prompt_ids]
    with torch.no_grad():  # decoding needs no gradients: PyTorch skips their bookkeeping
        for _ in range(max_new_tokens):
            logits = model(torch.tensor([ids], dtype=torch.long))
            ids.append(int(logits[0, -1].argmax()))
    return ids
    ### END SOLUTION


def train_tiny_gpt(text, steps, seed):
    """Train a TinyGPT on the characters of `text`, from scratch, on the CPU; returns (model, losses).

    text: a str of more than CONTEXT characters. steps: how many optimiser steps. seed: an int.
    - The tokenizer is the characters: the vocabulary is sorted(set(text)) and a character's id is
      its index there (so the ids of "abca" are [0, 1, 2, 0]).
    - First seed torch's random number generator with `seed` (torch.manual_seed), so that training
      is deterministic: the same arguments give the same losses, and another seed other ones.
    - The model: TinyGPT(char_config(V)) with V the vocabulary size (context length CONTEXT).
    - The optimiser: torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE).
    - Each step: draw BATCH_SIZE random start positions s (torch.randint, 0 <= s < len(text) - CONTEXT),
      take the inputs ids[s : s + CONTEXT] and the targets shifted by one, ids[s + 1 : s + CONTEXT + 1]
      (position t learns to predict the character after it), compute the mean cross-entropy of the
      logits (BATCH_SIZE, CONTEXT, V) against the targets over every position, then zero the
      gradients, backpropagate and take an optimiser step.
    - losses: a list of `steps` Python floats, the loss of each step's batch (before its update).
    Returns (model, losses): the trained TinyGPT itself and the losses.
    The grader trains on the first stanza of twinkle.txt (113 characters) with steps=150: the loss of
    your returned model at predicting each character from the CONTEXT characters before it must be
    below 1.0 (an untrained model is at ln V, about 3.4), as must the mean of the last 10 losses, and
    the whole call must finish within the grader's limit of 30 s (the reference takes about a second).

    Example: model, losses = train_tiny_gpt("abcabcabc" * 4, 50, seed=0) gives 50 losses starting near
    ln 3 = 1.1 and ending near 0: the model learns that b follows a, c follows b and a follows c.
    """
    ### BEGIN SOLUTION
    torch.manual_seed(seed)
    vocabulary = sorted(set(text))
    data = torch.tensor([vocabulary.index(character) for character in text], dtype=torch.long)
    model = TinyGPT(char_config(len(vocabulary)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)
    offsets = torch.arange(CONTEXT)
    losses = []
    for _ in range(steps):
        starts = torch.randint(0, len(data) - CONTEXT, (BATCH_SIZE, 1))
        inputs, targets = data[starts + offsets], data[starts + offsets + 1]
        logits = model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model, losses
    ### END SOLUTION


def memory_footprint(n_params, dtype):
    """The memory, in bytes, that n_params weights take when each is stored as `dtype`.

    n_params: a non-negative int. dtype: one of
        "fp32"  4 bytes per parameter (32-bit float, how models train)
        "fp16"  2 bytes (16-bit float)
        "bf16"  2 bytes (bfloat16: 16 bits with fp32's range)
        "int8"  1 byte (8-bit quantization)
        "int4"  half a byte: two parameters share a byte, so an odd count needs one more, half-used
                byte (rounded up)
    Any other dtype raises ValueError. Returns an int (bytes; divide by 1e9 for GB). Weights only:
    no activations, no KV cache, no optimiser state.

    Example: memory_footprint(8_030_261_248, "bf16") -> 16_060_522_496 (Llama 3 8B in about 16 GB),
    memory_footprint(3, "int4") -> 2.
    """
    ### BEGIN SOLUTION
    if dtype == "int4":
        return (n_params + 1) // 2
    bytes_per_parameter = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}
    if dtype not in bytes_per_parameter:
        raise ValueError(f"unknown dtype {dtype!r}: expected one of fp32, fp16, bf16, int8, int4")
    return n_params * bytes_per_parameter[dtype]
    ### END SOLUTION
