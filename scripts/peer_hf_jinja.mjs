// Second peer for the Jinja renderer: @huggingface/jinja (transformers.js's Jinja), given the same
// request as scripts/peer_jinja2.py and answering in the same form, with transformers'
// apply_chat_template steps (special tokens then kwargs as variables, continue_final_message's tag
// method) written out here. Jinja2 stays the reference where the two peers disagree.
// Usage: node peer_hf_jinja.mjs PEERS_DIR < request.json > answers.jsonl
//   PEERS_DIR  folder holding node_modules/@huggingface/jinja (scripts/install_peers.sh)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const [peersDir] = process.argv.slice(2);
if (!peersDir) {
  console.error("usage: node peer_hf_jinja.mjs PEERS_DIR < request.json");
  process.exit(2);
}
const require = createRequire(join(peersDir, "package.json"));
const { Template } = require("@huggingface/jinja");

const TAG = "CONTINUE_FINAL_MESSAGE_TAG ";
const request = JSON.parse(readFileSync(0, "utf8"));
const compiled = request.templates.map((t) => {
  try {
    return { template: new Template(t.text), special: t.special_tokens ?? {} };
  } catch (e) {
    return { error: e };
  }
});

function applyChatTemplate(template, special, c) {
  const messages = structuredClone(c.messages);
  const addGenerationPrompt = c.add_generation_prompt ?? true;
  const continueFinal = c.continue_final_message ?? false;
  if (continueFinal && addGenerationPrompt) throw new Error("continue_final_message and add_generation_prompt are not compatible");
  let finalMessage = null;
  if (continueFinal) {
    const last = messages[messages.length - 1];
    if (Array.isArray(last.content)) {
      const block = [...last.content].reverse().find((b) => b && typeof b.text === "string");
      if (!block) throw new Error("continue_final_message is set but we could not find any text to continue in the final message!");
      finalMessage = block.text;
      block.text += TAG;
    } else {
      finalMessage = last.content;
      last.content += TAG;
    }
  }
  let rendered = template.render({
    ...special,
    ...(c.chat_template_kwargs ?? {}),
    messages,
    tools: c.tools ?? null,
    documents: c.documents ?? null,
    add_generation_prompt: addGenerationPrompt,
  });
  if (continueFinal) {
    if (!rendered.includes(finalMessage.trim()) || !rendered.includes(TAG.trim()))
      throw new Error("continue_final_message is set but the final message does not appear in the chat");
    const at = rendered.lastIndexOf(TAG.trim());
    rendered = rendered.slice(at, at + TAG.length) === TAG ? rendered.slice(0, at) : rendered.slice(0, at).trimEnd();
  }
  return rendered;
}

const out = [];
for (const c of request.cases) {
  const t = compiled[c.template];
  let line;
  try {
    if (t.error) throw t.error;
    const text = "variables" in c ? t.template.render(c.variables) : applyChatTemplate(t.template, t.special, c);
    line = { text };
  } catch (e) {
    line = { error: e?.constructor?.name ?? "Error", message: String(e?.message ?? e) };
  }
  out.push(JSON.stringify(line));
}
process.stdout.write(out.join("\n") + (out.length ? "\n" : ""));
