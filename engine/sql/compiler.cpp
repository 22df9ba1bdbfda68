// IR -> SQL. Predicates become boolean expressions, NOT pushed down to the
// comparisons (De Morgan); read as a value (PredicateUse::Exact) they are
// two-valued, read as a filter (Filter: WHERE, CASE WHEN) NULL where false:
//   missing field        t."f" IS NULL
//   comparisons          (t."f" IS NOT NULL AND <comparison>)   -- false when missing
//                        (<comparison>)   -- as a filter: NULL when missing
//   in a filter's AND    NOT (<comparison>) where a leaf of the AND is false or
//                        NULL whenever f is missing, and no t."f" IS NOT NULL
//                        where a comparison of f is bare (junction below)
//   rel some/none        t._rid [NOT] IN (SELECT c.fk FROM child c WHERE c.fk IS NOT NULL AND p)
//   rel all              t._rid IN (children) AND t._rid NOT IN (children where NOT p)
//   rel single           t._rid IN (SELECT fk ... WHERE p GROUP BY fk HAVING count(*) = 1)
//   relAggregate count   (SELECT count(*) FROM child c WHERE c.fk = t._rid) <op> n
// Quantifiers are uncorrelated: the database builds each related set once per
// statement instead of probing the child table once per row (the sets never
// hold NULL, so IN stays two-valued). On SQLite (Dialect::row_sets) each set
// is a row set, `posture_in(:setN, t._rid)`: the store runs its SELECT first
// and keeps the rowids in a bitmap (store/statement.hpp). A set reads only the scan's rows of the
// child table (scan_rows below), so a store holding many scans costs no more
// per check than one holding a single scan. Where the dialect asks for it
// (Dialect::exists_quantifiers: PostgreSQL), some/none/all are written as
// [NOT] EXISTS over the same rows with the link as correlation, which its
// planner turns into hash semi- and anti-joins; the two forms select the
// same rows, since neither side of the IN is ever NULL.
// Selections become the dialect's JSON objects per row, related lists its JSON
// arrays. Everything SQLite-specific is the Dialect's (dialect.hpp says what);
// this file writes only the portable SQL listed there.
#include "engine/sql/compiler.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "store/layout.hpp"

namespace posture::sql {

std::string tenant_filter(const Dialect& d, const std::string& alias) {
  if (d.tenant_param().empty()) return "";
  return (alias.empty() ? "" : alias + ".") + d.quote(store::kTenant) + " = " + d.tenant_param() +
         " AND ";
}

std::string same_tenant(const Dialect& d, const std::string& a, const std::string& b) {
  if (d.tenant_param().empty()) return "";
  return " AND " + a + "." + d.quote(store::kTenant) + " = " + b + "." + d.quote(store::kTenant);
}

namespace {

// "(SELECT <fn>(_rid) FROM <table> WHERE _scan = <scan_param>)".
std::string scan_bound(const Dialect& d, const std::string& table, const std::string& scan_param,
                       const char* fn) {
  return "(SELECT " + std::string(fn) + "(" + d.quote(store::kRowId) + ") FROM " + d.quote(table) +
         " WHERE " + tenant_filter(d, "") + d.quote(store::kScan) + " = " + scan_param + ")";
}

}  // namespace

std::string scan_bounds(const Dialect& d, const std::string& table, const std::string& scan_param) {
  return scan_bound(d, table, scan_param, "min") + " AND " +
         scan_bound(d, table, scan_param, "max");
}

namespace {

// A row of `alias` is one of scan `scan_param`'s, by its _scan column.
std::string scan_column_is(const Dialect& d, const std::string& alias,
                           const std::string& scan_param) {
  return alias + "." + d.quote(store::kScan) + " = " + scan_param;
}

// A row of `table` AS `alias` is one of scan `scan_param`'s: its rowid in
// the scan's range where the dialect reads rowid ranges, else its _scan.
// `parted`: the range narrowed to [:part_lo, :part_hi] (store::Statement::
// part_table), one range still, so that SQLite seeks to a part's first row.
std::string in_scan(const Dialect& d, const std::string& table, const std::string& alias,
                    const std::string& scan_param, bool parted = false) {
  if (!d.scan_by_rowid_range()) return scan_column_is(d, alias, scan_param);
  const std::string bounds = parted ? "max(" + scan_bound(d, table, scan_param, "min") +
                                          ", :part_lo) AND min(" +
                                          scan_bound(d, table, scan_param, "max") + ", :part_hi)"
                                    : scan_bounds(d, table, scan_param);
  return alias + "." + d.quote(store::kRowId) + " BETWEEN " + bounds;
}

std::string scan_rows_of(const Dialect& d, const std::string& table, const std::string& alias,
                         const std::string& scan_param, bool parted) {
  // A scan's rows are one rowid range (a scan is written in one transaction):
  // reading it in rowid order is sequential, unlike a walk of an index on
  // _scan. dialect.unindexed keeps the planner on that range rather than such an index.
  std::string scan = d.scan_by_rowid_range() ? d.unindexed(alias + "." + d.quote(store::kScan)) +
                                                   " = " + scan_param + " AND "
                                             : "";
  return tenant_filter(d, alias) + scan + in_scan(d, table, alias, scan_param, parted);
}

}  // namespace

std::string scan_rows(const Dialect& d, const std::string& table, const std::string& alias,
                      const std::string& scan_param) {
  return scan_rows_of(d, table, alias, scan_param, false);
}

namespace {

// A field's @fill (JSON text) as a literal of its type.
ir::Literal fill_literal(const schema::Field& f) {
  auto v = nlohmann::json::parse(f.arm.fill, nullptr, false);
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer() && f.scalar != schema::ScalarType::Float) return v.get<int64_t>();
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return v.get<std::string>();
  return std::monostate{};
}

}  // namespace

std::string field_value(const Dialect& d, const schema::Field& f, const std::string& alias,
                        std::vector<ir::Literal>& params) {
  if (!f.derived()) return alias + "." + d.quote(f.column);
  auto bind = [&](ir::Literal v) {
    params.push_back(std::move(v));
    return d.param(params.size());
  };
  const schema::Through& th = f.through;
  // The related rows: c.fk = owner's rowid, or c._rid = the owner's link.
  std::string c = alias + "_" + f.column;
  std::string from =
      " FROM " + d.quote(th.table) + " AS " + c + " WHERE " +
      (th.in_owner
           ? c + "." + d.quote(store::kRowId) + " = " + alias + "." + d.quote(th.link_column)
           : c + "." + d.quote(th.link_column) + " = " + alias + "." + d.quote(store::kRowId)) +
      same_tenant(d, c, alias);
  std::string col = c + "." + d.quote(th.column);
  std::string value;
  if (th.equals.empty()) {
    value = "(SELECT " + col + from + " AND " + col + " IS NOT NULL ORDER BY " + c + "." +
            d.quote(store::kRowId) + d.page(bind(int64_t{1}), "") + ")";
  } else {
    // Whether any related row's value equals the literal: max over 1/0, NULL
    // when there are no related rows.
    schema::Field as_related;
    as_related.scalar = th.scalar;
    as_related.arm.fill = th.equals;
    ir::Literal wanted = fill_literal(as_related);
    bool text = std::holds_alternative<std::string>(wanted);
    std::string lhs = text ? d.fold_case(col) : col;
    std::string rhs = text ? d.fold_case(bind(wanted)) : bind(wanted);
    value = "(SELECT max(CASE WHEN " + col + " IS NOT NULL AND " + lhs + " = " + rhs +
            " THEN 1 ELSE 0 END)" + from + ")";
  }
  if (f.arm.fill.empty()) return value;
  return "COALESCE(" + value + ", " + bind(fill_literal(f)) + ")";
}

namespace {

class Compiler {
 public:
  // A statement over rows of `table` aliased `outer`. The scan id is the
  // dialect's named scan parameter; related sets are restricted to it.
  Compiler(const Dialect& d, const std::string& outer, const std::string& table)
      : d_(d), scan_(d.scan_param()) {
    tables_[outer] = table;
  }

  const std::string& scan() const { return scan_; }

  std::string bind(ir::Literal v) {
    params_.push_back(std::move(v));
    return d_.param(params_.size());
  }

  std::string column(const std::string& alias, const std::string& name) const {
    return alias + "." + d_.quote(name);
  }

  // A field's value: its column, or the subquery of a @through field.
  std::string value_of(const std::string& alias, const schema::Field& f) {
    return sql::field_value(d_, f, alias, params_);
  }

  // A new table alias for rows of `table`.
  std::string alias(const std::string& table) {
    std::string a = "t" + std::to_string(next_alias_++);
    tables_[a] = table;
    return a;
  }

  // " AND <where over t>"; "" when it selects everything.
  std::string and_where(const ir::Predicate& filter, const std::string& t) {
    return filter.kind == ir::Predicate::Kind::True
               ? ""
               : " AND " + predicate(filter, t, PredicateUse::Filter);
  }

  // `p` (negated: NOT p) as SQL over rows of alias t, for `use`. NOT is
  // pushed down to the leaves (De Morgan), where a comparison is negated.
  std::string predicate(const ir::Predicate& p, const std::string& t, PredicateUse use,
                        bool negated = false) {
    using K = ir::Predicate::Kind;
    switch (p.kind) {
      case K::True:
        return d_.boolean(!negated);
      case K::False:
        return d_.boolean(negated);
      case K::And:
      case K::Or:
        return junction(p, t, use, negated);
      case K::Not:
        return predicate(p.children.front(), t, use, !negated);
      case K::IsNull:
        return value_of(t, *p.field) + (negated ? " IS NOT NULL" : " IS NULL");
      case K::Compare:
        return compare(p, t, negated, goes_bare(p.op, use, negated, false));
      case K::Related:
        return negate(related(p, t), negated);
      case K::Count:
        return negate(count(p, t), negated);
    }
    return d_.boolean(false);
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
      out += value_of(t, *k.field) + (k.direction == ir::SortDirection::Asc ? " ASC, " : " DESC, ");
    out += column(t, store::kKey);
    std::string l = limit ? bind(*limit) : "";
    return out + d_.page(l, offset ? bind(offset) : "");
  }

  // The statement: `sql` with the literals bound so far and the scan parameter.
  // Continues numbering after literals bound elsewhere in the statement.
  void continue_from(Statement& st) {
    params_ = std::move(st.params);
    sets_ = std::move(st.sets);
  }
  void give_back(Statement& st) {
    merge_sets();
    st.params = std::move(params_);
    st.sets = std::move(sets_);
  }

  Statement finish(std::string sql) {
    merge_sets();
    return {std::move(sql), std::move(params_), d_.scan_param(), std::move(sets_)};
  }

 private:
  // Whether the comparison's SQL is NULL whenever the field is, in every
  // dialect (plain comparisons, lower() for case): only those go bare. The
  // others may be true of NULL (starts_with's coalesce to X'').
  static bool null_in_null_out(ir::CompareOp op) {
    using Op = ir::CompareOp;
    return op == Op::Eq || op == Op::Lt || op == Op::Lte || op == Op::Gt || op == Op::Gte ||
           op == Op::In;
  }

  static std::string negate(const std::string& sql, bool negated) {
    return negated ? "NOT (" + sql + ")" : sql;
  }

  // A leaf of a junction: `p` (not an And, Or or Not) and whether it is negated.
  struct Leaf {
    const ir::Predicate* p;
    bool negated;
  };

  // The leaves of the junction `p` (negated: of NOT p, an And for an Or),
  // with the NOTs above each and the nested junctions of the same kind taken
  // apart: AND(a, NOT OR(b, c)) has the leaves a, NOT b, NOT c.
  static void leaves(const ir::Predicate& p, bool negated, bool conjunction,
                     std::vector<Leaf>& out) {
    using K = ir::Predicate::Kind;
    const ir::Predicate* q = &p;
    while (q->kind == K::Not) {
      q = &q->children.front();
      negated = !negated;
    }
    const bool is_junction = q->kind == K::And || q->kind == K::Or;
    if (is_junction && ((q->kind == K::And) != negated) == conjunction) {
      for (const auto& child : q->children) leaves(child, negated, conjunction, out);
      return;
    }
    out.push_back({q, negated});
  }

  // An And or Or (negated: its De Morgan dual) of its leaves. Used as a
  // filter, a conjunction tests a column for NULL once: a comparison there
  // is NULL when its column is, which a filter reads as false, so it needs
  // no `IS NOT NULL` of its own; a negated comparison needs none either when
  // another leaf is false or NULL whenever that column is NULL; and `f IS NOT
  // NULL` goes when such a leaf tests f. email_NOT_IN: [null, ""] is then
  // NOT (email IN ('')) (docs/query-language.md, "Explain").
  std::string junction(const ir::Predicate& p, const std::string& t, PredicateUse use,
                       bool negated) {
    const bool conjunction = (p.kind == ir::Predicate::Kind::And) != negated;
    const char* op = conjunction ? " AND " : " OR ";
    std::vector<Leaf> parts;
    for (const auto& child : p.children) leaves(child, negated, conjunction, parts);
    if (parts.empty()) return d_.boolean(conjunction);
    using K = ir::Predicate::Kind;
    // Fields some leaf is false or NULL for whenever they are NULL.
    std::vector<const schema::Field*> not_null;
    const bool filter_and = conjunction && use == PredicateUse::Filter;
    if (filter_and)
      for (const Leaf& l : parts)
        if ((l.p->kind == K::IsNull && l.negated) ||
            (l.p->kind == K::Compare && !l.negated && null_in_null_out(l.p->op)))
          not_null.push_back(l.p->field);
    auto known = [&](const schema::Field* f) {
      return std::find(not_null.begin(), not_null.end(), f) != not_null.end();
    };
    // Whether a comparison leaf is written without an IS NOT NULL of its own.
    auto bare = [&](const Leaf& l) {
      return l.p->kind == K::Compare &&
             goes_bare(l.p->op, use, l.negated, filter_and && known(l.p->field));
    };
    std::vector<std::string> terms;
    for (const Leaf& l : parts) {
      if (filter_and && l.p->kind == K::IsNull && l.negated &&
          std::any_of(parts.begin(), parts.end(),
                      [&](const Leaf& o) { return o.p->field == l.p->field && bare(o); }))
        continue;  // in an AND, a comparison of that field says it
      if (l.p->kind == K::Compare)
        terms.push_back(compare(*l.p, t, l.negated, bare(l)));
      else
        terms.push_back(predicate(*l.p, t, use, l.negated));
    }
    if (terms.size() == 1) return terms.front();
    // SQLite's expression tree gains a level per term of an `a OR b OR ...`
    // chain and refuses more than 1000: a long chain is written as chains of
    // chains, at most kMaxChain terms each (unchanged up to kMaxChain terms).
    while (terms.size() > kMaxChain) {
      std::vector<std::string> groups;
      for (size_t i = 0; i < terms.size(); i += kMaxChain)
        groups.push_back(chain(terms, i, std::min(terms.size(), i + kMaxChain), op));
      terms = std::move(groups);
    }
    return chain(terms, 0, terms.size(), op);
  }

  static constexpr size_t kMaxChain = 32;

  // "(terms[begin] op ... op terms[end - 1])"
  static std::string chain(const std::vector<std::string>& terms, size_t begin, size_t end,
                           const char* op) {
    std::string out = "(";
    for (size_t i = begin; i < end; ++i) out += (i > begin ? op : "") + terms[i];
    return out + ")";
  }

  // Whether a comparison (negated: NOT it) may be written bare, NULL when its
  // field is: as a filter, where it is NULL of NULL (null_in_null_out), and
  // negated only where `not_null` (its conjunction is false or NULL whenever
  // the field is NULL).
  static bool goes_bare(ir::CompareOp op, PredicateUse use, bool negated, bool not_null) {
    return use == PredicateUse::Filter && null_in_null_out(op) && (!negated || not_null);
  }

  // The comparison `p` (negated: NOT p): false (negated: true) when the
  // field is NULL, or, `bare` (goes_bare), NULL then.
  std::string compare(const ir::Predicate& p, const std::string& t, bool negated, bool bare) {
    std::string col = value_of(t, *p.field);
    auto finish = [&](const std::string& test) {
      std::string exact = bare ? "(" + test + ")" : "(" + col + " IS NOT NULL AND " + test + ")";
      return negated ? "NOT " + exact : exact;
    };
    bool ci = p.case_insensitive;
    auto value = [&](size_t i = 0) {
      std::string v = bind(p.values[i]);
      return ci ? d_.fold_case(v) : v;
    };
    std::string subject = ci ? d_.fold_case(col) : col;
    std::string test;
    switch (p.op) {
      case ir::CompareOp::Includes:  // the dialect finds the element's JSON encoding
        return finish(d_.list_includes(
            col, bind(nlohmann::json(std::get<std::string>(p.values[0])).dump()), ci));
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
        test = d_.contains(subject, value());
        break;
      case ir::CompareOp::StartsWith:
        test = d_.starts_with(subject, value());
        break;
      case ir::CompareOp::EndsWith:
        test = d_.ends_with(subject, value());
        break;
      case ir::CompareOp::Matches: {
        std::string pattern = std::get<std::string>(p.values[0]);
        test = d_.regex_full_match(col, bind(d_.regex_pattern(ci ? "(?i)" + pattern : pattern)));
        break;
      }
    }
    return finish(test);
  }

  // FROM child AS c WHERE c.fk = t._rid (or c._rid = t.fk when the owner's
  // row holds the link: @ref(shared: true))
  std::string children(const ir::Predicate& p, const std::string& t, const std::string& c) {
    return d_.quote(p.target->table) + " AS " + c + " WHERE " + link(*p.relationship, t, c);
  }

  // The join condition between an owner row (alias t) and a related row (c).
  std::string link(const schema::Relationship& r, const std::string& t, const std::string& c) {
    std::string tenant = same_tenant(d_, c, t);
    if (r.in_owner) return column(c, store::kRowId) + " = " + column(t, r.fk_column) + tenant;
    return column(c, r.fk_column) + " = " + column(t, store::kRowId) + tenant;
  }

  // The key of a row in a quantifier's set, on either side of IN: the row
  // id, or (_tenant, id) where the tenant is a column (a semi-join on the
  // distribution column as well as the row; docs/scaling.md).
  bool tenants() const { return !d_.tenant_param().empty(); }
  std::string keyed(const std::string& alias, const std::string& id) const {
    if (!tenants()) return id;
    return "(" + column(alias, store::kTenant) + ", " + id + ")";
  }
  std::string keyed_select(const std::string& alias, const std::string& id) const {
    return tenants() ? column(alias, store::kTenant) + ", " + id : id;
  }

  // A relationship whose owner's row holds its one target (@ref(shared:
  // true)): the quantifiers over at most one related row.
  std::string related_in_owner(const ir::Predicate& p, const std::string& t,
                               const ir::Predicate* cond) {
    std::string fk = column(t, p.relationship->fk_column);
    // Whether the target satisfies cond; failing: whether it is not one that
    // fails cond.
    auto target_is = [&](bool failing) {
      std::string c = alias(p.target->table);
      std::string rows = " FROM " + d_.quote(p.target->table) + " AS " + c + " WHERE " +
                         tenant_filter(d_, c) + in_scan(d_, p.target->table, c, scan_);
      rows += " AND " + predicate(*cond, c, PredicateUse::Filter, failing);
      if (d_.exists_quantifiers())
        return std::string(failing ? "NOT " : "") + "EXISTS (SELECT 1" + rows + " AND " +
               link(*p.relationship, t, c) + ")";
      return member_of(keyed(t, fk), "SELECT " + keyed_select(c, column(c, store::kRowId)) + rows,
                       !failing);
    };
    std::string any = "(" + fk + " IS NOT NULL)";
    std::string some = cond ? "(" + fk + " IS NOT NULL AND " + target_is(false) + ")" : any;
    switch (p.quantifier) {
      case ir::Quantifier::Some:
      case ir::Quantifier::Single:
        return some;
      case ir::Quantifier::None:
        return "(NOT " + some + ")";
      case ir::Quantifier::All:
        if (!cond) return any;
        return "(" + fk + " IS NOT NULL AND " + target_is(true) + ")";
    }
    return d_.boolean(false);
  }

  // FROM child AS c WHERE c.fk IS NOT NULL [AND cond] (for a row set no
  // IS NOT NULL: the set skips NULL itself): the related rows of
  // the parents (rows of alias t) that satisfy `cond` (negate_cond: that do
  // not). They are only the scan's rows (c._scan = the scan where the
  // dialect does not read rowid ranges):
  // with a condition, the child table's rowid range for the scan; without one,
  // the range of the foreign key index holding the scan's parents (covering:
  // the table is not read). Either is exact without the bound, since a child
  // points only at parents of its own scan; the bounds save reading the
  // other scans' rows.
  std::string related_rows(const ir::Predicate& p, const std::string& t, const std::string& c,
                           const ir::Predicate* cond, bool negate_cond, bool for_row_set = false) {
    std::string out = related_from(p, t, c, cond != nullptr, for_row_set);
    // With a condition the FROM always has terms (the scan's rows) before it.
    if (cond) out += " AND " + predicate(*cond, c, PredicateUse::Filter, negate_cond);
    return out;
  }
  // related_rows without the condition; `with_cond`: whether one follows.
  std::string related_from(const ir::Predicate& p, const std::string& t, const std::string& c,
                           bool with_cond, bool for_row_set) {
    std::string fk = column(c, p.relationship->fk_column);
    // A row set skips NULL itself (store/row_set.hpp): no IS NOT NULL there.
    std::vector<std::string> terms;
    if (!for_row_set) terms.push_back(fk + " IS NOT NULL");
    if (with_cond || !d_.scan_by_rowid_range())
      terms.push_back(in_scan(d_, p.target->table, c, scan_));
    else if (auto parent = tables_.find(t); parent != tables_.end())
      terms.push_back(fk + " BETWEEN " + scan_bounds(d_, parent->second, scan_));
    std::string out = " FROM " + d_.quote(p.target->table) + " AS " + c;
    const std::string tenant = tenant_filter(d_, c);  // "<test> AND " or ""
    if (terms.empty()) return tenant.empty() ? out : out + " WHERE " + tenant + d_.boolean(true);
    out += " WHERE " + tenant;
    for (size_t i = 0; i < terms.size(); ++i) out += (i ? " AND " : "") + terms[i];
    return out;
  }

  // SELECT c.fk FROM ... [tail]: the rowids of the parents having a related
  // row that satisfies `cond`.
  std::string parents_with(const ir::Predicate& p, const std::string& t, const ir::Predicate* cond,
                           bool negate_cond, const std::string& tail = "") {
    std::string c = alias(p.target->table);
    std::string select = "SELECT " + keyed_select(c, column(c, p.relationship->fk_column));
    if (!row_sets() || !tail.empty() || !cond)
      return select + related_rows(p, t, c, cond, negate_cond, row_sets()) + tail;
    // A row set with a condition: in parts, for merge_sets.
    std::string head = select + related_from(p, t, c, true, true);
    pending_set_ = SetParts{c, head, predicate(*cond, c, PredicateUse::Filter, negate_cond)};
    return head + " AND " + pending_set_->cond;
  }

  // Whether `value` is (in = false: is not) one of the rows `select`
  // selects: a row set where the dialect has them, else [NOT] IN (select).
  // A set's own sets were added while its SELECT was written, so each set
  // reads only sets before it.
  bool row_sets() const { return d_.row_sets() && !tenants(); }
  std::string member_of(const std::string& value, std::string select, bool in) {
    if (row_sets()) {
      sets_.push_back(std::move(select));
      set_parts_.resize(sets_.size());
      set_parts_.back() = std::move(pending_set_);
      pending_set_.reset();
      return std::string(in ? "" : "NOT ") + d_.in_row_set(sets_.size(), value);
    }
    return value + (in ? " IN (" : " NOT IN (") + select + ")";
  }

  // Merges the row sets that read the same rows of the same table (their
  // SELECTs differ only in their condition) into one statement that fills
  // each of them (store::Statement: a column per set, named set<N>), so the
  // table is read once. A set joins an earlier one only when every set its
  // condition reads comes before that one: the merged statement runs where
  // the earliest of its sets did.
  void merge_sets() {
    struct Group {
      size_t first;  // the index in sets_ of its first set
      std::vector<size_t> sets;
    };
    std::vector<Group> groups;
    std::map<std::string, std::vector<size_t>> by_head;  // head with its alias as "?" -> groups
    for (size_t i = 0; i < sets_.size(); ++i) {
      const auto& parts = i < set_parts_.size() ? set_parts_[i] : std::nullopt;
      if (!parts) {
        groups.push_back({i, {i}});
        continue;
      }
      const size_t reads = last_set_read(parts->cond);  // 1-based; 0: none
      auto& candidates = by_head[rename_alias(parts->head, parts->alias, "?")];
      auto joins = std::find_if(candidates.begin(), candidates.end(),
                                [&](size_t g) { return groups[g].first + 1 > reads; });
      if (joins != candidates.end()) {
        groups[*joins].sets.push_back(i);
        continue;
      }
      candidates.push_back(groups.size());
      groups.push_back({i, {i}});
    }
    if (groups.size() == sets_.size()) return;
    std::vector<std::string> merged;
    for (const Group& g : groups) {
      if (g.sets.size() == 1) {
        merged.push_back(std::move(sets_[g.first]));
        continue;
      }
      const SetParts& first = *set_parts_[g.first];
      // SELECT fk, CASE WHEN (cond) THEN 1 END AS "setN", ... FROM ... WHERE terms
      const size_t from = first.head.find(" FROM ");
      std::string sql = first.head.substr(0, from);
      for (size_t i : g.sets)
        sql += ", CASE WHEN (" +
               rename_alias(set_parts_[i]->cond, set_parts_[i]->alias, first.alias) +
               ") THEN 1 END AS " + d_.quote("set" + std::to_string(i + 1));
      merged.push_back(sql + first.head.substr(from));
    }
    sets_ = std::move(merged);
    set_parts_.clear();
  }

  // The highest set number `sql` reads (:set<N>), 0 when none.
  static size_t last_set_read(const std::string& sql) {
    size_t last = 0;
    for (size_t at = 0; (at = sql.find(":set", at)) != std::string::npos;) {
      at += 4;
      size_t n = 0;
      while (at < sql.size() && sql[at] >= '0' && sql[at] <= '9') n = n * 10 + (sql[at++] - '0');
      last = std::max(last, n);
    }
    return last;
  }
  // `sql` with alias `from`'s columns (from."...") and table (AS from) named `to`.
  static std::string rename_alias(const std::string& sql, const std::string& from,
                                  const std::string& to) {
    std::string out;
    auto boundary = [&](size_t at) {
      return at == 0 ||
             !(std::isalnum(static_cast<unsigned char>(sql[at - 1])) || sql[at - 1] == '_');
    };
    size_t done = 0;
    for (size_t at = 0; (at = sql.find(from, at)) != std::string::npos;) {
      const size_t end = at + from.size();
      const bool column = sql.compare(end, 2, ".\"") == 0;
      const bool table = end == sql.size() || sql[end] == ' ';
      if (boundary(at) && (column || (table && at >= 4 && sql.compare(at - 4, 4, " AS ") == 0))) {
        out.append(sql, done, at - done);
        out += to;
        done = end;
      }
      at = end;
    }
    return out + sql.substr(done);
  }

  // Whether the row of alias t has (has = false: has no) related row that
  // satisfies `cond` (negate_cond: does not).
  std::string has_related(const ir::Predicate& p, const std::string& t, const ir::Predicate* cond,
                          bool negate_cond, bool has) {
    if (!d_.exists_quantifiers())
      return member_of(keyed(t, column(t, store::kRowId)), parents_with(p, t, cond, negate_cond),
                       has);
    std::string c = alias(p.target->table);
    return std::string(has ? "" : "NOT ") + "EXISTS (SELECT 1" +
           related_rows(p, t, c, cond, negate_cond) + " AND " + link(*p.relationship, t, c) + ")";
  }

  std::string related(const ir::Predicate& p, const std::string& t) {
    const ir::Predicate& inner = p.children.front();
    const ir::Predicate* cond = inner.kind == ir::Predicate::Kind::True ? nullptr : &inner;
    if (p.relationship->in_owner) return related_in_owner(p, t, cond);
    switch (p.quantifier) {
      case ir::Quantifier::Some:
        return has_related(p, t, cond, false, true);
      case ir::Quantifier::None:
        return has_related(p, t, cond, false, false);
      case ir::Quantifier::Single: {
        std::string group =
            tenants() ? " GROUP BY 1, 2 HAVING count(*) = 1" : " GROUP BY 1 HAVING count(*) = 1";
        return member_of(keyed(t, column(t, store::kRowId)), parents_with(p, t, cond, false, group),
                         true);
      }
      case ir::Quantifier::All: {
        std::string any = has_related(p, t, nullptr, false, true);
        if (!cond) return any;
        return "(" + any + " AND " + has_related(p, t, cond, true, false) + ")";
      }
    }
    return d_.boolean(false);
  }

  std::string count(const ir::Predicate& p, const std::string& t) {
    static const char* ops[] = {" = ", " < ", " <= ", " > ", " >= "};
    std::string c = alias(p.target->table);
    return "(SELECT count(*) FROM " + children(p, t, c) + ")" + ops[static_cast<int>(p.count_op)] +
           bind(p.count);
  }

 public:
  // A selection as an SQL expression: JSON text or a plain value (root_columns says which).
  std::string selection_json(const ir::Selection& s, const schema::ObjectType& type,
                             const std::string& t) {
    using K = ir::Selection::Kind;
    switch (s.kind) {
      case K::Typename:
        return "'" + type.name + "'";
      case K::Field: {
        std::string col = value_of(t, *s.field);
        if (s.field->list) return d_.json_list(col);
        if (s.field->scalar == schema::ScalarType::Boolean) return d_.json_boolean(col);
        if (s.field->scalar == schema::ScalarType::Float) return d_.json_float(col);
        return col;
      }
      case K::Related: {
        std::string c = alias(s.type->table);
        std::string rows = "SELECT " + object_json(s.selections, *s.type, c) + " AS j FROM " +
                           d_.quote(s.type->table) + " AS " + c + " WHERE " +
                           link(*s.relationship, t, c);
        rows += and_where(s.where, c);
        rows += order_and_page(s.sort, s.limit, s.offset, c);
        return d_.json_array_of(rows);
      }
      case K::RelatedAggregate: {
        std::string c = alias(s.type->table);
        std::string n = "(SELECT count(*) FROM " + d_.quote(s.type->table) + " AS " + c +
                        " WHERE " + link(*s.relationship, t, c);
        n += and_where(s.where, c);
        n += ")";
        std::vector<std::pair<std::string, std::string>> members;
        for (const auto& inner : s.selections) members.emplace_back(inner.response_key, n);
        return d_.json_object(members);
      }
    }
    return "NULL";
  }

 private:
  const Dialect& d_;
  std::vector<ir::Literal> params_;
  std::vector<std::string> sets_;  // the row sets' SELECTs (member_of)
  // A row set's SELECT with a condition, in parts: its alias, the SELECT up
  // to its condition, and the condition.
  struct SetParts {
    std::string alias, head, cond;
  };
  std::vector<std::optional<SetParts>> set_parts_;  // by set, while not merged
  std::optional<SetParts> pending_set_;             // parents_with's, for member_of
  std::string scan_;                                // the scan id's parameter
  std::map<std::string, std::string> tables_;       // alias -> table
  int next_alias_ = 1;
};

// The root's rows of the scan. In general it reads the scan's rows in
// storage order (scan_rows) and sorts the matches: a walk of the (_scan, _key)
// index seeks the table once per row, which costs more than sorting them all
// (docs/performance.md, "The query path"). The index serves where it reads
// less: a page in key order of all the scan's rows, which stops after the
// page (with a filter it might walk the whole scan to fill it), and a count
// of all the scan's rows, which reads no table row.
// `parted`: a range workers may divide (root statements whose rows the
// executor puts in order, on SQLite: docs/performance.md, "A query on two
// cores").
std::string root_rows(const Dialect& d, const ir::RootField& root, const std::string& t,
                      const std::string& scan_param, bool parted) {
  const bool unfiltered = root.where.kind == ir::Predicate::Kind::True;
  const bool page_by_key = !root.aggregate && root.limit && root.sort.empty() && unfiltered;
  const bool count_all = root.aggregate && unfiltered;
  if (page_by_key || count_all) return tenant_filter(d, t) + scan_column_is(d, t, scan_param);
  return scan_rows_of(d, root.type->table, t, scan_param, parted);
}

}  // namespace

std::optional<RootColumns> root_columns(const ir::RootField& root, const Dialect& dialect) {
  if (root.aggregate || !dialect.objects_from_columns()) return std::nullopt;
  RootColumns out;
  for (const auto& s : root.selections) {
    out.keys.push_back(s.response_key);
    // selection_json's forms: a Field's column is a plain value unless the
    // dialect wraps it as JSON (booleans, lists); nested selections are JSON.
    using K = ir::Selection::Kind;
    bool json =
        s.kind == K::Related || s.kind == K::RelatedAggregate ||
        (s.kind == K::Field && (s.field->list || s.field->scalar == schema::ScalarType::Boolean));
    out.json.push_back(json);
  }
  out.sorted_by_executor = root.sort.empty() && !root.limit && root.offset == 0;
  out.key_from = store::key_field(*root.type);
  return out;
}

Statement compile_root(const ir::RootField& root, const Dialect& dialect) {
  const std::string t = "t0";
  Compiler c(dialect, t, root.type->table);
  const auto columns = root_columns(root, dialect);
  const bool parted = dialect.scan_by_rowid_range() && columns && columns->sorted_by_executor;
  std::string where = root_rows(dialect, root, t, c.scan(), parted) + c.and_where(root.where, t);
  std::string from = " FROM " + dialect.quote(root.type->table) + " AS " + t + " WHERE " + where;
  std::string sql;
  if (root.aggregate) {
    std::vector<std::pair<std::string, std::string>> members;
    for (const auto& s : root.selections) members.emplace_back(s.response_key, "count(*)");
    sql = "SELECT " + dialect.json_object(members) + from;
    // limit/offset do not change a count of all matches.
  } else if (columns) {
    // The page first, as below; no ORDER BY when the executor sorts.
    std::string page =
        columns->sorted_by_executor ? "" : c.order_and_page(root.sort, root.limit, root.offset, t);
    sql = "SELECT ";
    for (const auto& s : root.selections) sql += c.selection_json(s, *root.type, t) + ", ";
    sql += c.column(t, columns->key_from ? columns->key_from->column : store::kKey) + from + page;
  } else {
    // Both bind literals: the page first, so that their numbering does not
    // depend on the compiler's order of evaluating the operands of `+`.
    std::string page = c.order_and_page(root.sort, root.limit, root.offset, t);
    sql = "SELECT " + c.object_json(root.selections, *root.type, t) + from + page;
  }
  Statement st = c.finish(std::move(sql));
  if (parted) st.part_table = root.type->table;
  return st;
}

Statement compile_matches(const schema::ObjectType& type, const ir::Predicate& where,
                          const Dialect& dialect) {
  const std::string t = "t0";
  Compiler c(dialect, t, type.table);
  std::string sql = "SELECT " + c.column(t, "id") + ", " + c.column(t, "name") + " FROM " +
                    dialect.quote(type.table) + " AS " + t + " WHERE " +
                    scan_rows(dialect, type.table, t, c.scan()) + c.and_where(where, t) +
                    " ORDER BY " + c.column(t, store::kRowId);
  return c.finish(std::move(sql));
}

Statement compile_predicate(const schema::ObjectType& type, const ir::Predicate& where,
                            const std::string& alias, const Dialect& dialect, PredicateUse use) {
  Compiler c(dialect, alias, type.table);
  std::string sql = c.predicate(where, alias, use);
  return c.finish(std::move(sql));
}

std::vector<std::string> compile_predicates(const schema::ObjectType& type,
                                            const std::vector<const ir::Predicate*>& wheres,
                                            const std::string& alias, Statement& st,
                                            const Dialect& dialect) {
  Compiler c(dialect, alias, type.table);
  c.continue_from(st);
  std::vector<std::string> out;
  out.reserve(wheres.size());
  for (const ir::Predicate* where : wheres)
    out.push_back(c.predicate(*where, alias, PredicateUse::Filter));
  c.give_back(st);
  return out;
}

}  // namespace posture::sql
