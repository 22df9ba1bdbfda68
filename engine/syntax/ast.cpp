// Lookup helpers of the syntax tree.
#include "engine/syntax/ast.hpp"

namespace posture::syntax {

namespace {
template <class Items, class Name>
auto find_named(const Items& items, std::string_view name, Name name_of) -> decltype(&items.front()) {
  for (const auto& item : items)
    if (name_of(item) == name) return &item;
  return nullptr;
}
}  // namespace

const Value* Value::field(std::string_view wanted) const {
  auto* f = find_named(fields, wanted,
                       [](const ObjectField& field) -> const std::string& { return field.name; });
  return f ? &f->value : nullptr;
}

const Value* Directive::argument(std::string_view wanted) const {
  auto* a = find_named(arguments, wanted,
                       [](const Argument& arg) -> const std::string& { return arg.name; });
  return a ? &a->value : nullptr;
}

const Argument* Selection::argument(std::string_view wanted) const {
  return find_named(arguments, wanted,
                    [](const Argument& arg) -> const std::string& { return arg.name; });
}

#define POSTURE_DIRECTIVE_LOOKUP(Type)                                                  \
  const Directive* Type::directive(std::string_view wanted) const {                     \
    return find_named(directives, wanted,                                               \
                      [](const Directive& d) -> const std::string& { return d.name; }); \
  }
POSTURE_DIRECTIVE_LOOKUP(OperationDefinition)
POSTURE_DIRECTIVE_LOOKUP(FieldDefinition)
POSTURE_DIRECTIVE_LOOKUP(TypeDefinition)
#undef POSTURE_DIRECTIVE_LOOKUP

const FragmentDefinition* Document::fragment(std::string_view name) const {
  return find_named(fragments, name, [](const FragmentDefinition& f) -> const std::string& { return f.name; });
}

}  // namespace posture::syntax
