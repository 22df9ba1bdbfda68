// The PostgreSQL 15 dialect: positional parameters ($1 the scan id, $2 its
// tenant, $3, $4, ... the literals: a statement binds the scan and its tenant
// first; store/cursor.cpp), TRUE/FALSE, LIMIT ALL,
// strpos()/left()/right(), regular expressions with `~`, and JSON built as
// text so that responses are byte for byte SQLite's (compact, members in
// order). The store keeps booleans as the integers 1/0 and text columns in
// the "C" collation (store/pg_store.cpp), so comparisons, ORDER BY and
// lower() behave as on SQLite: bytes, and ASCII case folding.
//
// Regular expressions: PostgreSQL's are POSIX AREs, not RE2. The pattern is
// wrapped as `(?p)^(?:pattern)$` (a full match; `.` and `[^...]` do not match
// a newline, as in RE2), and the engine's `(?i)` prefix (caseInsensitive)
// becomes the ARE option `i`, which folds ASCII letters only in the "C"
// collation where RE2 folds Unicode. RE2 syntax AREs lack (\pL, named groups
// (?P<n>...), flags inside the pattern) fails on PostgreSQL with a store error.
#include <nlohmann/json.hpp>

#include "engine/sql/dialect.hpp"

namespace posture::sql {
namespace {

class PostgresqlDialect final : public Dialect {
 public:
  std::string param(size_t index) const override { return "$" + std::to_string(index + 2); }
  std::string scan_param() const override { return "$1"; }
  std::string tenant_param() const override { return "$2"; }
  std::string boolean(bool value) const override { return value ? "TRUE" : "FALSE"; }
  std::string unindexed(const std::string& expr) const override { return expr; }
  bool exists_quantifiers() const override { return true; }
  bool scan_by_rowid_range() const override { return false; }

  std::string page(const std::string& limit, const std::string& offset) const override {
    if (limit.empty() && offset.empty()) return "";
    std::string out = " LIMIT " + (limit.empty() ? std::string("ALL") : limit);
    return offset.empty() ? out : out + " OFFSET " + offset;
  }

  std::string contains(const std::string& value, const std::string& needle) const override {
    return "strpos(" + value + ", " + needle + ") > 0";
  }

  std::string quote(std::string_view identifier) const override {
    std::string out = "\"";
    for (char c : identifier) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  }

  std::string integer_set(const std::string& json_array) const override {
    return "(SELECT value::bigint FROM json_array_elements_text(CAST(" + json_array + " AS json)))";
  }

  // As SQLite's (sqlite_dialect.cpp says why it is exact); chr(92) is a backslash.
  std::string list_includes(const std::string& list, const std::string& encoded,
                            bool case_insensitive) const override {
    std::string l = case_insensitive ? fold_case(list) : list;
    std::string e = case_insensitive ? fold_case(encoded) : encoded;
    return "(strpos(" + l + ", " + e + ") > 0 AND (strpos(" + l + ", chr(92) || " + e +
           ") = 0 OR strpos(',' || substr(" + l + ", 2, length(" + l + ") - 2) || ',', ',' || " +
           e + " || ',') > 0))";
  }

  std::string starts_with(const std::string& value, const std::string& affix) const override {
    return "(left(" + value + ", length(" + affix + ")) = " + affix + ")";
  }

  std::string ends_with(const std::string& value, const std::string& affix) const override {
    return "(right(" + value + ", length(" + affix + ")) = " + affix + ")";
  }

  // RE2's leading flag groups ((?i), (?s), (?m), (?is), ...) become the ARE
  // options in front: i as i; s and m choose among p (neither: `.` stops at a
  // newline, as RE2's default), s (both off in ARE terms: `.` matches one),
  // n and w; the rest is matched whole between \A and \Z.
  std::string regex_pattern(const std::string& re2) const override {
    bool i = false, s = false, m = false;
    std::string_view rest = re2;
    while (rest.size() > 3 && rest.substr(0, 2) == "(?") {
      size_t close = rest.find(')');
      if (close == std::string_view::npos) break;
      std::string_view flags = rest.substr(2, close - 2);
      if (flags.empty() || flags.find_first_not_of("ism") != std::string_view::npos) break;
      i = i || flags.find('i') != std::string_view::npos;
      s = s || flags.find('s') != std::string_view::npos;
      m = m || flags.find('m') != std::string_view::npos;
      rest.remove_prefix(close + 1);
    }
    std::string options = s ? (m ? "w" : "s") : (m ? "n" : "p");
    if (i) options += "i";
    return "(?" + options + ")\\A(?:" + std::string(rest) + ")\\Z";
  }

  std::string regex_full_match(const std::string& value,
                               const std::string& pattern) const override {
    return "(" + value + " ~ " + pattern + ")";
  }

  // '{"key":' || <member as JSON text> || ... || '}': members in order, no
  // spaces, as SQLite's json_object() writes them. to_json() leaves a json
  // value as it is and encodes a scalar; SQL NULL is null.
  std::string json_object(
      const std::vector<std::pair<std::string, std::string>>& members) const override {
    std::string out = "CAST('{'";
    for (size_t i = 0; i < members.size(); ++i) {
      std::string key = (i ? "," : "") + nlohmann::json(members[i].first).dump() + ":";
      const std::string& v = members[i].second;
      std::string value = !v.empty() && v.front() == '\'' ? v + "::text" : v;
      out += " || " + literal(key) + " || coalesce(to_json(" + value + ")::text, 'null')";
    }
    return out + " || '}' AS json)";
  }

  std::string json_boolean(const std::string& column) const override {
    return "CAST(CASE " + column + " WHEN 1 THEN 'true' WHEN 0 THEN 'false' END AS json)";
  }

  // SQLite's "%!.15g" from the double's 15-significant-digit numeric (the
  // float8 to numeric cast rounds to DBL_DIG digits, as %.15g does): plain
  // between 1e-4 and 1e15, else mantissa and a signed exponent of at least
  // two digits, with ".0" where no decimal point would be. Infinity (which
  // no import stores) falls back to to_json.
  std::string json_float(const std::string& column) const override {
    return "(SELECT CAST(CASE WHEN abs(n) < 1e15 AND (n = 0 OR abs(n) >= 0.0001) THEN n::text || "
           "CASE WHEN strpos(n::text, '.') = 0 THEN '.0' ELSE '' END WHEN n IS NULL OR abs(n) < "
           "'Infinity' THEN m || CASE WHEN strpos(m, '.') = 0 THEN '.0' ELSE '' END || 'e' || "
           "CASE WHEN x < 0 THEN '-' ELSE '+' END || CASE WHEN abs(x) < 10 THEN '0' ELSE '' END "
           "|| abs(x) ELSE to_json(n)::text END AS json) FROM (SELECT n, x, trim_scale(CASE WHEN "
           "x >= 0 THEN n / power(10::numeric, x) ELSE n * power(10::numeric, -x) END)::text AS "
           "m FROM (SELECT n, floor(log(nullif(abs(n), 0)))::int AS x FROM (SELECT CAST(" +
           column + " AS numeric) AS n) AS posture_n) AS posture_x) AS posture_m)";
  }

  std::string json_list(const std::string& column) const override {
    return "CAST(" + column + " AS json)";
  }

  std::string json_array_of(const std::string& json_rows) const override {
    return "(SELECT CAST('[' || coalesce(string_agg(j::text, ','), '') || ']' AS json) FROM (" +
           json_rows + ") AS posture_rows)";
  }

  std::string fold_case(const std::string& expr) const override {
    return "lower((" + expr + ") COLLATE \"C\")";
  }

 private:
  static std::string literal(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }
};

}  // namespace

const Dialect& postgresql_dialect() {
  static const PostgresqlDialect dialect;
  return dialect;
}

const Dialect& dialect(store::Backend backend) {
  return backend == store::Backend::Postgresql ? postgresql_dialect() : sqlite_dialect();
}

}  // namespace posture::sql
