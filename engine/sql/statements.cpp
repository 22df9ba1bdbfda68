// Check evaluation's subject statements (statements.hpp): the same SQL text
// evaluate.cpp built itself before, now built here with the other SQL.
#include "engine/sql/statements.hpp"

#include <algorithm>

#include "store/layout.hpp"

namespace posture::sql {

namespace {

std::string column_sql(const Dialect& d, const schema::ObjectType& type, Column c) {
  auto field = [&](const char* name) {
    const schema::Field* f = type.field(name);
    return "s." + d.quote(f ? f->column : name);
  };
  switch (c) {
    case Column::Rid:
      return "s." + d.quote(store::kRowId);
    case Column::Id:
      return field("id");
    case Column::Name:
      return field("name");
  }
  return "NULL";
}

// "s._rid, s.<field>, ...": the rowid, then every field of `type` (a field
// read through a relationship as its subquery, whose literals go to `st`).
std::string row_columns(const Dialect& d, const schema::ObjectType& type, const std::string& s,
                        const std::string& extra, Statement& st, const std::vector<bool>* read) {
  std::string out = s + "." + d.quote(store::kRowId) + extra;
  for (size_t i = 0; i < type.fields.size(); ++i)
    out += ", " + (read && !(i < read->size() && (*read)[i])
                       ? std::string("NULL")
                       : field_value(d, type.fields[i], s, st.params));
  return out;
}

// "(:p1, :p2, ...)" over `rids`, appended to st's literals.
// `rids` as one parameter (Dialect::integer_set), for IN.
std::string rid_list(const Dialect& d, const std::vector<int64_t>& rids, Statement& st) {
  std::string array = "[";
  for (size_t i = 0; i < rids.size(); ++i) array += (i ? "," : "") + std::to_string(rids[i]);
  st.params.emplace_back(array + "]");
  return d.integer_set(d.param(st.params.size()));
}

}  // namespace

Statement rows_by_rid(const schema::ObjectType& type, const std::vector<int64_t>& rids,
                      const Dialect& d, const std::vector<bool>* read) {
  Statement st;
  std::string in = rid_list(d, rids, st);
  st.sql = "SELECT " + row_columns(d, type, "s", "", st, read) + " FROM " + d.quote(type.table) +
           " AS s WHERE s." + d.quote(store::kRowId) + " IN " + in + " ORDER BY s." +
           d.quote(store::kRowId);
  return st;
}

Statement related_rows(const schema::Relationship& relationship, const schema::ObjectType& target,
                       const std::vector<int64_t>& owners, const Dialect& d,
                       const std::vector<bool>* read) {
  Statement st;
  std::string in = rid_list(d, owners, st);
  if (relationship.in_owner) {  // the owner's row holds its one target
    std::string owner = "o." + d.quote(store::kRowId);
    st.sql = "SELECT " + row_columns(d, target, "c", ", " + owner, st, read) + " FROM " +
             d.quote(relationship.owner_table) + " AS o JOIN " + d.quote(target.table) +
             " AS c ON c." + d.quote(store::kRowId) + " = o." + d.quote(relationship.fk_column) +
             same_tenant(d, "c", "o") + " WHERE " + owner + " IN " + in + " ORDER BY " + owner;
    return st;
  }
  std::string fk = "c." + d.quote(relationship.fk_column);
  std::string owned = fk + " IN " + in;
  if (d.row_sets() && !owners.empty()) {
    // The owners as a row set, and the foreign key's index read over their
    // span: one walk along the index rather than a seek per owner, and a
    // table row read only for an owner in the set.
    st.sets.push_back("SELECT value FROM json_each(" + d.param(st.params.size()) + ")");
    const auto [low, high] = std::minmax_element(owners.begin(), owners.end());
    st.params.emplace_back(*low);
    st.params.emplace_back(*high);
    owned = fk + " BETWEEN " + d.param(st.params.size() - 1) + " AND " + d.param(st.params.size()) +
            " AND " + d.in_row_set(st.sets.size(), fk);
  }
  st.sql = "SELECT " + row_columns(d, target, "c", ", " + fk, st, read) + " FROM " +
           d.quote(target.table) + " AS c WHERE " + owned + " ORDER BY " + fk + ", c." +
           d.quote(store::kRowId);
  return st;
}

namespace {

// " AND (s.provider IS NULL OR s.provider IN (...))" when `providers` is not
// empty and `type` has a provider field, its values appended to `st`.
std::string provider_test(const Dialect& d, const schema::ObjectType& type,
                          const std::vector<std::string>& providers, Statement& st) {
  if (providers.empty() || !type.field("provider")) return "";
  std::string column = "s." + d.quote(type.field("provider")->column);
  std::string list;
  for (const auto& p : providers) {
    st.params.emplace_back(p);
    list += (list.empty() ? "" : ", ") + d.param(st.params.size());
  }
  return " AND (" + column + " IS NULL OR " + column + " IN (" + list + "))";
}

std::string select_columns(const Dialect& d, const schema::ObjectType& type,
                           const std::vector<Column>& columns) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < columns.size(); ++i)
    sql += (i ? ", " : "") + column_sql(d, type, columns[i]);
  return sql;
}

}  // namespace

Statement subjects(const schema::ObjectType& type, const std::vector<Column>& columns,
                   const std::vector<std::string>& providers, RowOrder order,
                   const ir::Predicate* where, const Dialect& d) {
  Statement st =
      where ? compile_predicate(type, *where, "s", d) : Statement{"", {}, d.scan_param()};
  std::string filter = std::move(st.sql);
  std::string sql = select_columns(d, type, columns);
  sql += " FROM " + d.quote(type.table) + " AS s WHERE ";
  if (order == RowOrder::Key)
    sql += tenant_filter(d, "s") + "s." + d.quote(store::kScan) + " = " + d.scan_param();
  else
    sql += scan_rows(d, type.table, "s", d.scan_param());
  if (where) sql += " AND (" + filter + ")";
  sql += provider_test(d, type, providers, st);
  sql += " ORDER BY s." + d.quote(order == RowOrder::Key ? store::kKey : store::kRowId);
  st.sql = std::move(sql);
  return st;
}

Statement subjects_judged(const schema::ObjectType& type, const std::vector<Column>& columns,
                          const std::vector<std::string>& providers,
                          const std::vector<const ir::Predicate*>& wheres, const Dialect& d) {
  Statement st{"", {}, d.scan_param()};
  std::string sql = select_columns(d, type, columns);
  for (const auto& predicate : compile_predicates(type, wheres, "s", st, d))
    sql += ", CASE WHEN (" + predicate + ") THEN 1 ELSE 0 END";
  sql += " FROM " + d.quote(type.table) + " AS s WHERE " +
         scan_rows(d, type.table, "s", d.scan_param());
  sql += provider_test(d, type, providers, st);
  sql += " ORDER BY s." + d.quote(store::kRowId);
  st.sql = std::move(sql);
  return st;
}

}  // namespace posture::sql
