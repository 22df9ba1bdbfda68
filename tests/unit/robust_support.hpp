// Shared helpers of the robustness tests (tests/unit/robust_*_test.cpp): an
// in-memory store loaded from ARM JSON objects, a query run end to end
// (compile, execute, parse the streamed response), and builders of big and
// hostile inputs.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/schema/schema.hpp"
#include "collectors/snapshot/normalize.hpp"
#include "engine/exec/engine.hpp"
#include "store/store.hpp"

namespace posture::robust {

using nlohmann::json;

// A store in memory holding one complete scan of `arm_objects` (ARM JSON text).
struct MemoryStore {
  store::Store store;
  int64_t scan = 0;
};

inline MemoryStore memory_store(const std::vector<std::string>& arm_objects) {
  auto opened = store::Store::open(":memory:", posture::schema::builtin());
  EXPECT_TRUE(opened.ok());
  MemoryStore m{std::move(opened).value()};
  auto writer = store::ScanWriter::begin(m.store, "robust-test");
  EXPECT_TRUE(writer.ok());
  for (const auto& text : arm_objects) {
    auto record = snapshot::normalize(json::parse(text), text, m.store.schema());
    EXPECT_TRUE(record.ok()) << (record.ok() ? "" : format(record.errors())) << "\n" << text;
    if (record.ok()) {
      EXPECT_TRUE(writer->add(*record).ok());
    }
  }
  auto info = writer->commit();
  EXPECT_TRUE(info.ok());
  m.scan = info.ok() ? info->id : 0;
  return m;
}

// An ARM subscription object with display name `name` (any JSON string value).
inline std::string subscription(int n, const json& name) {
  char guid[40];
  std::snprintf(guid, sizeof guid, "00000000-0000-4000-8000-%012d", n);
  return json{{"id", std::string("/subscriptions/") + guid},
              {"subscriptionId", guid},
              {"displayName", name}}
      .dump();
}

// What running a query gave: the parsed response, or the diagnostics (with the
// GraphQL errors response, which must itself be valid JSON).
struct Outcome {
  bool ok = false;
  json response;
  Diagnostics errors;
  std::string errors_response;
  double seconds = 0;

  const Diagnostic& first() const { return errors.front(); }
  bool has_code(const std::string& code) const {
    for (const auto& d : errors)
      if (d.code == code) return true;
    return false;
  }
};

// `variables` is moved, never copied: copying a deeply nested json recurses.
inline Outcome run_query(const MemoryStore& m, const std::string& text,
                         json variables = json::object()) {
  auto started = std::chrono::steady_clock::now();
  Outcome outcome;
  semantic::AnalyzeOptions options;
  options.variables = std::move(variables);
  exec::Engine engine;
  auto compiled = engine.compile(text, options);
  if (compiled) {
    std::ostringstream out;
    auto status = exec::execute(*compiled, m.store, m.scan, out);
    if (status) {
      outcome.ok = true;
      outcome.response = json::parse(out.str(), nullptr, false);
      EXPECT_FALSE(outcome.response.is_discarded()) << "the response is not JSON";
    } else {
      outcome.errors = status.errors();
    }
  } else {
    outcome.errors = compiled.errors();
  }
  if (!outcome.ok) {
    EXPECT_FALSE(outcome.errors.empty());
    outcome.errors_response = exec::errors_response(outcome.errors);
    EXPECT_TRUE(json::accept(outcome.errors_response)) << outcome.errors_response;
  }
  outcome.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return outcome;
}

// The `key` of every object of the response's root field `root`.
inline std::vector<std::string> column(const Outcome& o, const std::string& root,
                                       const std::string& key = "name") {
  std::vector<std::string> out;
  if (!o.ok) return out;
  for (const auto& row : o.response["data"][root]) out.push_back(row[key].get<std::string>());
  return out;
}

inline std::string repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// A JSON value nested `levels` deep: [[[ ... ]]] (parsed, which does not recurse).
inline json nested_arrays(size_t levels) {
  return json::parse(repeat("[", levels) + repeat("]", levels));
}

// {"name": value}, moving `value` in (an initializer list would copy it).
inline json object_with(const std::string& name, json value) {
  json out = json::object();
  out[name] = std::move(value);
  return out;
}

}  // namespace posture::robust
