-- Baseline for azure-vm-endpoint-protection-installed: the virtual machines of
-- scan :scan without a Defender for Endpoint extension (publisher
-- Microsoft.Azure.AzureDefenderForServers, type MDE.Windows or MDE.Linux) that
-- provisioned successfully.
-- Shape: an anti-join against one uncorrelated set (the VMs that pass, one
-- sequential pass over vm_extension), probed by a scan of virtual_machine in
-- rowid order (`+v._scan`: see azure-additional-email-address.sql). An
-- extension's parent rowid belongs to its own scan, so the set needs no scan
-- test; `IS NOT NULL` keeps an orphan extension from turning NOT IN into NULL.
SELECT v.id
FROM virtual_machine AS v
WHERE +v._scan = :scan
  AND v._rid NOT IN (SELECT e._has_vm_extension_rid FROM vm_extension AS e
                     WHERE e.publisher = 'Microsoft.Azure.AzureDefenderForServers'
                       AND e.extensionType IN ('MDE.Windows', 'MDE.Linux')
                       AND e.provisioningState = 'Succeeded'
                       AND e._has_vm_extension_rid IS NOT NULL);
