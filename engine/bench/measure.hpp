// The harness's measuring steps: the sides of a comparison (a SQL statement run
// to the end, or the real Evaluator on one check) timed in rotation, id-set
// comparison, the compile of one check, and the whole catalogue as `posture
// check` evaluates it. Internal to the harness.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/bench/bench.hpp"
#include "engine/checks/catalog.hpp"
#include "engine/checks/evaluate.hpp"
#include "engine/sql/compiler.hpp"
#include "store/store.hpp"

namespace posture::bench {

// Reads `path` and has the store check that it is one read-only statement
// whose only parameter is the scan (`:scan` or `?1`, bound by that name).
// Nothing when the file does not exist.
Result<std::optional<sql::Statement>> load_baseline(const store::Store& store,
                                                    const std::string& path);

// Calls its argument with each id a side selects, in the side's order.
using IdVisitor = std::function<void(std::string_view id)>;

// One way of answering a check. `run` does the work once, as timed, and returns
// how many ids it selected; `each_id` does it untimed and visits the ids.
struct Side {
  std::function<Result<uint64_t>()> run;
  std::function<Status(const IdVisitor&)> each_id;
};

// `statement` on `store`, its scan parameter bound to `scan_id`; `run`
// materialises the ids too. `store` must outlive the side.
Side sql_side(const store::Store& store, sql::Statement statement, int64_t scan_id);

// checks::Evaluator::evaluate(check) on `store`; its ids are its FAIL findings
// (per-resource checks) or the objects it returned (other checks).
Side evaluate_side(const store::Store& store, const checks::EvaluationContext& context,
                   const checks::Check& check);

// Visits every side's ids once (which also warms up), then times
// `repetitions` rounds of one run per side, rotating which side goes first so
// none always inherits another's cache state. Fills each SideBench's timings
// and rows, and for every side but the last (the reference) whether it
// returned the same ids as the last (same_ids, diff). Sides are compared by
// the 128-bit digests of their ids (id_digest), not the ids' texts, which are
// read again only for a side that differs, to name examples.
Status time_sides(const std::vector<Side>& sides, const std::vector<SideBench*>& out,
                  int repetitions);

// Two independent 64-bit hashes of an id: ids that are equal have equal
// digests, and two different ids of a million share one with a probability
// of about 2^-88.
struct IdDigest {
  uint64_t first = 0, second = 0;
  auto operator<=>(const IdDigest&) const = default;
};
IdDigest id_digest(std::string_view id);

// Compares `side`'s ids with `reference`'s as multisets, given the sorted
// digests of each; fills `diff` (counts, and up to ten examples each way, in
// byte order, read again from the sides) and returns equality.
Result<bool> compare_ids(const Side& side, const std::vector<IdDigest>& side_digests,
                         const Side& reference, const std::vector<IdDigest>& reference_digests,
                         IdDiff& diff);

// Times the compile of the check in `text` (file name `file`), `iterations` times.
Result<CompileTiming> time_compile(const std::string& text, const std::string& file,
                                   int iterations);

// Reads the subject lists of the per-resource `checks` into a new
// checks::SubjectCache, once to warm up and then `repetitions` times: what an
// evaluation run reads once and shares between the checks (and what the
// evaluate side's timings leave out, its context having read them already).
// `lists` is the number of distinct lists.
Result<Timing> time_subjects(const store::Store& store, const checks::EvaluationContext& context,
                             const std::vector<const checks::Check*>& checks, int repetitions,
                             uint64_t& lists);

// Evaluates `checks` on the store file `db_path` as `posture check` does
// (EvaluationContext::load, then checks::evaluate_all with `jobs` workers; no
// waivers, no report), once to warm up and then `repetitions` times. Without
// `reasons`, the failing findings are not explained (reasons.hpp): the
// difference is what the reasons cost. `together`: EvaluationContext::together
// (1: a statement per check, to measure what judging checks together saves).
Result<Timing> time_evaluate_all(const store::Store& store, int64_t scan_id,
                                 const std::vector<const checks::Check*>& checks, unsigned jobs,
                                 int repetitions, bool reasons = true,
                                 size_t together = checks::EvaluationContext{}.together);

}  // namespace posture::bench
