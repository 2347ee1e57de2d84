#!/usr/bin/python3
"""Peer for the Jinja renderer: Jinja2 (Debian's python3-jinja2) in the environment transformers'
apply_chat_template builds, and its rendering steps, so tests can compare byte for byte.

Environment (transformers' _compile_jinja_template): ImmutableSandboxedEnvironment(trim_blocks=True,
lstrip_blocks=True) with the loopcontrols extension and the {% generation %} tag, a `tojson` filter that keeps non-ASCII
(json.dumps(x, ensure_ascii=False, indent=..., separators=..., sort_keys=...)), and the globals
raise_exception (raises TemplateError) and strftime_now.

stdin: one JSON object {"templates": [{"text": ..., "special_tokens": {...}}, ...],
                        "cases": [case, ...]}, where a case is either
  {"template": i, "variables": {...}}  : the template rendered with exactly these variables, or
  {"template": i, "messages": [...], "tools"?, "documents"?, "add_generation_prompt"?,
   "continue_final_message"?, "chat_template_kwargs"?} : apply_chat_template's rendering
   (special tokens, then kwargs, as template variables; continue_final_message's tag method).
stdout: one JSON line per case, {"text": rendered} or {"error": exception type, "message": str(e)}.
A template that does not compile gives the error for each of its cases.
"""
import json
import sys
from datetime import datetime

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

CONTINUE_TAG = "CONTINUE_FINAL_MESSAGE_TAG "


class AssistantTracker(jinja2.ext.Extension):
    """transformers' {% generation %}...{% endgeneration %} tag, without its token-mask bookkeeping:
    the body renders in place."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_generation_support"), [], [], body).set_lineno(lineno)

    @jinja2.pass_eval_context
    def _generation_support(self, context, caller):
        return caller()


def make_environment():
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return datetime.now().strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[AssistantTracker, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def apply_chat_template(compiled, special_tokens, case):
    messages = case["messages"]
    add_generation_prompt = case.get("add_generation_prompt", True)
    continue_final_message = case.get("continue_final_message", False)
    kwargs = case.get("chat_template_kwargs", {})
    if continue_final_message and add_generation_prompt:
        raise ValueError("continue_final_message and add_generation_prompt are not compatible. Use "
                         "continue_final_message when you want the model to continue the final message, and "
                         "add_generation_prompt when you want to add a header that will prompt it to start a new "
                         "assistant message instead.")
    variables = {**special_tokens, **kwargs}
    final_message = None
    if continue_final_message:
        final_message = messages[-1]["content"]
        if isinstance(final_message, (list, tuple)):
            for block in reversed(final_message):
                if "text" in block:
                    final_message = block["text"]
                    block["text"] = block["text"] + CONTINUE_TAG
                    break
            else:
                raise ValueError("continue_final_message is set but we could not find any text to continue in the final message!")
        else:
            messages[-1]["content"] = messages[-1]["content"] + CONTINUE_TAG
    rendered = compiled.render(messages=messages, tools=case.get("tools"), documents=case.get("documents"),
                               add_generation_prompt=add_generation_prompt, **variables)
    if continue_final_message:
        if final_message.strip() not in rendered or CONTINUE_TAG.strip() not in rendered:
            raise ValueError("continue_final_message is set but the final message does not appear in the chat after "
                             "applying the chat template! This can happen if the chat template deletes portions of the "
                             "final message. Please verify the chat template and final message in your chat to ensure "
                             "they are compatible.")
        at = rendered.rindex(CONTINUE_TAG.strip())
        if rendered[at:at + len(CONTINUE_TAG)] == CONTINUE_TAG:
            rendered = rendered[:at]
        else:
            rendered = rendered[:at].rstrip()
    return rendered


def main():
    request = json.load(sys.stdin)
    env = make_environment()
    compiled = []
    for t in request["templates"]:
        try:
            compiled.append((env.from_string(t["text"]), t.get("special_tokens", {}), None))
        except Exception as e:  # noqa: BLE001 - the error is the peer's answer
            compiled.append((None, None, e))
    out = sys.stdout
    for case in request["cases"]:
        template, special_tokens, error = compiled[case["template"]]
        try:
            if error is not None:
                raise error
            if "variables" in case:
                text = template.render(**case["variables"])
            else:
                text = apply_chat_template(template, special_tokens, case)
            line = {"text": text}
        except Exception as e:  # noqa: BLE001
            line = {"error": type(e).__name__, "message": str(e)}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
