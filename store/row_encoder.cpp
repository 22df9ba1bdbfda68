// RowEncoder: a record's row as its type's INSERT binds it (store.hpp,
// EncodedRow), worked out without the store, on whichever thread holds the
// encoder.
#include <algorithm>
#include <unordered_map>
#include <utility>

#include "store/store.hpp"
#include "store/store_internal.hpp"

namespace posture::store {

namespace {

// A list field's JSON text, written by one serializer into the row's
// buffer (a json::dump per value made both, and looked up the locale).
// Strings from other collectors may hold invalid UTF-8: replaced, never thrown.
class ListWriter {
 public:
  // Appends `value`'s JSON text to `out`.
  void dump(const nlohmann::json& value, std::string& out) {
    text_.clear();
    serializer_.dump(value, false, false, 0);
    out += text_;
  }

 private:
  std::string text_;
  nlohmann::detail::serializer<nlohmann::json> serializer_{
      nlohmann::detail::output_adapter<char>(text_), ' ', nlohmann::json::error_handler_t::replace};
};

}  // namespace

namespace internal {

Diagnostic bad_value(const Record& record, const schema::Field& field, const nlohmann::json& v) {
  std::string want = std::string(schema::scalar_name(field.scalar));
  if (field.list) want = "[" + want + "]";
  return Diagnostic::error("invalid-record", record.type->name + " " + record.id + ": field `" +
                                                 field.name + "` must be " + want + ", got " +
                                                 v.type_name());
}

}  // namespace internal

using internal::bad_value;

// A type's fields in the order of their names (a record's fields object
// keeps its members in that order), each with its parameter's number:
// ?1 _scan, ?2 _key, then one per field in schema order (ScanWriter's
// InsertPlan). `id` is left out: it is always the record's id.
struct RowEncoder::Impl {
  struct Layout {
    std::vector<std::pair<const schema::Field*, int>> by_name;
  };
  std::unordered_map<const schema::ObjectType*, Layout> layouts;
  ListWriter lists;

  const Layout& layout(const schema::ObjectType& type) {
    auto [it, added] = layouts.try_emplace(&type);
    if (!added) return it->second;
    for (size_t i = 0; i < type.fields.size(); ++i)
      if (type.fields[i].name != "id")
        it->second.by_name.emplace_back(&type.fields[i], static_cast<int>(i) + 3);
    std::sort(it->second.by_name.begin(), it->second.by_name.end(),
              [](const auto& a, const auto& b) { return a.first->name < b.first->name; });
    return it->second;
  }
};

RowEncoder::RowEncoder() : impl_(std::make_unique<Impl>()) {}
RowEncoder::~RowEncoder() = default;

void RowEncoder::encode(const Record& record, EncodedRow& out, const schema::ObjectType* as) {
  using Kind = EncodedRow::Kind;
  out.type = as ? as : record.type;
  out.params.clear();
  out.lists.clear();
  out.error.reset();
  arm_key(record.id, out.key);
  out.parent_key.clear();
  if (!record.parent_id.empty()) arm_key(record.parent_id, out.parent_key);
  if (!out.type || !record.fields.is_object()) return;
  const auto& by_name = impl_->layout(*out.type).by_name;
  // The record's fields and the type's, both in name order, walked together.
  auto field = by_name.begin();
  for (const auto& [name, v] : record.fields.items()) {
    while (field != by_name.end() && field->first->name < name) ++field;
    if (field == by_name.end()) break;
    if (field->first->name != name || v.is_null()) continue;
    const schema::Field& f = *field->first;
    EncodedRow::Param p;
    p.index = field->second;
    bool ok = true;
    if (f.list) {
      ok = v.is_array();
      if (ok) {
        p.kind = Kind::List;
        p.offset = out.lists.size();
        impl_->lists.dump(v, out.lists);
        p.length = out.lists.size() - p.offset;
      }
    } else {
      switch (f.scalar) {
        case schema::ScalarType::ID:
        case schema::ScalarType::String:
          ok = v.is_string();
          if (ok) {
            p.kind = Kind::Text;
            p.text = v.get_ref<const std::string&>();
          }
          break;
        case schema::ScalarType::Int:
          ok = v.is_number_integer();
          if (ok) p.integer = v.get<int64_t>();
          break;
        case schema::ScalarType::Float:
          ok = v.is_number();
          if (ok) {
            p.kind = Kind::Real;
            p.real = v.get<double>();
          }
          break;
        case schema::ScalarType::Boolean:
          ok = v.is_boolean();
          if (ok) p.integer = v.get<bool>() ? 1 : 0;
          break;
      }
    }
    if (!ok) {
      out.error = bad_value(record, f, v);
      return;
    }
    out.params.push_back(p);
  }
}

}  // namespace posture::store
