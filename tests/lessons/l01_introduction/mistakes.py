"""Lesson 01: wrong implementations students really write (each must lose points) and correct ones
written differently from the reference (each must get full marks). Each string replaces the
exercise's solution cell of the released notebook, where only `np` is defined beforehand."""

MISTAKES = {
    "softmax": {
        "no max shift": '''
def softmax(x, axis=-1):
    exps = np.exp(x)
    return exps / np.sum(exps, axis=axis, keepdims=True)
''',
        "normalised over the whole array": '''
def softmax(x, axis=-1):
    exps = np.exp(x - np.max(x))
    return exps / np.sum(exps)
''',
        "global max instead of max along axis": '''
def softmax(x, axis=-1):
    exps = np.exp(x - np.max(x))
    return exps / np.sum(exps, axis=axis, keepdims=True)
''',
        "no keepdims": '''
def softmax(x, axis=-1):
    exps = np.exp(x - np.max(x, axis=axis))
    return exps / np.sum(exps, axis=axis)
''',
        "shifts the caller's array in place": '''
def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    x -= np.max(x, axis=axis, keepdims=True)
    np.exp(x, out=x)
    return x / np.sum(x, axis=axis, keepdims=True)
''',
    },
    "cross_entropy": {
        "sum instead of mean": '''
def cross_entropy(logits, target_ids):
    top = np.max(logits, axis=-1, keepdims=True)
    log_probs = logits - top - np.log(np.sum(np.exp(logits - top), axis=-1, keepdims=True))
    return float(-np.sum(log_probs[np.arange(len(target_ids)), target_ids]))
''',
        "log of softmax underflows": '''
def cross_entropy(logits, target_ids):
    exps = np.exp(logits - np.max(logits, axis=-1, keepdims=True))
    probs = exps / np.sum(exps, axis=-1, keepdims=True)
    return float(-np.mean(np.log(probs[np.arange(len(target_ids)), target_ids])))
''',
        "log-sum-exp without the max shift": '''
def cross_entropy(logits, target_ids):
    log_normalizer = np.log(np.sum(np.exp(logits), axis=-1))
    return float(np.mean(log_normalizer - logits[np.arange(len(target_ids)), target_ids]))
''',
        "picks whole columns": '''
def cross_entropy(logits, target_ids):
    top = np.max(logits, axis=-1, keepdims=True)
    log_probs = logits - top - np.log(np.sum(np.exp(logits - top), axis=-1, keepdims=True))
    return float(-np.mean(log_probs[:, target_ids]))
''',
        "mean over every entry of a one-hot product": '''
def cross_entropy(logits, target_ids):
    top = np.max(logits, axis=-1, keepdims=True)
    log_probs = logits - top - np.log(np.sum(np.exp(logits - top), axis=-1, keepdims=True))
    one_hot = np.eye(logits.shape[-1])[target_ids]
    return float(-np.mean(one_hot * log_probs))
''',
    },
    "perplexity": {
        "exp of the summed log-likelihood": '''
def perplexity(logits, target_ids):
    top = np.max(logits, axis=-1, keepdims=True)
    log_probs = logits - top - np.log(np.sum(np.exp(logits - top), axis=-1, keepdims=True))
    return float(np.exp(-np.sum(log_probs[np.arange(len(target_ids)), target_ids])))
''',
        "two to the cross-entropy": '''
def perplexity(logits, target_ids):
    top = np.max(logits, axis=-1, keepdims=True)
    log_probs = logits - top - np.log(np.sum(np.exp(logits - top), axis=-1, keepdims=True))
    return float(2.0 ** -np.mean(log_probs[np.arange(len(target_ids)), target_ids]))
''',
        "mean of per-position perplexities": '''
def perplexity(logits, target_ids):
    top = np.max(logits, axis=-1, keepdims=True)
    log_probs = logits - top - np.log(np.sum(np.exp(logits - top), axis=-1, keepdims=True))
    return float(np.mean(np.exp(-log_probs[np.arange(len(target_ids)), target_ids])))
''',
    },
    "bigram_probabilities": {
        "normalised by column": '''
def bigram_probabilities(token_ids, vocab_size, alpha=0.0):
    counts = np.full((vocab_size, vocab_size), float(alpha))
    for current, following in zip(token_ids[:-1], token_ids[1:]):
        counts[current, following] += 1
    counts[counts.sum(axis=1) == 0] = 1.0
    return counts / counts.sum(axis=0, keepdims=True)
''',
        "alpha added only to seen pairs": '''
def bigram_probabilities(token_ids, vocab_size, alpha=0.0):
    counts = np.zeros((vocab_size, vocab_size))
    for current, following in zip(token_ids[:-1], token_ids[1:]):
        counts[current, following] += 1
    counts[counts > 0] += alpha
    counts[counts.sum(axis=1) == 0] = 1.0
    return counts / counts.sum(axis=1, keepdims=True)
''',
        "empty row left as zeros": '''
def bigram_probabilities(token_ids, vocab_size, alpha=0.0):
    counts = np.full((vocab_size, vocab_size), float(alpha))
    for current, following in zip(token_ids[:-1], token_ids[1:]):
        counts[current, following] += 1
    return counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
''',
        "empty row left as 0/0 = nan": '''
def bigram_probabilities(token_ids, vocab_size, alpha=0.0):
    counts = np.full((vocab_size, vocab_size), float(alpha))
    for current, following in zip(token_ids[:-1], token_ids[1:]):
        counts[current, following] += 1
    return counts / counts.sum(axis=1, keepdims=True)
''',
        "fancy-index += counts a repeated pair once": '''
def bigram_probabilities(token_ids, vocab_size, alpha=0.0):
    ids = np.asarray(token_ids, dtype=int)
    counts = np.full((vocab_size, vocab_size), float(alpha))
    counts[ids[:-1], ids[1:]] += 1
    counts[counts.sum(axis=1) == 0] = 1.0
    return counts / counts.sum(axis=1, keepdims=True)
''',
        "denominator without alpha * V": '''
def bigram_probabilities(token_ids, vocab_size, alpha=0.0):
    counts = np.zeros((vocab_size, vocab_size))
    for current, following in zip(token_ids[:-1], token_ids[1:]):
        counts[current, following] += 1
    totals = counts.sum(axis=1, keepdims=True)
    probs = (counts + alpha) / (totals + alpha)
    probs[totals[:, 0] == 0] = 1.0 / vocab_size
    return probs
''',
    },
    "generate": {
        "stops before appending eos": '''
def generate(next_token_logits, prompt_ids, max_new_tokens, eos_id=None):
    ids = list(prompt_ids)
    for _ in range(max_new_tokens):
        next_id = int(np.argmax(next_token_logits(ids)))
        if next_id == eos_id:
            break
        ids.append(next_id)
    return ids
''',
        "passes only the last token": '''
def generate(next_token_logits, prompt_ids, max_new_tokens, eos_id=None):
    ids = list(prompt_ids)
    for _ in range(max_new_tokens):
        next_id = int(np.argmax(next_token_logits([ids[-1]])))
        ids.append(next_id)
        if next_id == eos_id:
            break
    return ids
''',
        "ties go to the highest id": '''
def generate(next_token_logits, prompt_ids, max_new_tokens, eos_id=None):
    ids = list(prompt_ids)
    for _ in range(max_new_tokens):
        logits = np.asarray(next_token_logits(ids))
        next_id = len(logits) - 1 - int(np.argmax(logits[::-1]))
        ids.append(next_id)
        if next_id == eos_id:
            break
    return ids
''',
        "returns only the new tokens": '''
def generate(next_token_logits, prompt_ids, max_new_tokens, eos_id=None):
    ids = list(prompt_ids)
    new_ids = []
    for _ in range(max_new_tokens):
        next_id = int(np.argmax(next_token_logits(ids + new_ids)))
        new_ids.append(next_id)
        if next_id == eos_id:
            break
    return new_ids
''',
        "an eos at the end of the prompt stops generation": '''
def generate(next_token_logits, prompt_ids, max_new_tokens, eos_id=None):
    ids = list(prompt_ids)
    while len(ids) < len(prompt_ids) + max_new_tokens and ids[-1] != eos_id:
        ids.append(int(np.argmax(next_token_logits(ids))))
    return ids
''',
        "calls the model once more than needed": '''
def generate(next_token_logits, prompt_ids, max_new_tokens, eos_id=None):
    ids = list(prompt_ids)
    logits = next_token_logits(ids)
    for _ in range(max_new_tokens):
        next_id = int(np.argmax(logits))
        ids.append(next_id)
        if next_id == eos_id:
            break
        logits = next_token_logits(ids)
    return ids
''',
    },
}

ALTERNATIVES = {
    # exp of the log-probabilities, the log-normaliser computed first (log-sum-exp)
    "softmax": '''
def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    top = np.max(x, axis=axis, keepdims=True)
    log_normalizer = top + np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True))
    return np.exp(x - log_normalizer)
''',
    # one position at a time, with the standard library's math
    "cross_entropy": '''
import math

def cross_entropy(logits, target_ids):
    total = 0.0
    for row, target in zip(logits, target_ids):
        top = max(row)
        log_normalizer = top + math.log(sum(math.exp(value - top) for value in row))
        total += log_normalizer - row[target]
    return total / len(target_ids)
''',
    # the geometric mean of 1 / p(target), in log space, without calling cross_entropy
    "perplexity": '''
def perplexity(logits, target_ids):
    logits = np.asarray(logits, dtype=float)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    surprise = -np.take_along_axis(log_probs, np.asarray(target_ids)[:, None], axis=1)
    return float(np.exp(surprise.mean()))
''',
    # a Counter of pairs, then row by row
    "bigram_probabilities": '''
from collections import Counter

def bigram_probabilities(token_ids, vocab_size, alpha=0.0):
    pairs = Counter(zip(token_ids, token_ids[1:]))
    table = np.zeros((vocab_size, vocab_size))
    for current in range(vocab_size):
        row = np.array([pairs[(current, following)] + alpha for following in range(vocab_size)])
        total = row.sum()
        table[current] = row / total if total > 0 else np.full(vocab_size, 1.0 / vocab_size)
    return table
''',
    # a while loop and a tie-aware max over (logit, -id)
    "generate": '''
def generate(next_token_logits, prompt_ids, max_new_tokens, eos_id=None):
    ids = list(prompt_ids)
    stop_at = len(ids) + max_new_tokens
    while len(ids) < stop_at:
        logits = next_token_logits(ids[:])
        best = max(range(len(logits)), key=lambda i: (logits[i], -i))
        ids.append(best)
        if best == eos_id:
            return ids
    return ids
''',
}
