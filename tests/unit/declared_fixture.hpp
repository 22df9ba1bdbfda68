// Helpers of the declared-mapping tests (tests only): the ARM fixtures of
// tests/data/arm, the record normalize() makes of one, and a fresh store with
// some fixture files imported as one scan, queried by filter.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "collectors/snapshot/importer.hpp"
#include "collectors/snapshot/normalize.hpp"
#include "engine/exec/engine.hpp"
#include "engine/schema/schema.hpp"

namespace posture::declared_test {

namespace fs = std::filesystem;
using nlohmann::json;

inline json fixture(const std::string& name) {
  std::ifstream in(std::string(POSTURE_SOURCE_DIR) + "/tests/data/arm/" + name);
  return json::parse(in);
}

// The objects of a fixture file: a list envelope's value, or an array.
inline json objects_of(const std::string& file) {
  json doc = fixture(file);
  return doc.is_array() ? doc : doc["value"];
}

// The fields of the record `normalize` makes of the fixture object whose id
// ends in `id_suffix`; `type` is the schema type it must have.
inline json fields_of(const std::string& file, const std::string& id_suffix,
                      const std::string& type = "") {
  for (const auto& o : objects_of(file)) {
    std::string id = o["id"];
    if (id.size() < id_suffix.size() ||
        id.compare(id.size() - id_suffix.size(), id_suffix.size(), id_suffix) != 0)
      continue;
    auto r = snapshot::normalize(o, "", schema::builtin());
    EXPECT_TRUE(r) << format(r.errors());
    if (!r) return nullptr;
    std::string want = !type.empty() ? type
                       : o["type"].get<std::string>().find("blobServices") != std::string::npos
                           ? "BlobService"
                           : "StorageAccount";
    EXPECT_EQ(r->type->name, want);
    return r->fields;
  }
  ADD_FAILURE() << "no fixture object ending in " << id_suffix;
  return nullptr;
}

// A fresh store with one fixture file imported; names() runs a filter.
class ImportedFixture : public ::testing::Test {
 protected:
  // Imports `files` (under tests/data/arm unless they start with '/') as one scan.
  void import(const std::vector<std::string>& files) {
    dir_ = fs::temp_directory_path() / ("posture-declared-" + std::to_string(::getpid()) + "-" +
                                        fs::path(files.front()).filename().string());
    fs::create_directories(dir_);
    auto opened = store::Store::open((dir_ / "s.db").string(), schema::builtin());
    ASSERT_TRUE(opened) << format(opened.errors());
    store_ = std::make_unique<store::Store>(std::move(opened).value());
    std::vector<std::string> paths;
    for (const auto& f : files)
      paths.push_back(f[0] == '/' ? f : std::string(POSTURE_SOURCE_DIR) + "/tests/data/arm/" + f);
    auto s = snapshot::import_files(*store_, paths);
    ASSERT_TRUE(s) << format(s.errors());
    summary_ = *s;
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // The names of the `root` objects `where` selects, by name.
  std::vector<std::string> names(const std::string& root, const std::string& where) {
    auto compiled = exec::Engine().compile("{ " + root + "(where: " + where +
                                           ", sort: {name: ASC}) { name } }");
    EXPECT_TRUE(compiled) << format(compiled.errors());
    if (!compiled) return {};
    std::ostringstream out;
    auto status = exec::execute(*compiled, *store_, summary_.scan_id, out);
    EXPECT_TRUE(status) << format(status.errors());
    json response = json::parse(out.str());
    std::vector<std::string> got;
    for (const auto& a : response["data"][root]) got.push_back(a["name"]);
    return got;
  }
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  snapshot::ImportSummary summary_;
};

}  // namespace posture::declared_test
