// The synthetic inventory generator: a deterministic Azure inventory of any size,
// as JSON Lines of ARM objects in the shapes `posture import` reads (one
// subscription object per line, each followed by its security-contact list
// response). The same options give the same bytes on every machine and library
// version: randomness comes from Posture's own splitmix64, never from
// std::*_distribution. Output is streamed through a fixed-size buffer, so memory
// does not grow with the number of connectors.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "base/result.hpp"

namespace posture::synthetic {

// The realistic mix of situations, as probabilities in [0, 1]. Each is drawn
// independently per connector or per contact, as its comment says.
struct Mix {
  // Per connector.
  double no_contacts = 0.10;  // the contact list is empty
  double api_2023 = 0.50;     // the contacts' API version (2017 is the rest)
  double api_2020 = 0.30;
  double bare_array_2020 = 0.75;  // a 2020 list comes as a bare JSON array, else an envelope
  double several_2017 = 0.35;     // a 2017 subscription has default1 and default2
  double upper_case_id = 0.02;    // contact ids spell the subscription GUID in upper case
  // Per contact.
  double empty_email = 0.08;           // unconfigured: "email"/"emails" and "phone" are ""
  double no_phone = 0.15;              // email set, phone "" (2020/2023) or absent (2017)
  double alerts_off = 0.12;            // alert notifications Off (2017/2020)
  double admins_off = 0.10;            // alertsToAdmins / notificationsByRole.state Off
  double roles_without_owner = 0.15;   // 2020/2023 roles lack Owner
  double disabled_2023 = 0.10;         // 2023 isEnabled false
  double no_alert_source_2023 = 0.05;  // 2023 has no Alert notifications source
};

struct GeneratorOptions {
  uint64_t connectors = 1000;
  // When > 0, every modelled type (see generator.cpp, "every modelled type"):
  // an Entra ID tenant, then subscriptions, each followed by its resources
  // (tens of storage accounts and VMs, NSGs with rules, database servers with
  // configurations, ...), until at least this many resources are written;
  // `connectors` is then ignored.
  uint64_t resources = 0;
  uint64_t seed = 1;
  Mix mix;
  // Called every few thousand connectors (every 64 subscriptions with their
  // resources when `resources` is set: the counts are then resources), and
  // once at the end.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct GeneratorSummary {
  uint64_t connectors = 0;
  uint64_t contacts = 0;
  // The objects the importer stores as rows, of every type (a resource, a
  // child resource, an element such as an NSG rule, a disk attachment or a
  // diagnostic log category, an Entra ID object); subscriptions + contacts in
  // the connector mode.
  uint64_t resources = 0;
  uint64_t lines = 0;
  uint64_t bytes = 0;
};

// Writes the inventory to `out`. Errors (code "io") when the stream fails.
Result<GeneratorSummary> generate(const GeneratorOptions& options, std::ostream& out);

// Writes the inventory to the file at `path` ("-" is standard output). Errors
// (code "io") name the path; a partly written file is removed.
Result<GeneratorSummary> generate_file(const GeneratorOptions& options, const std::string& path);

}  // namespace posture::synthetic
