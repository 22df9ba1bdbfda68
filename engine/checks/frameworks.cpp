// Loading framework mappings from JSON and merging them with the checks'
// own citations (Check::frameworks, "<framework>:<requirement>").
#include "engine/checks/frameworks.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/file.hpp"
#include "engine/checks/catalog.hpp"

namespace posture::checks {

namespace {

using nlohmann::json;

// The line of the first `"key": "value"` in `text` (0 when not found): where a
// semantic error about that value points.
int line_of(std::string_view text, const std::string& key, const std::string& value) {
  std::string quoted = json(value).dump();
  for (size_t at = text.find(quoted); at != std::string_view::npos;
       at = text.find(quoted, at + 1)) {
    size_t colon = text.rfind(':', at);
    size_t name = text.rfind(json(key).dump(), at);
    if (colon != std::string_view::npos && name != std::string_view::npos && name < colon)
      return file::line_at(text, at);
    if (name == std::string_view::npos) break;
  }
  size_t any = text.find(quoted);
  return any == std::string_view::npos ? 0 : file::line_at(text, any);
}

struct Reader {
  std::string_view text;
  std::string file;
  Diagnostics errors;

  SourceLocation at(const std::string& key, const std::string& value) const {
    return {file, line_of(text, key, value), 1};
  }
  std::string str(const json& j, const char* key, bool required, const SourceLocation& where) {
    auto it = j.find(key);
    if (it != j.end() && it->is_string() && !it->get_ref<const std::string&>().empty())
      return it->get<std::string>();
    if (it != j.end() || required)
      errors.push_back(Diagnostic::error(
          "framework", std::string("`") + key + "` must be a non-empty string", where));
    return "";
  }
};

Requirement read_requirement(Reader& r, const json& j, int index) {
  Requirement req;
  SourceLocation where{r.file, 0, 0};
  if (!j.is_object()) {
    r.errors.push_back(Diagnostic::error(
        "framework", "requirement " + std::to_string(index + 1) + " is not an object", where));
    return req;
  }
  if (auto it = j.find("id"); it != j.end() && it->is_string()) where = r.at("id", *it);
  req.id = r.str(j, "id", true, where);
  req.title = r.str(j, "title", true, where);
  req.section = r.str(j, "section", false, where);
  auto checks = j.find("checks");
  if (checks == j.end()) return req;
  if (!checks->is_array()) {
    r.errors.push_back(
        Diagnostic::error("framework", "`checks` must be a list of check ids", where));
    return req;
  }
  for (const auto& c : *checks) {
    if (c.is_string())
      req.checks.push_back(c.get<std::string>());
    else
      r.errors.push_back(Diagnostic::error("framework", "`checks` holds check ids", where));
  }
  return req;
}

}  // namespace

const Requirement* Framework::find(std::string_view requirement_id) const {
  for (const auto& r : requirements)
    if (r.id == requirement_id) return &r;
  return nullptr;
}

std::vector<std::string> Framework::check_ids() const {
  std::vector<std::string> out;
  for (const auto& r : requirements)
    for (const auto& c : r.checks)
      if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  return out;
}

Result<Framework> FrameworkSet::parse(std::string_view text, const std::string& file) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    return Diagnostic::error("framework", std::string("not valid JSON: ") + e.what(),
                             {file, file::line_at(text, e.byte == 0 ? 0 : e.byte - 1), 1});
  }
  Reader r{text, file, {}};
  if (!doc.is_object())
    return Diagnostic::error("framework", "a framework is a JSON object", {file, 1, 0});
  Framework fw;
  fw.file = file;
  SourceLocation top{file, 1, 0};
  fw.id = r.str(doc, "id", true, top);
  fw.title = r.str(doc, "title", true, top);
  fw.version = r.str(doc, "version", false, top);
  fw.publisher = r.str(doc, "publisher", false, top);
  fw.url = r.str(doc, "url", false, top);
  fw.scope = r.str(doc, "scope", false, top);
  auto reqs = doc.find("requirements");
  if (reqs == doc.end() || !reqs->is_array()) {
    r.errors.push_back(Diagnostic::error("framework", "`requirements` must be a list", top));
    return r.errors;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < reqs->size(); ++i) {
    Requirement req = read_requirement(r, (*reqs)[i], static_cast<int>(i));
    if (!req.id.empty() && !seen.insert(req.id).second)
      r.errors.push_back(Diagnostic::error("framework", "requirement `" + req.id + "` listed twice",
                                           r.at("id", req.id)));
    fw.requirements.push_back(std::move(req));
  }
  if (!r.errors.empty()) return r.errors;
  return fw;
}

Result<FrameworkSet> FrameworkSet::load(const std::string& dir, const Catalog& catalog) {
  return load(std::vector<std::string>{dir}, catalog);
}

Result<FrameworkSet> FrameworkSet::load(const std::vector<std::string>& dirs,
                                        const Catalog& catalog) {
  namespace fs = std::filesystem;
  FrameworkSet set;
  std::vector<fs::path> files;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> in_dir;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file() && it->path().extension() == ".json") in_dir.push_back(it->path());
    std::sort(in_dir.begin(), in_dir.end());
    files.insert(files.end(), in_dir.begin(), in_dir.end());
  }
  Diagnostics errors;
  std::vector<std::string> check_names;
  for (const auto& c : catalog.checks()) check_names.push_back(c.id);
  for (const auto& path : files) {
    auto read = file::read(path.string());
    if (!read) {
      for (auto& e : read.take_errors()) errors.push_back(std::move(e));
      continue;
    }
    const std::string& text = *read;
    auto fw = parse(text, path.string());
    if (!fw) {
      for (auto& e : fw.take_errors()) errors.push_back(std::move(e));
      continue;
    }
    if (const Framework* first = set.find(fw->id)) {
      errors.push_back(Diagnostic::error("framework",
                                         "framework `" + fw->id + "` is defined twice: in " +
                                             first->file + " and in " + path.string(),
                                         {path.string(), line_of(text, "id", fw->id), 1}));
      continue;
    }
    for (const auto& req : fw->requirements)
      for (const auto& id : req.checks) {
        if (catalog.find(id)) continue;
        Diagnostic d = Diagnostic::error("framework", "no stored check `" + id + "`",
                                         {path.string(), line_of(text, "checks", id), 1});
        if (auto guess = closest_match(id, check_names); !guess.empty())
          d.hints.push_back("did you mean `" + guess + "`?");
        errors.push_back(std::move(d));
      }
    set.frameworks_.push_back(std::move(fw).value());
  }
  // Merge the checks' own citations of loaded frameworks.
  for (const auto& check : catalog.checks())
    for (const auto& citation : check.frameworks) {
      auto colon = citation.find(':');
      if (colon == std::string::npos) continue;
      auto fw = std::find_if(set.frameworks_.begin(), set.frameworks_.end(),
                             [&](const Framework& f) { return f.id == citation.substr(0, colon); });
      if (fw == set.frameworks_.end())
        continue;  // a citation only (bio, iso-27001-2022, ...): no mapping file
      std::string req_id = citation.substr(colon + 1);
      auto req = std::find_if(fw->requirements.begin(), fw->requirements.end(),
                              [&](const Requirement& r) { return r.id == req_id; });
      if (req == fw->requirements.end()) {
        errors.push_back(Diagnostic::error("framework",
                                           "check `" + check.id + "` cites `" + citation +
                                               "`, which " + fw->file + " does not list",
                                           {check.file, 0, 0}));
        continue;
      }
      if (std::find(req->checks.begin(), req->checks.end(), check.id) == req->checks.end())
        req->checks.push_back(check.id);
    }
  if (!errors.empty()) return errors;
  return set;
}

const Framework* FrameworkSet::find(std::string_view id) const {
  for (const auto& f : frameworks_)
    if (f.id == id) return &f;
  return nullptr;
}

std::vector<std::string> FrameworkSet::citations(const Check& check) const {
  std::vector<std::string> out = check.frameworks;
  for (const auto& f : frameworks_)
    for (const auto& r : f.requirements) {
      if (std::find(r.checks.begin(), r.checks.end(), check.id) == r.checks.end()) continue;
      std::string citation = f.id + ":" + r.id;
      if (std::find(out.begin(), out.end(), citation) == out.end()) out.push_back(citation);
    }
  return out;
}

std::vector<std::string> FrameworkSet::ids() const {
  std::vector<std::string> out;
  for (const auto& f : frameworks_) out.push_back(f.id);
  return out;
}

}  // namespace posture::checks
