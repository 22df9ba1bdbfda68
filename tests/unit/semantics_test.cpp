// The one runner of the data-driven semantics tests: every tests/semantics/*.test
// file and every tests/semantics/<dir>/*.test (e.g. errors/: the analyzer's
// diagnostics), each case a gtest named after its file and line. A case compiles
// its query with the real pipeline (parse, analyze, compile) and runs it on a
// store holding the file's inventory; the sorted ids of the first root field's
// filter must equal `expect:`. The same IR is also evaluated by the reference
// interpreter, and the query is executed to its GraphQL response: all must give
// the same ids, and the response must equal `response:` when the case has one.
//
// The format (directives start a line; anything else belongs to the block above;
// docs/testing.md has the same description):
//   # a comment (outside query text and response JSON)
//   schema: builtin | test       which schema (default builtin; test: tests/reference)
//   inventory:                   then one JSON object per line (tests/reference/inventory.hpp)
//   query: <GraphQL>             may continue on the following lines (line:column
//                                counts from the first line of the query text)
//   variables: {"name": value}   optional
//   operation: <name>            optional: the operation to run (a document with several)
//   expect: id1 id2 | (none)     the matching root objects, any order
//   response: <JSON>             the whole GraphQL response ({"data": ...}), compared as
//                                JSON (arrays in order); may continue on the following
//                                lines. With response:, expect: is optional (without it the
//                                SQL and the reference interpreter must still agree).
//   error: <code> [line:column]  or: the compilation fails with this diagnostic; several
//                                error: lines: each must be among the diagnostics
//   message: <text>              optional, after error: that diagnostic's message contains it
//   hint: <text>                 optional, after error: one of its hints contains it
//   ----                         optional separator between cases
// Every case that runs a query runs twice: on SQLite (suite Files) and on a
// throwaway PostgreSQL 15 (suite Postgresql, tests/support/postgres.hpp; each
// case a new scan of one database per schema), skipped only when PostgreSQL
// is not installed.
// Files named KNOWN-FAILING-*.test hold cases where the engine disagrees with
// docs/query-language.md: they run and are reported as skipped with what went wrong; such a
// case that passes FAILS the run, so that it is moved out of the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/exec/engine.hpp"
#include "tests/reference/interpreter.hpp"
#include "tests/reference/inventory.hpp"
#include "tests/support/postgres.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using posture::reference::Object;

namespace {

// One expected diagnostic of an `error:` case.
struct ExpectedError {
  std::string code;
  int line = 0, column = 0;  // 0: anywhere
  std::vector<std::string> messages, hints;
};

struct Case {
  std::string file;  // path under tests/semantics, e.g. rel-some-null.test, errors/names.test
  int line = 0;      // the line of `query:`
  std::string name;  // gtest name
  bool known_failing = false;
  std::string about;  // the file's leading comment
  std::string schema = "builtin";
  std::vector<std::pair<int, std::string>> inventory;  // (line, JSON text)
  std::string query;
  json variables = json::object();
  std::string operation;
  bool expect_error = false;
  bool has_expectation = false;
  bool has_expect_ids = false;
  std::vector<std::string> expect_ids;
  std::vector<ExpectedError> errors;
  bool has_response = false;
  std::string response_text;  // until the case closes, then parsed into `response`
  int response_line = 0;
  json response;
  std::string format_error;  // the file is malformed here
  bool postgresql = false;   // run on PostgreSQL instead of SQLite
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.file << ":" << c.line;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.rfind(prefix, 0) == 0;
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Reads `error: code [line:column]` into a new expected diagnostic of `c`.
void parse_error_line(const std::string& rest, Case& c) {
  auto w = words(rest);
  c.expect_error = true;
  c.has_expectation = true;
  if (w.empty()) {
    c.format_error = "error: needs a diagnostic code";
    return;
  }
  ExpectedError e;
  e.code = w[0];
  if (w.size() > 1 && std::sscanf(w[1].c_str(), "%d:%d", &e.line, &e.column) != 2)
    c.format_error = "error: expected line:column after the code, found " + w[1];
  c.errors.push_back(std::move(e));
}

// The parser of one .test file: a small state machine over its lines.
class FileParser {
 public:
  explicit FileParser(std::string file) : file_(std::move(file)) {
    current_.file = file_;
    current_.known_failing = starts_with(fs::path(file_).filename().string(), "KNOWN-FAILING-");
  }

  void line(int number, const std::string& raw) {
    std::string text = trim(raw);
    if (directive(number, text)) return;
    if (block_ == Block::Query) {
      current_.query += (current_.query.empty() ? "" : "\n") + raw;
    } else if (block_ == Block::Inventory) {
      if (!text.empty() && text[0] != '#') current_.inventory.emplace_back(number, text);
    } else if (block_ == Block::Response) {
      current_.response_text += raw + "\n";
    } else if (text.empty() || text[0] == '#') {
      if (!seen_directive_ && text.size() > 1) current_.about += trim(text.substr(1)) + " ";
    } else {
      fail(number, "unexpected line: " + text);
    }
  }

  std::vector<Case> finish() {
    close_case();
    return std::move(cases_);
  }

 private:
  enum class Block { None, Inventory, Query, Result, Response };

  bool directive(int number, const std::string& text) {
    auto after = [&](std::string_view d) { return trim(text.substr(d.size())); };
    bool was_seen = seen_directive_;
    seen_directive_ = true;
    if (text == "----") {
      close_case();
    } else if (starts_with(text, "schema:")) {
      close_case();
      current_.schema = after("schema:");
      if (current_.schema != "builtin" && current_.schema != "test")
        fail(number, "schema: is builtin or test");
      block_ = Block::None;
    } else if (starts_with(text, "inventory:")) {
      close_case();
      current_.inventory.clear();
      block_ = Block::Inventory;
    } else if (starts_with(text, "query:")) {
      close_case();
      current_.line = number;
      current_.query = after("query:");
      block_ = Block::Query;
    } else if (starts_with(text, "variables:")) {
      current_.variables = json::parse(after("variables:"), nullptr, false);
      if (current_.variables.is_discarded()) fail(number, "variables: is not JSON");
    } else if (starts_with(text, "operation:")) {
      current_.operation = after("operation:");
      block_ = Block::Result;
    } else if (starts_with(text, "response:")) {
      current_.has_expectation = current_.has_response = true;
      current_.response_line = number;
      current_.response_text = after("response:") + "\n";
      block_ = Block::Response;
    } else if (starts_with(text, "expect:")) {
      std::string rest = after("expect:");
      current_.has_expectation = current_.has_expect_ids = true;
      if (rest != "(none)") current_.expect_ids = words(rest);
      block_ = Block::Result;
    } else if (starts_with(text, "error:")) {
      parse_error_line(after("error:"), current_);
      block_ = Block::Result;
    } else if (starts_with(text, "message:") || starts_with(text, "hint:")) {
      if (current_.errors.empty()) {
        fail(number, "message: and hint: belong to an error:");
      } else if (starts_with(text, "message:")) {
        current_.errors.back().messages.push_back(after("message:"));
      } else {
        current_.errors.back().hints.push_back(after("hint:"));
      }
    } else {
      seen_directive_ = was_seen;
      return false;
    }
    return true;
  }

  void fail(int number, std::string why) {
    if (current_.format_error.empty())
      current_.format_error = file_ + ":" + std::to_string(number) + ": " + why;
    if (current_.line == 0) current_.line = number;
  }

  // Ends the case being read (if any) and starts the next one with the same
  // schema and inventory.
  void close_case() {
    if (current_.line != 0) {
      if (!current_.has_expectation && current_.format_error.empty())
        current_.format_error = "the case has no expect:, response: or error:";
      if (current_.expect_error && (current_.has_expect_ids || current_.has_response))
        fail(current_.line, "error: excludes expect: and response:");
      if (current_.has_response) {
        current_.response = json::parse(current_.response_text, nullptr, false);
        if (current_.response.is_discarded()) fail(current_.response_line, "response: is not JSON");
      }
      Case done = current_;
      std::string stem = (fs::path(file_).parent_path() / fs::path(file_).stem()).string();
      done.name = stem + "_L" + std::to_string(done.line);
      for (auto& ch : done.name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      cases_.push_back(std::move(done));
    }
    current_.line = 0;
    current_.query.clear();
    current_.variables = json::object();
    current_.operation.clear();
    current_.expect_error = current_.has_expectation = current_.has_expect_ids = false;
    current_.expect_ids.clear();
    current_.errors.clear();
    current_.has_response = false;
    current_.response_text.clear();
    current_.response_line = 0;
    current_.response = json();
    current_.format_error.clear();
    block_ = Block::None;
  }

  std::string file_;
  Case current_;
  std::vector<Case> cases_;
  Block block_ = Block::None;
  bool seen_directive_ = false;
};

fs::path semantics_dir() {
  return fs::path(POSTURE_SOURCE_DIR) / "tests" / "semantics";
}

std::vector<Case> load_all_cases() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(semantics_dir()))
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<Case> all;
  for (const auto& path : files) {
    FileParser parser(fs::relative(path, semantics_dir()).string());
    std::ifstream in(path);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) parser.line(number, line);
    for (auto& c : parser.finish()) all.push_back(std::move(c));
  }
  return all;
}

const posture::schema::Schema& schema_of(const Case& c) {
  return c.schema == "test" ? posture::reference::test_schema() : posture::schema::builtin();
}

// The PostgreSQL store of `schema` ("builtin" or "test"): one database
// each, opened once; every case writes a scan of its own.
posture::Result<std::shared_ptr<posture::store::Store>> postgres_store(const std::string& schema) {
  static std::map<std::string, std::shared_ptr<posture::store::Store>> stores;
  if (auto it = stores.find(schema); it != stores.end()) return it->second;
  auto opened = posture::store::Store::open(
      posture::testing::postgres::uri("semantics_" + schema),
      schema == "test" ? posture::reference::test_schema() : posture::schema::builtin());
  if (!opened) return opened.take_errors();
  return stores[schema] = std::make_shared<posture::store::Store>(std::move(opened).value());
}

std::string join(const std::vector<std::string>& ids) {
  if (ids.empty()) return "(none)";
  std::string s;
  for (const auto& id : ids) s += (s.empty() ? "" : " ") + id;
  return s;
}

std::string describe(const ExpectedError& e) {
  std::string want = "error " + e.code;
  if (e.line) want += " at " + std::to_string(e.line) + ":" + std::to_string(e.column);
  for (const auto& m : e.messages) want += ", message containing \"" + m + "\"";
  for (const auto& h : e.hints) want += ", hint containing \"" + h + "\"";
  return want;
}

bool matches(const ExpectedError& e, const posture::Diagnostic& d) {
  if (d.code != e.code || d.level != posture::Level::Error) return false;
  if (e.line && (d.where.line != e.line || d.where.column != e.column)) return false;
  for (const auto& m : e.messages)
    if (d.message.find(m) == std::string::npos) return false;
  for (const auto& h : e.hints) {
    bool found = false;
    for (const auto& hint : d.hints) found = found || hint.find(h) != std::string::npos;
    if (!found) return false;
  }
  return true;
}

// Every expected diagnostic is among `errors`.
std::string check_errors(const Case& c, const posture::Diagnostics& errors) {
  std::string failure;
  for (const auto& e : c.errors) {
    bool found = false;
    for (const auto& d : errors) found = found || matches(e, d);
    if (!found) failure += "expected " + describe(e) + "\n";
  }
  if (!failure.empty()) failure += "got:\n" + posture::format(errors);
  return failure;
}

// The ids in a GraphQL response's first root field (objects with "id"); none
// for an aggregate or a selection without id.
std::optional<std::vector<std::string>> response_ids(const posture::exec::CompiledQuery& q,
                                                     const json& response) {
  const auto& root = q.optimised.roots.front();
  if (root.aggregate) return std::nullopt;
  std::vector<std::string> ids;
  for (const auto& item : response["data"][root.response_key]) {
    if (!item.contains("id")) return std::nullopt;
    ids.push_back(item["id"].get<std::string>());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// What went wrong with a case; empty when it holds.
std::string run_query(const Case& c, const posture::exec::CompiledQuery& q,
                      const std::vector<Object>& objects) {
  const auto& schema = schema_of(c);
  const auto& root = q.optimised.roots.front();
  std::shared_ptr<posture::store::Store> into;
  if (c.postgresql) {
    auto opened = postgres_store(c.schema);
    if (!opened) return "opening PostgreSQL: " + posture::format(opened.errors());
    into = *opened;
  }
  auto loaded = posture::reference::load_store(objects, schema, into);
  if (!loaded) return "loading the inventory: " + posture::format(loaded.errors());
  auto ids = posture::reference::sql_ids(*loaded, *root.type, root.where);
  if (!ids) return "running the SQL: " + posture::format(ids.errors());
  std::vector<Object> candidates;
  posture::reference::collect(objects, root.type->name, candidates);
  auto reference = posture::reference::matching_ids(q.analysed.roots.front().where, candidates);
  std::string failure;
  // Without expect: (a response: case) the SQL must agree with the interpreter.
  std::vector<std::string> want = c.has_expect_ids ? c.expect_ids : reference;
  std::sort(want.begin(), want.end());
  const char* source = c.has_expect_ids ? "expected" : "reference interpreter gave";
  if (*ids != want)
    failure += std::string("SQL (compile_matches): ") + source + " " + join(want) + ", got " +
               join(*ids) + "\n";
  if (reference != want)
    failure += "reference interpreter: expected " + join(want) + ", got " + join(reference) + "\n";
  // The reasons of failing findings evaluate the analysed filter in C++: they
  // must select what the SQL does.
  const auto& analysed = q.analysed.roots.front();
  auto explained = posture::reference::explained_ids(*loaded, *analysed.type, analysed.where);
  if (!explained)
    failure += "explaining: " + posture::format(explained.errors()) + "\n";
  else if (*explained != *ids)
    failure += "reasons (checks::Explainer): SQL gave " + join(*ids) + ", the C++ evaluation " +
               join(*explained) + "\n";

  std::ostringstream out;
  auto status = posture::exec::execute(q, *loaded->store, loaded->scan, out);
  json response = json::parse(out.str(), nullptr, false);
  if (!status) {
    failure += "execute failed: " + posture::format(status.errors()) + "\n";
  } else if (response.is_discarded()) {
    failure += "the GraphQL response is not JSON:\n" + out.str() + "\n";
  } else if (c.has_response) {
    // limit/offset and nested filters make the response differ from the ids
    // of the filter: the whole response is what is compared.
    if (response != c.response)
      failure +=
          "GraphQL response: expected\n" + c.response.dump(2) + "\ngot\n" + response.dump(2) + "\n";
  } else if (auto got = response_ids(q, response); got && *got != want) {
    failure += "GraphQL response: expected " + join(want) + ", got " + join(*got) + "\n";
  }
  if (!failure.empty())
    failure += "IR:\n" + posture::ir::to_string(root.where) + "\nSQL: " +
               posture::sql::compile_matches(*root.type, root.where,
                                             posture::sql::dialect(loaded->store->backend()))
                   .sql;
  return failure;
}

std::string run_case(const Case& c) {
  if (!c.format_error.empty()) return "malformed test: " + c.format_error;
  const auto& schema = schema_of(c);
  std::vector<Object> objects;
  for (const auto& [line, text] : c.inventory) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) return "inventory line " + std::to_string(line) + " is not JSON";
    try {
      objects.push_back(posture::reference::object_from_json(j, schema));
    } catch (const std::exception& e) {
      return "inventory line " + std::to_string(line) + ": " + e.what();
    }
  }
  posture::semantic::AnalyzeOptions options;
  options.variables = c.variables;
  options.operation_name = c.operation;
  auto compiled = posture::exec::Engine(schema).compile(c.query, options);
  if (c.expect_error) {
    if (compiled) return "expected " + describe(c.errors.front()) + ", but the query compiled";
    return check_errors(c, compiled.errors());
  }
  if (!compiled) return "the query does not compile:\n" + posture::format(compiled.errors());
  if (compiled->optimised.roots.empty()) return "the query has no root field";
  return run_query(c, *compiled, objects);
}

class SemanticsTest : public ::testing::TestWithParam<Case> {};

TEST_P(SemanticsTest, Case) {
  const Case& c = GetParam();
  if (c.postgresql && !posture::testing::postgres::unavailable().empty())
    GTEST_SKIP() << posture::testing::postgres::unavailable();
  std::string path = (semantics_dir() / c.file).string();
  std::string where = path + ":" + std::to_string(c.line);
  std::string failure = run_case(c);
  if (c.known_failing) {
    // A fixed engine bug must not stay hidden among the skips: fail the run.
    if (failure.empty()) {
      ADD_FAILURE_AT(path.c_str(), c.line)
          << where
          << ": KNOWN-FAILING case now agrees with the documented semantics: move it out of "
          << c.file;
      return;
    }
    GTEST_SKIP() << where << ": known engine bug (" << c.about << ")\n" << failure;
  }
  if (!failure.empty())
    ADD_FAILURE_AT(path.c_str(), c.line) << "query:" << c.query << "\n" << failure;
}

INSTANTIATE_TEST_SUITE_P(Files, SemanticsTest, ::testing::ValuesIn(load_all_cases()),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return param_info.param.name;
                         });

// The cases that run a query, to run on PostgreSQL.
std::vector<Case> postgresql_cases() {
  std::vector<Case> out;
  for (auto& c : load_all_cases()) {
    if (c.expect_error || !c.format_error.empty()) continue;
    c.postgresql = true;
    out.push_back(std::move(c));
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Postgresql, SemanticsTest, ::testing::ValuesIn(postgresql_cases()),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return param_info.param.name;
                         });

// Guards the guard: the runner found the data files.
TEST(SemanticsFiles, Present) {
  EXPECT_GE(load_all_cases().size(), 100u) << "tests/semantics/*.test went missing";
}

}  // namespace
