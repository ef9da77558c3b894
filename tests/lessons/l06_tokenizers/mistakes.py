"""Lesson 06-tokenizers: wrong implementations students really write (each must lose points) and a correct
one written differently from the reference (it must get full marks). Each string replaces the
exercise's solution cell of the source notebook."""

TRAIN_TEMPLATE = '''
def bpe_train(text, vocab_size):
    ids = {start}
    merges = []
    for new_id in range(256, {stop}):
        counts = {{}}
        for pair in zip(ids, ids[1:]):
            counts[pair] = counts.get(pair, 0) + 1
        if not counts:
            break
        best = {best}
        merged, i = [], 0
        while i < {end}:
            if i + 1 < len(ids) and (ids[i], ids[i + 1]) == best:
                merged.append(new_id)
                i += 2
            else:
                merged.append(ids[i])
                i += 1
        {keep}
        merges.append((best, new_id))
    return merges
'''


def train(start="list(text.encode('utf-8'))", stop="vocab_size", best="max(counts, key=counts.get)",
          end="len(ids)", keep="ids = merged"):
    return TRAIN_TEMPLATE.format(start=start, stop=stop, best=best, end=end, keep=keep)


ENCODE_TEMPLATE = '''
def bpe_encode(text, merges):
    ranks = {{pair: rank for rank, (pair, _) in enumerate(merges)}}
    new_ids = dict(merges)
    ids = {start}
    while len(ids) >= 2:
        pairs = list(zip(ids, ids[1:]))
        {choose}
        if pair not in ranks:
            break
        merged, i = [], 0
        while i < {end}:
            if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
                merged.append(new_ids[pair])
                i += 2
            else:
                merged.append(ids[i])
                i += 1
        ids = merged
    return ids
'''


def encode(start="list(text.encode('utf-8'))", choose="pair = min(pairs, key=lambda p: ranks.get(p, float('inf')))",
           end="len(ids)"):
    return ENCODE_TEMPLATE.format(start=start, choose=choose, end=end)


DECODE_TEMPLATE = '''
def bpe_decode(ids, merges):
    vocab = {{i: bytes([i]) for i in range(256)}}
    for (a, b), new_id in merges:
        vocab[new_id] = {joined}
    return {decoded}
'''


def decode(joined="vocab[a] + vocab[b]",
           decoded="b''.join(vocab[i] for i in ids).decode('utf-8', errors='replace')"):
    return DECODE_TEMPLATE.format(joined=joined, decoded=decoded)


WORDPIECE_TEMPLATE = '''
import string


def wordpiece_tokenize(text, vocab, unk="[UNK]", max_chars_per_word=100):
    text = text.lower()
    text = {strip}
    words = []
    for chunk in text.split():
        current = ""
        for c in chunk:
            if {is_punctuation}:
                if current:
                    words.append(current)
                words.append(c)
                current = ""
            else:
                current += c
        if current:
            words.append(current)
    tokens = []
    for word in words:
        if len(word) {too_long} max_chars_per_word:
            tokens.append({unk})
            continue
        pieces, start, failed = [], 0, False
        while start < len(word):
            found = None
            for end in {ends}:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in vocab:
                    found = piece
                    break
            if found is None:
                failed = True
                break
            pieces.append(found)
            start += len(found) - (2 if start else 0)
        {on_failure}
    return tokens
'''


def wordpiece(strip='"".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")',
              is_punctuation='unicodedata.category(c).startswith("P") or (c.isascii() and not c.isalnum())',
              too_long=">", unk="unk", ends="range(len(word), start, -1)",
              on_failure="tokens += [unk] if failed else pieces"):
    return WORDPIECE_TEMPLATE.format(strip=strip, is_punctuation=is_punctuation, too_long=too_long, unk=unk,
                                     ends=ends, on_failure=on_failure)


MISTAKES = {
    "bpe_train": {
        "ties go to the smallest pair (sorted by count, then pair)":
            train(best="sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]"),
        "ties go to the largest pair": train(best="max(counts, key=lambda pair: (counts[pair], pair))"),
        "characters instead of UTF-8 bytes": train(start="[ord(c) for c in text]"),
        "one merge too many": train(stop="vocab_size + 1"),
        "the merged sequence is not kept": train(keep="pass"),
        "the merge loop drops the last ID": train(end="len(ids) - 1"),
        "no early stop when no pair is left": train().replace("        if not counts:\n            break\n", ""),
    },
    "bpe_encode": {
        "the leftmost mergeable pair first": encode(
            choose="pair = next((p for p in pairs if p in ranks), None)"),
        "the latest-learned merge first": encode(
            choose="pair = max(pairs, key=lambda p: ranks.get(p, -1))"),
        "characters instead of UTF-8 bytes": encode(start="[ord(c) for c in text]"),
        "the merge loop drops the last ID": encode(end="len(ids) - 1"),
        "the most frequent mergeable pair first": encode(
            choose="pair = max(pairs, key=lambda p: (p in ranks, pairs.count(p)))"),
    },
    "bpe_decode": {
        "each token decoded on its own": decode(
            decoded="''.join(vocab[i].decode('utf-8', errors='replace') for i in ids)"),
        "errors='ignore'": decode(decoded="b''.join(vocab[i] for i in ids).decode('utf-8', errors='ignore')"),
        "one character per byte (latin-1)": decode(decoded="b''.join(vocab[i] for i in ids).decode('latin-1')"),
        "strict decoding": decode(decoded="b''.join(vocab[i] for i in ids).decode('utf-8')"),
        "merged tokens assumed to merge two bytes": decode(joined="bytes([a, b])"),
    },
    "pretokenize": {
        "Python's re": '''
import re


def pretokenize(text, pattern=GPT4_SPLIT_PATTERN):
    return re.findall(pattern, text)
''',
        "regex.split instead of findall": '''
def pretokenize(text, pattern=GPT4_SPLIT_PATTERN):
    return regex.split(pattern, text)
''',
        "the pattern argument ignored": '''
def pretokenize(text, pattern=GPT4_SPLIT_PATTERN):
    return regex.findall(GPT4_SPLIT_PATTERN, text)
''',
        "whitespace-only chunks dropped": '''
def pretokenize(text, pattern=GPT4_SPLIT_PATTERN):
    return [chunk for chunk in regex.findall(pattern, text) if chunk.strip()]
''',
        "str.split": '''
def pretokenize(text, pattern=GPT4_SPLIT_PATTERN):
    return text.split()
''',
    },
    "wordpiece_tokenize": {
        "shortest match first": wordpiece(ends="range(start + 1, len(word) + 1)"),
        "only the unspellable rest becomes [UNK]": wordpiece(
            on_failure="tokens += pieces + ([unk] if failed else [])"),
        "accents kept": wordpiece(strip="text"),
        "accents stripped by encoding to ASCII": wordpiece(
            strip='unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode("ascii")'),
        "string.punctuation only": wordpiece(is_punctuation="c in string.punctuation"),
        "[UNK] hard-coded": wordpiece(unk='"[UNK]"', on_failure='tokens += ["[UNK]"] if failed else pieces'),
        "a word of exactly max_chars_per_word characters is [UNK]": wordpiece(too_long=">="),
    },
}

ALTERNATIVES = {
    "bpe_train": '''
from collections import Counter


def bpe_train(text, vocab_size):
    sequence = list(text.encode("utf-8"))
    merges = []
    while 256 + len(merges) < vocab_size and len(sequence) > 1:
        # a Counter keeps the order pairs were first seen in, and most_common keeps it among equal counts
        (pair, _), = Counter(zip(sequence, sequence[1:])).most_common(1)
        new_id = 256 + len(merges)
        rewritten = []
        for token in sequence:
            # a token just merged is new_id, never pair[0]: matches cannot overlap
            if rewritten and rewritten[-1] == pair[0] and token == pair[1]:
                rewritten[-1] = new_id
            else:
                rewritten.append(token)
        sequence = rewritten
        merges.append((pair, new_id))
    return merges
''',
    "bpe_encode": '''
def bpe_encode(text, merges):
    # every merge once, in the order learned, over the whole sequence
    ids = list(text.encode("utf-8"))
    for pair, new_id in merges:
        if pair not in set(zip(ids, ids[1:])):
            continue
        out = []
        for token in ids:
            if out and out[-1] == pair[0] and token == pair[1]:
                out[-1] = new_id
            else:
                out.append(token)
        ids = out
    return ids
''',
    "bpe_decode": '''
def bpe_decode(ids, merges):
    parts = {new_id: pair for pair, new_id in merges}

    def spell(token_id):
        if token_id < 256:
            return bytes([token_id])
        left, right = parts[token_id]
        return spell(left) + spell(right)

    return bytes().join(map(spell, ids)).decode("utf-8", "replace")
''',
    "pretokenize": '''
def pretokenize(text, pattern=GPT4_SPLIT_PATTERN):
    return [match.group() for match in regex.finditer(pattern, text)]
''',
    "wordpiece_tokenize": '''
def _is_punctuation(c):
    return unicodedata.category(c)[0] == "P" or (ord(c) < 128 and not c.isalnum() and not c.isspace())


def wordpiece_tokenize(text, vocab, unk="[UNK]", max_chars_per_word=100):
    plain = "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")
    spaced = "".join(f" {c} " if _is_punctuation(c) else c for c in plain)
    output = []
    for word in spaced.split():
        if len(word) > max_chars_per_word:
            output.append(unk)
            continue
        rest, prefix, pieces = word, "", []
        while rest:
            for size in range(len(rest), 0, -1):
                if prefix + rest[:size] in vocab:
                    pieces.append(prefix + rest[:size])
                    rest, prefix = rest[size:], "##"
                    break
            else:
                pieces = [unk]
                break
        output.extend(pieces)
    return output
''',
}
