// Construction helpers and the text rendering of the filter IR.
#include "engine/semantic/ir.hpp"

#include <nlohmann/json.hpp>

namespace posture::ir {

std::string to_string(const Literal& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t n) const { return std::to_string(n); }
    std::string operator()(double d) const { return nlohmann::json(d).dump(); }
    std::string operator()(const std::string& s) const { return nlohmann::json(s).dump(); }
  };
  return std::visit(Visitor{}, v);
}

std::string_view op_name(CompareOp op) {
  switch (op) {
    case CompareOp::Eq:
      return "eq";
    case CompareOp::In:
      return "in";
    case CompareOp::Lt:
      return "lt";
    case CompareOp::Lte:
      return "lte";
    case CompareOp::Gt:
      return "gt";
    case CompareOp::Gte:
      return "gte";
    case CompareOp::Contains:
      return "contains";
    case CompareOp::StartsWith:
      return "startsWith";
    case CompareOp::EndsWith:
      return "endsWith";
    case CompareOp::Matches:
      return "matches";
    case CompareOp::Includes:
      return "includes";
  }
  return "?";
}

std::string_view quantifier_name(Quantifier q) {
  switch (q) {
    case Quantifier::Some:
      return "some";
    case Quantifier::None:
      return "none";
    case Quantifier::All:
      return "all";
    case Quantifier::Single:
      return "single";
  }
  return "?";
}

Predicate Predicate::always(bool value) {
  Predicate p;
  p.kind = value ? Kind::True : Kind::False;
  return p;
}

Predicate Predicate::all_of(std::vector<Predicate> children) {
  Predicate p;
  p.kind = Kind::And;
  p.children = std::move(children);
  return p;
}

Predicate Predicate::any_of(std::vector<Predicate> children) {
  Predicate p;
  p.kind = Kind::Or;
  p.children = std::move(children);
  return p;
}

Predicate Predicate::negate(Predicate child) {
  Predicate p;
  p.kind = Kind::Not;
  p.loc = child.loc;
  p.children.push_back(std::move(child));
  return p;
}

namespace {
std::string_view count_op_name(CountOp op) {
  switch (op) {
    case CountOp::Eq:
      return "=";
    case CountOp::Lt:
      return "<";
    case CountOp::Lte:
      return "<=";
    case CountOp::Gt:
      return ">";
    case CountOp::Gte:
      return ">=";
  }
  return "?";
}
}  // namespace

std::string to_string(const Predicate& p, int indent) {
  std::string pad(static_cast<size_t>(indent) * 2, ' ');
  std::string out = pad;
  switch (p.kind) {
    case Predicate::Kind::True:
      return out + "TRUE\n";
    case Predicate::Kind::False:
      return out + "FALSE\n";
    case Predicate::Kind::And:
      out += "AND\n";
      break;
    case Predicate::Kind::Or:
      out += "OR\n";
      break;
    case Predicate::Kind::Not:
      out += "NOT\n";
      break;
    case Predicate::Kind::IsNull:
      return out + p.field->name + " IS MISSING\n";
    case Predicate::Kind::Compare: {
      out += p.field->name + " " + std::string(op_name(p.op));
      if (p.case_insensitive) out += " (case-insensitive)";
      for (const auto& v : p.values) out += " " + to_string(v);
      return out + "\n";
    }
    case Predicate::Kind::Related:
      out += p.relationship->name + " " + std::string(quantifier_name(p.quantifier)) + "\n";
      break;
    case Predicate::Kind::Count:
      return out + "count(" + p.relationship->name + ") " + std::string(count_op_name(p.count_op)) +
             " " + std::to_string(p.count) + "\n";
  }
  for (const auto& c : p.children) out += to_string(c, indent + 1);
  return out;
}

}  // namespace posture::ir
