"""Lesson 07: wrong implementations students really write (each must lose points of its exercise)
and correct implementations written differently from the reference (each must get full marks)."""

MISTAKES = {
    "lm_head_logits": {
        "hidden[-1]: the last sequence of a batch, not the last position": '''
def lm_head_logits(hidden, W_unembed):
    return hidden[-1] @ W_unembed
''',
        "every position scored": '''
def lm_head_logits(hidden, W_unembed):
    return hidden @ W_unembed
''',
        "the first position": '''
def lm_head_logits(hidden, W_unembed):
    return hidden[..., 0, :] @ W_unembed
''',
        "softmax applied: probabilities instead of logits": '''
def lm_head_logits(hidden, W_unembed):
    return softmax(hidden[..., -1, :] @ W_unembed)
''',
        "mean over positions": '''
def lm_head_logits(hidden, W_unembed):
    return hidden.mean(axis=-2) @ W_unembed
''',
    },
    "apply_temperature": {
        "multiplies by the temperature": '''
def apply_temperature(logits, temperature):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    return logits * temperature
''',
        "divides in place": '''
def apply_temperature(logits, temperature):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    logits /= temperature
    return logits
''',
        "only a negative temperature rejected (0 divides by zero)": '''
def apply_temperature(logits, temperature):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    return logits / temperature
''',
        "returns the probabilities": '''
def apply_temperature(logits, temperature):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    return softmax(logits / temperature)
''',
        "no check of the temperature": '''
def apply_temperature(logits, temperature):
    return logits / temperature
''',
    },
    "top_k_filter": {
        "exactly k indices by argsort (ties with the k-th dropped)": '''
def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    filtered = np.full(logits.shape, -np.inf)
    top = np.argsort(logits)[::-1][:k]
    filtered[top] = logits[top]
    return filtered
''',
        "removed tokens set to 0": '''
def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    kth = np.sort(logits)[::-1][min(k, len(logits)) - 1]
    return np.where(logits >= kth, logits, 0.0)
''',
        "off by one: the (k+1)-th largest as the threshold": '''
def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    ranked = np.sort(logits)[::-1]
    threshold = ranked[min(k, len(logits) - 1)]
    return np.where(logits >= threshold, logits, -np.inf)
''',
        "filters in place": '''
def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    kth = np.sort(logits)[-min(k, len(logits))]
    logits[logits < kth] = -np.inf
    return logits
''',
        "k larger than the vocabulary not handled (IndexError)": '''
def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    kth = np.sort(logits)[-k]
    return np.where(logits >= kth, logits, -np.inf)
''',
        "k = 0 not rejected": '''
def top_k_filter(logits, k):
    kth = np.sort(logits)[-min(max(k, 1), len(logits))]
    return np.where(logits >= kth, logits, -np.inf)
''',
    },
    "top_p_filter": {
        "the token that crosses p dropped": '''
def top_p_filter(logits, p):
    probabilities = softmax(logits)
    order = np.argsort(probabilities)[::-1]
    running_total = np.cumsum(probabilities[order])
    keep = np.zeros(len(logits), dtype=bool)
    keep[order[running_total <= p]] = True
    return np.where(keep, logits, -np.inf)
''',
        "sorted in ascending order": '''
def top_p_filter(logits, p):
    probabilities = softmax(logits)
    order = np.argsort(probabilities)
    running_total = np.cumsum(probabilities[order])
    cut = np.searchsorted(running_total, p)
    keep = np.zeros(len(logits), dtype=bool)
    keep[order[:cut + 1]] = True
    return np.where(keep, logits, -np.inf)
''',
        "running total in id order, no sorting": '''
def top_p_filter(logits, p):
    running_total = np.cumsum(softmax(logits))
    cut = np.searchsorted(running_total, p)
    return np.where(np.arange(len(logits)) <= cut, logits, -np.inf)
''',
        "np.argmax(total >= p): 0 when rounding keeps the total below p = 1": '''
def top_p_filter(logits, p):
    probabilities = softmax(logits)
    order = np.argsort(-probabilities)
    running_total = np.cumsum(probabilities[order])
    cut = np.argmax(running_total >= p)
    keep = np.zeros(len(logits), dtype=bool)
    keep[order[:cut + 1]] = True
    return np.where(keep, logits, -np.inf)
''',
        "running total of the logits instead of probabilities": '''
def top_p_filter(logits, p):
    order = np.argsort(logits)[::-1]
    running_total = np.cumsum(logits[order])
    keep = np.zeros(len(logits), dtype=bool)
    for position, token in enumerate(order):
        keep[token] = True
        if running_total[position] >= p:
            break
    return np.where(keep, logits, -np.inf)
''',
        "filtered logits returned in sorted order": '''
def top_p_filter(logits, p):
    probabilities = softmax(logits)
    order = np.argsort(-probabilities)
    running_total = np.cumsum(probabilities[order])
    cut = np.searchsorted(running_total, p)
    sorted_logits = logits[order].copy()
    sorted_logits[cut + 1:] = -np.inf
    return sorted_logits
''',
    },
    "sample_token": {
        ">= instead of >: a token of probability 0 can be drawn": '''
def sample_token(logits, u):
    cumulative = np.cumsum(softmax(logits))
    return int(np.searchsorted(cumulative, u))
''',
        "greedy: ignores u": '''
def sample_token(logits, u):
    return int(np.argmax(logits))
''',
        "cumulative probabilities in sorted order, as in top-p": '''
def sample_token(logits, u):
    probabilities = softmax(logits)
    order = np.argsort(-probabilities)
    cumulative = np.cumsum(probabilities[order])
    return int(order[np.argmax(cumulative > u)])
''',
        "exp(logits) not normalised": '''
def sample_token(logits, u):
    cumulative = np.cumsum(np.exp(logits))
    return int(np.argmax(cumulative > u))
''',
        "cumulative sum of the logits": '''
def sample_token(logits, u):
    cumulative = np.cumsum(logits)
    for token, total in enumerate(cumulative):
        if total > u:
            return token
    return len(logits) - 1
''',
    },
    "generate_cached": {
        "keeps the first cache": '''
def generate_cached(model, prompt_ids, max_new_tokens):
    ids = list(prompt_ids)
    logits, cache = model(ids, None)
    for step in range(max_new_tokens):
        next_id = int(np.argmax(logits[-1]))
        ids.append(next_id)
        if step < max_new_tokens - 1:
            logits, _ = model([next_id], cache)
    return ids
''',
        "no cache: the whole sequence at every step": '''
def generate_cached(model, prompt_ids, max_new_tokens):
    ids = list(prompt_ids)
    for _ in range(max_new_tokens):
        logits, _ = model(ids, None)
        ids.append(int(np.argmax(logits[-1])))
    return ids
''',
        "the new token fed without the cache": '''
def generate_cached(model, prompt_ids, max_new_tokens):
    ids = list(prompt_ids)
    logits, cache = model(ids, None)
    for step in range(max_new_tokens):
        next_id = int(np.argmax(logits[-1]))
        ids.append(next_id)
        if step < max_new_tokens - 1:
            logits, cache = model([next_id], None)
    return ids
''',
        "the whole sequence fed again with the cache": '''
def generate_cached(model, prompt_ids, max_new_tokens):
    ids = list(prompt_ids)
    logits, cache = model(ids, None)
    for step in range(max_new_tokens):
        ids.append(int(np.argmax(logits[-1])))
        if step < max_new_tokens - 1:
            logits, cache = model(list(ids), cache)
    return ids
''',
        "argmax of the first row": '''
def generate_cached(model, prompt_ids, max_new_tokens):
    ids = list(prompt_ids)
    logits, cache = model(ids, None)
    for step in range(max_new_tokens):
        next_id = int(np.argmax(logits[0]))
        ids.append(next_id)
        if step < max_new_tokens - 1:
            logits, cache = model([next_id], cache)
    return ids
''',
        "feeds the last token too (one call too many)": '''
def generate_cached(model, prompt_ids, max_new_tokens):
    ids = list(prompt_ids)
    logits, cache = model(ids, None)
    for _ in range(max_new_tokens):
        next_id = int(np.argmax(logits[-1]))
        ids.append(next_id)
        logits, cache = model([next_id], cache)
    return ids
''',
        "the new id passed as an int, not a list": '''
def generate_cached(model, prompt_ids, max_new_tokens):
    ids = list(prompt_ids)
    logits, cache = model(ids, None)
    for step in range(max_new_tokens):
        next_id = int(np.argmax(logits[-1]))
        ids.append(next_id)
        if step < max_new_tokens - 1:
            logits, cache = model(next_id, cache)
    return ids
''',
        "returns only the new tokens": '''
def generate_cached(model, prompt_ids, max_new_tokens):
    new_ids = []
    logits, cache = model(list(prompt_ids), None)
    for step in range(max_new_tokens):
        next_id = int(np.argmax(logits[-1]))
        new_ids.append(next_id)
        if step < max_new_tokens - 1:
            logits, cache = model([next_id], cache)
    return new_ids
''',
    },
}

ALTERNATIVES = {
    "lm_head_logits": '''
def lm_head_logits(hidden, W_unembed):
    # the LM head as an einsum over the width; the last position taken with np.take
    return np.einsum("...d,dv->...v", np.take(hidden, -1, axis=-2), W_unembed)
''',
    "apply_temperature": '''
def apply_temperature(logits, temperature):
    if temperature > 0:
        return np.asarray(logits) * (1.0 / temperature)  # multiplying by 1/T may differ from /T in the last bit
    raise ValueError(f"temperature {temperature} is not positive")
''',
    "top_k_filter": '''
def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    if k >= len(logits):
        return np.array(logits, dtype=float)
    threshold = np.partition(logits, len(logits) - k)[len(logits) - k]
    result = np.array(logits, dtype=float)
    result[result < threshold] = -np.inf
    return result
''',
    "top_p_filter": '''
def top_p_filter(logits, p):
    # loop over the tokens from the most probable down, the way one would by hand
    probabilities = softmax(logits)
    result = np.full(len(logits), -np.inf)
    total = 0.0
    for token in sorted(range(len(logits)), key=lambda i: -probabilities[i]):
        result[token] = logits[token]
        total += probabilities[token]
        if total >= p:
            break
    return result
''',
    "sample_token": '''
def sample_token(logits, u):
    probabilities = softmax(logits)
    total = 0.0
    last_possible = 0
    for token, probability in enumerate(probabilities):
        if probability > 0:
            last_possible = token
        total += probability
        if total > u:
            return token
    return last_possible
''',
    "generate_cached": '''
def generate_cached(model, prompt_ids, max_new_tokens):
    sequence = np.array(prompt_ids)
    to_feed, cache = list(prompt_ids), None
    while True:
        logits, cache = model(to_feed, cache)
        sequence = np.append(sequence, np.argmax(logits[-1]))
        if len(sequence) == len(prompt_ids) + max_new_tokens:
            return [int(i) for i in sequence]
        to_feed = sequence[-1:]
''',
}
