// The typed filter IR: what a query means, resolved against the schema.
// The semantic stage builds it from the syntax tree; the sql stage compiles it;
// the tests' reference interpreter evaluates it on in-memory objects. Logic is
// two-valued (docs/query-language.md, "Semantics"): every predicate is true or false for every
// row, a missing value is never "unknown".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/model/schema.hpp"
#include "engine/syntax/ast.hpp"

namespace posture::ir {

// A literal value, already checked against the field's type.
using Literal = std::variant<std::monostate, bool, int64_t, double, std::string>;
std::string to_string(const Literal& v);  // GraphQL notation: null, true, 3, "x"

enum class CompareOp {
  Eq,  // f = v
  In,  // f is one of values (values hold no null: null in a list becomes IsNull)
  Lt,
  Lte,
  Gt,
  Gte,
  Contains,
  StartsWith,
  EndsWith,
  Matches,   // RE2 full match
  Includes,  // list field holds v
};
std::string_view op_name(CompareOp op);

enum class Quantifier { Some, None, All, Single };
std::string_view quantifier_name(Quantifier q);

enum class CountOp { Eq, Lt, Lte, Gt, Gte };

struct Predicate {
  enum class Kind {
    True,
    False,
    And,      // children, all true (empty: true)
    Or,       // children, any true (empty: false)
    Not,      // children[0] false
    IsNull,   // field is missing
    Compare,  // field op values; false when the field is missing
    Related,  // quantifier over relationship's rows satisfying children[0]
    Count,    // number of related rows compared with count
  };
  Kind kind = Kind::True;
  syntax::Location loc;
  std::vector<Predicate> children;
  const schema::Field* field = nullptr;                // IsNull, Compare
  CompareOp op = CompareOp::Eq;                        // Compare
  std::vector<Literal> values;                         // Compare: one value, or the In list
  bool case_insensitive = false;                       // Compare on strings
  const schema::Relationship* relationship = nullptr;  // Related, Count
  const schema::ObjectType* target = nullptr;          // Related, Count: the related type
  Quantifier quantifier = Quantifier::Some;            // Related
  CountOp count_op = CountOp::Eq;                      // Count
  int64_t count = 0;                                   // Count

  static Predicate always(bool value);
  static Predicate all_of(std::vector<Predicate> children);
  static Predicate any_of(std::vector<Predicate> children);
  static Predicate negate(Predicate child);
};

// A human-readable rendering, one node per line (for `posture explain`).
std::string to_string(const Predicate& p, int indent = 0);

enum class SortDirection { Asc, Desc };
struct SortKey {
  const schema::Field* field = nullptr;
  SortDirection direction = SortDirection::Asc;
};

// What to return for one object: scalar fields, __typename, related objects.
struct Selection {
  enum class Kind { Field, Typename, Related, RelatedAggregate };
  Kind kind = Kind::Field;
  std::string response_key;
  const schema::Field* field = nullptr;                // Field
  const schema::Relationship* relationship = nullptr;  // Related, RelatedAggregate
  const schema::ObjectType* type = nullptr;            // Related: the related type
  Predicate where = Predicate::always(true);           // Related: its own where
  std::vector<SortKey> sort;
  std::optional<int64_t> limit;
  int64_t offset = 0;
  std::vector<Selection> selections;  // Related
};

// One root field of a query: `connectors(where: ...) { ... }` or
// `connectorsAggregate(where: ...) { count }`.
struct RootField {
  std::string response_key;
  const schema::ObjectType* type = nullptr;
  bool aggregate = false;  // <plural>Aggregate { count }
  Predicate where = Predicate::always(true);
  std::vector<SortKey> sort;
  std::optional<int64_t> limit;
  int64_t offset = 0;
  std::vector<Selection> selections;  // for aggregate: Field selections named count
};

struct Query {
  std::string operation_name;
  std::vector<RootField> roots;
};

}  // namespace posture::ir
