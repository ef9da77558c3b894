# %% [markdown]
# # Lesson 01 — Language models as next-token predictors
#
# A **language model** is a function that reads the text so far and returns, for every token it
# knows, how likely that token is to come next. That is all. A chatbot's answer is this one
# prediction repeated: given the **prompt**, predict the **next token**, append it, predict again. It
# writes its answer **one token at a time**.
#
# **Where the course is going.** Today's language models are **Transformers**, the architecture of
# the 2017 paper *Attention Is All You Need* (the "T" of GPT, the *Generative Pre-trained
# Transformer*). It was built for machine translation, and it has two halves:
#
# - the **encoder** reads the input text ("I love llamas") and turns it into a rich,
#   context-sensitive representation: numbers that capture what each word means in this sentence;
# - the **decoder** uses that representation to write the output text ("Ik hou van lama's"), one
#   token at a time.
#
# Each half started a family. Encoder-only models such as BERT turn text into numbers (the
# embedding models behind search); **decoder-only** models, the GPT family and most chatbots, take a
# prompt and generate text. This course is about decoder-only models, and the figure below is its
# map: a **tokenizer** cuts the prompt into tokens, each token gets a vector (its **token
# embedding**), a stack of **Transformer blocks** (self-attention plus a feedforward network) works
# on the vectors, and the **LM head** (language modeling head) turns the last vector into a score for
# every token of the vocabulary: the next token. Later lessons open each box. The blocks were
# designed to train well and to run in parallel over many GPUs; what an LLM can do comes from this
# architecture and from the huge amount of text it is trained on.
#
# In this notebook you build both ends of that pipeline and the loop around it, with the simplest
# possible model in the middle:
#
# 1. `softmax`: turn the LM head's raw scores into probabilities;
# 2. `cross_entropy`: measure how surprised a model is by real text;
# 3. `perplexity`: the same measure, as a number of equally likely choices;
# 4. `bigram_probabilities`: the simplest language model there is, made by counting; it stands in
#    for the Transformer blocks and the LM head;
# 5. `generate`: the **autoregressive** loop that turns a next-token predictor into a text generator.
#
# **How to work.** Each exercise is a function with a docstring that pins down its inputs,
# outputs and conventions. Replace `raise NotImplementedError()` with your code, then run the
# tests cell below it: those visible tests are quick sanity checks. Your grade comes from hidden
# tests that try many more inputs (`llmcourse check 01-introduction.ipynb`); they check exactly
# what the docstrings say. Use NumPy only. Below each figure, an **Expected result** cell shows
# what the figure looks like once your functions work.

# %%
import numpy as np

# %% figure
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch


def box(axes, x, y, text, color, width=2.0, height=0.9):
    """A rounded box centred on (x, y), with its label."""
    axes.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.06",
                                  facecolor=color, edgecolor="black"))
    axes.text(x, y, text, ha="center", va="center", fontsize=10)


def arrow(axes, start, end, color="black"):
    axes.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.5})


figure = plt.figure(figsize=(11, 6.5))
grid = figure.add_gridspec(2, 2, height_ratios=[1, 1])
original, families, pipeline = (figure.add_subplot(grid[0, 0]), figure.add_subplot(grid[0, 1]),
                                figure.add_subplot(grid[1, :]))
for axes in (original, families, pipeline):
    axes.set_axis_off()

original.set(xlim=(0, 10), ylim=(0, 5), title="The original Transformer (2017): built for translation")
box(original, 2.5, 2.5, "encoder", "#c6dbef")
box(original, 7.5, 2.5, "decoder", "#fdd0a2")
arrow(original, (2.5, 0.55), (2.5, 1.95))
arrow(original, (3.6, 2.5), (6.4, 2.5))
arrow(original, (7.5, 3.05), (7.5, 4.3))
original.text(2.5, 0.3, 'input: "I love llamas"', ha="center", va="center", fontsize=10)
original.text(7.5, 4.6, "output: \"Ik hou van lama's\"", ha="center", va="center", fontsize=10)
original.text(5.0, 2.75, "context", ha="center", fontsize=9, style="italic")
original.text(0.0, 4.0, "reads the input into a\ncontext-sensitive\nrepresentation", ha="left", va="center", fontsize=9)
original.text(8.8, 1.3, "writes the output\none token\nat a time", ha="left", va="center", fontsize=9)

families.set(xlim=(0, 10), ylim=(0, 5), title="Its two halves started two families")
box(families, 2.5, 3.8, "encoder-only model", "#c6dbef", width=4.2)
box(families, 7.5, 3.8, "decoder-only model", "#fdd0a2", width=4.2)
families.text(2.5, 1.5, "text in -> numbers out\n(a representation)\n\nBERT, embedding models\nfor search", ha="center",
              va="center", fontsize=9)
families.text(7.5, 1.5, "prompt in -> text out\n(generative)\n\nGPT and most chatbots:\nthis course's focus",
              ha="center", va="center", fontsize=9)

pipeline.set(xlim=(0, 19), ylim=(1.3, 5), title="A decoder-only language model: the map of the course")
pipeline.text(1.0, 3.2, 'prompt\n"the cat\nsat on the"', ha="center", va="center", fontsize=10)
stages = [("tokenizer", 3.9, "#e5e5e5", "lesson 06\nhere: split on spaces"),
          ("token\nembeddings", 7.0, "#e5e5e5", "lessons 03, 06"),
          ("Transformer\nblock x N", 10.1, "#c7e9c0", "lessons 05, 08, 09\nhere: a bigram table"),
          ("LM head", 13.2, "#e5e5e5", "lesson 07\nhere: softmax of logits")]
for label, x, color, note in stages:
    box(pipeline, x, 3.2, label, color, width=2.2)
    pipeline.text(x, 2.35, note, ha="center", va="top", fontsize=9, color="dimgray")
for start, end in [(2.0, 2.7), (5.1, 5.8), (8.2, 8.9), (11.3, 12.0), (14.4, 15.3)]:
    arrow(pipeline, (start, 3.2), (end, 3.2))
pipeline.text(16.4, 3.2, 'next token\n"mat"', ha="center", va="center", fontsize=10)
pipeline.annotate("", xy=(1.0, 3.85), xytext=(16.4, 3.65),
                  arrowprops={"arrowstyle": "-|>", "color": "tab:red", "lw": 1.5, "connectionstyle": "arc3,rad=0.12"})
pipeline.text(8.7, 4.75, "appended to the prompt, and the loop runs again: autoregressive generation, "
              "one token at a time (here: generate)", ha="center", fontsize=9, color="tab:red")
plt.show()

# %% [markdown]
# ## 1. Text becomes token ids
#
# The first box of the map: a model does not see letters or words, it sees **tokens**, pieces of
# text from a fixed **vocabulary**, each with an integer **id**. Real models use a **tokenizer**
# with tens of thousands of sub-word tokens (lesson 06 builds one). Here a token is simply a word,
# and the vocabulary is the sorted set of words in a tiny corpus. The full stop `.` ends every
# sentence: it will serve as
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
# The last box of the map: given the tokens so far, the LM head outputs one real number per
# vocabulary entry, the **logits** (or scores): higher means "more likely next". They can be any
# size or sign. **Softmax** turns a vector of
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
assert isinstance(p, np.ndarray) and p.shape == (3,), (
    f"softmax of 3 scores gives an array of 3 probabilities, got {p!r}")
assert p.dtype == np.float64, f"your softmax returns {p.dtype}: the course works in float64"
assert np.allclose(p, [0.09003057, 0.24472847, 0.66524096]), f"softmax([1, 2, 3]) is [0.090, 0.245, 0.665], got {p}"
big = softmax(np.array([1000.0, 1000.0]))
assert np.allclose(big, [0.5, 0.5]), f"softmax([1000, 1000]) is [0.5, 0.5], got {big}: subtract the maximum first"
scores = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 5.0]])
columns = softmax(scores, axis=0)
assert np.allclose(columns.sum(axis=0), 1.0), (
    f"with axis=0 each column sums to 1, got column sums {columns.sum(axis=0)}")
assert np.allclose(scores, [[1.0, 2.0, 3.0], [1.0, 2.0, 5.0]]), "softmax must not change its input array"
print("softmax: sanity checks passed")

# %% [markdown]
# Here is what an LM head's output might look like after the prompt "the cat sat on the": a logit
# per token, and the distribution softmax makes of them. Notice how a gap of 2 between two logits
# ("mat" and "rug") becomes a factor $e^2 \approx 7.4$ between their probabilities, and how the
# negative logits all become small but positive probabilities.

# %% figure
example_logits = np.array([0.5, -1.0, -0.5, 1.0, 1.5, 3.0, -2.0, 2.0, -1.5, -1.0, -3.0])
figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.4))
left.bar(vocabulary, example_logits, color="tab:gray")
left.axhline(0, color="black", linewidth=0.8)
left.set(title="logits (the LM head's scores)", xlabel="next token", ylabel="logit")
right.bar(vocabulary, softmax(example_logits), color="tab:blue")
right.set(title="softmax(logits): next-token probabilities", xlabel="next token", ylabel="probability")
for axes in (left, right):
    axes.tick_params(axis="x", rotation=45)
figure.suptitle('Scores for the token after "the cat sat on the"')
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
assert isinstance(ce, float), f"return a Python float (float(...)), got {type(ce).__name__}"
assert np.isclose(ce, 0.4170300), f"token 0 has probability 0.659, so the loss is -log(0.659) = 0.417, got {ce}"
uniform = cross_entropy(np.zeros((2, 4)), np.array([1, 3]))
assert np.isclose(uniform, np.log(4)), (
    f"uniform over 4 tokens: the loss is log 4 = 1.386 at every position, got {uniform}")
far = cross_entropy(np.array([[0.0, -1000.0]]), np.array([1]))
assert np.isclose(far, 1000.0), f"logits [0, -1000], target 1: the loss is 1000, got {far}: use log-sum-exp"
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
ppl = perplexity(np.zeros((3, 4)), np.array([0, 1, 2]))
assert isinstance(ppl, float), f"return a Python float (float(...)), got {type(ppl).__name__}"
assert np.isclose(ppl, 4.0), f"uniform over 4 tokens: the perplexity is 4, got {ppl}"
confident = np.array([[10.0, 0.0, 0.0], [0.0, 10.0, 0.0]])
ppl = perplexity(confident, np.array([0, 1]))
assert 1.0 <= ppl < 1.001, f"a model confident and right has a perplexity just above 1, got {ppl}"
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
assert isinstance(P, np.ndarray) and P.shape == (3, 3), f"3 tokens give a (3, 3) array, got {P!r}"
assert P.dtype == np.float64, f"your bigram_probabilities returns {P.dtype}: the course works in float64"
# 0 is always followed by 1; 1 by 0 and 2 once each; 2 is never followed: its row is uniform
assert np.allclose(P, [[0, 1, 0], [0.5, 0, 0.5], [1 / 3, 1 / 3, 1 / 3]]), (
    f"expected [[0, 1, 0], [0.5, 0, 0.5], [1/3, 1/3, 1/3]], got\n{P}")
smoothed = bigram_probabilities([0, 1, 0, 1, 2], 3, alpha=1.0)[0]
assert np.allclose(smoothed, [0.2, 0.6, 0.2]), (
    f"alpha=1, row 0: (0+1, 2+1, 0+1) / (2+3) = [0.2, 0.6, 0.2], got {smoothed}")
row_sums = bigram_probabilities(corpus_ids, len(vocabulary)).sum(axis=1)
assert np.allclose(row_sums, 1.0), f"every row is a distribution and sums to 1, got row sums {row_sums}"
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
axes.set_title("The bigram model: P(next | current) in the corpus")
figure.colorbar(image, label="probability")
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
axes.set_xlabel("alpha (add-alpha smoothing)")
axes.set_ylabel("perplexity")
axes.set_title("Smoothing trades fit on the training text for fit on new text")
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
# This is **autoregressive** generation (the model's own outputs become its next inputs; lesson 04
# gives the word its full meaning), and every decoder-only model generates this way: the red loop of
# the map at the top. Pass the whole sequence every step, even though the bigram model only looks at
# the last token: a stack of Transformer blocks looks at all of it. Here `next_token_logits` is any
# Python function, so `generate`
# works unchanged with a bigram table today and with a real network later in the course.

# %% solution generate

# %% tests generate
def next_is_plus_one(ids):
    """A toy model: the next token is always (last id + 1) % 5."""
    logits = np.zeros(5)
    logits[(ids[-1] + 1) % 5] = 1.0
    return logits


ids = generate(next_is_plus_one, [0], 3)
assert isinstance(ids, list), f"return a list of ids (the prompt followed by the new ones), got {type(ids).__name__}"
assert all(type(i) is int for i in ids), (
    f"the ids are Python ints (int(np.argmax(...))), got {[type(i).__name__ for i in ids]}")
assert ids == [0, 1, 2, 3], f"prompt [0], 3 new tokens, each the last + 1: expected [0, 1, 2, 3], got {ids}"
ids = generate(next_is_plus_one, [3], 3, eos_id=4)
assert ids == [3, 4], f"stop right after generating EOS (4), and keep it: expected [3, 4], got {ids}"
ids = generate(next_is_plus_one, [1, 2], 0)
assert ids == [1, 2], f"max_new_tokens=0: just the prompt [1, 2], got {ids}"
ids = generate(lambda ids: np.zeros(3), [2], 2)
assert ids == [2, 0, 0], f"all logits equal: ties go to the lowest id, expected [2, 0, 0], got {ids}"
seen = []


def recording_model(ids):
    seen.append(list(ids))
    return next_is_plus_one(ids)


generate(recording_model, [0], 3)
assert seen == [[0], [0, 1], [0, 1, 2]], f"call the model once per new token with the whole sequence so far, got {seen}"
print("generate: sanity checks passed")

# %% [markdown]
# Now generate with the bigram model of the corpus: its logits are the log-probabilities in the
# row of the last token. The figure follows the prompt "the dog saw" one step at a time: each row is
# the next-token distribution the model gives for the sequence so far, the circled token is the
# argmax, and it is appended to make the next row's sequence.
#
# With the EOS token, generation ends at the end of a sentence. Without it, greedy decoding goes
# round in a loop, always making the same choice from the same state. Real models sample from the
# distribution instead of taking the argmax (lesson 07), which breaks such loops.

# %% figure
with np.errstate(divide="ignore"):
    bigram_log_probs = np.log(bigram_probabilities(corpus_ids, len(vocabulary)))
steps = []  # (the sequence so far, the next-token probabilities the model gave for it)


def bigram_next_token_logits(ids):
    """The bigram model as a next-token predictor, recording what generate asks it."""
    logits = bigram_log_probs[ids[-1]]
    steps.append((decode(ids), softmax(logits)))
    return logits


generate(bigram_next_token_logits, encode("the dog saw"), 10, eos_id=EOS_ID)
figure, axes = plt.subplots(figsize=(8, 3))
image = axes.imshow([probabilities for _, probabilities in steps], cmap="Blues", vmin=0, vmax=1)
for row, (_, probabilities) in enumerate(steps):
    axes.scatter(int(np.argmax(probabilities)), row, s=300, facecolors="none", edgecolors="tab:red", linewidths=2)
axes.set_xticks(range(len(vocabulary)), vocabulary)
axes.set_yticks(range(len(steps)), [text for text, _ in steps])
axes.set_xlabel("next token (circled: the argmax, appended)")
axes.set_ylabel("sequence so far")
axes.set_title('Generating one token at a time from the prompt "the dog saw"')
figure.colorbar(image, label="probability")
plt.show()

for prompt in ["the", "a bird", "the dog saw"]:
    print(f"{prompt!r:14} -> {decode(generate(bigram_next_token_logits, encode(prompt), 20, eos_id=EOS_ID))!r}")
print("without EOS:   ->", repr(decode(generate(bigram_next_token_logits, encode("the"), 15))))

# %% [markdown]
# ## What you built
#
# A language model is a next-token predictor: logits, turned into probabilities by softmax,
# judged by cross-entropy (or its exponential, perplexity), and turned into a generator by the
# autoregressive loop that writes one token at a time. The bigram model is the weakest possible
# predictor, since it sees one token of context. The rest of the course replaces its counting table
# with networks that read the whole sequence: word embeddings (03), an RNN encoder and decoder with
# attention (04), then the Transformer (05) and its blocks, while `softmax`, `cross_entropy` and
# `generate` stay the same. In the map at the top, you have built the loop, the LM head's softmax
# and a stand-in for the Transformer blocks.
