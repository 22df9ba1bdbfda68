// Encoding of the asset model: one `members` function per struct names its
// members in order, and the Writer and the Reader walk them alike, so the
// two directions cannot disagree. A member added to a struct and not listed
// here is caught by SchemaCodec.TheBuiltInModelIsTheOneTheSdlGives, which
// compares every member (operator==) of the decoded model with the parsed one.
#include "base/model/schema_codec.hpp"

#include <type_traits>
#include <vector>

#include "base/codec.hpp"

namespace posture::schema {

// Found by the codec (base/codec.hpp) through argument-dependent lookup, so
// in this namespace rather than an unnamed one.
template <class A, class S>
requires std::is_same_v<std::remove_const_t<S>, ArmSource>
void members(A& a, S& s) {
  a(s.path), a(s.more_paths), a(s.transform), a(s.transform_argument), a(s.fill);
  a(s.documented_default), a(s.default_api_versions);
}

template <class A, class S>
requires std::is_same_v<std::remove_const_t<S>, Through>
void members(A& a, S& s) {
  a(s.relationship), a(s.field), a(s.equals), a(s.table), a(s.column), a(s.link_column);
  a(s.in_owner), a(s.scalar);
}

template <class A, class S>
requires std::is_same_v<std::remove_const_t<S>, Field>
void members(A& a, S& s) {
  a(s.name), a(s.description), a(s.scalar), a(s.list), a(s.non_null), a(s.column), a(s.arm);
  a(s.through);
}

template <class A, class S>
requires std::is_same_v<std::remove_const_t<S>, Relationship>
void members(A& a, S& s) {
  a(s.name), a(s.description), a(s.type), a(s.owner), a(s.target), a(s.fk_column);
  a(s.key_column), a(s.child_path), a(s.child_api_version), a(s.elements_path);
  a(s.more_elements_paths), a(s.ref_path), a(s.extension_under), a(s.in_owner);
  a(s.owner_table), a(s.inverse);
}

template <class A, class S>
requires std::is_same_v<std::remove_const_t<S>, ObjectType>
void members(A& a, S& s) {
  a(s.name), a(s.description), a(s.plural), a(s.table), a(s.arm_types), a(s.arm_kind);
  a(s.arm_name), a(s.arm_scope), a(s.arm_api_version), a(s.arm_table), a(s.element);
  a(s.graph_types), a(s.graph_context), a(s.graph_display_name), a(s.interfaces), a(s.fields);
  a(s.relationships);
}

template <class A, class S>
requires std::is_same_v<std::remove_const_t<S>, Interface>
void members(A& a, S& s) {
  a(s.name), a(s.fields);
}

std::string encode(const Schema& schema) {
  codec::Writer w;
  w(schema.types());
  w(schema.interfaces());
  return std::move(w.out);
}

std::optional<Schema> decode(std::string_view bytes, std::string sdl) {
  codec::Reader r{bytes};
  std::vector<ObjectType> types;
  std::vector<Interface> interfaces;
  r(types);
  r(interfaces);
  if (!r.ok || !r.in.empty()) return std::nullopt;
  return Schema(std::move(sdl), std::move(types), std::move(interfaces));
}

}  // namespace posture::schema
