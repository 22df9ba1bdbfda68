// The SQLite 3.40 dialect: named parameters (:p1, :p2, ... and :scan; named
// so that numbering never collides), JSON1 functions, booleans stored as 0/1,
// unary + against an index, LIMIT -1 for "no limit", instr(), and
// posture_regexp() (RE2) and posture_in() (row sets), registered by the
// store on every connection.
#include "engine/sql/dialect.hpp"

#include <algorithm>

namespace posture::sql {
namespace {

class SqliteDialect final : public Dialect {
 public:
  std::string param(size_t index) const override { return ":p" + std::to_string(index); }
  std::string scan_param() const override { return ":scan"; }
  std::string boolean(bool value) const override { return value ? "1" : "0"; }
  std::string unindexed(const std::string& expr) const override { return "+" + expr; }
  bool row_sets() const override { return true; }
  std::string in_row_set(size_t set, const std::string& value) const override {
    return "posture_in(:set" + std::to_string(set) + ", " + value + ")";
  }

  std::string page(const std::string& limit, const std::string& offset) const override {
    if (limit.empty() && offset.empty()) return "";
    std::string out = " LIMIT " + (limit.empty() ? std::string("-1") : limit);
    return offset.empty() ? out : out + " OFFSET " + offset;
  }

  std::string contains(const std::string& value, const std::string& needle) const override {
    return "instr(" + value + ", " + needle + ") > 0";
  }

  std::string quote(std::string_view identifier) const override {
    std::string out = "\"";
    for (char c : identifier) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  }

  // Compact arrays are `["a","b"]`. Inside a string every quote is escaped
  // (\"), so an occurrence of the encoding `"Owner"` whose opening quote is not
  // preceded by a backslash is a whole element: when the text never holds
  // `\"Owner"` one instr() decides. Otherwise the exact test: with commas
  // around the inside, an element is exactly `,<encoding>,` (no string can
  // hold `,"` or `",`).
  std::string integer_set(const std::string& json_array) const override {
    return "(SELECT value FROM json_each(" + json_array + "))";
  }

  std::string list_includes(const std::string& list, const std::string& encoded,
                            bool case_insensitive) const override {
    std::string l = case_insensitive ? fold_case(list) : list;
    std::string e = case_insensitive ? fold_case(encoded) : encoded;
    return "(instr(" + l + ", " + e + ") > 0 AND (instr(" + l + ", '\\' || " + e +
           ") = 0 OR instr(',' || substr(" + l + ", 2, length(" + l + ") - 2) || ',', ',' || " + e +
           " || ',') > 0))";
  }

  // On bytes (UTF-8 makes a byte prefix a character prefix): SQLite's length()
  // and substr() of text stop at a NUL character. substr() of an empty BLOB
  // is NULL, hence the coalesce.
  std::string starts_with(const std::string& value, const std::string& affix) const override {
    std::string a = "CAST(" + affix + " AS BLOB)";
    return "coalesce(substr(CAST(" + value + " AS BLOB), 1, length(" + a + ")), X'') = " + a;
  }

  std::string ends_with(const std::string& value, const std::string& affix) const override {
    std::string a = "CAST(" + affix + " AS BLOB)";
    return "(length(" + a + ") = 0 OR coalesce(substr(CAST(" + value + " AS BLOB), -length(" + a +
           ")), X'') = " + a + ")";
  }

  std::string regex_full_match(const std::string& value,
                               const std::string& pattern) const override {
    return "posture_regexp(" + pattern + ", " + value + ")";
  }

  bool objects_from_columns() const override { return true; }

  // SQLite functions take at most 127 arguments, so json_object() at most 63
  // members: a bigger object is spliced as text from objects of 63 (each
  // stripped of its braces; substr(x, -1, -1e9) is x without its last
  // character) and marked as JSON again.
  std::string json_object(
      const std::vector<std::pair<std::string, std::string>>& members) const override {
    if (members.size() <= kMaxMembers) return object_of(members, 0, members.size());
    std::string text = "'{'";
    for (size_t i = 0; i < members.size(); i += kMaxMembers) {
      std::string part = object_of(members, i, std::min(members.size(), i + kMaxMembers));
      text +=
          std::string(i ? " || ','" : "") + " || substr(substr(" + part + ", -1, -1000000000), 2)";
    }
    return "json(" + text + " || '}')";
  }

  std::string json_boolean(const std::string& column) const override {
    return "json(CASE " + column + " WHEN 1 THEN 'true' WHEN 0 THEN 'false' END)";
  }

  std::string json_float(const std::string& column) const override { return column; }

  std::string json_list(const std::string& column) const override { return "json(" + column + ")"; }

  std::string json_array_of(const std::string& json_rows) const override {
    return "(SELECT json_group_array(json(j)) FROM (" + json_rows + "))";
  }

  std::string fold_case(const std::string& expr) const override { return "lower(" + expr + ")"; }

 private:
  static constexpr size_t kMaxMembers = 63;

  static std::string object_of(const std::vector<std::pair<std::string, std::string>>& members,
                               size_t begin, size_t end) {
    std::string out = "json_object(";
    for (size_t i = begin; i < end; ++i) {
      if (i > begin) out += ", ";
      out += "'" + escape(members[i].first) + "', " + members[i].second;
    }
    return out + ")";
  }

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
