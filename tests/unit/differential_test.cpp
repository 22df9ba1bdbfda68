// The differential test of the query language: seeded random inventories x
// random filters written as GraphQL text (every operator of both syntaxes,
// AND/OR/NOT, relationship quantifiers with their `: null` and `{}` forms,
// aggregates, nesting depth up to 4). Each filter is compiled by the real
// pipeline (parse, analyze, SQL) and run on a store holding the inventory; the
// reference interpreter (tests/reference/interpreter.hpp) evaluates the same IR
// on the same objects in memory, and both must return the same ids.
//
// The seed comes from the environment variable POSTURE_DIFF_SEED (else a fixed
// default) and is printed; a disagreement prints the seed, the query and both
// answers. POSTURE_DIFF_INVENTORIES scales the run (default 50 per schema).
//
// DifferentialPostgresql runs fewer inventories (at least 2,000 cases) on a
// throwaway PostgreSQL 15 (tests/support/postgres.hpp) as well as on SQLite:
// each case's ids from both stores are held to the same interpreter.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/exec/engine.hpp"
#include "tests/reference/interpreter.hpp"
#include "tests/reference/inventory.hpp"
#include "tests/reference/random_queries.hpp"
#include "tests/support/postgres.hpp"

namespace {

using posture::reference::collect;
using posture::reference::Object;
using posture::reference::Value;
using posture::reference::random::FilterGenerator;
using posture::reference::random::kForms;
using posture::reference::random::random_inventory;
using posture::reference::random::Rng;
using posture::schema::Field;
using posture::schema::ObjectType;
using posture::schema::ScalarType;
using posture::schema::Schema;

constexpr uint64_t kDefaultSeed = 20240601;
constexpr int kQueriesPerInventory = 200;
constexpr int kMaxDepth = 4;

// --- the run -----------------------------------------------------------------

uint64_t seed_from_env() {
  const char* text = std::getenv("POSTURE_DIFF_SEED");
  if (!text || !*text) return kDefaultSeed;
  return std::strtoull(text, nullptr, 0);
}

int inventories_from_env(int fallback) {
  const char* text = std::getenv("POSTURE_DIFF_INVENTORIES");
  return text && *text ? std::max(1, std::atoi(text)) : fallback;
}

nlohmann::json to_json(const Object& o) {
  nlohmann::json j{{"type", o.type}};
  for (const auto& [name, value] : o.fields)
    j[name] = posture::reference::detail::value_to_json(value);
  for (const auto& [name, children] : o.related) {
    j[name] = nlohmann::json::array();
    for (const auto& child : children) j[name].push_back(to_json(child));
  }
  return j;
}

std::string join(const std::vector<std::string>& ids) {
  std::string s;
  for (const auto& id : ids) s += (s.empty() ? "" : " ") + id;
  return "[" + s + "]";
}

struct Stats {
  long cases = 0, agreed = 0, disagreed = 0, invalid = 0;
  long none = 0, all = 0, some = 0;  // how many objects the reference matched
  std::set<std::string> forms;
};

// One query on one loaded inventory; false on a disagreement or a compile error.
bool run_case(const Schema& schema, uint64_t seed, int inventory, const std::string& text,
              const std::vector<Object>& objects, const posture::reference::LoadedStore& store,
              Stats& stats) {
  ++stats.cases;
  auto compiled = posture::exec::Engine(schema).compile(text);
  if (!compiled) {
    ++stats.invalid;
    if (stats.invalid <= 5)
      ADD_FAILURE() << "seed " << seed << ", inventory " << inventory
                    << ": the generated query does not compile\n  query: " << text << "\n"
                    << posture::format(compiled.errors());
    return false;
  }
  // The interpreter evaluates the IR as analysed; the SQL is built from the
  // optimised IR, so every rewrite of the optimizer is held to the interpreter.
  const auto& analysed = compiled->analysed.roots.front();
  const auto& root = compiled->optimised.roots.front();
  std::vector<Object> candidates;
  collect(objects, root.type->name, candidates);
  auto expected = posture::reference::matching_ids(analysed.where, candidates);
  auto actual = posture::reference::sql_ids(store, *root.type, root.where);
  (expected.empty() ? stats.none : expected.size() == candidates.size() ? stats.all : stats.some)++;
  // The reasons of failing findings evaluate the analysed IR in C++ on the
  // rows read back from the store: they must select the same objects.
  auto explained = posture::reference::explained_ids(store, *analysed.type, analysed.where);
  if (!explained || *explained != expected) {
    ++stats.disagreed;
    if (stats.disagreed <= 5)
      ADD_FAILURE() << "the reasons' evaluation and the reference interpreter disagree "
                    << "(POSTURE_DIFF_SEED=" << seed << ", inventory " << inventory
                    << ")\n  query: " << text << "\n  reasons:     "
                    << (explained ? join(*explained) : posture::format(explained.errors()))
                    << "\n  interpreter: " << join(expected);
    return false;
  }
  if (actual && *actual == expected) {
    ++stats.agreed;
    return true;
  }
  ++stats.disagreed;
  if (stats.disagreed <= 5) {
    nlohmann::json inventory_json = nlohmann::json::array();
    for (const auto& o : objects) inventory_json.push_back(to_json(o));
    ADD_FAILURE() << "SQL and the reference interpreter disagree (POSTURE_DIFF_SEED=" << seed
                  << ", inventory " << inventory << ")\n  query: " << text << "\n  SQL:         "
                  << (actual ? join(*actual) : posture::format(actual.errors()))
                  << "\n  interpreter: " << join(expected) << "\n  IR:\n"
                  << posture::ir::to_string(analysed.where) << "\n  optimised IR:\n"
                  << posture::ir::to_string(root.where) << "\n  store: " << store.store->path()
                  << "\n  statement: "
                  << posture::sql::compile_matches(*root.type, root.where,
                                                   posture::sql::dialect(store.store->backend()))
                         .sql
                  << "\n  inventory: " << inventory_json.dump();
  }
  return false;
}

// `inventories` random inventories of `root` objects x kQueriesPerInventory
// random queries, mostly on `root`, sometimes on another type of the schema.
// With `postgresql`, each inventory is also a new scan there and every query
// runs on both stores.
Stats run(const Schema& schema, const ObjectType& root, uint64_t seed, int inventories,
          std::shared_ptr<posture::store::Store> postgresql = nullptr) {
  Stats stats;
  for (int i = 0; i < inventories; ++i) {
    Rng rng(seed * 0x100000001b3ULL + static_cast<uint64_t>(i));
    std::vector<Object> objects = random_inventory(rng, schema, root);
    auto store = posture::reference::load_store(objects, schema);
    if (!store) {
      ADD_FAILURE() << "loading inventory " << i << ": " << posture::format(store.errors());
      return stats;
    }
    std::optional<posture::reference::LoadedStore> server;
    if (postgresql) {
      auto loaded = posture::reference::load_store(objects, schema, postgresql);
      if (!loaded) {
        ADD_FAILURE() << "loading inventory " << i
                      << " into PostgreSQL: " << posture::format(loaded.errors());
        return stats;
      }
      server = std::move(loaded).value();
    }
    std::vector<std::string> ids;
    for (const auto& type : schema.types()) {
      std::vector<Object> all;
      collect(objects, type.name, all);
      for (const auto& o : all) ids.push_back(o.id);
    }
    FilterGenerator generator(rng, schema, stats.forms, ids);
    for (int q = 0; q < kQueriesPerInventory; ++q) {
      const ObjectType& type =
          rng.chance(80) ? root : schema.types()[rng.below(schema.types().size())];
      std::string where = generator.object(type, kMaxDepth);
      std::string text = rng.chance(10) ? type.plural + "(where: " + where + ") { id }"
                                        : "{ " + type.plural + "(where: " + where + ") { id } }";
      run_case(schema, seed, i, text, objects, *store, stats);
      if (server) run_case(schema, seed, i, text, objects, *server, stats);
    }
  }
  return stats;
}

// The kinds of fields of `root` and the types reachable from it by
// relationships (what most generated queries are about), to know which
// generator forms to expect.
std::vector<std::string> kinds(const Schema& schema, const ObjectType& root) {
  std::set<std::string> found{"logic"};
  std::vector<const ObjectType*> todo{&root};
  std::set<std::string> seen{root.name};
  while (!todo.empty()) {
    const ObjectType& type = *todo.back();
    todo.pop_back();
    for (const auto& r : type.relationships) {
      found.insert("relationship");
      if (const ObjectType* t = schema.type(r.target); t && seen.insert(t->name).second)
        todo.push_back(t);
    }
    for (const auto& f : type.fields) {
      if (f.list)
        found.insert("list");
      else if (f.scalar == ScalarType::Boolean)
        found.insert("bool");
      else if (f.scalar == ScalarType::Int || f.scalar == ScalarType::Float)
        found.insert("number");
      else
        found.insert("string");
    }
  }
  return {found.begin(), found.end()};
}

void report_and_check(const char* what, const Schema& schema, const ObjectType& root, uint64_t seed,
                      const Stats& stats, double seconds, long minimum_agreed) {
  std::cout << "[ differential ] " << what << ": seed " << seed << " (POSTURE_DIFF_SEED), "
            << stats.cases << " cases, " << stats.agreed << " agree, " << stats.disagreed
            << " disagree, " << stats.invalid << " invalid; reference matched none in "
            << stats.none << ", all in " << stats.all << ", some in " << stats.some << "; "
            << seconds << " s\n";
  EXPECT_EQ(stats.disagreed, 0) << "seed " << seed;
  EXPECT_EQ(stats.invalid, 0) << "seed " << seed;
  EXPECT_GE(stats.agreed, minimum_agreed) << "seed " << seed;
  // The filters must discriminate, not only match nothing or everything.
  EXPECT_GE(stats.some * 4, stats.cases) << "too few cases match some but not all objects";
  for (const auto& kind : kinds(schema, root))
    for (const auto& form : kForms.at(kind))
      EXPECT_TRUE(stats.forms.count(form)) << "the generator never wrote the form " << form;
}

TEST(Differential, BuiltinSchemaConnectorsAndContacts) {
  const Schema& schema = posture::schema::builtin();
  uint64_t seed = seed_from_env();
  int inventories = inventories_from_env(50);
  auto start = std::chrono::steady_clock::now();
  Stats stats = run(schema, *schema.type("Connector"), seed, inventories);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  report_and_check("builtin schema", schema, *schema.type("Connector"), seed, stats, took.count(),
                   std::min<long>(10000, inventories * kQueriesPerInventory));
}

// A run of the builtin schema from `root` with a quarter of the default
// inventories per 50, checked as report_and_check does.
void check_builtin_root(const char* what, const char* root, uint64_t seed_offset) {
  const Schema& schema = posture::schema::builtin();
  uint64_t seed = seed_from_env() + seed_offset;
  int inventories = std::max(1, inventories_from_env(50) / 2);
  auto start = std::chrono::steady_clock::now();
  Stats stats = run(schema, *schema.type(root), seed, inventories);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  report_and_check(what, schema, *schema.type(root), seed, stats, took.count(),
                   inventories * kQueriesPerInventory);
}

// A declared ARM type with Int fields and a child resource type (blobServices).
TEST(Differential, BuiltinSchemaStorageAccountsAndBlobServices) {
  check_builtin_root("builtin schema, storage accounts", "StorageAccount", 2);
}

// Relationships by id reference (@ref): a VM's network interfaces, the
// managed disk of each of its disk attachments (elements of the VM), and an
// interface's security group (held in the interface's row) are linked by the
// store when the scan commits, not by a parent key.
TEST(Differential, BuiltinSchemaVirtualMachinesAndIdReferences) {
  check_builtin_root("builtin schema, virtual machines", "VirtualMachine", 3);
}

// Int and Float fields and relationships two levels deep (Account -> Member -> Device).
TEST(Differential, TestSchemaNumbersAndDeepRelationships) {
  const Schema& schema = posture::reference::test_schema();
  uint64_t seed = seed_from_env() + 1;
  int inventories = std::max(1, inventories_from_env(50) / 2);
  auto start = std::chrono::steady_clock::now();
  Stats stats = run(schema, *schema.type("Account"), seed, inventories);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  report_and_check("test schema", schema, *schema.type("Account"), seed, stats, took.count(),
                   inventories * kQueriesPerInventory);
}

// The PostgreSQL store of `schema` in database `database` (nullptr, and the
// test skipped, without PostgreSQL).
std::shared_ptr<posture::store::Store> postgresql_store(const Schema& schema,
                                                        const std::string& database) {
  if (!posture::testing::postgres::unavailable().empty()) return nullptr;
  auto opened = posture::store::Store::open(posture::testing::postgres::uri(database), schema);
  if (!opened) {
    ADD_FAILURE() << posture::format(opened.errors());
    return nullptr;
  }
  return std::make_shared<posture::store::Store>(std::move(opened).value());
}

// `inventories` inventories from `root` on SQLite and PostgreSQL: every
// case agrees with the interpreter on both.
void check_both(const char* what, const Schema& schema, const char* root, const char* database,
                uint64_t seed_offset, int inventories) {
  auto postgresql = postgresql_store(schema, database);
  if (!postgresql) GTEST_SKIP() << posture::testing::postgres::unavailable();
  uint64_t seed = seed_from_env() + seed_offset;
  auto start = std::chrono::steady_clock::now();
  Stats stats = run(schema, *schema.type(root), seed, inventories, postgresql);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::cout << "[ differential ] " << what << " on SQLite and PostgreSQL: seed " << seed << ", "
            << stats.cases << " cases, " << stats.agreed << " agree, " << stats.disagreed
            << " disagree, " << stats.invalid << " invalid; " << took.count() << " s\n";
  EXPECT_EQ(stats.disagreed, 0) << "seed " << seed;
  EXPECT_EQ(stats.invalid, 0) << "seed " << seed;
  EXPECT_EQ(stats.agreed, 2L * inventories * kQueriesPerInventory) << "seed " << seed;
}

// 1,200 queries on each backend (connectors, contacts, and the other types).
TEST(DifferentialPostgresql, BuiltinSchema) {
  check_both("builtin schema", posture::schema::builtin(), "Connector", "differential_builtin", 0,
             6);
}

// 1,000 queries on each backend (Int and Float fields, relationships two levels deep).
TEST(DifferentialPostgresql, TestSchema) {
  check_both("test schema", posture::reference::test_schema(), "Account", "differential_test", 1,
             5);
}

}  // namespace
