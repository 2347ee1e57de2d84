#include "verifiers/math_normalizer.h"

#include <re2/re2.h>

#include <optional>
#include <utility>
#include <vector>

#include "verifiers/answer_normalizer.h"
#include "verifiers/text.h"

namespace gauntlet::verifiers {

namespace {


// Replaces a letter-named command unless it is the prefix of a longer name (\left, not \leftarrow).
void replace_command(std::string& s, std::string_view command, std::string_view by) {
  std::size_t pos = 0;
  while ((pos = s.find(command, pos)) != std::string::npos) {
    std::size_t after = pos + command.size();
    if (after < s.size() && is_alpha(s[after])) {
      pos = after;
      continue;
    }
    s.replace(pos, command.size(), by);
    pos += by.size();
  }
}

void remove_command(std::string& s, std::string_view command) { replace_command(s, command, ""); }

// Replaces \command{content} by content wherever it occurs.
void unwrap_command(std::string& s, std::string_view command) {
  std::size_t pos = 0;
  while ((pos = s.find(command, pos)) != std::string::npos) {
    std::size_t after = pos + command.size();
    std::size_t brace = after;
    while (brace < s.size() && s[brace] == ' ') ++brace;
    if (after < s.size() && is_alpha(s[after])) {
      pos = after;
      continue;
    }
    std::size_t end = 0;
    std::optional<std::string> inner;
    if (brace < s.size() && s[brace] == '{') inner = read_latex_argument(s, brace, end);
    if (!inner) {
      pos = after;
      continue;
    }
    s.replace(pos, end - pos, *inner);
  }
}

// Reads one argument of \frac or \sqrt at `pos`: a balanced group (returned with its braces
// stripped) or a single plain character. Sets `end`. nullopt for anything else (e.g. a command).
std::optional<std::string> read_short_argument(const std::string& s, std::size_t pos, std::size_t& end) {
  std::size_t i = pos;
  while (i < s.size() && s[i] == ' ') ++i;
  if (i >= s.size()) return std::nullopt;
  if (s[i] == '{') return read_latex_argument(s, i, end);
  if (is_digit(s[i]) || is_alpha(s[i])) {
    end = i + 1;
    return std::string(1, s[i]);
  }
  return std::nullopt;
}

// \frac12 -> \frac{1}{2}, \frac a b -> \frac{a}{b}, \sqrt2 -> \sqrt{2}.
void brace_short_arguments(std::string& s, std::string_view command, int arity) {
  std::size_t pos = 0;
  while ((pos = s.find(command, pos)) != std::string::npos) {
    std::size_t after = pos + command.size();
    // A letter right after the name makes it another command (\fracture) unless a space separates.
    if (after < s.size() && is_alpha(s[after])) {
      pos = after;
      continue;
    }
    std::string rebuilt(command);
    std::size_t cursor = after;
    if (command == "\\sqrt" && cursor < s.size() && s[cursor] == '[') {  // \sqrt[3]{x}: keep the index
      std::size_t close = s.find(']', cursor);
      if (close == std::string::npos) {
        pos = after;
        continue;
      }
      rebuilt += s.substr(cursor, close + 1 - cursor);
      cursor = close + 1;
    }
    bool ok = true;
    for (int k = 0; k < arity && ok; ++k) {
      std::size_t end = 0;
      auto arg = read_short_argument(s, cursor, end);
      if (!arg) {
        ok = false;
        break;
      }
      rebuilt += "{" + *arg + "}";
      cursor = end;
    }
    if (!ok) {
      pos = after;
      continue;
    }
    s.replace(pos, cursor - pos, rebuilt);
    pos += command.size();  // re-scan the arguments for nested commands
  }
}

// Removes thousands separators ("," or "{,}") from digit groups 1-3 digits then exactly-3-digit groups.
std::string remove_thousands_separators(const std::string& s, bool allow_plain_comma) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    bool run_start = is_digit(s[i]) && (i == 0 || (!is_digit(s[i - 1]) && s[i - 1] != '.'));
    if (!run_start) {
      out.push_back(s[i++]);
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && is_digit(s[j])) ++j;
    out.append(s, i, j - i);
    if (j - i <= 3) {
      for (;;) {
        std::size_t sep = 0;
        if (s.compare(j, 3, "{,}") == 0) {
          sep = 3;
        } else if (allow_plain_comma && j < s.size() && s[j] == ',') {
          sep = 1;
        } else {
          break;
        }
        std::size_t g = j + sep;
        std::size_t k = g;
        while (k < s.size() && is_digit(s[k])) ++k;
        if (k - g != 3) break;
        out.append(s, g, 3);
        j = k;
      }
    }
    i = j;
  }
  return out;
}

// "5.0" -> "5", "2.50" -> "2.5", "1.500e3" -> "1.5e3"; other digits untouched.
std::string drop_trailing_decimal_zeros(const std::string& s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    bool run_start = is_digit(s[i]) && (i == 0 || (!is_digit(s[i - 1]) && s[i - 1] != '.' && !is_alpha(s[i - 1])));
    if (!run_start) {
      out.push_back(s[i++]);
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && is_digit(s[j])) ++j;
    out.append(s, i, j - i);
    if (j + 1 < s.size() && s[j] == '.' && is_digit(s[j + 1])) {
      std::size_t k = j + 1;
      while (k < s.size() && is_digit(s[k])) ++k;
      std::string fraction = s.substr(j + 1, k - j - 1);
      while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
      if (!fraction.empty()) out += "." + fraction;
      j = k;
    }
    i = j;
  }
  return out;
}

// The environment's cells, rows separated by \\ and cells by &, each trimmed.
std::vector<std::vector<std::string>> matrix_cells(std::string_view body) {
  std::vector<std::vector<std::string>> rows;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find("\\\\", start);
    std::string_view row = body.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    std::vector<std::string> cells;
    std::size_t cell_start = 0;
    while (cell_start <= row.size()) {
      std::size_t amp = row.find('&', cell_start);
      cells.push_back(trim(row.substr(cell_start, amp == std::string_view::npos ? std::string_view::npos : amp - cell_start)));
      if (amp == std::string_view::npos) break;
      cell_start = amp + 1;
    }
    bool empty_row = cells.size() == 1 && cells[0].empty();
    if (!empty_row) rows.push_back(std::move(cells));
    if (end == std::string_view::npos) break;
    start = end + 2;
  }
  return rows;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return "(" + out + ")";
}

// \begin{pmatrix} 1 \\ 2 \end{pmatrix} -> (1, 2); a matrix with several rows and columns -> ((..), (..)).
void matrices_to_tuples(std::string& s) {
  for (std::string_view env : {"pmatrix", "bmatrix", "matrix"}) {
    const std::string open = "\\begin{" + std::string(env) + "}";
    const std::string close = "\\end{" + std::string(env) + "}";
    std::size_t pos = 0;
    while ((pos = s.find(open, pos)) != std::string::npos) {
      std::size_t body = pos + open.size();
      std::size_t end = s.find(close, body);
      if (end == std::string::npos) break;
      auto rows = matrix_cells(std::string_view(s).substr(body, end - body));
      std::string tuple;
      bool column = !rows.empty();
      for (const auto& row : rows) column = column && row.size() == 1;
      if (rows.size() == 1) {
        tuple = join(rows[0]);
      } else if (column) {
        std::vector<std::string> cells;
        for (const auto& row : rows) cells.push_back(row[0]);
        tuple = join(cells);
      } else {
        std::vector<std::string> inner;
        for (const auto& row : rows) inner.push_back(join(row));
        tuple = join(inner);
      }
      s.replace(pos, end + close.size() - pos, tuple);
      pos += tuple.size();
    }
  }
}

// A number (or closing bracket, or percent) just before a unit.
bool ends_like_quantity(std::string_view s) {
  std::string t = trim(s);
  if (t.empty()) return false;
  char c = t.back();
  return is_digit(c) || c == '}' || c == ')' || c == '%' || c == '.';
}

bool is_unit_text(std::string_view content) {
  bool letter = false;
  for (char c : content) {
    if (is_alpha(c)) {
      letter = true;
    } else if (!(c == ' ' || c == '/' || c == '.' || c == '^' || is_digit(c) || c == '-')) {
      return false;
    }
  }
  return letter;
}

// "5\text{ cm}^2", "12\mbox{ inches}", "3\,\mathrm{m/s}" -> the quantity alone (units in a text
// command after a number). The whole answer in \text{..} is kept.
void drop_text_units(std::string& s) {
  static const RE2 power_tail(R"((\^\{?[23]\}?)\s*$)");
  for (;;) {
    std::string body = trim(s);
    re2::StringPiece tail;
    if (RE2::PartialMatch(body, power_tail, &tail)) body = trim(body.substr(0, body.size() - tail.size()));
    if (body.empty() || body.back() != '}') return;
    // Find the group that ends here and the command that opens it.
    int depth = 0;
    std::size_t open = std::string::npos;
    for (std::size_t i = body.size(); i-- > 0;) {
      if (body[i] == '}') ++depth;
      if (body[i] == '{' && --depth == 0) {
        open = i;
        break;
      }
    }
    if (open == std::string::npos) return;
    bool unit_command = false;
    std::size_t command_start = open;
    for (std::string_view command : {"\\text", "\\textrm", "\\mbox", "\\mathrm", "\\textnormal"}) {
      if (open >= command.size() && body.compare(open - command.size(), command.size(), command) == 0) {
        unit_command = true;
        command_start = open - command.size();
      }
    }
    std::string content = trim(body.substr(open + 1, body.size() - open - 2));
    // "5\,\text{cm}": spacing before the unit goes with it.
    std::string quantity = trim(body.substr(0, command_start));
    for (bool again = true; again;) {
      again = false;
      for (std::string_view spacing : {"\\!", "\\,", "\\;", "\\:", "~"}) {
        if (ends_with(quantity, spacing)) {
          quantity = trim(quantity.substr(0, quantity.size() - spacing.size()));
          again = true;
        }
      }
    }
    if (!unit_command || !is_unit_text(content) || !ends_like_quantity(quantity)) return;
    s = content == "percent" ? quantity + "%" : quantity;
  }
}

bool is_math_word(std::string_view word) {
  for (std::string_view w : {"pi", "sqrt", "sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp", "and", "or",
                             "infty", "inf", "infinity", "i", "e"})
    if (word == w) return true;
  return false;
}

bool is_known_unit(std::string_view word) {
  static const char* const kUnits[] = {
      "cm",     "mm",      "km",     "meters",  "meter",  "metres", "metre",   "inches",  "inch",    "feet",
      "foot",   "ft",      "yards",  "yard",    "yd",     "miles",  "mile",    "kg",      "grams",   "gram",
      "mg",     "lb",      "lbs",    "pounds",  "pound",  "ounces", "ounce",   "oz",      "seconds", "second",
      "sec",    "minutes", "minute", "min",     "hours",  "hour",   "hr",      "hrs",     "days",    "day",
      "weeks",  "week",    "months", "month",   "years",  "year",   "dollars", "dollar",  "cents",   "cent",
      "degrees", "degree", "units",  "unit",    "square", "sq",     "cubic",   "liters",  "liter",   "litres",
      "litre",  "ml",      "mL",     "mph",     "km/h",   "m/s",    "cm^2",    "cm^3",    "m^2",     "m^3",
      "radians", "radian", "rad",    "percent"};
  for (const char* unit : kUnits)
    if (word == unit) return true;
  return false;
}

// "18 apples" -> "18"; "2\sqrt{3} cm" -> "2\sqrt{3}". After a plain number any words go; after other
// quantities only known units do. Math words (pi, sin, ...) and single letters never count as units.
void drop_unit_words(std::string& s) {
  static const RE2 tail(R"(^(.*?\S)\s+((?:[A-Za-z]+(?:/[A-Za-z]+)?(?:\^\{?[23]\}?)?\s*){1,3})$)");
  std::string head, words;
  if (!RE2::FullMatch(s, tail, &head, &words) || !ends_like_quantity(head)) return;
  bool plain_number = parse_plain_number(head).has_value();
  std::string word;
  for (std::size_t i = 0; i <= words.size(); ++i) {
    if (i < words.size() && words[i] != ' ') {
      word.push_back(words[i]);
      continue;
    }
    if (word.empty()) continue;
    std::string letters;
    for (char c : word)
      if (is_alpha(c)) letters.push_back(c);
    std::string bare = word.substr(0, word.find('^'));
    if (letters.size() < 2 || is_math_word(bare)) return;
    if (!plain_number && !is_known_unit(bare) && !is_known_unit(word)) return;
    word.clear();
  }
  s = trim(head);
}

}  // namespace

std::string normalize_math_answer(std::string_view answer) {
  std::string s = trim(answer);
  const std::pair<std::string_view, std::string_view> kUnicode[] = {
      {"\xE2\x88\x92", "-"},        {"\xC3\x97", "\\times "},  {"\xC3\xB7", "\\div "},   {"\xCF\x80", "\\pi "},
      {"\xE2\x88\x9E", "\\infty "}, {"\xE2\x89\xA4", "\\le "}, {"\xE2\x89\xA5", "\\ge "}, {"\xC2\xB1", "\\pm "},
      {"\xE2\x88\x9A", "\\sqrt"},   {"\xE2\x80\x89", " "},     {"\xC2\xA0", " "}};
  for (auto [from, to] : kUnicode) replace_all(s, from, to);
  replace_all(s, "\\$", "");
  replace_all(s, "$", "");
  s = trim(s);
  for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"\\(", "\\)"}, {"\\[", "\\]"}}) {
    if (starts_with(s, open) && ends_with(s, close) && s.size() >= 4) s = trim(s.substr(2, s.size() - 4));
  }
  replace_command(s, "\\dfrac", "\\frac");
  replace_command(s, "\\tfrac", "\\frac");
  replace_command(s, "\\cfrac", "\\frac");
  replace_command(s, "\\dbinom", "\\binom");
  replace_command(s, "\\neq", "\\ne");
  replace_command(s, "\\leq", "\\le");
  replace_command(s, "\\geq", "\\ge");
  replace_command(s, "\\tbinom", "\\binom");
  matrices_to_tuples(s);
  drop_text_units(s);
  for (std::string_view command : {"\\textbf", "\\textrm", "\\textit", "\\textnormal", "\\text", "\\mathrm",
                                   "\\mathbf", "\\mathit", "\\boldsymbol", "\\operatorname", "\\mbox"}) {
    unwrap_command(s, command);
  }
  for (std::string_view command : {"\\left", "\\right", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\big", "\\Big",
                                   "\\displaystyle", "\\qquad", "\\quad"}) {
    remove_command(s, command);
  }
  for (std::string_view spacing : {"\\!", "\\,", "\\;", "\\:", "~"}) replace_all(s, spacing, "");
  for (std::string_view degree : {"^{\\circ}", "^\\circ", "\xC2\xB0"}) replace_all(s, degree, "");
  remove_command(s, "\\circ");
  remove_command(s, "\\degree");
  replace_all(s, "\\%", "%");
  brace_short_arguments(s, "\\frac", 2);
  brace_short_arguments(s, "\\binom", 2);
  brace_short_arguments(s, "\\sqrt", 1);
  s = collapse_whitespace(s);

  // Commas inside a bracketed tuple or interval such as "(1,000)" separate items.
  bool bracketed = (starts_with(s, "(") || starts_with(s, "[") || starts_with(s, "\\{")) &&
                   (ends_with(s, ")") || ends_with(s, "]") || ends_with(s, "\\}"));
  s = remove_thousands_separators(s, !bracketed);
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();

  static const RE2 percent_word(R"(\s*\bpercent$)");
  if (RE2::Replace(&s, percent_word, "%")) s = trim(s);
  drop_unit_words(s);
  static const RE2 conjunction(R"(\s+(?:and|or)\s+)");
  RE2::GlobalReplace(&s, conjunction, ", ");
  s = drop_trailing_decimal_zeros(s);

  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  // "x = 5" -> "5", "x \in [1, 2]" -> "[1, 2]" (a single-letter variable and a single '=').
  if (s.size() >= 2 && is_alpha(s[0]) && s.find('=') != std::string::npos && s.find('=') == s.rfind('=')) {
    std::size_t eq = s.find('=');
    if (trim(s.substr(1, eq - 1)).empty()) s = trim(s.substr(eq + 1));
  }
  static const RE2 membership(R"(^[A-Za-z]\s*\\in([^A-Za-z].*)$)");
  std::string member;
  if (RE2::FullMatch(s, membership, &member)) s = trim(member);
  s = trim(s);
  if (!s.empty() && s[0] == '+') s = trim(s.substr(1));
  return s;
}

}  // namespace gauntlet::verifiers
