// Unit tests of syntax::parse: every construct of the GraphQL grammar, value
// decoding (escapes, block strings), locations, the bare-selection shorthand,
// SDL, the errors a user sees (with exact line and column) and the depth limit.
// Suites are named syntax_* like the file, so that `ctest -R syntax` runs them.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "engine/syntax/parser.hpp"

namespace posture::syntax {
namespace {

Document parse_ok(std::string_view text) {
  auto result = parse(text, "test.graphql");
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : format(result.errors())) << "\nin: " << text;
  return result.ok() ? std::move(result).value() : Document{};
}

// The first diagnostic of a parse that must fail.
Diagnostic parse_error(std::string_view text, const ParseOptions& options = {}) {
  auto result = parse(text, "test.graphql", options);
  EXPECT_FALSE(result.ok()) << "expected an error for: " << text;
  if (result.ok()) return {};
  return result.errors().front();
}

const Value& argument(const Selection& s, std::string_view name) {
  static const Value missing;
  const Argument* a = s.argument(name);
  EXPECT_NE(a, nullptr) << "no argument " << name;
  return a ? a->value : missing;
}

// ---------------------------------------------------------------- operations

TEST(syntax_parser, ShorthandQuery) {
  Document doc = parse_ok("{ connectors { id name } }");
  ASSERT_EQ(doc.operations.size(), 1u);
  const OperationDefinition& op = doc.operations[0];
  EXPECT_EQ(op.operation, "query");
  EXPECT_EQ(op.name, "");
  EXPECT_FALSE(doc.bare_selection);
  ASSERT_EQ(op.selections.size(), 1u);
  const Selection& connectors = op.selections[0];
  EXPECT_EQ(connectors.kind, Selection::Kind::Field);
  EXPECT_EQ(connectors.name, "connectors");
  EXPECT_TRUE(connectors.has_selection_set);
  ASSERT_EQ(connectors.selections.size(), 2u);
  EXPECT_EQ(connectors.selections[1].name, "name");
  EXPECT_FALSE(connectors.selections[1].has_selection_set);
}

TEST(syntax_parser, NamedOperationsWithVariables) {
  Document doc = parse_ok(R"(
    query Checks($limit: Int = 10, $ids: [ID!]! @deprecated, $where: Filter = {a: [1, 2]})
        @check(id: "x") {
      connectors(where: $where, limit: $limit) { id }
    }
    mutation Touch { touch }
    subscription Watch($on: Boolean) { events }
  )");
  ASSERT_EQ(doc.operations.size(), 3u);
  const OperationDefinition& q = doc.operations[0];
  EXPECT_EQ(q.operation, "query");
  EXPECT_EQ(q.name, "Checks");
  ASSERT_EQ(q.variables.size(), 3u);
  EXPECT_EQ(q.variables[0].name, "limit");
  EXPECT_EQ(q.variables[0].type.name, "Int");
  EXPECT_FALSE(q.variables[0].type.non_null);
  ASSERT_TRUE(q.variables[0].default_value.has_value());
  EXPECT_EQ(q.variables[0].default_value->kind, Value::Kind::Int);
  EXPECT_EQ(q.variables[0].default_value->text, "10");
  const TypeRef& ids = q.variables[1].type;
  EXPECT_TRUE(ids.list);
  EXPECT_TRUE(ids.non_null);
  ASSERT_EQ(ids.item.size(), 1u);
  EXPECT_EQ(ids.item[0].name, "ID");
  EXPECT_TRUE(ids.item[0].non_null);
  EXPECT_EQ(ids.base_name(), "ID");
  ASSERT_EQ(q.variables[1].directives.size(), 1u);
  EXPECT_EQ(q.variables[1].directives[0].name, "deprecated");
  EXPECT_EQ(q.variables[2].default_value->field("a")->list.size(), 2u);
  ASSERT_NE(q.directive("check"), nullptr);
  EXPECT_EQ(q.directive("check")->argument("id")->text, "x");
  EXPECT_EQ(argument(q.selections[0], "where").kind, Value::Kind::Variable);
  EXPECT_EQ(argument(q.selections[0], "where").text, "where");
  EXPECT_EQ(doc.operations[1].operation, "mutation");
  EXPECT_EQ(doc.operations[1].name, "Touch");
  EXPECT_EQ(doc.operations[2].operation, "subscription");
  EXPECT_EQ(doc.operations[2].variables[0].name, "on");
}

TEST(syntax_parser, FieldsWithAliasArgumentsAndDirectives) {
  Document doc = parse_ok(R"({
    first: connectors(limit: 1) @include(if: $all) @skip(if: false) { id }
    count: connectorsAggregate { count }
  })");
  const Selection& first = doc.operations[0].selections[0];
  EXPECT_EQ(first.alias, "first");
  EXPECT_EQ(first.name, "connectors");
  EXPECT_EQ(first.response_key(), "first");
  EXPECT_EQ(argument(first, "limit").text, "1");
  ASSERT_EQ(first.directives.size(), 2u);
  EXPECT_EQ(first.directives[0].name, "include");
  EXPECT_EQ(first.directives[0].argument("if")->kind, Value::Kind::Variable);
  EXPECT_EQ(first.directives[1].name, "skip");
  EXPECT_FALSE(first.directives[1].argument("if")->boolean);
  EXPECT_EQ(doc.operations[0].selections[1].response_key(), "count");
}

TEST(syntax_parser, Fragments) {
  Document doc = parse_ok(R"(
    query { connectors { ...AssetFragment @include(if: true) ... on Connector { state }
                         ... @skip(if: false) { tenantId } ... { name } } }
    fragment AssetFragment on Asset @private { id name }
  )");
  const auto& sel = doc.operations[0].selections[0].selections;
  ASSERT_EQ(sel.size(), 4u);
  EXPECT_EQ(sel[0].kind, Selection::Kind::FragmentSpread);
  EXPECT_EQ(sel[0].name, "AssetFragment");
  EXPECT_EQ(sel[0].directives[0].name, "include");
  EXPECT_EQ(sel[1].kind, Selection::Kind::InlineFragment);
  EXPECT_EQ(sel[1].type_condition, "Connector");
  EXPECT_EQ(sel[1].selections[0].name, "state");
  EXPECT_EQ(sel[2].type_condition, "");
  EXPECT_EQ(sel[2].directives[0].name, "skip");
  EXPECT_EQ(sel[3].selections[0].name, "name");
  const FragmentDefinition* f = doc.fragment("AssetFragment");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->type_condition, "Asset");
  EXPECT_EQ(f->directives[0].name, "private");
  EXPECT_EQ(f->selections.size(), 2u);
  EXPECT_EQ(f->loc.line, 4);
  EXPECT_EQ(f->loc.column, 5);
}

// ---------------------------------------------------------------- values

TEST(syntax_parser, ValueLiterals) {
  Document doc = parse_ok(R"({ f(i: -12, z: 0, x: 1.5e3, y: -0.5, e: 2E-3, s: "str", t: true,
      n: null, en: HIGH, l: [1, "two", [3]], o: {a: {b: [{c: $v}]}}, empty: [], eo: {}) })");
  const Selection& f = doc.operations[0].selections[0];
  EXPECT_EQ(argument(f, "i").kind, Value::Kind::Int);
  EXPECT_EQ(argument(f, "i").text, "-12");
  EXPECT_EQ(argument(f, "z").text, "0");
  EXPECT_EQ(argument(f, "x").kind, Value::Kind::Float);
  EXPECT_EQ(argument(f, "x").text, "1.5e3");
  EXPECT_EQ(argument(f, "y").text, "-0.5");
  EXPECT_EQ(argument(f, "e").text, "2E-3");
  EXPECT_EQ(argument(f, "s").kind, Value::Kind::String);
  EXPECT_EQ(argument(f, "s").text, "str");
  EXPECT_EQ(argument(f, "t").kind, Value::Kind::Boolean);
  EXPECT_TRUE(argument(f, "t").boolean);
  EXPECT_EQ(argument(f, "n").kind, Value::Kind::Null);
  EXPECT_EQ(argument(f, "en").kind, Value::Kind::Enum);
  EXPECT_EQ(argument(f, "en").text, "HIGH");
  const Value& l = argument(f, "l");
  ASSERT_EQ(l.list.size(), 3u);
  EXPECT_EQ(l.list[1].text, "two");
  EXPECT_EQ(l.list[2].list[0].text, "3");
  const Value* c = argument(f, "o").field("a")->field("b")->list[0].field("c");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, Value::Kind::Variable);
  EXPECT_EQ(c->text, "v");
  EXPECT_EQ(argument(f, "empty").kind, Value::Kind::List);
  EXPECT_TRUE(argument(f, "empty").list.empty());
  EXPECT_EQ(argument(f, "eo").kind, Value::Kind::Object);
  EXPECT_TRUE(argument(f, "eo").fields.empty());
}

std::string string_argument(const std::string& literal) {
  Document doc = parse_ok("{ f(s: " + literal + ") }");
  if (doc.operations.empty()) return "<parse failed>";
  return doc.operations[0].selections[0].argument("s")->value.text;
}

TEST(syntax_parser, StringEscapesAreDecoded) {
  EXPECT_EQ(string_argument(R"("a\"b\\c\/d\b\f\n\r\t")"), "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(string_argument(R"("caf\u00e9 \u00E9")"), "caf\xC3\xA9 \xC3\xA9");
  EXPECT_EQ(string_argument(R"("\u20AC")"), "\xE2\x82\xAC");
  EXPECT_EQ(string_argument(R"("\uD83D\uDE00")"), "\xF0\x9F\x98\x80");  // a surrogate pair
  EXPECT_EQ(string_argument(R"("\u{1F600}")"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(string_argument("\"raw \xF0\x9F\x98\x80 utf8\""), "raw \xF0\x9F\x98\x80 utf8");
  EXPECT_EQ(string_argument(R"("")"), "");
  EXPECT_EQ(string_argument(R"("\\s*\\(\\$")"), R"(\s*\(\$)") << "the catalogue's regexes";
}

TEST(syntax_parser, BlockStringsAreDedented) {
  EXPECT_EQ(
      string_argument("\"\"\"\n    Hello,\n      World!\n\n    Yours,\n      GraphQL.\n  \"\"\""),
      "Hello,\n  World!\n\nYours,\n  GraphQL.");
  EXPECT_EQ(string_argument(R"("""first line kept
      second
    third""")"),
            "first line kept\n  second\nthird");
  EXPECT_EQ(string_argument(R"("""a "quoted" ""twice"" \""" b""")"),
            R"(a "quoted" ""twice"" """ b)");
  EXPECT_EQ(string_argument(R"("""no \n escapes \u0041""")"), R"(no \n escapes \u0041)");
  EXPECT_EQ(string_argument("\"\"\"\r\n  crlf\r\n  lines\r\n\"\"\""), "crlf\nlines");
  EXPECT_EQ(string_argument(R"("""""")"), "");
  EXPECT_EQ(string_argument("\"\"\"\n\t\ttabs\n\t\t  kept\n\"\"\""), "tabs\n  kept");
}

TEST(syntax_parser, CommentsAndCommasAreIgnored) {
  Document doc = parse_ok("# heading\n{ a, b,, c # trailing\n ,d }  # end");
  ASSERT_EQ(doc.operations[0].selections.size(), 4u);
  EXPECT_EQ(doc.operations[0].selections[3].name, "d");
  Document bom = parse_ok("\xEF\xBB\xBF{ a }");
  EXPECT_EQ(bom.operations[0].selections[0].loc.column, 3) << "the byte order mark takes no column";
}

TEST(syntax_parser, KeywordsAreNamesWhereTheSpecAllowsThem) {
  Document doc = parse_ok(
      "{ query type(on: type, fragment: on, input: null) true: false "
      "schema { enum } extend(with: [query, implements]) }");
  const auto& sel = doc.operations[0].selections;
  ASSERT_EQ(sel.size(), 5u);
  EXPECT_EQ(sel[0].name, "query");
  EXPECT_EQ(argument(sel[1], "on").kind, Value::Kind::Enum);
  EXPECT_EQ(argument(sel[1], "on").text, "type");
  EXPECT_EQ(argument(sel[1], "fragment").text, "on");
  EXPECT_EQ(argument(sel[1], "input").kind, Value::Kind::Null);
  EXPECT_EQ(sel[2].alias, "true");
  EXPECT_EQ(sel[2].name, "false");
  EXPECT_EQ(sel[3].selections[0].name, "enum");
  EXPECT_EQ(argument(sel[4], "with").list[1].text, "implements");
  Document frag = parse_ok("{ ...type } fragment type on query { fragment }");
  EXPECT_EQ(frag.fragments[0].name, "type");
  EXPECT_EQ(frag.fragments[0].type_condition, "query");
}

// ---------------------------------------------------------------- locations

TEST(syntax_parser, LocationsAreOneBasedLineAndColumn) {
  Document doc = parse_ok(
      "query Q {\n"
      "  connectors(where: {name: \"x\", tags: [1, $v]}) {\n"
      "    alias: id @skip(if: true)\n"
      "  }\n"
      "}\n");
  const OperationDefinition& op = doc.operations[0];
  EXPECT_EQ(op.loc.line, 1);
  EXPECT_EQ(op.loc.column, 1);
  const Selection& connectors = op.selections[0];
  EXPECT_EQ(connectors.loc.line, 2);
  EXPECT_EQ(connectors.loc.column, 3);
  const Argument* where = connectors.argument("where");
  EXPECT_EQ(where->loc.line, 2);
  EXPECT_EQ(where->loc.column, 14);
  EXPECT_EQ(where->value.loc.column, 21);
  EXPECT_EQ(where->value.fields[0].loc.column, 22);
  EXPECT_EQ(where->value.fields[0].value.loc.column, 28);
  EXPECT_EQ(where->value.fields[1].value.loc.column, 39);
  EXPECT_EQ(where->value.fields[1].value.list[1].loc.column, 43);
  const Selection& id = connectors.selections[0];
  EXPECT_EQ(id.loc.line, 3);
  EXPECT_EQ(id.loc.column, 5);
  EXPECT_EQ(id.directives[0].loc.column, 15);
  Document unicode = parse_ok("{ a(s: \"\xC3\xA9\xF0\x9F\x98\x80\") b }");
  EXPECT_EQ(unicode.operations[0].selections[1].loc.column, 14) << "columns count characters";
  Document tabs = parse_ok("\t{\r\n\tx\r}");
  EXPECT_EQ(tabs.operations[0].selections[0].loc.line, 2);
  EXPECT_EQ(tabs.operations[0].selections[0].loc.column, 2);
}

// ---------------------------------------------------------------- bare selections

TEST(syntax_parser, BareSelection) {
  Document doc = parse_ok(
      "connectors(where: {securityContacts_SOME: {email: \"\"}}) {\n  ...AssetFragment\n}");
  EXPECT_TRUE(doc.bare_selection);
  ASSERT_EQ(doc.operations.size(), 1u);
  const OperationDefinition& op = doc.operations[0];
  EXPECT_EQ(op.operation, "query");
  EXPECT_EQ(op.name, "");
  EXPECT_EQ(op.loc.line, 1);
  EXPECT_EQ(op.loc.column, 1);
  ASSERT_EQ(op.selections.size(), 1u);
  EXPECT_EQ(op.selections[0].name, "connectors");
  EXPECT_EQ(op.selections[0].selections[0].kind, Selection::Kind::FragmentSpread);
  EXPECT_EQ(op.selections[0].selections[0].name, "AssetFragment");
  EXPECT_EQ(op.selections[0].selections[0].loc.line, 2);
}

TEST(syntax_parser, SeveralBareSelections) {
  Document doc =
      parse_ok("GWTwoAdmins{...AssetFragment}\nb: buckets(x: 1) { id } ...F ... on T { a }");
  EXPECT_TRUE(doc.bare_selection);
  const auto& sel = doc.operations.at(0).selections;
  ASSERT_EQ(sel.size(), 4u);
  EXPECT_EQ(sel[0].name, "GWTwoAdmins");
  EXPECT_EQ(sel[1].alias, "b");
  EXPECT_EQ(sel[2].kind, Selection::Kind::FragmentSpread);
  EXPECT_EQ(sel[3].kind, Selection::Kind::InlineFragment);
  EXPECT_TRUE(parse_ok("...AssetFragment").bare_selection);
}

TEST(syntax_parser, BareSelectionOfAFieldNamedLikeAKeyword) {
  Document type = parse_ok("type(where: {}) { id }");
  EXPECT_TRUE(type.bare_selection);
  EXPECT_EQ(type.operations[0].selections[0].name, "type");
  Document query = parse_ok("query(where: {a: 1}) { id }");
  EXPECT_TRUE(query.bare_selection);
  EXPECT_TRUE(parse_ok("type: connectors { id }").bare_selection);
  EXPECT_TRUE(parse_ok("type @include(if: true) { id }").bare_selection);
  EXPECT_TRUE(parse_ok("fragment { id }").bare_selection);
  EXPECT_FALSE(parse_ok("query { id }").bare_selection) << "a definition, as in the specification";
  EXPECT_FALSE(parse_ok("query ($v: Int) { id(v: $v) }").bare_selection);
  EXPECT_FALSE(parse_ok("query @d { id }").bare_selection);
  EXPECT_FALSE(parse_ok("directive @d on FIELD").bare_selection);
  EXPECT_FALSE(parse_ok("schema @d { query: Q }").bare_selection);
  // A lone keyword-named field first is read as the definition it looks like.
  EXPECT_FALSE(parse("fragment F { a }").ok());
}

TEST(syntax_parser, EmptyDocuments) {
  for (const char* text : {"", "   \n\t", "# Manual query", "# a\n# b\n,,,", "\xEF\xBB\xBF"}) {
    Document doc = parse_ok(text);
    EXPECT_TRUE(doc.empty()) << text;
    EXPECT_FALSE(doc.bare_selection);
  }
}

// ---------------------------------------------------------------- SDL

TEST(syntax_parser, TypeSystemDefinitions) {
  Document doc = parse_ok(R"SDL(
schema { query: Query }
"A scalar." scalar DateTime @specifiedBy(url: "https://example.com")
"""
Fields every asset has.
"""
interface Asset { id: ID! }
interface Resource implements Asset { id: ID! }
"An Azure subscription."
type Connector implements & Asset & Resource @store(table: "connector", plural: "connectors") {
  "The ARM id."
  id: ID!
  securityContacts(
    "Filter."
    where: ContactWhere, limit: Int = 10 @deprecated
  ): [SecurityContact!]! @relationship(type: "HAS_SECURITY_CONTACT", direction: OUT)
  type: String
}
union Any = | Connector | SecurityContact
enum Severity { "Most." HIGH @deprecated MEDIUM LOW }
input ContactWhere { email: String = "x", AND: [ContactWhere!] }
"Marks a table." directive @store(table: String!, plural: String) repeatable on | OBJECT | INTERFACE
extend type Connector @extra { tenant: String }
extend schema @linked
extend scalar DateTime @x
)SDL");
  ASSERT_EQ(doc.types.size(), 9u);
  const TypeDefinition& scalar = doc.types[0];
  EXPECT_EQ(scalar.kind, TypeDefinition::Kind::Scalar);
  EXPECT_EQ(scalar.description, "A scalar.");
  EXPECT_EQ(scalar.directives[0].name, "specifiedBy");
  EXPECT_EQ(doc.types[1].description, "Fields every asset has.");
  EXPECT_EQ(doc.types[1].kind, TypeDefinition::Kind::Interface);
  EXPECT_EQ(doc.types[2].interfaces, std::vector<std::string>{"Asset"});
  const TypeDefinition& connector = doc.types[3];
  EXPECT_EQ(connector.kind, TypeDefinition::Kind::Object);
  EXPECT_EQ(connector.name, "Connector");
  EXPECT_EQ(connector.description, "An Azure subscription.");
  EXPECT_EQ(connector.loc.line, 9) << "a definition starts at its description";
  EXPECT_EQ(connector.interfaces, (std::vector<std::string>{"Asset", "Resource"}));
  EXPECT_EQ(connector.directive("store")->argument("plural")->text, "connectors");
  ASSERT_EQ(connector.fields.size(), 3u);
  EXPECT_EQ(connector.fields[0].description, "The ARM id.");
  EXPECT_TRUE(connector.fields[0].type.non_null);
  const FieldDefinition& contacts = connector.fields[1];
  ASSERT_EQ(contacts.arguments.size(), 2u);
  EXPECT_EQ(contacts.arguments[0].description, "Filter.");
  EXPECT_EQ(contacts.arguments[1].default_value->text, "10");
  EXPECT_EQ(contacts.arguments[1].directives[0].name, "deprecated");
  EXPECT_EQ(contacts.type.base_name(), "SecurityContact");
  EXPECT_EQ(contacts.directive("relationship")->argument("direction")->text, "OUT");
  EXPECT_EQ(connector.fields[2].name, "type");
  EXPECT_EQ(doc.types[4].kind, TypeDefinition::Kind::Union);
  EXPECT_EQ(doc.types[4].values, (std::vector<std::string>{"Connector", "SecurityContact"}));
  EXPECT_EQ(doc.types[5].values, (std::vector<std::string>{"HIGH", "MEDIUM", "LOW"}));
  EXPECT_EQ(doc.types[6].kind, TypeDefinition::Kind::InputObject);
  EXPECT_EQ(doc.types[6].input_fields[1].type.item[0].name, "ContactWhere");
  ASSERT_EQ(doc.directive_definitions.size(), 1u);
  const DirectiveDefinition& store = doc.directive_definitions[0];
  EXPECT_EQ(store.name, "store");
  EXPECT_EQ(store.description, "Marks a table.");
  EXPECT_TRUE(store.repeatable);
  EXPECT_EQ(store.locations, (std::vector<std::string>{"OBJECT", "INTERFACE"}));
  EXPECT_EQ(store.arguments[0].type.name, "String");
  EXPECT_TRUE(doc.types[7].extension);
  EXPECT_EQ(doc.types[7].fields[0].name, "tenant");
  EXPECT_TRUE(doc.types[8].extension);
  EXPECT_EQ(doc.types[8].kind, TypeDefinition::Kind::Scalar);
}

TEST(syntax_parser, TheRepositorySchemaParses) {
  std::ifstream in(POSTURE_SOURCE_DIR "/engine/schema/assets.graphql");
  ASSERT_TRUE(in) << "cannot read engine/schema/assets.graphql";
  std::stringstream text;
  text << in.rdbuf();
  Document doc = parse_ok(text.str());
  EXPECT_GE(doc.types.size(), 3u);
  bool found = false;
  for (const TypeDefinition& t : doc.types)
    if (t.name == "Connector") found = !t.fields.empty() && !t.interfaces.empty();
  EXPECT_TRUE(found);
}

// ---------------------------------------------------------------- errors

void expect_error(std::string_view text, int line, int column, std::string_view message_part,
                  std::string_view code = "syntax") {
  Diagnostic d = parse_error(text);
  EXPECT_EQ(d.code, code) << text;
  EXPECT_EQ(d.where.source, "test.graphql");
  EXPECT_EQ(d.where.line, line) << d.message << "\nin: " << text;
  EXPECT_EQ(d.where.column, column) << d.message << "\nin: " << text;
  EXPECT_NE(d.message.find(message_part), std::string::npos)
      << "message: " << d.message << "\nwanted: " << message_part;
}

TEST(syntax_parser_errors, LexicalErrors) {
  expect_error("{ a(s: \"abc) }", 1, 8, "unterminated string");
  expect_error("{\n  a(s: \"\"\"never\n closed) }", 2, 8, "unterminated block string");
  expect_error("{ a(s: \"ab\\qc\") }", 1, 11, "invalid escape sequence '\\q'");
  expect_error("{ a(s: \"x\\u12G4\") }", 1, 10, "invalid Unicode escape sequence '\\u12G4'");
  expect_error("{ a(s: \"\\uD83D alone\") }", 1, 9, "unpaired surrogate");
  expect_error("{ a(s: \"\\uDE00\") }", 1, 9, "unpaired surrogate");
  expect_error("{ a(s: \"\xC3\xA9\\x\") }", 1, 10, "invalid escape");  // columns count characters
  expect_error("{ a % }", 1, 5, "unexpected character '%'");
  expect_error("{ a(s: 'x') }", 1, 8, "unexpected character '''");
  expect_error("{ a\x01 }", 1, 4, "unexpected character U+0001");
  expect_error("{ a(x: 0123) }", 1, 8, "invalid number '0123'");
  expect_error("{ a(x: 1.) }", 1, 8, "invalid number '1.'");
  expect_error("{ a(x: 12ab) }", 1, 8, "invalid number '12ab'");
  expect_error("{ a(x: - 1) }", 1, 8, "unexpected character '-'");
  EXPECT_EQ(parse_error("{ a(x: .5) }").hints.at(0), "a number starts with a digit: 0.5");
  expect_error("{ a }\n\xFF", 2, 1, "not valid UTF-8");
}

TEST(syntax_parser_errors, ParseErrors) {
  expect_error("{ a(x: 1 }", 1, 10, "expected a name or ')' but found '}'");
  expect_error("{ a } }", 1, 7, "expected a definition or end of input but found '}'");
  expect_error("{\n  a {\n    b\n  }\n", 5, 1, "but found end of input");
  expect_error("{\n  a {\n    b\n  }\n", 5, 1, "'{' at line 1, column 1 is never closed");
  expect_error("{ a(where: {x: }) }", 1, 16, "expected a value but found '}'");
  expect_error("query ($x Int) { a }", 1, 11, "expected ':' but found 'Int'");
  expect_error("query Q {\n  a\n  b(\n}", 4, 1, "expected a name but found '}'");
  expect_error("fragment F { a }", 1, 12, "expected 'on' but found '{'");
  expect_error("fragment on on T { a }", 1, 10, "'on'");
  expect_error("connectors(where: {a: 1} {...AssetFragment}", 1, 26, "but found '{'");
  expect_error("{ a: : b }", 1, 6, "expected a name but found ':'");
  expect_error("{ }", 1, 3, "but found '}'");
  expect_error(")", 1, 1, "expected a definition or end of input but found ')'");
  expect_error("{ f(s: \"a\" \"b\") }", 1, 12, "but found the string \"b\"");
  expect_error("{ ... }", 1, 7, "unexpected '}' after '...'");
  expect_error("\"A description.\" { a }", 1, 18,
               "expected a type-system definition but found '{'");
  expect_error("connectors { id } }", 1, 19,
               "expected a name, '...' or end of input but found '}'");
}

TEST(syntax_parser_errors, BracesAfterABodilessTypeAreItsBody) {
  // The specification's [lookahead != {]: these braces are not a query.
  expect_error("type Foo { a }", 1, 10,
               "the braces after 'type Foo' must hold its field definitions");
  expect_error("enum E { true }", 1, 8, "the braces after 'enum E' must hold its values");
  expect_error("extend input I { a }", 1, 16, "'extend input I' must hold its field definitions");
  expect_error("extend schema @d { a }", 1, 18, "'extend schema' must hold root operation types");
  Document ok = parse_ok("type Foo\n\"next\" type Bar { a: Int }\nscalar S { a }");
  EXPECT_EQ(ok.types.size(), 3u);
  EXPECT_EQ(ok.operations.size(), 1u) << "a scalar has no body: the braces are a query";
}

TEST(syntax_parser_errors, RulesBeyondTheGrammar) {
  expect_error("query ($x: Int = $y) { a }", 1, 18, "a default value cannot use a variable");
  expect_error("directive @d on FEILD", 1, 17, "unknown directive location 'FEILD'");
  EXPECT_EQ(parse_error("directive @d on FEILD").hints.at(0), "did you mean 'FIELD'?");
  expect_error("extend type Foo", 1, 1, "adds nothing");
  expect_error("schema @d", 1, 1, "root operation types");
}

TEST(syntax_parser_errors, EveryPrefixOfAQueryFailsCleanly) {
  const std::string text = R"(query Q($v: [Int!] = [1]) { a: connectors(where: {name: "x\u00e9",
    OR: [{b_IN: [1, 2.5e3]}, {c: """block"""}]}) @skip(if: $v) { ...F ... on T { id } } }
    fragment F on Connector { id })";
  for (std::size_t n = 0; n < text.size(); ++n) {
    auto result = parse(text.substr(0, n));  // must not throw or crash
    if (!result.ok()) {
      EXPECT_GE(result.errors().front().where.line, 1) << text.substr(0, n);
      EXPECT_FALSE(result.errors().front().message.empty());
    }
  }
  EXPECT_TRUE(parse(text).ok());
}

// ---------------------------------------------------------------- depth

TEST(syntax_parser_depth, TenThousandNestedListsAreTooDeep) {
  std::string text = "{ a(x: " + std::string(10000, '[') + std::string(10000, ']') + ") }";
  Diagnostic d = parse_error(text);
  EXPECT_EQ(d.code, "too-deep");
  EXPECT_EQ(d.where.line, 1);
  EXPECT_EQ(d.where.column, 8 + 254) << "the first bracket over the limit of 256";
}

TEST(syntax_parser_depth, DeepSelectionsAndObjectsAreTooDeep) {
  std::string selections;
  for (int i = 0; i < 10000; ++i) selections += "a {";
  EXPECT_EQ(parse_error(selections + "b" + std::string(10000, '}')).code, "too-deep");
  std::string objects;
  for (int i = 0; i < 20000; ++i) objects += "{a:";
  EXPECT_EQ(parse_error("{ f(x: " + objects).code, "too-deep") << "even when unterminated";
}

TEST(syntax_parser_depth, TheLimitIsAnOption) {
  ParseOptions three;
  three.max_depth = 3;
  EXPECT_TRUE(parse("{ a(x: [1]) }", "<query>", three).ok());
  EXPECT_EQ(parse_error("{ a(x: [[1]]) }", three).code, "too-deep");
  std::string deep = "{ a(x: " + std::string(200, '[') + std::string(200, ']') + ") }";
  EXPECT_TRUE(parse(deep).ok()) << "200 levels are within the default limit";
}

TEST(syntax_parser_depth, AHugeLimitIsCappedToWhatTheStackHolds) {
  ParseOptions huge;
  huge.max_depth = 1'000'000;
  std::string selections;
  for (int i = 0; i < 50000; ++i) selections += "a {";
  auto result = parse(selections + "b" + std::string(50000, '}'), "<query>", huge);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.errors().front().code, "too-deep");
  EXPECT_NE(result.errors().front().message.find("1000"), std::string::npos);
  std::string nested = "{ a(x: " + std::string(900, '[') + std::string(900, ']') + ") }";
  EXPECT_TRUE(parse(nested, "<query>", huge).ok()) << "900 levels when the caller allows them";
}

}  // namespace
}  // namespace posture::syntax
