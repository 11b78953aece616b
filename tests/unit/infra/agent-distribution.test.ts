import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBicep, repoRoot } from './bicep-source.js';
import { appSettings, bodyEntries, declaration, declarationsOf, MAIN, moduleParams, ROLES } from './infra-model.js';

/** The agent on bot VMs: its package container, the bots' identity, and the Listen-only key of their queue tokens. */
const main = readBicep(MAIN);
const roles = readBicep(ROLES);
const serviceBus = readBicep('infra/modules/service-bus.bicep');
const storage = readBicep('infra/modules/storage.bicep');
const queueKey = readBicep('infra/modules/agent-queue-key.bicep');
const settings = appSettings();

describe('agent package and bot identity (infra/)', () => {
  it('creates a private `agent` container in the storage account', () => {
    const container = declaration(storage, 'resource', 'agentContainer');
    expect(container.target).toMatch(/^Microsoft\.Storage\/storageAccounts\/blobServices\/containers@/);
    expect(container.code).toMatch(/publicAccess:\s*'None'/);
    expect(storage.code).toMatch(/param agentContainerName string = 'agent'/);
  });

  it("gives the bots' own identity Storage Blob Data Reader on that container only, and the app Managed Identity Operator on it", () => {
    const call = declaration(roles, 'module', 'agentContainerRoles');
    const params = new Map(moduleParams(roles, call).map((e) => [e.key, e.value.replace(/\s/g, '')]));
    expect(params.get('principalId')).toBe('botIdentityPrincipalId');
    expect(params.get('containerName')).toBe('agentContainerName');
    expect(params.get('roleDefinitionIds')).toBe('[roleDefinitionIds.storageBlobDataReader]');
    const operator = declaration(roles, 'resource', 'managedIdentityOperator');
    expect(operator.code).toMatch(/scope:\s*botIdentity\n/);
    expect(operator.code).toMatch(/principalId:\s*principalId\n/);

    const rolesCall = declarationsOf(main, 'module').find((m) => m.name === 'roles')!;
    const toRoles = new Map(moduleParams(main, rolesCall).map((e) => [e.key, e.value]));
    expect(toRoles.get('botIdentityPrincipalId')).toBe('botIdentity.properties.principalId');
    expect(toRoles.get('botIdentityName')).toBe('botIdentity.name');
    expect(toRoles.get('agentContainerName')).toBe('storage.outputs.agentContainerName');
  });

  it('tells the provisioner which identity to attach and where the package is', () => {
    expect(settings.get('BOT_IDENTITY_RESOURCE_ID')?.value).toBe('botIdentity.id');
    expect(settings.get('BOT_IDENTITY_CLIENT_ID')?.value).toBe('botIdentity.properties.clientId');
    expect(settings.get('AGENT_PACKAGE_URL')?.value).toBe('storage.outputs.agentContainerUrl');
    expect(declaration(storage, 'output', 'agentContainerUrl').code).toContain("'${storage.properties.primaryEndpoints.blob}${agentContainer.name}'");
  });
});

describe('the bots queue tokens (Service Bus SAS, Listen only)', () => {
  it('has one authorization rule, bot-listen, with Listen rights only', () => {
    const rules = declarationsOf(serviceBus, 'resource').filter((d) => d.target?.startsWith('Microsoft.ServiceBus/namespaces/authorizationRules@'));
    expect(rules).toHaveLength(1);
    const rights = bodyEntries(serviceBus, rules[0]!)
      .find((e) => e.key === 'properties')
      ?.value.replace(/\s/g, '');
    expect(rights).toBe("{rights:['Listen']}");
    expect(serviceBus.code).toMatch(/param agentQueueSasRuleName string = 'bot-listen'/);
    expect(settings.get('AGENT_QUEUE_SAS_RULE')?.value).toBe('serviceBus.outputs.agentQueueSasRuleName');
  });

  it('keeps local auth on the namespace for them only, and says why', () => {
    expect(serviceBus.code).toMatch(/disableLocalAuth:\s*false\n/);
    expect(serviceBus.source).toMatch(/Listen only/);
    expect(readFileSync(join(repoRoot, 'docs/deploy.md'), 'utf8')).toMatch(/disableLocalAuth/);
  });

  it('copies the rule key into Key Vault as agent-queue-sas-key, and outputs nothing of it', () => {
    const call = declarationsOf(main, 'module').find((m) => m.name === 'agentQueueKey');
    expect(call).toBeDefined();
    const params = new Map(moduleParams(main, call!).map((e) => [e.key, e.value]));
    expect(params.get('agentQueueSasRuleName')).toBe('serviceBus.outputs.agentQueueSasRuleName');
    expect(params.get('keyVaultName')).toBe('keyVault.outputs.name');
    expect(queueKey.code).toMatch(/param secretName string = 'agent-queue-sas-key'/);
    expect(
      declarationsOf(queueKey, 'output')
        .map((o) => o.code)
        .join('\n'),
    ).not.toMatch(/listKeys|primaryKey/);
  });
});

describe('publishing the agent package (azure.yaml)', () => {
  const yaml = readFileSync(join(repoRoot, 'azure.yaml'), 'utf8');

  it('stages the agent package with the app and uploads it after deploy, with both hook variants', () => {
    expect(yaml).toMatch(/prepackage:[\s\S]*run:\s*npm ci && npm run package && npm run package:agent/);
    expect(yaml).toMatch(/postdeploy:\s*\n\s+posix:\s*\n\s+shell:\s*sh\s*\n\s+run:\s*hooks\/upload-agent-package\.sh/);
    expect(yaml).toMatch(/windows:\s*\n\s+shell:\s*pwsh\s*\n\s+run:\s*hooks\/upload-agent-package\.ps1/);
    for (const hook of ['hooks/upload-agent-package.sh', 'hooks/upload-agent-package.ps1']) {
      const script = readFileSync(join(repoRoot, hook), 'utf8');
      expect(script, hook).toMatch(/az storage blob upload --auth-mode login/);
      expect(script, hook).toContain('hosted-rpa-agent.zip');
      expect(script, hook).toContain('install-agent.ps1');
      expect(script, hook).toContain('AGENT_STORAGE_ACCOUNT');
    }
    const outputs = declarationsOf(main, 'output').map((o) => o.name);
    expect(outputs).toEqual(expect.arrayContaining(['AGENT_STORAGE_ACCOUNT', 'AGENT_CONTAINER']));
  });
});
