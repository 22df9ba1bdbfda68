// Reading checks: the @check directive's arguments become Check metadata, the
// operation itself is compiled once for evaluation.
#include "engine/checks/catalog.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
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

}  // namespace

Result<Check> Catalog::parse_check(std::string_view text, const std::string& file,
                                   const exec::Engine& engine) {
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
  Check check;
  check.file = file;
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
  auto compiled = engine.compile(std::move(doc).value(), options);
  if (!compiled) return compiled.take_errors();
  check.query = std::move(compiled).value();
  return check;
}

Result<Catalog> Catalog::load(const std::string& dir, const exec::Engine& engine) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file() && it->path().extension() == ".graphql") files.push_back(it->path());
  if (ec)
    return Diagnostic::error("catalog", "cannot read the checks directory: " + ec.message(),
                             {dir, 0, 0});
  std::sort(files.begin(), files.end());
  Catalog catalog;
  Diagnostics errors;
  std::set<std::string> ids;
  for (const auto& path : files) {
    auto text = file::read(path.string());
    if (!text) {
      for (auto& e : text.take_errors()) errors.push_back(std::move(e));
      continue;
    }
    auto check = parse_check(*text, path.string(), engine);
    if (!check) {
      for (auto& e : check.take_errors()) errors.push_back(std::move(e));
      continue;
    }
    if (!ids.insert(check->id).second) {
      errors.push_back(Diagnostic::error("check-metadata", "duplicate check id `" + check->id + "`",
                                         {path.string(), 0, 0}));
      continue;
    }
    catalog.checks_.push_back(std::move(check).value());
  }
  if (!errors.empty()) return errors;
  if (catalog.checks_.empty())
    return Diagnostic::error("catalog", "no checks (*.graphql) found", {dir, 0, 0});
  return catalog;
}

}  // namespace posture::checks
