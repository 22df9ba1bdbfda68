// jemalloc's options, compiled into the posture program (the builds that link
// it: POSTURE_JEMALLOC without a sanitizer). Transparent huge pages for the
// arenas and jemalloc's own metadata: on the virtual machines we measure on, a
// first touch of a 4 KiB page costs a fault of 6-15 µs, and a query or check
// touches thousands (the objects held for the key order, the report's
// sections, SQLite's page caches); a 2 MiB page takes one fault for 512 of
// them (docs/performance.md, "First touches"). One arena for every thread:
// each arena keeps the pages freed into it for reuse (up to 10 s), so the
// eight of jemalloc's default (four per core) held what the reading thread
// and the workers had each freed, and a check at 10M resources peaked at
// 300-368 MiB while holding under 150 MiB; with one arena, 201-255 MiB, at the
// same speed (docs/performance.md, "One arena"). `MALLOC_CONF` in the
// environment still overrides each option.
#ifdef POSTURE_WITH_JEMALLOC
extern "C" {
// The name jemalloc reads its compiled-in options from (Debian's build has no
// symbol prefix).
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables)
const char* malloc_conf = "thp:always,metadata_thp:always,narenas:1";
}
#endif
