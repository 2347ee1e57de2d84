#!/usr/bin/python3
"""Trains the testbed model: a tiny qwen3_moe (hidden 128, 4 layers, 16 experts top-2) that solves
addition and digit multiplication with a step-by-step <think> trace, and exports it as a Hugging
Face checkpoint the in-tree engine loads.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 benchmarks/testbed/train.py \\
        --out benchmarks/testbed/model --data-dir benchmarks/testbed/data

Seeded and step-counted: the same arguments give the same weights. Writes
  OUT/{config.json, model.safetensors, tokenizer.json, tokenizer_config.json, generation_config.json}
  DATA_DIR/heldout.jsonl        the held-out problems (id, question, answer, op, digits)
  DATA_DIR/torch_greedy.jsonl   greedy outputs of the trained torch model on the first
                                --reference-problems held-out problems, thinking and not
  DATA_DIR/train_summary.json   arguments, losses, wall time, held-out greedy accuracies
Needs Debian's python3-torch; with libopenblas0-pthread and OPENBLAS_NUM_THREADS=1 it is ~10x faster
than with the reference BLAS.
"""

import argparse
import importlib.util
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before torch loads the BLAS: 2 spinning threads are slower

sys.dont_write_bytecode = True  # keep the source tree clean when tests run the script
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="checkpoint directory to write")
    p.add_argument("--data-dir", required=True, help="where heldout.jsonl, torch_greedy.jsonl and train_summary.json go")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--init", help="start from this checkpoint (its BPE merges are kept first, the vocabulary is "
                                  "extended; embedding rows follow their tokens) instead of random weights")
    p.add_argument("--steps", type=int, default=3500, help="phase 1 optimizer steps")
    p.add_argument("--nothink-fraction", type=float, default=0.1, help="phase 1 share of no-think examples")
    p.add_argument("--prefill-fraction", type=float, default=0.05,
                   help="share of examples after the NoThinking prefill (both phases)")
    p.add_argument("--cap-fraction", type=float, default=0.15,
                   help="share of examples with thinking cut after a random token count, closed, then answered")
    p.add_argument("--extend-fraction", type=float, default=0.05,
                   help="share of examples with \"Wait\" in place of </think> and one more re-check pass")
    p.add_argument("--phase2-steps", type=int, default=1200, help="phase 2 steps (0: none)")
    p.add_argument("--phase2-nothink-fraction", type=float, default=0.2)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--phase2-lr", type=float, default=1e-3)
    p.add_argument("--warmup", type=int, default=60)
    p.add_argument("--batch-tokens", type=int, default=4096, help="padded tokens per batch")
    p.add_argument("--aux-coef", type=float, default=0.01, help="load-balancing loss coefficient")
    p.add_argument("--heldout", type=int, default=500, help="held-out problems (never trained on)")
    p.add_argument("--eval-problems", type=int, default=500, help="held-out problems to score after training")
    p.add_argument("--reference-problems", type=int, default=100, help="problems in torch_greedy.jsonl")
    p.add_argument("--max-new-tokens", type=int, default=900)
    p.add_argument("--threads", type=int, default=1,
                   help="torch intra-op threads (1: on a shared 2-core machine 2 threads spin and run 3-5x slower)")
    p.add_argument("--log-every", type=int, default=25)
    p.add_argument("--eval-only", action="store_true", help="skip training: load --out and redo the evaluation files")
    a = p.parse_args(argv)
    for name in ("steps", "phase2_steps", "heldout", "eval_problems", "reference_problems"):
        if getattr(a, name) < 0:
            p.error(f"--{name.replace('_', '-')} must be >= 0")
    if a.eval_problems > a.heldout or a.reference_problems > a.heldout:
        p.error("--eval-problems and --reference-problems cannot exceed --heldout")
    if a.eval_only and not os.path.isfile(os.path.join(a.out, "config.json")):
        p.error(f"--eval-only: {a.out} has no config.json (train first, or point --out at a checkpoint)")
    if a.init and not os.path.isfile(os.path.join(a.init, "config.json")):
        p.error(f"--init: {a.init} has no config.json")
    if a.batch_tokens < 512:
        p.error("--batch-tokens must be >= 512 (a longer example gets a batch of its own)")
    for name in ("nothink_fraction", "phase2_nothink_fraction", "prefill_fraction", "cap_fraction", "extend_fraction"):
        if not 0 <= getattr(a, name) <= 1:
            p.error(f"--{name.replace('_', '-')} must be in [0, 1]")
    if max(a.nothink_fraction, a.phase2_nothink_fraction) + a.prefill_fraction + a.cap_fraction + a.extend_fraction > 1:
        p.error("the no-think, prefill, cap and extend fractions of a phase must sum to at most 1")
    return a


def main(argv):
    args = parse_args(argv)
    if importlib.util.find_spec("torch") is None:  # a clear message, and a distinct exit code
        print("train.py: PyTorch is not installed (apt-get install python3-torch)", file=sys.stderr)
        return 3
    import training
    try:
        training.run(args, argv)
    except (OSError, ValueError, KeyError) as e:  # unreadable or foreign checkpoint files, full disks
        print(f"train.py: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
