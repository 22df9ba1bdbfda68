// The one runner of the data-driven semantics tests: every tests/semantics/*.test
// file, each case a gtest named after its file and line. A case compiles its
// query with the real pipeline (parse, analyze, compile) and runs it on a store
// holding the file's inventory; the sorted ids must equal `expect:`. The same
// IR is also evaluated by the reference interpreter, and the query is executed
// to its GraphQL response, and both must give the same ids.
//
// The format (directives start a line; anything else belongs to the block above):
//   # a comment (outside query text)
//   schema: builtin | test       which schema (default builtin; test: tests/reference)
//   inventory:                   then one JSON object per line (tests/reference/inventory.hpp)
//   query: <GraphQL>             may continue on the following lines (line:column
//                                counts from the first line of the query text)
//   variables: {"name": value}   optional
//   expect: id1 id2 | (none)     the matching root objects, any order
//   error: <code> [line:column]  or: the compilation fails with this diagnostic
//   message: <text>              optional, after error: the message contains it
//   hint: <text>                 optional, after error: a hint contains it
//   ----                         optional separator between cases
// Files named KNOWN-FAILING-*.test hold cases where the engine disagrees with
// SPEC.md: they run, and are reported as skipped with what went wrong.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/exec/engine.hpp"
#include "tests/reference/interpreter.hpp"
#include "tests/reference/inventory.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using posture::reference::Object;

namespace {

struct Case {
  std::string file;  // file name, e.g. rel-some-null.test
  int line = 0;      // the line of `query:`
  std::string name;  // gtest name
  bool known_failing = false;
  std::string about;  // the file's leading comment
  std::string schema = "builtin";
  std::vector<std::pair<int, std::string>> inventory;  // (line, JSON text)
  std::string query;
  json variables = json::object();
  bool expect_error = false;
  bool has_expectation = false;
  std::vector<std::string> expect_ids;
  std::string error_code;
  int error_line = 0, error_column = 0;
  std::vector<std::string> messages, hints;
  std::string format_error;  // the file is malformed here
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

// Reads `error: code [line:column]` into `c`.
void parse_error_line(const std::string& rest, Case& c) {
  auto w = words(rest);
  c.expect_error = true;
  c.has_expectation = true;
  if (w.empty()) {
    c.format_error = "error: needs a diagnostic code";
    return;
  }
  c.error_code = w[0];
  if (w.size() > 1 && std::sscanf(w[1].c_str(), "%d:%d", &c.error_line, &c.error_column) != 2)
    c.format_error = "error: expected line:column after the code, found " + w[1];
}

// The parser of one .test file: a small state machine over its lines.
class FileParser {
 public:
  explicit FileParser(std::string file) : file_(std::move(file)) {
    current_.file = file_;
    current_.known_failing = starts_with(file_, "KNOWN-FAILING-");
  }

  void line(int number, const std::string& raw) {
    std::string text = trim(raw);
    if (directive(number, text)) return;
    if (block_ == Block::Query) {
      current_.query += (current_.query.empty() ? "" : "\n") + raw;
    } else if (block_ == Block::Inventory) {
      if (!text.empty() && text[0] != '#') current_.inventory.emplace_back(number, text);
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
  enum class Block { None, Inventory, Query, Result };

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
    } else if (starts_with(text, "expect:")) {
      std::string rest = after("expect:");
      current_.has_expectation = true;
      if (rest != "(none)") current_.expect_ids = words(rest);
      block_ = Block::Result;
    } else if (starts_with(text, "error:")) {
      parse_error_line(after("error:"), current_);
      block_ = Block::Result;
    } else if (starts_with(text, "message:")) {
      current_.messages.push_back(after("message:"));
    } else if (starts_with(text, "hint:")) {
      current_.hints.push_back(after("hint:"));
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
        current_.format_error = "the case has no expect: or error:";
      Case done = current_;
      std::string stem = fs::path(file_).stem().string();
      done.name = stem + "_L" + std::to_string(done.line);
      for (auto& ch : done.name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      cases_.push_back(std::move(done));
    }
    current_.line = 0;
    current_.query.clear();
    current_.variables = json::object();
    current_.expect_error = current_.has_expectation = false;
    current_.expect_ids.clear();
    current_.error_code.clear();
    current_.error_line = current_.error_column = 0;
    current_.messages.clear();
    current_.hints.clear();
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
  for (const auto& entry : fs::directory_iterator(semantics_dir()))
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<Case> all;
  for (const auto& path : files) {
    FileParser parser(path.filename().string());
    std::ifstream in(path);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) parser.line(number, line);
    for (auto& c : parser.finish()) all.push_back(std::move(c));
  }
  return all;
}

const posture::schema::Schema& schema_of(const Case& c) {
  return c.schema == "test" ? posture::reference::test_schema()
                            : posture::schema::builtin();
}

std::string join(const std::vector<std::string>& ids) {
  if (ids.empty()) return "(none)";
  std::string s;
  for (const auto& id : ids) s += (s.empty() ? "" : " ") + id;
  return s;
}

std::string check_error(const Case& c, const posture::Diagnostics& errors) {
  for (const auto& d : errors) {
    if (d.code != c.error_code) continue;
    if (c.error_line && (d.where.line != c.error_line || d.where.column != c.error_column))
      continue;
    bool ok = true;
    for (const auto& m : c.messages) ok = ok && d.message.find(m) != std::string::npos;
    for (const auto& h : c.hints) {
      bool found = false;
      for (const auto& hint : d.hints) found = found || hint.find(h) != std::string::npos;
      ok = ok && found;
    }
    if (ok) return "";
  }
  std::string want = "error " + c.error_code;
  if (c.error_line)
    want += " at " + std::to_string(c.error_line) + ":" + std::to_string(c.error_column);
  for (const auto& m : c.messages) want += ", message containing \"" + m + "\"";
  for (const auto& h : c.hints) want += ", hint containing \"" + h + "\"";
  return "expected " + want + "; got:\n" + posture::format(errors);
}

// The ids in the GraphQL response of the first root field (objects with "id").
std::optional<std::vector<std::string>> response_ids(const posture::exec::CompiledQuery& q,
                                                     const posture::reference::LoadedStore& s,
                                                     std::string& failure) {
  std::ostringstream out;
  auto status = posture::exec::execute(q, *s.store, s.scan, out);
  if (!status) {
    failure = "execute failed: " + posture::format(status.errors());
    return std::nullopt;
  }
  json response = json::parse(out.str(), nullptr, false);
  const auto& root = q.optimised.roots.front();
  if (response.is_discarded() || root.aggregate) return std::nullopt;
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
  auto loaded = posture::reference::load_store(objects, schema);
  if (!loaded) return "loading the inventory: " + posture::format(loaded.errors());
  auto ids = posture::reference::sql_ids(*loaded, *root.type, root.where);
  if (!ids) return "running the SQL: " + posture::format(ids.errors());
  std::vector<std::string> want = c.expect_ids;
  std::sort(want.begin(), want.end());
  std::string failure;
  if (*ids != want)
    failure += "SQL (compile_matches): expected " + join(want) + ", got " + join(*ids) + "\n";
  std::vector<Object> candidates;
  posture::reference::collect(objects, root.type->name, candidates);
  auto reference = posture::reference::matching_ids(q.analysed.roots.front().where, candidates);
  if (reference != want)
    failure += "reference interpreter: expected " + join(want) + ", got " + join(reference) + "\n";
  if (auto response = response_ids(q, *loaded, failure); response && *response != want)
    failure += "GraphQL response: expected " + join(want) + ", got " + join(*response) + "\n";
  if (!failure.empty())
    failure += "IR:\n" + posture::ir::to_string(root.where) +
               "\nSQL: " + posture::sql::compile_matches(*root.type, root.where).sql;
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
  auto compiled = posture::exec::Engine(schema).compile(c.query, options);
  if (c.expect_error) {
    if (compiled) return "expected error " + c.error_code + ", but the query compiled";
    return check_error(c, compiled.errors());
  }
  if (!compiled) return "the query does not compile:\n" + posture::format(compiled.errors());
  if (compiled->optimised.roots.empty()) return "the query has no root field";
  return run_query(c, *compiled, objects);
}

class SemanticsTest : public ::testing::TestWithParam<Case> {};

TEST_P(SemanticsTest, Case) {
  const Case& c = GetParam();
  std::string path = (semantics_dir() / c.file).string();
  std::string where = path + ":" + std::to_string(c.line);
  std::string failure = run_case(c);
  if (c.known_failing) {
    if (failure.empty())
      GTEST_SKIP() << where << ": KNOWN-FAILING case now agrees with SPEC.md: move it out of "
                   << c.file;
    GTEST_SKIP() << where << ": known engine bug (" << c.about << ")\n" << failure;
  }
  if (!failure.empty())
    ADD_FAILURE_AT(path.c_str(), c.line) << "query:" << c.query << "\n" << failure;
}

INSTANTIATE_TEST_SUITE_P(Files, SemanticsTest, ::testing::ValuesIn(load_all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

// Guards the guard: the runner found the data files.
TEST(SemanticsFiles, Present) {
  EXPECT_GE(load_all_cases().size(), 100u) << "tests/semantics/*.test went missing";
}

}  // namespace
