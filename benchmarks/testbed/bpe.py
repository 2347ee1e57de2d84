"""A small byte-level BPE tokenizer with the same pipeline shape as Qwen3's tokenizer.json.

Pipeline (as Hugging Face `tokenizers` runs it): added tokens matched first (longest first), NFC,
split by the Qwen2 regex (digits one by one), ByteLevel without its own regex, BPE by merge rank.
The training data is ASCII, so the regex's \\p{L} / \\p{N} classes are written here as ASCII
classes and encode() refuses non-ASCII text instead of guessing.

Vocabulary: ids 0-255 are the 256 bytes (id = byte value), then one id per learned merge, then
the added tokens <|endoftext|>, <|im_start|>, <|im_end|> (special) and <think>, </think>.
"""

import collections
import json
import re

# The exact Qwen2/Qwen3 split regex (engine/text/pretokenizer.cpp recognises it by this text).
QWEN2_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
               r"\s*[\r\n]+|\s+(?!\S)|\s+")
# The same regex over ASCII text: \p{L} = [A-Za-z], \p{N} = [0-9].
_ASCII_REGEX = re.compile(r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\nA-Za-z0-9]?[A-Za-z]+|[0-9]| ?[^\sA-Za-z0-9]+[\r\n]*|"
                          r"\s*[\r\n]+|\s+(?!\S)|\s+")

ADDED_TOKENS = [("<|endoftext|>", True), ("<|im_start|>", True), ("<|im_end|>", True),
                ("<think>", False), ("</think>", False)]


def _bytes_to_unicode():
    """GPT-2's reversible byte -> printable character map used by ByteLevel."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


BYTE_CHAR = _bytes_to_unicode()


def byte_level(data: bytes) -> str:
    return "".join(BYTE_CHAR[b] for b in data)


def pretokenize(text):
    if not text.isascii():
        raise ValueError(f"the testbed tokenizer pipeline here handles ASCII text only: {text!r}")
    return _ASCII_REGEX.findall(text)


def split_added(text):
    """[(segment, is_added_token)], added tokens matched longest first, left to right."""
    names = sorted((t for t, _ in ADDED_TOKENS), key=len, reverse=True)
    out, i, start = [], 0, 0
    while i < len(text):
        hit = next((n for n in names if text.startswith(n, i)), None)
        if hit is None:
            i += 1
            continue
        if start < i:
            out.append((text[start:i], False))
        out.append((hit, True))
        i += len(hit)
        start = i
    if start < len(text):
        out.append((text[start:], False))
    return out


def learn_merges(texts, count, initial=()):
    """`count` merges in all: the `initial` ones (kept first, in their order: a vocabulary extended, not
    relearned), then merges learned greedily (most frequent adjacent pair; ties by smaller pair)."""
    pieces = collections.Counter()
    for text in texts:
        for segment, added in split_added(text):
            if not added:
                pieces.update(tuple(bytes([b]) for b in p.encode()) for p in pretokenize(segment))
    words = {w: c for w, c in pieces.items() if len(w) > 1}
    merges, initial = [], list(initial)
    for step in range(count):
        if step < len(initial):
            a, b = initial[step]
        else:
            pairs = collections.Counter()
            for w, c in words.items():
                for a, b in zip(w, w[1:]):
                    pairs[(a, b)] += c
            if not pairs:
                break
            (a, b), _ = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        merges.append((a, b))
        new_words = {}
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and w[i] == a and w[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new_words[tuple(out)] = new_words.get(tuple(out), 0) + c
        words = new_words
    return merges


class Tokenizer:
    def __init__(self, merges):
        self.merges = list(merges)
        self.id_of = {bytes([b]): b for b in range(256)}
        self.rank = {}
        for r, (a, b) in enumerate(self.merges):
            self.rank[(a, b)] = r
            self.id_of.setdefault(a + b, len(self.id_of))
        self.added = {}
        for content, _special in ADDED_TOKENS:
            self.added[content] = len(self.id_of) + len(self.added)
        self.bytes_of = {i: b for b, i in self.id_of.items()}
        for content, i in self.added.items():
            self.bytes_of[i] = content.encode()
        self.size = len(self.id_of) + len(self.added)
        self._cache = {}

    def token(self, content):
        return self.added[content]

    def _bpe(self, piece):
        ids = self._cache.get(piece)
        if ids is not None:
            return ids
        parts = [bytes([b]) for b in piece.encode()]
        while len(parts) > 1:
            best = min(range(len(parts) - 1), key=lambda i: (self.rank.get((parts[i], parts[i + 1]), 1 << 30), i))
            if (parts[best], parts[best + 1]) not in self.rank:
                break
            parts[best:best + 2] = [parts[best] + parts[best + 1]]
        ids = [self.id_of[p] for p in parts]
        self._cache[piece] = ids
        return ids

    def encode(self, text):
        ids = []
        for segment, added in split_added(text):
            if added:
                ids.append(self.added[segment])
            else:
                for piece in pretokenize(segment):
                    ids.extend(self._bpe(piece))
        return ids

    def decode(self, ids):
        return b"".join(self.bytes_of[i] for i in ids).decode("utf-8", errors="replace")

    def tokenizer_json(self):
        vocab = {byte_level(b): i for b, i in sorted(self.id_of.items(), key=lambda kv: kv[1])}
        added = [{"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
                  "normalized": False, "special": s} for (c, s), i in zip(ADDED_TOKENS, self.added.values())]
        byte_level_step = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": {"type": "NFC"},
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": QWEN2_REGEX}, "behavior": "Isolated", "invert": False},
                byte_level_step]},
            "post_processor": byte_level_step,
            "decoder": byte_level_step,
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                      "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                      "vocab": vocab, "merges": [[byte_level(a), byte_level(b)] for a, b in self.merges]},
        }

    @staticmethod
    def from_tokenizer_json(data):
        inverse = {c: b for b, c in BYTE_CHAR.items()}
        to_bytes = lambda s: bytes(inverse[ch] for ch in s)
        tok = Tokenizer([(to_bytes(a), to_bytes(b)) for a, b in data["model"]["merges"]])
        if json.dumps(tok.tokenizer_json(), sort_keys=True) != json.dumps(data, sort_keys=True):
            raise ValueError("tokenizer.json was not written by this module (vocabulary or pipeline differs)")
        return tok


# Qwen3 template semantics (the same Jinja as engine/text/tokenizer_writer.cpp's, which the engine's
# ChatTemplate recognises as the Qwen3 family by its <think> handling).
CHAT_TEMPLATE = (
    "{%- set ns = namespace(last_query_index=messages|length - 1, found=false) %}"
    "{%- for i in range(messages|length - 1, -1, -1) %}"
    "{%- if not ns.found and messages[i].role == 'user' %}"
    "{%- set ns.last_query_index = i %}{%- set ns.found = true %}{%- endif %}{%- endfor %}"
    "{%- for message in messages %}"
    "{%- if message.role == 'assistant' %}"
    "{%- set content = message.content %}{%- set reasoning = '' %}"
    "{%- if message.reasoning_content is defined and message.reasoning_content is not none %}"
    "{%- set reasoning = message.reasoning_content %}"
    "{%- elif '</think>' in content %}"
    "{%- set reasoning = content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}"
    "{%- set content = content.split('</think>')[-1].lstrip('\\n') %}{%- endif %}"
    "{%- if loop.index0 > ns.last_query_index and (loop.last or reasoning) %}"
    "{{- '<|im_start|>assistant\\n<think>\\n' + reasoning.strip('\\n') + '\\n</think>\\n\\n' + "
    "content.lstrip('\\n') + '<|im_end|>\\n' }}"
    "{%- else %}{{- '<|im_start|>assistant\\n' + content + '<|im_end|>\\n' }}{%- endif %}"
    "{%- else %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}"
    "{%- if enable_thinking is defined and enable_thinking is false %}{{- '<think>\\n\\n</think>\\n\\n' }}"
    "{%- endif %}{%- endif %}")


def tokenizer_config(tok):
    decoder = {str(tok.added[c]): {"content": c, "lstrip": False, "normalized": False, "rstrip": False,
                                   "single_word": False, "special": s} for c, s in ADDED_TOKENS}
    return {
        "add_bos_token": False,
        "add_prefix_space": False,
        "added_tokens_decoder": decoder,
        "additional_special_tokens": ["<|im_start|>", "<|im_end|>"],
        "bos_token": None,
        "chat_template": CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "eos_token": "<|im_end|>",
        "errors": "replace",
        "model_max_length": 1024,
        "pad_token": "<|endoftext|>",
        "split_special_tokens": False,
        "tokenizer_class": "Qwen2Tokenizer",
        "unk_token": None,
    }
