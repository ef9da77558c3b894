"""Every notebook teaches in the course's own terms: its text (markdown and code comments, as
released to students) uses each of the lesson's terms, the lists "Terms the notebook should use"
of the course notes (../shared/COURSE-NOTES.md), copied here so that the tests need only this
repository.

A term is matched case-insensitively, with hyphens, underscores and runs of whitespace alike
("decoder-only" matches "decoder only"), anywhere in a word ("token" matches "tokens"). In the
lists, "a & b" needs both terms and "a | b" either; the notes' own shorthand is spelled out that way
("encoder/decoder" is both words, "weights/parameters" either)."""

import io
import re
import tokenize

import pytest

from autograder.authoring.build import build_notebook, released

from support import COURSE

TERMS = {
    "01-introduction": [
        "language model", "token", "next token", "decoder-only", "prompt", "one token at a time",
        "autoregressive", "Transformer block", "LM head | language modeling head", "encoder & decoder"],
    "02-bag-of-words": [
        "tokenization", "token", "vocabulary", "vocabulary size", "bag-of-words", "count vector",
        "sparse vector", "representation", "semantic meaning", "document"],
    "03-word-embeddings": [
        "word2vec", "vector embedding", "dimensions", "properties", "neighbours | neighbors",
        "weights | parameters", "embedding space", "similarity", "representation model", "static embedding",
        "sentence embedding & document embedding", "averaging | mean pooling"],
    "04-attention-in-rnns": [
        "static embedding", "context", "RNN", "encoder", "decoder", "autoregressive", "context embedding",
        "hidden state", "attention", "attention weights", "relevant | attend to | attends to"],
    "05-transformers": [
        "Transformer", "self-attention", "masked self-attention", "encoder block & decoder block",
        "positional encoding", "contextualized embedding | contextualised embedding", "BERT", "[CLS]",
        "masked language modeling", "pre-training & fine-tuning", "representation model & generative model",
        "context length"],
    "06-tokenizers": [
        "tokenizer", "token", "token ID", "vocabulary | vocab length", "subword token",
        "special tokens & [CLS] & [SEP] & [UNK]", "`##`", "encode & decode", "token embeddings",
        "contextualized embedding | contextualised embedding", "vocabulary size & trade-off"],
    "07-architecture-overview": [
        "tokenizer", "Transformer blocks", "LM head | language modeling head", "token probabilities | scores",
        "decoding strategy", "greedy decoding", "temperature", "top-p", "parallel tracks", "context size",
        "KV cache", "time to first token"],
    "08-transformer-block": [
        "Transformer block", "tracks", "self-attention", "feedforward neural network", "relevance scoring",
        "combining information", "coreference resolution", "layer normalization | layer normalisation",
        "residual connection", "next-token statistics"],
    "09-self-attention": [
        "attention head", "query & key & value", "projection matrix | projection matrices", "relevance scoring",
        "softmax", "combining information", "weighted values", "multi-head attention", "multi-query attention",
        "grouped-query attention", "sparse attention | local attention", "ring attention"],
    "10-real-model": [
        "decoder-only", "Phi-3-mini", "Hugging Face & transformers", "token IDs", "hidden states",
        "model body & LM head", "qkv_proj", "gate_up_proj & down_proj", "rotary embeddings", "RMSNorm",
        "last position", "greedy decoding"],
    "11-recent-improvements": [
        "decoder-only", "2017 & modern decoder", "positional encoding", "static positional encoding",
        "rotary embeddings | RoPE", "pre-norm | layer normalization | layer normalisation", "RMSNorm",
        "residual connection", "grouped-query attention", "packing", "document mask", "SwiGLU"],
    "12-mixture-of-experts": [
        "Mixture of Experts", "expert", "router", "dense layer | dense model", "sparse model", "MoE layer",
        "routing probabilities", "top-k", "sparse parameters & active parameters", "load balancing",
        "Mixtral 8x7B"],
    "13-tiny-gpt": [
        "tokenizer", "token embeddings", "Transformer block", "self-attention", "feedforward network",
        "LM head | language modeling head", "autoregressive generation", "greedy decoding", "KV cache",
        "parameters", "context length", "representation model & generative model"],
}


def normalized(text):
    return re.sub(r"[\s_-]+", " ", text.replace("*", "").lower())


def notebook_text(lesson):
    """The markdown and the code comments a student reads in the released notebook."""
    parts = []
    for cell in released(build_notebook(lesson))["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            parts.append(source)
        else:
            tokens = tokenize.generate_tokens(io.StringIO(source).readline)
            parts.extend(token.string.lstrip("#") for token in tokens if token.type == tokenize.COMMENT)
    return normalized("\n".join(parts))


def missing_terms(text, terms):
    return [term for term in terms
            if not all(any(normalized(word.strip()) in text for word in alternatives.split(" | "))
                       for alternatives in term.split(" & "))]


def test_every_lesson_has_its_terms():
    assert set(TERMS) == {lesson.id for lesson in COURSE.lessons}, "one list of terms per lesson of course.yml"


@pytest.mark.parametrize("lesson", COURSE.available, ids=lambda lesson: lesson.id)
def test_notebook_uses_the_course_terms(lesson):
    missing = missing_terms(notebook_text(lesson), TERMS[lesson.id])
    assert not missing, (f"lesson {lesson.id}: the notebook's text never uses the course's terms {missing} "
                         "(COURSE-NOTES.md, 'Terms the notebook should use')")
