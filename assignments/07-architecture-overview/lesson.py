# %% [markdown]
# # Lesson 07 — Architectural overview: from hidden states to the next token
#
# A Transformer LLM produces its output **one token at a time**. Seen from far away it has three
# parts:
#
# 1. the **tokenizer** (lesson 06) turns the prompt into token ids. It holds the vocabulary, say
#    50,000 tokens;
# 2. the **stack of Transformer blocks**, the neural networks where most of the computation
#    happens. The model holds one **token embedding** per vocabulary entry (50,000 vectors, one row
#    of a matrix for each token of the tokenizer's vocabulary), looks up the prompt's tokens and
#    sends their vectors through the blocks;
# 3. the **language modeling head (LM head)**, which turns the final vector into a **score** for
#    every token of the vocabulary.
#
# ```
# prompt text
#    │  tokenizer                          text -> token ids (a vocabulary of ~50,000 tokens)
#    ▼
# token ids ──► token embeddings           one vector per token
#    │
#    ▼  Transformer block 1 ... block N     all positions in parallel, one track per token
#    │
#    ▼  LM head on the LAST track           a score for each of the 50,000 tokens      (exercise 1)
#    │
#    ▼  softmax                             token probabilities, adding up to 100%
#    │
#    ▼  decoding strategy                   greedy, temperature, top-k, top-p         (exercises 2-5)
#    │
# next token ──► appended to the input, and the model runs again                      (exercise 6)
# ```
#
# Lessons 08-11 open the blocks. This notebook builds everything after them: the LM head, the
# decoding strategies that pick the actual token, and the generation loop with its **KV cache**.
# (Top-k and inverse-CDF sampling go beyond the course's videos, which name greedy decoding,
# temperature and top-p.)

# %%
import numpy as np


def softmax(x, axis=-1):
    """Numerically stable softmax along `axis` (lesson 01); you may use it in your code."""
    exps = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return exps / np.sum(exps, axis=axis, keepdims=True)

# %% [markdown]
# ## Parallel tracks, and why only the last one reaches the LM head
#
# A Transformer processes all the tokens of its input **in parallel**. Picture one vertical
# **track** per token, running through every block: each block updates every track, and through
# self-attention (lessons 08-09) a track reads from the tracks of earlier tokens, never from later
# ones. The number of tracks a model can hold is its **context size**: a 16k model handles 16,000
# tokens at once.
#
# ```
#   "Dear"   "Sarah"    ","     "I"
#     │        │        │        │
#   ┌─┴────────┴────────┴────────┴─┐
#   │      Transformer block 1     │     every track is updated, in parallel;
#   └─┬────────┬────────┬────────┬─┘     a track reads earlier tracks only
#     │        │        │        │
#    ...      ...      ...      ...
#   ┌─┴────────┴────────┴────────┴─┐
#   │      Transformer block N     │
#   └─┬────────┬────────┬────────┬─┘
#     │        │        │        │
#   hidden   hidden   hidden   hidden ──► LM head ──► scores of the token after "I"
# ```
#
# What comes out of the last block is the **hidden states**: an array of shape $(T, d)$, one
# $d$-wide vector per track. Only the **last track** feeds the LM head: it belongs to the final
# token, the only one whose track has seen the whole prompt, and its job is to predict what comes
# next.
#
# The LM head is a matrix $W_{\text{unembed}}$ of shape $(d, V)$, one column per vocabulary entry.
# The score (**logit**) of token $v$ is the dot product of the last hidden state $h_T$ with column
# $v$:
#
# $$z = h_T \, W_{\text{unembed}} \in \mathbb{R}^{V}, \qquad z_v = h_T \cdot W_{\text{unembed}}[:, v].$$
#
# Many models (GPT-2 among them) *tie* the LM head to the token embeddings, $W_{\text{unembed}} =
# E^\top$: the score of token $v$ is then how much the final vector looks like $v$'s own embedding.
#
# **Exercise 1.** Implement the LM head. `hidden` may carry batch dimensions in front: $(B, T, d)$
# holds $B$ sequences and gives logits $(B, V)$. Index the positions axis, `hidden[..., -1, :]`:
# `hidden[-1]` would pick the last *sequence* of the batch instead.

# %% solution lm_head_logits

# %% tests lm_head_logits
hidden = np.array([[1.0, 0.0], [0.0, 2.0]])              # T = 2 positions, d = 2
W_unembed = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, -1.0]])  # d = 2, V = 3 tokens
logits = lm_head_logits(hidden, W_unembed)
assert isinstance(logits, np.ndarray) and logits.shape == (3,), (
    f"expected a NumPy array of shape (3,), one score per token, got {logits!r}")
assert np.allclose(logits, [0.0, 2.0, -2.0]), (
    f"the last position [0, 2] times W_unembed is [0, 2, -2], got {logits}")
batch = np.stack([hidden, 2 * hidden, hidden[::-1]])      # 3 sequences: shape (3, 2, 2)
batch_logits = lm_head_logits(batch, W_unembed)
assert batch_logits.shape == (3, 3), (
    f"hidden of shape (3, 2, 2) (3 sequences) gives logits of shape (3, 3), got {batch_logits.shape}")
assert np.allclose(batch_logits, [[0.0, 2.0, -2.0], [0.0, 4.0, -4.0], [1.0, 2.0, 3.0]]), (
    f"each sequence is scored from its own last position, expected [[0, 2, -2], [0, 4, -4], [1, 2, 3]], "
    f"got {batch_logits}")
print("lm_head_logits: sanity checks passed")

# %% [markdown]
# ## From scores to token probabilities, and the decoding strategy
#
# The LM head's scores are any real numbers. A softmax turns them into **token probabilities**,
# one for every token of the vocabulary, all adding up to 100%:
#
# $$P(v) = \frac{e^{z_v}}{\sum_{u=1}^{V} e^{z_u}}.$$
#
# Asked to "write an email apologizing to Sarah for the tragic gardening mishap", a model put
# "Dear" at the top of its table for the first token, at 40%. The cell below holds such a table for
# eight candidate tokens (the other 49,992 tokens of the vocabulary are left out).
#
# A **decoding strategy** then picks the actual token. **Greedy decoding** always takes the top
# one ("Dear"): the same prompt always gives the same answer, and the text tends to be flat and
# repetitive. Sampling draws a token at random, in proportion to its probability, so that now and
# then a lower-ranked token is picked. That makes the text sound more natural, and it is why the
# same prompt can give different answers. Temperature, top-k and top-p shape the distribution
# before the draw.

# %%
# The first token of the email: scores an LM head could give, "Dear" at 40% on top.
EMAIL_TOKENS = ["Dear", "Hi", "Hello", "Sarah", "I", "Subject", "Sorry", "To"]
email_logits = np.log([0.40, 0.20, 0.12, 0.10, 0.08, 0.05, 0.03, 0.02]) + 3.0
for token, probability in zip(EMAIL_TOKENS, softmax(email_logits)):
    print(f"{token:>8}: {probability:4.0%}")

# %% [markdown]
# ## Temperature
#
# Dividing every score by a **temperature** $T > 0$ before the softmax,
#
# $$P_T(v) = \frac{e^{z_v / T}}{\sum_u e^{z_u / T}},$$
#
# sharpens the distribution when $T < 1$ (the top tokens take even more of the probability) and
# flattens it when $T > 1$ (towards all tokens equally likely). Dividing by $T$ never changes the
# ranking, only how far apart the probabilities are. As $T$ goes to 0 all the probability goes to
# the top token: that is greedy decoding, which is what **temperature 0** means. Literally
# dividing by 0 is undefined, so libraries treat temperature 0 as a switch to greedy decoding
# (an argmax); here a temperature $\le 0$ raises a `ValueError`, and the caller takes the argmax
# instead.
#
# **Exercise 2.** Apply a temperature. Return a new array: the caller may still need the original
# logits, so `logits /= temperature`, which divides the caller's array in place, is not allowed.

# %% solution apply_temperature

# %% tests apply_temperature
logits = np.array([2.0, 1.0, -1.0])
assert np.allclose(apply_temperature(logits, 2.0), [1.0, 0.5, -0.5]), (
    f"[2, 1, -1] / 2 is [1, 0.5, -0.5], got {apply_temperature(logits, 2.0)}")
assert np.allclose(apply_temperature(logits, 0.5), [4.0, 2.0, -2.0]), (
    f"[2, 1, -1] / 0.5 is [4, 2, -2], got {apply_temperature(logits, 0.5)}")
assert np.array_equal(logits, [2.0, 1.0, -1.0]), (
    f"apply_temperature must not modify the logits passed in: they became {logits}")
for temperature in (0, 0.0, -1.0):
    try:
        apply_temperature(logits, temperature)
    except ValueError:
        continue
    raise AssertionError(f"apply_temperature(logits, {temperature}) should raise ValueError")
print("apply_temperature: sanity checks passed")

# %% [markdown]
# The email's first token at three temperatures: at $T = 0.5$ "Dear" takes most of the
# probability, at $T = 2$ the rare openings get a real chance. Greedy decoding picks "Dear" at
# every temperature.

# %% figure
import matplotlib.pyplot as plt

token_positions = np.arange(len(EMAIL_TOKENS))
fig, ax = plt.subplots(figsize=(9, 3.8))
for offset, temperature in zip((-0.27, 0.0, 0.27), (0.5, 1.0, 2.0)):
    ax.bar(token_positions + offset, softmax(apply_temperature(email_logits, temperature)), width=0.27,
           label=f"T = {temperature}")
ax.set_xticks(token_positions, EMAIL_TOKENS)
ax.set_xlabel("candidate first token of the email")
ax.set_ylabel("token probability")
ax.set_title("One next-token distribution at three temperatures")
ax.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Cutting off the tail: top-k and top-p
#
# With 50,000 tokens, the many unlikely ones together still hold real probability: sample long
# enough and one of them comes out and derails the text. Two filters remove the tail before the
# draw, by setting the removed tokens' scores to $-\infty$: $e^{-\infty} = 0$, so they get
# probability exactly 0, and the softmax shares the probability among the tokens that are left.
#
# - **Top-k** keeps the $k$ highest scores. When other tokens have exactly the same score as the
#   $k$-th, all of them are kept (there is no fair way to choose between them), so more than $k$
#   tokens may survive.
# - **Top-p** (nucleus sampling) keeps the smallest set of most probable tokens whose
#   probabilities add up to at least $p$. It adapts to the model: when the model is sure, a few
#   tokens make up $p$; when it hesitates, many do.
#
# Top-p in detail: sort the probabilities from the largest down and add them up. Say they are
# 0.47, 0.29, 0.11, 0.09, 0.04 and $p = 0.85$: the running total is 0.47, 0.76, then 0.87, which
# reaches 0.85. The token that crosses $p$ is kept: without it the kept tokens would hold only
# 0.76, less than $p$. So three tokens survive. At least one token always survives, even for
# $p = 0$, and $p = 1$ keeps every token.
#
# **Exercises 3 and 4.** Implement both filters on one next-token distribution (a 1-D array of
# scores). Keep every token at its place: a kept token keeps its score, a removed one gets
# `-np.inf` (not 0, which is a perfectly ordinary score). `np.sort`, `np.argsort` and `np.cumsum`
# help; `np.where(keep, logits, -np.inf)` builds the result without touching the input.

# %% solution top_k_filter

# %% tests top_k_filter
logits = np.array([1.0, 3.0, -1.0, 2.0, 0.5])
kept = top_k_filter(logits, 2)
assert isinstance(kept, np.ndarray) and kept.shape == (5,), f"expected an array of shape (5,), got {kept!r}"
assert np.array_equal(kept, [-np.inf, 3.0, -np.inf, 2.0, -np.inf]), (
    f"k = 2 keeps the scores 3 and 2 in place and sets the others to -inf, got {kept}")
assert np.array_equal(logits, [1.0, 3.0, -1.0, 2.0, 0.5]), f"the logits passed in must not change: {logits}"
tied = top_k_filter(np.array([2.0, 1.0, 2.0, 3.0, 1.0]), 2)
assert np.array_equal(tied, [2.0, -np.inf, 2.0, 3.0, -np.inf]), (
    f"the 2nd largest score, 2, is shared by two tokens: both are kept, got {tied}")
assert np.array_equal(top_k_filter(logits, 9), logits), "k >= V keeps every token"
try:
    top_k_filter(logits, 0)
    raise AssertionError("top_k_filter(logits, 0) should raise ValueError")
except ValueError:
    pass
print("top_k_filter: sanity checks passed")

# %% solution top_p_filter

# %% tests top_p_filter
logits = np.log([0.1, 0.6, 0.3])                     # probabilities 0.1, 0.6, 0.3
kept = top_p_filter(logits, 0.8)
assert isinstance(kept, np.ndarray) and kept.shape == (3,), f"expected an array of shape (3,), got {kept!r}"
assert np.allclose(kept, [-np.inf, np.log(0.6), np.log(0.3)]), (
    f"p = 0.8: 0.6, then 0.3 (total 0.9 crosses 0.8, kept); 0.1 is dropped. Got {kept}")
assert np.allclose(top_p_filter(logits, 0.5), [-np.inf, np.log(0.6), -np.inf]), (
    "p = 0.5: the most probable token alone (0.6) already reaches 0.5")
assert np.allclose(top_p_filter(logits, 0.0), [-np.inf, np.log(0.6), -np.inf]), (
    "even p = 0 keeps the most probable token")
assert np.allclose(top_p_filter(logits, 1.0), logits), "p = 1 keeps every token"
assert np.allclose(logits, np.log([0.1, 0.6, 0.3])), f"the logits passed in must not change: {logits}"
email_kept = top_p_filter(email_logits, 0.8)
assert np.isfinite(email_kept).sum() == 4, (
    f"the email: 0.40 + 0.20 + 0.12 + 0.10 = 0.82 reaches 0.8 with 4 tokens, got {email_kept}")
print("top_p_filter: sanity checks passed")

# %% [markdown]
# What each filter keeps of the email's distribution: top-k keeps a fixed number of tokens, top-p
# as many as it takes for the running total (the line) to reach $p$.

# %% figure
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
probabilities = softmax(email_logits)
for ax, kept, title in [(axes[0], top_k_filter(email_logits, 3), "top-k, k = 3"),
                        (axes[1], top_p_filter(email_logits, 0.8), "top-p, p = 0.8")]:
    colors = np.where(np.isfinite(kept), "C0", "lightgrey")
    ax.bar(token_positions, probabilities, color=colors)
    ax.set_xticks(token_positions, EMAIL_TOKENS, rotation=30)
    ax.set_xlabel("token (blue: kept, grey: set to -inf)")
    ax.set_title(f"{title}: {np.isfinite(kept).sum()} tokens kept")
axes[1].plot(token_positions, np.cumsum(probabilities), "o-", color="C3", label="running total")
axes[1].axhline(0.8, color="C3", linestyle="--", label="p = 0.8")
axes[1].legend()
axes[0].set_ylabel("token probability")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Drawing the token: inverse-CDF sampling
#
# Randomness comes in from outside as a uniform draw $u \in [0, 1)$ (in practice
# `rng.random()`), which keeps the function deterministic and testable. Lay the probabilities end
# to end on $[0, 1)$, in id order: token $i$ gets a segment as long as its probability, ending at
# the cumulative probability $c_i = p_0 + p_1 + \dots + p_i$. The token drawn is the one whose
# segment $u$ falls in, that is the **smallest $i$ with $c_i > u$**:
#
# ```
#   u = 0.62:     0          0.25        0.5         0.75          1
#                 |--token 0--|--token 1--|--token 2--|--token 3---|
#                                                ^ u -> token 2
# ```
#
# A segment's length is the token's probability, so a uniform $u$ lands in it with exactly that
# probability. A token at $-\infty$ has a segment of length 0 and must never be drawn: its $c_i$
# equals the one before it, which is why the comparison is strictly greater ($c_i > u$), even for
# $u = 0$.
#
# **Exercise 5.** Implement the draw. Return the id as an `int`. (`np.searchsorted` with
# `side="right"` finds the first cumulative probability greater than $u$; a loop works as well.)

# %% solution sample_token

# %% tests sample_token
equal = np.zeros(4)                                   # probabilities 0.25 each
for u, expected in [(0.0, 0), (0.1, 0), (0.25, 1), (0.5, 2), (0.62, 2), (0.99, 3)]:
    token = sample_token(equal, u)
    assert isinstance(token, (int, np.integer)), f"sample_token should return an int, got {token!r}"
    assert token == expected, f"cumulative probabilities [0.25, 0.5, 0.75, 1]: u = {u} draws {expected}, got {token}"
filtered = np.array([-np.inf, 0.0, 0.0, -np.inf, 0.0, 0.0])   # cumulative [0, .25, .5, .5, .75, 1]
for u, expected in [(0.0, 1), (0.5, 4)]:
    token = sample_token(filtered, u)
    assert token == expected, (
        f"logits {filtered}: u = {u} draws token {expected}, never a token at -inf; got {token}")
print("sample_token: sanity checks passed")

# %% [markdown]
# The whole decoding strategy at work: temperature 0.8, then top-p with $p = 0.9$, then 20,000
# draws. Each token comes out as often as its probability says, the filtered tail never.

# %% figure
rng = np.random.default_rng(0)
filtered_email = top_p_filter(apply_temperature(email_logits, 0.8), 0.9)
draws = [sample_token(filtered_email, rng.random()) for _ in range(20_000)]
fig, ax = plt.subplots(figsize=(9, 3.8))
ax.bar(token_positions - 0.2, softmax(filtered_email), width=0.4, label="probability after T = 0.8, top-p 0.9")
ax.bar(token_positions + 0.2, np.bincount(draws, minlength=len(EMAIL_TOKENS)) / len(draws), width=0.4,
       label="share of 20,000 draws")
ax.set_xticks(token_positions, EMAIL_TOKENS)
ax.set_xlabel("token")
ax.set_ylabel("probability / share of draws")
ax.set_title("Inverse-CDF sampling draws each token as often as its probability")
ax.legend()
plt.tight_layout()
plt.show()
print("ten first tokens drawn:", ", ".join(EMAIL_TOKENS[token] for token in draws[:10]))

# %% [markdown]
# ## The generation loop and the KV cache
#
# Generation is a **loop**: run the model, pick a token, append it to the input, run again.
# Lesson 01's loop ran the model on the whole sequence at every step, so step $t$ processes
# $\text{len(prompt)} + t$ positions, and the total grows with the square of the text's length.
#
# Most of that work is repeated. When a token is appended, the tracks of the earlier tokens do not
# change: a track only reads the tracks before it, and those are the same as in the last step. So
# what the blocks computed for them, in particular the **keys and values** that later tokens'
# attention reads (lesson 09), can be stored: the **KV cache**. Each new step then computes one
# track only, the new token's, which reads the cached keys and values of all the others.
#
# The first call is different: it processes the whole prompt at once (all its tracks in parallel)
# and produces the first token. That wait is the **time to first token**, the pause before a
# chatbot starts to answer; every later token is a cheaper step of one track. (Engineers call the
# two phases *prefill* and *decode*.)
#
# The models here have this interface:
#
# - `model(new_ids, cache)` processes the ids `new_ids` after the positions already in `cache`
#   (`None` on the first call: nothing is cached yet), and returns `(logits, cache)`;
# - `logits` has shape `(len(new_ids), V)`: one row per new position, the last row scoring the
#   token that comes next;
# - every call returns a **new** cache, which holds every position processed so far: pass the one
#   the latest call returned to the next call. An older cache no longer describes the sequence.
#
# `TinyDecoder` below is such a model: one attention block with random weights. Its text is
# gibberish, but its computation is that of a real decoder, and its cache holds exactly what a real
# KV cache holds: one key and one value per position. `generate_uncached` is lesson 01's loop,
# written against the same interface, for comparison.

# %%
class TinyDecoder:
    """A one-block decoder with random weights, called as model(new_ids, cache) -> (logits, cache).

    new_ids: list of token ids that come after the positions in `cache` (None: nothing processed yet).
    Returns logits (len(new_ids), vocab_size), one row per new position, and a new cache: a dict with
    the keys and values (each (positions so far, d)) of every position processed. `calls` records
    (positions already cached, positions fed) for every call.
    """

    def __init__(self, vocab_size=16, d=8, context_size=32, seed=7):
        rng = np.random.default_rng(seed)
        self.token_embeddings = rng.standard_normal((vocab_size, d))
        self.position_embeddings = rng.standard_normal((context_size, d))  # one per track
        self.W_q, self.W_k, self.W_v = rng.standard_normal((3, d, d)) / np.sqrt(d)
        self.W_unembed = rng.standard_normal((d, vocab_size))  # the LM head
        self.calls = []

    @property
    def positions_processed(self):
        return sum(fed for _, fed in self.calls)

    def __call__(self, new_ids, cache=None):
        if np.ndim(new_ids) != 1 or len(new_ids) == 0:
            raise TypeError(f"new_ids must be a non-empty list of token ids, e.g. [new_id], got {new_ids!r}")
        cached = 0 if cache is None else len(cache["keys"])
        if cached + len(new_ids) > len(self.position_embeddings):
            raise ValueError(f"{cached + len(new_ids)} positions do not fit in the context size, "
                             f"{len(self.position_embeddings)} tracks")
        tracks = np.arange(cached, cached + len(new_ids))  # the positions of the new tokens
        x = self.token_embeddings[new_ids] + self.position_embeddings[tracks]
        keys, values = x @ self.W_k, x @ self.W_v
        if cache is not None:  # the earlier tracks are read from the cache, not computed again
            keys = np.concatenate([cache["keys"], keys])
            values = np.concatenate([cache["values"], values])
        scores = (x @ self.W_q) @ keys.T / np.sqrt(x.shape[-1])
        sees = np.arange(len(keys)) <= tracks[:, None]  # a track reads itself and the tracks before it
        hidden = x + softmax(np.where(sees, scores, -np.inf)) @ values
        self.calls.append((cached, len(new_ids)))
        return hidden @ self.W_unembed, {"keys": keys, "values": values}


def generate_uncached(model, prompt_ids, max_new_tokens):
    """Lesson 01's greedy loop: the whole sequence so far, with no cache, at every step."""
    sequence = list(prompt_ids)
    for _ in range(max_new_tokens):
        all_logits, _ = model(sequence, None)
        sequence.append(int(np.argmax(all_logits[-1])))
    return sequence

# %% [markdown]
# **Exercise 6.** Write greedy decoding with the cache: one call with the whole prompt, then one
# call per new token with that token alone and the latest cache. Count the positions: the prompt's
# $P$ once, then one for each new token except the last, which is returned but never fed (no token
# is asked for after it), so $P + N - 1$ positions for $N$ new tokens, where the loop without a
# cache processes $P + (P + 1) + \dots + (P + N - 1)$.

# %% solution generate_cached

# %% tests generate_cached
model = TinyDecoder()
prompt = [3, 1, 4, 1]
ids = generate_cached(model, prompt, 6)
assert isinstance(ids, list) and all(isinstance(i, (int, np.integer)) for i in ids), (
    f"generate_cached should return a list of ints, got {ids!r}")
expected = generate_uncached(TinyDecoder(), prompt, 6)
assert ids == expected, f"the same ids as decoding without a cache, {expected}, were expected; got {ids}"
assert model.calls[0] == (0, 4), f"the first call feeds the 4 prompt ids with no cache, got calls {model.calls}"
assert model.positions_processed == 4 + 6 - 1, (
    f"with the cache the model processes len(prompt) + max_new_tokens - 1 = 9 positions, it processed "
    f"{model.positions_processed}: calls (positions cached, positions fed) {model.calls}")
one_token = TinyDecoder()
assert generate_cached(one_token, [5], 1) == generate_uncached(TinyDecoder(), [5], 1), (
    "max_new_tokens = 1: the first call's last row gives the only new token")
assert one_token.calls == [(0, 1)], f"one new token needs a single call, got {one_token.calls}"
print("generate_cached: sanity checks passed")

# %% [markdown]
# Below, each row is one call of the model and each column one track (position): red tracks are
# computed in that call, grey ones are read from the cache. Without the cache every call recomputes
# every track; with it, the first call (the time to first token) computes the prompt's tracks and
# every later call a single red one. On the right, the positions processed as the text grows.

# %% figure
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

prompt, new_tokens = [3, 1, 4, 1], 6
runs = {"without a cache": TinyDecoder(), "with the KV cache": TinyDecoder()}
generate_uncached(runs["without a cache"], prompt, new_tokens)
generate_cached(runs["with the KV cache"], prompt, new_tokens)
fig, axes = plt.subplots(1, 3, figsize=(14, 3.8), gridspec_kw={"width_ratios": [1, 1, 1.2]})
for ax, (name, model) in zip(axes, runs.items()):
    grid = np.zeros((len(model.calls), len(prompt) + new_tokens - 1))
    for call, (cached, fed) in enumerate(model.calls):
        grid[call, :cached] = 1
        grid[call, cached:cached + fed] = 2
    ax.imshow(grid, cmap=ListedColormap(["white", "lightgrey", "red"]), vmin=0, vmax=2)
    ax.set_xticks(np.arange(grid.shape[1] + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(grid.shape[0] + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    ax.set_xticks(range(grid.shape[1]))
    ax.set_yticks(range(len(model.calls)), ["call 1 (first token)"] + [f"call {call + 1}"
                                                                      for call in range(1, len(model.calls))])
    ax.set_xlabel("track (position in the sequence)")
    ax.set_title(f"{name}: {model.positions_processed} positions computed")
axes[1].legend(handles=[Patch(color="red", label="computed"), Patch(color="lightgrey", label="read from the cache")],
               loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
long_run = {"without a cache": TinyDecoder(), "with the KV cache": TinyDecoder()}
generate_uncached(long_run["without a cache"], prompt, 24)
generate_cached(long_run["with the KV cache"], prompt, 24)
for name, model in long_run.items():
    axes[2].plot(range(1, 25), np.cumsum([fed for _, fed in model.calls]), "o-", markersize=3, label=name)
axes[2].set_xlabel("new tokens generated")
axes[2].set_ylabel("positions computed so far")
axes[2].set_title("The cost of generating, prompt of 4 tokens")
axes[2].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Summary
#
# - A Transformer LLM is a tokenizer, a stack of Transformer blocks and an LM head; it runs all the
#   positions in parallel tracks, up to its context size.
# - The LM head scores every token of the vocabulary from the last track alone; a softmax turns
#   the scores into token probabilities.
# - A decoding strategy picks the token: greedy decoding (temperature 0) takes the top one;
#   temperature reshapes the distribution, top-k and top-p cut off its tail, and a uniform draw
#   picks a token in proportion to what is left.
# - Generation is a loop. The KV cache keeps the keys and values of the tracks already computed,
#   so after the time to first token each new token costs one track.
#
# Lesson 08 opens the box in the middle: the Transformer block.
