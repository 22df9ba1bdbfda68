// Builds the syntax tree (ast.hpp) from the generated parser's contexts: one
// method per grammar rule, each taking the typed context and returning the
// AST node. Locations are the first token's line and column, 1-based.
#include "engine/syntax/parse_tree_builder.hpp"

#include <antlr4-runtime.h>

#include <array>

#include "GraphQLParser.h"
#include "engine/syntax/string_literals.hpp"

namespace posture::syntax::detail {

namespace {

using G = posture::grammar::GraphQLParser;

constexpr std::array<std::string_view, 19> kDirectiveLocations = {"QUERY",
                                                                  "MUTATION",
                                                                  "SUBSCRIPTION",
                                                                  "FIELD",
                                                                  "FRAGMENT_DEFINITION",
                                                                  "FRAGMENT_SPREAD",
                                                                  "INLINE_FRAGMENT",
                                                                  "VARIABLE_DEFINITION",
                                                                  "SCHEMA",
                                                                  "SCALAR",
                                                                  "OBJECT",
                                                                  "FIELD_DEFINITION",
                                                                  "ARGUMENT_DEFINITION",
                                                                  "INTERFACE",
                                                                  "UNION",
                                                                  "ENUM",
                                                                  "ENUM_VALUE",
                                                                  "INPUT_OBJECT",
                                                                  "INPUT_FIELD_DEFINITION"};

std::string text_of(antlr4::ParserRuleContext* ctx) {
  return ctx->getStart()->getText();
}

const char* kind_keyword(TypeDefinition::Kind kind) {
  switch (kind) {
    case TypeDefinition::Kind::Scalar:
      return "scalar";
    case TypeDefinition::Kind::Object:
      return "type";
    case TypeDefinition::Kind::Interface:
      return "interface";
    case TypeDefinition::Kind::Union:
      return "union";
    case TypeDefinition::Kind::Enum:
      return "enum";
    case TypeDefinition::Kind::InputObject:
      return "input";
  }
  return "type";
}

class TreeBuilder {
 public:
  explicit TreeBuilder(std::string_view source) : source_(source) {}

  Document document(G::DocumentContext& ctx);
  Document bare(G::BareSelectionsContext& ctx);
  Diagnostics& errors() { return errors_; }

 private:
  static Location loc(const antlr4::Token* t) {
    return {static_cast<int>(t->getLine()), static_cast<int>(t->getCharPositionInLine()) + 1};
  }
  static Location loc(antlr4::ParserRuleContext* ctx) { return loc(ctx->getStart()); }
  void error(const Location& at, std::string message, std::string hint = {});

  // Executable definitions.
  OperationDefinition operation(G::OperationDefinitionContext& ctx);
  FragmentDefinition fragment(G::FragmentDefinitionContext& ctx);
  std::vector<Selection> selections(G::SelectionSetContext* ctx);
  Selection selection(G::SelectionContext& ctx);
  Selection field(G::FieldContext& ctx);
  std::vector<Argument> arguments(G::ArgumentsContext* ctx);
  std::vector<Directive> directives(G::DirectivesContext* ctx);
  std::vector<VariableDefinition> variables(G::VariableDefinitionsContext* ctx);
  std::optional<Value> default_value(G::DefaultValueContext* ctx);
  TypeRef type_ref(G::TypeRefContext& ctx);
  Value value(G::ValueContext& ctx);
  std::string string_value(G::StringValueContext& ctx);
  void require_constant(const Value& value);

  // Type-system definitions.
  void type_system_definition(G::TypeSystemDefinitionContext& ctx, Document& doc);
  void type_system_extension(G::TypeSystemExtensionContext& ctx, Document& doc);
  void schema_definition(G::SchemaDefinitionContext& ctx, bool extension);
  TypeDefinition type_definition(G::TypeDefinitionContext& ctx);
  void object_like(TypeDefinition& def, G::ImplementsInterfacesContext* interfaces,
                   G::FieldsDefinitionContext* fields);
  FieldDefinition field_definition(G::FieldDefinitionContext& ctx);
  std::vector<InputValueDefinition> input_values(
      const std::vector<G::InputValueDefinitionContext*>& list);
  DirectiveDefinition directive_definition(G::DirectiveDefinitionContext& ctx);
  std::string description(G::DescriptionContext* ctx) {
    return ctx ? string_value(*ctx->stringValue()) : std::string();
  }

  std::string_view source_;
  Diagnostics errors_;
};

void TreeBuilder::error(const Location& at, std::string message, std::string hint) {
  Diagnostic d = Diagnostic::error("syntax", std::move(message),
                                   SourceLocation{std::string(source_), at.line, at.column});
  if (!hint.empty()) d.hints.push_back(std::move(hint));
  errors_.push_back(std::move(d));
}

// The specification's [lookahead != {]: a type, interface, enum or input
// definition (or extension, or `extend schema`) without a body may not be
// followed by `{`. ANTLR reads such braces as a query; this says what they
// must hold instead, or "" when `def` is not such a definition.
std::string braces_must_hold(G::DefinitionContext& def) {
  G::TypeDefinitionContext* type = nullptr;
  std::string what = "'";
  if (auto* definition = def.typeSystemDefinition()) {
    type = definition->typeDefinition();
  } else if (auto* extension = def.typeSystemExtension()) {
    what += "extend ";
    auto* schema = extension->schemaDefinition();
    if (schema && !schema->rootOperationTypes())
      return "'extend schema' must hold root operation types (query: Query)";
    type = extension->typeDefinition();
  }
  if (!type) return {};
  if (auto* o = type->objectTypeDefinition(); o && !o->fieldsDefinition())
    return what + "type " + text_of(o->name()) + "' must hold its field definitions (name: Type)";
  if (auto* i = type->interfaceTypeDefinition(); i && !i->fieldsDefinition())
    return what + "interface " + text_of(i->name()) +
           "' must hold its field definitions (name: Type)";
  if (auto* e = type->enumTypeDefinition(); e && !e->enumValuesDefinition())
    return what + "enum " + text_of(e->name()) +
           "' must hold its values (names other than true, false and null)";
  if (auto* in = type->inputObjectTypeDefinition(); in && !in->inputFieldsDefinition())
    return what + "input " + text_of(in->name()) + "' must hold its field definitions (name: Type)";
  return {};
}

Document TreeBuilder::document(G::DocumentContext& ctx) {
  Document doc;
  std::vector<G::DefinitionContext*> definitions = ctx.definition();
  for (std::size_t i = 0; i < definitions.size(); ++i) {
    G::DefinitionContext* def = definitions[i];
    if (i + 1 < definitions.size() && definitions[i + 1]->getStart()->getType() == G::LBRACE) {
      std::string must_hold = braces_must_hold(*def);
      if (!must_hold.empty()) error(loc(definitions[i + 1]), "the braces after " + must_hold);
    }
    if (auto* exec = def->executableDefinition()) {
      if (auto* op = exec->operationDefinition())
        doc.operations.push_back(operation(*op));
      else
        doc.fragments.push_back(fragment(*exec->fragmentDefinition()));
    } else if (auto* type_system = def->typeSystemDefinition()) {
      type_system_definition(*type_system, doc);
    } else {
      type_system_extension(*def->typeSystemExtension(), doc);
    }
  }
  return doc;
}

Document TreeBuilder::bare(G::BareSelectionsContext& ctx) {
  Document doc;
  doc.bare_selection = true;
  OperationDefinition op;
  op.loc = loc(&ctx);
  for (G::SelectionContext* s : ctx.selection()) op.selections.push_back(selection(*s));
  doc.operations.push_back(std::move(op));
  return doc;
}

// ---------------------------------------------------------------- executable

OperationDefinition TreeBuilder::operation(G::OperationDefinitionContext& ctx) {
  OperationDefinition op;
  op.loc = loc(&ctx);
  if (auto* type = ctx.operationType()) op.operation = text_of(type);
  if (auto* name = ctx.name()) op.name = text_of(name);
  op.variables = variables(ctx.variableDefinitions());
  op.directives = directives(ctx.directives());
  op.selections = selections(ctx.selectionSet());
  return op;
}

FragmentDefinition TreeBuilder::fragment(G::FragmentDefinitionContext& ctx) {
  FragmentDefinition def;
  def.loc = loc(&ctx);
  def.name = text_of(ctx.fragmentName());
  def.type_condition = text_of(ctx.typeCondition()->namedType());
  def.directives = directives(ctx.directives());
  def.selections = selections(ctx.selectionSet());
  return def;
}

std::vector<Selection> TreeBuilder::selections(G::SelectionSetContext* ctx) {
  std::vector<Selection> out;
  if (!ctx) return out;
  std::vector<G::SelectionContext*> list = ctx->selection();
  out.reserve(list.size());
  for (G::SelectionContext* s : list) out.push_back(selection(*s));
  return out;
}

Selection TreeBuilder::selection(G::SelectionContext& ctx) {
  if (auto* f = ctx.field()) return field(*f);
  Selection s;
  s.loc = loc(&ctx);
  if (auto* spread = ctx.fragmentSpread()) {
    s.kind = Selection::Kind::FragmentSpread;
    s.name = text_of(spread->fragmentName());
    s.directives = directives(spread->directives());
    return s;
  }
  G::InlineFragmentContext* inline_fragment = ctx.inlineFragment();
  s.kind = Selection::Kind::InlineFragment;
  if (auto* condition = inline_fragment->typeCondition())
    s.type_condition = text_of(condition->namedType());
  s.directives = directives(inline_fragment->directives());
  s.has_selection_set = true;
  s.selections = selections(inline_fragment->selectionSet());
  return s;
}

Selection TreeBuilder::field(G::FieldContext& ctx) {
  Selection s;
  s.kind = Selection::Kind::Field;
  s.loc = loc(&ctx);
  if (auto* alias = ctx.alias()) s.alias = text_of(alias->name());
  s.name = text_of(ctx.name());
  s.arguments = arguments(ctx.arguments());
  s.directives = directives(ctx.directives());
  if (auto* set = ctx.selectionSet()) {
    s.has_selection_set = true;
    s.selections = selections(set);
  }
  return s;
}

std::vector<Argument> TreeBuilder::arguments(G::ArgumentsContext* ctx) {
  std::vector<Argument> out;
  if (!ctx) return out;
  for (G::ArgumentContext* a : ctx->argument())
    out.push_back(Argument{text_of(a->name()), loc(a), value(*a->value())});
  return out;
}

std::vector<Directive> TreeBuilder::directives(G::DirectivesContext* ctx) {
  std::vector<Directive> out;
  if (!ctx) return out;
  for (G::DirectiveContext* d : ctx->directive())
    out.push_back(Directive{text_of(d->name()), loc(d), arguments(d->arguments())});
  return out;
}

std::vector<VariableDefinition> TreeBuilder::variables(G::VariableDefinitionsContext* ctx) {
  std::vector<VariableDefinition> out;
  if (!ctx) return out;
  for (G::VariableDefinitionContext* v : ctx->variableDefinition()) {
    VariableDefinition def;
    def.name = text_of(v->variable()->name());
    def.loc = loc(v);
    def.type = type_ref(*v->typeRef());
    def.default_value = default_value(v->defaultValue());
    def.directives = directives(v->directives());
    out.push_back(std::move(def));
  }
  return out;
}

std::optional<Value> TreeBuilder::default_value(G::DefaultValueContext* ctx) {
  if (!ctx) return std::nullopt;
  Value v = value(*ctx->value());
  require_constant(v);
  return v;
}

void TreeBuilder::require_constant(const Value& v) {
  if (v.kind == Value::Kind::Variable)
    error(v.loc, "a default value cannot use a variable ('$" + v.text + "')");
  for (const Value& item : v.list) require_constant(item);
  for (const ObjectField& f : v.fields) require_constant(f.value);
}

TypeRef TreeBuilder::type_ref(G::TypeRefContext& ctx) {
  TypeRef t;
  t.loc = loc(&ctx);
  t.non_null = ctx.BANG() != nullptr;
  if (auto* named = ctx.namedType()) {
    t.name = text_of(named);
  } else {
    t.list = true;
    t.item.push_back(type_ref(*ctx.listType()->typeRef()));
  }
  return t;
}

Value TreeBuilder::value(G::ValueContext& ctx) {
  Value v;
  const antlr4::Token* start = ctx.getStart();
  v.loc = loc(start);
  switch (start->getType()) {
    case G::DOLLAR:
      v.kind = Value::Kind::Variable;
      v.text = text_of(ctx.variable()->name());
      break;
    case G::INT:
    case G::FLOAT:
      v.kind = start->getType() == G::INT ? Value::Kind::Int : Value::Kind::Float;
      v.text = start->getText();
      break;
    case G::STRING:
    case G::BLOCK_STRING:
      v.kind = Value::Kind::String;
      v.text = string_value(*ctx.stringValue());
      break;
    case G::KW_TRUE:
    case G::KW_FALSE:
      v.kind = Value::Kind::Boolean;
      v.boolean = start->getType() == G::KW_TRUE;
      break;
    case G::KW_NULL:
      v.kind = Value::Kind::Null;
      break;
    case G::LBRACKET:
      v.kind = Value::Kind::List;
      for (G::ValueContext* item : ctx.listValue()->value()) v.list.push_back(value(*item));
      break;
    case G::LBRACE:
      v.kind = Value::Kind::Object;
      for (G::ObjectFieldContext* f : ctx.objectValue()->objectField())
        v.fields.push_back(ObjectField{text_of(f->name()), loc(f), value(*f->value())});
      break;
    default:
      v.kind = Value::Kind::Enum;
      v.text = start->getText();
      break;
  }
  return v;
}

std::string TreeBuilder::string_value(G::StringValueContext& ctx) {
  const antlr4::Token* token = ctx.getStart();
  std::string literal = token->getText();
  if (token->getType() == G::BLOCK_STRING) return decode_block_string_literal(literal);
  std::string decoded;
  StringLiteralError failure;
  if (!decode_string_literal(literal, decoded, failure)) {
    // The token scan has already reported this; kept for safety.
    Location at = loc(token);
    at.column += static_cast<int>(count_code_points(literal.substr(0, failure.offset)));
    error(at, failure.message);
  }
  return decoded;
}

// ---------------------------------------------------------------- type system

void TreeBuilder::type_system_definition(G::TypeSystemDefinitionContext& ctx, Document& doc) {
  std::string text = description(ctx.description());
  if (auto* type = ctx.typeDefinition()) {
    TypeDefinition def = type_definition(*type);
    def.description = std::move(text);
    def.loc = loc(&ctx);
    doc.types.push_back(std::move(def));
  } else if (auto* directive = ctx.directiveDefinition()) {
    DirectiveDefinition def = directive_definition(*directive);
    def.description = std::move(text);
    def.loc = loc(&ctx);
    doc.directive_definitions.push_back(std::move(def));
  } else {
    schema_definition(*ctx.schemaDefinition(), false);
  }
}

void TreeBuilder::type_system_extension(G::TypeSystemExtensionContext& ctx, Document& doc) {
  if (auto* schema = ctx.schemaDefinition()) return schema_definition(*schema, true);
  TypeDefinition def = type_definition(*ctx.typeDefinition());
  def.extension = true;
  def.loc = loc(&ctx);
  if (def.directives.empty() && def.interfaces.empty() && def.fields.empty() &&
      def.input_fields.empty() && def.values.empty())
    error(def.loc,
          std::string("'extend ") + kind_keyword(def.kind) + " " + def.name + "' adds nothing",
          "an extension adds directives, interfaces, fields, values or members");
  doc.types.push_back(std::move(def));
}

// Schema definitions are checked but not kept: the AST has no node for them
// (Posture's schema has no root operation types to declare).
void TreeBuilder::schema_definition(G::SchemaDefinitionContext& ctx, bool extension) {
  if (ctx.rootOperationTypes()) return;
  if (!extension)
    error(loc(&ctx), "a schema definition must list its root operation types",
          "schema { query: Query }");
  else if (!ctx.directives())
    error(loc(&ctx), "'extend schema' adds nothing",
          "an extension adds directives or root operation types");
}

TypeDefinition TreeBuilder::type_definition(G::TypeDefinitionContext& ctx) {
  TypeDefinition def;
  def.loc = loc(&ctx);
  if (auto* scalar = ctx.scalarTypeDefinition()) {
    def.kind = TypeDefinition::Kind::Scalar;
    def.name = text_of(scalar->name());
    def.directives = directives(scalar->directives());
  } else if (auto* object = ctx.objectTypeDefinition()) {
    def.kind = TypeDefinition::Kind::Object;
    def.name = text_of(object->name());
    def.directives = directives(object->directives());
    object_like(def, object->implementsInterfaces(), object->fieldsDefinition());
  } else if (auto* interface = ctx.interfaceTypeDefinition()) {
    def.kind = TypeDefinition::Kind::Interface;
    def.name = text_of(interface->name());
    def.directives = directives(interface->directives());
    object_like(def, interface->implementsInterfaces(), interface->fieldsDefinition());
  } else if (auto* union_type = ctx.unionTypeDefinition()) {
    def.kind = TypeDefinition::Kind::Union;
    def.name = text_of(union_type->name());
    def.directives = directives(union_type->directives());
    if (auto* members = union_type->unionMemberTypes())
      for (G::NamedTypeContext* member : members->namedType())
        def.values.push_back(text_of(member));
  } else if (auto* enum_type = ctx.enumTypeDefinition()) {
    def.kind = TypeDefinition::Kind::Enum;
    def.name = text_of(enum_type->name());
    def.directives = directives(enum_type->directives());
    if (auto* values = enum_type->enumValuesDefinition())
      for (G::EnumValueDefinitionContext* v : values->enumValueDefinition())
        def.values.push_back(text_of(v->enumValue()));
  } else if (auto* input = ctx.inputObjectTypeDefinition()) {
    def.kind = TypeDefinition::Kind::InputObject;
    def.name = text_of(input->name());
    def.directives = directives(input->directives());
    if (auto* fields = input->inputFieldsDefinition())
      def.input_fields = input_values(fields->inputValueDefinition());
  }
  return def;
}

void TreeBuilder::object_like(TypeDefinition& def, G::ImplementsInterfacesContext* interfaces,
                              G::FieldsDefinitionContext* fields) {
  if (interfaces)
    for (G::NamedTypeContext* named : interfaces->namedType())
      def.interfaces.push_back(text_of(named));
  if (fields)
    for (G::FieldDefinitionContext* f : fields->fieldDefinition())
      def.fields.push_back(field_definition(*f));
}

FieldDefinition TreeBuilder::field_definition(G::FieldDefinitionContext& ctx) {
  FieldDefinition def;
  def.description = description(ctx.description());
  def.name = text_of(ctx.name());
  def.loc = loc(&ctx);
  if (auto* args = ctx.argumentsDefinition())
    def.arguments = input_values(args->inputValueDefinition());
  def.type = type_ref(*ctx.typeRef());
  def.directives = directives(ctx.directives());
  return def;
}

std::vector<InputValueDefinition> TreeBuilder::input_values(
    const std::vector<G::InputValueDefinitionContext*>& list) {
  std::vector<InputValueDefinition> out;
  for (G::InputValueDefinitionContext* v : list) {
    InputValueDefinition def;
    def.description = description(v->description());
    def.name = text_of(v->name());
    def.loc = loc(v);
    def.type = type_ref(*v->typeRef());
    def.default_value = default_value(v->defaultValue());
    def.directives = directives(v->directives());
    out.push_back(std::move(def));
  }
  return out;
}

DirectiveDefinition TreeBuilder::directive_definition(G::DirectiveDefinitionContext& ctx) {
  DirectiveDefinition def;
  def.name = text_of(ctx.name());
  def.loc = loc(&ctx);
  if (auto* args = ctx.argumentsDefinition())
    def.arguments = input_values(args->inputValueDefinition());
  def.repeatable = ctx.KW_REPEATABLE() != nullptr;
  for (G::NameContext* location : ctx.directiveLocations()->name()) {
    std::string name = text_of(location);
    bool known = false;
    for (std::string_view candidate : kDirectiveLocations) known = known || candidate == name;
    if (!known) {
      std::vector<std::string> candidates(kDirectiveLocations.begin(), kDirectiveLocations.end());
      std::string suggestion = closest_match(name, candidates);
      error(loc(location), "unknown directive location '" + name + "'",
            suggestion.empty() ? std::string() : "did you mean '" + suggestion + "'?");
    }
    def.locations.push_back(std::move(name));
  }
  return def;
}

}  // namespace

Result<Document> build_document(antlr4::ParserRuleContext& tree, bool bare,
                                std::string_view source_name) {
  TreeBuilder builder(source_name);
  Document doc = bare ? builder.bare(static_cast<G::BareSelectionsContext&>(tree))
                      : builder.document(static_cast<G::DocumentContext&>(tree));
  if (!builder.errors().empty()) return std::move(builder.errors());
  return doc;
}

}  // namespace posture::syntax::detail
