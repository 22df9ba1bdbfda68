// `two-valued-not` (engine/semantic/lint.hpp) on the declared asset types: a
// negation is flagged whatever operator it negates, and not over a field the
// importer never leaves missing (one with a catalogue fill or a documented
// default). The other lint codes are tested in engine_pipeline_test.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/schema/schema.hpp"
#include "engine/semantic/lint.hpp"
#include "engine/syntax/parser.hpp"

namespace posture::semantic {
namespace {

// The fields named by the two-valued-not warnings of `query`, in order.
std::vector<std::string> flagged(const std::string& query) {
  auto doc = syntax::parse(query);
  EXPECT_TRUE(doc) << format(doc.errors());
  std::vector<std::string> out;
  if (!doc) return out;
  for (const auto& d : lint(*doc, schema::builtin(), "<q>")) {
    EXPECT_EQ(d.code, "two-valued-not") << d.message;
    auto begin = d.message.find("negation over ") + 14;
    out.push_back(d.message.substr(begin, d.message.find(',', begin) - begin));
  }
  return out;
}

using V = std::vector<std::string>;

TEST(LintTwoValuedNot, EveryOperatorUnderANotIsANegation) {
  EXPECT_EQ(flagged(R"({ securityContacts(where: { NOT: { email_MATCHES: "a.*" } }) { id } })"),
            V{"SecurityContact.email"});
  EXPECT_EQ(flagged(R"({ securityContacts(where: { NOT: { email_IN: ["a"] } }) { id } })"),
            V{"SecurityContact.email"});
  EXPECT_EQ(flagged(R"({ securityContacts(where: { NOT: { phone_STARTS_WITH: "+1" } }) { id } })"),
            V{"SecurityContact.phone"});
  EXPECT_EQ(flagged(R"({ flowLogs(where: { NOT: { retentionPolicyDays_LT: 90 } }) { id } })"),
            V{"FlowLog.retentionPolicyDays"});
  // Saying what a missing value means is not flagged: null listed, or a positive test.
  EXPECT_EQ(flagged(R"({ securityContacts(where: { NOT: { email_IN: [null, "a"] } }) { id } })"),
            V{});
  EXPECT_EQ(flagged(R"({ securityContacts(where: { email_MATCHES: "a.*" }) { id } })"), V{});
}

TEST(LintTwoValuedNot, FieldsWithAFillOrADocumentedDefaultAreNeverMissing) {
  // supportsHttpsTrafficOnly and networkRuleSetBypass have a documented default,
  // sasPolicySasExpirationPeriod a catalogue fill: an import always stores them.
  EXPECT_EQ(flagged(R"({ storageAccounts(where: {
      supportsHttpsTrafficOnly_NOT: true
      NOT: { networkRuleSetBypass_MATCHES: ".*AzureServices.*" }
      sasPolicySasExpirationPeriod_NOT_IN: ["0.01:00:00"] }) { id } })"),
            V{});
  // publicNetworkAccess has no documented default: it may be missing.
  EXPECT_EQ(
      flagged(R"({ storageAccounts(where: { publicNetworkAccess_NOT: "Disabled" }) { id } })"),
      V{"StorageAccount.publicNetworkAccess"});
}

}  // namespace
}  // namespace posture::semantic
