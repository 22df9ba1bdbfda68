// `posture import`: ARM JSON files into one scan of the store. The files are
// streamed element by element (json_stream.cpp); each element is expanded
// (nested arrays and list envelopes), classified, normalised (normalize.cpp)
// and upserted through a ScanWriter, on a writer thread of its own
// (write_queue.hpp) while this one reads on. Any error rolls the whole scan back, so a
// bad file never changes the store.
#include "collectors/snapshot/importer.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "base/text.hpp"
#include "collectors/snapshot/declared.hpp"
#include "collectors/snapshot/graph.hpp"
#include "collectors/snapshot/json_stream.hpp"
#include "collectors/snapshot/normalize.hpp"
#include "collectors/snapshot/normalize_parsed.hpp"
#include "collectors/snapshot/shapes.hpp"
#include "collectors/snapshot/write_queue.hpp"

namespace posture::snapshot {

using nlohmann::json;

namespace {

// Objects between progress calls (the caller decides how often to draw).
constexpr uint64_t kProgressEvery = 1 << 10;

// State shared by every file of one import.
struct ImportRun {
  store::Store& store;
  store::ScanWriter& writer;  // only through `queue` until queue.finish()
  internal::WriteQueue& queue;
  const ImportOptions& options;
  uint64_t objects = 0;  // ARM objects read (stored or skipped)
  uint64_t skipped = 0;
  uint64_t skipped_bytes = 0;
  uint64_t raw_bytes = 0;  // original JSON of the records stored, as read
  uint64_t errors = 0;
  bool record_started = false;  // the writer keeps the scan's collected types
  std::vector<SkippedObject> skipped_examples{};
  std::map<std::string, uint64_t> skipped_by_type{};  // lower-cased ARM type -> objects
  uint64_t stored = 0;                                // records written (duplicates counted twice)
  uint64_t bytes_before = 0;                          // bytes of the files finished so far
  uint64_t bytes_total = 0;
  const internal::ByteReader* reader = nullptr;
  // Entra ID tenants read (Connector ids), and the tenant-side relationships
  // whose rows came without a tenant: they get the import's only tenant.
  std::set<std::string> tenants{};
  std::set<const schema::Relationship*> orphans{};
  SourceLocation first_orphan{};

  Status element(json&& value, std::string&& raw, const SourceLocation& where, int depth,
                 const std::string& context);
  Result<bool> parsed(const simdjson::dom::element& value, std::string& raw,
                      const SourceLocation& where);
  Status object(const json& value, std::string&& raw, const SourceLocation& where,
                const std::string& context);
  Result<store::Record> graph_record(const json& object, std::string&& raw,
                                     const std::string& context, const SourceLocation& where);
  Status store_record(const json* object, store::Record&& record, const SourceLocation& where);
  Status arm_error(const json& object, const SourceLocation& where);
  Status keep_raw(const json& object, std::string&& raw, const SourceLocation& where,
                  const std::string& context);
  Status adopt_orphans();
  // Starts the writer's record of collected types (then every type written
  // is collected) with `type`, met at `where`.
  Status start_record(const schema::ObjectType& type, const SourceLocation& where) {
    if (record_started) return ok_status();
    record_started = true;
    return queue.mark_collected(type, where);
  }
  void count_object() {
    ++objects;
    if (objects % kProgressEvery == 0) progress();
  }
  void progress() {
    uint64_t bytes = bytes_before + (reader ? reader->consumed() : 0);
    if (options.progress) options.progress(objects, bytes, bytes_total);
  }
};

// The object's `id` string, or "".
std::string arm_id_of(const json& object) {
  auto it = object.find("id");
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The ARM type an ARM id names: the namespace after its last /providers/,
// then every other segment ("/.../providers/Microsoft.Storage/storageAccounts/
// a/blobServices/default" is Microsoft.Storage/storageAccounts/blobServices).
std::string arm_type_from_id(std::string_view id) {
  std::string lower = text::ascii_lower(id);
  size_t at = lower.rfind("/providers/");
  if (at == std::string::npos) return "";
  std::string_view rest = id.substr(at + 11);
  std::vector<std::string_view> parts;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  if (parts.size() < 2) return "";
  std::string out(parts[0]);
  for (size_t i = 1; i < parts.size(); i += 2) out.append(1, '/').append(parts[i]);
  return out;
}

// The diagnostic `d` as an import error at `where`, keeping its hints.
Diagnostic at(const SourceLocation& where, const Diagnostic& d) {
  Diagnostic out = Diagnostic::error("import", d.message, where);
  out.hints = d.hints;
  return out;
}

Status ImportRun::object(const json& value, std::string&& raw, const SourceLocation& where,
                         const std::string& envelope_context) {
  count_object();
  std::optional<json> arm = arm_from_az_cli(value);
  const json& object = arm ? *arm : value;
  if (is_arm_error(object)) return arm_error(object, where);
  if (modelled(object, store.schema())) {
    auto record = normalize(object, std::move(raw), store.schema());
    if (!record) return at(where, record.errors().front());
    return store_record(&object, std::move(*record), where);
  }
  std::string own = graph_context_of(object);
  std::string context = graph_context_path(own.empty() ? envelope_context : own);
  if (is_graph_organization(object, context) || graph_type(object, context, store.schema())) {
    auto record = graph_record(object, std::move(raw), context, where);
    if (!record) return record.take_errors();
    return store_record(&object, std::move(*record), where);
  }
  return keep_raw(object, std::move(raw), where, context);
}

// An object of a kind Posture does not model: counted per type and kept as it
// came, in the store's _unmodelled table; checks do not read it.
Status ImportRun::keep_raw(const json& object, std::string&& raw, const SourceLocation& where,
                           const std::string& context) {
  if (skipped_examples.size() < kSkippedExamples)
    skipped_examples.push_back({where, skip_reason(object)});
  ++skipped;
  std::string type = arm_type_of(object);
  if (type.empty() && object.is_object()) {
    auto odata = object.find("@odata.type");
    if (odata != object.end() && odata->is_string())
      type = odata->get<std::string>();
    else if (!context.empty())
      type = "graph:" + context;
  }
  if (!type.empty()) ++skipped_by_type[text::ascii_lower(type)];
  std::string id = object.is_object() ? arm_id_of(object) : std::string();
  if (raw.empty()) raw = object.dump();
  skipped_bytes += raw.size();
  return queue.add_unmodelled(std::move(id), std::move(type), std::move(raw), where);
}

// An ARM error in place of a child resource or setting: a collection error
// against the resource it belongs to and the child's type, so the checks
// reading that type are ERROR for that resource (docs/data-model.md, "Errors
// in the input"). Its type counts as collected: its failures are recorded.
Status ImportRun::arm_error(const json& object, const SourceLocation& where) {
  const char* shape =
      "an error in place of a child resource is {\"id\": \"<the child's ARM id>\", \"type\": "
      "\"<its ARM type>\", \"error\": {\"code\": ..., \"message\": ...}} (what ARM answers, "
      "with the id and type of what was requested; `status`: the HTTP status, optional)";
  std::string id = arm_id_of(object);
  if (id.empty())
    return Diagnostic::error(
               "import", "an ARM error object without the `id` of what could not be read", where)
        .hint(shape);
  json typed = object;
  if (arm_type_of(typed).empty()) typed["type"] = arm_type_from_id(id);
  const schema::ObjectType* child = declared_type(typed, store.schema());
  std::vector<const schema::Relationship*> parents;
  if (child) parents = store.schema().relationships_into(child->name);
  if (!child || parents.empty())
    return Diagnostic::error("import",
                             "an ARM error object for " + id + " (type " + arm_type_of(typed) +
                                 "): Posture records errors of the child resources "
                                 "and settings it models, under their parent resource",
                             where)
        .hint(shape)
        .hint(
            "a type that could not be listed at all is not collected: leave it out of "
            "--collected, and its checks are ERROR");
  auto record = normalize_declared(typed, "", store.schema(), *child);
  if (!record) return at(where, record.errors().front());
  if (record->parent_id.empty())
    return Diagnostic::error("import",
                             "an ARM error object for " + id + ": its id names no parent resource",
                             where)
        .hint(shape);
  const json& error = object["error"];
  auto member = [&](const char* name) {
    auto it = error.find(name);
    return it != error.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  int status = 0;
  for (const char* name : {"status", "httpStatus", "statusCode"})
    if (auto it = object.find(name); it != object.end() && it->is_number_integer())
      status = it->get<int>();
  std::string code = member("code"), message = member("message");
  // "blobServices/default (blobServices) could not be read: HTTP 403 ...".
  std::string tail = store::arm_key(id).rfind(store::arm_key(record->parent_id) + "/", 0) == 0
                         ? id.substr(record->parent_id.size() + 1)
                         : id;
  std::string what = tail + " (" + child->plural + ") could not be read: ";
  if (status) what += "HTTP " + std::to_string(status) + " ";
  what += code.empty() ? "error" : code;
  if (!message.empty()) what += ": " + message;
  std::set<std::string> owners;
  for (const auto* rel : parents) {
    bool mine =
        record->any_parent || (record->relationship && record->relationship->name == rel->name &&
                               record->relationship->owner == rel->owner);
    if (!mine || !owners.insert(rel->owner).second) continue;
    if (auto s = queue.add_error({record->parent_id, rel->owner, what, status, child->name}, where);
        !s)
      return s;
  }
  ++errors;
  return start_record(*child, where);
}

// A Graph object's record: a tenant, or a tenant-side object (remembered when
// it names no tenant, to be given the import's only tenant at the end).
Result<store::Record> ImportRun::graph_record(const json& object, std::string&& raw,
                                              const std::string& context,
                                              const SourceLocation& where) {
  if (is_graph_organization(object, context)) {
    auto record = normalize_organization(object, std::move(raw), store.schema());
    if (!record) return at(where, record.errors().front());
    tenants.insert(record->id);
    return record;
  }
  auto record = normalize_graph(object, std::move(raw), store.schema(),
                                *graph_type(object, context, store.schema()));
  if (!record) return at(where, record.errors().front());
  if (record->parent_id.empty() && record->relationship) {
    if (orphans.empty()) first_orphan = where;
    orphans.insert(record->relationship);
  }
  return record;
}

// A subscription or a security contact of a JSON Lines line, stored as
// simdjson parsed it (normalize_parsed); false leaves it to element().
Result<bool> ImportRun::parsed(const simdjson::dom::element& value, std::string& raw,
                               const SourceLocation& where) {
  auto record = internal::normalize_parsed(value, raw, store.schema());
  if (!record) return false;
  count_object();
  if (auto s = store_record(nullptr, std::move(*record), where); !s) return s.take_errors();
  return true;
}

// Writes `record` and its inline children (@elements, e.g. a network
// security group's rules) read from `object` (null: its type has none).
Status ImportRun::store_record(const json* object, store::Record&& record,
                               const SourceLocation& where) {
  auto children = object ? normalize_elements(*object, record, store.schema())
                         : Result<std::vector<store::Record>>(std::vector<store::Record>{});
  const schema::ObjectType& type = *record.type;
  raw_bytes += record.raw.size();
  if (auto s = queue.add(std::move(record), where); !s) return s;
  if (auto s = start_record(type, where); !s) return s;
  ++stored;
  if (!children) return at(where, children.errors().front());
  for (auto& child : *children) {
    raw_bytes += child.raw.size();
    if (auto s = queue.add(std::move(child), where); !s) return s;
    ++stored;
  }
  return ok_status();
}

// Tenant-side objects without a `tenantId` belong to the import's only
// tenant; with none, or several, they cannot be placed.
Status ImportRun::adopt_orphans() {
  if (orphans.empty()) return ok_status();
  if (tenants.size() != 1) {
    Diagnostic d = Diagnostic::error(
        "import",
        tenants.empty()
            ? "Entra ID objects need their tenant, and this import holds none"
            : "Entra ID objects without a tenantId, and this import holds " +
                  std::to_string(tenants.size()) + " tenants: which is theirs is unknown",
        first_orphan);
    d.hints.push_back(
        "import the tenant's organization object (GET /organization) with them, or give each "
        "object a tenantId member");
    return d;
  }
  for (const auto* rel : orphans)
    if (auto s = writer.adopt_orphans(*rel, *tenants.begin()); !s) return s;
  return ok_status();
}

// One element: an ARM object, or an array / list envelope holding more.
Status ImportRun::element(json&& value, std::string&& raw, const SourceLocation& where, int depth,
                          const std::string& context) {
  if (depth > 8)
    return Diagnostic::error("import", "arrays and list envelopes nested too deeply", where);
  std::string inner_context = context;
  if (value.is_object()) {
    auto inner = value.find("value");
    if (inner == value.end()) return object(value, std::move(raw), where, context);
    if (std::string own = graph_context_of(value); !own.empty()) inner_context = own;
    if (!inner->is_array())
      return Diagnostic::error(
          "import",
          std::string("the list envelope's `value` must be an array, got ") + inner->type_name(),
          where);
    value = std::move(*inner);
  }
  if (!value.is_array())
    return Diagnostic::error(
        "import",
        std::string("expected an ARM object, an array or a list envelope, got a JSON ") +
            value.type_name(),
        where);
  for (auto& item : value) {
    std::string text = item.dump();
    if (auto s = element(std::move(item), std::move(text), where, depth + 1, inner_context); !s)
      return s;
  }
  return ok_status();
}

// Sizes of the regular files among `paths` (for progress); errors for a missing one.
Result<uint64_t> total_size(const std::vector<std::string>& paths) {
  uint64_t total = 0;
  for (const auto& p : paths) {
    if (p == "-") continue;
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0)
      return Diagnostic::error("import", "cannot open " + p + ": " + std::strerror(errno),
                               SourceLocation{p, 0, 0});
    if (S_ISREG(st.st_mode)) total += static_cast<uint64_t>(st.st_size);
  }
  return total;
}

// Rows of `type_name` stored in scan `scan_id` (distinct ids); 0 when unknown.
uint64_t count_rows(const store::Store& store, const char* type_name, int64_t scan_id) {
  const schema::ObjectType* type = store.schema().type(type_name);
  if (!type) return 0;
  auto n = store.count_rows(*type, scan_id);
  return n ? *n : 0;
}

std::string describe_source(const std::vector<std::string>& paths) {
  std::string out = "import:";
  for (size_t i = 0; i < paths.size(); ++i) out += (i ? "," : "") + paths[i];
  return out;
}

Result<ImportSummary> run_import(store::Store& store, const std::vector<std::string>& paths,
                                 const ImportOptions& options) {
  auto started = std::chrono::steady_clock::now();
  if (paths.empty()) return Diagnostic::error("import", "no files to import");
  auto total = total_size(paths);
  if (!total) return total.take_errors();
  auto writer =
      store::ScanWriter::begin(store, describe_source(paths), options.tenant.value_or(""));
  if (!writer) return writer.take_errors();
  writer->keep_original_json(options.keep_raw);
  auto declared = collected_types(store.schema(), options.collected);
  if (!declared) return declared.take_errors();
  for (const auto* type : *declared)
    if (auto s = writer->mark_collected(*type); !s) return s.take_errors();
  // Declared after the writer: destroyed (its thread joined) before it.
  internal::WriteQueue queue(*writer);
  ImportRun run{store, *writer, queue, options};
  run.record_started = !declared->empty();
  run.bytes_total = *total;
  run.progress();
  Status read = ok_status();
  for (const auto& path : paths) {
    auto reader = internal::ByteReader::open(path);
    if (!reader) {
      read = reader.take_errors();  // the writer rolls back
      break;
    }
    run.reader = reader->get();
    auto sink = [&run](json&& v, std::string&& raw, const SourceLocation& where,
                       const std::string& context) {
      return run.element(std::move(v), std::move(raw), where, 0, context);
    };
    auto parsed = [&run](const simdjson::dom::element& v, std::string& raw,
                         const SourceLocation& where) { return run.parsed(v, raw, where); };
    read = internal::read_elements(**reader, sink, parsed);
    run.bytes_before += (*reader)->consumed();
    run.reader = nullptr;
    if (!read) break;
  }
  // A failed write came from an object read before any error the reading
  // met: it is the import's error.
  if (auto s = queue.finish(); !s) return s.take_errors();
  if (!read) return read.take_errors();
  if (auto s = run.adopt_orphans(); !s) return s.take_errors();
  if (run.stored == 0) {
    std::string skipped =
        run.skipped ? " (" + std::to_string(run.skipped) + " objects of other kinds were skipped)"
                    : "";
    Diagnostic d = Diagnostic::error("import", "found no subscriptions or security contacts in " +
                                                   describe_source(paths).substr(7) + skipped +
                                                   "; nothing was imported");
    for (const auto& s : run.skipped_examples)
      d.hints.push_back("skipped " + s.where.source + ":" + std::to_string(s.where.line) + ": " +
                        s.reason);
    d.hints.push_back(readable_shapes());
    return d;
  }
  // Without --tenant the scan is the tenant's whose organization it holds.
  if (!options.tenant && run.tenants.size() == 1) {
    const std::string& id = *run.tenants.begin();
    if (auto s = writer->set_tenant(id.substr(id.rfind('/') + 1)); !s) return s.take_errors();
  }
  auto info = writer->commit("complete");
  if (!info) return info.take_errors();
  run.progress();
  ImportSummary summary;
  summary.scan_id = info->id;
  summary.tenant = info->tenant;
  summary.skipped = run.skipped;
  summary.skipped_bytes = run.skipped_bytes;
  summary.raw_bytes = options.keep_raw ? run.raw_bytes : 0;
  summary.errors = run.errors;
  auto collected = store.collected_types(info->id);
  if (!collected) return collected.take_errors();
  if (*collected)
    for (const auto& name : **collected)
      if (const auto* type = store.schema().type(name)) summary.collected.push_back(type->plural);
  summary.skipped_examples = std::move(run.skipped_examples);
  summary.skipped_by_type = std::move(run.skipped_by_type);
  for (const auto& type : store.schema().types()) {
    uint64_t n = count_rows(store, type.name.c_str(), info->id);
    if (n) summary.stored_by_type[type.plural] = n;
    if (type.name == "Connector") summary.subscriptions = n;
    if (type.name == "SecurityContact") summary.contacts = n;
  }
  summary.bytes = run.bytes_before;
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace

Result<std::vector<const schema::ObjectType*>> collected_types(
    const schema::Schema& schema, const std::vector<std::string>& names) {
  std::vector<const schema::ObjectType*> out;
  std::set<const schema::ObjectType*> seen;
  std::vector<std::string> known;
  for (const auto& type : schema.types()) known.push_back(type.plural);
  for (const auto& name : names) {
    std::string want = text::ascii_lower(name);
    bool found = false;
    for (const auto& type : schema.types()) {
      bool match = want == "all" || want == text::ascii_lower(type.plural) ||
                   want == text::ascii_lower(type.name);
      for (const auto& arm : type.arm_types) match = match || want == text::ascii_lower(arm);
      if (!match) continue;
      found = true;
      if (seen.insert(&type).second) out.push_back(&type);
    }
    if (found) continue;
    Diagnostic d = Diagnostic::error("invalid-option", "--collected: no asset type `" + name + "`");
    if (auto guess = closest_match(name, known); !guess.empty())
      d.hints.push_back("did you mean `" + guess + "`?");
    d.hints.push_back(
        "name root fields (storageAccounts), schema types (StorageAccount) or ARM types "
        "(Microsoft.Storage/storageAccounts), or `all`; `posture schema` lists them");
    return d;
  }
  std::sort(out.begin(), out.end(), [&](const auto* a, const auto* b) { return a < b; });
  return out;
}

bool is_arm_error(const json& object) {
  if (!object.is_object() || object.contains("properties")) return false;
  auto error = object.find("error");
  return error != object.end() && error->is_object();
}

Result<ImportSummary> import_files(store::Store& store, const std::vector<std::string>& paths,
                                   const ImportOptions& options) {
  try {
    return run_import(store, paths, options);
  } catch (const std::exception& e) {
    return Diagnostic::error("import", std::string("import failed: ") + e.what());
  }
}

}  // namespace posture::snapshot
