// The reasons of failing findings (engine/checks/reasons.hpp), derived from the
// filter IR: for every predicate kind (each comparison operator, is-null,
// AND/OR/NOT, each quantifier, counts, nested relationships) the sentence and
// the evidence, on small inventories in an in-memory store.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "engine/checks/reasons.hpp"
#include "engine/exec/engine.hpp"
#include "engine/sql/statements.hpp"
#include "tests/reference/inventory.hpp"

namespace posture {
namespace {

using checks::Reason;

// Explains `query`'s first root filter for every object of its root type in
// `inventory` (JSON lines); only objects the filter selects, by id.
std::map<std::string, Reason> explain(const std::vector<std::string>& inventory,
                                      const std::string& query,
                                      const schema::Schema& schema = schema::builtin()) {
  std::vector<reference::Object> objects;
  for (const auto& line : inventory)
    objects.push_back(reference::object_from_json(nlohmann::json::parse(line), schema));
  auto loaded = reference::load_store(objects, schema);
  EXPECT_TRUE(loaded) << format(loaded.errors());
  auto compiled = exec::Engine(schema).compile(query);
  EXPECT_TRUE(compiled) << format(compiled.errors());
  const ir::RootField& root = compiled->analysed.roots.front();
  auto cursor = store::Cursor::open(
      *loaded->store,
      sql::subjects(*root.type, {sql::Column::Rid, sql::Column::Id}, {}, sql::RowOrder::Store),
      loaded->scan);
  EXPECT_TRUE(cursor);
  std::vector<int64_t> rids;
  std::vector<std::string> ids;
  while (*cursor->next()) {
    rids.push_back(cursor->integer(0));
    ids.emplace_back(cursor->text(1));
  }
  auto explained = checks::Explainer(*loaded->store, *root.type, root.where).explain(rids);
  EXPECT_TRUE(explained) << format(explained.errors());
  std::map<std::string, Reason> out;
  for (size_t i = 0; i < ids.size(); ++i)
    if (explained->holds[i]) out[ids[i]] = explained->reasons[i];
  return out;
}

std::string text_of(const std::map<std::string, Reason>& reasons, const std::string& id) {
  auto it = reasons.find(id);
  return it == reasons.end() ? "(not selected)" : it->second.text;
}

const std::vector<std::string> kContacts = {
    R"({"type":"Connector","id":"c1","state":"Enabled","securityContacts":[{"name":"default","email":"","notificationRoles":["AccountAdmin"],"alertNotifications":false}]})",
    R"({"type":"Connector","id":"c2","state":"Disabled"})",
    R"({"type":"Connector","id":"c3","state":"Warned","securityContacts":[{"name":"default1","email":"a@x","phone":"1","alertNotifications":true},{"name":"default2","email":"b@x","alertNotifications":true}]})",
};

TEST(Reasons, CompareEqShowsTheValue) {
  auto r =
      explain(kContacts,
              R"({ connectors(where: { securityContacts_SOME: { email: { eq: "" } } }) { id } })");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(text_of(r, "c1"), R"(securityContacts[default].email = "")");
  ASSERT_EQ(r["c1"].evidence.size(), 1u);
  const auto& e = r["c1"].evidence[0];
  EXPECT_EQ(e.path, "securityContacts[default].email");
  EXPECT_EQ(e.op, "eq");
  EXPECT_EQ(e.expected, R"("")");
  EXPECT_EQ(e.actual, R"("")");
  EXPECT_TRUE(e.holds);
}

TEST(Reasons, NoRelatedRecord) {
  auto r = explain(
      kContacts,
      R"({ connectors(where: { NOT: { securityContacts_SOME: { email: "a@x" } } }) { id } })");
  EXPECT_EQ(text_of(r, "c2"), "no security contact");
  EXPECT_EQ(r["c2"].evidence.at(0).op, "some");
  EXPECT_EQ(r["c2"].evidence.at(0).actual, "0");
  EXPECT_FALSE(r["c2"].evidence.at(0).holds);
  // c1's only contact violates it: its value is shown.
  EXPECT_EQ(text_of(r, "c1"), R"(securityContacts[default].email = "", not "a@x")");
  EXPECT_EQ(text_of(r, "c3"), "(not selected)");
}

TEST(Reasons, IncludesNegated) {
  auto r = explain(kContacts, R"({ connectors(where: { NOT: { securityContacts_SOME: {
      notificationRoles_INCLUDES: "Owner" } } }) { id } })");
  EXPECT_EQ(
      text_of(r, "c1"),
      R"(securityContacts[default].notificationRoles = ["AccountAdmin"] does not include "Owner")");
  EXPECT_EQ(text_of(r, "c3"),
            "securityContacts[default1].notificationRoles is missing; "
            "securityContacts[default2].notificationRoles is missing");
  EXPECT_EQ(r["c1"].evidence.at(0).op, "includes");
  EXPECT_FALSE(r["c1"].evidence.at(0).holds);
}

// Lists and texts with something to escape, or not in compact JSON, are
// read and shown as those without: the evidence is always JSON text.
TEST(Reasons, ListsAndTextsThatNeedEscaping) {
  const std::vector<std::string> inventory = {
      R"({"type":"Connector","id":"e1","state":"a\"b\u00e9","securityContacts":[{"name":"default","notificationRoles":["Ow\"ner","Owner"]}]})",
      R"({"type":"Connector","id":"e2","state":"tab\there","securityContacts":[{"name":"default","notificationRoles":["Own\u00e9r","x"]}]})",
      R"({"type":"Connector","id":"e3","state":"plain","securityContacts":[{"name":"default","notificationRoles":[]}]})",
  };
  auto r = explain(inventory, R"({ connectors(where: { securityContacts_SOME: {
      notificationRoles: { caseInsensitive: { includes: "owner" } } } }) { id } })");
  EXPECT_EQ(
      text_of(r, "e1"),
      R"(securityContacts[default].notificationRoles = ["Ow\"ner","Owner"] includes "owner" (ignoring case))");
  EXPECT_EQ(text_of(r, "e2"), "(not selected)");
  r = explain(inventory, R"({ connectors(where: { NOT: { securityContacts_SOME: {
      notificationRoles_INCLUDES: "Owner" } } }) { id } })");
  EXPECT_EQ(text_of(r, "e1"), "(not selected)");
  EXPECT_EQ(r["e2"].evidence.at(0).actual, "[\"Own\xC3\xA9r\",\"x\"]");
  EXPECT_EQ(r["e3"].evidence.at(0).actual, "[]");
  r = explain(inventory,
              R"({ connectors(where: { state_IN: ["a\"b\u00e9", "tab\there"] }) { id } })");
  EXPECT_EQ(r["e1"].evidence.at(0).actual, "\"a\\\"b\xC3\xA9\"");
  EXPECT_EQ(r["e2"].evidence.at(0).actual, "\"tab\\there\"");
}

TEST(Reasons, InAndNotIn) {
  auto r =
      explain(kContacts, R"({ connectors(where: { state_IN: ["Disabled", "Warned"] }) { id } })");
  EXPECT_EQ(text_of(r, "c2"), R"(state = "Disabled")");
  EXPECT_EQ(r["c2"].evidence.at(0).expected, R"(["Disabled", "Warned"])");
  r = explain(kContacts,
              R"({ connectors(where: { state_NOT_IN: ["Disabled", "Warned"] }) { id } })");
  EXPECT_EQ(text_of(r, "c1"), R"(state = "Enabled", not one of ["Disabled", "Warned"])");
}

TEST(Reasons, IsNullBothWays) {
  auto r = explain(kContacts,
                   R"({ connectors(where: { securityContacts_SOME: { phone: null } }) { id } })");
  EXPECT_EQ(text_of(r, "c1"), "securityContacts[default].phone is missing");
  EXPECT_EQ(text_of(r, "c3"), "securityContacts[default2].phone is missing");
  r = explain(kContacts,
              R"({ connectors(where: { securityContacts_SOME: { phone_NOT: null } }) { id } })");
  EXPECT_EQ(text_of(r, "c3"), R"(securityContacts[default1].phone = "1")");
  EXPECT_EQ(r["c3"].evidence.at(0).op, "is_null");
  EXPECT_FALSE(r["c3"].evidence.at(0).holds);
}

TEST(Reasons, OrListsEveryBranchThatHeld) {
  auto r = explain(kContacts, R"({ connectors(where: { OR: [
      { securityContacts_SOME: null }
      { securityContacts_SOME: { email: null } }
      { securityContacts_SOME: { email: { eq: "" } } }
      { securityContacts_SOME: { alertNotifications: false } } ] }) { id } })");
  EXPECT_EQ(text_of(r, "c2"), "no security contact");
  EXPECT_EQ(
      text_of(r, "c1"),
      R"(securityContacts[default].email = ""; securityContacts[default].alertNotifications = false)");
  EXPECT_EQ(r["c1"].evidence.size(), 2u);
}

TEST(Reasons, NotAndNamesTheFailingParts) {
  auto r = explain(kContacts, R"({ connectors(where: { NOT: { securityContacts_SOME: {
      email_NOT_IN: [null, ""], phone_NOT_IN: [null, ""], alertNotifications: true } } }) { id } })");
  EXPECT_EQ(text_of(r, "c1"),
            R"(securityContacts[default].email = ""; securityContacts[default].phone is missing; )"
            R"(securityContacts[default].alertNotifications = false, not true)");
  EXPECT_EQ(text_of(r, "c3"), "(not selected)");  // default1 has all three
}

TEST(Reasons, Quantifiers) {
  auto r = explain(
      kContacts,
      R"({ connectors(where: { securityContacts_ALL: { email_ENDS_WITH: "@x" } }) { id } })");
  EXPECT_EQ(text_of(r, "c3"), R"(securityContacts[default1].email = "a@x" ends with "@x"; )"
                              R"(securityContacts[default2].email = "b@x" ends with "@x")");
  r = explain(
      kContacts,
      R"({ connectors(where: { NOT: { securityContacts_ALL: { email_ENDS_WITH: "@x" } } }) { id } })");
  EXPECT_EQ(text_of(r, "c1"), R"(securityContacts[default].email = "" does not end with "@x")");
  EXPECT_EQ(text_of(r, "c2"), "no security contact");
  r = explain(
      kContacts,
      R"({ connectors(where: { securityContacts_NONE: { alertNotifications: true } }) { id } })");
  EXPECT_EQ(text_of(r, "c1"), "securityContacts[default].alertNotifications = false, not true");
  EXPECT_EQ(text_of(r, "c2"), "no security contact");
  r = explain(
      kContacts,
      R"({ connectors(where: { securityContacts_SINGLE: { email_STARTS_WITH: "a" } }) { id } })");
  EXPECT_EQ(text_of(r, "c3"), R"(securityContacts[default1].email = "a@x" starts with "a")");
  r = explain(kContacts, R"({ connectors(where: { NOT: { securityContacts_SINGLE: {
      alertNotifications: true } } }) { id } })");
  EXPECT_EQ(text_of(r, "c3"),
            "2 security contacts match, not exactly one; "
            "securityContacts[default1].alertNotifications = true; "
            "securityContacts[default2].alertNotifications = true");
  r = explain(kContacts, R"({ connectors(where: { securityContacts_SOME: {} }) { id } })");
  EXPECT_EQ(text_of(r, "c3"), "count(securityContacts) = 2");
}

TEST(Reasons, Counts) {
  auto r = explain(
      kContacts, R"({ connectors(where: { securityContactsAggregate: { count_GT: 1 } }) { id } })");
  EXPECT_EQ(text_of(r, "c3"), "count(securityContacts) = 2 > 1");
  EXPECT_EQ(r["c3"].evidence.at(0).op, "count_gt");
  EXPECT_EQ(r["c3"].evidence.at(0).expected, "1");
  EXPECT_EQ(r["c3"].evidence.at(0).actual, "2");
  r = explain(
      kContacts,
      R"({ connectors(where: { NOT: { securityContactsAggregate: { count_GTE: 2 } } }) { id } })");
  EXPECT_EQ(text_of(r, "c1"), "count(securityContacts) = 1, not >= 2");
  EXPECT_EQ(text_of(r, "c2"), "no security contact");
}

TEST(Reasons, TextOperatorsAndCase) {
  auto r = explain(kContacts, R"({ connectors(where: { securityContacts_SOME: {
      email: { caseInsensitive: { eq: "A@X" } } } }) { id } })");
  EXPECT_EQ(text_of(r, "c3"), R"(securityContacts[default1].email = "a@x")");
  r = explain(kContacts, R"({ connectors(where: { state_MATCHES: "W.*" }) { id } })");
  EXPECT_EQ(text_of(r, "c3"), R"(state = "Warned" matches "W.*")");
  r = explain(kContacts, R"({ connectors(where: { state_NOT_CONTAINS: "abl" }) { id } })");
  EXPECT_EQ(text_of(r, "c3"), R"(state = "Warned" does not contain "abl")");
  EXPECT_EQ(text_of(r, "c1"), "(not selected)");
}

TEST(Reasons, NumbersAndNestedRelationships) {
  const auto& schema = reference::test_schema();
  std::vector<std::string> accounts = {
      R"({"type":"Account","id":"a1","score":3,"ratio":0.5,"members":[{"id":"m1","name":"bob","devices":[{"id":"d1","name":"laptop","patched":false},{"id":"d2","name":"phone","patched":true}]}]})",
      R"({"type":"Account","id":"a2","score":7,"members":[]})",
  };
  auto r = explain(accounts, R"({ accounts(where: { score_LT: 5 }) { id } })", schema);
  EXPECT_EQ(text_of(r, "a1"), "score = 3 < 5");
  r = explain(accounts, R"({ accounts(where: { NOT: { score_LTE: 5 } }) { id } })", schema);
  EXPECT_EQ(text_of(r, "a2"), "score = 7, not <= 5");
  r = explain(accounts, R"({ accounts(where: { ratio_GTE: 0.25 }) { id } })", schema);
  EXPECT_EQ(text_of(r, "a1"), "ratio = 0.5 >= 0.25");
  r = explain(accounts, R"({ accounts(where: { NOT: { ratio_GT: 0.25 } }) { id } })", schema);
  EXPECT_EQ(text_of(r, "a2"), "ratio is missing");
  r = explain(
      accounts,
      R"({ accounts(where: { members_SOME: { devices_SOME: { patched: false } } }) { id } })",
      schema);
  EXPECT_EQ(text_of(r, "a1"), "members[bob].devices[laptop].patched = false");
  EXPECT_EQ(r["a1"].evidence.at(0).path, "members[bob].devices[laptop].patched");
}

TEST(Reasons, FilterWithoutComparisonGetsTheNeutralReason) {
  auto r = explain(kContacts, R"({ connectors { id } })");
  EXPECT_EQ(r.size(), 3u);
  EXPECT_EQ(text_of(r, "c1"), checks::kNeutralReason);
  EXPECT_TRUE(r["c1"].evidence.empty());
}

// Several filters explained by one Explainer (the checks of one subject type,
// each failing subject read once for all) give each filter's reasons as it
// alone does: filters on different fields and relationships, nested ones,
// each with its own subjects, in its own order, repeated and missing ones.
TEST(Reasons, SeveralFiltersAtOnceExplainAsEachAlone) {
  const auto& schema = reference::test_schema();
  std::vector<reference::Object> objects;
  for (int i = 0; i < 40; ++i) {
    std::string id = "a" + std::to_string(i);
    nlohmann::json account = {{"type", "Account"}, {"id", id}, {"score", i % 9}};
    if (i % 3) account["ratio"] = i / 10.0;
    account["members"] = nlohmann::json::array();
    for (int m = 0; m < i % 4; ++m)
      account["members"].push_back(
          {{"id", id + "m" + std::to_string(m)},
           {"name", "n" + std::to_string((i + m) % 5)},
           {"devices", {{{"id", id + "d" + std::to_string(m)}, {"patched", (i + m) % 2 == 0}}}}});
    objects.push_back(reference::object_from_json(account, schema));
  }
  auto loaded = reference::load_store(objects, schema);
  ASSERT_TRUE(loaded) << format(loaded.errors());
  const std::vector<std::string> queries = {
      R"({ accounts(where: { score_LT: 5 }) { id } })",
      R"({ accounts(where: { OR: [{ ratio: null }, { members_SOME: { name_IN: ["n1", "n3"] } }] }) { id } })",
      R"({ accounts(where: { members_ALL: { devices_SOME: { patched: false } } }) { id } })",
      R"({ accounts(where: { NOT: { membersAggregate: { count_GT: 1 } } }) { id } })",
  };
  std::vector<exec::CompiledQuery> compiled;
  std::vector<const ir::Predicate*> wheres;
  for (const auto& q : queries) {
    auto c = exec::Engine(schema).compile(q);
    ASSERT_TRUE(c) << format(c.errors());
    compiled.push_back(std::move(c).value());
  }
  for (const auto& c : compiled) wheres.push_back(&c.analysed.roots.front().where);
  const schema::ObjectType& type = *compiled.front().analysed.roots.front().type;
  std::vector<int64_t> all;
  auto cursor = store::Cursor::open(
      *loaded->store, sql::subjects(type, {sql::Column::Rid}, {}, sql::RowOrder::Store),
      loaded->scan);
  ASSERT_TRUE(cursor);
  while (*cursor->next()) all.push_back(cursor->integer(0));
  ASSERT_EQ(all.size(), 40u);
  // Filter k explains every (k + 1)-th subject, from the last down; the
  // first filter also a repeated subject and one that does not exist.
  std::vector<std::vector<int64_t>> rids(wheres.size());
  for (size_t k = 0; k < wheres.size(); ++k)
    for (size_t i = all.size(); i-- > 0;)
      if (i % (k + 1) == 0) rids[k].push_back(all[i]);
  rids[0].push_back(all[3]);
  rids[0].push_back(all.back() + 1000);
  auto together = checks::Explainer(*loaded->store, type, wheres).explain(rids);
  ASSERT_TRUE(together) << format(together.errors());
  ASSERT_EQ(together->size(), wheres.size());
  size_t held = 0;
  for (size_t k = 0; k < wheres.size(); ++k) {
    SCOPED_TRACE(queries[k]);
    auto alone = checks::Explainer(*loaded->store, type, *wheres[k]).explain(rids[k]);
    ASSERT_TRUE(alone) << format(alone.errors());
    const auto& t = (*together)[k];
    ASSERT_EQ(t.reasons.size(), rids[k].size());
    EXPECT_EQ(t.holds, alone->holds);
    for (size_t i = 0; i < rids[k].size(); ++i) {
      EXPECT_EQ(t.reasons[i].text, alone->reasons[i].text) << i;
      ASSERT_EQ(t.reasons[i].evidence.size(), alone->reasons[i].evidence.size()) << i;
      for (size_t e = 0; e < t.reasons[i].evidence.size(); ++e) {
        EXPECT_EQ(t.reasons[i].evidence[e].path, alone->reasons[i].evidence[e].path);
        EXPECT_EQ(t.reasons[i].evidence[e].actual, alone->reasons[i].evidence[e].actual);
        EXPECT_EQ(t.reasons[i].evidence[e].holds, alone->reasons[i].evidence[e].holds);
      }
      held += t.holds[i] ? 1 : 0;
    }
  }
  // Each filter holds for some of its subjects and the missing one is neutral.
  EXPECT_GT(held, 20u);
  EXPECT_FALSE((*together)[0].holds.back());
  EXPECT_EQ((*together)[0].reasons.back().text, checks::kNeutralReason);

  // Given one at a time: each reason once, the same, in ascending rowid
  // order for each filter; an error from the visitor stops the explanation.
  std::vector<std::vector<bool>> seen(wheres.size());
  for (size_t k = 0; k < wheres.size(); ++k) seen[k].assign(rids[k].size(), false);
  std::vector<int64_t> last(wheres.size(), 0);
  size_t visits = 0;
  auto streamed = checks::Explainer(*loaded->store, type, wheres)
                      .explain(rids, [&](size_t k, size_t i, bool holds, checks::Reason& reason) {
                        EXPECT_FALSE(seen[k][i]) << k << " " << i;
                        seen[k][i] = true;
                        EXPECT_GE(rids[k][i], last[k]) << k << " " << i;
                        last[k] = rids[k][i];
                        EXPECT_EQ(holds, (*together)[k].holds[i]) << k << " " << i;
                        EXPECT_EQ(reason.text, (*together)[k].reasons[i].text) << k << " " << i;
                        ++visits;
                        return ok_status();
                      });
  ASSERT_TRUE(streamed.ok()) << format(streamed.errors());
  for (size_t k = 0; k < wheres.size(); ++k)
    EXPECT_EQ(std::count(seen[k].begin(), seen[k].end(), true), rids[k].size()) << k;
  size_t calls = 0;
  auto stopped =
      checks::Explainer(*loaded->store, type, wheres)
          .explain(rids, [&](size_t, size_t, bool, checks::Reason&) -> Status {
            return ++calls == 3 ? Status(Diagnostic::error("io", "disk full")) : ok_status();
          });
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.errors().front().message, "disk full");
  EXPECT_EQ(calls, 3u);
  EXPECT_GT(visits, calls);
}

// Reason files written apart (by workers, each a share of a check's
// findings) and joined read back as one, in the order of their parts, an
// empty part included; the parts' files are taken over, not copied.
TEST(ReasonFileTest, JoinedPartsReadAsOneFile) {
  std::vector<std::shared_ptr<checks::ReasonFile>> parts;
  uint32_t index = 0;
  for (size_t part : {size_t{3}, size_t{0}, size_t{2000}, size_t{1}}) {
    auto file = checks::ReasonFile::create();
    ASSERT_TRUE(file.ok()) << format(file.errors());
    for (size_t i = 0; i < part; ++i, ++index)
      ASSERT_TRUE((*file)->append(index, Reason{"r" + std::to_string(index), {}}).ok());
    ASSERT_TRUE((*file)->finish().ok());
    parts.push_back(std::move(file).value());
  }
  auto joined = checks::ReasonFile::join(std::move(parts));
  EXPECT_EQ(joined->size(), index);
  checks::ReasonFile::Reader reader(*joined);
  uint32_t got = 0, expected = 0;
  Reason reason;
  while (true) {
    auto more = reader.next(got, reason);
    ASSERT_TRUE(more.ok()) << format(more.errors());
    if (!*more) break;
    EXPECT_EQ(got, expected);
    EXPECT_EQ(reason.text, "r" + std::to_string(expected));
    ++expected;
  }
  EXPECT_EQ(expected, index);
  auto none = checks::ReasonFile::join({});
  auto end = checks::ReasonFile::Reader(*none).next(got, reason);
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
}

// The reasons a check's evaluation keeps for its report go to a temporary
// file and come back, in order, the same: empty and binary texts, records
// larger than the write and read buffers (64 KiB), and two readers that
// read independently, each from the start.
TEST(ReasonFileTest, ReasonsComeBackInOrderAsTheyWentIn) {
  auto file = checks::ReasonFile::create();
  ASSERT_TRUE(file.ok()) << format(file.errors());
  std::vector<std::pair<uint32_t, Reason>> written;
  for (uint32_t i = 0; i < 3000; ++i) {
    Reason r;
    r.text = i % 7 == 0 ? "" : "securityContacts[c" + std::to_string(i) + "].email = \"\"";
    for (uint32_t e = 0; e < i % 4; ++e)
      r.evidence.push_back({"path" + std::to_string(e), "eq", std::string("\0\xff", 2),
                            e % 2 ? "" : "\"x\"", e % 2 == 0});
    if (i == 1000) r.text.assign(200000, 'a');  // beyond both buffers
    written.emplace_back(i * 3 + 1, r);
    ASSERT_TRUE((*file)->append(i * 3 + 1, r).ok());
  }
  ASSERT_TRUE((*file)->finish().ok());
  EXPECT_EQ((*file)->size(), written.size());
  checks::ReasonFile::Reader first(**file), second(**file);
  uint32_t index = 0;
  Reason got;
  for (size_t k = 0; k < written.size(); ++k) {
    SCOPED_TRACE(k);
    auto more = first.next(index, got);
    ASSERT_TRUE(more.ok() && *more);
    EXPECT_EQ(index, written[k].first);
    EXPECT_EQ(got.text, written[k].second.text);
    ASSERT_EQ(got.evidence.size(), written[k].second.evidence.size());
    for (size_t e = 0; e < got.evidence.size(); ++e) {
      const auto& want = written[k].second.evidence[e];
      EXPECT_EQ(got.evidence[e].path, want.path);
      EXPECT_EQ(got.evidence[e].op, want.op);
      EXPECT_EQ(got.evidence[e].expected, want.expected);
      EXPECT_EQ(got.evidence[e].actual, want.actual);
      EXPECT_EQ(got.evidence[e].holds, want.holds);
    }
    if (k < 10) {  // the second reader, interleaved, from the start
      auto other = second.next(index, got);
      ASSERT_TRUE(other.ok() && *other);
      EXPECT_EQ(index, written[k].first);
    }
  }
  auto end = first.next(index, got);
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
}

// Reasons recur (a few dozen among a hundred thousand failing findings): a
// reason met again comes back as the one the file keeps, the same pointer
// for each of its findings, and a file keeps at most kKeptBytes of them;
// beyond that, reasons are written whole and come back as the reader's copy.
// Joined parts each name their own kept reasons.
TEST(ReasonFileTest, RecurringReasonsAreKeptOnceAndTheRestWrittenWhole) {
  auto reason = [](const std::string& text, const std::string& actual) {
    return Reason{text, {{"securityContacts[default].email", "eq", "\"\"", actual, true}}};
  };
  const Reason empty = reason("securityContacts[default].email = \"\"", "\"\"");
  const Reason missing = reason("no security contact", "null");
  std::vector<std::shared_ptr<checks::ReasonFile>> parts;
  std::vector<Reason> written;
  for (int part = 0; part < 2; ++part) {
    auto file = checks::ReasonFile::create();
    ASSERT_TRUE(file.ok()) << format(file.errors());
    // Distinct reasons of 1 KiB each, more than a file keeps, between recurring ones.
    for (uint32_t i = 0; i < 200; ++i) {
      Reason r = i % 3 == 0   ? empty
                 : i % 3 == 1 ? missing
                              : reason(std::string(1024, 'x') + std::to_string(i), "\"v\"");
      written.push_back(r);
      ASSERT_TRUE((*file)->append(static_cast<uint32_t>(written.size() - 1), r).ok());
    }
    ASSERT_TRUE((*file)->finish().ok());
    parts.push_back(std::move(file).value());
  }
  auto joined = checks::ReasonFile::join(std::move(parts));
  checks::ReasonFile::Reader reader(*joined);
  std::map<std::string, const Reason*> kept;  // part + text -> the pointer it came back as
  size_t copies = 0;
  for (size_t k = 0; k < written.size(); ++k) {
    SCOPED_TRACE(k);
    uint32_t index = 0;
    const Reason* got = nullptr;
    auto more = reader.next(index, got);
    ASSERT_TRUE(more.ok() && *more) << (more.ok() ? "" : format(more.errors()));
    EXPECT_EQ(index, k);
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->text, written[k].text);
    ASSERT_EQ(got->evidence.size(), 1u);
    EXPECT_EQ(got->evidence[0].actual, written[k].evidence[0].actual);
    const bool recurs = k % 200 % 3 != 2;
    if (recurs) {
      EXPECT_TRUE(reader.kept());
      auto [it, first] = kept.emplace(std::to_string(k / 200) + got->text, got);
      if (!first) {
        EXPECT_EQ(it->second, got) << "a recurring reason is the same kept one";
      }
    } else if (!reader.kept()) {
      ++copies;
    }
  }
  EXPECT_EQ(kept.size(), 4u) << "two recurring reasons per part";
  // Each part keeps what fits in 64 KiB: about sixty of its 66 distinct reasons of 1 KiB.
  EXPECT_GT(copies, 0u) << "reasons beyond the bound are written whole";
  EXPECT_LT(copies, 2 * 66u) << "reasons within the bound are kept";
  for (const auto& [text, pointer] : kept)
    EXPECT_EQ(pointer->text, text.substr(1)) << "kept reasons stay valid while the file lives";
}

}  // namespace
}  // namespace posture
