// libFuzzer target: `posture import` on untrusted file bytes. Each input is
// written to an in-memory file (memfd, read back through /proc/self/fd) and
// imported into a fresh in-memory store. Refusing the file is fine; what must
// hold is the importer's promise: no crash or leak, and either a complete scan
// whose row counts agree with the summary, or an error and a store with no
// scan and no rows at all (a failed import stores nothing).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "collectors/snapshot/importer.hpp"
#include "engine/schema/schema.hpp"
#include "store/store.hpp"

namespace {

using namespace posture;

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_import: %s\n", what.c_str());
  std::abort();
}

int64_t count(const store::Store& db, const std::string& sql) {
  auto cursor = store::Cursor::open(db, {sql, {}, ""}, 0);
  if (!cursor) finding("cannot prepare " + sql + ": " + format(cursor.errors()));
  auto row = cursor->next();
  return row && *row ? cursor->integer(0) : -1;
}

// The file the importer reads: one memfd, rewritten for every input.
int input_fd() {
  static int fd = memfd_create("posture-fuzz-import", MFD_CLOEXEC);
  if (fd < 0) finding("memfd_create failed");
  return fd;
}

void write_input(const uint8_t* data, size_t size) {
  int fd = input_fd();
  if (ftruncate(fd, 0) != 0) finding("ftruncate failed");
  size_t done = 0;
  while (done < size) {
    ssize_t n = pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) finding("pwrite failed");
    done += static_cast<size_t>(n);
  }
}

void check_store(const store::Store& store, const Result<snapshot::ImportSummary>& result) {
  const store::Store& db = store;
  int64_t scans = count(db, "SELECT count(*) FROM _scans");
  int64_t connectors = count(db, "SELECT count(*) FROM connector");
  int64_t contacts = count(db, "SELECT count(*) FROM security_contact");
  if (!result) {
    if (scans != 0 || connectors != 0 || contacts != 0)
      finding("a failed import left rows behind: " + format(result.errors()));
    return;
  }
  if (scans != 1 || count(db, "SELECT count(*) FROM _scans WHERE status = 'complete'") != 1)
    finding("a successful import did not leave exactly one complete scan");
  if (static_cast<uint64_t>(connectors) != result->subscriptions ||
      static_cast<uint64_t>(contacts) != result->contacts)
    finding("the summary's counts disagree with the stored rows");
  if (count(db, "SELECT objects FROM _scans") != connectors + contacts)
    finding("_scans.objects disagrees with the stored rows");
  if (connectors + contacts == 0) finding("an import succeeded with nothing stored");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  write_input(data, size);
  auto store = store::Store::open(":memory:", posture::schema::builtin());
  if (!store) finding("cannot open an in-memory store: " + format(store.errors()));
  std::string path = "/proc/self/fd/" + std::to_string(input_fd());
  auto result = snapshot::import_files(*store, {path});
  check_store(*store, result);
  return 0;
}
