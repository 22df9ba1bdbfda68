// Unit tests of the sql stage (engine/sql/compiler.hpp): every value is bound
// as a parameter (no literal text reaches the SQL, even hostile strings), the
// parameters are numbered and complete, identifiers come from the schema,
// compilation is deterministic, every compiled predicate is two-valued (never
// NULL, even on rows of NULLs), and root statements apply where, sort, limit,
// offset and aggregates.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/cursor.hpp"
#include "engine/exec/engine.hpp"
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

// The scan is the named parameter :scan; the literals are :p1..:pn,
// params[0..]; every parameter is used and none is missing.
void expect_parameters_complete(const posture::sql::Statement& s) {
  EXPECT_EQ(s.scan, ":scan");
  EXPECT_NE(s.sql.find(":scan"), std::string::npos) << s.sql;
  std::set<int> want;
  for (size_t i = 1; i <= s.params.size(); ++i) want.insert(static_cast<int>(i));
  EXPECT_EQ(placeholders(s.sql), want) << s.sql;
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
    objects.push_back(posture::reference::object_from_json(json::parse(line),
                                                           posture::schema::builtin()));
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
        EXPECT_EQ(s.sql.find(h), std::string::npos) << s.sql;
        EXPECT_EQ(s.sql.find("DROP"), std::string::npos) << s.sql;
        EXPECT_EQ(s.sql.find("UNION"), std::string::npos) << s.sql;
        EXPECT_EQ(s.sql.find("1=1"), std::string::npos) << s.sql;
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
  const std::string& sql = q.statements[0].sql;
  EXPECT_NE(sql.find("\"connector\""), std::string::npos) << sql;
  EXPECT_NE(sql.find("\"security_contact\""), std::string::npos) << sql;
  EXPECT_NE(sql.find("\"email\""), std::string::npos) << sql;
}

TEST(SqlCompiler, CompilationIsDeterministic) {
  const char* text =
      "{ connectors(where: { OR: [{ name_IN: [\"a\", \"b\", null] }, { securityContacts: { single: "
      "{ emails_INCLUDES: \"x\" } } }], securityContactsAggregate: { count_LT: 3 } }) { id } }";
  CompiledQuery a = compile(text), b = compile(text);
  ASSERT_FALSE(a.statements.empty());
  EXPECT_EQ(a.statements[0].sql, b.statements[0].sql);
  EXPECT_EQ(a.statements[0].params, b.statements[0].params);
  expect_parameters_complete(a.statements[0]);
}

// --- two-valued logic ---------------------------------------------------------------

// Filters over every field kind whose compiled expression must never be NULL
// on rows full of NULLs, missing lists, empty lists and absent children.
const std::vector<std::string> kContactFilters{
    "email: \"a\"",
    "email_NOT: \"a\"",
    "email_IN: [\"a\"]",
    "email_NOT_IN: [\"a\", null]",
    "email_CONTAINS: \"a\"",
    "email_NOT_CONTAINS: \"a\"",
    "email_STARTS_WITH: \"a\"",
    "email_NOT_ENDS_WITH: \"a\"",
    "email_MATCHES: \"a.*\"",
    "email_LT: \"a\"",
    "email_GTE: \"a\"",
    "emails_INCLUDES: \"a\"",
    "emails_NOT_INCLUDES: \"a\"",
    "emails: []",
    "emails_NOT: [\"a\"]",
    "isEnabled: true",
    "isEnabled_NOT: false",
    "isEnabled_IN: [true, null]",
    "email: { caseInsensitive: { eq: \"A\", matches: \"A.*\", lt: \"b\" } }",
    "notificationRoles: { caseInsensitive: { includes: \"owner\" } }",
    "NOT: { OR: [{ email: \"a\" }, { phone_CONTAINS: \"1\" }] }"};

TEST(SqlCompiler, EveryPredicateIsTwoValued) {
  auto s =
      load({R"({"type":"Connector","id":"c1","securityContacts":[{},{"email":"a","emails":[]}]})",
            R"({"type":"Connector","id":"c2"})"});
  auto check = [&](const posture::ir::RootField& root, const std::string& table) {
    posture::sql::Statement expr = posture::sql::compile_predicate(*root.type, root.where, "t0");
    posture::sql::Statement probe{"SELECT count(*) FROM \"" + table +
                                      "\" AS t0 WHERE t0._scan = :scan AND (" + expr.sql + ") IS NULL",
                                  expr.params, ":scan"};
    auto cursor = posture::store::Cursor::open(*s.store, probe, s.scan);
    ASSERT_TRUE(cursor.ok()) << posture::format(cursor.errors()) << "\n" << probe.sql;
    ASSERT_TRUE(cursor->next().value());
    EXPECT_EQ(cursor->text(0), "0") << "NULL for some row: " << expr.sql;
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
