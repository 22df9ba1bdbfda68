// Why a subject fails a check, worked out from the check's own filter: the
// failing subjects' fields and related rows are read from the store (a few
// statements per batch of subjects, rowids bound as parameters), the analysed
// filter IR is evaluated on them in C++ by the semantics of
// docs/query-language.md, and what made it true is recorded: the OR branches
// that held, the related records that satisfied or violated a quantifier, and
// the values compared. Only failing subjects are read: passing ones cost
// nothing. docs/output-formats.md ("Reasons") describes the sentence and the
// evidence; both are stable.
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "engine/semantic/ir.hpp"
#include "store/store.hpp"

namespace posture::checks {

// One comparison behind a reason. `expected` and `actual` are JSON texts
// ("null" when there is none).
struct Evidence {
  std::string path;      // the value's path from the subject: securityContacts[default].email
  std::string op;        // eq, in, lt, lte, gt, gte, contains, starts_with, ends_with, matches,
                         // includes, is_null, count_eq ... count_gte, some, none, all, single
  std::string expected;  // the filter's value (an array for in), or the count
  std::string actual;    // the stored value, or the number of related records
  bool holds = false;    // whether the comparison held
  bool operator==(const Evidence&) const = default;
};

// A failing finding's reason: one sentence (several parts joined with "; ")
// and the evidence it was written from, in the same order.
struct Reason {
  std::string text;
  std::vector<Evidence> evidence;
  bool operator==(const Reason&) const = default;
};

// The reason given when the filter cannot be explained on the values read
// (the evaluation in C++ does not agree with the SQL that selected the
// subject, or the filter is true without comparing anything).
inline constexpr const char* kNeutralReason = "matches the check's filter";

// The reasons of a check's explained findings with their findings' indexes,
// in ascending order, kept in a temporary file (tmpfile(): gone when the last
// holder lets go) rather than in memory, so that what `posture check` holds
// per failing finding stays flat however many fail (docs/performance.md,
// "Scale"). Written once by the evaluation, then read by any number of
// Readers, each from the start.
// Reasons recur: the 112,492 failing findings of four checks on 100,000
// subscriptions have 99 different reasons. A reason met again is kept once in
// memory (up to kKeptBytes of them per file written) and its findings' records
// name it; the report writes each kept reason's text once (Reader::next says
// which reasons are kept). Reasons beyond that bound are written out whole.
class ReasonFile {
 public:
  // Errors: the temporary file cannot be created.
  static Result<std::shared_ptr<ReasonFile>> create();
  // The reasons of `parts` (each finished, held by nobody else), one part
  // after the other: their files are taken over, not copied. Several workers
  // each explain a share of a check's findings into a part of their own.
  static std::shared_ptr<ReasonFile> join(std::vector<std::shared_ptr<ReasonFile>> parts);
  Status append(uint32_t index, const Reason& reason);
  Status finish();  // after the last append, before the first Reader
  uint64_t size() const { return count_; }

  // Bytes of reasons' text kept in memory per file written, at most.
  static constexpr size_t kKeptBytes = size_t{64} << 10;

  class Reader {
   public:
    explicit Reader(const ReasonFile& file) : file_(&file) {}
    // The next reason and its finding's index; false after the last.
    // `reason` points to a reason the file keeps (the same pointer for every
    // finding it explains, valid as long as the file: kept() is true) or to
    // this reader's copy (valid until the next call).
    Result<bool> next(uint32_t& index, const Reason*& reason);
    Result<bool> next(uint32_t& index, Reason& reason);  // a copy
    bool kept() const { return kept_; }  // whether the last reason is one the file keeps

   private:
    Result<bool> fill(size_t need);  // at least `need` bytes from pos_; false at the end
    const ReasonFile* file_;
    size_t part_ = 0;      // the file being read (a record never spans two)
    uint64_t offset_ = 0;  // of that file, after buf_
    std::string buf_;
    size_t pos_ = 0;
    Reason own_;  // the last reason read that the file does not keep
    bool kept_ = false;
  };

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  // A file written and the reasons its records name (record reference k > 0:
  // kept[k - 1]); a deque, so that readers' pointers stay valid.
  struct Part {
    std::unique_ptr<std::FILE, Closer> file;
    std::deque<Reason> kept;
  };
  std::vector<Part> parts_;  // appends go to the last
  std::string out_;          // the records not yet written
  uint64_t count_ = 0;
  // While writing the last part: the references of the reasons it keeps, by
  // their hash, and the bytes of text they hold.
  std::unordered_multimap<uint64_t, uint32_t> seen_;
  size_t kept_bytes_ = 0;
};

// Explains filters (analysed, over `type`) for subjects of one scan.
class Explainer {
 public:
  Explainer(const store::Store& store, const schema::ObjectType& type, const ir::Predicate& where)
      : Explainer(store, type, std::vector<const ir::Predicate*>{&where}) {}
  // Several filters over one type (the checks of one subject type): a subject
  // several of them explain, and its related rows, are read once for all.
  Explainer(const store::Store& store, const schema::ObjectType& type,
            std::vector<const ir::Predicate*> wheres)
      : store_(store), type_(type), wheres_(std::move(wheres)) {}

  // The reasons of the subjects with rowids `rids` (any order), in that order.
  // `holds[i]` says whether the filter is true for rids[i] by the C++
  // evaluation; when it is not, reasons[i] is the neutral reason.
  struct Explained {
    std::vector<Reason> reasons;
    std::vector<bool> holds;
  };
  // The first filter's.
  Result<Explained> explain(const std::vector<int64_t>& rids) const;
  // Each filter's: out[k] explains rids[k] (any order) by wheres[k].
  Result<std::vector<Explained>> explain(const std::vector<std::vector<int64_t>>& rids) const;
  // The same, each reason given to `visit` as it is made rather than all held
  // at once (a reason over hundreds of related rows takes kilobytes):
  // visit(k, i, holds, reason) for rids[k][i], in ascending rowid order for
  // each filter; `reason` may be moved from. An error it returns stops the
  // explanation and is returned.
  using Visit = std::function<Status(size_t k, size_t i, bool holds, Reason& reason)>;
  Status explain(const std::vector<std::vector<int64_t>>& rids, const Visit& visit) const;

 private:
  const store::Store& store_;
  const schema::ObjectType& type_;
  std::vector<const ir::Predicate*> wheres_;
};

}  // namespace posture::checks
