"""Thinking-budget policies simulated in torch on the held-out problems (greedy), to show that the
testbed gives each of them something to act on:

- NoThinking: the prefill `<think>\\nOkay, I think I have finished thinking.\\n</think>\\n\\n`, then the answer.
- s1 budget cap N: the first N thinking tokens of the greedy trace (the `<think>` token counts), then
  `\\n</think>\\n\\n` appended, then the model answers. Traces shorter than N are left alone.
- s1 extension: where the model writes `</think>`, "Wait" replaces it and the model continues (K times).
- TrimR with an extract verifier: the thinking text is split into thoughts where a reflection marker
  starts a line ("Wait"); a regex pulls the answer out of each thought; after M = 2 consecutive thoughts
  with equal answers the thinking is cut at the end of that thought, as the engine's `trimr` policy
  cuts it (`cut_at: boundary`): the tokens decoded after it (the newline and the next marker) are
  dropped, `\\n</think>\\n\\n` is appended, and the model answers.

Thinking tokens are the tokens from `<think>` to the last one before `</think>` (or before the cut plus
what the policy generated); the injected close and the answer are not thinking tokens.
"""

import re

import arith_data
from model import greedy

ANSWER_RE = re.compile(r"answer is (\d+)")
MARKERS = ("Wait",)  # TrimR's reflection markers that occur in the testbed's traces
CAPS = (16, 32, 64, 96, 128, 160, 192, 256, 320, 384, 512)


def boxed(text):
    m = re.search(r"\\boxed\{([^}]*)\}", text)
    return m.group(1) if m else None


def split_thinking(ids, think_end):
    """The thinking part of a greedy output: ids up to (excluding) `</think>`, or None if never closed."""
    return ids[:ids.index(think_end)] if think_end in ids else None


def thoughts(tok, thinking_ids):
    """[(start index of the thought's first token, end index (exclusive), its text)]: a new thought begins
    at a token that starts a marker at a line start (the previous token ends with a newline)."""
    starts = [0]
    for i in range(1, len(thinking_ids)):
        if tok.decode(thinking_ids[i - 1:i]).endswith("\n") and tok.decode(thinking_ids[i:i + 1]) in MARKERS:
            starts.append(i)
    bounds = starts + [len(thinking_ids)]
    return [(bounds[j], bounds[j + 1], tok.decode(thinking_ids[bounds[j]:bounds[j + 1]])) for j in range(len(starts))]


def trimr_cut(tok, thinking_ids, m=2):
    """The number of thinking tokens TrimR (extract verifier, M equal answers) keeps: the thought that
    completed the run of M consecutive equal answers, its trailing newline tokens excluded (the
    engine rewinds to there); None = no cut."""
    ts = thoughts(tok, thinking_ids)
    run, last = 0, None
    for j, (_start, end, text) in enumerate(ts):
        found = ANSWER_RE.findall(text)
        if not found:
            continue  # a thought without an answer neither counts nor resets (p1 says "no answer")
        answer = found[-1]
        run = run + 1 if answer == last else 1
        last = answer
        if run >= m and j + 1 < len(ts):
            while end > 0 and tok.decode(thinking_ids[end - 1:end]).strip() == "":
                end -= 1
            return end
    return None


def answer_after(model, tok, prefixes, stops, max_new=40):
    """Greedy answers (decoded text) after each prefix (prompt + cut thinking + close)."""
    out = []
    for i in range(0, len(prefixes), 100):
        for ids in greedy(model, prefixes[i:i + 100], stops, max_new):
            out.append(tok.decode([t for t in ids if t not in stops]))
    return out


def study(model, tok, problems, think_outputs, args, log):
    """All policies on `problems`, given the greedy thinking outputs (generated ids per problem)."""
    stops = {tok.token("<|im_end|>"), tok.token("<|endoftext|>")}
    think_end = tok.token("</think>")
    close = tok.encode(arith_data.CAP_CLOSE)
    prompts = [tok.encode(arith_data.prompt_text(p["question"], True)) for p in problems]
    thinking = [split_thinking(o, think_end) for o in think_outputs]
    base_ok = [boxed(tok.decode([t for t in o if t not in stops])) == p["answer"]
               for p, o in zip(problems, think_outputs)]
    base_tokens = [len(t) if t is not None else len(o) for t, o in zip(thinking, think_outputs)]
    n = max(1, len(problems))
    result = {"n": len(problems), "thinking": {"accuracy": sum(base_ok) / n, "mean_thinking_tokens":
                                               sum(base_tokens) / n}}

    # NoThinking prefill.
    prefill = tok.encode(arith_data.NOTHINKING_PREFILL)
    texts = answer_after(model, tok, [q + prefill for q in prompts], stops)
    ok = [boxed(t) == p["answer"] for t, p in zip(texts, problems)]
    result["nothinking_prefill"] = {"accuracy": sum(ok) / n,
                                    "reopened_think": sum("<think>" in t for t in texts)}
    log(f"nothinking prefill: {result['nothinking_prefill']}")

    # Budget caps.
    caps = []
    for cap in CAPS:
        idx = [i for i, t in enumerate(thinking) if t is not None and len(t) > cap]
        texts = answer_after(model, tok, [prompts[i] + thinking[i][:cap] + close for i in idx], stops)
        ok = list(base_ok)
        for i, t in zip(idx, texts):
            ok[i] = boxed(t) == problems[i]["answer"]
        tokens = [min(cap, b) for b in base_tokens]
        caps.append({"cap": cap, "accuracy": sum(ok) / n, "mean_thinking_tokens": sum(tokens) / n, "cut": len(idx)})
        log(f"budget cap {cap}: {caps[-1]}")
    result["budget_cap"] = caps

    # TrimR, extract verifier, M = 2.
    cuts = [trimr_cut(tok, t) if t is not None else None for t in thinking]
    idx = [i for i, c in enumerate(cuts) if c is not None]
    texts = answer_after(model, tok, [prompts[i] + thinking[i][:cuts[i]] + close for i in idx], stops)
    ok = list(base_ok)
    tokens = list(base_tokens)
    for i, t in zip(idx, texts):
        ok[i] = boxed(t) == problems[i]["answer"]
        tokens[i] = cuts[i]
    saved = 1 - sum(tokens) / max(1, sum(base_tokens))
    result["trimr_extract"] = {"accuracy": sum(ok) / n, "mean_thinking_tokens": sum(tokens) / n,
                               "tokens_saved": saved, "cut": len(idx)}
    log(f"trimr (extract, M=2): {result['trimr_extract']}")

    # s1 extension: "Wait" instead of </think>, up to K times.
    wait = tok.encode("Wait")
    ext = []
    ok = list(base_ok)
    current = [prompts[i] + thinking[i] if thinking[i] is not None else None for i in range(len(problems))]
    tokens = list(base_tokens)
    for k in (1, 2):
        idx = [i for i, c in enumerate(current) if c is not None]
        outs = []
        for j in range(0, len(idx), 100):
            outs += greedy(model, [current[i] + wait for i in idx[j:j + 100]], stops, args.max_new_tokens)
        for i, o in zip(idx, outs):
            ok[i] = boxed(tok.decode([t for t in o if t not in stops])) == problems[i]["answer"]
            more = split_thinking(o, think_end)
            tokens[i] += len(wait) + (len(more) if more is not None else len(o))
            current[i] = current[i] + wait + more if more is not None else None
        ext.append({"extensions": k, "accuracy": sum(ok) / n, "mean_thinking_tokens": sum(tokens) / n})
        log(f"wait extension x{k}: {ext[-1]}")
    result["wait_extension"] = ext
    return result
