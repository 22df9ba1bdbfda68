// Unit tests of the sql stage (engine/sql/compiler.hpp): every value is bound
// as a parameter (no literal text reaches the SQL, even hostile strings), the
// parameters are numbered and complete, identifiers come from the schema, the
// SQL of the stored checks and of one query per operator family equals the
// golden files in tests/golden/sql (SqlGolden below: how to regenerate them),
// every compiled predicate is two-valued (never NULL, even on rows of NULLs),
// and root statements apply where, sort, limit, offset and aggregates.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/checks/catalog.hpp"
#include "engine/exec/engine.hpp"
#include "store/cursor.hpp"
#include "tests/reference/inventory.hpp"

namespace {

using nlohmann::json;
using posture::exec::CompiledQuery;
using posture::exec::Engine;
using posture::reference::Object;

CompiledQuery compile(const std::string& text) {
  auto q = Engine().compile(text);
  if (!q) {
    ADD_FAILURE() << text << "\n" << posture::format(q.errors());
    return {};
  }
  return std::move(q).value();
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The literal placeholder numbers used in `sql` (:p1, :p2, ...).
std::set<int> placeholders(const std::string& sql) {
  std::set<int> found;
  static const std::regex re(":p([0-9]+)");
  for (auto it = std::sregex_iterator(sql.begin(), sql.end(), re); it != std::sregex_iterator();
       ++it)
    found.insert(std::stoi((*it)[1].str()));
  return found;
}

// The statement's SQL and its row sets' (run first), one per line.
std::string all_sql(const posture::sql::Statement& s) {
  std::string out = s.sql;
  for (const auto& set : s.sets) out += "\n" + set;
  return out;
}

// The numbers of the row sets `sql` reads (posture_in(:set3, ...) -> 3).
std::set<int> sets_read(const std::string& sql) {
  std::set<int> found;
  static const std::regex re("posture_in\\(:set([0-9]+), ");
  for (auto it = std::sregex_iterator(sql.begin(), sql.end(), re); it != std::sregex_iterator();
       ++it)
    found.insert(std::stoi((*it)[1].str()));
  return found;
}

// The scan is the named parameter :scan; the literals are :p1..:pn,
// params[0..]; every parameter is used and none is missing; each row set is
// read, and only by the statement or the sets after it.
void expect_parameters_complete(const posture::sql::Statement& s) {
  EXPECT_EQ(s.scan, ":scan");
  EXPECT_NE(s.sql.find(":scan"), std::string::npos) << s.sql;
  std::set<int> want;
  for (size_t i = 1; i <= s.params.size(); ++i) want.insert(static_cast<int>(i));
  EXPECT_EQ(placeholders(all_sql(s)), want) << all_sql(s);
  // A statement may fill several sets (store::row_set_numbers); each set is
  // filled once, and read only after the statement that fills it.
  std::set<int> read = sets_read(s.sql), sets;
  const auto numbers = posture::store::row_set_numbers(s.sets);
  for (size_t i = 0; i < s.sets.size(); ++i) {
    for (int earlier : sets_read(s.sets[i])) {
      EXPECT_TRUE(sets.count(earlier))
          << "statement " << i + 1 << " reads set " << earlier << " before it is filled";
      read.insert(earlier);
    }
    for (size_t n : numbers[i]) EXPECT_TRUE(sets.insert(static_cast<int>(n)).second) << n;
  }
  EXPECT_EQ(read, sets) << all_sql(s);
  if (!sets.empty()) {
    EXPECT_EQ(*sets.rbegin(), static_cast<int>(sets.size())) << all_sql(s);
  }
}

bool params_mention(const posture::sql::Statement& s, const std::string& text) {
  for (const auto& p : s.params)
    if (auto* str = std::get_if<std::string>(&p); str && str->find(text) != std::string::npos)
      return true;
  return false;
}

posture::reference::LoadedStore load(const std::vector<std::string>& lines) {
  std::vector<Object> objects;
  for (const auto& line : lines)
    objects.push_back(
        posture::reference::object_from_json(json::parse(line), posture::schema::builtin()));
  auto loaded = posture::reference::load_store(objects, posture::schema::builtin());
  EXPECT_TRUE(loaded.ok()) << posture::format(loaded.errors());
  return std::move(loaded).value();
}

std::vector<std::string> matching(const CompiledQuery& q,
                                  const posture::reference::LoadedStore& s) {
  const auto& root = q.optimised.roots.at(0);
  auto ids = posture::reference::sql_ids(s, *root.type, root.where);
  EXPECT_TRUE(ids.ok()) << (ids.ok() ? "" : posture::format(ids.errors()));
  return ids.ok() ? *ids : std::vector<std::string>{};
}

int64_t count_rows(const posture::reference::LoadedStore& s, const std::string& table) {
  posture::sql::Statement count{"SELECT count(*) FROM \"" + table + "\"", {}, ""};
  auto cursor = posture::store::Cursor::open(*s.store, count, s.scan);
  EXPECT_TRUE(cursor.ok());
  if (!cursor.ok() || !cursor->next().value()) return -1;
  return std::stoll(std::string(cursor->text(0)));
}

// --- parameters ---------------------------------------------------------------------

// Hostile values, each with a piece of it that must reach a parameter intact.
const std::vector<std::pair<std::string, std::string>> kHostile{
    {"'); DROP TABLE security_contact; --", "DROP TABLE"},
    {"\" OR 1=1 --", "OR 1=1"},
    {"%' OR '1'='1", "OR '1'='1"},
    {"a''b", "a''b"},
    {"?1 ?2 $1 :x @y", "?1 ?2"},
    {"x\\' UNION SELECT sql FROM sqlite_master --", "UNION SELECT"}};

// Every operator with a hostile operand: the SQL text never holds the value.
std::vector<std::string> hostile_filters(const std::string& h) {
  std::string v = quote(h);
  std::string re = quote(std::regex_replace(h, std::regex("[()\\[\\]?*+.\\\\$^|{}]"), "."));
  return {"email: " + v,
          "email_NOT: " + v,
          "email_IN: [" + v + ", null]",
          "email_NOT_IN: [" + v + "]",
          "email_CONTAINS: " + v,
          "email_NOT_STARTS_WITH: " + v,
          "email_ENDS_WITH: " + v,
          "email_MATCHES: " + re,
          "email_LT: " + v,
          "email_GTE: " + v,
          "emails_INCLUDES: " + v,
          "emails_NOT_INCLUDES: " + v,
          "emails: [" + v + "]",
          "email: { caseInsensitive: { eq: " + v + ", contains: " + v + ", in: [" + v + "] } }",
          "email: { caseInsensitive: { matches: " + re + ", startsWith: " + v + " } }",
          "notificationRoles: { caseInsensitive: { includes: " + v + " } }"};
}

TEST(SqlCompiler, HostileValuesAreBoundAsParametersNeverSpliced) {
  for (const auto& [h, piece] : kHostile) {
    for (const auto& filter : hostile_filters(h)) {
      std::string text = "{ connectors(where: { securityContacts_SOME: { " + filter +
                         " } }) { id securityContacts(where: { " + filter + " }) { email } } }";
      SCOPED_TRACE(text);
      CompiledQuery q = compile(text);
      if (q.optimised.roots.empty()) continue;
      const auto& root = q.optimised.roots[0];
      for (const auto& s :
           {q.statements.at(0), posture::sql::compile_matches(*root.type, root.where)}) {
        const std::string sql = all_sql(s);
        EXPECT_EQ(sql.find(h), std::string::npos) << sql;
        EXPECT_EQ(sql.find("DROP"), std::string::npos) << sql;
        EXPECT_EQ(sql.find("UNION"), std::string::npos) << sql;
        EXPECT_EQ(sql.find("1=1"), std::string::npos) << sql;
        EXPECT_TRUE(params_mention(s, piece) || filter.find("MATCHES") != std::string::npos ||
                    filter.find("matches") != std::string::npos)
            << "the value is a parameter";
        expect_parameters_complete(s);
      }
    }
  }
}

TEST(SqlCompiler, HostileValuesMatchThemselvesAndDropNothing) {
  const std::string h = kHostile[0].first;
  auto s = load({json{{"type", "Connector"},
                      {"id", "c1"},
                      {"securityContacts", {{{"email", h}, {"emails", {h}}}}}}
                     .dump(),
                 R"({"type":"Connector","id":"c2","securityContacts":[{"email":"x"}]})"});
  for (const auto& filter :
       {"email: " + quote(h), "email_CONTAINS: " + quote(h.substr(3, 10)),
        "emails_INCLUDES: " + quote(h), "email: { caseInsensitive: { eq: " + quote(h) + " } }"}) {
    CompiledQuery q =
        compile("{ connectors(where: { securityContacts_SOME: { " + filter + " } }) { id } }");
    if (q.optimised.roots.empty()) continue;
    EXPECT_EQ(matching(q, s), (std::vector<std::string>{"c1"})) << filter;
  }
  EXPECT_EQ(count_rows(s, "security_contact"), 2);
  EXPECT_EQ(count_rows(s, "connector"), 2);
}

TEST(SqlCompiler, IdentifiersComeFromTheSchemaQuoted) {
  CompiledQuery q = compile(
      "{ connectors(where: { name: \"a\", securityContacts_ALL: { email_NOT: null } }) { id } }");
  ASSERT_FALSE(q.statements.empty());
  const std::string sql = all_sql(q.statements[0]);
  EXPECT_NE(sql.find("\"connector\""), std::string::npos) << sql;
  EXPECT_NE(sql.find("\"security_contact\""), std::string::npos) << sql;
  EXPECT_NE(sql.find("\"email\""), std::string::npos) << sql;
}

// --- golden SQL ------------------------------------------------------------------
//
// The exact SQL text and bound parameters of the stored checks
// (queries/*.graphql -> tests/golden/sql/checks/<name>.sql) and of the
// representative queries tests/golden/sql/queries/<name>.graphql (-> <name>.sql
// beside each), one per operator family. Each root field gives its root
// statement (compile_root) and its filter statement (compile_matches, what
// check evaluation runs). A change in the SQL fails the test with a line diff.
//
// When a change to the SQL is intended, regenerate every file with one command
// (from the build directory), then review `git diff tests/golden`:
//   POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test --gtest_filter='SqlGolden.*'
// With POSTURE_UPDATE_GOLDEN=1 the test writes the files (and deletes golden
// files whose query is gone) instead of comparing, and passes.

namespace fs = std::filesystem;

fs::path golden_dir() {
  return fs::path(POSTURE_SOURCE_DIR) / "tests" / "golden" / "sql";
}

bool updating_golden() {
  const char* v = std::getenv("POSTURE_UPDATE_GOLDEN");
  return v && std::string(v) == "1";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The SQL with a line break before each clause and boolean connective, indented
// by parenthesis depth, so that a diff shows what changed. Breaks replace single
// spaces outside quotes only: joining the lines (trimmed) with one space gives
// back the compiled text exactly.
std::string layout_sql(const std::string& sql) {
  static const std::vector<std::string> kBreakBefore{
      "SELECT ", "FROM ",   "WHERE ",    "AND ",   "OR ",     "ORDER BY ",
      "LIMIT ",  "OFFSET ", "GROUP BY ", "UNION ", "EXCEPT ", "INTERSECT "};
  std::string out;
  int depth = 0;
  char quote = 0;
  bool between = false;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == ' ' && i > 0 && sql[i - 1] != ' ') {
      bool brk = false;
      for (const auto& k : kBreakBefore) brk = brk || sql.compare(i + 1, k.size(), k) == 0;
      // BETWEEN x AND y: that AND belongs to the BETWEEN, it stays on the line.
      if (sql.compare(i + 1, 8, "BETWEEN ") == 0) between = true;
      if (brk && between && sql.compare(i + 1, 4, "AND ") == 0) brk = between = false;
      if (brk) {
        out += "\n" + std::string(2 * static_cast<size_t>(std::max(depth, 0)), ' ');
        continue;
      }
    }
    out += c;
  }
  return out;
}

std::string render_statement(const std::string& title, const posture::sql::Statement& s) {
  std::string out = "-- " + title + "\n" + layout_sql(s.sql) + "\n";
  const auto numbers = posture::store::row_set_numbers(s.sets);
  for (size_t i = 0; i < s.sets.size(); ++i)
    out += "-- row set " + posture::store::row_set_names(numbers[i]) + "\n" +
           layout_sql(s.sets[i]) + "\n";
  for (size_t i = 0; i < s.params.size(); ++i)
    out += "-- :p" + std::to_string(i + 1) + " = " + posture::ir::to_string(s.params[i]) + "\n";
  return out;
}

// The golden text of a compiled query: every root's statements.
std::string render_golden(const std::string& source, const CompiledQuery& q) {
  std::string out = "-- Golden SQL of " + source +
                    " (tests/unit/sql_compiler_test.cpp, SqlGolden).\n"
                    "-- Regenerate: POSTURE_UPDATE_GOLDEN=1 ./unit_sql_compiler_test "
                    "--gtest_filter='SqlGolden.*'\n"
                    "-- Line breaks and indentation are added; :scan is the scan.\n";
  for (size_t i = 0; i < q.optimised.roots.size(); ++i) {
    const auto& root = q.optimised.roots[i];
    out += "\n" +
           render_statement("root `" + root.response_key + "`: compile_root", q.statements.at(i));
    out += "\n" + render_statement("root `" + root.response_key + "`: compile_matches",
                                   posture::sql::compile_matches(*root.type, root.where));
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A line diff (longest common subsequence): "-" lines only in `want`, "+" only
// in `got`, two lines of context around each change.
std::string line_diff(const std::string& want, const std::string& got) {
  auto a = split_lines(want), b = split_lines(got);
  size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::vector<std::pair<char, std::string>> ops;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      ops.emplace_back(' ', a[i]), ++i, ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.emplace_back('-', a[i++]);
    } else {
      ops.emplace_back('+', b[j++]);
    }
  }
  std::string out;
  size_t last = 0;
  for (size_t k = 0; k < ops.size(); ++k) {
    bool near = false;
    for (size_t d = (k >= 2 ? k - 2 : 0); d < std::min(ops.size(), k + 3); ++d)
      near = near || ops[d].first != ' ';
    if (!near) continue;
    if (last && k > last + 1) out += "...\n";
    out += std::string(1, ops[k].first) + " " + ops[k].second + "\n";
    last = k;
  }
  return out;
}

// Compares (or, when updating, writes) one golden file.
void check_golden(const fs::path& file, const std::string& got) {
  if (updating_golden()) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << got;
    return;
  }
  ASSERT_TRUE(fs::exists(file)) << file.string() << " is missing: regenerate with "
                                << "POSTURE_UPDATE_GOLDEN=1 (see the top of SqlGolden)";
  std::string want = read_file(file);
  EXPECT_TRUE(want == got) << file.string() << " differs from the compiled SQL (- golden, + now):\n"
                           << line_diff(want, got)
                           << "If the change is intended, regenerate: POSTURE_UPDATE_GOLDEN=1 "
                              "./unit_sql_compiler_test --gtest_filter='SqlGolden.*'";
}

// Golden files without a query any more: deleted when updating, else a failure.
void check_no_stale(const fs::path& dir, const std::set<std::string>& expected) {
  if (!fs::exists(dir)) return;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".sql" || expected.count(entry.path().filename().string()))
      continue;
    if (updating_golden())
      fs::remove(entry.path());
    else
      ADD_FAILURE() << entry.path().string() << " has no query any more: regenerate with "
                    << "POSTURE_UPDATE_GOLDEN=1 to delete it";
  }
}

TEST(SqlGolden, StoredChecks) {
  fs::path queries = fs::path(POSTURE_SOURCE_DIR) / "queries";
  auto catalog = posture::checks::Catalog::load(queries.string());
  ASSERT_TRUE(catalog.ok()) << posture::format(catalog.errors());
  // 4 checks on security contacts, 67 on Defender plans and the other resource types.
  ASSERT_EQ(catalog->checks().size(), 71u) << "queries/*.graphql: one golden file per check";
  std::set<std::string> names;
  for (const auto& check : catalog->checks()) {
    SCOPED_TRACE(check.file);
    std::string stem = fs::path(check.file).stem().string();
    names.insert(stem + ".sql");
    ASSERT_FALSE(check.query.statements.empty());
    for (const auto& s : check.query.statements) expect_parameters_complete(s);
    check_golden(golden_dir() / "checks" / (stem + ".sql"),
                 render_golden("queries/" + stem + ".graphql", check.query));
  }
  check_no_stale(golden_dir() / "checks", names);
}

TEST(SqlGolden, RepresentativeQueries) {
  fs::path dir = golden_dir() / "queries";
  std::vector<fs::path> sources;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".graphql") sources.push_back(entry.path());
  std::sort(sources.begin(), sources.end());
  ASSERT_GE(sources.size(), 6u) << dir.string() << ": the representative queries went missing";
  std::set<std::string> names;
  for (const auto& source : sources) {
    SCOPED_TRACE(source.string());
    names.insert(source.stem().string() + ".sql");
    auto q = Engine().compile(read_file(source));
    ASSERT_TRUE(q.ok()) << posture::format(q.errors());
    for (const auto& s : q->statements) expect_parameters_complete(s);
    check_golden(fs::path(source).replace_extension(".sql"),
                 render_golden("tests/golden/sql/queries/" + source.filename().string(), *q));
  }
  check_no_stale(dir, names);
}

// The layout only adds line breaks: undoing them gives the compiled text back.
TEST(SqlGolden, LayoutOnlyBreaksLines) {
  CompiledQuery q = compile(
      "{ connectors(where: { OR: [{ name_IN: [\"a\", \"b\", null] }, { securityContacts: { "
      "single: { emails_INCLUDES: \"x\" } } }], securityContactsAggregate: { count_LT: 3 } }) "
      "{ id } }");
  ASSERT_FALSE(q.statements.empty());
  const std::string& sql = q.statements[0].sql;
  std::string laid = layout_sql(sql), joined;
  for (const auto& line : split_lines(laid)) {
    size_t b = line.find_first_not_of(' ');
    joined += (joined.empty() ? "" : " ") + (b == std::string::npos ? "" : line.substr(b));
  }
  EXPECT_GT(split_lines(laid).size(), 3u) << laid;
  EXPECT_EQ(joined, sql);
}

// --- two-valued logic ---------------------------------------------------------------

// Filters over every field kind whose compiled expression must never be NULL
// on rows full of NULLs, missing lists, empty lists and absent children.
const std::vector<std::string> kContactFilters{
    "email: \"a\"", "email_NOT: \"a\"", "email_IN: [\"a\"]", "email_NOT_IN: [\"a\", null]",
    "email_CONTAINS: \"a\"", "email_NOT_CONTAINS: \"a\"", "email_STARTS_WITH: \"a\"",
    "email_NOT_ENDS_WITH: \"a\"", "email_MATCHES: \"a.*\"", "email_LT: \"a\"", "email_GTE: \"a\"",
    "emails_INCLUDES: \"a\"", "emails_NOT_INCLUDES: \"a\"", "emails: []", "emails_NOT: [\"a\"]",
    "isEnabled: true", "isEnabled_NOT: false", "isEnabled_IN: [true, null]",
    "email: { caseInsensitive: { eq: \"A\", matches: \"A.*\", lt: \"b\" } }",
    "notificationRoles: { caseInsensitive: { includes: \"owner\" } }",
    "NOT: { OR: [{ email: \"a\" }, { phone_CONTAINS: \"1\" }] }",
    // A field's NULL tested once in a conjunction (compiler.cpp, junction).
    "email_NOT_IN: [null, \"\"], phone_NOT_IN: [null, \"\"], isEnabled: true",
    "email_NOT: null, email_NOT_STARTS_WITH: \"a\", phone_NOT_CONTAINS: \"1\"",
    "email_MATCHES: \".*\", email_NOT: \"a\", emails_NOT_INCLUDES: \"a\"",
    "NOT: { OR: [{ email: null }, { email: \"\" }, { phone_NOT: null }] }",
    "OR: [{ email_NOT_IN: [null, \"A\"] }, { AND: [{ phone_NOT: null }, { phone_NOT: \"1\" }] }]",
    "NOT: { AND: [{ email_NOT: null }, { NOT: { email_IN: [\"a\", \"\"] } }] }"};

// Exact: never NULL. Filter: true on exactly the rows where Exact is 1 (NULL
// allowed only where Exact is 0). Both on rows with fields missing and set.
TEST(SqlCompiler, EveryPredicateIsTwoValuedAndItsFilterFormTrueWhereItIs) {
  auto s =
      load({R"({"type":"Connector","id":"c1","securityContacts":[{},{"email":"a","emails":[]}]})",
            R"({"type":"Connector","id":"c2"})",
            R"({"type":"Connector","id":"c3","securityContacts":[{"email":"","phone":"1"},)"
            R"({"email":"A","phone":"","notificationRoles":["Owner"],"isEnabled":true}]})"});
  auto count = [&](const std::string& table, const std::string& condition,
                   const posture::sql::Statement& with) {
    posture::sql::Statement probe{"SELECT count(*) FROM \"" + table +
                                      "\" AS t0 WHERE t0._scan = :scan AND (" + condition + ")",
                                  with.params, ":scan", with.sets};
    auto cursor = posture::store::Cursor::open(*s.store, probe, s.scan);
    EXPECT_TRUE(cursor.ok()) << posture::format(cursor.errors()) << "\n" << probe.sql;
    if (!cursor.ok()) return std::string("error");
    EXPECT_TRUE(cursor->next().value());
    return std::string(cursor->text(0));
  };
  auto check = [&](const posture::ir::RootField& root, const std::string& table) {
    using posture::sql::PredicateUse;
    posture::sql::Statement exact = posture::sql::compile_predicate(
        *root.type, root.where, "t0", posture::sql::sqlite_dialect(), PredicateUse::Exact);
    EXPECT_EQ(count(table, "(" + exact.sql + ") IS NULL", exact), "0")
        << "NULL for some row: " << exact.sql;
    // The filter's literals and sets follow the exact form's in one statement.
    posture::sql::Statement both = exact;
    std::vector<const posture::ir::Predicate*> wheres{&root.where};
    std::string filter = posture::sql::compile_predicates(*root.type, wheres, "t0", both).front();
    EXPECT_EQ(count(table, "((" + filter + ") IS TRUE) <> ((" + exact.sql + ") = 1)", both), "0")
        << "the filter " << filter << " differs from " << exact.sql;
  };
  for (const auto& f : kContactFilters) {
    SCOPED_TRACE(f);
    CompiledQuery contacts = compile("{ securityContacts(where: { " + f + " }) { id } }");
    if (!contacts.optimised.roots.empty()) check(contacts.optimised.roots[0], "security_contact");
    for (const auto& q : {"_SOME", "_NONE", "_ALL", "_SINGLE", "_NOT"}) {
      CompiledQuery connectors = compile("{ connectors(where: { securityContacts" + std::string(q) +
                                         ": { " + f + " } }) { id } }");
      if (!connectors.optimised.roots.empty()) check(connectors.optimised.roots[0], "connector");
    }
  }
}

// --- root statements ---------------------------------------------------------------

std::string run_root(const std::string& text, const posture::reference::LoadedStore& s) {
  CompiledQuery q = compile(text);
  std::ostringstream out;
  if (q.statements.empty()) return "";
  auto status = posture::exec::execute(q, *s.store, s.scan, out);
  EXPECT_TRUE(status.ok()) << posture::format(status.errors());
  return out.str();
}

TEST(SqlCompiler, RootStatementsSortPageAndCount) {
  auto s = load({R"({"type":"Connector","id":"c1","name":"b","securityContacts":[{"email":"x"}]})",
                 R"({"type":"Connector","id":"c2","name":"a"})",
                 R"({"type":"Connector","id":"c3","name":"c","securityContacts":[{},{}]})",
                 R"({"type":"Connector","id":"c4"})"});
  json r =
      json::parse(run_root("{ connectors(where: { name_NOT: null }, sort: [{ name: DESC }], limit: "
                           "2, offset: 1) { id } }",
                           s));
  EXPECT_EQ(r["data"]["connectors"], json::parse(R"([{"id":"c1"},{"id":"c2"}])"));
  r = json::parse(run_root("{ connectors(options: { sort: { name: ASC }, limit: 1 }) { id } }", s));
  EXPECT_EQ(r["data"]["connectors"].size(), 1u);
  r = json::parse(
      run_root(R"({ n: connectorsAggregate(where: { securityContacts_SOME: {} }) { count }
                              connectors(where: { id: "c3" }) { securityContactsAggregate { count } } })",
               s));
  EXPECT_EQ(r["data"]["n"]["count"], 2);
  EXPECT_EQ(r["data"]["connectors"][0]["securityContactsAggregate"]["count"], 2);
  r = json::parse(run_root(
      R"({ connectors(where: { id: "c1" }) { id contacts: securityContacts(where: { email: "y" }) { email } } })",
      s));
  EXPECT_EQ(r["data"]["connectors"][0]["contacts"], json::array());
}

// Row sets over the same rows of a table (their SELECTs differ only in the
// condition) are filled by one statement, a column per set; a set whose
// condition reads a set filled after an earlier one's place stays apart.
// The answers are those of the reference evaluator.
TEST(SqlCompiler, RowSetsOverTheSameRowsAreReadOnce) {
  auto s = load({
      R"({"type":"Connector","id":"c1","securityContacts":[{"name":"a","email":"x@y","phone":"1"}]})",
      R"({"type":"Connector","id":"c2","securityContacts":[{"name":"a","email":"","phone":"1"},{"name":"b","email":"z@y"}]})",
      R"({"type":"Connector","id":"c3","securityContacts":[{"name":"a","phone":""}]})",
      R"({"type":"Connector","id":"c4"})",
  });
  CompiledQuery q = compile(R"({ connectors(where: { AND: [
      { securityContacts_SOME: { email: "x@y" } }
      { securityContacts_NONE: { phone: "" } }
      { NOT: { securityContacts_SOME: { email: "" } } } ] }) { id } })");
  const auto& st = q.statements.at(0);
  expect_parameters_complete(st);
  ASSERT_EQ(st.sets.size(), 1u) << all_sql(st);
  // (The optimizer may merge quantifiers first: at least two sets remain.)
  const auto numbers = posture::store::row_set_numbers(st.sets);
  EXPECT_GE(numbers.at(0).size(), 2u) << all_sql(st);
  EXPECT_EQ(numbers.at(0).size(), sets_read(st.sql).size()) << all_sql(st);
  EXPECT_EQ(matching(q, s), (std::vector<std::string>{"c1"}));
  q = compile(R"({ connectors(where: { OR: [
      { securityContacts_SOME: { email: "" } }
      { securityContacts_SOME: { phone: "" } } ] }) { id } })");
  EXPECT_EQ(q.statements.at(0).sets.size(), 1u) << all_sql(q.statements.at(0));
  EXPECT_EQ(matching(q, s), (std::vector<std::string>{"c2", "c3"}));

  // Nested: a set of members reading the set of devices before it joins an
  // earlier set of members only when that one comes after the devices'.
  const auto& schema = posture::reference::test_schema();
  auto nested = [&](const std::string& text) {
    auto c = posture::exec::Engine(schema).compile(text);
    EXPECT_TRUE(c.ok()) << posture::format(c.errors());
    expect_parameters_complete(c->statements.at(0));
    return posture::store::row_set_numbers(c->statements.at(0).sets);
  };
  // members name (1), devices (2), members with devices (3): 3 reads 2.
  EXPECT_EQ(nested(R"({ accounts(where: { AND: [{ members_SOME: { name: "n" } }
      { members_SOME: { devices_SOME: { patched: false } } }] }) { id } })"),
            (std::vector<std::vector<size_t>>{{1}, {2}, {3}}));
  // devices (1), members with devices (2), members name (3): 3 joins 2.
  EXPECT_EQ(
      nested(R"({ accounts(where: { AND: [{ members_SOME: { devices_SOME: { patched: false } } }
      { members_SOME: { name: "n" } }] }) { id } })"),
      (std::vector<std::vector<size_t>>{{1}, {2, 3}}));
}

TEST(SqlCompiler, LargeListsAndDeepNesting) {
  auto s = load(
      {R"({"type":"Connector","id":"c1","name":"n4999"})", R"({"type":"Connector","id":"c2"})"});
  std::string list;
  for (int i = 0; i < 5000; ++i) list += (i ? ", " : "") + quote("n" + std::to_string(i));
  CompiledQuery q = compile("{ connectors(where: { name_IN: [" + list + "] }) { id } }");
  EXPECT_EQ(matching(q, s), (std::vector<std::string>{"c1"}));
  std::string nested = "{ name: \"n4999\" }";
  // even: the identity (deeper nesting is refused: tests/semantics/deep-nesting.test)
  for (int i = 0; i < 20; ++i) nested = "{ NOT: " + nested + " }";
  q = compile("{ connectors(where: " + nested + ") { id } }");
  EXPECT_EQ(matching(q, s), (std::vector<std::string>{"c1"}));
}

// A root statement reads the scan's rows in storage order and the executor
// puts its matches in key order (KeyOrder: no SQL sort), where a walk of the
// (_scan, _key) index would seek the table once per row; the index serves a
// page in key order, which stops after the page, and a count of all rows,
// which reads no table row (docs/performance.md, "The query path"). Each
// form answers in key order, whatever order the rows were written in.
TEST(SqlCompiler, RootStatementsReadTheScanInStorageOrderUnlessAPageStopsEarly) {
  std::vector<std::string> lines;
  for (int i = 0; i < 300; ++i) {
    // Written in an order unlike the keys' (the multiplier is coprime to 300).
    int n = (i * 7) % 300;
    lines.push_back(R"({"type":"Connector","id":"/subscriptions/c)" +
                    std::string(n < 10    ? "00"
                                : n < 100 ? "0"
                                          : "") +
                    std::to_string(n) + R"(","name":"n"})");
  }
  auto s = load(lines);
  auto plan_of = [&](const std::string& text) {
    CompiledQuery q = compile(text);
    auto plan = s.store->query_plan(q.statements.at(0));
    EXPECT_TRUE(plan.ok()) << (plan.ok() ? "" : posture::format(plan.errors()));
    std::string out;
    for (const auto& line : plan.ok() ? *plan : std::vector<std::string>{}) out += line + "\n";
    return out;
  };
  auto steps_of = [&](const std::string& text) {
    CompiledQuery q = compile(text);
    auto cursor = posture::store::Cursor::open(*s.store, q.statements.at(0), s.scan);
    EXPECT_TRUE(cursor.ok());
    std::vector<std::string> rows;
    while (cursor->next().value()) rows.emplace_back(cursor->text(0));
    return std::make_pair(rows, cursor->steps());
  };

  const std::string all = "{ connectors(where: { name: \"n\" }) { id } }";
  std::string plan = plan_of(all);
  EXPECT_NE(plan.find("SEARCH t0 USING INTEGER PRIMARY KEY"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("connector_scan_key"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  auto [rows, all_steps] = steps_of(all);
  ASSERT_EQ(rows.size(), 300u);
  EXPECT_FALSE(std::is_sorted(rows.begin(), rows.end())) << "the statement reads in storage order";
  json response = json::parse(run_root(all, s));
  std::vector<std::string> ids;
  for (const auto& c : response["data"]["connectors"]) ids.push_back(c["id"]);
  ASSERT_EQ(ids.size(), 300u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << ids.front() << " ... " << ids.back();
  EXPECT_EQ(ids.front(), "/subscriptions/c000");

  const std::string page = "{ connectors(limit: 2, offset: 3) { id } }";
  plan = plan_of(page);
  EXPECT_NE(plan.find("USING INDEX connector_scan_key"), std::string::npos) << plan;
  auto [paged, page_steps] = steps_of(page);
  EXPECT_EQ(paged, (std::vector<std::string>{"/subscriptions/c003", "/subscriptions/c004"}));
  EXPECT_EQ(run_root(page, s), R"({"data":{"connectors":[{"id":"/subscriptions/c003"},)"
                               R"({"id":"/subscriptions/c004"}]}})"
                               "\n");
  EXPECT_LT(page_steps * 10, all_steps) << "the page stops after its rows";
  // A filtered page might walk the whole index to fill itself: the range.
  plan = plan_of("{ connectors(where: { name: \"n\" }, limit: 2) { id } }");
  EXPECT_NE(plan.find("SEARCH t0 USING INTEGER PRIMARY KEY"), std::string::npos) << plan;

  plan = plan_of("{ connectorsAggregate { count } }");
  EXPECT_NE(plan.find("COVERING INDEX connector_scan"), std::string::npos) << plan;
  plan = plan_of("{ connectorsAggregate(where: { name: \"n\" }) { count } }");
  EXPECT_NE(plan.find("SEARCH t0 USING INTEGER PRIMARY KEY"), std::string::npos) << plan;
}

// A check costs the same whatever other scans the store holds: the statement
// reads the scan's rows of the root table and of every related table (rowid
// ranges), not the other scans' rows. Measured in SQLite virtual machine
// steps, which count every row a statement visits, subqueries included.
TEST(SqlCompiler, OtherScansInTheStoreAddNoWork) {
  const auto& schema = posture::schema::builtin();
  auto connectors = [&](const std::string& prefix, int n) {
    std::vector<Object> out;
    for (int i = 0; i < n; ++i) {
      json contact = {{"email", i % 3 ? "soc@example.com" : ""}, {"phone", "1"}};
      json c = {{"type", "Connector"},
                {"id", "/subscriptions/" + prefix + std::to_string(i)},
                {"securityContacts", i % 5 ? json::array({contact}) : json::array()}};
      out.push_back(posture::reference::object_from_json(c, schema));
    }
    return out;
  };
  auto loaded = posture::reference::load_store(connectors("a", 60), schema);
  ASSERT_TRUE(loaded.ok()) << posture::format(loaded.errors());
  const posture::reference::LoadedStore& s = *loaded;
  // The ids and the steps of the check's statement on the first scan.
  auto run = [&](const std::string& where) {
    CompiledQuery q = compile("{ connectors(where: " + where + ") { id } }");
    const auto& root = q.optimised.roots.at(0);
    posture::sql::Statement st = posture::sql::compile_matches(*root.type, root.where);
    auto cursor = posture::store::Cursor::open(*s.store, st, s.scan);
    EXPECT_TRUE(cursor.ok());
    std::vector<std::string> ids;
    while (cursor->next().value()) ids.emplace_back(cursor->text(0));
    int steps = static_cast<int>(cursor->steps());  // the statement's work, counted
    return std::make_pair(ids, steps);
  };
  const std::vector<std::string> checks{
      "{ securityContacts_SOME: { email: \"\" } }", "{ securityContacts_NONE: { phone: \"1\" } }",
      "{ securityContacts_ALL: { email_NOT: \"\" } }",
      "{ securityContacts_SINGLE: { phone: \"1\" } }",
      "{ OR: [{ securityContacts_SOME: null }, { securityContacts_SOME: { email: \"\" } }] }"};
  std::vector<std::pair<std::vector<std::string>, int>> alone;
  for (const auto& where : checks) alone.push_back(run(where));

  // Five more scans, each much larger than the first.
  for (int scan = 0; scan < 5; ++scan) {
    auto writer = posture::store::ScanWriter::begin(*s.store, "more");
    ASSERT_TRUE(writer.ok());
    for (const auto& o : connectors("s" + std::to_string(scan) + "-", 400))
      ASSERT_TRUE(posture::reference::detail::write_object(*writer, schema, o, nullptr, "").ok());
    ASSERT_TRUE(writer->commit().ok());
  }
  for (size_t i = 0; i < checks.size(); ++i) {
    SCOPED_TRACE(checks[i]);
    auto [ids, steps] = run(checks[i]);
    EXPECT_FALSE(ids.empty());
    EXPECT_EQ(ids, alone[i].first);
    // 2,000 more contacts would cost tens of thousands of steps if visited.
    EXPECT_LE(steps, alone[i].second + alone[i].second / 5 + 50)
        << "alone: " << alone[i].second << " steps";
  }
}

}  // namespace

namespace {

// Every table reference of `sql` (PostgreSQL dialect): FROM "<table>" AS <alias>
// is filtered on <alias>."_tenant" = $2 or joined on the tenant of another
// alias; FROM "<table>" WHERE (a scan's bounds) starts with "_tenant" = $2.
void expect_one_tenant(const std::string& sql) {
  static const std::regex aliased(R"re(FROM "[a-z0-9_]+" AS (t[0-9]+|s|c|o))re");
  static const std::regex bare(R"re(FROM "[a-z0-9_]+" WHERE ([^ ]+ [^ ]+ [^ ]+))re");
  int tables = 0;
  for (auto it = std::sregex_iterator(sql.begin(), sql.end(), aliased);
       it != std::sregex_iterator(); ++it, ++tables) {
    std::string alias = (*it)[1].str();
    std::string filtered = alias + ".\"_tenant\" = $2";
    std::regex joined(alias + R"re(\."_tenant" = [a-z0-9_]+\."_tenant")re");
    EXPECT_TRUE(sql.find(filtered) != std::string::npos || std::regex_search(sql, joined))
        << alias << " is read without its tenant:\n"
        << sql;
  }
  for (auto it = std::sregex_iterator(sql.begin(), sql.end(), bare); it != std::sregex_iterator();
       ++it, ++tables)
    EXPECT_EQ((*it)[1].str(), "\"_tenant\" = $2") << sql;
  EXPECT_GT(tables, 0);
  // A quantifier's set is matched on (tenant, row).
  if (sql.find(" IN (SELECT ") != std::string::npos) {
    EXPECT_NE(sql.find(".\"_tenant\", "), std::string::npos) << sql;
  }
}

}  // namespace

// docs/scaling.md: on PostgreSQL every statement of every stored check reads
// one tenant: each table filtered on _tenant = $2 (the scan's tenant) or
// joined on _tenant, each quantifier a semi-join on (_tenant, row). SQLite's
// statements (the golden files) have no tenant: its scan ids name the rows.
TEST(SqlCompiler, PostgresqlStatementsReadOneTenant) {
  auto catalog =
      posture::checks::Catalog::load((fs::path(POSTURE_SOURCE_DIR) / "queries").string());
  ASSERT_TRUE(catalog.ok()) << posture::format(catalog.errors());
  const auto& pg = posture::sql::postgresql_dialect();
  for (const auto& check : catalog->checks()) {
    SCOPED_TRACE(check.file);
    for (const auto& root : check.query.optimised.roots) {
      expect_one_tenant(posture::sql::compile_root(root, pg).sql);
      expect_one_tenant(posture::sql::compile_matches(*root.type, root.where, pg).sql);
      EXPECT_EQ(posture::sql::compile_root(root).sql.find("_tenant"), std::string::npos);
    }
  }
  CompiledQuery q = compile(
      "{ connectors(where: { securityContacts_SINGLE: { emails_INCLUDES: \"x\" }, "
      "securityContactsAggregate: { count_LT: 3 } }) { id securityContacts { email } "
      "securityContactsAggregate { count } } }");
  for (const auto& root : q.optimised.roots)
    expect_one_tenant(posture::sql::compile_root(root, pg).sql);
}

// On PostgreSQL SOME, NONE and ALL are written as [NOT] EXISTS correlated on
// the link and the tenant (the planner's hash semi- and anti-joins), SQLite
// keeps [NOT] IN an uncorrelated set; SINGLE is a grouped set on both. The
// differential tests hold the two forms to the same rows.
TEST(SqlCompiler, PostgresqlQuantifiersAreExists) {
  const auto& pg = posture::sql::postgresql_dialect();
  auto root_sql = [&](const std::string& text, bool postgresql) {
    CompiledQuery q = compile(text);
    if (q.optimised.roots.empty()) return std::string();
    return postgresql ? posture::sql::compile_root(q.optimised.roots.front(), pg).sql
                      : posture::sql::compile_root(q.optimised.roots.front()).sql;
  };
  const std::string link = "\"_has_security_contact_rid\" = t0.\"_rid\" AND ";
  for (const char* q : {"_SOME", "_NONE", "_ALL"}) {
    std::string text = std::string("{ connectors(where: { securityContacts") + q +
                       ": { email: \"a@b.c\" } }) { id } }";
    SCOPED_TRACE(text);
    std::string sql = root_sql(text, true);
    EXPECT_NE(sql.find("EXISTS (SELECT 1 FROM \"security_contact\" AS "), std::string::npos) << sql;
    EXPECT_NE(sql.find(link), std::string::npos) << sql;
    EXPECT_EQ(sql.find(" IN (SELECT "), std::string::npos) << sql;
    // SQLite: a row set, computed once (store/statement.hpp).
    std::string lite = root_sql(text, false);
    EXPECT_EQ(lite.find("EXISTS"), std::string::npos) << lite;
    EXPECT_NE(lite.find("posture_in(:set1, t0.\"_rid\")"), std::string::npos) << lite;
  }
  std::string single =
      root_sql("{ connectors(where: { securityContacts_SINGLE: { email: \"a\" } }) { id } }", true);
  EXPECT_EQ(single.find("EXISTS"), std::string::npos) << single;
  EXPECT_NE(single.find("HAVING count(*) = 1"), std::string::npos) << single;
  // A link held in the owner's row (@ref(shared: true)): correlated on the target's row.
  std::string shared = root_sql(
      "{ networkInterfaces(where: { securityGroups_ALL: { name: \"g\" } }) { id } }", true);
  EXPECT_NE(shared.find("NOT EXISTS (SELECT 1 FROM \"security_group\" AS "), std::string::npos)
      << shared;
  EXPECT_EQ(shared.find(" IN (SELECT "), std::string::npos) << shared;
}
