-- PostgreSQL baseline for azure-vm-endpoint-protection-installed: the virtual
-- machines of scan $1 without a Defender for Endpoint extension (publisher
-- Microsoft.Azure.AzureDefenderForServers, type MDE.Windows or MDE.Linux) that
-- provisioned successfully.
-- Shape: one hash anti-join (NOT EXISTS) against the extensions that pass.
SELECT v.id
FROM virtual_machine AS v
WHERE v._scan = $1
  AND NOT EXISTS (SELECT FROM vm_extension AS e
                  WHERE e._has_vm_extension_rid = v._rid
                    AND e.publisher = 'Microsoft.Azure.AzureDefenderForServers'
                    AND e."extensionType" IN ('MDE.Windows', 'MDE.Linux')
                    AND e."provisioningState" = 'Succeeded');
