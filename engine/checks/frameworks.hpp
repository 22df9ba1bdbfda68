// Compliance frameworks: one JSON file each in queries/frameworks/, listing a
// framework's requirements (id, title, section) and the stored checks that
// assess each. A check may also cite "<framework>:<requirement>" in its @check
// `frameworks`; both sources are merged, and a citation of a requirement the
// framework file does not list is an error. Requirements without checks are
// kept: reports show them as not assessed (manual).
//   {"id": "cis-azure-3.0.0", "title": "...", "version": "3.0.0",
//    "publisher": "...", "url": "...", "scope": "...",
//    "requirements": [{"id": "3.1.13", "section": "...", "title": "...",
//                      "checks": ["azure-additional-email-address"]}]}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace posture::checks {

class Catalog;
struct Check;

struct Requirement {
  std::string id;
  std::string title;
  std::string section;
  std::vector<std::string> checks;  // check ids, file order then citations
};

struct Framework {
  std::string id;
  std::string title;
  std::string version;
  std::string publisher;
  std::string url;
  std::string scope;  // which part of the framework the file covers
  std::string file;
  std::vector<Requirement> requirements;

  const Requirement* find(std::string_view requirement_id) const;
  // The ids of every check that assesses some requirement, without duplicates.
  std::vector<std::string> check_ids() const;
};

class FrameworkSet {
 public:
  // Parses one framework file's JSON (`file` names it in diagnostics, with the line).
  static Result<Framework> parse(std::string_view text, const std::string& file);
  // Loads every *.json of `dir` (sorted; a missing directory is an empty set),
  // checks that every check id exists in `catalog` and merges the checks'
  // citations. Every problem is reported, each with file:line.
  static Result<FrameworkSet> load(const std::string& dir, const Catalog& catalog);
  // The same over several directories, in order: a framework id defined in
  // two files is an error naming both.
  static Result<FrameworkSet> load(const std::vector<std::string>& dirs, const Catalog& catalog);

  const std::vector<Framework>& all() const { return frameworks_; }
  const Framework* find(std::string_view id) const;
  std::vector<std::string> ids() const;
  // "<framework>:<requirement>" for every requirement `check` assesses: its
  // own citations first, then those of the framework files.
  std::vector<std::string> citations(const Check& check) const;

 private:
  std::vector<Framework> frameworks_;
};

}  // namespace posture::checks
