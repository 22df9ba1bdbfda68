// libFuzzer target: the query pipeline on untrusted text. The input is a
// GraphQL document, optionally followed by "\x01\x01" and a JSON object of
// variables. It is parsed, linted, analysed and compiled; every statement
// (the response's and the check's `compile_matches`) is run on a small
// in-memory store holding hostile values. A query may be refused with
// diagnostics, but it must never crash, and once it compiled, SQLite must
// accept the SQL and the streamed response must be valid JSON: a SQL error
// there is a compiler bug (or a limit the analyser should have enforced).
// Every valid UTF-8 text is also lexed by both the parser's hand-written
// lexer and the one ANTLR generates from the grammar: any token on which they
// differ is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "GraphQLLexer.h"

#include "base/utf8.hpp"
#include "collectors/snapshot/normalize.hpp"
#include "engine/exec/engine.hpp"
#include "engine/schema/schema.hpp"
#include "engine/semantic/lint.hpp"
#include "engine/sql/compiler.hpp"
#include "engine/syntax/lexer.hpp"
#include "engine/syntax/parser.hpp"
#include "store/store.hpp"

namespace {

using namespace posture;

// ARM objects for the store: two subscriptions, contacts of every API shape,
// and values meant to trip up SQL and JSON (quotes, NUL, non-ASCII, empties).
constexpr const char* kInventory[] = {
    R"({"id":"/subscriptions/00000000-0000-0000-0000-000000000001","subscriptionId":"00000000-0000-0000-0000-000000000001","displayName":"it's \"quoted\"\u0000nul","tenantId":"t","state":"Enabled"})",
    R"({"id":"/subscriptions/00000000-0000-0000-0000-000000000002","subscriptionId":"00000000-0000-0000-0000-000000000002","displayName":"Ünïcødé ✓ 𝄞","state":""})",
    R"({"id":"/subscriptions/00000000-0000-0000-0000-000000000003","subscriptionId":"00000000-0000-0000-0000-000000000003"})",
    R"({"id":"/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Security/securityContacts/default1","name":"default1","type":"Microsoft.Security/securityContacts","properties":{"email":"a@example.com; b@example.com","phone":"+1 555","alertNotifications":"On","alertsToAdmins":"On"}})",
    R"({"id":"/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Security/securityContacts/default2","name":"default2","type":"Microsoft.Security/securityContacts","properties":{"email":"","phone":"","alertNotifications":"Off","alertsToAdmins":"Off"}})",
    R"({"id":"/subscriptions/00000000-0000-0000-0000-000000000002/providers/Microsoft.Security/securityContacts/default","name":"default","type":"Microsoft.Security/securityContacts","properties":{"emails":"x'y@example.com,\u0000","alertNotifications":{"state":"On","minimalSeverity":"High"},"notificationsByRole":{"state":"On","roles":["Owner","It's"]}}})",
    R"({"id":"/subscriptions/00000000-0000-0000-0000-000000000003/providers/Microsoft.Security/securityContacts/default","name":"default","type":"Microsoft.Security/securityContacts","properties":{"emails":"%_\\*","isEnabled":false,"notificationsSources":[{"sourceType":"Alert","minimalSeverity":"Low"},{"sourceType":"AttackPath","minimalRiskLevel":"Critical"}],"notificationsByRole":{"state":"Off","roles":[]}}})",
};

[[noreturn]] void finding(const std::string& what, std::string_view query) {
  std::fprintf(stderr, "fuzz_query: %s\nquery: %.*s\n", what.c_str(),
               static_cast<int>(query.size()), query.data());
  std::abort();
}

struct Fixture {
  store::Store store;
  int64_t scan = 0;
};

Fixture make_fixture() {
  auto opened = store::Store::open(":memory:", posture::schema::builtin());
  if (!opened) finding("cannot open the store: " + format(opened.errors()), "");
  Fixture f{std::move(opened).value()};
  auto writer = store::ScanWriter::begin(f.store, "fuzz");
  if (!writer) finding("cannot begin a scan: " + format(writer.errors()), "");
  for (const char* text : kInventory) {
    auto record = snapshot::normalize(nlohmann::json::parse(text), text, f.store.schema());
    if (!record) finding("bad fixture object: " + format(record.errors()), text);
    if (auto s = writer->add(*record); !s) finding("cannot store: " + format(s.errors()), text);
  }
  auto info = writer->commit();
  if (!info) finding("cannot commit: " + format(info.errors()), "");
  f.scan = info->id;
  return f;
}

Fixture& fixture() {
  static Fixture f = make_fixture();
  return f;
}

// Runs one statement to the end; a SQL error is a finding.
void run_matches(const sql::Statement& statement, const Fixture& f, std::string_view query) {
  auto cursor = store::Cursor::open(f.store, statement, f.scan);
  if (!cursor) finding("compile_matches SQL refused: " + format(cursor.errors()), query);
  while (true) {
    auto row = cursor->next();
    if (!row) finding("compile_matches SQL failed: " + format(row.errors()), query);
    if (!*row) return;
  }
}

// The two lexers on `text`, token by token.
void compare_lexers(std::string_view text) {
  if (find_invalid_utf8(text)) return;
  const std::string utf8(text);
  antlr4::ANTLRInputStream generated_input(utf8);
  grammar::GraphQLLexer generated(&generated_input);
  generated.removeErrorListeners();
  syntax::detail::CodePointStream input(utf8);
  syntax::detail::Lexer lexer(input);
  for (size_t i = 0;; ++i) {
    std::unique_ptr<antlr4::Token> want = generated.nextToken(), got = lexer.nextToken();
    if (want->getType() != got->getType() || want->getStartIndex() != got->getStartIndex() ||
        want->getStopIndex() != got->getStopIndex() || want->getLine() != got->getLine() ||
        want->getCharPositionInLine() != got->getCharPositionInLine() ||
        want->getChannel() != got->getChannel() || want->getText() != got->getText())
      finding("the lexers differ at token " + std::to_string(i) + ": generated " +
                  want->toString() + ", hand-written " + got->toString(),
              text);
    if (want->getType() == antlr4::Token::EOF) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view text = input;
  semantic::AnalyzeOptions options;
  if (size_t split = input.find("\x01\x01"); split != std::string_view::npos) {
    text = input.substr(0, split);
    auto vars = nlohmann::json::parse(input.substr(split + 2), nullptr, false);
    if (vars.is_object()) options.variables = std::move(vars);
  }
  Fixture& f = fixture();
  compare_lexers(text);
  auto doc = syntax::parse(text);
  if (!doc) {
    (void)exec::errors_response(doc.errors());
    return 0;
  }
  (void)semantic::lint(*doc, f.store.schema(), "<fuzz>");
  exec::Engine engine(f.store.schema());
  auto compiled = engine.compile(std::move(doc).value(), options);
  if (!compiled) {
    (void)exec::errors_response(compiled.errors());
    return 0;
  }
  std::ostringstream out;
  if (auto s = exec::execute(*compiled, f.store, f.scan, out); !s)
    finding("a compiled query failed: " + format(s.errors()), text);
  if (!nlohmann::json::accept(out.str()))
    finding("the response is not valid JSON: " + out.str().substr(0, 2000), text);
  for (const auto& root : compiled->optimised.roots)
    run_matches(sql::compile_matches(*root.type, root.where), f, text);
  return 0;
}
