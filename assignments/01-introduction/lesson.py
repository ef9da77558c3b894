# %% [markdown]
# # Lesson 01 — Language models as next-token predictors
#
# A **language model** is a function that reads the text so far and returns, for every token it
# knows, how likely that token is to come next. That is all. A chatbot's answer is this one
# prediction repeated: predict a next token, append it, predict again.
#
# In this notebook you build every piece of that loop in NumPy, on a model small enough to read:
#
# 1. `softmax`: turn the model's raw scores into probabilities;
# 2. `cross_entropy`: measure how surprised a model is by real text;
# 3. `perplexity`: the same measure, as a number of equally likely choices;
# 4. `bigram_probabilities`: the simplest language model there is, made by counting;
# 5. `generate`: the autoregressive loop that turns a next-token predictor into a text generator.
#
# **How to work.** Each exercise is a function with a docstring that pins down its inputs,
# outputs and conventions. Replace `raise NotImplementedError()` with your code, then run the
# tests cell below it: those visible tests are quick sanity checks. Your grade comes from hidden
# tests that try many more inputs (`llmcourse check 01-introduction.ipynb`); they check exactly
# what the docstrings say. Use NumPy only.

# %%
import numpy as np

# %% [markdown]
# ## 1. Text becomes token ids
#
# A model does not see letters or words: it sees **tokens**, pieces of text from a fixed
# **vocabulary**, each with an integer **id**. Real models use tens of thousands of sub-word
# tokens (lesson 06 builds a tokenizer). Here a token is simply a word, and the vocabulary is the
# sorted set of words in a tiny corpus. The full stop `.` ends every sentence: it will serve as
# the **end-of-sequence** (EOS) token that tells generation to stop.

# %%
corpus = ("the cat sat on the mat . the dog sat on the rug . the cat saw the dog . "
          "the dog saw a bird . a bird sat on the cat .")
vocabulary = sorted(set(corpus.split()))
token_to_id = {token: i for i, token in enumerate(vocabulary)}
EOS_ID = token_to_id["."]


def encode(text):
    """Text (words separated by spaces) -> list of token ids."""
    return [token_to_id[word] for word in text.split()]


def decode(ids):
    """List of token ids -> text."""
    return " ".join(vocabulary[i] for i in ids)


corpus_ids = encode(corpus)
print(f"vocabulary ({len(vocabulary)} tokens): {vocabulary}")
print("first ids:", corpus_ids[:8], "=", repr(decode(corpus_ids[:8])))

# %% [markdown]
# ## 2. From scores to probabilities: softmax
#
# Given the tokens so far, a model outputs one real number per vocabulary entry, the **logits**:
# higher means "more likely next". They can be any size or sign. **Softmax** turns a vector of
# logits $x$ into a probability distribution:
#
# $$\mathrm{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}$$
#
# Every entry is positive, they sum to 1, and the order of the logits is kept.
#
# **Why subtract the maximum.** In float64, `np.exp(710)` is already `inf`, and `inf / inf` is
# `nan`. But subtracting the same constant $c$ from every logit changes nothing, because
# $e^{x_i - c} = e^{x_i} e^{-c}$ and the factor $e^{-c}$ cancels between numerator and
# denominator. Choose $c = \max_j x_j$: the largest exponent becomes $e^0 = 1$, nothing can
# overflow, and the denominator is at least 1, so it is never 0. Logits far below the maximum may
# underflow to probability 0, which is the correct answer to 16 digits anyway.
#
# Models work on many distributions at once (one per position, per sequence in a batch), so
# `softmax` takes an `axis`: the distribution runs along that axis, and every other index picks a
# separate distribution. `np.max(..., axis=axis, keepdims=True)` keeps the dimension so that the
# result broadcasts back against `x`.

# %% solution softmax

# %% tests softmax
p = softmax(np.array([1.0, 2.0, 3.0]))
assert p.shape == (3,)
assert np.allclose(p, [0.09003057, 0.24472847, 0.66524096]), p
assert np.allclose(softmax(np.array([1000.0, 1000.0])), [0.5, 0.5]), "subtract the maximum first"
scores = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 5.0]])
assert np.allclose(softmax(scores, axis=0).sum(axis=0), 1.0), "normalise along `axis` only"
assert np.allclose(scores, [[1.0, 2.0, 3.0], [1.0, 2.0, 5.0]]), "softmax must not change its input"
print("softmax: sanity checks passed")

# %% [markdown]
# Here is what a model's output might look like after "the cat sat on the": a logit per token,
# and the distribution softmax makes of them. Notice how a gap of 2 between two logits becomes a
# factor $e^2 \approx 7.4$ between their probabilities.

# %% figure
import matplotlib.pyplot as plt

example_logits = np.array([0.5, -1.0, -0.5, 1.0, 1.5, 3.0, -2.0, 2.0, -1.5, -1.0, -3.0])
figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.2))
left.bar(vocabulary, example_logits, color="tab:gray")
left.axhline(0, color="black", linewidth=0.8)
left.set_title('logits after "the cat sat on the"')
right.bar(vocabulary, softmax(example_logits), color="tab:blue")
right.set_title("softmax(logits): next-token probabilities")
for axes in (left, right):
    axes.tick_params(axis="x", rotation=45)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 3. How surprised is the model? Cross-entropy
#
# To judge a model, show it real text and look at the probability $p$ it gave to the token that
# actually came next. Its **surprise** is $-\log p$: 0 if it was certain and right, large if it
# thought the real token unlikely, infinite if it said "impossible". Averaged over the $T$
# positions of a text, this is the **cross-entropy**, the loss every large language model is
# trained to minimise:
#
# $$\mathrm{CE} = -\frac{1}{T}\sum_{t=1}^{T} \log \mathrm{softmax}(z_t)[y_t]$$
#
# where $z_t$ is the row of logits at position $t$ (shape `(T, V)` for all positions) and $y_t$
# the id of the token that came next.
#
# **Log-sum-exp.** Do not compute `np.log(softmax(z))`: for $z = [0, -1000]$ softmax gives
# $[1, 0]$ (the second probability underflows), $\log 0 = -\infty$, yet the true answer,
# $-1000 - \log(1 + e^{-1000})$, is perfectly finite. Work in logs instead:
#
# $$\log \mathrm{softmax}(z)_i = z_i - \log\sum_j e^{z_j} = z_i - \Big(m + \log\sum_j e^{z_j - m}\Big),
# \quad m = \max_j z_j$$
#
# The same max-shift as softmax makes the sum safe, and no probability is ever rounded to 0 before
# taking its log. To pick the target entry of every row at once, index with two arrays:
# `z[np.arange(T), targets]`.

# %% solution cross_entropy

# %% tests cross_entropy
ce = cross_entropy(np.array([[2.0, 1.0, 0.1]]), np.array([0]))
assert isinstance(ce, float), f"return a Python float, got {type(ce)}"
assert np.isclose(ce, 0.4170300), ce  # -log(0.6590011), the probability of token 0
assert np.isclose(cross_entropy(np.zeros((2, 4)), np.array([1, 3])), np.log(4)), "uniform over 4 tokens: log 4"
assert np.isclose(cross_entropy(np.array([[0.0, -1000.0]]), np.array([1])), 1000.0), "use log-sum-exp"
print("cross_entropy: sanity checks passed")

# %% [markdown]
# ## 4. Perplexity
#
# Cross-entropy is measured in nats, which are hard to picture. **Perplexity** is its
# exponential, $e^{\mathrm{CE}}$, and reads as a number of choices: a model that spreads its
# probability uniformly over $k$ tokens has cross-entropy $\log k$ and perplexity exactly $k$.
# A perplexity of 20 means the model is, on average, as unsure as if it were picking among 20
# equally likely tokens. A model that knows nothing (uniform over the whole vocabulary) scores
# $V$; a perfect model scores 1.

# %% solution perplexity

# %% tests perplexity
assert np.isclose(perplexity(np.zeros((3, 4)), np.array([0, 1, 2])), 4.0), "uniform over 4 tokens: 4"
confident = np.array([[10.0, 0.0, 0.0], [0.0, 10.0, 0.0]])
assert 1.0 <= perplexity(confident, np.array([0, 1])) < 1.001, "confident and right: close to 1"
assert isinstance(perplexity(confident, np.array([0, 1])), float)
print("perplexity: sanity checks passed")

# %% [markdown]
# ## 5. The simplest language model: counting bigrams
#
# A **bigram model** predicts the next token from the current token only. To estimate
# $P(\text{next} = b \mid \text{current} = a)$, count how often $b$ directly follows $a$ in a
# corpus and divide by how often $a$ is followed by anything. Collect these in a $V \times V$
# matrix: row $a$ is the next-token distribution after $a$, so **every row sums to 1**.
#
# Counting has a weakness: a pair never seen gets probability 0, and a single unseen pair in new
# text makes the cross-entropy infinite. **Add-alpha smoothing** pretends every pair was seen
# $\alpha$ extra times:
#
# $$P[a, b] = \frac{\mathrm{count}(a, b) + \alpha}{\mathrm{count}(a, \cdot) + \alpha V}$$
#
# ($\alpha = 1$ is Laplace's rule.) One corner case remains: a token that is never followed by
# anything (it only appears at the very end, or not at all) has an empty row when $\alpha = 0$.
# With no evidence, the honest answer is the uniform row $1/V$.
#
# `np.add.at(counts, (rows, cols), 1)` adds 1 for every pair, including repeated pairs (plain
# `counts[rows, cols] += 1` counts a repeated pair only once).

# %% solution bigram_probabilities

# %% tests bigram_probabilities
P = bigram_probabilities([0, 1, 0, 1, 2], 3)
assert P.shape == (3, 3)
assert np.allclose(P, [[0, 1, 0], [0.5, 0, 0.5], [1 / 3, 1 / 3, 1 / 3]]), P  # token 2 is never followed
assert np.allclose(bigram_probabilities([0, 1, 0, 1, 2], 3, alpha=1.0)[0], [0.2, 0.6, 0.2])  # (0+1, 2+1, 0+1) / (2+3)
assert np.allclose(bigram_probabilities(corpus_ids, len(vocabulary)).sum(axis=1), 1.0), "rows sum to 1"
print("bigram_probabilities: sanity checks passed")

# %% [markdown]
# The bigram matrix of our corpus: row = current token, column = next token. After "the" come
# the nouns; after a noun, a verb or the end of the sentence.

# %% figure
bigram = bigram_probabilities(corpus_ids, len(vocabulary))
figure, axes = plt.subplots(figsize=(6.5, 5.5))
image = axes.imshow(bigram, cmap="Blues", vmin=0, vmax=1)
axes.set_xticks(range(len(vocabulary)), vocabulary, rotation=45)
axes.set_yticks(range(len(vocabulary)), vocabulary)
axes.set_xlabel("next token")
axes.set_ylabel("current token")
axes.set_title("bigram P(next | current)")
figure.colorbar(image)
plt.show()

# %% [markdown]
# A bigram model is a next-token predictor like any other: its logits for the next token are
# the log-probabilities of the current token's row. So cross-entropy and perplexity can judge it.
# Below, the model is fitted on the corpus and scored on the corpus itself and on a held-out
# sentence containing pairs it never saw. With $\alpha = 0$ the training text looks great and the
# new sentence is "impossible" (infinite perplexity); with a tiny $\alpha$ the model still does
# worse on it than a uniform guess. Some smoothing trades a little of the first curve for a lot of
# the second; too much flattens the model towards uniform, perplexity $V = 11$.

# %% figure
held_out_ids = encode("a dog sat on the mat . the bird saw the cat .")
alphas = np.logspace(-3, 1.5, 40)
texts = {"corpus (training text)": corpus_ids, "held-out sentence": held_out_ids}
figure, axes = plt.subplots(figsize=(7, 3.5))
for label, ids in texts.items():
    curve = []
    for alpha in alphas:
        log_probs = np.log(bigram_probabilities(corpus_ids, len(vocabulary), alpha))
        curve.append(perplexity(log_probs[ids[:-1]], np.array(ids[1:])))
    axes.plot(alphas, curve, label=label)
with np.errstate(divide="ignore"):
    unsmoothed = np.log(bigram_probabilities(corpus_ids, len(vocabulary)))
    print("alpha = 0, held-out perplexity:", perplexity(unsmoothed[held_out_ids[:-1]], np.array(held_out_ids[1:])))
axes.axhline(len(vocabulary), color="gray", linestyle=":", label="uniform model (V)")
axes.set_xscale("log")
axes.set_xlabel("alpha")
axes.set_ylabel("perplexity")
axes.legend()
plt.show()

# %% [markdown]
# ## 6. Generating text: the autoregressive loop
#
# A next-token predictor becomes a text generator by feeding its own output back in:
#
# 1. give the model the whole sequence so far and get the next token's logits;
# 2. choose a token (here **greedily**: the argmax, the lowest id on a tie, which is what
#    `np.argmax` returns);
# 3. append it and repeat, until the model produces the end-of-sequence token (keep it in the
#    output) or `max_new_tokens` tokens have been added.
#
# This is **autoregressive** generation, and every GPT-style model generates this way. Pass the
# whole sequence every step, even though the bigram model only looks at the last token: a
# Transformer looks at all of it. Here `next_token_logits` is any Python function, so `generate`
# works unchanged with a bigram table today and with a real network later in the course.

# %% solution generate

# %% tests generate
def next_is_plus_one(ids):
    """A toy model: the next token is always (last id + 1) % 5."""
    logits = np.zeros(5)
    logits[(ids[-1] + 1) % 5] = 1.0
    return logits


assert generate(next_is_plus_one, [0], 3) == [0, 1, 2, 3]
assert generate(next_is_plus_one, [3], 3, eos_id=4) == [3, 4], "stop right after EOS, and keep it"
assert generate(next_is_plus_one, [1, 2], 0) == [1, 2], "no new tokens: just the prompt"
assert generate(lambda ids: np.zeros(3), [2], 2) == [2, 0, 0], "ties go to the lowest id"
seen = []


def recording_model(ids):
    seen.append(list(ids))
    return next_is_plus_one(ids)


generate(recording_model, [0], 3)
assert seen == [[0], [0, 1], [0, 1, 2]], f"call the model once per new token with the whole sequence so far, got {seen}"
print("generate: sanity checks passed")

# %% [markdown]
# Now generate with the bigram model of the corpus: its logits are the log-probabilities in the
# row of the last token. With the EOS token, generation ends at the end of a sentence. Without it,
# greedy decoding goes round in a loop, always making the same choice from the same state. Real
# models sample from the distribution instead of taking the argmax (lesson 07), which breaks such
# loops.

# %% figure
with np.errstate(divide="ignore"):
    bigram_log_probs = np.log(bigram_probabilities(corpus_ids, len(vocabulary)))


def bigram_next_token_logits(ids):
    return bigram_log_probs[ids[-1]]


for prompt in ["the", "a bird", "the dog saw"]:
    print(f"{prompt!r:14} -> {decode(generate(bigram_next_token_logits, encode(prompt), 20, eos_id=EOS_ID))!r}")
print("without EOS:   ->", repr(decode(generate(bigram_next_token_logits, encode("the"), 15))))

# %% [markdown]
# ## What you built
#
# A language model is a next-token predictor: logits, turned into probabilities by softmax,
# judged by cross-entropy (or its exponential, perplexity), and turned into a generator by the
# autoregressive loop. The bigram model is the weakest possible predictor, since it sees one token
# of context. The rest of the course replaces its counting table with networks that read the whole
# sequence, up to the Transformer, while `softmax`, `cross_entropy` and `generate` stay the same.
