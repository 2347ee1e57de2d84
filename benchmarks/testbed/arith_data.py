"""Arithmetic problems, their step-by-step traces (with re-checks and slips) and their Qwen3 chat rendering.

A problem is an addition of two 1-6 digit numbers or a 1-6 digit number times a digit 2-9. One *pass*
works least-significant digit first, restates the remaining operands before each column (so every step
is a local lookup) and ends with an answer line:

    4821+379
    1+9+0=10 r0 c1
    482+37
    2+7+1=10 r00 c1
    ...
    4+
    4+0+1=5 r5200 c0
    so the answer is 5200

The thinking trace is a first pass followed by `rechecks(problem)` re-check passes, each introduced by
a reflection line at a line start ("Wait, let me check:" for the first, "Wait, let me check again:"
after that) and recomputing the problem from scratch. The number of re-checks is a function of the
first operand's last digit (visible in the question and in the first column line), so greedy decoding
reproduces it: 0 (digits 0-1), 1 (2-3), 2 (4-5) or 3 (6-9). In the first pass only, the model makes a
deterministic *slip* (`slips()`): in addition it drops an incoming carry into a column whose digits sum
to 9; in multiplication it drops the incoming carry into a column whose digit equals the multiplier.
A slipped first pass ends with a wrong answer line and the first re-check corrects it; with no re-check
(digits 0-1) the slip stands and the final answer is wrong (underthinking: a "Wait" extension fixes it).
After `</think>` the model writes `The answer is \\boxed{N}` with N from the last answer line.

The rendering is exactly what engine/text/chat_template.cpp produces for a single user turn, with the
generation prompt, plus `<think>\\n\\n</think>\\n\\n` when thinking is off (enable_thinking=false).
"""

import random

ADD_FRACTION = 0.7
MAX_DIGITS = 6

ANSWER_PREFIX = "so the answer is "          # every pass ends with this line + the number
FIRST_CHECK = "Wait, let me check:"          # line that opens the first re-check pass
LATER_CHECK = "Wait, let me check again:"    # line that opens every later re-check pass
NOTHINKING_PREFILL = "<think>\nOkay, I think I have finished thinking.\n</think>\n\n"
CAP_CLOSE = "\n</think>\n\n"                 # what a budget cap appends after the cut thinking
CONCLUDE_CLOSE = "\nOkay, I think I have finished thinking.\n</think>\n\n"  # a cap with a conclude line

# Training mixes: kind -> share. "think": full trace; "nothink": enable_thinking=false; "prefill": the
# NoThinking prefill, then the answer; "cap": thinking cut after a random number of tokens, closed, then
# the answer (loss on the answer only); "extend": the full trace, "Wait" instead of </think>, then one
# more re-check pass, the close and the answer (loss on what follows "Wait").
KINDS = ("think", "nothink", "prefill", "cap", "extend")


def random_number(rng, digits):
    if digits == 1:
        return rng.randint(0, 9)
    return rng.randint(10 ** (digits - 1), 10 ** digits - 1)


def random_problem(rng):
    """(question, answer, op, operand digit counts)."""
    if rng.random() < ADD_FRACTION:
        a = random_number(rng, rng.randint(1, MAX_DIGITS))
        b = random_number(rng, rng.randint(1, MAX_DIGITS))
        return {"question": f"{a}+{b}", "answer": str(a + b), "op": "add", "a": a, "b": b}
    a = random_number(rng, rng.randint(1, MAX_DIGITS))
    b = rng.randint(2, 9)
    return {"question": f"{a}*{b}", "answer": str(a * b), "op": "mul", "a": a, "b": b}


def digits_of(problem):
    """The longer operand's digit count (the difficulty measure used in reports)."""
    return max(len(str(problem["a"])), len(str(problem["b"])))


def rechecks(problem):
    """Re-check passes after the first one: a function of the first operand's last digit."""
    return (0, 0, 1, 1, 2, 2, 3, 3, 3, 3)[problem["a"] % 10]


def addition_pass(a, b, slip):
    lines = [f"{a}+{b}"]
    ra, rb, carry, result = str(a), str(b), 0, ""
    while True:
        da = int(ra[-1]) if ra else 0
        db = int(rb[-1]) if rb else 0
        if slip and carry == 1 and da + db == 9:
            carry = 0  # the slip: the incoming carry is forgotten
        s = da + db + carry
        result = str(s % 10) + result
        lines.append(f"{da}+{db}+{carry}={s} r{result} c{s // 10}")
        carry = s // 10
        ra, rb = ra[:-1], rb[:-1]
        if not ra and not rb and carry == 0:
            break
        lines.append(f"{ra}+{rb}")
    return lines, result


def multiplication_pass(a, m, slip):
    lines = [f"{a}*{m}"]
    ra, carry, result = str(a), 0, ""
    while True:
        da = int(ra[-1]) if ra else 0
        if slip and carry > 0 and da == m:
            carry = 0  # the slip: the incoming carry is forgotten
        p = da * m + carry
        lines.append(f"{da}*{m}+{carry}={p} r{p % 10}{result} c{p // 10}")
        result = str(p % 10) + result
        carry = p // 10
        ra = ra[:-1]
        if not ra and carry == 0:
            break
        lines.append(f"{ra}*{m}")
    return lines, result


def one_pass(problem, slip):
    """(text of one pass ending with its answer line, the number it answers)."""
    if problem["op"] == "add":
        lines, result = addition_pass(problem["a"], problem["b"], slip)
    else:
        lines, result = multiplication_pass(problem["a"], problem["b"], slip)
    number = str(int(result))
    if not slip and number != problem["answer"]:
        raise AssertionError(f"trace of {problem['question']} ends at {result}, not {problem['answer']}")
    return "\n".join(lines) + "\n" + ANSWER_PREFIX + number, number


def slips(problem):
    """Whether the first pass slips (its answer differs from the true one)."""
    return one_pass(problem, True)[1] != problem["answer"]


def check_line(index):
    """The reflection line that opens re-check pass `index` (1-based)."""
    return FIRST_CHECK if index == 1 else LATER_CHECK


def passes(problem, extra=0):
    """[(pass text, its answer)]: the first (slip-prone) pass, rechecks(problem) + `extra` re-checks."""
    out = [one_pass(problem, True)]
    correct = one_pass(problem, False)
    for i in range(1, rechecks(problem) + extra + 1):
        out.append((check_line(i) + "\n" + correct[0], correct[1]))
    return out


def trace(problem, extra=0):
    """(thinking text between "<think>\\n" and "\\n</think>", the answer of its last pass)."""
    ps = passes(problem, extra)
    return "\n".join(text for text, _ in ps), ps[-1][1]


def final_answer_text(number):
    return "The answer is \\boxed{" + number + "}"


def final_answer(problem):
    return final_answer_text(problem["answer"])


def prompt_text(question, thinking):
    """The prompt as the engine's Qwen3 template renders one user turn with the generation prompt."""
    text = "<|im_start|>user\n" + question + "<|im_end|>\n<|im_start|>assistant\n"
    if not thinking:
        text += "<think>\n\n</think>\n\n"
    return text


def completion_text(problem, thinking):
    """What the model is trained to produce after the prompt (ends with the <|im_end|> stop token)."""
    if thinking:
        text, answer = trace(problem)
        return "<think>\n" + text + "\n</think>\n\n" + final_answer_text(answer) + "<|im_end|>"
    return final_answer(problem) + "<|im_end|>"


def last_answer(text):
    """The number of the last complete answer line in a (possibly cut) trace, or None."""
    at = text.rfind(ANSWER_PREFIX)
    while at >= 0:
        rest = text[at + len(ANSWER_PREFIX):]
        digits = rest.split("\n", 1)[0]
        if "\n" in rest and digits.isdigit():
            return digits
        at = text.rfind(ANSWER_PREFIX, 0, at)
    return None


def heldout_problems(seed, count):
    """`count` distinct problems from their own random stream; training never sees them."""
    rng = random.Random(f"heldout-{seed}")
    seen, out = set(), []
    while len(out) < count:
        p = random_problem(rng)
        if p["question"] in seen:
            continue
        seen.add(p["question"])
        out.append(p)
    return out


def training_stream(seed, exclude, mix):
    """An endless, seeded stream of (problem, kind, r) triples, skipping the held-out questions.
    `mix` maps each kind of KINDS to its share; r is a uniform number in [0, 1) (the cut point of a
    "cap" example, the extension count of an "extend" one)."""
    tag = ",".join(f"{k}={mix.get(k, 0):g}" for k in KINDS)
    rng = random.Random(f"train-{seed}-{tag}")
    kinds = [k for k in KINDS if mix.get(k, 0) > 0]
    weights = [mix[k] for k in kinds]
    while True:
        p = random_problem(rng)
        if p["question"] in exclude:
            continue
        yield p, rng.choices(kinds, weights)[0], rng.random()
