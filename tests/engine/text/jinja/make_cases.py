#!/usr/bin/python3
"""Writes cases.jsonl: one template construct per line with what Jinja2 renders for it, in the
environment transformers uses (scripts/peer_jinja2.py). cases_test.cpp checks our renderer against
the file; the peer test jinja_peer_test.cpp renders the file again with Jinja2 and checks that it
still says what Jinja2 says. Each line: {"name", "template", "variables", "text"} or, when Jinja2
raises, {"name", "template", "variables", "error": exception class, "message": str(exception)}.
Run: /usr/bin/python3 tests/engine/text/jinja/make_cases.py
"""
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
spec = importlib.util.spec_from_file_location("peer_jinja2", ROOT / "scripts" / "peer_jinja2.py")
peer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(peer)

CASES = []


def case(case_name, template, **variables):
    CASES.append((case_name, template, variables))


USERS = [{"name": "ann", "age": 31, "admin": True, "g": "x"}, {"name": "bob", "admin": False, "g": "y"},
         {"name": "cy", "age": 27, "admin": True, "g": "x"}]

# Output, literals and operators
case("output/variable", "Hello {{ name }}!", name="Ada")
case("output/undefined_prints_empty", "[{{ nothing }}][{{ d.missing }}][{{ d['missing'] }}][{{ l[9] }}]", d={}, l=[])
case("literal/numbers", "{{ 1 }} {{ 1.5 }} {{ -2 }} {{ 1e3 }} {{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ 2.0 }} {{ 1/3 }}")
case("literal/strings", "{{ 'a' 'b' }} {{ \"x\\ty\" }} {{ '\\u00e9\\x41\\101\\n' }} {{ 'it\\'s' }}")
case("literal/containers", "{{ [1, 'a', none, true, false] }} {{ (1,) }} {{ (1, 2) }} {{ {'a': 1, 'b': [2]} }} {{ () }} {{ [] }}")
case("literal/none_true_false_spellings", "{{ none }} {{ None }} {{ True }} {{ true }} {{ False }}")
case("operator/arithmetic", "{{ 3.0 * 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 7.5 // 2 }} {{ 1 + 2 * 3 - 4 }} {{ 10 / 4 }}")
case("operator/strings_and_lists", "{{ 'ab' * 3 }} {{ [1] * 2 }} {{ [1, 2] + [3] }} {{ 'a' ~ 1 ~ none }} {{ 'a' + 'b' }}")
case("operator/comparisons", "{{ 1 < 2 < 3 }} {{ 1 == 1.0 }} {{ 'a' != 'b' }} {{ [1, 2] == [1, 2] }} {{ 'b' > 'a' }} {{ 2 >= 2 }} {{ [1, 2] < [1, 3] }}")
case("operator/in", "{{ 'a' in 'cat' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }} {{ 'x' in none_list }}", none_list=[])
case("operator/logic", "{{ not true }} {{ not 0 }} {{ 1 and 2 }} {{ 0 and 2 }} {{ 0 or 'x' }} {{ '' or [] }} {{ none or 0 }}")
case("operator/conditional_expression", "{{ 'y' if x else 'n' }} [{{ 'y' if not x }}] {{ x if x is defined else 'undef' }}", x=0)
case("operator/precedence", "{{ 2 + 3 * 4 ** 2 }} {{ -2 ** 2 }} {{ not 1 == 2 }} {{ (1 + 2) ~ 3 }} {{ 'a' ~ 'b' | upper }} {{ 2 * 3 ~ 4 }}")
case("operator/big_integers_stay_exact", "{{ 9999999999999999 * 9 }} {{ 2 ** 62 }} {{ 7 / 7 }} {{ 3 // 2.0 }} {{ true + 1 }} {{ 5 % -3 }} {{ 5.5 % 2 }}")
case("operator/float_repr", "{{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1e16 }} {{ 123456789.0 }} {{ 1.5e-7 }} {{ 2 ** 0.5 }} {{ -0.0 }} {{ 1e300 * 1e10 }}")
# Attribute, item access and slicing
case("access/attribute_and_item", "{{ d.a }} {{ d['a'] }} {{ d.b.c }} {{ d['b']['c'] }} {{ m.role }}:{{ m['content'] }}",
     d={"a": 1, "b": {"c": "deep"}}, m={"role": "user", "content": "x"})
case("access/dot_prefers_methods_brackets_prefer_keys", "{{ d['items'] }} {{ d.items is callable }} {{ d.keys() | list }} {{ d.other }}", d={"items": "I", "other": "O"})
case("access/string_slices", "{{ s[0] }} {{ s[-1] }} {{ s[1:3] }} {{ s[::-1] }} {{ s[::2] }} {{ s[:-1] }} [{{ s[10:] }}]", s="hello")
case("access/list_slices", "{{ l[0] }} {{ l[-1] }} {{ l[1:] }} {{ l[::-1] }} {{ l[5:1:-2] }} {{ messages[1:][0].role }}",
     l=[1, 2, 3, 4, 5, 6], messages=[{"role": "system"}, {"role": "user"}])
case("access/unicode_indexing", "{{ '数学 😀'[1] }} {{ '数学 😀' | length }} {{ '😀abc'[::-1] }}")
case("access/slice_of_constant_folds_to_undefined", "[{{ (true)[::-1] }}][{{ none[1:3] }}]")
# Whitespace control
case("whitespace/trim_and_lstrip_blocks", "a\n  {% if true %}\n  b\n  {% endif %}\nc\n")
case("whitespace/minus_strips_both_sides", "a  {%- if true -%}  b  {%- endif -%}  c")
case("whitespace/minus_on_expressions", "a  {{- 'x' -}}  b {{ 'y' }} c")
case("whitespace/comment_lines_vanish", "x\n    {# comment #}\ny")
case("whitespace/comment_with_minus", "x\n    {#- comment -#}\n   y")
case("whitespace/plus_keeps_indentation", "  {%+ if true %}kept{% endif %}\n")
case("whitespace/for_loop_lines", "{% for i in [1, 2] %}\n  {{ i }}\n{% endfor %}\n")
case("whitespace/for_loop_minus", "{% for i in [1, 2] -%}\n  {{ i }}\n{%- endfor %}")
case("whitespace/raw_block", "{% raw %}{{ not rendered }}{% endraw %}")
case("whitespace/raw_with_minus", "a\n{% raw -%}\n  {{ x }}\n{%- endraw %}\nb")
case("whitespace/newlines_normalised", "line\r\nnext\rlast\n")
case("whitespace/one_trailing_newline_dropped", "{% if true %}yes{% endif %}\n\n")
case("whitespace/expressions_are_not_lstripped", "    {{ 'var' }}\n    {% set x = 1 %}\n    done")
case("whitespace/set_lines", "{%- set x = 1 %}\n{{ x }}\n{%- set y = 2 %}\n\n{{ y }}")
case("whitespace/tag_mid_line", "  {% if true %}  A  {% endif %}  ")
case("whitespace/block_end_newline_only_once", "text {% if true %}\n inner \n{% endif %} after")
case("whitespace/lstrip_after_text_on_line", "x {% if true %}y{% endif %}\n  {% if true %}z{% endif %}")
# Control flow
case("if/elif_else", "{% if a %}A{% elif b %}B{% else %}C{% endif %}", a=0, b=1)
case("if/does_not_scope", "{% if true %}{% set x = 5 %}{% endif %}{{ x }}")
case("for/else_branch", "{% for x in [] %}x{% else %}empty{% endfor %}")
case("for/filter_and_loop_index", "{% for x in l if x > 1 %}{{ loop.index }}:{{ x }}{% if not loop.last %},{% endif %}{% endfor %}", l=[1, 2, 3, 4])
case("for/loop_object", "{% for x in l %}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.depth }}{{ loop.depth0 }};{% endfor %}", l="ab")
case("for/previtem_nextitem", "{% for x in l %}{{ loop.previtem }}-{{ loop.nextitem }};{% endfor %}", l=[1, 2, 3])
case("for/previtem_undefined_at_start", "{% for x in l %}{{ loop.previtem is defined }}/{{ loop.nextitem is defined }} {% endfor %}", l=[1, 2])
case("for/break_continue", "{% for x in l %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}", l=[1, 2, 3, 4, 5])
case("for/dict_items_and_keys", "{% for k, v in d.items() %}{{ k }}={{ v }} {% endfor %}|{% for k in d %}{{ k }}{% endfor %}", d={"b": 1, "a": 2})
case("for/tuple_unpacking", "{% for a, b in [(1, 2), (3, 4)] %}{{ a + b }}{% endfor %}")
case("for/cycle_and_changed", "{% for x in l %}{{ loop.cycle('a', 'b') }}{{ loop.changed(x) }}{% endfor %}", l=[1, 1, 2])
case("for/recursive", "{% for x in l recursive %}[{{ x.n }}{% if x.c %}{{ loop(x.c) }}{% endif %}]{% endfor %}",
     l=[{"n": 1, "c": [{"n": 2, "c": []}]}, {"n": 3}])
case("for/reversed_messages", "{% for m in messages[::-1] %}{{ m.role }}{{ loop.index0 }} {% endfor %}",
     messages=[{"role": "system"}, {"role": "user"}, {"role": "assistant"}])
case("for/scope_does_not_leak", "{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{% endfor %}{{ x }}")
case("for/loop_variable_gone_after", "{% for i in range(3) %}{{ i }}{% endfor %}[{{ i }}]")
case("set/namespace_attribute", "{% set ns = namespace(x=1, found=false) %}{% for i in [1, 2] %}{% set ns.x = ns.x + i %}{% endfor %}{{ ns.x }} {{ ns.found }}")
case("set/tuple_targets", "{% set a, b = 1, 2 %}{{ a }}{{ b }}")
case("set/block", "{% set block %}inner {{ 1 + 1 }}{% endset %}[{{ block }}]")
case("set/block_with_filter", "{% set up | upper | trim %}  shout {% endset %}[{{ up }}]")
case("macro/defaults_and_keywords", "{% macro m(a, b='d') %}{{ a }}-{{ b }}{% endmacro %}{{ m(1) }} {{ m(1, 2) }} {{ m(b=3, a=4) }}")
case("macro/varargs_kwargs", "{% macro m() %}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, k=3) }}")
case("macro/recursion", "{% macro f(n) %}{% if n > 0 %}{{ n }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(3) }}")
case("macro/sees_template_variables", "{% macro m() %}{{ greeting }}{% endmacro %}{{ m() }}", greeting="hi")
case("call/caller", "{% macro w(t) %}<{{ t }}>{{ caller() }}</{{ t }}>{% endmacro %}{% call w('b') %}bold{% endcall %}")
case("call/caller_arguments", "{% macro w() %}{{ caller(1, 2) }}{% endmacro %}{% call(a, b) w() %}{{ a + b }}{% endcall %}")
case("filter/block", "{% filter upper %}hello {{ 'x' }}{% endfilter %}")
case("with/scoped_assignments", "{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}[{{ a }}]")
case("generation/block_renders_its_body", "A{% generation %}B{{ 1 }}{% endgeneration %}C")
# Globals
case("global/range", "{{ range(3) | list }} {{ range(1, 10, 3) | list }} {{ range(5, 0, -2) | list }} {{ range(3) }}")
case("global/dict_and_namespace", "{{ dict(a=1, b=2) }} {{ namespace(a=1).a }} {{ namespace(a=1) }}")
case("global/cycler_joiner", "{% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}{{ c.current }} {% set j = joiner('|') %}{% for x in [1, 2, 3] %}{{ j() }}{{ x }}{% endfor %}")
case("global/strftime_now", "{{ strftime_now('%Y') | length }} {{ strftime_now('%d %b %Y') | length > 8 }}")
# Tests
for i, val in enumerate([None, 1, 1.5, True, "s", [1], {"a": 1}, (1, 2)]):
    case(f"test/types_{i}", "{{ x is none }} {{ x is string }} {{ x is number }} {{ x is mapping }} {{ x is sequence }} {{ x is iterable }} {{ x is boolean }} {{ x is integer }} {{ x is float }} {{ x is true }} {{ x is false }} {{ x is defined }} {{ x is callable }}", x=val)
case("test/undefined", "{{ u is defined }} {{ u is undefined }} {{ u is none }} {{ u is iterable }} {{ u is callable }}")
case("test/comparison_tests", "{{ 2 is even }} {{ 3 is odd }} {{ 6 is divisibleby 3 }} {{ 1 is eq 1 }} {{ 1 is equalto 1 }} {{ 2 is gt 1 }} {{ 2 is ge 3 }} {{ 1 is lt 2 }} {{ 1 is le 1 }} {{ 1 is ne 2 }} {{ 2 is greaterthan 1 }} {{ 1 is lessthan 2 }} {{ [1, 2, 3] | select('==', 1) | list }} {{ [1, 2, 3] | select('<', 3) | list }} {{ [1, 2] | reject('!=', 2) | list }}")
case("test/string_tests", "{{ 'a' is lower }} {{ 'A' is upper }} {{ 1 is in [1] }} {{ 'a' | safe is escaped }} {{ 'a' is escaped }}")
case("test/sameas_filter_test", "{{ none is sameas none }} {{ x is sameas x }} {{ 'upper' is filter }} {{ 'odd' is test }} {{ 'nope' is filter }}", x=[1])
case("test/select_reject", "{{ [1, 2, 3] | select('odd') | list }} {{ [1, 2, 3] | reject('odd') | list }} {{ [1, 2] | select('equalto', 2) | list }} {{ ['a', 'b'] | reject('in', ['a']) | list }} {{ [0, 1, none, ''] | select | list }}")
# Filters
case("filter/abs", "{{ -3 | abs }} {{ -2.5 | abs }} {{ [-1, 2] | map('abs') | list }}")
case("filter/attr", "[{{ d | attr('a') }}] [{{ d | attr('missing') }}] {{ 'abc' | attr('upper') is callable }} {{ namespace(x=3) | attr('x') }}", d={"a": 1})
case("filter/batch", "{{ [1, 2, 3, 4, 5] | batch(2) | list }} {{ [1, 2, 3] | batch(2, 'x') | list }}")
case("filter/capitalize_title_upper_lower", "{{ 'hELLO world' | capitalize }} {{ 'hello wORLD-x' | title }} {{ 'Hello' | upper }} {{ 'Hello' | lower }}")
case("filter/center", "[{{ 'a b' | center(9) }}] [{{ 'abc' | center(2) }}]")
case("filter/count_length", "{{ [3, 1, 2] | length }} {{ 'abc' | length }} {{ {'a': 1} | length }} {{ [3, 1, 2] | count }} {{ messages | length }}", messages=[{}, {}])
case("filter/default", "{{ x | default('d') }} {{ '' | default('e') }} {{ '' | default('e', true) }} {{ none | default('n') }} {{ y | d('z') }} {{ x | default }}|", y=None)
case("filter/dictsort", "{{ d | dictsort }} {{ d | dictsort(reverse=true) }} {{ d | dictsort(by='value') }} {{ d | dictsort(true) }}", d={"b": 2, "a": 3, "C": 1})
case("filter/escape", "{{ 'x<y & \"q\"' | escape }} {{ 'x<y' | e }} {{ '<b>' | safe | e }} {{ '<b>' | forceescape }}")
case("filter/first_last", "{{ [3, 1, 2] | first }} {{ [3, 1, 2] | last }} {{ 'abc' | first }} {{ 'abc' | last }} [{{ [] | first }}]")
case("filter/float_int", "{{ '42' | int }} {{ '4.7' | int }} {{ 'x' | int }} {{ 'x' | int(7) }} {{ '0x1A' | int(0, 16) }} {{ '0b11' | int(base=2) }} {{ 3.9 | int }} {{ '3.5' | float }} {{ 'a' | float }} {{ 2 | float }} {{ ' 12 ' | int }}")
case("filter/format", "{{ 'Hello %s, %d' | format('x', 3) }} {{ '%(a)s-%(b)05.1f' | format(a='A', b=2.25) }}")
case("filter/groupby", "{% for g, items in users | groupby('g') %}[{{ g }}:{{ items | map(attribute='name') | join(',') }}]{% endfor %} {{ users | groupby('g') | map(attribute='grouper') | list }}", users=USERS)
case("filter/indent", "{{ 'a\nb\n\nc' | indent(2) }}|{{ 'a\nb' | indent(2, true) }}|{{ 'a\n\nb' | indent('> ', blank=true) }}")
case("filter/items", "{{ d | items | list }} {{ u | items | list }}", d={"x": 1, "y": [2]})
case("filter/join", "{{ [1, 2, 3] | join }} {{ [1, 2, 3] | join(', ') }} {{ users | join(', ', attribute='name') }}", users=USERS)
case("filter/list", "{{ 'abc' | list }} {{ {'a': 1} | list }} {{ (1, 2) | list }} {{ range(2) | list }}")
case("filter/map", "{{ users | map(attribute='name') | list }} {{ ['1', '2'] | map('int') | list }} {{ users | map(attribute='age', default=0) | list }} {{ ['a', 'b'] | map('upper') | join }}", users=USERS)
case("filter/min_max_sum", "{{ [1, 5, 3] | max }} {{ [1, 5, 3] | min }} {{ ['b', 'A'] | max }} {{ ['b', 'A'] | max(case_sensitive=true) }} {{ users | max(attribute='name') }} {{ [1, 2, 3] | sum }} {{ [1, 2] | sum(start=10) }} {{ users | sum(attribute='age') }}",
     users=[{"name": "a", "age": 1}, {"name": "b", "age": 2}])
case("filter/replace", "{{ 'a-b-c' | replace('-', '+') }} {{ 'aaa' | replace('a', 'b', 2) }}")
case("filter/reverse", "{{ [1, 2, 3] | reverse | list }} {{ 'abc' | reverse }}")
case("filter/round", "{{ 3.14159 | round(2) }} {{ 2.5 | round }} {{ 3.5 | round }} {{ 2.7 | round(method='floor') }} {{ 2.1 | round(0, 'ceil') }} {{ 42 | round }}")
case("filter/safe_string", "{{ 1 | string }} {{ none | string }} {{ [1, 'a'] | string }} {{ '<b>' | safe }} {{ 1.0 | string }}")
case("filter/selectattr_rejectattr", "{{ users | selectattr('admin') | map(attribute='name') | list }} {{ users | rejectattr('admin') | list | length }} {{ users | selectattr('name', 'equalto', 'bob') | map(attribute='name') | first }} {{ users | selectattr('age', 'defined') | list | length }}", users=USERS)
case("filter/slice", "{{ [1, 2, 3, 4, 5] | slice(2) | list }} {{ [1, 2, 3, 4] | slice(3, 0) | list }}")
case("filter/sort", "{{ [3, 1, 2] | sort }} {{ ['b', 'A', 'c'] | sort }} {{ ['b', 'A', 'c'] | sort(case_sensitive=true) }} {{ [3, 1, 2] | sort(reverse=true) }} {{ users | sort(attribute='name') | map(attribute='name') | join }} {{ users | sort(attribute='g,name') | map(attribute='name') | join }}", users=USERS)
case("filter/tojson", "{{ d | tojson }}|{{ d | tojson(indent=2) }}|{{ 'é\"<>&\\'' | tojson }}|{{ [1.5, none, true, 1e20, 0.1] | tojson }}",
     d={"a": [1, {"b": None}], "é": "ü", "n": -0.5})
case("filter/tojson_options", "{{ d | tojson(sort_keys=true) }} {{ d | tojson(separators=(',', ':')) }} {{ d | tojson(ensure_ascii=true) }} {{ [] | tojson(indent=2) }} {{ {} | tojson(indent=2) }}",
     d={"b": 1, "a": "é😀"})
case("filter/trim", "[{{ '  x  ' | trim }}][{{ 'xxaxx' | trim('x') }}][{{ '\t\n y \u3000' | trim }}]")
case("filter/truncate", "{{ 'long text here' | truncate(9) }} {{ 'short' | truncate(10) }} {{ 'abcdefghijklmnop' | truncate(10, true) }} {{ 'one two three four' | truncate(12, false, '..', 0) }}")
case("filter/unique", "{{ [1, 2, 1, 3] | unique | list }} {{ ['a', 'A', 'b'] | unique | list }} {{ ['a', 'A'] | unique(case_sensitive=true) | list }} {{ users | unique(attribute='g') | map(attribute='name') | list }}", users=USERS)
case("filter/wordcount", "{{ 'hello world  foo' | wordcount }} {{ '' | wordcount }}")
# str, dict and list methods
case("method/case", "{{ s.upper() }} {{ s.lower() }} {{ s.title() }} {{ s.capitalize() }} {{ s.swapcase() }}", s="  hEllo World  ")
case("method/strip", "[{{ s.strip() }}][{{ s.lstrip() }}][{{ s.rstrip() }}][{{ s.strip(' h') }}][{{ '\n\nx\n'.strip('\n') }}]", s="  hEllo World  ")
case("method/affixes_and_search", "{{ s.startswith('ab') }} {{ s.endswith('yz') }} {{ s.startswith(('x', 'a')) }} {{ s.find('c') }} {{ s.rfind('z') }} {{ s.count('b') }} {{ s.index('c') }} {{ s.startswith('b', 1) }}", s="abcabc")
case("method/split", "{{ s.split() }} {{ s.split(',') }} {{ s.split(',', 1) }} {{ s.rsplit(',', 1) }} {{ s.splitlines() }} {{ s.partition(',') }} {{ s.rpartition(',') }}", s="a,b c,d\ne")
case("method/split_think_block", "{{ c.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') }}|{{ c.split('</think>')[-1].lstrip('\\n') }}",
     c="<think>\nreason here\n</think>\n\nanswer")
case("method/replace_and_padding", "{{ s.replace('a', 'o') }} {{ s.replace('x', '', 2) }} {{ s.zfill(9) }} {{ s.center(11, '*') }} {{ s.ljust(9, '.') }} {{ s.rjust(9) }} {{ s.removeprefix('xx') }} {{ s.removesuffix('xx') }}", s="xxabaxx")
case("method/format", "{{ '{} and {}'.format(1, 'b') }} {{ '{0}{1}{0}'.format('a', 'b') }} {{ '{x:>5}|{y:.2f}|{z!r}'.format(x='r', y=3.14159, z='q') }} {{ '{:,}'.format(1234567) }} {{ '{:08.3f}'.format(-3.5) }} {{ '{0[k]}'.format({'k': 'v'}) }}")
case("method/percent_format", "{{ '%s-%d-%.2f-%r' % ('a', 3, 1.5, 'x') }} {{ '%(a)s' % {'a': 1} }} {{ '%5s|%-5s|' % ('a', 'b') }} {{ '%x %o %e' % (255, 8, 12345.678) }} {{ '%s' % [1, 2] }} {{ 'no args' % [] }}")
case("method/predicates", "{{ s.isdigit() }} {{ s.isalpha() }} {{ s.isspace() }} {{ s.islower() }} {{ s.isupper() }} {{ s.isalnum() }} {{ s.istitle() }} {{ '12'.isdigit() }} {{ ''.isdigit() }}", s="Abc")
case("method/join", "{{ ', '.join(['a', 'b']) }} {{ ''.join(l | map('string')) }}", l=[1, 2])
case("method/dict", "{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 5) }} {{ d.keys() | list }} {{ d.values() | list }} {{ d.items() | list }} {{ d.keys() }} {{ d.items() }} {{ d.values() }}", d={"a": 1, "b": 2})
case("method/list", "{{ l.index(2) }} {{ l.count(1) }} {{ l.copy() }}", l=[1, 2, 1])
case("method/unicode_case_mappings", "{{ 'ÉCOLE ß ǅ' | lower }} {{ 'straße ﬁ' | upper }} {{ 'ǆemal' | title }} {{ 'ΣΑΣ' | lower }} {{ 'i̇stanbul' | capitalize }} {{ 'ὈΔΥΣΣΕΎΣ'.lower() }}")
# Errors (the message is Jinja2's)
case("error/unknown_filter", "{{ x | nofilter }}")
case("error/unknown_test", "{{ x is nosuchtest }}")
case("error/unclosed_if", "{% if true %}unclosed")
case("error/unclosed_for", "{% for x in y %}")
case("error/unexpected_end_tag", "{% endif %}")
case("error/unknown_tag", "{% frobnicate %}")
case("error/expression_expected", "{{ 1 + }}")
case("error/unterminated_string", "{{ 'unterminated }}")
case("error/unclosed_comment", "{# never closed")
case("error/unbalanced_brackets", "{{ foo( }}")
case("error/raise_exception", "{{ raise_exception('stop: ' ~ 1) }}")
case("error/raise_exception_line", "line1\nline2\n{{ raise_exception('boom on line 3') }}")
case("error/str_plus_int", "{{ 'a' + 1 }}")
case("error/undefined_attribute_of_undefined", "{{ undefined_var.attr }}")
case("error/undefined_in_arithmetic", "{{ undefined_var + 1 }}")
case("error/undefined_attribute_chain", "{{ x.y.z }}", x={})
case("error/missing_first_message", "{{ messages[0]['content'] }}", messages=[])
case("error/division_by_zero", "{{ 1 / 0 }}")
case("error/unsafe_list_append", "{% set x = [1] %}{{ x.append(2) }}")
case("error/macro_too_many_arguments", "{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}")
case("error/macro_unknown_keyword", "{% macro m(a) %}{% endmacro %}{{ m(b=2) }}")
case("error/unorderable", "{{ 'a' < 1 }}")
case("error/sort_unorderable", "{{ [1, 'a'] | sort }}")
case("error/no_len", "{{ 5 | length }}")
case("error/not_iterable", "{% for x in 5 %}{% endfor %}")
case("error/range_too_big", "{{ range(200000) | length }}")
case("error/namespace_attribute_path", "{% set ns = namespace() %}{% set ns.a.b = 1 %}")
case("error/conditional_without_condition", "{{ 1 if }}")
case("error/map_unknown_filter", "{{ a | map('nosuch') | list }}", a=["x"])
case("error/slice_of_a_variable_bool", "{{ b[::-1] }}", b=True)
case("error/loop_outside_for", "{{ loop.index }}")
case("error/unhashable_dict_key", "{{ {[1]: 2} }}")
case("error/concat_binds_tighter_than_plus", "{{ 1 + 2 ~ 3 }}")
case("error/items_of_none", "{{ none | items | list }}")

with open(Path(__file__).with_name("cases.jsonl"), "w", encoding="utf-8") as out:
    env = peer.make_environment()
    names = set()
    for name, template, variables in CASES:
        assert name not in names, name
        names.add(name)
        variables = json.loads(json.dumps(variables))  # as the test passes them: tuples become lists
        row = {"name": name, "template": template, "variables": variables}
        try:
            row["text"] = env.from_string(template).render(**variables)
        except Exception as e:  # noqa: BLE001 - the error is the expectation
            row["error"] = type(e).__name__
            row["message"] = str(e)
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
print(f"{len(CASES)} cases")
