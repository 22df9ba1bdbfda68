// The SQLite 3.40 dialect: ?NNN parameters, JSON1 functions, booleans stored as
// 0/1, and posture_regexp() (RE2, registered by the store on every connection).
#include "engine/sql/dialect.hpp"

namespace posture::sql {
namespace {

class SqliteDialect final : public Dialect {
 public:
  std::string param(size_t index) const override { return "?" + std::to_string(index); }

  std::string quote(std::string_view identifier) const override {
    std::string out = "\"";
    for (char c : identifier) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  }

  std::string list_includes(const std::string& list, const std::string& value,
                            bool case_insensitive) const override {
    std::string element = case_insensitive ? fold_case("je.value") : "je.value";
    std::string wanted = case_insensitive ? fold_case(value) : value;
    return "EXISTS (SELECT 1 FROM json_each(" + list + ") AS je WHERE " + element + " = " + wanted +
           ")";
  }

  std::string regex_full_match(const std::string& value,
                               const std::string& pattern) const override {
    return "posture_regexp(" + pattern + ", " + value + ")";
  }

  std::string json_object(
      const std::vector<std::pair<std::string, std::string>>& members) const override {
    std::string out = "json_object(";
    for (size_t i = 0; i < members.size(); ++i) {
      if (i) out += ", ";
      out += "'" + escape(members[i].first) + "', " + members[i].second;
    }
    return out + ")";
  }

  std::string json_boolean(const std::string& column) const override {
    return "json(CASE " + column + " WHEN 1 THEN 'true' WHEN 0 THEN 'false' END)";
  }

  std::string json_list(const std::string& column) const override { return "json(" + column + ")"; }

  std::string json_array_of(const std::string& json_rows) const override {
    return "(SELECT json_group_array(json(j)) FROM (" + json_rows + "))";
  }

  std::string fold_case(const std::string& expr) const override { return "lower(" + expr + ")"; }

 private:
  static std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out;
  }
};

}  // namespace

const Dialect& sqlite_dialect() {
  static const SqliteDialect dialect;
  return dialect;
}

}  // namespace posture::sql
