// The syntax tree of a GraphQL document: executable definitions (operations,
// fragments) and type-system definitions (the SDL our schema is written in).
// Built by syntax::parse from the ANTLR parse tree; nothing downstream sees ANTLR.
// Every node carries the 1-based line and column of its first token.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace posture::syntax {

struct Location {
  int line = 0;
  int column = 0;
};

struct ObjectField;

// A value literal or a variable reference.
struct Value {
  enum class Kind { Null, Int, Float, String, Boolean, Enum, List, Object, Variable };
  Kind kind = Kind::Null;
  Location loc;
  // Int/Float: the literal text ("-12", "1.5e3"); String: the decoded contents
  // (escapes resolved, block strings dedented); Enum: the name; Variable: the
  // name without '$'.
  std::string text;
  bool boolean = false;
  std::vector<Value> list;           // Kind::List, in source order
  std::vector<ObjectField> fields;   // Kind::Object, in source order

  const Value* field(std::string_view name) const;  // Object: the named field's value or null
};

struct ObjectField {
  std::string name;
  Location loc;
  Value value;
};

struct Argument {
  std::string name;
  Location loc;
  Value value;
};

struct Directive {
  std::string name;  // without '@'
  Location loc;
  std::vector<Argument> arguments;

  const Value* argument(std::string_view name) const;
};

struct Selection {
  enum class Kind { Field, FragmentSpread, InlineFragment };
  Kind kind = Kind::Field;
  Location loc;
  std::string alias;          // Field: "" when none
  std::string name;           // Field: field name; FragmentSpread: fragment name
  std::string type_condition; // InlineFragment: "" when none
  std::vector<Argument> arguments;    // Field
  std::vector<Directive> directives;
  bool has_selection_set = false;     // Field: whether `{ ... }` followed
  std::vector<Selection> selections;  // Field (sub-selection) / InlineFragment

  const std::string& response_key() const { return alias.empty() ? name : alias; }
  const Argument* argument(std::string_view name) const;
};

// A type reference: Name, [T], T! ...
struct TypeRef {
  std::string name;          // the named type, for Kind::Named
  bool list = false;         // true: `[item]`
  bool non_null = false;     // trailing '!'
  std::vector<TypeRef> item; // exactly one element when list
  Location loc;

  const std::string& base_name() const { return list ? item.front().base_name() : name; }
};

struct VariableDefinition {
  std::string name;  // without '$'
  Location loc;
  TypeRef type;
  std::optional<Value> default_value;
  std::vector<Directive> directives;
};

struct OperationDefinition {
  std::string operation = "query";  // "query" | "mutation" | "subscription"
  std::string name;                 // "" when anonymous
  Location loc;
  std::vector<VariableDefinition> variables;
  std::vector<Directive> directives;
  std::vector<Selection> selections;

  const Directive* directive(std::string_view name) const;
};

struct FragmentDefinition {
  std::string name;
  std::string type_condition;
  Location loc;
  std::vector<Directive> directives;
  std::vector<Selection> selections;
};

// Type-system definitions (SDL).
struct InputValueDefinition {
  std::string description;
  std::string name;
  Location loc;
  TypeRef type;
  std::optional<Value> default_value;
  std::vector<Directive> directives;
};

struct FieldDefinition {
  std::string description;
  std::string name;
  Location loc;
  std::vector<InputValueDefinition> arguments;
  TypeRef type;
  std::vector<Directive> directives;

  const Directive* directive(std::string_view name) const;
};

struct TypeDefinition {
  enum class Kind { Scalar, Object, Interface, Union, Enum, InputObject };
  Kind kind = Kind::Object;
  bool extension = false;  // `extend type ...`
  std::string description;
  std::string name;
  Location loc;
  std::vector<std::string> interfaces;         // Object/Interface: `implements A & B`
  std::vector<Directive> directives;
  std::vector<FieldDefinition> fields;         // Object/Interface
  std::vector<InputValueDefinition> input_fields;  // InputObject
  std::vector<std::string> values;             // Enum values / Union members

  const Directive* directive(std::string_view name) const;
};

struct DirectiveDefinition {
  std::string description;
  std::string name;
  Location loc;
  std::vector<InputValueDefinition> arguments;
  bool repeatable = false;
  std::vector<std::string> locations;
};

struct Document {
  std::vector<OperationDefinition> operations;
  std::vector<FragmentDefinition> fragments;
  std::vector<TypeDefinition> types;
  std::vector<DirectiveDefinition> directive_definitions;
  // True when the text was the catalogue's bare-selection shorthand
  // (`connectors(where: {...}) {...}` without enclosing braces); it is then
  // represented as one anonymous query operation.
  bool bare_selection = false;
  // True when the document held no definitions at all (only comments or
  // whitespace), as the catalogue's placeholder for manual checks does.
  bool empty() const {
    return operations.empty() && fragments.empty() && types.empty() && directive_definitions.empty();
  }

  const FragmentDefinition* fragment(std::string_view name) const;
};

}  // namespace posture::syntax
