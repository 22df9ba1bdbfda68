// IR -> SQL. Predicates become two-valued boolean expressions:
//   missing field        t."f" IS NULL
//   comparisons          (t."f" IS NOT NULL AND <comparison>)   -- false when missing
//   rel some/none        [NOT] EXISTS (SELECT 1 FROM child c WHERE c.fk = t._rid AND p)
//   rel all              EXISTS(child) AND NOT EXISTS(child AND NOT p)   -- non-vacuous
//   rel single           (SELECT count(*) FROM child WHERE fk AND p) = 1
// Selections become json_object(...) per row, related lists json_group_array.
#include "engine/sql/compiler.hpp"

#include "engine/sql/rewrite.hpp"
#include "store/store.hpp"

namespace posture::sql {

namespace {

class Compiler {
 public:
  explicit Compiler(const Dialect& d) : d_(d) {}

  std::string bind(ir::Literal v) {
    params_.push_back(std::move(v));
    return d_.param(params_.size());
  }

  std::string column(const std::string& alias, const std::string& name) const {
    return alias + "." + d_.quote(name);
  }

  std::string alias() { return "t" + std::to_string(next_alias_++); }

  std::string predicate(const ir::Predicate& p, const std::string& t) {
    using K = ir::Predicate::Kind;
    switch (p.kind) {
      case K::True:
        return "1";
      case K::False:
        return "0";
      case K::And:
        return junction(p, t, " AND ", "1");
      case K::Or:
        return junction(p, t, " OR ", "0");
      case K::Not:
        return "NOT (" + predicate(p.children.front(), t) + ")";
      case K::IsNull:
        return column(t, p.field->column) + " IS NULL";
      case K::Compare:
        return compare(p, t);
      case K::Related:
        return related(p, t);
      case K::Count:
        return count(p, t);
    }
    return "0";
  }

  std::string object_json(const std::vector<ir::Selection>& selections,
                          const schema::ObjectType& type, const std::string& t) {
    std::vector<std::pair<std::string, std::string>> members;
    for (const auto& s : selections)
      members.emplace_back(s.response_key, selection_json(s, type, t));
    return d_.json_object(members);
  }

  std::string order_and_page(const std::vector<ir::SortKey>& sort,
                             const std::optional<int64_t>& limit, int64_t offset,
                             const std::string& t) {
    std::string out = " ORDER BY ";
    for (const auto& k : sort)
      out += column(t, k.field->column) +
             (k.direction == ir::SortDirection::Asc ? " ASC, " : " DESC, ");
    out += column(t, store::kKey);
    if (limit || offset) out += " LIMIT " + bind(limit ? *limit : int64_t{-1});
    if (offset) out += " OFFSET " + bind(offset);
    return out;
  }

  std::vector<ir::Literal> take_params() { return std::move(params_); }

 private:
  std::string junction(const ir::Predicate& p, const std::string& t, const char* op,
                       const char* empty) {
    if (p.children.empty()) return empty;
    if (p.children.size() == 1) return predicate(p.children.front(), t);
    std::string out = "(";
    for (size_t i = 0; i < p.children.size(); ++i) {
      if (i) out += op;
      out += predicate(p.children[i], t);
    }
    return out + ")";
  }

  std::string compare(const ir::Predicate& p, const std::string& t) {
    std::string col = column(t, p.field->column);
    bool ci = p.case_insensitive;
    auto value = [&](size_t i = 0) {
      std::string v = bind(p.values[i]);
      return ci ? d_.fold_case(v) : v;
    };
    std::string subject = ci ? d_.fold_case(col) : col;
    std::string test;
    switch (p.op) {
      case ir::CompareOp::Includes:
        return d_.list_includes(col, bind(p.values[0]), ci);
      case ir::CompareOp::Eq:
        test = subject + " = " + value();
        break;
      case ir::CompareOp::Lt:
        test = subject + " < " + value();
        break;
      case ir::CompareOp::Lte:
        test = subject + " <= " + value();
        break;
      case ir::CompareOp::Gt:
        test = subject + " > " + value();
        break;
      case ir::CompareOp::Gte:
        test = subject + " >= " + value();
        break;
      case ir::CompareOp::In: {
        test = subject + " IN (";
        for (size_t i = 0; i < p.values.size(); ++i) test += (i ? ", " : "") + value(i);
        test += ")";
        break;
      }
      case ir::CompareOp::Contains:
        test = "instr(" + subject + ", " + value() + ") > 0";
        break;
      case ir::CompareOp::StartsWith: {
        std::string v = value();
        test = "substr(" + subject + ", 1, length(" + v + ")) = " + v;
        break;
      }
      case ir::CompareOp::EndsWith: {
        std::string v = value();
        test = "(length(" + v + ") = 0 OR substr(" + subject + ", -length(" + v + ")) = " + v + ")";
        break;
      }
      case ir::CompareOp::Matches: {
        std::string pattern = std::get<std::string>(p.values[0]);
        test = d_.regex_full_match(col, bind(ci ? "(?i)" + pattern : pattern));
        break;
      }
    }
    return "(" + col + " IS NOT NULL AND " + test + ")";
  }

  // FROM child AS c WHERE c.fk = t._rid
  std::string children(const ir::Predicate& p, const std::string& t, const std::string& c) {
    return d_.quote(p.target->table) + " AS " + c + " WHERE " +
           column(c, p.relationship->fk_column) + " = " + column(t, store::kRowId);
  }

  std::string related(const ir::Predicate& p, const std::string& t) {
    std::string c = alias();
    const ir::Predicate& inner = p.children.front();
    bool trivial = inner.kind == ir::Predicate::Kind::True;
    std::string from = children(p, t, c);
    std::string cond = trivial ? "" : " AND " + predicate(inner, c);
    switch (p.quantifier) {
      case ir::Quantifier::Some:
        return "EXISTS (SELECT 1 FROM " + from + cond + ")";
      case ir::Quantifier::None:
        return "NOT EXISTS (SELECT 1 FROM " + from + cond + ")";
      case ir::Quantifier::Single:
        return "(SELECT count(*) FROM " + from + cond + ") = 1";
      case ir::Quantifier::All: {
        std::string any = "EXISTS (SELECT 1 FROM " + from + ")";
        if (trivial) return any;
        std::string c2 = alias();
        return "(" + any + " AND NOT EXISTS (SELECT 1 FROM " + children(p, t, c2) + " AND NOT (" +
               predicate(inner, c2) + ")))";
      }
    }
    return "0";
  }

  std::string count(const ir::Predicate& p, const std::string& t) {
    static const char* ops[] = {" = ", " < ", " <= ", " > ", " >= "};
    std::string c = alias();
    return "(SELECT count(*) FROM " + children(p, t, c) + ")" + ops[static_cast<int>(p.count_op)] +
           bind(p.count);
  }

  std::string selection_json(const ir::Selection& s, const schema::ObjectType& type,
                             const std::string& t) {
    using K = ir::Selection::Kind;
    switch (s.kind) {
      case K::Typename:
        return "'" + type.name + "'";
      case K::Field: {
        std::string col = column(t, s.field->column);
        if (s.field->list) return d_.json_list(col);
        if (s.field->scalar == schema::ScalarType::Boolean) return d_.json_boolean(col);
        return col;
      }
      case K::Related: {
        std::string c = alias();
        std::string rows = "SELECT " + object_json(s.selections, *s.type, c) + " AS j FROM " +
                           d_.quote(s.type->table) + " AS " + c + " WHERE " +
                           column(c, s.relationship->fk_column) + " = " + column(t, store::kRowId);
        ir::Predicate filter = rewrite(s.where);
        if (filter.kind != ir::Predicate::Kind::True) rows += " AND " + predicate(filter, c);
        rows += order_and_page(s.sort, s.limit, s.offset, c);
        return d_.json_array_of(rows);
      }
      case K::RelatedAggregate: {
        std::string c = alias();
        std::string n = "(SELECT count(*) FROM " + d_.quote(s.type->table) + " AS " + c +
                        " WHERE " + column(c, s.relationship->fk_column) + " = " +
                        column(t, store::kRowId);
        ir::Predicate filter = rewrite(s.where);
        if (filter.kind != ir::Predicate::Kind::True) n += " AND " + predicate(filter, c);
        n += ")";
        std::vector<std::pair<std::string, std::string>> members;
        for (const auto& inner : s.selections) members.emplace_back(inner.response_key, n);
        return d_.json_object(members);
      }
    }
    return "NULL";
  }

  const Dialect& d_;
  std::vector<ir::Literal> params_;
  int next_alias_ = 1;
};

std::string scan_filter(const Dialect& d, const std::string& t, const std::string& scan_param) {
  return t + "." + d.quote(store::kScan) + " = " + scan_param;
}

}  // namespace

Statement compile_root(const ir::RootField& root, const Dialect& dialect) {
  Compiler c(dialect);
  std::string scan = c.bind(int64_t{0});  // placeholder for the scan id: parameter 1
  const std::string t = "t0";
  std::string where = scan_filter(dialect, t, scan);
  ir::Predicate filter = rewrite(root.where);
  if (filter.kind != ir::Predicate::Kind::True) where += " AND " + c.predicate(filter, t);
  std::string from = " FROM " + dialect.quote(root.type->table) + " AS " + t + " WHERE " + where;
  std::string sql;
  if (root.aggregate) {
    std::vector<std::pair<std::string, std::string>> members;
    for (const auto& s : root.selections) members.emplace_back(s.response_key, "count(*)");
    sql = "SELECT " + dialect.json_object(members) + from;
    // limit/offset do not change a count of all matches.
  } else {
    sql = "SELECT " + c.object_json(root.selections, *root.type, t) + from +
          c.order_and_page(root.sort, root.limit, root.offset, t);
  }
  return {std::move(sql), c.take_params()};
}

Statement compile_matches(const schema::ObjectType& type, const ir::Predicate& where,
                          const Dialect& dialect) {
  Compiler c(dialect);
  std::string scan = c.bind(int64_t{0});
  const std::string t = "t0";
  std::string sql = "SELECT " + c.column(t, "id") + ", " + c.column(t, "name") + ", " +
                    c.column(t, store::kKey) + " FROM " + dialect.quote(type.table) + " AS " + t +
                    " WHERE " + scan_filter(dialect, t, scan);
  ir::Predicate filter = rewrite(where);
  if (filter.kind != ir::Predicate::Kind::True) sql += " AND " + c.predicate(filter, t);
  sql += " ORDER BY " + c.column(t, store::kKey);
  return {std::move(sql), c.take_params()};
}

Statement compile_predicate(const ir::Predicate& where, const std::string& alias,
                            const Dialect& dialect) {
  Compiler c(dialect);
  std::string sql = c.predicate(rewrite(where), alias);
  return {std::move(sql), c.take_params()};
}

}  // namespace posture::sql
