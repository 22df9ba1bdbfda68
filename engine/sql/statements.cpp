// Check evaluation's subject statements (statements.hpp): the same SQL text
// evaluate.cpp built itself before, now built here with the other SQL.
#include "engine/sql/statements.hpp"

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
    case Column::Key:
      return "s." + d.quote(store::kKey);
  }
  return "NULL";
}

}  // namespace

Statement subjects(const schema::ObjectType& type, const std::vector<Column>& columns,
                   const std::vector<std::string>& providers, RowOrder order,
                   const ir::Predicate* where, const Dialect& d) {
  Statement st = where ? compile_predicate(type, *where, "s", d)
                       : Statement{"", {}, d.scan_param()};
  std::string filter = std::move(st.sql);
  std::string sql = "SELECT ";
  for (size_t i = 0; i < columns.size(); ++i)
    sql += (i ? ", " : "") + column_sql(d, type, columns[i]);
  sql += " FROM " + d.quote(type.table) + " AS s WHERE ";
  if (order == RowOrder::Key)
    sql += "s." + d.quote(store::kScan) + " = " + d.scan_param();
  else
    sql += scan_rows(d, type.table, "s", d.scan_param());
  if (where) sql += " AND (" + filter + ")";
  if (!providers.empty() && type.field("provider")) {
    std::string column = "s." + d.quote(type.field("provider")->column);
    std::string list;
    for (const auto& p : providers) {
      st.params.emplace_back(p);
      list += (list.empty() ? "" : ", ") + d.param(st.params.size());
    }
    sql += " AND (" + column + " IS NULL OR " + column + " IN (" + list + "))";
  }
  sql += " ORDER BY s." + d.quote(order == RowOrder::Key ? store::kKey : store::kRowId);
  st.sql = std::move(sql);
  return st;
}

}  // namespace posture::sql
