"""Lesson 06: Tokenizers (byte-level BPE, GPT-4's pre-tokenizer, BERT's WordPiece)."""

import unicodedata

import regex

# GPT-4's pre-tokenizer (tiktoken's cl100k_base): contractions, words with at most one leading
# non-letter, numbers of at most 3 digits, runs of punctuation, newlines, and runs of whitespace.
GPT4_SPLIT_PATTERN = (r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
                      r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s""")


def bpe_train(text, vocab_size):
    """Learn byte-level BPE merges from `text` until the vocabulary holds `vocab_size` tokens.

    text: str. Training works on its UTF-8 bytes, text.encode("utf-8"), so the first 256 token IDs
    are the 256 possible bytes: ID b is the byte b ("é" is the two bytes 195, 169).
    vocab_size: int >= 256; vocab_size - 256 merges are learned (fewer if the text runs out of pairs).

    Each merge:
    1. count every adjacent pair of IDs in the current sequence; pairs may overlap: in
       [97, 97, 97] the pair (97, 97) occurs twice;
    2. take the most frequent pair; among equally frequent pairs, the one whose first occurrence
       comes earliest in the current sequence;
    3. give it the next new ID: 256 for the first merge, then 257, ...;
    4. replace its occurrences in the sequence by the new ID, scanning left to right without
       overlaps: [97, 97, 97] becomes [256, 97].
    Stop early when the sequence has fewer than 2 IDs (no pair is left).

    Returns the merges in the order they were learned, a list of ((a, b), new_id) with int IDs.

    Example: bpe_train("aaabdaaabac", 259) -> [((97, 97), 256), ((256, 97), 257), ((257, 98), 258)]
    ("aa" occurs 4 times; then (256, 97) and (97, 98) occur twice each, and (256, 97) comes first;
    then (257, 98) occurs twice: the text is now [258, 100, 258, 97, 99]).
    """
    ### BEGIN SOLUTION
    ids = list(text.encode("utf-8"))
    merges = []
    for new_id in range(256, vocab_size):
        counts = {}
        for pair in zip(ids, ids[1:]):
            counts[pair] = counts.get(pair, 0) + 1
        if not counts:
            break
        # A dict keeps its keys in the order they were first seen, and max returns the first of
        # equal maxima: a tie goes to the pair that occurs first.
        best = max(counts, key=counts.get)
        merged, i = [], 0
        while i < len(ids):
            if i + 1 < len(ids) and (ids[i], ids[i + 1]) == best:
                merged.append(new_id)
                i += 2
            else:
                merged.append(ids[i])
                i += 1
        ids = merged
        merges.append((best, new_id))
    return merges
    ### END SOLUTION


def bpe_encode(text, merges):
    """Encode `text` as token IDs with learned BPE merges.

    text: str (for GPT-4, one chunk of `pretokenize`'s split); merges: a list of ((a, b), new_id)
    in the order they were learned, as `bpe_train` returns it (GPT-4's merges have the same form).

    Start from the UTF-8 bytes of text (IDs 0-255). Then repeat: among the adjacent pairs of the
    current sequence that have a merge, take the one learned earliest (the smallest index in
    `merges`) and replace its occurrences by its new_id, left to right without overlaps; stop when
    no adjacent pair has a merge. Merges are applied in the order they were learned, never by how
    often or where a pair occurs in this text.

    Returns the token IDs, a list of ints ([] for "").

    Example: with merges = bpe_train("aaabdaaabac", 259) = [((97, 97), 256), ((256, 97), 257),
    ((257, 98), 258)], bpe_encode("aaabdaaabac", merges) -> [258, 100, 258, 97, 99]. And
    bpe_encode("acccb", [((99, 99), 256), ((99, 98), 257), ((256, 99), 258)]) -> [97, 256, 257]:
    (99, 99) merges the first two c's, then (99, 98) goes before (256, 99), learned later.
    """
    ### BEGIN SOLUTION
    rank = {pair: index for index, (pair, _) in enumerate(merges)}
    new_ids = dict(merges)
    ids = list(text.encode("utf-8"))
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
    ### END SOLUTION


def bpe_decode(ids, merges):
    r"""Turn token IDs back into text.

    ids: a list of ints, each a byte (0-255) or a new_id of `merges` (a list of ((a, b), new_id),
    as for `bpe_encode`). Every token stands for bytes: ID b < 256 for the single byte b, a merged
    ID for the bytes of its pair (a, b), those of a followed by those of b.

    Join the bytes of all the tokens first, then decode the whole as UTF-8, once, with
    errors="replace": bytes that are not valid UTF-8 (a sequence that cuts a character in two)
    become the replacement character "\ufffd" (shown as �) instead of raising an error. A token
    may hold part of a character, so decoding token by token would break characters that
    straddle two tokens. Decoding what `bpe_encode` made gives back the text exactly.

    Returns a str.

    Example: with merges = bpe_train("aaabdaaabac", 259),
    bpe_decode([258, 100, 258, 97, 99], merges) -> "aaabdaaabac"; bpe_decode([195, 169], [])
    -> "é" (the two bytes of "é"), while bpe_decode([195], []) -> "\ufffd".
    """
    ### BEGIN SOLUTION
    token_bytes = {b: bytes([b]) for b in range(256)}
    for (a, b), new_id in merges:
        token_bytes[new_id] = token_bytes[a] + token_bytes[b]
    return b"".join(token_bytes[i] for i in ids).decode("utf-8", errors="replace")
    ### END SOLUTION


def pretokenize(text, pattern=GPT4_SPLIT_PATTERN):
    r"""Split `text` into chunks with the regular expression `pattern`, before BPE sees it.

    text: str; pattern: str, a regular expression for the `regex` package (which, unlike Python's
    `re`, knows the Unicode classes \p{L}, any letter, and \p{N}, any digit) without capturing
    groups. Returns the list of the pattern's successive matches in text, left to right (what
    regex.findall returns). GPT4_SPLIT_PATTERN matches every character, so with it
    "".join(pretokenize(text)) == text: no character is lost, not even whitespace.

    Example: pretokenize("Hello world!! It's 2024") ->
    ['Hello', ' world', '!!', ' It', "'s", ' ', '202', '4'].
    """
    ### BEGIN SOLUTION
    return regex.findall(pattern, text)
    ### END SOLUTION


def wordpiece_tokenize(text, vocab, unk="[UNK]", max_chars_per_word=100):
    """BERT's tokenizer (bert-base-uncased): text -> a list of WordPiece tokens (strings).

    text: str; vocab: dict token -> ID (only which tokens it holds matters); unk: the token for a
    word that cannot be spelled; max_chars_per_word: longer words become `unk` at once.

    1. Normalize: lowercase, then strip accents: unicodedata.normalize("NFD", ...) splits "é" into
       "e" and a combining accent; drop every character whose unicodedata.category is "Mn" (and
       keep the rest as NFD gave it).
    2. Split into words: whitespace (what str.split() splits on) separates words, and every
       punctuation character is a word of its own. Punctuation: a character whose
       unicodedata.category starts with "P", or an ASCII character that is not a letter, a digit
       or whitespace (so "$", "+" and "^" are punctuation too).
    3. WordPiece each word, greedy longest-match-first: take the longest prefix of the word that is
       in vocab; from where it ends, the longest piece that is in vocab with "##" in front
       ("##ization"); and so on to the end of the word. If no piece matches at some point, the
       whole word becomes `unk` (not just the part left). A word of more than max_chars_per_word
       characters becomes `unk` without trying.

    Returns the tokens, a list of str, without [CLS] and [SEP]. (The real tokenizer also deletes
    control characters and puts spaces around Chinese characters: the tests' texts have neither.)

    Example: with the bert-base-uncased vocabulary,
    wordpiece_tokenize("Héllo, CAPITALIZATION! 🎵", vocab) ->
    ['hello', ',', 'capital', '##ization', '!', '[UNK]'].
    """
    ### BEGIN SOLUTION
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    words = []
    for chunk in text.split():
        word = ""
        for c in chunk:
            if unicodedata.category(c).startswith("P") or (c.isascii() and not c.isalnum()):
                words += [word, c] if word else [c]
                word = ""
            else:
                word += c
        if word:
            words.append(word)
    tokens = []
    for word in words:
        if len(word) > max_chars_per_word:
            tokens.append(unk)
            continue
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start and ("##" if start else "") + word[start:end] not in vocab:
                end -= 1
            if end == start:
                pieces = [unk]
                break
            pieces.append(("##" if start else "") + word[start:end])
            start = end
        tokens += pieces
    return tokens
    ### END SOLUTION
