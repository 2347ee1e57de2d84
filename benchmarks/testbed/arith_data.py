"""Arithmetic problems, their step-by-step traces and their Qwen3 chat rendering.

A problem is an addition of two 1-6 digit numbers or a 1-6 digit number times a digit 2-9. The
thinking trace works least-significant digit first and restates the remaining operands before each
column, so every step is a local lookup:

    4821+379
    1+9+0=10 r0 c1
    482+37
    2+7+1=10 r00 c1
    ...
    4+
    4+0+1=5 r5200 c0

The rendering is exactly what engine/text/chat_template.cpp produces for a single user turn, with the
generation prompt, plus `<think>\\n\\n</think>\\n\\n` when thinking is off (enable_thinking=false).
"""

import random

ADD_FRACTION = 0.7
MAX_DIGITS = 6


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


def addition_trace(a, b):
    lines = [f"{a}+{b}"]
    ra, rb, carry, result = str(a), str(b), 0, ""
    while True:
        da = int(ra[-1]) if ra else 0
        db = int(rb[-1]) if rb else 0
        s = da + db + carry
        result = str(s % 10) + result
        carry = s // 10
        ra, rb = ra[:-1], rb[:-1]
        lines.append(f"{da}+{db}+{s - da - db}={s} r{result} c{carry}")
        if not ra and not rb and carry == 0:
            break
        lines.append(f"{ra}+{rb}")
    return lines, result


def multiplication_trace(a, m):
    lines = [f"{a}*{m}"]
    ra, carry, result = str(a), 0, ""
    while True:
        da = int(ra[-1]) if ra else 0
        p = da * m + carry
        lines.append(f"{da}*{m}+{carry}={p} r{p % 10}{result} c{p // 10}")
        result = str(p % 10) + result
        carry = p // 10
        ra = ra[:-1]
        if not ra and carry == 0:
            break
        lines.append(f"{ra}*{m}")
    return lines, result


def trace(problem):
    if problem["op"] == "add":
        lines, result = addition_trace(problem["a"], problem["b"])
    else:
        lines, result = multiplication_trace(problem["a"], problem["b"])
    if result.lstrip("0") != problem["answer"].lstrip("0") or int(result) != int(problem["answer"]):
        raise AssertionError(f"trace of {problem['question']} ends at {result}, not {problem['answer']}")
    return "\n".join(lines)


def final_answer(problem):
    return "The answer is \\boxed{" + problem["answer"] + "}"


def prompt_text(question, thinking):
    """The prompt as the engine's Qwen3 template renders one user turn with the generation prompt."""
    text = "<|im_start|>user\n" + question + "<|im_end|>\n<|im_start|>assistant\n"
    if not thinking:
        text += "<think>\n\n</think>\n\n"
    return text


def completion_text(problem, thinking):
    """What the model is trained to produce after the prompt (ends with the <|im_end|> stop token)."""
    if thinking:
        return "<think>\n" + trace(problem) + "\n</think>\n\n" + final_answer(problem) + "<|im_end|>"
    return final_answer(problem) + "<|im_end|>"


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


def training_stream(seed, exclude, nothink_fraction):
    """An endless, seeded stream of (problem, thinking) pairs, skipping the held-out questions."""
    rng = random.Random(f"train-{seed}-{nothink_fraction}")
    while True:
        p = random_problem(rng)
        if p["question"] in exclude:
            continue
        yield p, rng.random() >= nothink_fraction
