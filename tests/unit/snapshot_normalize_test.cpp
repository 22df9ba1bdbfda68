// ARM normalisation: classify, every row of the SecurityContact table in docs/data-model.md for
// each API version (shapes from the public REST API specifications), subscriptions,
// split_emails, response_items, and the errors for objects of the wrong shape. Every
// object normalised here is also read by the importer's fast path (normalize_parsed, over
// simdjson's DOM), which must make the same record, or leave what normalize refuses to it.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <optional>
#include <string>

#include "collectors/snapshot/normalize.hpp"
#include "collectors/snapshot/normalize_parsed.hpp"
#include "engine/schema/schema.hpp"

using nlohmann::json;
using posture::snapshot::ArmKind;
using posture::snapshot::classify;
using posture::snapshot::normalize;
using posture::snapshot::response_items;
using posture::snapshot::split_emails;
using posture::snapshot::internal::normalize_parsed;
using posture::store::Record;

namespace {

const char* const kSub = "/subscriptions/c0ffee00-0000-4000-8000-000000000001";

std::string contact_id(const std::string& name = "default") {
  return std::string(kSub) + "/providers/Microsoft.Security/securityContacts/" + name;
}

json contact(const json& properties, const std::string& name = "default") {
  return {{"id", contact_id(name)},
          {"name", name},
          {"type", "Microsoft.Security/securityContacts"},
          {"properties", properties}};
}

// GET
// /subscriptions/{id}/providers/Microsoft.Security/securityContacts?api-version=2017-08-01-preview
const json k2017 = contact({{"email", "john@contoso.com"},
                            {"phone", "(214)275-4038"},
                            {"alertNotifications", "On"},
                            {"alertsToAdmins", "On"}},
                           "default1");

// ...?api-version=2020-01-01-preview
const json k2020 = contact({{"emails", "john@contoso.com;jane@contoso.com"},
                            {"phone", "(214)275-4038"},
                            {"alertNotifications", {{"state", "On"}, {"minimalSeverity", "Low"}}},
                            {"notificationsByRole", {{"state", "On"}, {"roles", {"Owner"}}}}});

// ...?api-version=2023-12-01-preview
const json k2023 =
    contact({{"notificationsSources",
              {{{"sourceType", "Alert"}, {"minimalSeverity", "Low"}},
               {{"sourceType", "AttackPath"}, {"minimalRiskLevel", "Critical"}}}},
             {"emails", "john@contoso.com;jane@contoso.com"},
             {"phone", "(214)275-4038"},
             {"isEnabled", true},
             {"notificationsByRole", {{"state", "On"}, {"roles", {"Owner", "ServiceAdmin"}}}}});

// What the importer's fast path makes of `text` as one JSON Lines element:
// normalize_parsed over simdjson's DOM. `raw` is taken only with a record.
std::optional<Record> parsed(const std::string& text, std::string& raw) {
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  EXPECT_EQ(parser.parse(text).get(element), simdjson::SUCCESS) << text;
  return normalize_parsed(element, raw, posture::schema::builtin());
}

// Both records alike, member by member.
void expect_same(const Record& fast, const Record& slow, const std::string& text) {
  EXPECT_EQ(fast.type, slow.type) << text;
  EXPECT_EQ(fast.id, slow.id) << text;
  EXPECT_EQ(fast.fields, slow.fields) << text;
  EXPECT_EQ(fast.raw, slow.raw) << text;
  EXPECT_EQ(fast.relationship, slow.relationship) << text;
  EXPECT_EQ(fast.parent_id, slow.parent_id) << text;
  EXPECT_EQ(fast.any_parent, slow.any_parent) << text;
  EXPECT_EQ(fast.references, slow.references) << text;
}

// The record's fields; the fast path must give the same record for its text.
json fields_of(const json& object) {
  std::string text = object.dump();
  auto record = normalize(object, text, posture::schema::builtin());
  EXPECT_TRUE(record.ok()) << (record.ok() ? "" : posture::format(record.errors()));
  if (!record.ok()) return json();
  std::string raw = text;
  auto fast = parsed(text, raw);
  EXPECT_TRUE(fast.has_value()) << text;
  if (fast) expect_same(*fast, *record, text);
  return record->fields;
}

// The error normalize gives; the fast path must leave the object to it.
std::string error_of(const json& object) {
  std::string text = object.dump(), raw = text;
  EXPECT_FALSE(parsed(text, raw).has_value()) << text;
  EXPECT_EQ(raw, text);
  auto record = normalize(object, "", posture::schema::builtin());
  EXPECT_FALSE(record.ok());
  if (record.ok()) return "";
  EXPECT_EQ(record.errors()[0].code, "invalid-object");
  return record.errors()[0].message;
}

}  // namespace

TEST(SnapshotClassify, TellsSubscriptionsContactsAndOtherObjectsApart) {
  json sub = {{"id", kSub}, {"subscriptionId", "c0ffee00-0000-4000-8000-000000000001"}};
  EXPECT_EQ(classify(sub), ArmKind::Subscription);
  EXPECT_EQ(classify(k2017), ArmKind::SecurityContact);
  json singular = k2020;
  singular["type"] = "Microsoft.Security/securityContact";  // published examples
  EXPECT_EQ(classify(singular), ArmKind::SecurityContact);
  json untyped = k2023;
  untyped.erase("type");
  EXPECT_EQ(classify(untyped), ArmKind::SecurityContact);  // by its id
  json upper = {{"id", "/SUBSCRIPTIONS/X/PROVIDERS/MICROSOFT.SECURITY/SECURITYCONTACTS/default"}};
  EXPECT_EQ(classify(upper), ArmKind::SecurityContact);
  EXPECT_EQ(classify(json{{"id", kSub}}), ArmKind::Unknown);  // no subscriptionId
  json vm = {{"id", std::string(kSub) + "/resourceGroups/rg/providers/Microsoft.Compute/vm/a"},
             {"type", "Microsoft.Compute/virtualMachines"},
             {"subscriptionId", "x"}};
  EXPECT_EQ(classify(vm), ArmKind::Unknown);
  EXPECT_EQ(classify(json::array()), ArmKind::Unknown);
  EXPECT_EQ(classify(json("x")), ArmKind::Unknown);
}

TEST(SnapshotNormalizeSubscription, MapsTheListItemToAConnector) {
  json sub = {{"id", kSub},
              {"authorizationSource", "RoleBased"},
              {"managedByTenants", json::array()},
              {"subscriptionId", "c0ffee00-0000-4000-8000-000000000001"},
              {"tenantId", "aaaaaaaa-0000-4000-8000-000000000000"},
              {"displayName", "Contoso Production"},
              {"state", "Enabled"},
              {"subscriptionPolicies", {{"spendingLimit", "Off"}}}};
  std::string raw = sub.dump(2);
  auto record = normalize(sub, raw, posture::schema::builtin());
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->type->name, "Connector");
  EXPECT_EQ(record->id, kSub);
  EXPECT_EQ(record->raw, raw);  // verbatim
  EXPECT_EQ(record->relationship, nullptr);
  EXPECT_EQ(record->fields, (json{{"id", kSub},
                                  {"name", "Contoso Production"},
                                  {"cloudProvider", "azure"},
                                  {"subscriptionId", "c0ffee00-0000-4000-8000-000000000001"},
                                  {"tenantId", "aaaaaaaa-0000-4000-8000-000000000000"},
                                  {"state", "Enabled"},
                                  {"provider", "azure"}}));
}

TEST(SnapshotNormalizeSubscription, RefusesAWrongType) {
  json sub = {{"id", kSub}, {"subscriptionId", "x"}, {"displayName", 7}};
  EXPECT_NE(error_of(sub).find("property `displayName` must be a string, got number"),
            std::string::npos);
}

TEST(SnapshotNormalizeContact2017, MapsEveryField) {
  json f = fields_of(k2017);
  EXPECT_EQ(f["apiVersion"], "2017-08-01-preview");
  EXPECT_EQ(f["id"], contact_id("default1"));
  EXPECT_EQ(f["name"], "default1");
  EXPECT_EQ(f["provider"], "azure");
  EXPECT_EQ(f["email"], "john@contoso.com");
  EXPECT_EQ(f["emails"], json({"john@contoso.com"}));
  EXPECT_EQ(f["phone"], "(214)275-4038");
  EXPECT_EQ(f["alertNotifications"], true);
  EXPECT_TRUE(f["alertMinimalSeverity"].is_null());
  EXPECT_TRUE(f["attackPathMinimalRiskLevel"].is_null());
  EXPECT_EQ(f["notificationByRoleState"], "On");
  EXPECT_EQ(f["notificationRoles"], json({"Owner"}));
  EXPECT_TRUE(f["isEnabled"].is_null());
}

TEST(SnapshotNormalizeContact2017, OffAndUnconfigured) {
  json f = fields_of(contact(
      {{"email", ""}, {"phone", ""}, {"alertNotifications", "Off"}, {"alertsToAdmins", "Off"}}));
  EXPECT_EQ(f["email"], "");  // an empty string stays an empty string
  EXPECT_EQ(f["emails"], json::array());
  EXPECT_EQ(f["phone"], "");
  EXPECT_EQ(f["alertNotifications"], false);
  EXPECT_EQ(f["notificationByRoleState"], "Off");
  EXPECT_EQ(f["notificationRoles"], json::array());
  EXPECT_EQ(f["apiVersion"], "2017-08-01-preview");
}

TEST(SnapshotNormalizeContact2017, MissingKeysStayMissing) {
  json f = fields_of(contact({{"email", "a@b.c"}}));
  EXPECT_TRUE(f["phone"].is_null());
  EXPECT_TRUE(f["alertNotifications"].is_null());
  EXPECT_TRUE(f["notificationByRoleState"].is_null());
  EXPECT_TRUE(f["notificationRoles"].is_null());
}

TEST(SnapshotNormalizeContact2020, MapsEveryField) {
  auto record = normalize(k2020, "", posture::schema::builtin());
  ASSERT_TRUE(record.ok());
  json f = record->fields;
  EXPECT_EQ(f["apiVersion"], "2020-01-01-preview");
  EXPECT_EQ(f["email"], "john@contoso.com;jane@contoso.com");
  EXPECT_EQ(f["emails"], json({"john@contoso.com", "jane@contoso.com"}));
  EXPECT_EQ(f["phone"], "(214)275-4038");
  EXPECT_EQ(f["alertNotifications"], true);
  EXPECT_EQ(f["alertMinimalSeverity"], "Low");
  EXPECT_TRUE(f["attackPathMinimalRiskLevel"].is_null());
  EXPECT_EQ(f["notificationByRoleState"], "On");
  EXPECT_EQ(f["notificationRoles"], json({"Owner"}));
  EXPECT_TRUE(f["isEnabled"].is_null());
  EXPECT_EQ(record->raw, k2020.dump());  // no raw given: the compact document
}

TEST(SnapshotNormalizeContact2020, OffAndUnconfigured) {
  json f =
      fields_of(contact({{"emails", ""},
                         {"phone", ""},
                         {"alertNotifications", {{"state", "Off"}, {"minimalSeverity", ""}}},
                         {"notificationsByRole", {{"state", "Off"}, {"roles", json::array()}}}}));
  EXPECT_EQ(f["email"], "");
  EXPECT_EQ(f["emails"], json::array());
  EXPECT_EQ(f["alertNotifications"], false);
  EXPECT_EQ(f["alertMinimalSeverity"], "");
  EXPECT_EQ(f["notificationByRoleState"], "Off");
  EXPECT_EQ(f["notificationRoles"], json::array());
}

TEST(SnapshotNormalizeContact2023, MapsEveryField) {
  json f = fields_of(k2023);
  EXPECT_EQ(f["apiVersion"], "2023-12-01-preview");
  EXPECT_EQ(f["email"], "john@contoso.com;jane@contoso.com");
  EXPECT_EQ(f["emails"], json({"john@contoso.com", "jane@contoso.com"}));
  EXPECT_EQ(f["phone"], "(214)275-4038");
  EXPECT_EQ(f["alertNotifications"], true);
  EXPECT_EQ(f["alertMinimalSeverity"], "Low");
  EXPECT_EQ(f["attackPathMinimalRiskLevel"], "Critical");
  EXPECT_EQ(f["notificationByRoleState"], "On");
  EXPECT_EQ(f["notificationRoles"], json({"Owner", "ServiceAdmin"}));
  EXPECT_EQ(f["isEnabled"], true);
}

TEST(SnapshotNormalizeContact2023, AlertNotificationsNeedsAnAlertSourceAndNotDisabled) {
  json disabled = k2023;
  disabled["properties"]["isEnabled"] = false;
  json f = fields_of(disabled);
  EXPECT_EQ(f["alertNotifications"], false);
  EXPECT_EQ(f["isEnabled"], false);
  EXPECT_EQ(f["alertMinimalSeverity"], "Low");  // still reported

  json no_alert = k2023;
  no_alert["properties"]["notificationsSources"] = {
      {{"sourceType", "AttackPath"}, {"minimalRiskLevel", "High"}}};
  f = fields_of(no_alert);
  EXPECT_EQ(f["alertNotifications"], false);
  EXPECT_TRUE(f["alertMinimalSeverity"].is_null());
  EXPECT_EQ(f["attackPathMinimalRiskLevel"], "High");

  json unset = k2023;  // isEnabled missing counts as not false
  unset["properties"].erase("isEnabled");
  f = fields_of(unset);
  EXPECT_EQ(f["alertNotifications"], true);
  EXPECT_TRUE(f["isEnabled"].is_null());
  EXPECT_EQ(f["apiVersion"], "2023-12-01-preview");

  json only_enabled = contact({{"isEnabled", true}, {"emails", "a@b.c"}});
  f = fields_of(only_enabled);
  EXPECT_EQ(f["apiVersion"], "2023-12-01-preview");
  EXPECT_EQ(f["alertNotifications"], false);
  EXPECT_TRUE(f["notificationRoles"].is_null());
}

TEST(SnapshotNormalizeContact2023, AcceptsThePublishedAttachPathTypo) {
  json typo = k2023;
  typo["properties"]["notificationsSources"][1]["sourceType"] = "AttachPath";
  EXPECT_EQ(fields_of(typo)["attackPathMinimalRiskLevel"], "Critical");
}

TEST(SnapshotNormalizeContact, LinksToTheSubscriptionItsIdStartsWith) {
  auto record = normalize(k2020, "", posture::schema::builtin());
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->type->name, "SecurityContact");
  EXPECT_EQ(record->parent_id, kSub);
  ASSERT_NE(record->relationship, nullptr);
  EXPECT_EQ(record->relationship->target, "SecurityContact");
  EXPECT_EQ(record->relationship->owner, "Connector");
}

TEST(SnapshotNormalizeContact, NameDefaultsToTheLastIdSegment) {
  json c = k2020;
  c.erase("name");
  EXPECT_EQ(fields_of(c)["name"], "default");
}

TEST(SnapshotNormalizeContact, WrongTypesNameTheProperty) {
  json c = k2017;
  c["properties"]["email"] = 42;
  EXPECT_NE(error_of(c).find("property `properties.email` must be a string, got number"),
            std::string::npos);
  c = k2017;
  c["properties"] = "x";
  EXPECT_NE(error_of(c).find("property `properties` must be an object, got string"),
            std::string::npos);
  c = k2020;
  c["properties"]["notificationsByRole"]["roles"] = "Owner";
  EXPECT_NE(error_of(c).find("`properties.notificationsByRole.roles` must be an array"),
            std::string::npos);
  c = k2020;
  c["properties"]["alertNotifications"]["state"] = true;
  EXPECT_NE(error_of(c).find("`properties.alertNotifications.state` must be a string, got boolean"),
            std::string::npos);
  c = k2023;
  c["properties"]["isEnabled"] = "true";
  EXPECT_NE(error_of(c).find("`properties.isEnabled` must be a boolean, got string"),
            std::string::npos);
  c = k2023;
  c["properties"]["notificationsSources"] = {{{"sourceType", "Alert"}, {"minimalSeverity", 3}}};
  EXPECT_NE(
      error_of(c).find("`properties.notificationsSources[].minimalSeverity` must be a string"),
      std::string::npos);
  c = k2017;
  c["properties"]["alertNotifications"] = 1;  // 2017 shape (email) with a number
  EXPECT_NE(error_of(c).find("`properties.alertNotifications` must be a string"),
            std::string::npos);
}

TEST(SnapshotNormalizeContact, ShapesThatCannotBeRead) {
  json c = k2017;
  c.erase("properties");
  EXPECT_NE(error_of(c).find("needs a `properties` object"), std::string::npos);
  EXPECT_NE(error_of(contact({{"phone", "1"}})).find("cannot tell the API version"),
            std::string::npos);
  json outside = {{"id", "/providers/Microsoft.Security/securityContacts/default"},
                  {"properties", {{"email", ""}}}};
  EXPECT_NE(error_of(outside).find("must start with /subscriptions/<id>/"), std::string::npos);
  EXPECT_NE(error_of(json{{"kind", "x"}}).find("not a subscription or a security contact"),
            std::string::npos);
  EXPECT_NE(error_of(json::array()).find("a JSON array"), std::string::npos);
}

TEST(SnapshotNormalizeParsed, TakesSubscriptionsAndContactsAndLeavesTheRestToNormalize) {
  const std::string sub = std::string("{\"id\":\"") + kSub + "\",\"subscriptionId\":\"s\"";
  const std::string id = contact_id();
  // Taken: the same record as normalize() makes from nlohmann's value of the
  // same text (which keeps the last of duplicate keys), escapes unescaped.
  for (const std::string& text : {
           sub + ",\"displayName\":\"caf\\u00e9 \\\"q\\\"\",\"state\":\"Enabled\"}",
           sub + ",\"displayName\":\"first\",\"displayName\":\"last\"}",
           sub + ",\"name\":\"graph\",\"type\":\"microsoft.resources/subscriptions\","
                 "\"properties\":{\"state\":\"Disabled\"}}",
           "{\"id\":\"" + id +
               "\",\"properties\":{\"emails\":\" a@x.com,,b@x.com;\","
               "\"notificationsByRole\":{\"roles\":[\"Owner\",\"Owner\"]},\"phone\":null}}",
           "{\"id\":\"" + id +
               "\",\"type\":\"Microsoft.Security/securityContact\","
               "\"properties\":{\"email\":\"\",\"alertsToAdmins\":\"on\",\"email\":null}}",
       }) {
    std::string raw = text;
    auto fast = parsed(text, raw);
    ASSERT_TRUE(fast.has_value()) << text;
    auto slow = normalize(json::parse(text), text, posture::schema::builtin());
    ASSERT_TRUE(slow.ok()) << posture::format(slow.errors());
    expect_same(*fast, *slow, text);
  }
  // Left to normalize() and the importer's other steps: a list envelope, an
  // ARM error in place of a contact, the az CLI's shapes, other types.
  for (const std::string& text : {
           "{\"value\":[" + sub + "}]}",
           "{\"id\":\"" + id + "\",\"error\":{\"code\":\"AuthorizationFailed\"}}",
           sub + ",\"error\":{\"code\":\"AuthorizationFailed\"}}",
           "{\"id\":\"" + id +
               "\",\"type\":\"Microsoft.Security/securityContacts\","
               "\"emails\":\"a@x.com\"}",
           std::string("{\"id\":\"c0ffee00-0000-4000-8000-000000000001\",\"tenantId\":\"t\","
                       "\"isDefault\":true,\"name\":\"az\"}"),
           std::string("{\"id\":\"") + kSub +
               "/resourceGroups/rg\",\"type\":"
               "\"Microsoft.Resources/resourceGroups\"}",
           std::string("{\"id\":\"") + kSub +
               "/resourceGroups/rg/providers/"
               "Microsoft.Storage/storageAccounts/a\",\"type\":\"Microsoft.Storage/"
               "storageAccounts\",\"properties\":{}}",
       }) {
    std::string raw = text;
    EXPECT_FALSE(parsed(text, raw).has_value()) << text;
    EXPECT_EQ(raw, text);
  }
}

TEST(SnapshotSplitEmails, SplitsOnSemicolonsAndCommasTrimsAndDropsEmpties) {
  EXPECT_EQ(split_emails(""), std::vector<std::string>{});
  EXPECT_EQ(split_emails(" ; ,"), std::vector<std::string>{});
  EXPECT_EQ(split_emails("a@x.com"), std::vector<std::string>{"a@x.com"});
  EXPECT_EQ(split_emails(" a@x.com ;b@x.com,, c@x.com\t"),
            (std::vector<std::string>{"a@x.com", "b@x.com", "c@x.com"}));
  EXPECT_EQ(split_emails("a@x.com;"), std::vector<std::string>{"a@x.com"});
}

TEST(SnapshotResponseItems, HandlesEnvelopesBareArraysAndSingleObjects) {
  json envelope = {{"value", {k2017, k2020}}, {"nextLink", "https://management.azure.com/x"}};
  auto items = response_items(envelope);
  ASSERT_TRUE(items.ok());
  EXPECT_EQ(items->size(), 2u);
  auto bare = response_items(json::array({k2020}));  // 2020-01-01-preview list
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->at(0), k2020);
  auto single = response_items(k2023);
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->at(0), k2023);
  EXPECT_TRUE(response_items(json{{"value", json::array()}})->empty());
  auto bad = response_items(json{{"value", "x"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.errors()[0].message.find("`value` must be an array"), std::string::npos);
  EXPECT_FALSE(response_items(json("x")).ok());
}
