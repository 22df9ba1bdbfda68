// Reading checks: the @check directive's arguments become Check metadata, the
// operation itself is compiled once for evaluation.
#include "engine/checks/catalog.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "base/file.hpp"
#include "base/text.hpp"
#include "engine/syntax/parser.hpp"

namespace posture::checks {

using syntax::Value;

Result<Expectation> Expectation::parse(std::string_view text) {
  Expectation e;
  e.text = std::string(text);
  std::string t;
  for (char c : text)
    if (c != ' ') t += c;
  if (t == "eq[]") return e;
  if (t == "neq[]") {
    e.kind = Kind::NonEmpty;
    return e;
  }
  static const std::pair<const char*, ir::CountOp> ops[] = {
      {"count==", ir::CountOp::Eq}, {"count<=", ir::CountOp::Lte}, {"count>=", ir::CountOp::Gte},
      {"count<", ir::CountOp::Lt},  {"count>", ir::CountOp::Gt},   {"count=", ir::CountOp::Eq}};
  for (const auto& [prefix, op] : ops) {
    std::string_view p(prefix);
    if (t.rfind(p, 0) != 0) continue;
    std::string digits = t.substr(p.size());
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) break;
    e.kind = Kind::Count;
    e.op = op;
    e.count = std::stoll(digits);
    return e;
  }
  return Diagnostic::error("bad-expectation", "unknown expectation \"" + e.text + "\"")
      .hint("write \"eq []\" (no result), \"neq []\" (some result) or \"count <= N\"");
}

bool Expectation::holds(uint64_t matched) const {
  auto n = static_cast<int64_t>(matched);
  switch (kind) {
    case Kind::Empty:
      return matched == 0;
    case Kind::NonEmpty:
      return matched > 0;
    case Kind::Count:
      switch (op) {
        case ir::CountOp::Eq:
          return n == count;
        case ir::CountOp::Lt:
          return n < count;
        case ir::CountOp::Lte:
          return n <= count;
        case ir::CountOp::Gt:
          return n > count;
        case ir::CountOp::Gte:
          return n >= count;
      }
  }
  return false;
}

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::Low:
      return "low";
    case Severity::Medium:
      return "medium";
    case Severity::High:
      return "high";
    case Severity::Critical:
      return "critical";
  }
  return "medium";
}

std::optional<Severity> severity_from_name(std::string_view name) {
  std::string s = text::ascii_lower(name);
  for (Severity v : {Severity::Low, Severity::Medium, Severity::High, Severity::Critical})
    if (severity_name(v) == s) return v;
  return std::nullopt;
}

const Check* Catalog::find(std::string_view id) const {
  for (const auto& c : checks_)
    if (c.id == id) return &c;
  return nullptr;
}

namespace {

struct DirectiveReader {
  const syntax::Directive& d;
  std::string file;
  Diagnostics errors;

  SourceLocation at(syntax::Location loc) const { return {file, loc.line, loc.column}; }

  std::string text(const char* name, bool required) {
    const Value* v = d.argument(name);
    if (!v) {
      if (required)
        errors.push_back(Diagnostic::error("check-metadata",
                                           std::string("@check needs `") + name + "`", at(d.loc)));
      return "";
    }
    if (v->kind == Value::Kind::String || v->kind == Value::Kind::Enum) return v->text;
    errors.push_back(Diagnostic::error("check-metadata",
                                       std::string("`") + name + "` must be a string", at(v->loc)));
    return "";
  }

  std::vector<std::string> list(const char* name, bool required) {
    std::vector<std::string> out;
    const Value* v = d.argument(name);
    if (!v) {
      if (required)
        errors.push_back(Diagnostic::error("check-metadata",
                                           std::string("@check needs `") + name + "`", at(d.loc)));
      return out;
    }
    if (v->kind == Value::Kind::String || v->kind == Value::Kind::Enum) return {v->text};
    if (v->kind == Value::Kind::List) {
      for (const auto& item : v->list) {
        if (item.kind == Value::Kind::String || item.kind == Value::Kind::Enum)
          out.push_back(item.text);
        else
          errors.push_back(Diagnostic::error(
              "check-metadata", std::string("`") + name + "` holds strings", at(item.loc)));
      }
      return out;
    }
    errors.push_back(Diagnostic::error("check-metadata",
                                       std::string("`") + name + "` must be a list", at(v->loc)));
    return out;
  }
};

// The names @check takes.
const std::vector<std::string>& check_arguments() {
  static const std::vector<std::string> names{
      "id",         "title",     "severity",    "providers", "subjects", "frameworks",
      "references", "rationale", "remediation", "expect",    "lint"};
  return names;
}

// An argument @check does not take is an error at its position, with the
// nearest name it takes.
Diagnostics unknown_arguments(const DirectiveReader& r) {
  Diagnostics errors;
  for (const auto& arg : r.d.arguments) {
    const auto& names = check_arguments();
    if (std::find(names.begin(), names.end(), arg.name) != names.end()) continue;
    Diagnostic d = Diagnostic::error("unknown-argument",
                                     "@check takes no argument `" + arg.name + "`", r.at(arg.loc));
    if (auto guess = closest_match(arg.name, names); !guess.empty())
      d.hints.push_back("did you mean `" + guess + "`?");
    else
      d.hints.push_back("@check takes " + nlohmann::json(names).dump());
    errors.push_back(std::move(d));
  }
  return errors;
}

// The byte offset of a 1-based line and column in `text`.
size_t offset_of(std::string_view text, syntax::Location loc) {
  size_t at = 0;
  for (int line = 1; line < loc.line && at < text.size(); ++line) {
    size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) return text.size();
    at = nl + 1;
  }
  return std::min(text.size(), at + static_cast<size_t>(std::max(loc.column - 1, 0)));
}

// The operation as written, without its @check directive: the text from the
// operation's keyword to the directive, then from the selection set's `{` on.
std::string operation_text(std::string_view text, const syntax::OperationDefinition& op,
                           const syntax::Directive& directive) {
  size_t begin = offset_of(text, op.loc);
  size_t head_end = offset_of(text, directive.loc);
  size_t body = op.selections.empty() ? std::string_view::npos
                                      : text.rfind('{', offset_of(text, op.selections.front().loc));
  if (body == std::string_view::npos || body < head_end || head_end < begin)
    return std::string(text.substr(begin));
  std::string head(text.substr(begin, head_end - begin));
  while (!head.empty() && std::isspace(static_cast<unsigned char>(head.back()))) head.pop_back();
  std::string out = head + " " + std::string(text.substr(body));
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out + "\n";
}

// Every subject must be the type of one of the query's root fields: the
// check's findings are about the objects the query selects from.
Diagnostics subjects_match_roots(const DirectiveReader& r, const exec::CompiledQuery& query) {
  Diagnostics errors;
  const Value* subjects = r.d.argument("subjects");
  if (!subjects) return errors;
  std::vector<const Value*> items;
  if (subjects->kind == Value::Kind::List)
    for (const auto& item : subjects->list) items.push_back(&item);
  else
    items.push_back(subjects);
  std::vector<std::string> root_types;
  std::string roots;
  for (const auto& root : query.analysed.roots) {
    if (!root.type) continue;
    root_types.push_back(root.type->name);
    roots += (roots.empty() ? "`" : ", `") + root.response_key + "` (" + root.type->name + ")";
  }
  for (const Value* item : items) {
    if (std::find(root_types.begin(), root_types.end(), item->text) != root_types.end()) continue;
    Diagnostic d =
        Diagnostic::error("check-subjects",
                          "subject `" + item->text +
                              "` is not the type of the query's root field: it selects " + roots,
                          r.at(item->loc));
    if (!root_types.empty()) d.hints.push_back("write subjects: [" + root_types.front() + "]");
    errors.push_back(std::move(d));
  }
  return errors;
}

// The values of `variables` that `op` declares.
nlohmann::json declared_variables(const syntax::OperationDefinition& op,
                                  const nlohmann::json& variables) {
  nlohmann::json out = nlohmann::json::object();
  if (!variables.is_object()) return out;
  for (const auto& def : op.variables)
    if (auto it = variables.find(def.name); it != variables.end()) out[def.name] = *it;
  return out;
}

}  // namespace

Result<Check> Catalog::parse_check(std::string_view text, const std::string& file,
                                   const exec::Engine& engine, const nlohmann::json& variables) {
  auto doc = syntax::parse(text, file);
  if (!doc) return doc.take_errors();
  if (doc->operations.size() != 1)
    return Diagnostic::error("check-metadata", "a check file holds exactly one query operation",
                             {file, 1, 1});
  const syntax::OperationDefinition& op = doc->operations.front();
  const syntax::Directive* directive = op.directive("check");
  if (!directive)
    return Diagnostic::error("check-metadata", "the operation has no @check(...) directive",
                             {file, op.loc.line, op.loc.column})
        .hint(
            "add @check(id: \"...\", title: \"...\", severity: HIGH, subjects: [Connector], "
            "expect: \"eq []\")");
  DirectiveReader r{*directive, file, {}};
  if (auto unknown = unknown_arguments(r); !unknown.empty()) return unknown;
  Check check;
  check.file = file;
  check.text = operation_text(text, op, *directive);
  for (const auto& def : op.variables) check.variables.push_back(def.name);
  check.id = r.text("id", true);
  check.title = r.text("title", true);
  std::string severity = r.text("severity", true);
  check.providers = r.list("providers", false);
  check.subjects = r.list("subjects", true);
  check.frameworks = r.list("frameworks", false);
  check.references = r.list("references", false);
  check.rationale = r.text("rationale", false);
  check.remediation = r.text("remediation", false);
  std::string expect = r.text("expect", true);
  if (!r.errors.empty()) return r.errors;
  auto sev = severity_from_name(severity);
  if (!sev)
    return Diagnostic::error("check-metadata", "unknown severity `" + severity + "`",
                             r.at(directive->loc))
        .hint("severity is LOW, MEDIUM, HIGH or CRITICAL");
  check.severity = *sev;
  auto expectation = Expectation::parse(expect);
  if (!expectation) {
    Diagnostic d = expectation.errors().front();
    d.where = r.at(directive->loc);
    return d;
  }
  check.expect = std::move(expectation).value();
  for (const auto& s : check.subjects)
    if (!engine.schema().type(s))
      return Diagnostic::error("check-metadata", "unknown subject type `" + s + "`",
                               r.at(directive->loc));
  semantic::AnalyzeOptions options;
  options.source_name = file;
  options.variables = declared_variables(op, variables);
  auto compiled = engine.compile(std::move(doc).value(), options);
  if (!compiled) return compiled.take_errors();
  if (auto mismatch = subjects_match_roots(r, *compiled); !mismatch.empty()) return mismatch;
  check.query = std::move(compiled).value();
  return check;
}

Result<Catalog> Catalog::load(const std::string& dir, const exec::Engine& engine) {
  return load(std::vector<std::string>{dir}, nlohmann::json::object(), engine);
}

namespace {

// The *.graphql files of `dir`, sorted by name.
Result<std::vector<std::filesystem::path>> check_files(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file() && it->path().extension() == ".graphql") files.push_back(it->path());
  if (ec)
    return Diagnostic::error("catalog", "cannot read the checks directory: " + ec.message(),
                             {dir, 0, 0});
  std::sort(files.begin(), files.end());
  return files;
}

// A variable given on the command line that no check declares.
Diagnostics undeclared_variables(const nlohmann::json& variables,
                                 const std::vector<Check>& checks) {
  Diagnostics errors;
  if (!variables.is_object()) return errors;
  std::vector<std::string> declared;
  for (const auto& c : checks)
    for (const auto& v : c.variables)
      if (std::find(declared.begin(), declared.end(), v) == declared.end()) declared.push_back(v);
  for (const auto& [name, value] : variables.items()) {
    if (std::find(declared.begin(), declared.end(), name) != declared.end()) continue;
    Diagnostic d =
        Diagnostic::error("unknown-variable", "no stored check declares the variable $" + name);
    if (auto guess = closest_match(name, declared); !guess.empty())
      d.hints.push_back("did you mean `" + guess + "`?");
    else if (declared.empty())
      d.hints.push_back("the stored checks declare no variables");
    errors.push_back(std::move(d));
  }
  return errors;
}

}  // namespace

Result<Catalog> Catalog::load(const std::vector<std::string>& dirs, const nlohmann::json& variables,
                              const exec::Engine& engine) {
  Catalog catalog;
  Diagnostics errors;
  std::map<std::string, std::string> files_by_id;
  for (const auto& dir : dirs) {
    auto files = check_files(dir);
    if (!files) {
      for (auto& e : files.take_errors()) errors.push_back(std::move(e));
      continue;
    }
    for (const auto& path : *files) {
      auto text = file::read(path.string());
      if (!text) {
        for (auto& e : text.take_errors()) errors.push_back(std::move(e));
        continue;
      }
      auto check = parse_check(*text, path.string(), engine, variables);
      if (!check) {
        for (auto& e : check.take_errors()) errors.push_back(std::move(e));
        continue;
      }
      auto [first, inserted] = files_by_id.emplace(check->id, path.string());
      if (!inserted) {
        errors.push_back(Diagnostic::error("duplicate-check",
                                           "check id `" + check->id + "` is defined twice: in " +
                                               first->second + " and in " + path.string(),
                                           {path.string(), 0, 0})
                             .hint("a check id is unique across every --queries directory; "
                                   "rename one, or leave the bundled checks out with "
                                   "--no-bundled"));
        continue;
      }
      catalog.checks_.push_back(std::move(check).value());
    }
  }
  if (errors.empty()) errors = undeclared_variables(variables, catalog.checks_);
  if (!errors.empty()) return errors;
  if (catalog.checks_.empty()) {
    std::string where;
    for (const auto& d : dirs) where += (where.empty() ? "" : ", ") + d;
    return Diagnostic::error("catalog", "no checks (*.graphql) found", {where, 0, 0});
  }
  return catalog;
}

}  // namespace posture::checks
