// The JSON shapes `posture import` reads besides ARM REST objects, and why it
// skips an object it cannot read. The az CLI prints its own shapes: `az account
// list` / `az account show` print subscriptions as {"id": "<GUID>", "name",
// "state", "tenantId", "isDefault", "user", ...}, and `az security contact
// list` / `show` print contacts with ARM's `properties` flattened into the
// object (older az versions in the 2017-08-01-preview shape: email,
// alertNotifications "On", alertsToAdmins; later ones emails,
// alertNotifications {state, minimalSeverity}, notificationsByRole; the newest
// isEnabled and notificationsSources). Each is turned back into the ARM shape
// normalize() reads.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace posture::snapshot {

// `object` in ARM's shape when it is one of the az CLI's shapes above;
// nullopt when it is not (an ARM object, or something else).
std::optional<nlohmann::json> arm_from_az_cli(const nlohmann::json& object);

// Why an object that is neither a subscription nor a security contact is
// skipped: "no subscriptionId", "unknown type Microsoft.Compute/virtualMachines",
// "no id or type", ...
std::string skip_reason(const nlohmann::json& object);

// One sentence naming the shapes import reads, for messages.
const char* readable_shapes();

}  // namespace posture::snapshot
