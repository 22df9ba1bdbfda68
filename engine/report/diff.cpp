// The finding-by-finding diff of two scans: a merge join of the two subject
// lists (both in key order) with their verdicts, written as it goes.
#include "engine/report/diff.hpp"

#include <algorithm>
#include <optional>

#include "engine/report/text.hpp"

namespace posture::report {

namespace {

using S = checks::Verdict;

struct Row {
  const checks::Check* check = nullptr;
  std::string resource, name;
  Change change = Change::New;
  std::optional<S> from, to;  // nullopt: the resource is not in that scan
  std::string detail;
};

// Writes rows in one of the three formats; the JSON summary comes last so
// nothing has to be held back.
class Sink {
 public:
  Sink(Format format, std::ostream& out, const WriteOptions& options, std::optional<Change> only)
      : format_(format), out_(out), options_(options), only_(only) {}

  void begin(const Report& from, const Report& to) {
    if (format_ == Format::Csv) {
      out_ << "check,resource,name,change,from,to,detail\r\n";
    } else if (format_ == Format::Json) {
      out_ << "{\n  \"from\":" << scan_json(from.scan) << ",\n  \"to\":" << scan_json(to.scan)
           << ",\n  \"findings\":[";
    } else {
      out_ << "Changes from scan " << from.scan.id << " (" << from.scan.source << ", "
           << from.scan.ended_at << ") to scan " << to.scan.id << " (" << to.scan.source << ", "
           << to.scan.ended_at << ")";
      if (only_) out_ << ", only " << change_name(*only_);
      out_ << "\n\n  " << label_column("CHANGE") << "CHECK  RESOURCE  NAME  FROM -> TO\n";
    }
  }

  void check_begin(const checks::Check&) { shown_ = {}; }

  void row(const Row& r) {
    ++summary_.changes[static_cast<size_t>(r.change)];
    if (only_ && r.change != *only_) return;  // counted in the summary, not listed
    ++per_check_[static_cast<size_t>(r.change)];
    std::string from = r.from ? std::string(checks::verdict_name(*r.from)) : "ABSENT";
    std::string to = r.to ? std::string(checks::verdict_name(*r.to)) : "ABSENT";
    if (format_ == Format::Csv) {
      for (std::string_view f : {std::string_view(r.check->id), std::string_view(r.resource),
                                 std::string_view(r.name), change_name(r.change)}) {
        text::csv_field(out_, f);
        out_ << ',';
      }
      out_ << from << ',' << to << ',';
      text::csv_field(out_, r.detail);
      out_ << "\r\n";
    } else if (format_ == Format::Json) {
      out_ << (first_ ? "\n    " : ",\n    ") << "{\"check\":" << text::json_quoted(r.check->id)
           << ",\"severity\":\"" << checks::severity_name(r.check->severity)
           << "\",\"resource\":" << text::json_quoted(r.resource)
           << ",\"name\":" << text::json_quoted(r.name) << ",\"change\":\"" << change_name(r.change)
           << "\",\"from\":\"" << from << "\",\"to\":\"" << to << "\"";
      if (!r.detail.empty()) out_ << ",\"detail\":" << text::json_quoted(r.detail);
      out_ << "}";
    } else {
      auto& shown = shown_[static_cast<size_t>(r.change)];
      if (options_.max_rows && shown >= options_.max_rows) return;
      ++shown;
      std::string label(change_name(r.change));
      for (auto& c : label) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out_ << "  " << label_column(label) << r.check->id << "  " << r.resource << "  " << r.name
           << "  " << from << " -> " << to;
      if (!r.detail.empty()) out_ << "  (" << r.detail << ")";
      out_ << "\n";
    }
    first_ = false;
  }

  void check_end(const checks::Check& c) {
    if (format_ == Format::Json) checks_.push_back({c.id, per_check_});
    if (format_ == Format::Table) {
      for (size_t k = 0; k < 4; ++k)
        if (options_.max_rows && per_check_[k] > shown_[k] &&
            (!only_ || k == static_cast<size_t>(*only_)))
          out_ << "  ... " << per_check_[k] - shown_[k] << " more " << change_name(Change(k))
               << " findings of " << c.id << " (--format csv or json lists all)\n";
    }
    per_check_ = {};
  }

  void end() {
    const auto& c = summary_.changes;
    if (format_ == Format::Json) {
      out_ << (first_ ? "]" : "\n  ]") << ",\n  \"summary\":" << counts_json(c)
           << ",\n  \"checks\":[";
      for (size_t i = 0; i < checks_.size(); ++i)
        out_ << (i ? ",\n    " : "\n    ") << "{\"id\":" << text::json_quoted(checks_[i].first)
             << "," << counts_json(checks_[i].second).substr(1);
      out_ << (checks_.empty() ? "]\n}\n" : "\n  ]\n}\n");
    } else if (format_ == Format::Table) {
      out_ << "\n"
           << c[0] << " new, " << c[1] << " fixed, " << c[2] << " still failing, " << c[3]
           << " changed (muted or not evaluated)\n";
    }
  }

  const DiffSummary& summary() const { return summary_; }

 private:
  // The change column, padded to one width.
  static std::string label_column(const std::string& label) {
    return label + std::string(label.size() < 14 ? 14 - label.size() : 1, ' ');
  }
  static std::string scan_json(const store::ScanInfo& s) {
    return "{\"id\":" + std::to_string(s.id) + ",\"source\":" + text::json_quoted(s.source) +
           ",\"ended_at\":" + text::json_quoted(s.ended_at) + "}";
  }
  static std::string counts_json(const std::array<uint64_t, 4>& c) {
    return "{\"new\":" + std::to_string(c[0]) + ",\"fixed\":" + std::to_string(c[1]) +
           ",\"still_failing\":" + std::to_string(c[2]) + ",\"changed\":" + std::to_string(c[3]) +
           "}";
  }

  Format format_;
  std::ostream& out_;
  const WriteOptions& options_;
  std::optional<Change> only_;
  bool first_ = true;
  DiffSummary summary_;
  std::array<uint64_t, 4> per_check_{}, shown_{};
  std::vector<std::pair<std::string, std::array<uint64_t, 4>>> checks_;
};

std::optional<Change> classify(std::optional<S> from, std::optional<S> to) {
  bool was = from == S::Fail, is = to == S::Fail;
  if (is) return was ? Change::StillFailing : Change::New;
  if (!was) return std::nullopt;
  if (!to || *to == S::Pass) return Change::Fixed;
  return Change::Changed;
}

// One side of the merge: a cursor over a scan's subjects and their verdicts.
struct Side {
  Side(const Report& r, const checks::CheckResult& c) : report(r), result(c) {}
  const Report& report;
  const checks::CheckResult& result;
  std::optional<store::Cursor> cursor;
  size_t index = 0;
  size_t note = 0;
  bool done = false;
  std::string key, id, name;

  Status open() {
    auto st = checks::subjects_statement(*result.check, *result.subject_type, result.order,
                                         sql::dialect(report.store->backend()));
    auto c = store::Cursor::open(*report.store, st, report.scan.id);
    if (!c) return c.take_errors();
    cursor.emplace(std::move(c).value());
    return advance(false);
  }
  Status advance(bool step_index = true) {
    if (step_index) ++index;
    auto row = cursor->next();
    if (!row) return row.take_errors();
    done = !*row || index >= result.verdicts.size();
    if (!done) {
      id.assign(cursor->text(0));
      name.assign(cursor->text(1));
      store::arm_key(id, key);
    }
    return ok_status();
  }
  S verdict() const { return result.verdicts[index]; }
  // The note of the current finding, if any (notes are in index order).
  std::string detail() {
    while (note < result.notes.size() && result.notes[note].first < index) ++note;
    if (note < result.notes.size() && result.notes[note].first == index)
      return note_detail(report, result.notes[note].second);
    return "";
  }
};

// The collection error of scan `report` about the resource `key` of `type`, if
// any: sets `verdict` to ERROR and returns the error's sentence.
std::string failed_in(const Report& report, const schema::ObjectType& type, const std::string& key,
                      std::optional<S>& verdict) {
  if (!report.context) return "";
  auto it = report.context->error_index.find(type.name + '\n' + key);
  if (it == report.context->error_index.end()) return "";
  verdict = S::Error;
  return note_detail(report, {checks::Note::Kind::CollectionError, it->second});
}

Status diff_check(const Report& from, const Report& to, size_t i, Sink& sink) {
  const auto& a = from.results[i];
  const auto& b = to.results[i];
  if (a.per_resource() && b.per_resource() &&
      (a.order != checks::Order::Key || b.order != checks::Order::Key))
    return Diagnostic::error("diff", "a diff needs both evaluations in key order");
  if (!a.per_resource() || !b.per_resource() || a.no_subjects || b.no_subjects) {
    if (auto change = classify(a.status, b.status))
      sink.row({a.check, "", "", *change, a.status, b.status, ""});
    return ok_status();
  }
  Side x{from, a}, y{to, b};
  if (auto st = x.open(); !st) return st;
  if (auto st = y.open(); !st) return st;
  while (!x.done || !y.done) {
    bool take_x = !x.done && (y.done || x.key <= y.key);
    bool take_y = !y.done && (x.done || y.key <= x.key);
    std::optional<S> vx = take_x ? std::optional<S>(x.verdict()) : std::nullopt;
    std::optional<S> vy = take_y ? std::optional<S>(y.verdict()) : std::nullopt;
    // Gone from the newer scan because its collection failed there: unknown
    // (ERROR), never fixed.
    std::string detail = take_y ? y.detail() : failed_in(to, *b.subject_type, x.key, vy);
    if (auto change = classify(vx, vy)) {
      const Side& named = take_y ? y : x;
      sink.row({a.check, named.id, named.name, *change, vx, vy, detail});
    }
    if (take_x)
      if (auto st = x.advance(); !st) return st;
    if (take_y)
      if (auto st = y.advance(); !st) return st;
  }
  return ok_status();
}

}  // namespace

std::optional<Change> change_from_name(std::string_view name) {
  for (Change c : {Change::New, Change::Fixed, Change::StillFailing, Change::Changed}) {
    std::string dashed(change_name(c));
    std::replace(dashed.begin(), dashed.end(), '_', '-');
    if (name == change_name(c) || name == dashed) return c;
  }
  return std::nullopt;
}

std::string_view change_name(Change c) {
  switch (c) {
    case Change::New:
      return "new";
    case Change::Fixed:
      return "fixed";
    case Change::StillFailing:
      return "still_failing";
    case Change::Changed:
      return "changed";
  }
  return "changed";
}

Result<DiffSummary> write_diff(const Report& from, const Report& to, Format format,
                               std::ostream& out, const WriteOptions& options,
                               std::optional<Change> only) {
  if (format != Format::Table && format != Format::Json && format != Format::Csv)
    return Diagnostic::error("bad-format", "a diff is written as table, json or csv");
  if (from.results.size() != to.results.size())
    return Diagnostic::error("diff", "the two evaluations hold different checks");
  Sink sink(format, out, options, only);
  sink.begin(from, to);
  for (size_t i = 0; i < from.results.size(); ++i) {
    sink.check_begin(*from.results[i].check);
    if (auto st = diff_check(from, to, i, sink); !st) return st.take_errors();
    sink.check_end(*from.results[i].check);
  }
  sink.end();
  out.flush();
  if (!out) return Diagnostic::error("io", "writing the diff failed");
  return sink.summary();
}

}  // namespace posture::report
