// The semantic stage: a parsed document + the schema -> the typed query IR.
// Resolves names, expands fragments and variables, type-checks every value and
// reports what is wrong with line, column and "did you mean" hints. It never
// returns a partial query: any error means no IR.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "engine/base/result.hpp"
#include "engine/schema/schema.hpp"
#include "engine/semantic/ir.hpp"
#include "engine/syntax/ast.hpp"

namespace posture::semantic {

struct AnalyzeOptions {
  std::string operation_name;  // which operation to run when the document has several
  nlohmann::json variables = nlohmann::json::object();  // values of $variables
  std::string source_name = "<query>";                  // for diagnostics
};

// Analyses the operation `options.operation_name` (or the only one) of `doc`.
Result<ir::Query> analyze(const syntax::Document& doc, const schema::Schema& schema,
                          const AnalyzeOptions& options = {});

}  // namespace posture::semantic
