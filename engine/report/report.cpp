// What every report format shares: walking a check's findings (re-reading the
// subjects from the store in evaluation order), explaining notes, summarising
// waivers, and choosing a writer by format name.
#include "engine/report/report.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "base/text.hpp"
#include "engine/report/text.hpp"

namespace posture::report {

Status for_findings_while(const Report& report, const checks::CheckResult& result,
                          const std::function<bool(const Finding&)>& visit) {
  return for_findings_while(report, *report.store, result, visit);
}

Status for_findings_while(const Report& report, const store::Store& store,
                          const checks::CheckResult& result,
                          const std::function<bool(const Finding&)>& visit) {
  if (!result.per_resource()) {
    Finding f;
    f.status = result.status;
    if (result.returned.empty()) {
      if (!result.notes.empty()) f.note = &result.notes.front().second;  // uncollected type
      visit(f);  // a check-level finding: the query's count decided
      return ok_status();
    }
    for (const auto& r : result.returned) {
      f.resource = r.id;
      f.name = r.name;
      f.known_key = r.key;
      if (!visit(f)) break;
    }
    return ok_status();
  }
  if (result.no_subjects) {
    Finding f;
    f.status = result.status;
    f.note = &result.notes.front().second;
    visit(f);  // a check-level finding: there was nothing to check
    return ok_status();
  }
  auto st = checks::subjects_statement(*result.check, *result.subject_type, result.order,
                                       sql::dialect(store.backend()));
  auto cursor = store::Cursor::open(store, st, report.scan.id);
  if (!cursor) return cursor.take_errors();
  size_t i = 0;
  auto note = result.notes.begin();
  // The next explained finding's reason, read ahead (reason_index: its
  // verdict index; past the last: none).
  std::optional<checks::ReasonFile::Reader> reasons;
  const checks::Reason* reason = nullptr;
  uint32_t reason_index = 0;
  bool reason_ahead = false;
  auto read_reason = [&]() -> Status {
    auto more = reasons->next(reason_index, reason);
    if (!more) return more.take_errors();
    reason_ahead = *more;
    return ok_status();
  };
  if (result.reasons) {
    reasons.emplace(*result.reasons);
    if (auto read = read_reason(); !read) return read;
  }
  bool more_rows = false;
  while (true) {
    auto row = cursor->next();
    if (!row) return row.take_errors();
    if (!*row) break;
    if (i >= result.verdicts.size()) {
      more_rows = true;
      break;
    }
    Finding f;
    f.resource = cursor->text(0);
    f.name = cursor->text(1);
    f.status = result.verdicts[i];
    while (note != result.notes.end() && note->first < i) ++note;
    if (note != result.notes.end() && note->first == i) f.note = &note->second;
    while (reason_ahead && reason_index < i)
      if (auto read = read_reason(); !read) return read;
    const bool explained = reason_ahead && reason_index == i;
    if (explained) {
      f.reason = reason;
      f.reason_kept = reasons->kept();
    }
    if (!visit(f)) return ok_status();
    if (explained)
      if (auto read = read_reason(); !read) return read;
    ++i;
  }
  if (more_rows || i != result.verdicts.size())
    return Diagnostic::error("report", "scan " + std::to_string(report.scan.id) +
                                           " changed while the report was being written");
  return ok_status();
}

Status for_each_finding(const Report& report, const checks::CheckResult& result,
                        const std::function<void(const Finding&)>& visit) {
  return for_findings_while(report, result, [&](const Finding& f) {
    visit(f);
    return true;
  });
}

namespace {

// The sections of write_sections as they are made: pieces in memory, or
// ranges of the section's temporary file once too much waits in memory.
struct Section {
  struct Piece {
    std::string text;  // empty: bytes [offset, offset + size) of the file
    uint64_t offset = 0, size = 0;
  };
  // The bytes a piece holds in memory.
  static size_t held(const Piece& p) { return p.size == 0 ? p.text.capacity() : 0; }
  std::deque<Piece> pieces;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{nullptr, &std::fclose};
  uint64_t file_size = 0;
  bool done = false;
  Diagnostics errors;
};

Diagnostic section_error(const char* what) {
  return Diagnostic::error("io", std::string("cannot ") + what +
                                     " a temporary file of the report: " + std::strerror(errno));
}

}  // namespace

Status write_sections(const Report& report, std::ostream& out, unsigned jobs,
                      const SectionMaker& section, size_t ahead) {
  const size_t n = report.results.size();
  const size_t workers = std::min<size_t>(jobs, n);
  if (workers <= 1 || report.store->backend() != store::Backend::Sqlite) {
    SectionSink sink([&](std::string& text) {
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
    });
    for (size_t i = 0; i < n; ++i) {
      if (auto st = section(*report.store, i, report.results[i], sink); !st) return st;
      sink.emit();
    }
    return ok_status();
  }
  // Workers make sections in order of index; this thread writes section
  // `current` as its pieces come, then the next. A worker ahead of it keeps
  // up to `ahead` bytes in memory, the rest in its section's file.
  std::vector<Section> sections(n);
  std::mutex mutex;
  std::condition_variable changed;
  // Bytes in memory (the pieces' capacity) of the sections after `current`,
  // and of section `current`, which its worker fills up to `ahead` too.
  size_t current = 0, waiting = 0, unwritten = 0;
  bool stop = false;
  std::atomic<size_t> next{0};
  auto work = [&] {
    auto store =
        store::Store::open(report.store->path(), report.store->schema(), store::OpenMode::ReadOnly);
    if (store)
      if (auto st = store->use_bulk_read_mode(); !st) store = st.take_errors();
    for (size_t i; (i = next.fetch_add(1)) < n;) {
      Section& s = sections[i];
      Diagnostics failed;
      SectionSink sink([&](std::string& text) {
        std::unique_lock lock(mutex);
        if (stop || !failed.empty()) return;
        const size_t bytes = text.capacity();
        // The section being written waits for the writer past `ahead` bytes.
        if (i == current)
          changed.wait(lock, [&] { return stop || unwritten == 0 || unwritten + bytes <= ahead; });
        if (stop) return;
        if (i == current || (waiting + bytes <= ahead && !s.file)) {
          (i == current ? unwritten : waiting) += bytes;
          s.pieces.push_back({std::move(text), 0, 0});
          changed.notify_all();
          return;
        }
        lock.unlock();  // only this worker writes the file
        if (!s.file) s.file.reset(std::tmpfile());
        if (!s.file || std::fwrite(text.data(), 1, text.size(), s.file.get()) != text.size() ||
            std::fflush(s.file.get()) != 0) {
          failed.push_back(section_error("write"));
          return;
        }
        lock.lock();
        s.pieces.push_back({"", s.file_size, text.size()});
        s.file_size += text.size();
        changed.notify_all();
      });
      Status made = store ? section(*store, i, report.results[i], sink) : Status(store.errors());
      if (made) sink.emit();
      std::lock_guard lock(mutex);
      s.done = true;
      s.errors = !made ? made.errors() : failed;
      changed.notify_all();
      if (!s.errors.empty()) return;
    }
  };
  std::vector<std::thread> threads;
  for (size_t w = 0; w < workers; ++w) threads.emplace_back(work);
  Diagnostics errors;
  std::string buffer;
  for (size_t i = 0; i < n && errors.empty(); ++i) {
    Section& s = sections[i];
    while (true) {
      std::unique_lock lock(mutex);
      if (i != current) {  // what waited for this section is now its to write
        current = i;
        unwritten = 0;
        for (const auto& p : s.pieces) {
          waiting -= Section::held(p);
          unwritten += Section::held(p);
        }
        changed.notify_all();
      }
      changed.wait(lock, [&] { return !s.pieces.empty() || s.done; });
      if (s.pieces.empty()) {
        errors = s.errors;
        break;
      }
      Section::Piece piece = std::move(s.pieces.front());
      s.pieces.pop_front();
      unwritten -= Section::held(piece);
      changed.notify_all();
      lock.unlock();
      if (piece.size == 0) {
        out.write(piece.text.data(), static_cast<std::streamsize>(piece.text.size()));
        continue;
      }
      buffer.resize(piece.size);
      if (::pread(fileno(s.file.get()), buffer.data(), buffer.size(),
                  static_cast<off_t>(piece.offset)) != static_cast<ssize_t>(buffer.size())) {
        errors.push_back(section_error("read"));
        break;
      }
      out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    }
  }
  {
    std::lock_guard lock(mutex);
    stop = true;
    next = n;
    changed.notify_all();
  }
  for (auto& t : threads) t.join();
  if (!errors.empty()) return errors;
  return ok_status();
}

const checks::Waiver* note_exception(const Report& report, const checks::Note& note) {
  if (note.kind == checks::Note::Kind::CollectionError || !report.context ||
      !report.context->waivers)
    return nullptr;
  return &report.context->waivers->entries()[note.ref];
}

std::string note_detail(const Report& report, const checks::Note& note) {
  if (note.kind == checks::Note::Kind::CollectionError) {
    if (!report.context || note.ref >= report.context->errors.size()) return "collection failed";
    const store::CollectionError& e = report.context->errors[note.ref];
    // A scan-level error (no resource) is the whole reason: "no connectors in this scan".
    return e.resource.empty() ? e.message : "collection failed: " + e.message;
  }
  const checks::Waiver* e = note_exception(report, note);
  if (!e) return "";
  std::string who = " (owner " + e->owner + (e->ticket.empty() ? "" : ", ticket " + e->ticket);
  if (note.kind == checks::Note::Kind::ExpiredWaiver)
    return "exception expired on " + e->expires.str() + who + "): " + e->reason;
  return "muted until " + e->expires.str() + who + "): " + e->reason;
}

void write_reason_members(std::string& out, const checks::Reason& reason) {
  out += ",\"reason\":";
  text::json_string(out, reason.text);
  out += ",\"evidence\":[";
  for (size_t i = 0; i < reason.evidence.size(); ++i) {
    const checks::Evidence& e = reason.evidence[i];
    out += i ? ",{\"path\":" : "{\"path\":";
    text::json_string(out, e.path);
    out += ",\"operator\":";
    text::json_string(out, e.op);
    // JSON texts already (checks::Evidence).
    out += ",\"expected\":";
    out += e.expected;
    out += ",\"actual\":";
    out += e.actual;
    out += e.holds ? ",\"holds\":true}" : ",\"holds\":false}";
  }
  out += ']';
}

void write_reason_members(std::ostream& out, const checks::Reason& reason) {
  std::string members;
  write_reason_members(members, reason);
  out << members;
}

std::vector<WaiverSummary> waiver_summaries(const Report& report) {
  std::vector<WaiverSummary> out;
  if (!report.context || !report.context->waivers) return out;
  std::map<uint32_t, uint64_t> uses;
  for (const auto& r : report.results)
    for (const auto& [index, n] : r.waiver_uses) uses[index] += n;
  const auto& entries = report.context->waivers->entries();
  const checks::Date today = report.context->today;
  for (uint32_t i = 0; i < entries.size(); ++i) {
    const checks::Waiver& e = entries[i];
    bool relevant = false;
    for (const auto& r : report.results) relevant |= checks::glob_match(e.check, r.check->id);
    if (!relevant) continue;
    WaiverSummary s;
    s.waiver = &e;
    s.days_left = e.days_left(today);
    s.state = e.expired(today) ? "expired" : e.expiring(today) ? "expiring" : "active";
    s.findings = uses.count(i) ? uses[i] : 0;
    out.push_back(std::move(s));
  }
  return out;
}

std::string summary_line(const Report& report) {
  using S = checks::Verdict;
  std::array<uint64_t, 4> checks{}, findings{};
  for (const auto& r : report.results) {
    ++checks[static_cast<size_t>(r.status)];
    for (size_t s = 0; s < findings.size(); ++s) findings[s] += r.counts[s];
  }
  auto of = [](const std::array<uint64_t, 4>& c, S s) { return c[static_cast<size_t>(s)]; };
  std::string line =
      posture::text::counted(report.results.size(), "check", "checks") + ": " +
      std::to_string(of(checks, S::Pass)) + " passed, " + std::to_string(of(checks, S::Fail)) +
      " failed, " + std::to_string(of(checks, S::Error)) + " with errors, " +
      std::to_string(of(checks, S::Muted)) + " muted; " +
      posture::text::counted(findings[0] + findings[1] + findings[2] + findings[3], "finding",
                             "findings") +
      ": " + std::to_string(of(findings, S::Pass)) + " pass, " +
      std::to_string(of(findings, S::Fail)) + " fail, " + std::to_string(of(findings, S::Error)) +
      " error, " + std::to_string(of(findings, S::Muted)) + " muted";
  if (report.scan.status == "partial")
    line += " (scan " + std::to_string(report.scan.id) + " is partial" +
            (report.scan.message.empty() ? "" : ": " + report.scan.message) + ")";
  return line;
}

std::optional<Format> format_from_name(std::string_view name) {
  static const std::pair<const char*, Format> names[] = {
      {"table", Format::Table}, {"json", Format::Json},   {"csv", Format::Csv},
      {"junit", Format::Junit}, {"sarif", Format::Sarif}, {"ocsf", Format::Ocsf},
      {"html", Format::Html}};
  for (const auto& [n, f] : names)
    if (name == n) return f;
  return std::nullopt;
}

std::vector<std::string> format_names() {
  return {"table", "json", "csv", "junit", "sarif", "ocsf", "html"};
}

Status write(const Report& report, Format format, std::ostream& out, const WriteOptions& options) {
  Status written = ok_status();
  switch (format) {
    case Format::Table:
      written = write_table(report, out, options);
      break;
    case Format::Json:
      written = write_json(report, out, options.jobs);
      break;
    case Format::Csv:
      written = write_csv(report, out);
      break;
    case Format::Junit:
      written = write_junit(report, out);
      break;
    case Format::Sarif:
      written = write_sarif(report, out);
      break;
    case Format::Ocsf:
      written = write_ocsf(report, out);
      break;
    case Format::Html:
      written = write_html(report, out);
      break;
  }
  if (!written) return written;
  out.flush();
  if (!out) return Diagnostic::error("io", "writing the report failed");
  return ok_status();
}

}  // namespace posture::report
