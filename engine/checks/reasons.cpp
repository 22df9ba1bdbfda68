// Reasons of failing findings (reasons.hpp). Three parts: reading the failing
// subjects and the related rows the filter looks at (statements from
// sql::rows_by_rid and sql::related_rows, in batches of kBatch rowids);
// evaluating the filter on those records with the operators' SQL meaning
// (the compiler's, engine/sql/compiler.cpp: SQLite's comparison order, ASCII
// case folding, RE2 full match, list equality on the stored JSON text); and
// walking the filter again in the direction it evaluated, collecting the
// comparisons that decided it.
#include "engine/checks/reasons.hpp"

#include <re2/re2.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "base/codec.hpp"
#include "base/text.hpp"
#include "engine/sql/statements.hpp"

namespace posture::checks {

namespace {

using Kind = ir::Predicate::Kind;
using Value = store::Value;

constexpr size_t kBatch = 2048;  // rowids read per statement (one parameter)

// One row read back: its fields in the type's schema order, and the related
// rows of the relationships the filter looks at (by relationship name).
struct Record {
  int64_t rid = 0;
  std::vector<Value> values;
  std::map<std::string, std::vector<Record>> related;
};

Value read_value(const store::Cursor& cursor, int column, const schema::Field& f) {
  if (cursor.is_null(column)) return std::monostate{};
  if (f.list) return std::string(cursor.text(column));
  switch (f.scalar) {
    case schema::ScalarType::Boolean:
      return cursor.integer(column) != 0;
    case schema::ScalarType::Int:
      return cursor.integer(column);
    case schema::ScalarType::Float:
      return cursor.real(column);
    case schema::ScalarType::ID:
    case schema::ScalarType::String:
      break;
  }
  return std::string(cursor.text(column));
}

// Runs `st` and makes a record of each row: column 0 the rowid, `skip` more
// columns passed to `owner` (the owner's rowid), then the fields of `type`.
template <typename OnRow>
Status read_records(const store::Store& store, const sql::Statement& st,
                    const schema::ObjectType& type, int skip, OnRow on_row) {
  auto cursor = store::Cursor::open(store, st, 0);
  if (!cursor) return cursor.take_errors();
  while (true) {
    auto row = cursor->next();
    if (!row) return row.take_errors();
    if (!*row) break;
    Record r;
    r.rid = cursor->integer(0);
    r.values.reserve(type.fields.size());
    for (size_t i = 0; i < type.fields.size(); ++i)
      r.values.push_back(read_value(*cursor, static_cast<int>(i) + 1 + skip, type.fields[i]));
    on_row(skip ? cursor->integer(1) : 0, std::move(r));
  }
  return ok_status();
}

// The relationships a predicate looks at on its own level (not inside the
// related rows' own filters): name -> the related rows' filters.
struct Use {
  const ir::Predicate* node = nullptr;  // one Related or Count node over it
  std::vector<const ir::Predicate*> inner;
};
// The fields of `type` that `filters` compare on their own level (not inside
// related rows' filters), and `name` and `id` (a related row's label in a
// path): the only values the evaluation and the reasons read, so the only
// ones read back. Another field, derived ones above all (a subquery per row),
// would cost reading without changing a byte of any reason.
void mark_fields(const ir::Predicate& p, const schema::ObjectType& type, std::vector<bool>& read) {
  if (p.kind == Kind::Related || p.kind == Kind::Count) return;
  if (p.field) {
    auto index = static_cast<size_t>(p.field - type.fields.data());
    if (index < read.size()) read[index] = true;
  }
  for (const auto& c : p.children) mark_fields(c, type, read);
}
std::vector<bool> fields_read(const schema::ObjectType& type,
                              const std::vector<const ir::Predicate*>& filters) {
  std::vector<bool> read(type.fields.size(), false);
  for (const char* name : {"name", "id"})
    if (const schema::Field* f = type.field(name))
      read[static_cast<size_t>(f - type.fields.data())] = true;
  for (const auto* f : filters) mark_fields(*f, type, read);
  return read;
}

void relationships_used(const ir::Predicate& p, std::map<std::string, Use>& out) {
  if (p.kind == Kind::Related || p.kind == Kind::Count) {
    Use& use = out[p.relationship->name];
    use.node = &p;
    if (p.kind == Kind::Related && !p.children.empty()) use.inner.push_back(&p.children.front());
    return;
  }
  for (const auto& c : p.children) relationships_used(c, out);
}

// Reads, for `records` (rows of one type), the related rows `filters` look at,
// and theirs in turn.
Status attach_related(const store::Store& store, std::vector<Record*>& records,
                      const std::vector<const ir::Predicate*>& filters) {
  std::map<std::string, Use> uses;
  for (const auto* f : filters) relationships_used(*f, uses);
  if (uses.empty() || records.empty()) return ok_status();
  std::sort(records.begin(), records.end(),
            [](const Record* a, const Record* b) { return a->rid < b->rid; });
  for (const auto& entry : uses) {
    const std::string& name = entry.first;  // not a structured binding: the lambda below uses it
    const Use& use = entry.second;
    const schema::ObjectType& target = *use.node->target;
    const std::vector<bool> fields = fields_read(target, use.inner);
    for (size_t begin = 0; begin < records.size(); begin += kBatch) {
      size_t end = std::min(records.size(), begin + kBatch);
      std::vector<int64_t> owners;
      for (size_t i = begin; i < end; ++i) owners.push_back(records[i]->rid);
      auto st = sql::related_rows(*use.node->relationship, target, owners,
                                  sql::dialect(store.backend()), &fields);
      auto by_owner = records.begin() + static_cast<std::ptrdiff_t>(begin);
      auto read = read_records(store, st, target, 1, [&](int64_t owner, Record r) {
        by_owner = std::lower_bound(by_owner, records.begin() + static_cast<std::ptrdiff_t>(end),
                                    owner, [](const Record* a, int64_t v) { return a->rid < v; });
        if (by_owner != records.end() && (*by_owner)->rid == owner)
          (*by_owner)->related[name].push_back(std::move(r));
      });
      if (!read) return read;
    }
    std::vector<Record*> children;
    for (Record* r : records)
      for (auto& c : r->related[name]) children.push_back(&c);
    if (auto st = attach_related(store, children, use.inner); !st) return st;
  }
  return ok_status();
}

// The items of a list stored as compact JSON whose every item is a string
// with nothing to escape (text::json_plain), as most are: ["a","b"]. False
// for any other text, which is then parsed.
bool plain_list(std::string_view s, std::vector<std::string_view>& items) {
  items.clear();
  if (s.size() < 2 || s.front() != '[' || s.back() != ']') return false;
  std::string_view rest = s.substr(1, s.size() - 2);
  while (!rest.empty()) {
    if (rest.front() != '"') return false;
    const size_t close = rest.find('"', 1);  // no backslash in a plain item: this closes it
    if (close == std::string_view::npos || !text::json_plain(rest.substr(1, close - 1)))
      return false;
    items.push_back(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (rest.empty()) break;
    if (rest.front() != ',' || rest.size() == 1) return false;
    rest.remove_prefix(1);
  }
  return true;
}

std::string json_text(const Value& v, bool list) {
  if (std::holds_alternative<std::monostate>(v)) return "null";
  if (const auto* s = std::get_if<std::string>(&v)) {
    // A list is stored as compact JSON; a damaged one is given as a string,
    // so `expected` and `actual` are always JSON texts.
    std::vector<std::string_view> items;
    if (list && (plain_list(*s, items) || nlohmann::json::accept(*s))) return *s;
    if (text::json_plain(*s)) return '"' + *s + '"';
    return nlohmann::json(*s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  return nlohmann::json(std::get<double>(v)).dump();
}

// SQLite's order of values: numbers (booleans are 0/1) before text.
int compare_values(const Value& a, const Value& b, bool fold) {
  auto number = [](const Value& v, double& out) {
    if (const auto* flag = std::get_if<bool>(&v)) return out = *flag ? 1 : 0, true;
    if (const auto* i = std::get_if<int64_t>(&v)) return out = static_cast<double>(*i), true;
    if (const auto* d = std::get_if<double>(&v)) return out = *d, true;
    return false;
  };
  const auto* sa = std::get_if<std::string>(&a);
  const auto* sb = std::get_if<std::string>(&b);
  if (sa && sb) {
    int c = fold ? text::ascii_lower(*sa).compare(text::ascii_lower(*sb)) : sa->compare(*sb);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (sa) return 1;
  if (sb) return -1;
  const auto* ia = std::get_if<int64_t>(&a);
  const auto* ib = std::get_if<int64_t>(&b);
  if (ia && ib) return *ia < *ib ? -1 : (*ia > *ib ? 1 : 0);
  double x = 0, y = 0;
  number(a, x);
  number(b, y);
  return x < y ? -1 : (x > y ? 1 : 0);
}

std::string type_words(std::string_view name, bool plural) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') {
      if (!out.empty()) out += ' ';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return plural ? out + "s" : out;
}

const char* count_symbol(ir::CountOp op) {
  static const char* symbols[] = {"=", "<", "<=", ">", ">="};
  return symbols[static_cast<size_t>(op)];
}

const char* count_name(ir::CountOp op) {
  static const char* names[] = {"count_eq", "count_lt", "count_lte", "count_gt", "count_gte"};
  return names[static_cast<size_t>(op)];
}

// How a comparison reads, when it held and when it did not.
std::pair<std::string, std::string> phrases(ir::CompareOp op) {
  using Op = ir::CompareOp;
  switch (op) {
    case Op::Eq:
      return {"", ", not"};
    case Op::In:
      return {"", ", not one of"};
    case Op::Lt:
      return {"<", ", not <"};
    case Op::Lte:
      return {"<=", ", not <="};
    case Op::Gt:
      return {">", ", not >"};
    case Op::Gte:
      return {">=", ", not >="};
    case Op::Contains:
      return {"contains", "does not contain"};
    case Op::StartsWith:
      return {"starts with", "does not start with"};
    case Op::EndsWith:
      return {"ends with", "does not end with"};
    case Op::Matches:
      return {"matches", "does not match"};
    case Op::Includes:
      return {"includes", "does not include"};
  }
  return {"", ""};
}

// Evaluates filters on records and says why they evaluated as they did.
class Evaluation {
 public:
  bool holds(const ir::Predicate& p, const schema::ObjectType& type, const Record& r) {
    switch (p.kind) {
      case Kind::True:
        return true;
      case Kind::False:
        return false;
      case Kind::And:
        return std::all_of(p.children.begin(), p.children.end(),
                           [&](const ir::Predicate& c) { return holds(c, type, r); });
      case Kind::Or:
        return std::any_of(p.children.begin(), p.children.end(),
                           [&](const ir::Predicate& c) { return holds(c, type, r); });
      case Kind::Not:
        return !holds(p.children.at(0), type, r);
      case Kind::IsNull:
        return std::holds_alternative<std::monostate>(value(type, r, *p.field));
      case Kind::Compare:
        return compare(p, value(type, r, *p.field));
      case Kind::Related:
      case Kind::Count:
        return related(p, r);
    }
    return false;
  }

  // Appends to `out` why `p` is `want` for `r` (which it is), the paths
  // starting with `prefix`.
  void explain(const ir::Predicate& p, const schema::ObjectType& type, const Record& r, bool want,
               const std::string& prefix, Reason& out) {
    switch (p.kind) {
      case Kind::True:
      case Kind::False:
        return;
      case Kind::And:
      case Kind::Or:
        // AND true and OR false: every child; otherwise the children that decided.
        for (const auto& c : p.children)
          if ((want == (p.kind == Kind::And)) || holds(c, type, r) == want)
            explain(c, type, r, want, prefix, out);
        return;
      case Kind::Not:
        return explain(p.children.at(0), type, r, !want, prefix, out);
      case Kind::IsNull: {
        const Value& v = value(type, r, *p.field);
        std::string path = prefix + p.field->name;
        std::string actual = json_text(v, p.field->list);
        add(out, {path, "is_null", "null", actual, want},
            want ? path + " is missing" : path + " = " + actual);
        return;
      }
      case Kind::Compare:
        return explain_compare(p, value(type, r, *p.field), want, prefix, out);
      case Kind::Related:
      case Kind::Count:
        return explain_related(p, r, want, prefix, out);
    }
  }

 private:
  static const Value& value(const schema::ObjectType& type, const Record& r,
                            const schema::Field& f) {
    static const Value missing;
    auto index = static_cast<size_t>(&f - type.fields.data());
    return index < r.values.size() ? r.values[index] : missing;
  }

  static void add(Reason& out, Evidence e, const std::string& part) {
    if (out.text.find(part) != std::string::npos &&
        std::any_of(out.evidence.begin(), out.evidence.end(), [&](const Evidence& o) {
          return o.path == e.path && o.op == e.op && o.actual == e.actual;
        }))
      return;
    out.text += (out.text.empty() ? "" : "; ") + part;
    out.evidence.push_back(std::move(e));
  }

  const RE2* regex(const std::string& pattern) {
    auto& slot = regexes_[pattern];
    if (!slot) {
      RE2::Options options;
      options.set_log_errors(false);
      slot = std::make_unique<RE2>(pattern, options);
    }
    return slot->ok() ? slot.get() : nullptr;
  }

  bool compare_one(const ir::Predicate& p, const Value& v, const ir::Literal& lit) {
    using Op = ir::CompareOp;
    const bool fold = p.case_insensitive;
    const auto* s = std::get_if<std::string>(&v);
    const auto* l = std::get_if<std::string>(&lit);
    switch (p.op) {
      case Op::Eq:
      case Op::In:
        return compare_values(v, lit, fold) == 0;
      case Op::Lt:
        return compare_values(v, lit, fold) < 0;
      case Op::Lte:
        return compare_values(v, lit, fold) <= 0;
      case Op::Gt:
        return compare_values(v, lit, fold) > 0;
      case Op::Gte:
        return compare_values(v, lit, fold) >= 0;
      case Op::Contains:
      case Op::StartsWith:
      case Op::EndsWith: {
        if (!s || !l) return false;
        std::string value = fold ? text::ascii_lower(*s) : *s,
                    affix = fold ? text::ascii_lower(*l) : *l;
        if (p.op == Op::Contains) return value.find(affix) != std::string::npos;
        if (value.size() < affix.size()) return false;
        size_t at = p.op == Op::StartsWith ? 0 : value.size() - affix.size();
        return value.compare(at, affix.size(), affix) == 0;
      }
      case Op::Matches: {
        if (!s || !l) return false;
        const RE2* re = regex(fold ? "(?i)" + *l : *l);
        return re && RE2::FullMatch(*s, *re);
      }
      case Op::Includes: {
        if (!s || !l) return false;
        std::vector<std::string_view> items;
        if (plain_list(*s, items)) {
          std::string want = fold ? text::ascii_lower(*l) : *l;
          return std::any_of(items.begin(), items.end(), [&](std::string_view item) {
            return fold ? text::ascii_lower(item) == want : item == want;
          });
        }
        auto list = nlohmann::json::parse(*s, nullptr, false);
        if (!list.is_array()) return false;
        std::string want = fold ? text::ascii_lower(*l) : *l;
        return std::any_of(list.begin(), list.end(), [&](const nlohmann::json& item) {
          if (!item.is_string()) return false;
          std::string element = item.get<std::string>();
          return (fold ? text::ascii_lower(element) : element) == want;
        });
      }
    }
    return false;
  }

  bool compare(const ir::Predicate& p, const Value& v) {
    if (std::holds_alternative<std::monostate>(v)) return false;
    return std::any_of(p.values.begin(), p.values.end(),
                       [&](const ir::Literal& lit) { return compare_one(p, v, lit); });
  }

  void explain_compare(const ir::Predicate& p, const Value& v, bool want, const std::string& prefix,
                       Reason& out) {
    std::string path = prefix + p.field->name;
    // A list field compared whole: its literal is the list's JSON text.
    bool whole_list = p.field->list && p.op != ir::CompareOp::Includes;
    std::string expected;
    if (p.op == ir::CompareOp::In) {
      expected = "[";
      for (size_t i = 0; i < p.values.size(); ++i)
        expected += (i ? ", " : "") + json_text(p.values[i], whole_list);
      expected += "]";
    } else if (!p.values.empty()) {
      expected = json_text(p.values.front(), whole_list);
    }
    std::string actual = json_text(v, p.field->list);
    auto [held, failed] = phrases(p.op);
    std::string part =
        path + (std::holds_alternative<std::monostate>(v) ? " is missing" : " = " + actual);
    if (!std::holds_alternative<std::monostate>(v)) {
      const std::string& phrase = want ? held : failed;
      if (!phrase.empty())
        part += (phrase.front() == ',' ? "" : " ") + phrase + " " + expected +
                (p.case_insensitive ? " (ignoring case)" : "");
    }
    add(out, {path, std::string(ir::op_name(p.op)), expected, actual, want}, part);
  }

  bool related(const ir::Predicate& p, const Record& r) {
    static const std::vector<Record> none;
    auto it = r.related.find(p.relationship->name);
    const std::vector<Record>& rows = it == r.related.end() ? none : it->second;
    auto n = static_cast<int64_t>(rows.size());
    if (p.kind == Kind::Count) {
      switch (p.count_op) {
        case ir::CountOp::Eq:
          return n == p.count;
        case ir::CountOp::Lt:
          return n < p.count;
        case ir::CountOp::Lte:
          return n <= p.count;
        case ir::CountOp::Gt:
          return n > p.count;
        case ir::CountOp::Gte:
          return n >= p.count;
      }
      return false;
    }
    int64_t satisfied = 0;
    for (const auto& row : rows)
      if (p.children.empty() || holds(p.children.front(), *p.target, row)) ++satisfied;
    switch (p.quantifier) {
      case ir::Quantifier::Some:
        return satisfied >= 1;
      case ir::Quantifier::None:
        return satisfied == 0;
      case ir::Quantifier::All:
        return n > 0 && satisfied == n;
      case ir::Quantifier::Single:
        return satisfied == 1;
    }
    return false;
  }

  // The label of a related row in a path: its name, else its id, else its position.
  static std::string label(const schema::ObjectType& type, const Record& r, size_t position) {
    for (const char* f : {"name", "id"}) {
      const schema::Field* field = type.field(f);
      if (!field) continue;
      const auto* s = std::get_if<std::string>(&value(type, r, *field));
      if (s && !s->empty()) return *s;
    }
    return "#" + std::to_string(position + 1);
  }

  void explain_related(const ir::Predicate& p, const Record& r, bool want,
                       const std::string& prefix, Reason& out) {
    static const std::vector<Record> none;
    auto it = r.related.find(p.relationship->name);
    const std::vector<Record>& rows = it == r.related.end() ? none : it->second;
    const std::string path = prefix + p.relationship->name;
    const std::string n = std::to_string(rows.size());
    const std::string nothing = "no " + type_words(p.target->name, false);
    if (p.kind == Kind::Count) {
      std::string expected = std::to_string(p.count);
      std::string part = rows.empty() ? nothing : "count(" + path + ") = " + n;
      if (!rows.empty() && (p.count_op != ir::CountOp::Eq || !want))
        part += (want ? " " : ", not ") + std::string(count_symbol(p.count_op)) + " " + expected;
      add(out, {path, count_name(p.count_op), expected, n, want}, part);
      return;
    }
    const std::string quantifier(ir::quantifier_name(p.quantifier));
    const size_t before = out.evidence.size();
    if (!rows.empty() && !p.children.empty()) {
      const ir::Predicate& inner = p.children.front();
      std::vector<bool> sat;
      for (const auto& row : rows) sat.push_back(holds(inner, *p.target, row));
      const auto count = std::count(sat.begin(), sat.end(), true);
      // The rows that decided, explained in the direction they went: for SOME
      // and SINGLE the rows satisfying the filter (all of them, unsatisfied,
      // when none does), for NONE the reverse, for ALL the violating rows
      // when it fails.
      bool direction = want;
      if (p.quantifier == ir::Quantifier::None) direction = !want;
      if (p.quantifier == ir::Quantifier::Single && !want && count > 1) {
        direction = true;
        add(out, {path, quantifier, "1", std::to_string(count), false},
            std::to_string(count) + " " + type_words(p.target->name, true) +
                " match, not exactly one");
      }
      for (size_t i = 0; i < rows.size(); ++i)
        if (sat[i] == direction)
          explain(inner, *p.target, rows[i], direction,
                  path + "[" + label(*p.target, rows[i], i) + "].", out);
    }
    if (out.evidence.size() == before)
      add(out, {path, quantifier, "null", n, want},
          rows.empty() ? nothing : "count(" + path + ") = " + n);
  }

  std::map<std::string, std::unique_ptr<RE2>> regexes_;
};

}  // namespace

Result<Explainer::Explained> Explainer::explain(const std::vector<int64_t>& rids) const {
  auto explained = explain(std::vector<std::vector<int64_t>>{rids});
  if (!explained) return explained.take_errors();
  return std::move(explained->front());
}

Result<std::vector<Explainer::Explained>> Explainer::explain(
    const std::vector<std::vector<int64_t>>& rids) const {
  std::vector<Explained> out(std::min(rids.size(), wheres_.size()));
  for (size_t k = 0; k < out.size(); ++k) {
    out[k].reasons.resize(rids[k].size());
    out[k].holds.assign(rids[k].size(), false);
  }
  auto st = explain(rids, [&](size_t k, size_t i, bool holds, Reason& reason) {
    out[k].reasons[i] = std::move(reason);
    out[k].holds[i] = holds;
    return ok_status();
  });
  if (!st) return st.take_errors();
  return out;
}

Status Explainer::explain(const std::vector<std::vector<int64_t>>& rids, const Visit& visit) const {
  const size_t filters = std::min(rids.size(), wheres_.size());
  // Each filter's subjects by rowid (positions in rids[k]), and all of them
  // once: the subjects are read in rowid order, a batch at a time.
  std::vector<std::vector<size_t>> order(filters);
  std::vector<int64_t> all;
  for (size_t k = 0; k < filters; ++k) {
    order[k].resize(rids[k].size());
    for (size_t i = 0; i < order[k].size(); ++i) order[k][i] = i;
    std::sort(order[k].begin(), order[k].end(),
              [&](size_t a, size_t b) { return rids[k][a] < rids[k][b]; });
    all.insert(all.end(), rids[k].begin(), rids[k].end());
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  Evaluation evaluation;
  const std::vector<bool> fields = fields_read(type_, wheres_);
  std::vector<size_t> next(filters, 0);  // in order[k]: the first not yet explained
  for (size_t begin = 0; begin < all.size(); begin += kBatch) {
    size_t end = std::min(all.size(), begin + kBatch);
    std::vector<int64_t> batch(all.begin() + static_cast<std::ptrdiff_t>(begin),
                               all.begin() + static_cast<std::ptrdiff_t>(end));
    std::vector<Record> records;
    auto read = read_records(
        store_, sql::rows_by_rid(type_, batch, sql::dialect(store_.backend()), &fields), type_, 0,
        [&](int64_t, Record r) { records.push_back(std::move(r)); });
    if (!read) return read.take_errors();
    std::vector<Record*> pointers;
    for (auto& r : records) pointers.push_back(&r);
    if (auto st = attach_related(store_, pointers, wheres_); !st) return st;
    // records ascend by rowid, as `batch` does (a rowid not found stays unexplained).
    for (size_t k = 0; k < filters; ++k) {
      size_t record = 0;
      for (; next[k] < order[k].size() && rids[k][order[k][next[k]]] <= batch.back(); ++next[k]) {
        const size_t i = order[k][next[k]];
        Reason reason;
        bool holds = false;
        while (record < records.size() && records[record].rid < rids[k][i]) ++record;
        if (record < records.size() && records[record].rid == rids[k][i] &&
            evaluation.holds(*wheres_[k], type_, records[record])) {
          holds = true;
          evaluation.explain(*wheres_[k], type_, records[record], true, "", reason);
        }
        if (reason.text.empty()) reason = Reason{kNeutralReason, {}};
        if (auto st = visit(k, i, holds, reason); !st) return st;
      }
    }
  }
  return ok_status();
}

// ReasonFile: records of a u32 size (host byte order: the file lives as
// long as the process), then the finding's index, a reference (0: the reason
// follows; k: the part's kept reason k - 1) and, for 0, the reason, in the
// codec's encoding (base/codec.hpp).

template <class A, class S>
requires std::is_same_v<std::remove_const_t<S>, Evidence>
void members(A& a, S& s) {
  a(s.path), a(s.op), a(s.expected), a(s.actual), a(s.holds);
}

template <class A, class S>
requires std::is_same_v<std::remove_const_t<S>, Reason>
void members(A& a, S& s) {
  a(s.text), a(s.evidence);
}

namespace {

constexpr size_t kReasonBuffer = size_t{64} << 10;

Diagnostic reason_file_error(const char* what) {
  return Diagnostic::error(
      "io", std::string("cannot ") + what +
                " the temporary file of failing findings' reasons: " + std::strerror(errno));
}

}  // namespace

Result<std::shared_ptr<ReasonFile>> ReasonFile::create() {
  auto file = std::make_shared<ReasonFile>();
  file->parts_.push_back({std::unique_ptr<std::FILE, Closer>(std::tmpfile()), {}});
  if (!file->parts_.back().file) return reason_file_error("create");
  return file;
}

std::shared_ptr<ReasonFile> ReasonFile::join(std::vector<std::shared_ptr<ReasonFile>> parts) {
  auto file = std::make_shared<ReasonFile>();
  for (auto& part : parts) {
    for (auto& p : part->parts_) file->parts_.push_back(std::move(p));
    file->count_ += part->count_;
  }
  return file;
}

namespace {

// A reason's hash and the bytes of text it holds (ReasonFile::kKeptBytes).
uint64_t reason_hash(const Reason& r) {
  const std::hash<std::string_view> h;
  uint64_t out = h(r.text);
  auto mix = [&](std::string_view s) { out = out * 0x100000001b3ull ^ h(s); };
  for (const Evidence& e : r.evidence) {
    mix(e.path), mix(e.op), mix(e.expected), mix(e.actual);
    out ^= e.holds ? 1 : 2;
  }
  return out;
}
size_t reason_bytes(const Reason& r) {
  size_t n = r.text.size();
  for (const Evidence& e : r.evidence)
    n += e.path.size() + e.op.size() + e.expected.size() + e.actual.size() + 1;
  return n;
}

}  // namespace

Status ReasonFile::append(uint32_t index, const Reason& reason) {
  auto& kept = parts_.back().kept;
  const uint64_t hash = reason_hash(reason);
  uint32_t ref = 0;
  for (auto [it, end] = seen_.equal_range(hash); it != end && ref == 0; ++it)
    if (kept[it->second - 1] == reason) ref = it->second;
  if (const size_t bytes = reason_bytes(reason); ref == 0 && kept_bytes_ + bytes <= kKeptBytes) {
    kept.push_back(reason);
    ref = static_cast<uint32_t>(kept.size());
    kept_bytes_ += bytes;
    seen_.emplace(hash, ref);
  }
  codec::Writer record;
  record(index)(ref);
  if (ref == 0) record(reason);
  const auto size = static_cast<uint32_t>(record.out.size());
  out_.append(reinterpret_cast<const char*>(&size), sizeof size);
  out_ += record.out;
  ++count_;
  if (out_.size() < kReasonBuffer) return ok_status();
  return finish();
}

Status ReasonFile::finish() {
  if (out_.empty()) return ok_status();
  std::FILE* f = parts_.back().file.get();
  if (std::fwrite(out_.data(), 1, out_.size(), f) != out_.size()) return reason_file_error("write");
  out_.clear();
  if (std::fflush(f) != 0) return reason_file_error("write");
  return ok_status();
}

Result<bool> ReasonFile::Reader::fill(size_t need) {
  if (buf_.size() - pos_ >= need) return true;
  buf_.erase(0, pos_);
  pos_ = 0;
  while (buf_.size() < need) {
    if (part_ == file_->parts_.size()) return false;
    const int fd = fileno(file_->parts_[part_].file.get());
    const size_t have = buf_.size();
    buf_.resize(have + std::max(kReasonBuffer, need - have));
    ssize_t n = ::pread(fd, buf_.data() + have, buf_.size() - have, static_cast<off_t>(offset_));
    buf_.resize(have + static_cast<size_t>(std::max<ssize_t>(n, 0)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return reason_file_error("read");
    offset_ += static_cast<uint64_t>(n);
    if (n == 0) {  // the next part, from its start
      ++part_;
      offset_ = 0;
    }
  }
  return true;
}

Result<bool> ReasonFile::Reader::next(uint32_t& index, const Reason*& reason) {
  auto head = fill(sizeof(uint32_t));
  if (!head || !*head) return head;
  uint32_t size = 0;
  std::memcpy(&size, buf_.data() + pos_, sizeof size);
  pos_ += sizeof size;
  auto body = fill(size);
  if (!body) return body;
  if (!*body) return Diagnostic::error("io", "the temporary file of reasons ends inside a record");
  codec::Reader record{std::string_view(buf_).substr(pos_, size)};
  pos_ += size;
  uint32_t ref = 0;
  record(index)(ref);
  const auto& kept = file_->parts_[part_].kept;
  kept_ = ref != 0;
  if (!kept_) record(own_);
  if (!record.ok || !record.in.empty() || ref > kept.size())
    return Diagnostic::error("io", "a record of the temporary file of reasons is damaged");
  reason = kept_ ? &kept[ref - 1] : &own_;
  return true;
}

Result<bool> ReasonFile::Reader::next(uint32_t& index, Reason& reason) {
  const Reason* read = nullptr;
  auto more = next(index, read);
  if (more && *more) reason = *read;
  return more;
}

}  // namespace posture::checks
