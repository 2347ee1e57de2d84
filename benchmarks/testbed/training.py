"""The training run behind train.py: data, tokenizer, model, optimizer, export and evaluation."""

import json
import math
import os
import random
import time

import torch
import torch.nn.functional as F

import arith_data
import bpe
import export
import policies
from model import Qwen3Moe, Shape, causal_mask, greedy, load_balancing_loss

MERGES = 47  # enough for every word of the traces ("Wait", " check", " again", " answer", ...) to be one token


def blas_name():
    try:
        with open("/proc/self/maps") as f:
            maps = f.read()
    except OSError:
        return "unknown"
    if "openblas" in maps:
        return "openblas"
    return "reference (slow: install libopenblas0-pthread)" if "libblas" in maps else "unknown"


TOKENIZER_MIX = {"think": 0.7, "nothink": 0.1, "prefill": 0.1, "cap": 0.1}


def build_tokenizer(seed, exclude, initial=()):
    stream = arith_data.training_stream(seed, exclude, TOKENIZER_MIX)
    texts = []
    for _ in range(5000):
        problem, kind, _r = next(stream)
        thinking = kind != "nothink"
        prompt = arith_data.prompt_text(problem["question"], thinking)
        if kind == "prefill":
            prompt += arith_data.NOTHINKING_PREFILL
        texts.append(prompt + arith_data.completion_text(problem, thinking and kind != "prefill"))
    return bpe.Tokenizer(bpe.learn_merges(texts, max(MERGES, len(initial)), initial))


@torch.no_grad()
def warm_start(model, tok, init_model, init_tok):
    """Copies `init_model`'s weights into `model`; embedding and lm_head rows move with their token
    (same bytes or same added-token text); a token the old vocabulary lacks starts from the mean of the
    rows of the old tokens its bytes encode to; padding rows keep their fresh initialisation."""
    new_state, old_state = model.state_dict(), init_model.state_dict()
    for name, value in old_state.items():
        if name not in ("embed_tokens", "lm_head"):
            new_state[name].copy_(value)
    old_id = {b: i for b, i in init_tok.id_of.items()}
    old_id.update({c.encode(): i for c, i in init_tok.added.items()})
    for name in ("embed_tokens", "lm_head"):
        old, new = old_state[name], new_state[name]
        for i in range(tok.size):
            content = tok.bytes_of[i]
            if content in old_id:
                new[i] = old[old_id[content]]
            else:
                new[i] = old[init_tok.encode(content.decode())].mean(0)


def example_ids(tok, problem, kind, r):
    """(prompt ids, completion ids) of one training example of `kind` (see arith_data.KINDS); the loss
    covers the completion only. `r` in [0, 1) picks the cut point of a "cap" example (and whether its
    close carries the conclude line) and the number of extra passes of an "extend" one."""
    question, end = problem["question"], "<|im_end|>"
    if kind == "nothink":
        return (tok.encode(arith_data.prompt_text(question, False)),
                tok.encode(arith_data.final_answer(problem) + end))
    prompt = tok.encode(arith_data.prompt_text(question, True))
    if kind == "think":
        return prompt, tok.encode(arith_data.completion_text(problem, True))
    if kind == "prefill":
        return (prompt + tok.encode(arith_data.NOTHINKING_PREFILL),
                tok.encode(arith_data.final_answer(problem) + end))
    if kind == "cap":
        # Thinking cut after a random number of tokens (as a budget cap cuts it), closed, then the answer:
        # the last complete answer line of the cut trace if there is one, else the true answer.
        text, _ = arith_data.trace(problem)
        thinking = tok.encode("<think>\n" + text)
        cut = 1 + int(r * len(thinking))
        close = arith_data.CONCLUDE_CLOSE if int(r * 1e6) % 3 == 0 else arith_data.CAP_CLOSE
        answer = arith_data.last_answer(tok.decode(thinking[:cut])) or problem["answer"]
        return (prompt + thinking[:cut] + tok.encode(close),
                tok.encode(arith_data.final_answer_text(answer) + end))
    if kind == "extend":
        # The whole trace, "Wait" where the model wrote </think> (s1's extension), then one more pass.
        passes = arith_data.passes(problem, 1 + int(r * 2))
        before = "<think>\n" + "\n".join(t for t, _ in passes[:-1]) + "\n"
        last, answer = passes[-1]
        return (prompt + tok.encode(before + "Wait"),
                tok.encode(last[len("Wait"):] + "\n</think>\n\n" + arith_data.final_answer_text(answer) + end))
    raise ValueError(f"unknown example kind {kind!r}")


def batches(tok, stream, rng, batch_tokens, pool=2048):
    """Endless length-bucketed batches: (ids [B, T], labels [B, T-1] with -100 outside completions)."""
    pad = tok.token("<|endoftext|>")
    while True:
        examples = [example_ids(tok, *next(stream)) for _ in range(pool)]
        examples.sort(key=lambda e: len(e[0]) + len(e[1]))
        groups, current = [], []
        for e in examples:
            length = len(e[0]) + len(e[1])
            if current and (len(current) + 1) * length > batch_tokens:
                groups.append(current)
                current = []
            current.append(e)
        if current:
            groups.append(current)
        rng.shuffle(groups)
        for group in groups:
            yield to_batch(group, pad)


def to_batch(group, pad):
    """[(prompt ids, completion ids)] -> (ids [B, T] right-padded, labels [B, T-1]: -100 outside completions)."""
    T = max(len(p) + len(c) for p, c in group)
    ids = torch.full((len(group), T), pad, dtype=torch.long)
    labels = torch.full((len(group), T - 1), -100, dtype=torch.long)
    for b, (p, c) in enumerate(group):
        seq = p + c
        ids[b, :len(seq)] = torch.tensor(seq)
        labels[b, len(p) - 1:len(seq) - 1] = torch.tensor(c)
    return ids, labels


def lr_at(step, steps, peak, warmup, floor=0.1):
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))


def phase_mix(args, nothink_fraction):
    """The phase's example mix: the given no-think share, the prefill / cap / extend shares, the rest thinking."""
    mix = {"nothink": nothink_fraction, "prefill": args.prefill_fraction, "cap": args.cap_fraction,
           "extend": args.extend_fraction}
    mix["think"] = 1.0 - sum(mix.values())
    if mix["think"] < 0:
        raise ValueError("--nothink/--prefill/--cap/--extend fractions sum to more than 1")
    return mix


def train_phase(model, opt, tok, args, name, steps, nothink_fraction, peak_lr, warmup, exclude, log):
    mix = phase_mix(args, nothink_fraction)
    stream = arith_data.training_stream(args.seed, exclude, mix)
    rng = random.Random(f"batches-{args.seed}-{name}")
    source = batches(tok, stream, rng, args.batch_tokens)
    mask_cache = {}
    start, tokens, history = time.time(), 0, []
    for step in range(steps):
        ids, labels = next(source)
        B, T = ids.shape
        if T not in mask_cache:
            mask_cache[T] = causal_mask(T)
        positions = torch.arange(T).unsqueeze(0).expand(B, T)
        logits, router = model(ids, positions, mask_cache[T])
        ce = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)
        valid = (ids != tok.token("<|endoftext|>")).reshape(-1)
        aux = load_balancing_loss(router, valid, model.s.experts, model.s.top_k)
        loss = ce + args.aux_coef * aux
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, peak_lr, warmup)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tokens += B * T
        if (step + 1) % args.log_every == 0 or step + 1 == steps:
            elapsed = time.time() - start
            row = {"phase": name, "step": step + 1, "ce": round(ce.item(), 4), "aux": round(aux.item(), 4),
                   "lr": round(opt.param_groups[0]["lr"], 6), "elapsed_s": round(elapsed, 1),
                   "tokens_per_s": round(tokens / max(elapsed, 1e-9))}
            history.append(row)
            log(json.dumps(row))
    return {"name": name, "steps": steps, "nothink_fraction": nothink_fraction, "mix": mix, "peak_lr": peak_lr,
            "wall_s": round(time.time() - start, 1), "final_ce": history[-1]["ce"] if history else None,
            "history": history}


def write_jsonl(path, rows):
    with open(path, "w") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")


@torch.no_grad()
def completion_ce(model, tok, problems, thinking):
    """Teacher-forced cross-entropy per completion token (what training minimises) on `problems`."""
    total, count = 0.0, 0
    for i in range(0, len(problems), 100):
        group = [(tok.encode(arith_data.prompt_text(p["question"], thinking)),
                  tok.encode(arith_data.completion_text(p, thinking))) for p in problems[i:i + 100]]
        ids, labels = to_batch(group, tok.token("<|endoftext|>"))
        B, T = ids.shape
        logits, _ = model(ids, torch.arange(T).unsqueeze(0).expand(B, T), causal_mask(T))
        total += F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100,
                                 reduction="sum").item()
        count += int((labels != -100).sum())
    return total / max(1, count)


def evaluate(model, tok, problems, args, log, outputs=None):
    """Greedy accuracy on `problems` in both modes (batched), overall and by op / operand length.
    `outputs`, when given, receives the generated ids per mode."""
    stops = {tok.token("<|im_end|>"), tok.token("<|endoftext|>")}
    result = {}
    outputs = {} if outputs is None else outputs
    for mode, thinking in (("thinking", True), ("no_thinking", False)):
        correct, outputs[mode] = [], []
        for i in range(0, len(problems), 100):
            chunk = problems[i:i + 100]
            prompts = [tok.encode(arith_data.prompt_text(p["question"], thinking)) for p in chunk]
            outs = greedy(model, prompts, stops, args.max_new_tokens)
            outputs[mode] += outs
            for p, out in zip(chunk, outs):
                text = tok.decode([t for t in out if t not in stops])
                correct.append(text.endswith("\\boxed{" + p["answer"] + "}"))
        by = {}
        for p, ok in zip(problems, correct):
            for key in (f"{p['op']}", f"digits_{arith_data.digits_of(p)}"):
                n, k = by.get(key, (0, 0))
                by[key] = (n + 1, k + int(ok))
        result[mode] = {"accuracy": sum(correct) / max(1, len(correct)), "n": len(correct),
                        "by": {k: round(v[1] / v[0], 3) for k, v in sorted(by.items())},
                        "completion_ce": round(completion_ce(model, tok, problems, thinking), 5),
                        "mean_completion_tokens": round(sum(map(len, outputs[mode])) / max(1, len(correct)), 1)}
        log(f"{mode}: {result[mode]}")
    return result


def reference_outputs(model, tok, problems, args):
    """Unbatched greedy outputs (prompt and generated ids, the stop token included)."""
    stops = {tok.token("<|im_end|>"), tok.token("<|endoftext|>")}
    rows = []
    for mode, thinking in (("thinking", True), ("no_thinking", False)):
        for p in problems:
            prompt = tok.encode(arith_data.prompt_text(p["question"], thinking))
            out = greedy(model, [prompt], stops, args.max_new_tokens)[0]
            rows.append({"id": p["id"], "mode": mode, "question": p["question"], "prompt_ids": prompt,
                         "output_ids": out, "text": tok.decode([t for t in out if t not in stops])})
    return rows


def run(args, argv):
    torch.set_num_threads(args.threads)
    os.makedirs(args.data_dir, exist_ok=True)
    log = lambda s: print(s, flush=True)
    log(f"torch {torch.__version__}, {args.threads} threads, BLAS: {blas_name()}, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}")

    heldout = arith_data.heldout_problems(args.seed, args.heldout)
    for i, p in enumerate(heldout):
        p["id"] = f"arith-{i:04d}"
    exclude = {p["question"] for p in heldout}
    started = time.time()
    phases = []
    if args.eval_only:
        model, tok = export.load_checkpoint(args.out)
    else:
        init = export.load_checkpoint(args.init) if args.init else None
        tok = build_tokenizer(args.seed, exclude, init[1].merges if init else ())
        shape = Shape()
        if tok.size > shape.vocab:
            raise SystemExit(f"tokenizer has {tok.size} tokens, more than the model's {shape.vocab} rows")
        log(f"tokenizer: {tok.size} tokens ({len(tok.merges)} merges), vocab rows {shape.vocab}")
        torch.manual_seed(args.seed)
        model = Qwen3Moe(shape)
        model.init_weights(torch.Generator().manual_seed(args.seed))
        if init:
            warm_start(model, tok, init[0], init[1])
            log(f"warm start from {args.init} ({init[1].size} tokens, {len(init[1].merges)} merges kept first)")
        log(f"parameters: {sum(p.numel() for p in model.parameters()):,}")
        decay = [p for p in model.parameters() if p.dim() >= 2]
        no_decay = [p for p in model.parameters() if p.dim() < 2]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                                lr=args.lr, betas=(0.9, 0.98))
        model.train()
        phases.append(train_phase(model, opt, tok, args, "phase1", args.steps, args.nothink_fraction, args.lr,
                                  args.warmup, exclude, log))
        if args.phase2_steps:
            phases.append(train_phase(model, opt, tok, args, "phase2", args.phase2_steps,
                                      args.phase2_nothink_fraction, args.phase2_lr, min(args.warmup, args.phase2_steps),
                                      exclude, log))
        model.eval()
        export.save_checkpoint(args.out, model, tok)
        log(f"checkpoint written to {args.out}")
    train_wall = time.time() - started

    rows = [{"id": p["id"], "question": p["question"], "answer": p["answer"], "op": p["op"],
             "digits": arith_data.digits_of(p)} for p in heldout]
    write_jsonl(os.path.join(args.data_dir, "heldout.jsonl"), rows)
    outputs = {}
    accuracy = evaluate(model, tok, heldout[:args.eval_problems], args, log, outputs) if args.eval_problems else {}
    study = (policies.study(model, tok, heldout[:args.eval_problems], outputs["thinking"], args, log)
             if args.eval_problems else {})
    write_jsonl(os.path.join(args.data_dir, "torch_greedy.jsonl"),
                reference_outputs(model, tok, heldout[:args.reference_problems], args))
    summary = {"command": "train.py " + " ".join(argv), "args": vars(args), "torch": torch.__version__,
               "blas": blas_name(), "train_wall_s": round(train_wall, 1), "phases": phases,
               "heldout_accuracy": accuracy, "policies": study}
    summary_name = "eval_summary.json" if args.eval_only else "train_summary.json"
    with open(os.path.join(args.data_dir, summary_name), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    log(f"done in {time.time() - started:.0f}s")
